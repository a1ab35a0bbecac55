#include "services/rooms/room_service.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/serialize.hpp>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <span>

#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "protocol/auth/auth_events_selection.hpp"
#include "protocol/auth/auth_rules.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"
#include "services/rooms/test_homeserver.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr std::int64_t kEnd = std::numeric_limits<std::int64_t>::max();

class RoomServiceTest : public ::testing::Test {
 protected:
  // Registers a local user through AccountService, with a display name when given.
  std::string register_user(const std::string& localpart,
                            std::optional<std::string> displayname = std::nullopt) {
    AccountService accounts(hs_.ctx());
    NewAccount account;
    account.localpart = localpart;
    account.inhibit_login = true;
    LoginResult registered = hs_.run(accounts.register_account(account));
    if (displayname) hs_.store().accounts.set_displayname(registered.user_id, displayname);
    return registered.user_id;
  }

  std::string create_room(const std::string& creator, const std::string& version,
                          const std::string& preset = "private_chat") {
    CreateRoomRequest request;
    request.creator = creator;
    request.room_version = version;
    request.preset = preset;
    return hs_.run(hs_.rooms().create_room(std::move(request)));
  }

  SendResult send(const std::string& room_id, const std::string& sender, const std::string& type,
                  bj::object content, std::optional<std::string> state_key = std::nullopt,
                  SendOptions options = {}) {
    EventDraft draft;
    draft.sender = sender;
    draft.type = type;
    draft.state_key = std::move(state_key);
    draft.content = std::move(content);
    return hs_.run(hs_.rooms().send_event(room_id, std::move(draft), std::move(options)));
  }

  SendResult message(const std::string& room_id, const std::string& sender,
                     const std::string& body) {
    return send(room_id, sender, "m.room.message", {{"msgtype", "m.text"}, {"body", body}});
  }

  // A redaction as the client API builds it (v11+ carry redacts in content as well).
  SendResult redact(const std::string& room_id, const std::string& sender,
                    const std::string& target) {
    RoomStatePtr room = current(room_id);
    EventDraft draft;
    draft.sender = sender;
    draft.type = "m.room.redaction";
    draft.redacts = target;
    if (room->version->updated_redaction_rules) draft.content["redacts"] = target;
    return hs_.run(hs_.rooms().send_event(room_id, std::move(draft), SendOptions{}));
  }

  RoomStatePtr current(const std::string& room_id) { return hs_.run(hs_.rooms().room(room_id)); }

