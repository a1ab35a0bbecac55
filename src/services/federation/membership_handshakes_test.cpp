// make_join, make_leave and make_knock as another server calls them.
#include "services/federation/membership_handshakes.hpp"

#include <gtest/gtest.h>

#include <set>

#include "services/common/service_test_fixture.hpp"
#include "services/federation/federation_test_keys.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

class MembershipTemplatesTest : public testing::ServiceTestFixture {
 protected:
  MembershipTemplatesTest() : rooms_(ctx_), serving_(ctx_, rooms_) {
    serving_.set_server_keys(&keys_);
  }

  std::string register_user(const std::string& localpart) {
    const std::string user_id = "@" + localpart + ":test.local";
    store_->accounts.create_user({user_id, std::nullopt, now_ms_.load()});
    return user_id;
  }

  std::string create_room(const std::string& creator, const std::string& version,
                          const std::string& preset) {
    CreateRoomRequest request;
    request.creator = creator;
    request.room_version = version;
    request.preset = preset;
    return run(rooms_.create_room(std::move(request)));
  }

  void set_join_rules(const std::string& room_id, const std::string& sender, bj::object content) {
    EventDraft draft{sender, "m.room.join_rules", "", std::move(content), {}};
    SendOptions options;
    run(rooms_.send_event(room_id, std::move(draft), options));
  }

  testing::FixedServerKeys keys_;
  RoomService rooms_;
  MembershipHandshakes serving_;
};

TEST_F(MembershipTemplatesTest, MakeJoinBuildsATemplateOnTheCurrentState) {
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10", "public_chat");
  RoomStatePtr before = run(rooms_.room(room_id));
  std::vector<std::string> versions{"9", "10", "11"};
  bj::object answer = run(serving_.make_join("joiner.test", room_id, "@bob:joiner.test", versions));

  EXPECT_EQ(answer.at("room_version"), "10");
  const bj::object& event = answer.at("event").as_object();
  EXPECT_EQ(event.at("type"), "m.room.member");
  EXPECT_EQ(event.at("sender"), "@bob:joiner.test");
  EXPECT_EQ(event.at("state_key"), "@bob:joiner.test");
  EXPECT_EQ(event.at("room_id").as_string(), room_id);
  EXPECT_EQ(event.at("content").at("membership"), "join");
  EXPECT_FALSE(event.contains("signatures"));
  EXPECT_FALSE(event.contains("hashes"));
  EXPECT_FALSE(event.contains("event_id"));
  ASSERT_EQ(event.at("prev_events").as_array().size(), 1u);
  EXPECT_EQ(event.at("prev_events").at(0).as_string(), before->extremities.at(0).event_id);
  EXPECT_EQ(event.at("depth").as_int64(), before->max_depth() + 1);
  std::set<std::string> auth_events;
  for (const bj::value& id : event.at("auth_events").as_array()) {
    auth_events.insert(std::string(id.as_string()));
  }
  const std::set<std::string> expected{before->find("m.room.create", "")->event_id(),
                                       before->find("m.room.power_levels", "")->event_id(),
                                       before->find("m.room.join_rules", "")->event_id()};
  EXPECT_EQ(auth_events, expected);
  // Asking changes nothing in the room.
  EXPECT_EQ(run(rooms_.room(room_id))->extremities.at(0).event_id,
            before->extremities.at(0).event_id);
}

