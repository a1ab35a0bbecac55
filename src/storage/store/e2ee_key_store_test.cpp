#include "storage/store/e2ee_key_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class E2eeKeyStoreTest : public StoreTest {
 protected:
  E2eeKeyStoreTest() {
    add_device("@a:x", "DA");
    add_device("@a:x", "DB");
    add_device("@b:x", "DC");
  }

  E2eeKeyStore& keys() { return store().e2ee_keys; }

  void add_device(const std::string& user_id, const std::string& device_id) {
    UserRecord user;
    user.user_id = user_id;
    store().accounts.create_user(user);
    store().accounts.upsert_device({user_id, device_id, "Phone " + device_id, 1, "127.0.0.1"});
  }
};

OneTimeKeyRecord otk(std::string key_id, std::string value = "") {
  if (value.empty()) value = "\"key-" + key_id + "\"";
  return {"signed_curve25519", std::move(key_id), std::move(value)};
}

TEST_F(E2eeKeyStoreTest, DeviceKeysAreStoredAndReportChanges) {
  EXPECT_TRUE(keys().set_device_keys("@a:x", "DA", R"({"v":1})"));
  EXPECT_FALSE(keys().set_device_keys("@a:x", "DA", R"({"v":1})"));  // the same again
  EXPECT_TRUE(keys().set_device_keys("@a:x", "DA", R"({"v":2})"));
  EXPECT_TRUE(keys().set_device_keys("@a:x", "DB", R"({"v":3})"));
  EXPECT_EQ(keys().device_keys("@a:x", "DA"), R"({"v":2})");
  EXPECT_FALSE(keys().device_keys("@b:x", "DC").has_value());
  auto devices = keys().device_keys_of("@a:x");
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].device_id, "DA");
  EXPECT_EQ(devices[0].key_json, R"({"v":2})");
  EXPECT_EQ(devices[0].display_name, "Phone DA");
  EXPECT_EQ(devices[1].device_id, "DB");
  EXPECT_TRUE(keys().device_keys_of("@b:x").empty());
}

TEST_F(E2eeKeyStoreTest, OneTimeKeysAreCountedAndConflictsStoreNothing) {
  EXPECT_FALSE(keys().add_one_time_keys("@a:x", "DA", {otk("1"), otk("2"), otk("3")}));
  // The same key again is fine (a retried upload); another with a held ID is refused, and the
  // new key beside it is not stored either.
  EXPECT_FALSE(keys().add_one_time_keys("@a:x", "DA", {otk("1")}));
  auto conflict = keys().add_one_time_keys("@a:x", "DA", {otk("4"), otk("2", "\"other\"")});
  ASSERT_TRUE(conflict.has_value());
  EXPECT_EQ(conflict->key_id, "2");
  EXPECT_EQ(conflict->algorithm, "signed_curve25519");
  EXPECT_FALSE(keys().add_one_time_keys("@a:x", "DA", {{"curve25519", "9", "\"plain\""}}));
  auto counts = keys().one_time_key_counts("@a:x", "DA");
  EXPECT_EQ(counts,
            (std::map<std::string, std::int64_t>{{"curve25519", 1}, {"signed_curve25519", 3}}));
  EXPECT_TRUE(keys().one_time_key_counts("@a:x", "DB").empty());
}

TEST_F(E2eeKeyStoreTest, ClaimTakesEachOneTimeKeyOnceThenTheFallbackKey) {
  keys().add_one_time_keys("@a:x", "DA", {otk("1"), otk("2")});
  keys().set_fallback_key("@a:x", "DA", otk("F", "\"fallback\""));
  EXPECT_EQ(keys().unused_fallback_key_types("@a:x", "DA"),
            std::vector<std::string>{"signed_curve25519"});

  KeyClaim claim{"@a:x", "DA", "signed_curve25519"};
  // Two claims in one request get two different keys.
  auto first = keys().claim({claim, claim});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_NE(first[0].key.key_id, first[1].key.key_id);
  EXPECT_FALSE(first[0].fallback);
  EXPECT_FALSE(first[1].fallback);
  EXPECT_TRUE(keys().one_time_key_counts("@a:x", "DA").empty());

  auto second = keys().claim({claim});
  ASSERT_EQ(second.size(), 1u);
  EXPECT_TRUE(second[0].fallback);
  EXPECT_EQ(second[0].key.key_id, "F");
  EXPECT_EQ(second[0].key.key_json, "\"fallback\"");
  EXPECT_TRUE(keys().unused_fallback_key_types("@a:x", "DA").empty());
  // The fallback key is given out again while no other is uploaded.
  EXPECT_EQ(keys().claim({claim}).size(), 1u);

  // Nothing for a device without keys, nor for another algorithm.
  EXPECT_TRUE(keys().claim({{"@a:x", "DB", "signed_curve25519"}}).empty());
  EXPECT_TRUE(keys().claim({{"@a:x", "DA", "curve25519"}}).empty());
}

