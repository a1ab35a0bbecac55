#include "services/federation/receiver/transaction_answers.hpp"

#include <gtest/gtest.h>

namespace myelin::services {
namespace {

namespace bj = boost::json;

TEST(TransactionAnswersTest, RemembersByOriginAndTransactionID) {
  TransactionAnswers answers(10);
  answers.remember("a.test", "t1", bj::object{{"pdus", bj::object{{"$x", bj::object{}}}}});
  ASSERT_TRUE(answers.find("a.test", "t1"));
  EXPECT_EQ(answers.find("a.test", "t1")->at("pdus").as_object().size(), 1u);
  EXPECT_FALSE(answers.find("b.test", "t1"));  // txnIds are the origin's own
  EXPECT_FALSE(answers.find("a.test", "t2"));
}

TEST(TransactionAnswersTest, ForgetsTheOldestWhenFull) {
  TransactionAnswers answers(2);
  answers.remember("a.test", "t1", bj::object{{"n", 1}});
  answers.remember("a.test", "t2", bj::object{{"n", 2}});
  answers.remember("a.test", "t1", bj::object{{"n", 11}});  // replaced, not a new entry
  answers.remember("a.test", "t3", bj::object{{"n", 3}});
  EXPECT_FALSE(answers.find("a.test", "t1"));
  EXPECT_EQ(answers.find("a.test", "t2")->at("n"), 2);
  EXPECT_EQ(answers.find("a.test", "t3")->at("n"), 3);
}

}  // namespace
}  // namespace myelin::services