TEST_F(MembershipTemplatesTest, MakeJoinRefusals) {
  const std::string alice = register_user("alice");
  const std::string open = create_room(alice, "10", "public_chat");
  const std::string closed = create_room(alice, "10", "private_chat");
  std::vector<std::string> v10{"10"};
  std::vector<std::string> old{"1", "2"};
  std::vector<std::string> none;
  // A user of another server than the caller's.
  EXPECT_EQ(error_of(serving_.make_join("evil.test", open, "@bob:joiner.test", v10)),
            "M_FORBIDDEN");
  // The room's version is not among the caller's (none given: v1 only).
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", open, "@bob:joiner.test", old)),
            "M_INCOMPATIBLE_ROOM_VERSION");
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", open, "@bob:joiner.test", none)),
            "M_INCOMPATIBLE_ROOM_VERSION");
  EXPECT_EQ(
      error_of(serving_.make_join("joiner.test", "!nope:test.local", "@bob:joiner.test", v10)),
      "M_NOT_FOUND");
  // Invite-only and not invited: the join would fail the auth rules.
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", closed, "@bob:joiner.test", v10)),
            "M_FORBIDDEN");
  // A room none of our users is in any more is not ours to open.
  run(rooms_.leave(open, alice, std::nullopt));
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", open, "@bob:joiner.test", v10)),
            "M_NOT_FOUND");
}

TEST_F(MembershipTemplatesTest, RestrictedJoinsNeedAMembershipOfAnAllowedRoom) {
  const std::string alice = register_user("alice");
  const std::string space = create_room(alice, "10", "private_chat");
  const std::string room_id = create_room(alice, "10", "private_chat");
  bj::array allow{bj::object{{"type", "m.room_membership"}, {"room_id", space}}};
  set_join_rules(room_id, alice, {{"join_rule", "restricted"}, {"allow", allow}});
  std::vector<std::string> v10{"10"};
  // bob is in no allowed room yet.
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", room_id, "@bob:joiner.test", v10)),
            "M_FORBIDDEN");
  run(rooms_.set_membership(space, alice, "@bob:joiner.test", "invite", std::nullopt));
  // Still only invited to the space: not a member of it.
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", room_id, "@bob:joiner.test", v10)),
            "M_FORBIDDEN");

  // A room that allows members of a room this server is not in.
  const std::string elsewhere = create_room(alice, "10", "private_chat");
  bj::array foreign{bj::object{{"type", "m.room_membership"}, {"room_id", "!far:other.test"}}};
  set_join_rules(elsewhere, alice, {{"join_rule", "restricted"}, {"allow", foreign}});
  EXPECT_EQ(error_of(serving_.make_join("joiner.test", elsewhere, "@bob:joiner.test", v10)),
            "M_UNABLE_TO_AUTHORISE_JOIN");
}

TEST_F(MembershipTemplatesTest, MakeLeaveAndMakeKnock) {
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10", "private_chat");
  std::vector<std::string> v10{"10"};
  // Knocking needs the knock join rule.
  EXPECT_EQ(error_of(serving_.make_knock("joiner.test", room_id, "@eve:joiner.test", v10)),
            "M_FORBIDDEN");
  set_join_rules(room_id, alice, {{"join_rule", "knock"}});
  bj::object knock = run(serving_.make_knock("joiner.test", room_id, "@eve:joiner.test", v10));
  EXPECT_EQ(knock.at("event").at("content").at("membership"), "knock");
  std::vector<std::string> old{"6"};
  EXPECT_EQ(error_of(serving_.make_knock("joiner.test", room_id, "@eve:joiner.test", old)),
            "M_INCOMPATIBLE_ROOM_VERSION");
  // Leaving needs a membership to leave: eve has none.
  EXPECT_EQ(error_of(serving_.make_leave("joiner.test", room_id, "@eve:joiner.test")),
            "M_FORBIDDEN");
  run(rooms_.set_membership(room_id, alice, "@eve:joiner.test", "invite", std::nullopt));
  bj::object leave = run(serving_.make_leave("joiner.test", room_id, "@eve:joiner.test"));
  EXPECT_EQ(leave.at("event").at("content").at("membership"), "leave");
  EXPECT_EQ(leave.at("room_version"), "10");
  EXPECT_EQ(error_of(serving_.make_leave("evil.test", room_id, "@eve:joiner.test")), "M_FORBIDDEN");
}

}  // namespace
}  // namespace myelin::services
