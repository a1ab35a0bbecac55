#include "services/e2ee/key_service.hpp"

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <vector>

#include "services/common/service_test_fixture.hpp"

namespace myelin::services {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;
using testing::ServiceTestFixture;

// Other servers as the test scripts them: an answer per server, or trouble.
class ScriptedServers : public FederationTransport {
 public:
  asio::awaitable<bj::value> request(std::string destination, std::string method, std::string path,
                                     std::optional<bj::value> body) override {
    requests.push_back({destination, method + " " + path, body ? body->as_object() : bj::object()});
    if (destination == "slow.test") {
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(300));
      co_await timer.async_wait(asio::use_awaitable);
    }
    if (destination == "refusing.test") throw FederationRequestError(403, "M_FORBIDDEN", "no");
    auto it = answers.find(destination);
    if (it == answers.end()) throw FederationUnreachable("no route to " + destination);
    co_return it->second;
  }
  asio::awaitable<bj::value> request_unsigned(std::string, std::string, std::string,
                                              std::optional<bj::value>) override {
    throw FederationUnreachable("not in this test");
  }

  struct Request {
    std::string destination;
    std::string what;
    bj::object body;
  };
  std::vector<Request> requests;
  std::map<std::string, bj::value> answers;
};

bj::object device_keys(const std::string& user_id, const std::string& device_id,
                       const std::string& curve = "curve") {
  return bj::object{
      {"user_id", user_id},
      {"device_id", device_id},
      {"algorithms", bj::array{"m.olm.v1.curve25519-aes-sha2", "m.megolm.v1.aes-sha2"}},
      {"keys", bj::object{{"curve25519:" + device_id, curve}, {"ed25519:" + device_id, "ed"}}},
      {"signatures", bj::object{{user_id, bj::object{{"ed25519:" + device_id, "sig"}}}}}};
}

class KeyServiceTest : public ServiceTestFixture {
 protected:
  KeyServiceTest() : keys_(ctx_) {
    keys_.set_transport(&servers_);
    keys_.set_device_keys_changed([this](std::string user_id, std::string device_id) {
      return record_change(std::move(user_id), std::move(device_id));
    });
    add_device(kAlice, "ALICE1", "Alice's phone");
    add_device(kAlice, "ALICE2", "Alice's laptop");
    add_device(kBob, "BOB1", "Bob's phone");
  }

  asio::awaitable<void> record_change(std::string user_id, std::string device_id) {
    changes_.push_back(user_id + " " + device_id);
    co_return;
  }

  void add_device(const std::string& user_id, const std::string& device_id,
                  const std::string& name) {
    storage::UserRecord user;
    user.user_id = user_id;
    store_->accounts.create_user(user);
    store_->accounts.upsert_device({user_id, device_id, name, 1, "127.0.0.1"});
  }

  bj::object upload(const std::string& user_id, const std::string& device_id, bj::object body) {
    return run(keys_.upload(user_id, device_id, std::move(body)));
  }

  static constexpr const char* kAlice = "@alice:test.local";
  static constexpr const char* kBob = "@bob:test.local";
  ScriptedServers servers_;
  KeyService keys_;
  std::vector<std::string> changes_;
};

TEST_F(KeyServiceTest, UploadStoresKeysAndCountsOneTimeKeys) {
  bj::object answer = upload(kAlice, "ALICE1", {});
  EXPECT_EQ(bj::serialize(answer), R"({"one_time_key_counts":{"signed_curve25519":0}})");

  answer = upload(kAlice, "ALICE1",
                  {{"device_keys", device_keys(kAlice, "ALICE1")},
                   {"one_time_keys", bj::object{{"signed_curve25519:A", bj::object{{"key", "a"}}},
                                                {"signed_curve25519:B", bj::object{{"key", "b"}}},
                                                {"curve25519:C", "c"}}}});
  EXPECT_EQ(bj::serialize(answer),
            R"({"one_time_key_counts":{"signed_curve25519":2,"curve25519":1}})");
  EXPECT_EQ(changes_, std::vector<std::string>{std::string(kAlice) + " ALICE1"});
  // The same keys again change nothing; new identity keys are a change.
  upload(kAlice, "ALICE1", {{"device_keys", device_keys(kAlice, "ALICE1")}});
  EXPECT_EQ(changes_.size(), 1u);
  upload(kAlice, "ALICE1", {{"device_keys", device_keys(kAlice, "ALICE1", "new curve")}});
  EXPECT_EQ(changes_.size(), 2u);
}

