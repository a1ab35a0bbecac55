#include "protocol/state_res/conflict_split.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace myelin::state_res {
namespace {

std::vector<std::string> unconflicted_ids(const ConflictSplit& split) {
  std::vector<std::string> ids;
  for (const StateMap::value_type* entry : split.unconflicted) ids.push_back(entry->second);
  return ids;
}

TEST(ConflictSplit, SameEventInEverySetIsUnconflicted) {
  std::vector<StateMap> sets{
      {{{"m.room.create", ""}, "$c"}, {{"m.room.topic", ""}, "$t1"}, {{"m.room.name", ""}, "$n"}},
      {{{"m.room.create", ""}, "$c"}, {{"m.room.topic", ""}, "$t2"}},
      {{{"m.room.create", ""}, "$c"}, {{"m.room.topic", ""}, "$t1"}, {{"x", "k"}, "$x"}},
  };
  ConflictSplit split = split_conflicts(sets);
  EXPECT_EQ(unconflicted_ids(split), std::vector<std::string>{"$c"});
  // A slot missing from one set is a conflict (v2), and each event appears once.
  EXPECT_EQ(std::vector<std::string>(split.conflicted.begin(), split.conflicted.end()),
            (std::vector<std::string>{"$n", "$t1", "$t2", "$x"}));
}

TEST(ConflictSplit, IdenticalSetsHaveNoConflicts) {
  StateMap s{{{"a", ""}, "$a"}, {{"b", "1"}, "$b"}};
  std::vector<StateMap> sets{s, s};
  ConflictSplit split = split_conflicts(sets);
  EXPECT_EQ(unconflicted_ids(split), (std::vector<std::string>{"$a", "$b"}));
  EXPECT_TRUE(split.conflicted.empty());
}

}  // namespace
}  // namespace myelin::state_res