  // The errcode a call fails with, "" when it succeeds.
  template <typename T>
  std::string error_of(asio::awaitable<T> work) {
    try {
      hs_.run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }
  std::string send_error(const std::string& room_id, const std::string& sender,
                         const std::string& type, bj::object content,
                         std::optional<std::string> state_key = std::nullopt) {
    EventDraft draft;
    draft.sender = sender;
    draft.type = type;
    draft.state_key = std::move(state_key);
    draft.content = std::move(content);
    return error_of(hs_.rooms().send_event(room_id, std::move(draft), SendOptions{}));
  }

  std::vector<storage::EventRecord> room_events(const std::string& room_id) {
    return hs_.store().events.room_events(room_id, 0, kEnd, 100'000, storage::Direction::kForwards);
  }

  std::string membership(const std::string& room_id, const std::string& user_id) {
    return current(room_id)->membership_of(user_id);
  }

  // The room's state as (type, state_key) → event ID.
  static storage::StateEntries entries_of(const RoomState& room) {
    storage::StateEntries entries;
    for (const auto& [key, pdu] : *room.state) entries.emplace(key, pdu->event_id());
    return entries;
  }

  TestHomeserver hs_;
};

// Checks every event of the room as a receiving server would: the PDU parses under the room
// version, its event ID recomputes, its content hash and our signature verify, prev_events
// form a single chain with depth counting up, and the auth rules allow it over exactly the
// auth events it lists.
void expect_valid_pdu_chain(TestHomeserver& hs, const std::vector<storage::EventRecord>& records,
                            const std::string& room_id, const RoomVersion& version) {
  const crypto::SigningKey& key = hs.ctx().signing_key;
  events::KeyLookup lookup = [&key](std::string_view server,
                                    std::string_view key_id) -> std::optional<std::string> {
    if (server == "test.local" && key_id == key.key_id()) return key.public_key();
    return std::nullopt;
  };
  std::map<std::string, std::unique_ptr<events::Pdu>> seen;
  const events::Pdu* create = nullptr;
  std::string previous;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const storage::EventRecord& record = records[i];
    SCOPED_TRACE(record.type + " " + record.event_id);
    auto json = json::parse_object(record.pdu_json);
    ASSERT_TRUE(json) << json.error();
    EXPECT_EQ(json::encode_canonical(*json), record.pdu_json) << "stored as canonical JSON";
    auto hash = events::check_content_hash(*json);
    EXPECT_TRUE(hash) << hash.error();
    auto signatures = events::verify_event_signatures(*json, version, lookup);
    EXPECT_TRUE(signatures) << signatures.error();
    auto event_id = events::compute_event_id(*json, version);
    ASSERT_TRUE(event_id) << event_id.error();
    EXPECT_EQ(*event_id, record.event_id);
    auto pdu = events::Pdu::parse(*json, version);
    ASSERT_TRUE(pdu) << pdu.error();
    EXPECT_EQ(pdu->event_id(), record.event_id);
    EXPECT_EQ(pdu->room_id(), room_id);
    EXPECT_EQ(pdu->type(), record.type);
    EXPECT_EQ(pdu->state_key(), record.state_key);
    EXPECT_EQ(pdu->sender(), record.sender);
    EXPECT_EQ(pdu->depth(), static_cast<std::int64_t>(i + 1));

    if (i == 0) {
      EXPECT_EQ(pdu->type(), "m.room.create");
      EXPECT_THAT(pdu->prev_events(), IsEmpty());
      EXPECT_THAT(pdu->auth_events(), IsEmpty());
    } else {
      EXPECT_THAT(pdu->prev_events(), ElementsAre(previous));
      std::vector<const events::Pdu*> auth_events;
      auth::AuthState auth_state;
      for (const std::string& id : pdu->auth_events()) {
        auto it = seen.find(id);
        ASSERT_NE(it, seen.end()) << "auth event " << id << " is not an earlier event";
        auth_events.push_back(it->second.get());
        auth_state.emplace(auth::StateKey(it->second->type(), *it->second->state_key()),
                           it->second.get());
      }
      auto listed = auth::check_auth_events_list(
          *pdu, std::span<const events::Pdu* const>(auth_events.data(), auth_events.size()));
      EXPECT_TRUE(listed) << listed.error();
      // Exactly the slots the auth rules select, as far as the state before the event has them.
      const std::size_t selectable = [&] {
        std::size_t n = 0;
        RoomStatePtr dummy;
        for (const auth::StateKey& slot : auth::auth_types_for_event(
                 version, pdu->type(), pdu->sender(), pdu->state_key(), pdu->content())) {
          if (version.room_id_is_create_event_hash && slot.first == "m.room.create") continue;
          for (std::size_t j = 0; j < i; ++j) {
            if (records[j].type == slot.first && records[j].state_key == slot.second) {
              ++n;
              break;
            }
          }
        }
        return n;
      }();
      EXPECT_EQ(auth_events.size(), selectable);
      if (version.room_id_is_create_event_hash) {
        EXPECT_THAT(pdu->auth_events(), Not(Contains(create->event_id())));
        auth_state.emplace(auth::StateKey("m.room.create", ""), create);
      }
      auto allowed = auth::check_auth(*pdu, auth_state);
      EXPECT_TRUE(allowed) << allowed.error();
    }
    previous = record.event_id;
    auto stored = std::make_unique<events::Pdu>(std::move(*pdu));
    if (i == 0) create = stored.get();
    seen.emplace(record.event_id, std::move(stored));
  }
}

class CreateRoomVersionTest : public RoomServiceTest,
                              public ::testing::WithParamInterface<std::string> {};

TEST_P(CreateRoomVersionTest, EventsAreValidSignedPdusOfTheVersion) {
  const RoomVersion& version = *find_room_version(GetParam());
  const std::string alice = register_user("alice", "Alice");
  const std::string bob = register_user("bob");
  CreateRoomRequest request;
  request.creator = alice;
  request.room_version = GetParam();
  request.preset = "private_chat";
  request.name = "The room";
  request.topic = "Things";
  request.room_alias_name = "room";
  request.invite = {bob};
  const std::string room_id = hs_.run(hs_.rooms().create_room(std::move(request)));

  auto records = room_events(room_id);
  std::vector<std::string> types;
  for (const auto& r : records) types.push_back(r.type);
  EXPECT_THAT(
      types, ElementsAre("m.room.create", "m.room.member", "m.room.power_levels",
                         "m.room.canonical_alias", "m.room.join_rules", "m.room.history_visibility",
                         "m.room.guest_access", "m.room.name", "m.room.topic", "m.room.member"));
  expect_valid_pdu_chain(hs_, records, room_id, version);

  auto create = json::parse_object(records[0].pdu_json);
  ASSERT_TRUE(create);
  const bj::object& create_content = create->at("content").as_object();
  EXPECT_EQ(create_content.at("room_version"), bj::value(GetParam()));
  EXPECT_EQ(create_content.contains("creator"), !version.implicit_room_creator);
  if (version.room_id_is_create_event_hash) {
    EXPECT_FALSE(create->contains("room_id"));
    EXPECT_EQ(room_id, "!" + records[0].event_id.substr(1));
    EXPECT_EQ(room_id, events::compute_room_id_from_create(*create, version));
  } else {
    EXPECT_EQ(create->at("room_id"), bj::value(room_id));
    EXPECT_TRUE(room_id.ends_with(":test.local"));
  }
  // v12 creators have infinite power; earlier versions list the creator at 100.
  auto power_levels = json::parse_object(records[2].pdu_json);
  const bj::object& users = power_levels->at("content").at("users").as_object();
  EXPECT_EQ(users.contains(alice), !version.privileged_creators);

  auto join = json::parse_object(records[1].pdu_json);
  EXPECT_EQ(join->at("content"), (bj::object{{"membership", "join"}, {"displayname", "Alice"}}));
  EXPECT_EQ(records.back().state_key, bob);

  auto stored_room = hs_.store().rooms.room(room_id);
  ASSERT_TRUE(stored_room.has_value());
  EXPECT_EQ(stored_room->room_version, GetParam());
  EXPECT_EQ(stored_room->creator, alice);
  EXPECT_EQ(hs_.store().rooms.alias("#room:test.local")->room_id, room_id);

  RoomStatePtr room = current(room_id);
  EXPECT_EQ(room->room_id, room_id);
  EXPECT_EQ(room->membership_of(alice), "join");
  EXPECT_EQ(room->membership_of(bob), "invite");
  EXPECT_THAT(room->joined_local_users, ElementsAre(alice));
  EXPECT_EQ(entries_of(*room), hs_.store().events.current_state(room_id));
  EXPECT_THAT(hs_.store().events.forward_extremities(room_id),
              ElementsAre(records.back().event_id));

  // Later events continue the chain.
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  message(room_id, bob, "hello");
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, version);
}