TEST_F(KeyServiceTest, UploadRefusesOthersKeysAndChangedOneTimeKeys) {
  EXPECT_EQ(
      error_of(keys_.upload(kAlice, "ALICE1", {{"device_keys", device_keys(kBob, "ALICE1")}})),
      "M_INVALID_PARAM");
  EXPECT_EQ(
      error_of(keys_.upload(kAlice, "ALICE1", {{"device_keys", device_keys(kAlice, "ALICE2")}})),
      "M_INVALID_PARAM");
  EXPECT_EQ(error_of(keys_.upload(kAlice, "ALICE1", {{"device_keys", 5}})), "M_BAD_JSON");
  EXPECT_EQ(error_of(keys_.upload(kAlice, "ALICE1", {{"one_time_keys", bj::array{}}})),
            "M_BAD_JSON");
  EXPECT_EQ(error_of(keys_.upload(kAlice, "ALICE1", {{"one_time_keys", bj::object{{"A", "k"}}}})),
            "M_INVALID_PARAM");
  EXPECT_TRUE(changes_.empty());

  upload(kAlice, "ALICE1", {{"one_time_keys", bj::object{{"signed_curve25519:A", "k"}}}});
  EXPECT_EQ(error_of(keys_.upload(kAlice, "ALICE1",
                                  {{"one_time_keys", bj::object{{"signed_curve25519:A", "other"},
                                                                {"signed_curve25519:B", "b"}}}})),
            "M_INVALID_PARAM");
  // Nothing of the refused upload was kept, device keys included.
  bj::object answer = upload(kAlice, "ALICE1", {});
  EXPECT_EQ(answer.at("one_time_key_counts").at("signed_curve25519"), 1);
}

// The same signed key again with other signatures (a retried upload signs afresh) is the key
// already held, as Synapse counts it; another key under the same ID is still refused.
TEST_F(KeyServiceTest, AOneTimeKeySignedAgainIsTheSameKey) {
  auto signed_key = [](std::string key, std::string signature) {
    return bj::object{
        {"key", std::move(key)},
        {"signatures", bj::object{{kAlice, bj::object{{"ed25519:ALICE1", std::move(signature)}}}}}};
  };
  upload(kAlice, "ALICE1",
         {{"one_time_keys", bj::object{{"signed_curve25519:A", signed_key("k", "first")}}}});
  bj::object answer =
      upload(kAlice, "ALICE1",
             {{"one_time_keys", bj::object{{"signed_curve25519:A", signed_key("k", "again")},
                                           {"signed_curve25519:B", signed_key("b", "b")}}}});
  EXPECT_EQ(answer.at("one_time_key_counts").at("signed_curve25519"), 2);
  EXPECT_EQ(
      error_of(keys_.upload(
          kAlice, "ALICE1",
          {{"one_time_keys", bj::object{{"signed_curve25519:A", signed_key("x", "first")}}}})),
      "M_INVALID_PARAM");
}

TEST_F(KeyServiceTest, LocalQueryAnswersKeysWithDisplayNames) {
  upload(kAlice, "ALICE1", {{"device_keys", device_keys(kAlice, "ALICE1")}});
  upload(kAlice, "ALICE2", {{"device_keys", device_keys(kAlice, "ALICE2")}});
  bj::object all = run(keys_.query(kBob, {{kAlice, {}}, {kBob, {}}}, KeyService::kDefaultTimeout));
  EXPECT_TRUE(all.at("failures").as_object().empty());
  const bj::object& alice = all.at("device_keys").at(kAlice).as_object();
  ASSERT_EQ(alice.size(), 2u);
  EXPECT_EQ(alice.at("ALICE1").at("keys").at("curve25519:ALICE1"), "curve");
  EXPECT_EQ(alice.at("ALICE1").at("unsigned").at("device_display_name"), "Alice's phone");
  // Bob uploaded nothing: there, but empty.
  EXPECT_TRUE(all.at("device_keys").at(kBob).as_object().empty());

  bj::object one = run(keys_.query(kBob, {{kAlice, {"ALICE2"}}}, KeyService::kDefaultTimeout));
  EXPECT_EQ(one.at("device_keys").at(kAlice).as_object().size(), 1u);
  EXPECT_TRUE(one.at("device_keys").at(kAlice).as_object().contains("ALICE2"));

  // A deleted device's keys are gone with it.
  store_->accounts.delete_device(kAlice, "ALICE1");
  bj::object after = run(keys_.query(kBob, {{kAlice, {}}}, KeyService::kDefaultTimeout));
  EXPECT_FALSE(after.at("device_keys").at(kAlice).as_object().contains("ALICE1"));
}

