// The membership handshakes between two real homeservers in one process: the serving side
// called as another server would, and our users' side talking to a resident server through a
// loopback transport.
#include "services/federation/membership_federation.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "protocol/crypto/json_signing.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/redaction.hpp"
#include "services/federation/two_homeserver_test.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using testing::FederationTestServer;

class MembershipFederationTest : public testing::TwoHomeserverTest {
 protected:
  template <typename T>
  std::string error_of(boost::asio::awaitable<T> work) {
    try {
      run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  RoomStatePtr room(FederationTestServer& server, const std::string& room_id) {
    return run(server.rooms().room(room_id));
  }

  // What the joining server does with a template: completed in its name and signed.
  static bj::object complete(FederationTestServer& as, const bj::object& answer) {
    const RoomVersion& version = *find_room_version(answer.at("room_version").as_string());
    bj::object event = answer.at("event").as_object();
    event["origin"] = as.name();
    event["origin_server_ts"] = as.ctx().now_ms();
    events::sign_event(event, as.name(), as.ctx().signing_key, version);
    return event;
  }

  static std::string event_id_of(const bj::object& event, const std::string& version) {
    return *events::compute_event_id(event, *find_room_version(version));
  }

  static int member_events_in(const bj::array& state) {
    int count = 0;
    for (const bj::value& e : state) count += e.at("type") == "m.room.member";
    return count;
  }
};

TEST_F(MembershipFederationTest, SendJoinAdmitsTheRemoteUserAndAnswersStateAndAuthChain) {
  const std::string alice = resident_.register_user("alice");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  auto& serving = resident_.membership().serving;
  bj::object answer = run(serving.make_join("joiner.test", room_id, "@bob:joiner.test", {"10"}));
  bj::object join = complete(joiner_, answer);
  const std::string event_id = event_id_of(join, "10");

  std::vector<std::string> heard;  // what the room's other servers would be sent
  resident_.membership().set_membership_hook(
      [&heard](RoomStatePtr,
               std::shared_ptr<const events::Pdu> pdu) -> boost::asio::awaitable<void> {
        heard.push_back(pdu->event_id());
        co_return;
      });
  bj::object sent = run(serving.send_join("joiner.test", room_id, event_id, join, false));
  EXPECT_EQ(room(resident_, room_id)->membership_of("@bob:joiner.test"), "join");
  EXPECT_EQ(heard, std::vector<std::string>{event_id});
  EXPECT_EQ(sent.at("origin"), "resident.test");
  EXPECT_EQ(sent.at("members_omitted"), false);
  EXPECT_EQ(sent.at("event").at("sender"), "@bob:joiner.test");
  std::set<std::string> state_types;
  for (const bj::value& e : sent.at("state").as_array()) {
    state_types.insert(std::string(e.at("type").as_string()));
    // The state before the join: bob is not in it yet.
    EXPECT_NE(e.at("state_key"), "@bob:joiner.test");
  }
  EXPECT_TRUE(state_types.contains("m.room.create"));
  EXPECT_TRUE(state_types.contains("m.room.power_levels"));
  EXPECT_EQ(member_events_in(sent.at("state").as_array()), 1);  // alice
  EXPECT_FALSE(sent.at("auth_chain").as_array().empty());

  // Sending it again changes nothing (the room already holds it).
  bj::object again = run(serving.send_join("joiner.test", room_id, event_id, join, false));
  EXPECT_EQ(again.at("event").at("sender"), "@bob:joiner.test");
  EXPECT_EQ(heard.size(), 1u);  // a duplicate is not sent on again
}

TEST_F(MembershipFederationTest, SendJoinWithOmitMembersLeavesOutAllButTheHeroes) {
  const std::string alice = resident_.register_user("alice");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  for (int i = 0; i < 7; ++i) {
    const std::string user = resident_.register_user("u" + std::to_string(i));
    run(resident_.rooms().join(room_id, user, std::nullopt));
  }
  auto& serving = resident_.membership().serving;
  bj::object answer = run(serving.make_join("joiner.test", room_id, "@bob:joiner.test", {"10"}));
  bj::object join = complete(joiner_, answer);
  bj::object full =
      run(serving.send_join("joiner.test", room_id, event_id_of(join, "10"), join, false));
  EXPECT_EQ(member_events_in(full.at("state").as_array()), 8);
  bj::object partial =
      run(serving.send_join("joiner.test", room_id, event_id_of(join, "10"), join, true));
  EXPECT_EQ(partial.at("members_omitted"), true);
  EXPECT_EQ(member_events_in(partial.at("state").as_array()), 5);
  EXPECT_EQ(partial.at("state").as_array().size(), full.at("state").as_array().size() - 3);
  const bj::array& servers = partial.at("servers_in_room").as_array();
  EXPECT_NE(std::find(servers.begin(), servers.end(), bj::value("resident.test")), servers.end());
  EXPECT_NE(std::find(servers.begin(), servers.end(), bj::value("joiner.test")), servers.end());
}

TEST_F(MembershipFederationTest, SendJoinRefusesEventsThatAreNotTheCallersJoin) {
  const std::string alice = resident_.register_user("alice");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  auto& serving = resident_.membership().serving;
  bj::object answer = run(serving.make_join("joiner.test", room_id, "@bob:joiner.test", {"10"}));
  bj::object join = complete(joiner_, answer);
  const std::string event_id = event_id_of(join, "10");
  // Another server sends joiner.test's user in.
  EXPECT_EQ(error_of(serving.send_join("evil.test", room_id, event_id, join, false)),
            "M_FORBIDDEN");
  // The path names another event.
  EXPECT_EQ(error_of(serving.send_join("joiner.test", room_id, "$other", join, false)),
            "M_UNKNOWN");
  // Signed by a key that is not joiner.test's.
  bj::object forged = answer.at("event").as_object();
  forged["origin_server_ts"] = 1;
  events::sign_event(forged, "joiner.test", crypto::SigningKey::generate(),
                     *find_room_version("10"));
  EXPECT_EQ(
      error_of(serving.send_join("joiner.test", room_id, event_id_of(forged, "10"), forged, false)),
      "M_FORBIDDEN");
  EXPECT_EQ(room(resident_, room_id)->membership_of("@bob:joiner.test"), "");
}

TEST_F(MembershipFederationTest, RemoteJoinThroughTheResidentServer) {
  const std::string alice = resident_.register_user("alice");
  const std::string bob = joiner_.register_user("bob");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  // The first server named is unreachable: the next one is tried.
  std::vector<std::string> via{"gone.test", "resident.test"};
  SendResult joined = run(joiner_.membership().ours.join(room_id, bob, via, std::nullopt));
  EXPECT_FALSE(joined.event_id.empty());

  RoomStatePtr ours = room(joiner_, room_id);
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->membership_of(bob), "join");
  EXPECT_EQ(ours->membership_of(alice), "join");
  EXPECT_EQ(ours->version->id, "10");
  EXPECT_EQ(room(resident_, room_id)->membership_of(bob), "join");
  auto membership = joiner_.store().events.membership(room_id, bob);
  ASSERT_TRUE(membership);
  EXPECT_EQ(membership->membership, "join");
  EXPECT_EQ(joiner_transport_.requests.at(0).rfind("gone.test", 0), 0u);
}

TEST_F(MembershipFederationTest, ServersKnownToBeDownAreAskedLast) {
  const std::string alice = resident_.register_user("alice");
  const std::string bob = joiner_.register_user("bob");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  // Our sender has been failing to reach gone.test: the resident server is asked first.
  joiner_.store().federation_sender.record_failure("gone.test", 1'000, 60'000);
  std::vector<std::string> via{"gone.test", "resident.test"};
  run(joiner_.membership().ours.join(room_id, bob, via, std::nullopt));
  EXPECT_EQ(room(joiner_, room_id)->membership_of(bob), "join");
  ASSERT_FALSE(joiner_transport_.requests.empty());
  EXPECT_EQ(joiner_transport_.requests.at(0).rfind("resident.test", 0), 0u);
  for (const std::string& request : joiner_transport_.requests) {
    EXPECT_NE(request.rfind("gone.test", 0), 0u) << request;
  }
}

TEST_F(MembershipFederationTest, AServerAHandshakeCannotReachIsBackedOff) {
  const std::string alice = resident_.register_user("alice");
  const std::string bob = joiner_.register_user("bob");
  const std::string carol = joiner_.register_user("carol");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  std::vector<std::string> via{"gone.test", "resident.test"};
  run(joiner_.membership().ours.join(room_id, bob, via, std::nullopt));
  EXPECT_EQ(joiner_transport_.requests.at(0).rfind("gone.test", 0), 0u);  // tried, unreachable
  auto gone = joiner_.store().federation_sender.destination("gone.test");
  ASSERT_TRUE(gone.has_value());
  EXPECT_TRUE(gone->failure_ts.has_value());
  EXPECT_GT(gone->retry_interval, 0);
  // The next handshake asks the reachable server first.
  joiner_transport_.requests.clear();
  run(joiner_.membership().ours.leave(room_id, bob, std::nullopt));
  joiner_transport_.requests.clear();
  run(joiner_.membership().ours.join(room_id, carol, via, std::nullopt));
  ASSERT_FALSE(joiner_transport_.requests.empty());
  for (const std::string& request : joiner_transport_.requests) {
    EXPECT_NE(request.rfind("gone.test", 0), 0u) << request;
  }
}

TEST_F(MembershipFederationTest, RemoteJoinWithNoServerThatKnowsTheRoom) {
  const std::string bob = joiner_.register_user("bob");
  std::vector<std::string> via{"gone.test"};
  EXPECT_EQ(error_of(joiner_.membership().ours.join("!x:gone.test", bob, via, std::nullopt)),
            "M_UNKNOWN");  // 502: none reachable
  std::vector<std::string> resident{"resident.test"};
  EXPECT_EQ(
      error_of(joiner_.membership().ours.join("!x:nowhere.test", bob, resident, std::nullopt)),
      "M_NOT_FOUND");
}

TEST_F(MembershipFederationTest, JoinThroughARemoteAlias) {
  const std::string alice = resident_.register_user("alice");
  const std::string bob = joiner_.register_user("bob");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  resident_.store().rooms.create_alias({"#lobby:resident.test", room_id, alice});
  auto target = run(joiner_.membership().ours.resolve_alias("#lobby:resident.test"));
  EXPECT_EQ(target.room_id, room_id);
  ASSERT_FALSE(target.servers.empty());
  EXPECT_EQ(target.servers.front(), "resident.test");
  run(joiner_.membership().ours.join(room_id, bob, target.servers, std::nullopt));
  EXPECT_EQ(room(joiner_, room_id)->membership_of(bob), "join");
  EXPECT_EQ(error_of(joiner_.membership().ours.resolve_alias("#nope:resident.test")),
            "M_NOT_FOUND");
}

TEST_F(MembershipFederationTest, InvitingARemoteUserIsCountersignedAndRecorded) {
  const std::string alice = resident_.register_user("alice");
  const std::string carol = joiner_.register_user("carol");
  const std::string room_id = create_room(resident_, alice, "10", "private_chat");
  SendResult invited =
      run(resident_.membership().ours.invite(room_id, alice, carol, std::nullopt, false));

  // In the room at the inviting server, with the invitee's server's signature.
  RoomStatePtr at_resident = room(resident_, room_id);
  EXPECT_EQ(at_resident->membership_of(carol), "invite");
  const events::Pdu* invite = at_resident->find("m.room.member", carol);
  ASSERT_TRUE(invite);
  EXPECT_EQ(invite->event_id(), invited.event_id);
  const bj::object redacted = events::redact(invite->json(), *at_resident->version);
  EXPECT_TRUE(crypto::verify_json(redacted, "joiner.test", joiner_.ctx().signing_key.key_id(),
                                  joiner_.ctx().signing_key.public_key()));
  // And shown to carol by her own server.
  auto membership = joiner_.store().events.membership(room_id, carol);
  ASSERT_TRUE(membership);
  EXPECT_EQ(membership->membership, "invite");

  // Carol accepts: the inviter's server lets her in.
  std::vector<std::string> none;
  run(joiner_.membership().ours.join(room_id, carol, none, std::nullopt));
  EXPECT_EQ(room(resident_, room_id)->membership_of(carol), "join");
  EXPECT_EQ(room(joiner_, room_id)->membership_of(carol), "join");
}

TEST_F(MembershipFederationTest, RejectingARemoteInviteLeavesThroughTheInvitingServer) {
  const std::string alice = resident_.register_user("alice");
  const std::string dave = joiner_.register_user("dave");
  const std::string room_id = create_room(resident_, alice, "10", "private_chat");
  run(resident_.membership().ours.invite(room_id, alice, dave, std::nullopt, false));
  run(joiner_.membership().ours.leave(room_id, dave, std::string("no thanks")));
  EXPECT_EQ(room(resident_, room_id)->membership_of(dave), "leave");
  auto membership = joiner_.store().events.membership(room_id, dave);
  ASSERT_TRUE(membership);
  EXPECT_EQ(membership->membership, "leave");
}

TEST_F(MembershipFederationTest, InviteRefusals) {
  const std::string alice = joiner_.register_user("alice");
  const std::string room_id = create_room(joiner_, alice, "10", "private_chat");
  RoomStatePtr state = room(joiner_, room_id);
  EventDraft draft{alice, "m.room.member", "@carol:resident.test", {{"membership", "invite"}}, {}};
  auto built =
      build_event(*state, draft, "joiner.test", joiner_.ctx().signing_key, joiner_.ctx().now_ms());
  ASSERT_TRUE(built);
  const std::string event_id = built->pdu.event_id();
  auto& serving = resident_.membership().serving;
  bj::object body{{"room_version", "10"}, {"event", built->pdu.json()}};
  // carol has no account here.
  EXPECT_EQ(error_of(serving.invite("joiner.test", room_id, event_id, body)), "M_FORBIDDEN");
  resident_.register_user("carol");
  EXPECT_EQ(error_of(serving.invite("evil.test", room_id, event_id, body)), "M_FORBIDDEN");
  bj::object unknown_version = body;
  unknown_version["room_version"] = "999";
  EXPECT_EQ(error_of(serving.invite("joiner.test", room_id, event_id, unknown_version)),
            "M_INCOMPATIBLE_ROOM_VERSION");
  bj::object signed_answer = run(serving.invite("joiner.test", room_id, event_id, body));
  EXPECT_TRUE(crypto::verify_json(
      events::redact(signed_answer.at("event").as_object(), *find_room_version("10")),
      "resident.test", resident_.ctx().signing_key.key_id(),
      resident_.ctx().signing_key.public_key()));
}

TEST_F(MembershipFederationTest, KnockingOnAKnockableRoom) {
  const std::string alice = resident_.register_user("alice");
  const std::string room_id = create_room(resident_, alice, "10", "private_chat");
  EventDraft rules{alice, "m.room.join_rules", "", {{"join_rule", "knock"}}, {}};
  run(resident_.rooms().send_event(room_id, rules, {}));
  auto& serving = resident_.membership().serving;
  bj::object answer = run(serving.make_knock("joiner.test", room_id, "@eve:joiner.test", {"10"}));
  EXPECT_EQ(answer.at("event").at("content").at("membership"), "knock");
  bj::object knock = complete(joiner_, answer);
  bj::object sent =
      run(serving.send_knock("joiner.test", room_id, event_id_of(knock, "10"), knock));
  bool shows_join_rules = false;
  for (const bj::value& e : sent.at("knock_room_state").as_array()) {
    shows_join_rules |= e.at("type") == "m.room.join_rules";
  }
  EXPECT_TRUE(shows_join_rules);
  EXPECT_EQ(room(resident_, room_id)->membership_of("@eve:joiner.test"), "knock");
  // A room that does not allow knocking.
  const std::string closed = create_room(resident_, alice, "10", "private_chat");
  EXPECT_EQ(error_of(serving.make_knock("joiner.test", closed, "@eve:joiner.test", {"10"})),
            "M_FORBIDDEN");
}

TEST_F(MembershipFederationTest, LeavingThroughSendLeave) {
  const std::string alice = resident_.register_user("alice");
  const std::string room_id = create_room(resident_, alice, "10", "public_chat");
  auto& serving = resident_.membership().serving;
  bj::object answer = run(serving.make_join("joiner.test", room_id, "@bob:joiner.test", {"10"}));
  bj::object join = complete(joiner_, answer);
  run(serving.send_join("joiner.test", room_id, event_id_of(join, "10"), join, false));
  bj::object leave_template = run(serving.make_leave("joiner.test", room_id, "@bob:joiner.test"));
  bj::object leave = complete(joiner_, leave_template);
  bj::object sent =
      run(serving.send_leave("joiner.test", room_id, event_id_of(leave, "10"), leave));
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(room(resident_, room_id)->membership_of("@bob:joiner.test"), "leave");
  // A join sent as a leave is refused.
  EXPECT_EQ(error_of(serving.send_leave("joiner.test", room_id, event_id_of(join, "10"), join)),
            "M_UNKNOWN");
}

TEST_F(MembershipFederationTest, RestrictedJoinIsCountersignedByTheVouchingServer) {
  const std::string alice = resident_.register_user("alice");
  const std::string bob = joiner_.register_user("bob");
  const std::string space = create_room(resident_, alice, "10", "public_chat");
  const std::string room_id = create_room(resident_, alice, "10", "private_chat");
  bj::array allow{bj::object{{"type", "m.room_membership"}, {"room_id", space}}};
  EventDraft rules{
      alice, "m.room.join_rules", "", {{"join_rule", "restricted"}, {"allow", allow}}, {}};
  run(resident_.rooms().send_event(room_id, rules, {}));
  std::vector<std::string> via{"resident.test"};
  // Not yet in the space: refused.
  EXPECT_EQ(error_of(joiner_.membership().ours.join(room_id, bob, via, std::nullopt)),
            "M_FORBIDDEN");
  run(joiner_.membership().ours.join(space, bob, via, std::nullopt));
  run(joiner_.membership().ours.join(room_id, bob, via, std::nullopt));

  RoomStatePtr at_resident = room(resident_, room_id);
  EXPECT_EQ(at_resident->membership_of(bob), "join");
  const events::Pdu* join = at_resident->find("m.room.member", bob);
  ASSERT_TRUE(join);
  EXPECT_EQ(join->content().at("join_authorised_via_users_server").as_string(), alice);
  const bj::object redacted = events::redact(join->json(), *at_resident->version);
  EXPECT_TRUE(crypto::verify_json(redacted, "resident.test", resident_.ctx().signing_key.key_id(),
                                  resident_.ctx().signing_key.public_key()));
  // The joining server adopted the countersigned copy.
  const events::Pdu* ours = room(joiner_, room_id)->find("m.room.member", bob);
  ASSERT_TRUE(ours);
  EXPECT_TRUE(ours->json().at("signatures").as_object().contains("resident.test"));
}

}  // namespace
}  // namespace myelin::services