INSTANTIATE_TEST_SUITE_P(Versions, CreateRoomVersionTest, ::testing::Values("1", "10", "11", "12"));

TEST_F(RoomServiceTest, TamperedEventsFailTheChecks) {
  // The chain check is only worth something if the checks can fail.
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10");
  message(room_id, alice, "original");
  auto json = json::parse_object(room_events(room_id).back().pdu_json);
  ASSERT_TRUE(json);
  bj::object changed_content = *json;
  changed_content["content"].as_object()["body"] = "forged";
  EXPECT_FALSE(events::check_content_hash(changed_content));

  const crypto::SigningKey& key = hs_.ctx().signing_key;
  events::KeyLookup lookup = [&key](std::string_view, std::string_view) {
    return std::optional<std::string>(key.public_key());
  };
  const RoomVersion& v10 = *find_room_version("10");
  EXPECT_TRUE(events::verify_event_signatures(*json, v10, lookup));
  bj::object changed_ts = *json;
  changed_ts["origin_server_ts"] = 1;
  EXPECT_FALSE(events::verify_event_signatures(changed_ts, v10, lookup));
}

TEST_F(RoomServiceTest, UnknownVersionAndPresetAreRefused) {
  const std::string alice = register_user("alice");
  CreateRoomRequest request;
  request.creator = alice;
  request.room_version = "999";
  EXPECT_EQ(error_of(hs_.rooms().create_room(request)), "M_UNSUPPORTED_ROOM_VERSION");
  request.room_version = "10";
  request.preset = "party";
  EXPECT_EQ(error_of(hs_.rooms().create_room(request)), "M_INVALID_PARAM");
  request.preset.reset();
  request.room_alias_name = "taken";
  hs_.run(hs_.rooms().create_room(request));
  EXPECT_EQ(error_of(hs_.rooms().create_room(request)), "M_ROOM_IN_USE");
  EXPECT_EQ(error_of(hs_.rooms().require_room("!nope:test.local")), "M_NOT_FOUND");
}

