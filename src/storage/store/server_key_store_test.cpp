#include "storage/store/server_key_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class ServerKeyStoreTest : public StoreTest {
 protected:
  ServerKeyStore& keys() { return store().server_keys; }
};

ServerKeyRecord key_record(std::string server, std::string key_id, std::int64_t valid_until,
                           std::optional<std::int64_t> expired = std::nullopt) {
  return {std::move(server),       std::move(key_id), "a2V5", valid_until, expired, 500,
          R"({"server_name":"x"})"};
}

TEST_F(ServerKeyStoreTest, StoresAndReadsKeysPerServer) {
  keys().store_keys({key_record("a.test", "ed25519:2", 2000),
                     key_record("a.test", "ed25519:1", 1000, 900),
                     key_record("b.test", "ed25519:1", 3000)});
  auto a = keys().keys_of("a.test");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].key_id, "ed25519:1");
  EXPECT_EQ(a[0].expired_ts, 900);
  EXPECT_EQ(a[0].valid_until_ts, 1000);
  EXPECT_EQ(a[1].key_id, "ed25519:2");
  EXPECT_FALSE(a[1].expired_ts.has_value());
  EXPECT_EQ(a[1].verify_key, "a2V5");
  EXPECT_EQ(a[1].fetched_ts, 500);
  EXPECT_EQ(a[1].key_json, R"({"server_name":"x"})");
  EXPECT_EQ(keys().keys_of("b.test").size(), 1u);
  EXPECT_TRUE(keys().keys_of("c.test").empty());
  EXPECT_FALSE(keys().key("a.test", "ed25519:3").has_value());
  ASSERT_TRUE(keys().key("b.test", "ed25519:1").has_value());
  EXPECT_EQ(keys().key("b.test", "ed25519:1")->valid_until_ts, 3000);
}

TEST_F(ServerKeyStoreTest, NewerDocumentReplacesAndSurvivesReopen) {
  keys().store_keys({key_record("a.test", "ed25519:1", 1000)});
  ServerKeyRecord newer = key_record("a.test", "ed25519:1", 5000, 4000);
  newer.key_json = R"({"newer":true})";
  keys().store_keys({newer});
  reopen();
  auto key = keys().key("a.test", "ed25519:1");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->valid_until_ts, 5000);
  EXPECT_EQ(key->expired_ts, 4000);
  EXPECT_EQ(key->key_json, R"({"newer":true})");
  EXPECT_EQ(keys().keys_of("a.test").size(), 1u);
}

}  // namespace
}  // namespace myelin::storage
