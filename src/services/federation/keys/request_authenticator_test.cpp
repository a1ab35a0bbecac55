#include "services/federation/keys/request_authenticator.hpp"

#include <gtest/gtest.h>

#include "protocol/federation/x_matrix.hpp"
#include "services/common/service_test_fixture.hpp"
#include "services/federation/keys/key_ring.hpp"
#include "services/federation/keys/key_test_support.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using testing::kTestStartMs;

constexpr std::int64_t kHour = 3600 * 1000;
constexpr const char* kUri = "/_matrix/federation/v1/send/txn1?x=%20y";

class RequestAuthenticatorTest : public testing::ServiceTestFixture {
 protected:
  RequestAuthenticatorTest() : ring_(ctx_) {
    transport_.remotes["remote.test"] = {
        {remote_key_}, {{old_key_, kTestStartMs - kHour}}, kTestStartMs + kHour};
    ring_.set_transport(&transport_);
  }

  // The header remote.test's key writes for the request.
  std::string header(const std::string& method, const std::string& uri, const std::string& body,
                     const crypto::SigningKey& key, const std::string& destination = "test.local",
                     const std::string& origin = "remote.test") {
    federation::SignedRequest request{method, uri, origin, destination, std::nullopt};
    if (!body.empty()) request.content = bj::parse(body);
    return federation::authorization_header(request, key);
  }

  // The origin, or the errcode thrown.
  std::string authenticate(const std::string& method, const std::string& uri,
                           std::vector<std::string> headers, const std::string& body = "") {
    RequestAuthenticator authenticator(ctx_, ring_);
    ServerSignedRequest request{method, uri, std::move(headers), body};
    std::string origin;
    // A named lambda: a coroutine lambda called as a temporary would outlive its captures.
    auto call = [&]() -> boost::asio::awaitable<void> {
      origin = co_await authenticator.authenticate(request);
    };
    std::string error = error_of(call());
    return error.empty() ? origin : error;
  }

  crypto::SigningKey remote_key_ = crypto::SigningKey::generate("k1");
  crypto::SigningKey old_key_ = crypto::SigningKey::generate("old");
  testing::FakeKeyTransport transport_;
  KeyRing ring_;
};

TEST_F(RequestAuthenticatorTest, AcceptsSignedRequests) {
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", remote_key_)}), "remote.test");
  const std::string body = R"({"pdus":[],"edus":[{"edu_type":"m.typing"}]})";
  EXPECT_EQ(authenticate("PUT", kUri, {header("PUT", kUri, body, remote_key_)}, body),
            "remote.test");
  // Whitespace differs from the signed form: the JSON is what is signed, not the bytes.
  EXPECT_EQ(authenticate("PUT", kUri, {header("PUT", kUri, body, remote_key_)},
                         "{ \"edus\": [{\"edu_type\": \"m.typing\"}], \"pdus\": [] }"),
            "remote.test");
  EXPECT_EQ(transport_.direct_calls("remote.test"), 1);
}

TEST_F(RequestAuthenticatorTest, AcceptsOlderServersForms) {
  // No destination (before v1.3), bare values, other Authorization schemes ignored.
  const std::string signed_header = header("GET", kUri, "", remote_key_);
  const std::string sig = signed_header.substr(signed_header.find("sig=\"") + 5);
  const std::string lenient =
      "X-Matrix origin=remote.test,key=ed25519:k1,sig=\"" + sig.substr(0, sig.size() - 1) + "\"";
  EXPECT_EQ(authenticate("GET", kUri, {"Bearer abc", lenient}), "remote.test");
}

TEST_F(RequestAuthenticatorTest, RefusesMissingOrMalformedHeaders) {
  EXPECT_EQ(authenticate("GET", kUri, {}), "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("GET", kUri, {"Bearer abc"}), "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("GET", kUri, {"X-Matrix origin=remote.test"}), "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("GET", kUri, {"X-Matrix origin=\"remote.test,key=\"ed25519:k1\""}),
            "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("GET", kUri,
                         {header("GET", kUri, "", remote_key_, "test.local", "not a server!")}),
            "M_UNAUTHORIZED");
}

TEST_F(RequestAuthenticatorTest, RefusesAnotherDestination) {
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", remote_key_, "other.test")}),
            "M_UNAUTHORIZED");
  EXPECT_EQ(transport_.direct_calls("remote.test"), 0);  // refused before any key lookup
}

TEST_F(RequestAuthenticatorTest, RefusesBadSignatures) {
  // Signed for another URI, method, or body; by a key not the server's.
  EXPECT_EQ(
      authenticate("GET", kUri, {header("GET", "/_matrix/federation/v1/send/2", "", remote_key_)}),
      "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("PUT", kUri, {header("GET", kUri, "", remote_key_)}), "M_UNAUTHORIZED");
  EXPECT_EQ(
      authenticate("PUT", kUri, {header("PUT", kUri, R"({"a":1})", remote_key_)}, R"({"a":2})"),
      "M_UNAUTHORIZED");
  EXPECT_EQ(authenticate("PUT", kUri, {header("PUT", kUri, R"({"a":1})", remote_key_)}),
            "M_UNAUTHORIZED");  // body signed, none sent
  auto impostor = crypto::SigningKey::generate("k1");
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", impostor)}), "M_UNAUTHORIZED");
}

TEST_F(RequestAuthenticatorTest, RefusesUnknownKeysAndServers) {
  auto unknown = crypto::SigningKey::generate("k9");
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", unknown)}), "M_UNAUTHORIZED");
  auto nowhere = crypto::SigningKey::generate("k1");
  EXPECT_EQ(
      authenticate("GET", kUri, {header("GET", kUri, "", nowhere, "test.local", "nowhere.test")}),
      "M_UNAUTHORIZED");
}

TEST_F(RequestAuthenticatorTest, RefusesOldAndExpiredKeys) {
  // Old keys sign events only, never requests.
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", old_key_)}), "M_UNAUTHORIZED");
  // The current key past its valid_until_ts, and the server gone: no key valid now.
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", remote_key_)}), "remote.test");
  transport_.remotes["remote.test"].reachable = false;
  now_ms_ = kTestStartMs + 2 * kHour;
  EXPECT_EQ(authenticate("GET", kUri, {header("GET", kUri, "", remote_key_)}), "M_UNAUTHORIZED");
}

TEST_F(RequestAuthenticatorTest, RefusesConflictingOrigins) {
  EXPECT_EQ(authenticate("GET", kUri,
                         {header("GET", kUri, "", remote_key_),
                          header("GET", kUri, "", remote_key_, "test.local", "other.test")}),
            "M_UNAUTHORIZED");
}

TEST_F(RequestAuthenticatorTest, RefusesBodiesThatAreNotJson) {
  EXPECT_EQ(authenticate("PUT", kUri, {header("PUT", kUri, "", remote_key_)}, "{not json"),
            "M_NOT_JSON");
}

}  // namespace
}  // namespace myelin::services