TEST_F(RoomServiceTest, PowerLevelsAreEnforced) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob");
  const std::string room_id = create_room(alice, "10", "public_chat");
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));

  // m.room.name needs 50; bob has users_default 0.
  EXPECT_EQ(send_error(room_id, bob, "m.room.name", {{"name", "Bob's"}}, ""), "M_FORBIDDEN");
  EXPECT_EQ(send_error(room_id, bob, "m.room.power_levels", {{"users", {{bob, 100}}}}, ""),
            "M_FORBIDDEN");
  // Messages need events_default 0.
  EXPECT_GT(message(room_id, bob, "hi").position, 0);
  // Nothing was stored for the refusals.
  EXPECT_EQ(current(room_id)->find("m.room.name", ""), nullptr);

  // Once alice raises bob to 50 he may.
  RoomStatePtr room = current(room_id);
  bj::object levels = room->find("m.room.power_levels", "")->content();
  levels["users"].as_object()[bob] = 50;
  send(room_id, alice, "m.room.power_levels", levels, "");
  EXPECT_GT(send(room_id, bob, "m.room.name", {{"name", "Bob's"}}, "").position, 0);
  EXPECT_EQ(current(room_id)->find("m.room.name", "")->content().at("name"), "Bob's");

  // A non-member may send nothing.
  const std::string carol = register_user("carol");
  EXPECT_EQ(send_error(room_id, carol, "m.room.message", {{"body", "x"}}), "M_FORBIDDEN");
}

