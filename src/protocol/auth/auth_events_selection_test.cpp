#include "protocol/auth/auth_events_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "protocol/auth/auth_test_room.hpp"

namespace myelin::auth {
namespace {

using testing::kAlice;
using testing::kBob;
using testing::kCarol;
using testing::parse_object;
using testing::TestRoom;
using testing::version;

std::string a(std::string_view s) { return std::string(s); }

std::vector<StateKey> sorted(std::vector<StateKey> keys) {
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::vector<StateKey> types(std::string_view v, std::string_view type, std::string_view sender,
                            std::optional<std::string> state_key, std::string_view content) {
  return sorted(auth_types_for_event(version(v), type, sender, state_key, parse_object(content)));
}

TEST(AuthEventsSelection, CreateEventHasNone) {
  EXPECT_TRUE(types("10", "m.room.create", kAlice, "", "{}").empty());
}

TEST(AuthEventsSelection, MessageNeedsCreatePowerLevelsAndSender) {
  EXPECT_EQ(
      types("10", "m.room.message", kBob, std::nullopt, "{}"),
      sorted({{"m.room.create", ""}, {"m.room.power_levels", ""}, {"m.room.member", a(kBob)}}));
  // v12: the create event is implied by the room ID.
  EXPECT_EQ(types("12", "m.room.message", kBob, std::nullopt, "{}"),
            sorted({{"m.room.power_levels", ""}, {"m.room.member", a(kBob)}}));
}

TEST(AuthEventsSelection, Memberships) {
  std::vector<StateKey> base = {{"m.room.create", ""},
                                {"m.room.power_levels", ""},
                                {"m.room.member", a(kAlice)},
                                {"m.room.member", a(kBob)}};
  std::vector<StateKey> with_rules = base;
  with_rules.emplace_back("m.room.join_rules", "");
  for (std::string_view membership : {"join", "invite", "knock"}) {
    EXPECT_EQ(types("10", "m.room.member", kAlice, a(kBob),
                    R"({"membership":")" + std::string(membership) + "\"}"),
              sorted(with_rules))
        << membership;
  }
  for (std::string_view membership : {"leave", "ban"}) {
    EXPECT_EQ(types("10", "m.room.member", kAlice, a(kBob),
                    R"({"membership":")" + std::string(membership) + "\"}"),
              sorted(base))
        << membership;
  }
  // Own membership: the sender's and the target's are the same slot.
  EXPECT_EQ(
      types("10", "m.room.member", kBob, a(kBob), R"({"membership":"leave"})"),
      sorted({{"m.room.create", ""}, {"m.room.power_levels", ""}, {"m.room.member", a(kBob)}}));
}

TEST(AuthEventsSelection, ThirdPartyInviteToken) {
  std::vector<StateKey> keys = types(
      "10", "m.room.member", kAlice, a(kBob),
      R"({"membership":"invite","third_party_invite":{"signed":{"token":"tok","mxid":"@bob:b.org"}}})");
  EXPECT_NE(std::find(keys.begin(), keys.end(), StateKey("m.room.third_party_invite", "tok")),
            keys.end());
  EXPECT_EQ(keys.size(), 6u);
}

// Restricted joins select the authorising user's membership, from v8.
TEST(AuthEventsSelection, JoinAuthorisedViaUsersServer) {
  std::string content =
      R"({"membership":"join","join_authorised_via_users_server":"@carol:c.org"})";
  StateKey carol("m.room.member", a(kCarol));
  std::vector<StateKey> v8 = types("8", "m.room.member", kBob, a(kBob), content);
  EXPECT_NE(std::find(v8.begin(), v8.end(), carol), v8.end());
  std::vector<StateKey> v7 = types("7", "m.room.member", kBob, a(kBob), content);
  EXPECT_EQ(std::find(v7.begin(), v7.end(), carol), v7.end());
  std::vector<StateKey> invite =
      types("8", "m.room.member", kAlice, a(kBob),
            R"({"membership":"invite","join_authorised_via_users_server":"@carol:c.org"})");
  EXPECT_EQ(std::find(invite.begin(), invite.end(), carol), invite.end());
}

class AuthEventsList : public ::testing::TestWithParam<std::string> {
 protected:
  AuthEventsList() : room_(TestRoom::standard(GetParam())) { room_.force_member(kBob, "join"); }

