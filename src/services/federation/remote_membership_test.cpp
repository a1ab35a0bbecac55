#include "services/federation/remote_membership.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "http/client/url.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/redaction.hpp"
#include "services/common/service_test_fixture.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

// Answers each request with what the test scripted for its destination.
class ScriptedTransport : public FederationTransport {
 public:
  using Script = std::function<bj::value(const std::string& method, const std::string& path,
                                         const std::optional<bj::value>& body)>;
  boost::asio::awaitable<bj::value> request(std::string destination, std::string method,
                                            std::string path,
                                            std::optional<bj::value> body) override {
    calls.push_back({destination, method, path, body});
    auto it = scripts.find(destination);
    if (it == scripts.end()) throw FederationUnreachable("unreachable");
    co_return it->second(method, path, body);
  }
  boost::asio::awaitable<bj::value> request_unsigned(std::string, std::string, std::string,
                                                     std::optional<bj::value>) override {
    throw FederationUnreachable("unused");
  }

  struct Call {
    std::string destination, method, path;
    std::optional<bj::value> body;
  };
  std::map<std::string, Script> scripts;
  std::vector<Call> calls;
};

bj::object join_template(const std::string& user, const std::string& room_id) {
  return {{"room_version", "10"},
          {"event",
           {{"room_id", room_id},
            {"sender", user},
            {"type", "m.room.member"},
            {"state_key", user},
            {"content", {{"membership", "join"}, {"join_authorised_via_users_server", "@a:r"}}},
            {"origin_server_ts", 5},
            {"depth", 7},
            {"prev_events", bj::array{"$prev"}},
            {"auth_events", bj::array{"$create", "$power"}}}}};
}

class RemoteMembershipTest : public testing::ServiceTestFixture {
 protected:
  MembershipHandshake join_request(std::vector<std::string> servers) {
    return {"join",
            "!room:resident.test",
            "@bob:test.local",
            std::move(servers),
            {{"displayname", "Bob"}}};
  }
  ScriptedTransport transport_;
};

TEST_F(RemoteMembershipTest, CompletesTheTemplateInOurNameAndSendsIt) {
  bj::object sent_event;
  transport_.scripts["resident.test"] = [&](const std::string& method, const std::string& path,
                                            const std::optional<bj::value>& body) -> bj::value {
    if (method == "GET") return join_template("@bob:test.local", "!room:resident.test");
    sent_event = body->as_object();
    return bj::object{{"state", bj::array{}}, {"auth_chain", bj::array{}}};
  };
  CompletedHandshake done = run(run_membership_handshake(
      ctx_, transport_, join_request({"gone.test", "resident.test", "test.local"})));

  EXPECT_EQ(done.server, "resident.test");
  EXPECT_EQ(done.version->id, "10");
  ASSERT_EQ(transport_.calls.size(), 3u);  // gone.test, then make_join and send_join; never us
  EXPECT_EQ(transport_.calls[0].destination, "gone.test");
  const std::string& make_path = transport_.calls[1].path;
  EXPECT_EQ(make_path.rfind("/_matrix/federation/v1/make_join/%21room%3Aresident.test/"
                            "%40bob%3Atest.local?ver=1&ver=2",
                            0),
            0u);
  EXPECT_NE(make_path.find("&ver=10"), std::string::npos);
  EXPECT_EQ(transport_.calls[2].method, "PUT");
  EXPECT_EQ(transport_.calls[2].path, "/_matrix/federation/v2/send_join/%21room%3Aresident.test/" +
                                          http::url_encode(done.event->event_id()));

  // Ours now: origin, time, our profile over the template's content, hashes and our signature.
  EXPECT_EQ(sent_event.at("origin"), "test.local");
  EXPECT_EQ(sent_event.at("content").at("displayname"), "Bob");
  EXPECT_EQ(sent_event.at("content").at("join_authorised_via_users_server"), "@a:r");
  EXPECT_EQ(sent_event.at("depth"), 7);
  EXPECT_TRUE(sent_event.at("hashes").as_object().contains("sha256"));
  EXPECT_EQ(*events::compute_event_id(sent_event, *done.version), done.event->event_id());
  EXPECT_TRUE(crypto::verify_json(events::redact(sent_event, *done.version), "test.local",
                                  ctx_.signing_key.key_id(), ctx_.signing_key.public_key()));
}