TEST_F(RoomServiceTest, InviteJoinLeaveKickBanFlows) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob", "Bob");
  const std::string room_id = create_room(alice, "10");

  // private_chat: joining needs an invite.
  EXPECT_EQ(error_of(hs_.rooms().join(room_id, bob, std::nullopt)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, alice, "@nobody:test.local", std::nullopt, false)),
            "M_NOT_FOUND");
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, alice, "@bob:elsewhere", std::nullopt, false)),
            "M_FORBIDDEN");

  SendResult invite = hs_.run(hs_.rooms().invite(room_id, alice, bob, std::string("come"), true));
  EXPECT_EQ(membership(room_id, bob), "invite");
  const events::Pdu* invite_event = current(room_id)->find("m.room.member", bob);
  EXPECT_EQ(invite_event->sender(), alice);
  EXPECT_EQ(invite_event->content(), (bj::object{{"membership", "invite"},
                                                 {"displayname", "Bob"},
                                                 {"is_direct", true},
                                                 {"reason", "come"}}));
  auto stripped = hs_.store().events.invite_stripped_state(invite.event_id);
  ASSERT_TRUE(stripped.has_value());
  EXPECT_NE(stripped->find("m.room.create"), std::string::npos);
  EXPECT_NE(stripped->find("m.room.join_rules"), std::string::npos);
  EXPECT_EQ(hs_.store().events.membership(room_id, bob)->membership, "invite");

  SendResult join = hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  EXPECT_EQ(membership(room_id, bob), "join");
  EXPECT_THAT(current(room_id)->joined_local_users, ElementsAre(alice, bob));
  // Joining again changes nothing and answers with the existing join.
  SendResult again = hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  EXPECT_EQ(again.event_id, join.event_id);
  EXPECT_EQ(again.position, 0);

  // Bob (power 0) may not kick alice.
  EXPECT_EQ(error_of(hs_.rooms().set_membership(room_id, bob, alice, "leave", std::nullopt)),
            "M_FORBIDDEN");

  hs_.run(hs_.rooms().leave(room_id, bob, std::string("bye")));
  EXPECT_EQ(membership(room_id, bob), "leave");
  EXPECT_EQ(current(room_id)->find("m.room.member", bob)->content().at("reason"), "bye");
  EXPECT_THAT(current(room_id)->joined_local_users, ElementsAre(alice));
  EXPECT_EQ(error_of(hs_.rooms().leave(room_id, bob, std::nullopt)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(hs_.rooms().join(room_id, bob, std::nullopt)), "M_FORBIDDEN");

  // Kick: invited again, joined, then alice sets his membership to leave.
  hs_.run(hs_.rooms().invite(room_id, alice, bob, std::nullopt, false));
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  hs_.run(hs_.rooms().set_membership(room_id, alice, bob, "leave", std::string("out")));
  const events::Pdu* kick = current(room_id)->find("m.room.member", bob);
  EXPECT_EQ(kick->membership(), "leave");
  EXPECT_EQ(kick->sender(), alice);

  // Ban: bob can neither join nor be invited until unbanned.
  hs_.run(hs_.rooms().set_membership(room_id, alice, bob, "ban", std::nullopt));
  EXPECT_EQ(membership(room_id, bob), "ban");
  EXPECT_EQ(hs_.store().events.membership(room_id, bob)->membership, "ban");
  EXPECT_EQ(error_of(hs_.rooms().join(room_id, bob, std::nullopt)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, alice, bob, std::nullopt, false)), "M_FORBIDDEN");
  hs_.run(hs_.rooms().set_membership(room_id, alice, bob, "leave", std::nullopt));  // unban
  EXPECT_EQ(membership(room_id, bob), "leave");
  hs_.run(hs_.rooms().invite(room_id, alice, bob, std::nullopt, false));
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  EXPECT_EQ(membership(room_id, bob), "join");

  // Memberships in the store follow the current state.
  EXPECT_EQ(hs_.store().events.membership(room_id, bob)->event_id,
            current(room_id)->find("m.room.member", bob)->event_id());
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, *find_room_version("10"));
}

TEST_F(RoomServiceTest, PublicRoomsCanBeJoinedWithoutInvite) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob", "Bob");
  CreateRoomRequest request;
  request.creator = alice;
  request.visibility = "public";
  const std::string room_id = hs_.run(hs_.rooms().create_room(request));
  EXPECT_EQ(current(room_id)->find("m.room.join_rules", "")->content().at("join_rule"), "public");
  EXPECT_THAT(hs_.store().rooms.public_room_ids(), ElementsAre(room_id));
  hs_.run(hs_.rooms().join(room_id, bob, std::string("hello")));
  EXPECT_EQ(current(room_id)->find("m.room.member", bob)->content(),
            (bj::object{{"membership", "join"}, {"displayname", "Bob"}, {"reason", "hello"}}));
}

TEST_F(RoomServiceTest, TransactionIdsMakeSendsIdempotent) {
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10");
  const std::size_t before = room_events(room_id).size();
  SendOptions options{std::string("PHONE"), std::string("txn1")};
  SendResult first =
      send(room_id, alice, "m.room.message", {{"body", "once"}}, std::nullopt, options);
  EXPECT_GT(first.position, 0);
  SendResult repeat =
      send(room_id, alice, "m.room.message", {{"body", "once"}}, std::nullopt, options);
  EXPECT_EQ(repeat.event_id, first.event_id);
  EXPECT_EQ(repeat.position, 0);
  EXPECT_EQ(room_events(room_id).size(), before + 1);
  // The room moved on from the first send only.
  EXPECT_THAT(hs_.store().events.forward_extremities(room_id), ElementsAre(first.event_id));
  EXPECT_EQ(current(room_id)->extremities.at(0).event_id, first.event_id);

  // Another transaction ID, or the same from another device, is a new event.
  SendResult other_txn = send(room_id, alice, "m.room.message", {{"body", "two"}}, std::nullopt,
                              SendOptions{std::string("PHONE"), std::string("txn2")});
  SendResult other_device =
      send(room_id, alice, "m.room.message", {{"body", "three"}}, std::nullopt,
           SendOptions{std::string("LAPTOP"), std::string("txn1")});
  EXPECT_NE(other_txn.event_id, first.event_id);
  EXPECT_NE(other_device.event_id, first.event_id);
  EXPECT_NE(other_device.event_id, other_txn.event_id);
  EXPECT_EQ(room_events(room_id).size(), before + 3);
  auto stored = hs_.store().events.event(first.event_id);
  EXPECT_EQ(stored->device_id, "PHONE");
  EXPECT_EQ(stored->txn_id, "txn1");
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, *find_room_version("10"));
}