TEST_F(E2eeKeyStoreTest, ReuploadedFallbackKeyKeepsUsedFlagANewOneIsUnused) {
  keys().set_fallback_key("@a:x", "DA", otk("F"));
  keys().claim({{"@a:x", "DA", "signed_curve25519"}});
  keys().set_fallback_key("@a:x", "DA", otk("F"));
  EXPECT_TRUE(keys().unused_fallback_key_types("@a:x", "DA").empty());
  keys().set_fallback_key("@a:x", "DA", otk("G"));
  EXPECT_EQ(keys().unused_fallback_key_types("@a:x", "DA"),
            std::vector<std::string>{"signed_curve25519"});
  auto claimed = keys().claim({{"@a:x", "DA", "signed_curve25519"}});
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].key.key_id, "G");
}

TEST_F(E2eeKeyStoreTest, DeletingDevicesDeletesTheirKeys) {
  for (const char* device : {"DA", "DB"}) {
    keys().set_device_keys("@a:x", device, "{}");
    keys().add_one_time_keys("@a:x", device, {otk("1")});
    keys().set_fallback_key("@a:x", device, otk("F"));
  }
  keys().set_device_keys("@b:x", "DC", "{}");
  keys().add_one_time_keys("@b:x", "DC", {otk("1")});

  store().accounts.delete_device("@a:x", "DA");
  EXPECT_FALSE(keys().device_keys("@a:x", "DA").has_value());
  EXPECT_TRUE(keys().one_time_key_counts("@a:x", "DA").empty());
  EXPECT_TRUE(keys().unused_fallback_key_types("@a:x", "DA").empty());
  EXPECT_TRUE(keys().device_keys("@a:x", "DB").has_value());

  add_device("@a:x", "DD");
  keys().set_device_keys("@a:x", "DD", "{}");
  store().accounts.delete_devices_except("@a:x", std::string("DD"));
  EXPECT_FALSE(keys().device_keys("@a:x", "DB").has_value());
  EXPECT_TRUE(keys().claim({{"@a:x", "DB", "signed_curve25519"}}).empty());
  EXPECT_TRUE(keys().device_keys("@a:x", "DD").has_value());

  store().accounts.deactivate("@b:x");
  EXPECT_FALSE(keys().device_keys("@b:x", "DC").has_value());
  EXPECT_TRUE(keys().one_time_key_counts("@b:x", "DC").empty());
}

TEST_F(E2eeKeyStoreTest, CrossSigningKeysAndSignatures) {
  keys().set_cross_signing_key("@a:x", {"master", R"({"v":1})"});
  keys().set_cross_signing_key("@a:x", {"self_signing", R"({"v":2})"});
  keys().set_cross_signing_key("@a:x", {"master", R"({"v":3})"});
  auto held = keys().cross_signing_keys("@a:x");
  ASSERT_EQ(held.size(), 2u);
  EXPECT_EQ(held[0].key_type, "master");
  EXPECT_EQ(held[0].key_json, R"({"v":3})");
  EXPECT_EQ(held[1].key_type, "self_signing");
  EXPECT_TRUE(keys().cross_signing_keys("@b:x").empty());

  keys().add_signatures({{"@a:x", "ed25519:SSK", "@a:x", "DA", "sig1"},
                         {"@b:x", "ed25519:USK", "@a:x", "MASTER", "sig2"}});
  keys().add_signatures({{"@a:x", "ed25519:SSK", "@a:x", "DA", "sig3"}});
  auto signatures = keys().signatures_of("@a:x");
  ASSERT_EQ(signatures.size(), 2u);
  EXPECT_EQ(signatures[0].target_key_id, "DA");
  EXPECT_EQ(signatures[0].signature, "sig3");
  EXPECT_EQ(signatures[1].signer_user_id, "@b:x");
  EXPECT_TRUE(keys().signatures_of("@b:x").empty());
}

}  // namespace
}  // namespace myelin::storage