  // A message from bob listing `listed` as its auth events.
  const events::Pdu& message(const std::vector<const events::Pdu*>& listed,
                             std::optional<std::string> room_id = std::nullopt) {
    boost::json::array ids;
    const events::Pdu& event = room_.build({.type = "m.room.message",
                                            .sender = a(kBob),
                                            .content = "{}",
                                            .room_id = std::move(room_id)});
    boost::json::object json = event.json();
    for (const events::Pdu* e : listed) ids.emplace_back(e->event_id());
    json["auth_events"] = std::move(ids);
    kept_.push_back(events::Pdu::from_trusted(json, room_.version(), event.event_id()));
    return kept_.back();
  }

  const events::Pdu& at(std::string_view type, std::string_view key) {
    return *find_state(room_.state(), type, key);
  }

  bool v12() const { return room_.version().room_id_is_create_event_hash; }

  TestRoom room_;
  std::deque<events::Pdu> kept_;
};

TEST_P(AuthEventsList, ProperSelectionPasses) {
  std::vector<const events::Pdu*> list = {&at("m.room.power_levels", ""),
                                          &at("m.room.member", kBob)};
  if (!v12()) list.push_back(&room_.create());
  const events::Pdu& event = message(list);
  EXPECT_TRUE(check_auth_events_list(event, list));
  AuthState as_map;
  for (const events::Pdu* e : list) as_map[StateKey(e->type(), *e->state_key())] = e;
  EXPECT_TRUE(check_auth_events_list(event, as_map));
}

TEST_P(AuthEventsList, CreateEventRequiredBeforeV12AndForbiddenInV12) {
  std::vector<const events::Pdu*> without = {&at("m.room.power_levels", "")};
  auto result = check_auth_events_list(message(without), without);
  EXPECT_EQ(result.has_value(), v12());
  std::vector<const events::Pdu*> with = {&room_.create(), &at("m.room.power_levels", "")};
  EXPECT_EQ(check_auth_events_list(message(with), with).has_value(), !v12());
}

TEST_P(AuthEventsList, DuplicatesAreRejected) {
  const events::Pdu& old_levels = at("m.room.power_levels", "");
  const events::Pdu& new_levels = room_.force_power_levels(R"({"users":{}})");
  std::vector<const events::Pdu*> list = {&old_levels, &new_levels};
  if (!v12()) list.push_back(&room_.create());
  auto result = check_auth_events_list(message(list), list);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("duplicate"), std::string::npos);
}

TEST_P(AuthEventsList, UnselectedEntriesAreRejected) {
  // A message has no use for the join rules or another user's membership.
  for (const events::Pdu* extra : {&at("m.room.join_rules", ""), &at("m.room.member", kAlice)}) {
    std::vector<const events::Pdu*> list = {extra};
    if (!v12()) list.push_back(&room_.create());
    EXPECT_FALSE(check_auth_events_list(message(list), list)) << extra->type();
  }
}

TEST_P(AuthEventsList, EventsFromAnotherRoomAreRejected) {
  std::vector<const events::Pdu*> list = {&at("m.room.power_levels", "")};
  if (!v12()) list.push_back(&room_.create());
  std::string other_room = v12() ? "!otherhash" : "!other:a.org";
  EXPECT_FALSE(check_auth_events_list(message(list, other_room), list));
}

TEST_P(AuthEventsList, EventsNotListedAreRejected) {
  std::vector<const events::Pdu*> listed = {&at("m.room.power_levels", "")};
  if (!v12()) listed.push_back(&room_.create());
  std::vector<const events::Pdu*> given = listed;
  given.push_back(&at("m.room.member", kBob));
  EXPECT_FALSE(check_auth_events_list(message(listed), given));
}

TEST_P(AuthEventsList, CreateEventHasNoAuthEvents) {
  EXPECT_TRUE(check_auth_events_list(room_.create(), std::vector<const events::Pdu*>{}));
  std::vector<const events::Pdu*> some = {&at("m.room.power_levels", "")};
  EXPECT_FALSE(check_auth_events_list(room_.create(), some));
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, AuthEventsList,
                         ::testing::Values("1", "4", "10", "11", "12"));

}  // namespace
}  // namespace myelin::auth