TEST_F(RoomServiceTest, ConcurrentSendsInOneRoomFormOneChainInOrder) {
  // Many sends to one room at once (as 100 clients make): every send must extend the one before
  // it, a state event among them must see them all, and a transaction sent twice at once is one
  // event. (The guard for letting a room build its next message while the previous one is
  // written, which this stop measured and left out.)
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10");
  const std::size_t before = room_events(room_id).size();
  std::vector<std::future<SendResult>> sends;
  auto spawn = [&](std::string type, bj::object content, std::optional<std::string> state_key,
                   SendOptions options) {
    EventDraft draft;
    draft.sender = alice;
    draft.type = std::move(type);
    draft.state_key = std::move(state_key);
    draft.content = std::move(content);
    sends.push_back(asio::co_spawn(
        hs_.io(), hs_.rooms().send_event(room_id, std::move(draft), std::move(options)),
        asio::use_future));
  };
  for (int i = 0; i < 40; ++i) {
    spawn("m.room.message", {{"body", std::to_string(i)}}, std::nullopt,
          SendOptions{std::string("PHONE"), "t" + std::to_string(i)});
    if (i == 20) spawn("m.room.topic", {{"topic", "midway"}}, std::string(), {});
  }
  spawn("m.room.message", {{"body", "again"}}, std::nullopt,
        SendOptions{std::string("PHONE"), std::string("t7")});
  hs_.io().restart();
  hs_.io().run();
  std::vector<SendResult> results;
  for (auto& send : sends) results.push_back(send.get());
  EXPECT_EQ(results.back().event_id, results[7].event_id);  // t7 again: the same event
  EXPECT_EQ(results.back().position, 0);

  std::vector<storage::EventRecord> events = room_events(room_id);
  EXPECT_EQ(events.size(), before + 41);
  expect_valid_pdu_chain(hs_, events, room_id, *find_room_version("10"));
  EXPECT_THAT(hs_.store().events.forward_extremities(room_id), ElementsAre(events.back().event_id));
  EXPECT_EQ(current(room_id)->extremities.at(0).event_id, events.back().event_id);
  // After a restart the room reads back the same.
  hs_.restart_rooms();
  EXPECT_EQ(current(room_id)->extremities.at(0).event_id, events.back().event_id);
  EXPECT_EQ(current(room_id)->find("m.room.topic", "")->content().at("topic"), "midway");
}

class RedactionVersionTest : public RoomServiceTest,
                             public ::testing::WithParamInterface<std::string> {};

TEST_P(RedactionVersionTest, UnprivilegedRedactionOfOthersIsStoredButNotApplied) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob");
  const std::string room_id = create_room(alice, GetParam(), "public_chat");
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  const SendResult alices = message(room_id, alice, "alice's");
  const SendResult bobs = message(room_id, bob, "bob's");
  const SendResult bobs2 = message(room_id, bob, "bob's second");

  // Bob (power 0, redact needs 50) redacting alice's message: accepted into the room (the
  // auth rules allow the event), not applied.
  const SendResult by_bob = redact(room_id, bob, alices.event_id);
  EXPECT_GT(by_bob.position, 0);
  auto stored = hs_.store().events.event(by_bob.event_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->type, "m.room.redaction");
  EXPECT_FALSE(hs_.store().events.event(alices.event_id)->redacted_by.has_value());

  // His own message: applied.
  const SendResult own = redact(room_id, bob, bobs.event_id);
  EXPECT_EQ(hs_.store().events.event(bobs.event_id)->redacted_by, own.event_id);

  // Alice has the power: applied to bob's other message.
  const SendResult by_alice = redact(room_id, alice, bobs2.event_id);
  EXPECT_EQ(hs_.store().events.event(bobs2.event_id)->redacted_by, by_alice.event_id);

  // The redaction names its target where the version puts it.
  auto pdu = json::parse_object(stored->pdu_json);
  const RoomVersion& version = *find_room_version(GetParam());
  if (version.updated_redaction_rules) {
    EXPECT_EQ(pdu->at("content").at("redacts"), bj::value(alices.event_id));
  } else {
    EXPECT_EQ(pdu->at("redacts"), bj::value(alices.event_id));
  }
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, version);
}

