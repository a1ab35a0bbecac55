#include "services/federation/keys/key_ring.hpp"

#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "protocol/crypto/json_signing.hpp"
#include "services/common/service_test_fixture.hpp"
#include "services/federation/keys/key_document.hpp"
#include "services/federation/keys/key_test_support.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using testing::FakeKeyTransport;
using testing::kTestStartMs;

constexpr std::int64_t kHour = 3600 * 1000;

class KeyRingTest : public testing::ServiceTestFixture {
 protected:
  KeyRingTest() {
    remote_key_ = crypto::SigningKey::generate("k1");
    transport_.remotes["remote.test"] = {{remote_key_}, {}, kTestStartMs + 24 * kHour};
  }

  KeyRing& ring() {
    if (!ring_) {
      ring_ = std::make_unique<KeyRing>(ctx_, KeyRing::Options{.failure_memory_ms = 60'000});
      ring_->set_transport(&transport_);
    }
    return *ring_;
  }
  // A ring as after a restart: empty memory, same database.
  void restart_ring() {
    ring_.reset();
    ring();
  }

  void prefetch(std::vector<KeyRequest> requests) { run(ring().prefetch(std::move(requests))); }
  std::optional<std::string> key(const std::string& server, const std::string& key_id,
                                 std::int64_t minimum = 0) {
    return ring().cached_key(server, key_id, minimum);
  }
  void add_notary(const std::string& name, const crypto::SigningKey& configured_key) {
    config::TrustedKeyServer notary;
    notary.server_name = name;
    notary.verify_keys[configured_key.key_id()] = configured_key.public_key();
    config_.server_keys.trusted_key_servers.push_back(notary);
  }

  crypto::SigningKey remote_key_ = crypto::SigningKey::generate();
  FakeKeyTransport transport_;
  std::unique_ptr<KeyRing> ring_;
};

TEST_F(KeyRingTest, FetchesDirectlyStoresAndRemembersAcrossRestart) {
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
  prefetch({{"remote.test", "ed25519:k1", kTestStartMs}});
  EXPECT_EQ(key("remote.test", "ed25519:k1", kTestStartMs), remote_key_.public_key());
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);

  // In the table with the document as received.
  auto stored = store_->server_keys.key("remote.test", "ed25519:k1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->verify_key, remote_key_.public_key_base64());
  EXPECT_EQ(stored->valid_until_ts, kTestStartMs + 24 * kHour);
  EXPECT_EQ(stored->fetched_ts, kTestStartMs);
  EXPECT_NE(stored->key_json.find("\"signatures\""), std::string::npos);

  // Cached: no second fetch.
  prefetch({{"remote.test", "ed25519:k1", kTestStartMs}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);

  // After a restart, the table answers without the network.
  transport_.remotes["remote.test"].reachable = false;
  restart_ring();
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));  // not loaded until asked
  prefetch({{"remote.test", "ed25519:k1", kTestStartMs}});
  EXPECT_EQ(key("remote.test", "ed25519:k1"), remote_key_.public_key());
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
}

TEST_F(KeyRingTest, UnknownKeyIdStaysUnknown) {
  prefetch({{"remote.test", "ed25519:nope", 0}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
  EXPECT_FALSE(key("remote.test", "ed25519:nope"));
  EXPECT_TRUE(key("remote.test", "ed25519:k1"));  // what the document did list is kept

  // The server answered, so it is not dead: a key it adds next is fetched at once.
  auto added = crypto::SigningKey::generate("k2");
  transport_.remotes["remote.test"].keys.push_back(added);
  prefetch({{"remote.test", "ed25519:k2", 0}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 2);
  EXPECT_EQ(key("remote.test", "ed25519:k2"), added.public_key());
}

TEST_F(KeyRingTest, RefusesBadSelfSignature) {
  // Another key signed the document than the one it lists.
  auto impostor = crypto::SigningKey::generate("k1");
  transport_.remotes["remote.test"].tamper = [&](bj::object& doc) {
    doc.erase("signatures");
    crypto::sign_json(doc, "remote.test", impostor);
  };
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
  EXPECT_FALSE(store_->server_keys.key("remote.test", "ed25519:k1").has_value());
}

TEST_F(KeyRingTest, RefusesDocumentNotSignedByEveryListedKey) {
  auto second = crypto::SigningKey::generate("k2");
  transport_.remotes["remote.test"].tamper = [&](bj::object& doc) {
    // k2 listed, but only k1 signed.
    doc["verify_keys"].as_object()["ed25519:k2"] = bj::object{{"key", second.public_key_base64()}};
  };
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
  EXPECT_FALSE(key("remote.test", "ed25519:k2"));
}

TEST_F(KeyRingTest, RefusesTamperedValidity) {
  transport_.remotes["remote.test"].tamper = [](bj::object& doc) {
    doc["valid_until_ts"] = kTestStartMs + 1000 * kHour;
  };
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
}

TEST_F(KeyRingTest, RefusesServerNameMismatch) {
  transport_.remotes["remote.test"].served_name = "other.test";
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
  EXPECT_FALSE(key("other.test", "ed25519:k1"));
}

TEST_F(KeyRingTest, FallsBackToNotaryCheckingBothSignatures) {
  auto notary_key = crypto::SigningKey::generate("n1");
  add_notary("notary.test", notary_key);
  transport_.notaries["notary.test"] = {notary_key, true};
  transport_.remotes["remote.test"].reachable = false;

  prefetch({{"remote.test", "ed25519:k1", kTestStartMs + kHour}});
  EXPECT_EQ(key("remote.test", "ed25519:k1", kTestStartMs), remote_key_.public_key());
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
  EXPECT_EQ(transport_.notary_calls("notary.test"), 1);
  // The query named the key and the validity wanted.
  const bj::object query = transport_.last_query();
  EXPECT_EQ(query.at("server_keys")
                .at("remote.test")
                .at("ed25519:k1")
                .at("minimum_valid_until_ts")
                .as_int64(),
            kTestStartMs + kHour);
  // Stored with the notary's signature as well as the origin's.
  auto stored = store_->server_keys.key("remote.test", "ed25519:k1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->key_json.find("notary.test"), std::string::npos);
}

TEST_F(KeyRingTest, RefusesNotaryAnswerNotSignedByTheConfiguredKey) {
  auto configured = crypto::SigningKey::generate("n1");
  add_notary("notary.test", configured);
  transport_.notaries["notary.test"] = {crypto::SigningKey::generate("n1"), true};  // another key
  transport_.remotes["remote.test"].reachable = false;
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
}

TEST_F(KeyRingTest, RefusesNotaryAnswerWithoutTheOriginsSignature) {
  auto notary_key = crypto::SigningKey::generate("n1");
  add_notary("notary.test", notary_key);
  transport_.notaries["notary.test"] = {notary_key, true};
  auto forged = crypto::SigningKey::generate("k1");
  transport_.remotes["remote.test"].reachable = false;
  // The notary vouches for a key the origin never signed with.
  transport_.remotes["remote.test"].tamper = [&](bj::object& doc) {
    doc["verify_keys"].as_object()["ed25519:k1"] = bj::object{{"key", forged.public_key_base64()}};
  };
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_FALSE(key("remote.test", "ed25519:k1"));
}

TEST_F(KeyRingTest, RefetchesStaleKeys) {
  transport_.remotes["remote.test"].valid_until_ts = kTestStartMs + kHour;
  prefetch({{"remote.test", "ed25519:k1", kTestStartMs}});
  EXPECT_TRUE(key("remote.test", "ed25519:k1", kTestStartMs + kHour));
  EXPECT_FALSE(key("remote.test", "ed25519:k1", kTestStartMs + kHour + 1));
  EXPECT_TRUE(key("remote.test", "ed25519:k1", 0));  // any known key, when validity is moot

  // Still valid for what is asked: no fetch.
  prefetch({{"remote.test", "ed25519:k1", kTestStartMs + kHour}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);

  now_ms_ = kTestStartMs + 2 * kHour;
  transport_.remotes["remote.test"].valid_until_ts = kTestStartMs + 10 * kHour;
  prefetch({{"remote.test", "ed25519:k1", now_ms_}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 2);
  EXPECT_TRUE(key("remote.test", "ed25519:k1", kTestStartMs + 10 * kHour));
}

TEST_F(KeyRingTest, CapsValidityAtSevenDays) {
  transport_.remotes["remote.test"].valid_until_ts = kTestStartMs + 1000 * kHour;
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_TRUE(key("remote.test", "ed25519:k1", kTestStartMs + kMaxKeyValidityMs));
  EXPECT_FALSE(key("remote.test", "ed25519:k1", kTestStartMs + kMaxKeyValidityMs + 1));
}

TEST_F(KeyRingTest, HonoursOldVerifyKeysUntilTheyExpired) {
  auto old_key = crypto::SigningKey::generate("old");
  const std::int64_t expired = kTestStartMs - kHour;
  transport_.remotes["remote.test"].old_keys.push_back({old_key, expired});
  prefetch({{"remote.test", "ed25519:old", 0}});
  EXPECT_EQ(key("remote.test", "ed25519:old", expired - 1), old_key.public_key());
  EXPECT_EQ(key("remote.test", "ed25519:old", expired), old_key.public_key());
  EXPECT_FALSE(key("remote.test", "ed25519:old", expired + 1));
  EXPECT_FALSE(key("remote.test", "ed25519:old", kTestStartMs));  // not for requests now
  EXPECT_EQ(store_->server_keys.key("remote.test", "ed25519:old")->expired_ts, expired);
}

TEST_F(KeyRingTest, ConcurrentFetchesOfOneServerShareOneRequest) {
  auto second_key = crypto::SigningKey::generate("k1");
  transport_.remotes["second.test"] = {{second_key}, {}, kTestStartMs + kHour};
  using namespace boost::asio::experimental::awaitable_operators;
  auto first =
      ring().prefetch({{"remote.test", "ed25519:k1", 0}, {"second.test", "ed25519:k1", 0}});
  auto again = ring().prefetch({{"remote.test", "ed25519:k1", 0}});
  auto third = ring().prefetch({{"remote.test", "ed25519:k1", 0}});
  run(std::move(first) && std::move(again) && std::move(third));
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
  EXPECT_EQ(transport_.direct_calls("second.test"), 1);
  EXPECT_TRUE(key("remote.test", "ed25519:k1"));
  EXPECT_EQ(key("second.test", "ed25519:k1"), second_key.public_key());
}

TEST_F(KeyRingTest, RemembersDeadServersForAWhile) {
  transport_.remotes["remote.test"].reachable = false;
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);  // not asked again yet

  transport_.remotes["remote.test"].reachable = true;
  now_ms_ = kTestStartMs + 61'000;
  prefetch({{"remote.test", "ed25519:k1", 0}});
  EXPECT_EQ(transport_.direct_calls("remote.test"), 2);
  EXPECT_TRUE(key("remote.test", "ed25519:k1"));
}

TEST_F(KeyRingTest, OwnKeysNeedNoFetch) {
  auto old = crypto::SigningKey::generate("previous");
  config_.server_keys.old_signing_keys.push_back(
      {old.key_id(), old.public_key(), kTestStartMs - kHour});
  prefetch({{"test.local", ctx_.signing_key.key_id(), kTestStartMs}});
  EXPECT_EQ(transport_.direct_calls("test.local"), 0);
  EXPECT_EQ(key("test.local", ctx_.signing_key.key_id(), kTestStartMs + 1000 * kHour),
            ctx_.signing_key.public_key());
  EXPECT_EQ(key("test.local", old.key_id(), kTestStartMs - 2 * kHour), old.public_key());
  EXPECT_FALSE(key("test.local", old.key_id(), kTestStartMs));
}

TEST_F(KeyRingTest, OwnKeyDocumentIsSelfSignedWithOldKeys) {
  auto old = crypto::SigningKey::generate("previous");
  config_.server_keys.old_signing_keys.push_back(
      {old.key_id(), old.public_key(), kTestStartMs - kHour});
  config_.server_keys.key_refresh_interval_ms = 2 * kHour;
  bj::object doc = ring().own_key_document();
  EXPECT_EQ(doc.at("valid_until_ts").as_int64(), kTestStartMs + 2 * kHour);
  EXPECT_EQ(doc.at("verify_keys").at(ctx_.signing_key.key_id()).at("key").as_string(),
            ctx_.signing_key.public_key_base64());
  EXPECT_EQ(doc.at("old_verify_keys").at(old.key_id()).at("expired_ts").as_int64(),
            kTestStartMs - kHour);
  auto records = verify_key_document(doc, "test.local", kTestStartMs);
  ASSERT_TRUE(records) << records.error();
  EXPECT_EQ(records->size(), 2u);
}

TEST_F(KeyRingTest, KeyDocumentsForTheNotary) {
  // Ours: our own document.
  auto ours = run(ring().key_documents("test.local", kTestStartMs));
  ASSERT_EQ(ours.size(), 1u);
  EXPECT_EQ(ours[0].at("server_name").as_string(), "test.local");

  // Another server's: fetched when missing, then served from the table.
  auto theirs = run(ring().key_documents("remote.test", kTestStartMs));
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_TRUE(verify_key_document(theirs[0], "remote.test", kTestStartMs));
  run(ring().key_documents("remote.test", kTestStartMs));
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);

  // Stale: refetched; unreachable then: the stored document is still served.
  transport_.remotes["remote.test"].reachable = false;
  auto stale = run(ring().key_documents("remote.test", kTestStartMs + 48 * kHour));
  EXPECT_EQ(transport_.direct_calls("remote.test"), 2);
  EXPECT_EQ(stale.size(), 1u);

  // Unknown and unreachable: nothing.
  EXPECT_TRUE(run(ring().key_documents("nowhere.test", kTestStartMs)).empty());
}

TEST_F(KeyRingTest, NotaryAnswerIsCountersignedAndLeavesOutUnknownServers) {
  bj::array answer = run(ring().notary_answer(
      {{"remote.test", kTestStartMs}, {"nowhere.test", kTestStartMs}, {"test.local", 0}}));
  ASSERT_EQ(answer.size(), 2u);  // nowhere.test is unreachable and unknown: left out
  for (const bj::value& entry : answer) {
    const bj::object& document = entry.as_object();
    const std::string origin(document.at("server_name").as_string());
    EXPECT_TRUE(origin == "remote.test" || origin == "test.local") << origin;
    // The origin's own signature survives ours being added.
    EXPECT_TRUE(verify_key_document(document, origin, kTestStartMs)) << origin;
    EXPECT_TRUE(crypto::verify_json(document, "test.local", ctx_.signing_key.key_id(),
                                    ctx_.signing_key.public_key()))
        << origin;
  }
  EXPECT_TRUE(run(ring().notary_answer({})).empty());
}

}  // namespace
}  // namespace myelin::services