TEST_F(RemoteMembershipTest, SkipsTemplatesForSomeoneElse) {
  transport_.scripts["liar.test"] = [](const std::string&, const std::string&,
                                       const std::optional<bj::value>&) -> bj::value {
    return join_template("@mallory:test.local", "!room:resident.test");
  };
  EXPECT_EQ(error_of(run_membership_handshake(ctx_, transport_, join_request({"liar.test"}))),
            "M_UNKNOWN");
  EXPECT_EQ(transport_.calls.size(), 1u);  // nothing sent
}

TEST_F(RemoteMembershipTest, ReportsWhyNoServerWould) {
  auto refusing = [](int status, std::string errcode) {
    return [status, errcode](const std::string&, const std::string&,
                             const std::optional<bj::value>&) -> bj::value {
      throw FederationRequestError(status, errcode, "remote text");
    };
  };
  transport_.scripts["a.test"] = refusing(404, "M_NOT_FOUND");
  transport_.scripts["b.test"] = refusing(403, "M_FORBIDDEN");
  transport_.scripts["c.test"] = refusing(400, "M_INCOMPATIBLE_ROOM_VERSION");
  EXPECT_EQ(
      error_of(run_membership_handshake(ctx_, transport_, join_request({"a.test", "b.test"}))),
      "M_FORBIDDEN");
  EXPECT_EQ(error_of(run_membership_handshake(ctx_, transport_, join_request({"c.test"}))),
            "M_INCOMPATIBLE_ROOM_VERSION");
  EXPECT_EQ(error_of(run_membership_handshake(ctx_, transport_, join_request({"a.test"}))),
            "M_NOT_FOUND");
  EXPECT_EQ(error_of(run_membership_handshake(ctx_, transport_, join_request({"gone.test"}))),
            "M_UNKNOWN");
  EXPECT_EQ(error_of(run_membership_handshake(ctx_, transport_, join_request({}))), "M_NOT_FOUND");
}

TEST_F(RemoteMembershipTest, LeaveAndKnockUseTheirEndpoints) {
  transport_.scripts["resident.test"] = [](const std::string& method, const std::string& path,
                                           const std::optional<bj::value>&) -> bj::value {
    if (method == "PUT") return bj::object{};
    bj::object answer = join_template("@bob:test.local", "!room:resident.test");
    answer["event"].as_object()["content"] = bj::object{{"membership", "leave"}};
    return answer;
  };
  MembershipHandshake leave{
      "leave", "!room:resident.test", "@bob:test.local", {"resident.test"}, {}};
  CompletedHandshake done = run(run_membership_handshake(ctx_, transport_, leave));
  EXPECT_EQ(done.event->membership(), "leave");
  EXPECT_EQ(transport_.calls[0].path,
            "/_matrix/federation/v1/make_leave/%21room%3Aresident.test/%40bob%3Atest.local");
  EXPECT_EQ(transport_.calls[1].path.rfind("/_matrix/federation/v2/send_leave/", 0), 0u);

  MembershipHandshake knock = leave;
  knock.membership = "knock";
  transport_.calls.clear();
  done = run(run_membership_handshake(ctx_, transport_, knock));
  EXPECT_EQ(done.event->membership(), "knock");
  EXPECT_EQ(transport_.calls[0].path.rfind("/_matrix/federation/v1/make_knock/", 0), 0u);
  EXPECT_EQ(transport_.calls[1].path.rfind("/_matrix/federation/v1/send_knock/", 0), 0u);
}

}  // namespace
}  // namespace myelin::services