INSTANTIATE_TEST_SUITE_P(Versions, RedactionVersionTest, ::testing::Values("10", "11"));

TEST_F(RoomServiceTest, RedactedStateEventIsRedactedInCurrentState) {
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "10");
  const SendResult topic = send(room_id, alice, "m.room.topic", {{"topic", "secret"}}, "");
  redact(room_id, alice, topic.event_id);
  EXPECT_EQ(current(room_id)->find("m.room.topic", "")->content(), bj::object{});
  // A server that loads the room from the store sees the same.
  RoomStatePtr loaded = RoomCache::load(hs_.store(), room_id, "test.local");
  EXPECT_EQ(loaded->find("m.room.topic", "")->content(), bj::object{});
}

TEST_F(RoomServiceTest, RedactedPowerLevelsAuthoriseTheSameAfterARestart) {
  // v1–v10 redaction drops "invite" from m.room.power_levels, so once alice redacts them the
  // invite level is the default 0 (private_chat set it to 50): bob may invite. The auth rules
  // see the redacted event whether the room was in memory or loaded after a restart.
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob");
  const std::string carol = register_user("carol");
  const std::string dave = register_user("dave");
  const std::string room_id = create_room(alice, "10");
  hs_.run(hs_.rooms().invite(room_id, alice, bob, std::nullopt, false));
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, bob, carol, std::nullopt, false)), "M_FORBIDDEN");

  redact(room_id, alice, current(room_id)->find("m.room.power_levels", "")->event_id());
  EXPECT_FALSE(current(room_id)->find("m.room.power_levels", "")->content().contains("invite"));
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, bob, carol, std::nullopt, false)), "");

  hs_.restart_rooms();
  EXPECT_FALSE(current(room_id)->find("m.room.power_levels", "")->content().contains("invite"));
  EXPECT_EQ(error_of(hs_.rooms().invite(room_id, bob, dave, std::nullopt, false)), "");
}