TEST_F(KeyServiceTest, RemoteQueryIsBatchedPerServerAndKeepsOnlyWhatWasAsked) {
  const std::string carol = "@carol:remote.test";
  const std::string dave = "@dave:remote.test";
  bj::object forged = device_keys(carol, "CAROL1");
  forged["device_id"] = "OTHER";  // filed under another device ID
  servers_.answers["remote.test"] = bj::object{
      {"device_keys",
       bj::object{{carol, bj::object{{"CAROL1", device_keys(carol, "CAROL1")},
                                     {"CAROL2", device_keys(dave, "CAROL2")},
                                     {"CAROL3", forged}}},
                  {dave, bj::object{{"DAVE1", device_keys(dave, "DAVE1")}}},
                  // Not asked about, and not this server's user.
                  {"@eve:elsewhere.test",
                   bj::object{{"EVE1", device_keys("@eve:elsewhere.test", "EVE1")}}}}},
      {"master_keys",
       bj::object{{carol, bj::object{{"user_id", carol}, {"usage", bj::array{"master"}}}},
                  {dave, bj::object{{"user_id", carol}, {"usage", bj::array{"master"}}}}}}};
  bj::object answer = run(keys_.query(
      kAlice,
      {{carol, {}}, {dave, {}}, {"@frank:refusing.test", {}}, {"@gina:unreachable.test", {}}},
      KeyService::kDefaultTimeout));
  ASSERT_EQ(servers_.requests.size(), 3u);  // one per server
  for (const auto& r : servers_.requests) {
    EXPECT_EQ(r.what, "POST /_matrix/federation/v1/user/keys/query");
  }
  auto to_remote = std::find_if(servers_.requests.begin(), servers_.requests.end(),
                                [](const auto& r) { return r.destination == "remote.test"; });
  ASSERT_NE(to_remote, servers_.requests.end());
  EXPECT_EQ(bj::serialize(to_remote->body),
            bj::serialize(bj::object{
                {"device_keys", bj::object{{carol, bj::array{}}, {dave, bj::array{}}}}}));
  const bj::object& keys = answer.at("device_keys").as_object();
  EXPECT_EQ(keys.size(), 2u);
  ASSERT_EQ(keys.at(carol).as_object().size(), 1u);
  EXPECT_TRUE(keys.at(carol).as_object().contains("CAROL1"));
  EXPECT_TRUE(keys.at(dave).as_object().contains("DAVE1"));
  EXPECT_TRUE(answer.at("master_keys").as_object().contains(carol));
  EXPECT_FALSE(answer.at("master_keys").as_object().contains(dave));  // names carol
  const bj::object& failures = answer.at("failures").as_object();
  EXPECT_EQ(failures.size(), 2u);
  EXPECT_EQ(failures.at("refusing.test").at("status"), 403);
  EXPECT_EQ(failures.at("unreachable.test").at("status"), 503);
}

TEST_F(KeyServiceTest, ServersThatDoNotAnswerInTimeAreFailures) {
  servers_.answers["slow.test"] = bj::object{{"device_keys", bj::object{}}};
  servers_.answers["remote.test"] = bj::object{
      {"device_keys", bj::object{{"@carol:remote.test",
                                  bj::object{{"C1", device_keys("@carol:remote.test", "C1")}}}}}};
  bj::object answer = run(keys_.query(kAlice, {{"@sam:slow.test", {}}, {"@carol:remote.test", {}}},
                                      std::chrono::milliseconds(50)));
  EXPECT_EQ(answer.at("failures").at("slow.test").at("status"), 504);
  EXPECT_FALSE(answer.at("failures").as_object().contains("remote.test"));
  EXPECT_TRUE(answer.at("device_keys").at("@carol:remote.test").as_object().contains("C1"));
}