TEST_F(RoomServiceTest, ManyStateEventsReloadToTheSameStateAndStateGroups) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob");
  const std::string room_id = create_room(alice, "10", "public_chat");
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));
  std::map<int, std::pair<std::string, storage::StateEntries>> checkpoints;
  for (int i = 0; i < 120; ++i) {
    const std::string key = "k" + std::to_string(i % 100);  // some slots are replaced
    SendResult sent = send(room_id, alice, "org.example.state", {{"n", i}}, key);
    if (i % 10 == 0) message(room_id, bob, "between " + std::to_string(i));
    if (i == 30 || i == 77) checkpoints[i] = {sent.event_id, entries_of(*current(room_id))};
  }
  RoomStatePtr cached = current(room_id);
  const storage::StateEntries state = entries_of(*cached);
  EXPECT_EQ(state.size(), 100u + 5u + 1u);  // 100 keys, create/PL/join rules/history, 2 members
  EXPECT_EQ(state, hs_.store().events.current_state(room_id));

  RoomStatePtr loaded = RoomCache::load(hs_.store(), room_id, "test.local");
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(entries_of(*loaded), state);
  EXPECT_EQ(loaded->room_id, room_id);
  EXPECT_EQ(loaded->version, cached->version);
  EXPECT_EQ(loaded->joined_local_users, cached->joined_local_users);
  EXPECT_EQ(loaded->state_group, cached->state_group);
  EXPECT_EQ(loaded->max_depth(), cached->max_depth());
  ASSERT_EQ(loaded->extremities.size(), 1u);
  EXPECT_EQ(loaded->extremities[0].event_id, cached->extremities[0].event_id);
  for (const auto& [key, pdu] : *loaded->state) {
    EXPECT_EQ(pdu->json(), cached->state->at(key)->json());
  }

  // The state group of the last event, and of events in the middle, read back exactly.
  auto last = hs_.store().events.last_event_at(room_id, kEnd);
  EXPECT_EQ(hs_.store().events.state_group_entries(last->state_group), state);
  for (const auto& [i, checkpoint] : checkpoints) {
    SCOPED_TRACE(i);
    auto event = hs_.store().events.event(checkpoint.first);
    EXPECT_EQ(hs_.store().events.state_group_entries(event->state_group), checkpoint.second);
  }

  // Snapshots every 50 deltas: no chain is longer, and it took a few snapshots to get here.
  auto [groups, snapshots, longest] = hs_.store().database().read([&](sql::Connection& c) {
    sql::Row row = c.query_one(
        "SELECT count(*), sum(prev_group IS NULL), max(chain_length) FROM state_groups"
        " WHERE room_id = ?",
        {room_id});
    return std::tuple{row.int64(0), row.int64(1), row.int64(2)};
  });
  EXPECT_EQ(longest, 50);
  EXPECT_EQ(snapshots, (groups + 50) / 51);

  // After a restart, the next state event builds on the loaded room with a full snapshot.
  hs_.restart_rooms();
  SendResult after = send(room_id, alice, "org.example.state", {{"n", -1}}, "k0");
  storage::StateEntries expected = state;
  expected[{"org.example.state", "k0"}] = after.event_id;
  EXPECT_EQ(entries_of(*current(room_id)), expected);
  auto after_record = hs_.store().events.event(after.event_id);
  EXPECT_EQ(hs_.store().events.state_group_entries(after_record->state_group), expected);
  EXPECT_GT(after_record->state_group, last->state_group);
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, *find_room_version("10"));
}

TEST_F(RoomServiceTest, MessageWakesJoinedLocalUsers) {
  const std::string alice = register_user("alice");
  const std::string bob = register_user("bob");
  const std::string carol = register_user("carol");
  const std::string room_id = create_room(alice, "10", "public_chat");
  hs_.run(hs_.rooms().join(room_id, bob, std::nullopt));

  // An invite wakes the invitee, who is not joined.
  const auto carol_before_invite = hs_.notifier().version(carol);
  hs_.run(hs_.rooms().invite(room_id, alice, carol, std::nullopt, false));
  EXPECT_GT(hs_.notifier().version(carol), carol_before_invite);

  const auto a = hs_.notifier().version(alice);
  const auto b = hs_.notifier().version(bob);
  const auto c = hs_.notifier().version(carol);
  // A sync of bob's, suspended on the notifier, resumes when alice speaks.
  auto waiting = asio::co_spawn(hs_.io(), hs_.notifier().wait(bob, b, std::chrono::seconds(30)),
                                asio::use_future);
  message(room_id, alice, "wake up");
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_TRUE(waiting.get());
  EXPECT_GT(hs_.notifier().version(alice), a);
  EXPECT_GT(hs_.notifier().version(bob), b);
  EXPECT_EQ(hs_.notifier().version(carol), c);
}

TEST_F(RoomServiceTest, RoomsLoadLazilyFromTheStore) {
  const std::string alice = register_user("alice");
  const std::string room_id = create_room(alice, "11");
  message(room_id, alice, "before restart");
  RoomStatePtr before = current(room_id);
  hs_.restart_rooms();
  RoomStatePtr after = current(room_id);
  ASSERT_NE(after, nullptr);
  EXPECT_NE(after.get(), before.get());
  EXPECT_EQ(entries_of(*after), entries_of(*before));
  message(room_id, alice, "after restart");
  expect_valid_pdu_chain(hs_, room_events(room_id), room_id, *find_room_version("11"));
  EXPECT_EQ(current("!unknown:test.local"), nullptr);
}

}  // namespace
}  // namespace myelin::services