TEST_F(KeyServiceTest, ClaimGivesEachOneTimeKeyOnceThenTheFallbackKey) {
  upload(kBob, "BOB1",
         {{"one_time_keys", bj::object{{"signed_curve25519:A", bj::object{{"key", "a"}}}}},
          {"fallback_keys",
           bj::object{{"signed_curve25519:F", bj::object{{"key", "f"}, {"fallback", true}}}}}});
  OneTimeKeysClaim claim{{kBob, {{"BOB1", "signed_curve25519"}}}};
  bj::object first = run(keys_.claim(claim, KeyService::kDefaultTimeout));
  EXPECT_EQ(bj::serialize(first.at("one_time_keys")),
            R"({"@bob:test.local":{"BOB1":{"signed_curve25519:A":{"key":"a"}}}})");
  bj::object second = run(keys_.claim(claim, KeyService::kDefaultTimeout));
  EXPECT_EQ(bj::serialize(second.at("one_time_keys")),
            R"({"@bob:test.local":{"BOB1":{"signed_curve25519:F":{"fallback":true,"key":"f"}}}})");
  // No keys of that algorithm, or no such device: nothing.
  bj::object none =
      run(keys_.claim({{kBob, {{"BOB1", "curve25519"}, {"NOPE", "signed_curve25519"}}}},
                      KeyService::kDefaultTimeout));
  EXPECT_TRUE(none.at("one_time_keys").as_object().empty());
}

TEST_F(KeyServiceTest, RemoteClaimKeepsOneKeyOfTheAskedAlgorithmPerAskedDevice) {
  const std::string carol = "@carol:remote.test";
  servers_.answers["remote.test"] = bj::object{
      {"one_time_keys",
       bj::object{
           {carol, bj::object{{"C1", bj::object{{"curve25519:X", "x"},
                                                {"signed_curve25519:Y", bj::object{{"key", "y"}}},
                                                {"signed_curve25519:Z", "z"}}},
                              {"C2", bj::object{{"signed_curve25519:W", "w"}}}}},
           {"@mallory:elsewhere.test",
            bj::object{{"M1", bj::object{{"signed_curve25519:M", "m"}}}}}}}};
  bj::object answer = run(keys_.claim({{carol, {{"C1", "signed_curve25519"}}},
                                       {"@gina:unreachable.test", {{"G1", "signed_curve25519"}}}},
                                      KeyService::kDefaultTimeout));
  ASSERT_EQ(servers_.requests.size(), 2u);
  EXPECT_EQ(bj::serialize(answer.at("one_time_keys")),
            R"({"@carol:remote.test":{"C1":{"signed_curve25519:Y":{"key":"y"}}}})");
  EXPECT_TRUE(answer.at("failures").as_object().contains("unreachable.test"));
}

TEST(KeyRequestsTest, MalformedRequestsAreRefused) {
  auto code = [](auto parse) {
    try {
      parse();
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return std::string();
  };
  EXPECT_EQ(code([] { parse_device_keys_query(bj::parse(R"({"@a:x":"D"})").as_object()); }),
            "M_BAD_JSON");
  EXPECT_EQ(code([] { parse_device_keys_query(bj::parse(R"({"@a:x":[1]})").as_object()); }),
            "M_BAD_JSON");
  EXPECT_EQ(code([] { parse_device_keys_query(bj::parse(R"({"a":[]})").as_object()); }),
            "M_INVALID_PARAM");
  EXPECT_EQ(code([] { parse_one_time_keys_claim(bj::parse(R"({"@a:x":[]})").as_object()); }),
            "M_BAD_JSON");
  EXPECT_EQ(code([] { parse_one_time_keys_claim(bj::parse(R"({"@a:x":{"D":1}})").as_object()); }),
            "M_BAD_JSON");
  DeviceKeysQuery query = parse_device_keys_query(bj::parse(R"({"@a:x":["D1","D2"]})").as_object());
  EXPECT_EQ(query["@a:x"], (std::vector<std::string>{"D1", "D2"}));
}

}  // namespace
}  // namespace myelin::services
