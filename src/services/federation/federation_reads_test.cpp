#include "services/federation/federation_reads.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/redaction.hpp"
#include "protocol/json/parse.hpp"
#include "services/federation/event_graph.hpp"
#include "services/rooms/test_homeserver.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

constexpr const char* kAlice = "@alice:test.local";
constexpr const char* kBob = "@bob:remote.test";  // a user of another server, joined by us
constexpr const char* kRemote = "remote.test";
constexpr const char* kOutsider = "outsider.test";  // a server with no user in the room

class FederationReadsTest : public ::testing::Test {
 protected:
  std::string create_room(const std::string& preset, bj::object creation_content = {}) {
    CreateRoomRequest request;
    request.creator = kAlice;
    request.preset = preset;
    request.creation_content = std::move(creation_content);
    return hs_.run(hs_.rooms().create_room(std::move(request)));
  }

  std::string send(const std::string& room_id, const std::string& type, bj::object content,
                   std::optional<std::string> state_key = std::nullopt,
                   const std::string& sender = kAlice) {
    EventDraft draft;
    draft.sender = sender;
    draft.type = type;
    draft.state_key = std::move(state_key);
    draft.content = std::move(content);
    return hs_.run(hs_.rooms().send_event(room_id, std::move(draft), SendOptions{})).event_id;
  }

  std::string message(const std::string& room_id, const std::string& body) {
    return send(room_id, "m.room.message", {{"msgtype", "m.text"}, {"body", body}});
  }

  void join_remote(const std::string& room_id) {
    hs_.run(hs_.rooms().join(room_id, kBob, std::nullopt));
  }

  void set_history_visibility(const std::string& room_id, const std::string& value) {
    send(room_id, "m.room.history_visibility", {{"history_visibility", value}}, "");
  }

  bj::object stored_pdu(const std::string& event_id) {
    auto record = hs_.store().events.event(event_id);
    EXPECT_TRUE(record.has_value()) << event_id;
    return json::parse_object(record->pdu_json).value();
  }

  // The errcode a call throws, "" when it succeeds.
  template <typename T>
  std::string error_of(boost::asio::awaitable<T> work) {
    try {
      hs_.run(std::move(work));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  static std::string body_of(const bj::object& pdu) {
    const bj::value* body = pdu.at("content").as_object().if_contains("body");
    return body ? std::string(body->as_string()) : "";
  }

  static std::vector<std::string> ids_of(const std::vector<bj::object>& pdus) {
    std::vector<std::string> bodies;
    for (const bj::object& pdu : pdus) bodies.push_back(body_of(pdu));
    return bodies;
  }

  TestHomeserver hs_;
  FederationReads reads_{hs_.ctx(), hs_.rooms()};
};

// --- /event --------------------------------------------------------------------------------

TEST_F(FederationReadsTest, EventIsTheStoredPduForAServerInTheRoom) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "hello");
  bj::object pdu = hs_.run(reads_.event(kRemote, id));
  EXPECT_EQ(pdu, stored_pdu(id));
  EXPECT_EQ(body_of(pdu), "hello");
}

TEST_F(FederationReadsTest, EventRefusedToAServerNotInTheRoomAndUnknownIsNotFound) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "hello");
  EXPECT_EQ(error_of(reads_.event(kOutsider, id)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(reads_.event(kRemote, "$nope:test.local")), "M_NOT_FOUND");
}

TEST_F(FederationReadsTest, ServerThatLeftIsRefused) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "hello");
  hs_.run(hs_.rooms().leave(room, kBob, std::nullopt));
  EXPECT_EQ(error_of(reads_.event(kRemote, id)), "M_FORBIDDEN");
}

// --- visibility for servers ------------------------------------------------------------------

TEST_F(FederationReadsTest, JoinedVisibilityRedactsEventsFromBeforeTheServerJoined) {
  const std::string room = create_room("public_chat");
  set_history_visibility(room, "joined");
  const std::string before = message(room, "before");
  join_remote(room);
  const std::string after = message(room, "after");

  bj::object hidden = hs_.run(reads_.event(kRemote, before));
  EXPECT_EQ(hidden, events::redact(stored_pdu(before), default_room_version()));
  EXPECT_TRUE(hidden.at("content").as_object().empty()) << "redacted copy";
  EXPECT_EQ(hs_.run(reads_.event(kRemote, after)), stored_pdu(after));
}

TEST_F(FederationReadsTest, SharedAndWorldReadableHistoryIsVisibleFromBeforeTheJoin) {
  for (const char* visibility : {"shared", "world_readable"}) {
    const std::string room = create_room("public_chat");
    set_history_visibility(room, visibility);
    const std::string before = message(room, "before");
    join_remote(room);
    EXPECT_EQ(body_of(hs_.run(reads_.event(kRemote, before))), "before") << visibility;
  }
}

TEST_F(FederationReadsTest, EventsOfErasedUsersGoOutRedacted) {
  storage::UserRecord user;
  user.user_id = kAlice;
  ASSERT_TRUE(hs_.store().accounts.create_user(user));
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "mine");
  EXPECT_EQ(body_of(hs_.run(reads_.event(kRemote, id))), "mine");
  hs_.store().user_admin.set_erased(kAlice, true);
  EXPECT_TRUE(hs_.run(reads_.event(kRemote, id)).at("content").as_object().empty());
}

TEST_F(FederationReadsTest, BackfillRedactsWhatTheServerMayNotSee) {
  const std::string room = create_room("public_chat");
  set_history_visibility(room, "joined");
  message(room, "m1");
  join_remote(room);
  const std::string m2 = message(room, "m2");
  std::vector<bj::object> pdus = hs_.run(reads_.backfill(kRemote, room, {m2}, 3));
  ASSERT_EQ(pdus.size(), 3u);
  EXPECT_EQ(body_of(pdus[0]), "m2");
  EXPECT_EQ(pdus[1].at("type"), "m.room.member");  // bob's join: visible
  EXPECT_EQ(pdus[1].at("content").at("membership"), "join");
  EXPECT_EQ(pdus[2].at("type"), "m.room.message");
  EXPECT_TRUE(pdus[2].at("content").as_object().empty()) << "m1 redacted";
}

// --- /state and /state_ids -------------------------------------------------------------------

TEST_F(FederationReadsTest, StateIdsAtAMessageIsTheStateThen) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "now");
  RoomStateIdsAtEvent state = hs_.run(reads_.state_ids(kRemote, room, id));
  std::vector<std::string> current;
  for (const auto& [slot, event_id] : hs_.store().events.current_state(room)) {
    current.push_back(event_id);
  }
  EXPECT_THAT(state.pdu_ids, UnorderedElementsAreArray(current));
}

TEST_F(FederationReadsTest, StateAtAStateEventIsTheStateBeforeIt) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string first = send(room, "m.room.topic", {{"topic", "one"}}, "");
  const std::string second = send(room, "m.room.topic", {{"topic", "two"}}, "");

  RoomStateAtEvent at_second = hs_.run(reads_.state(kRemote, room, second));
  std::set<std::string> topics;
  for (const bj::object& pdu : at_second.pdus) {
    if (pdu.at("type") == "m.room.topic")
      topics.insert(std::string(pdu.at("content").at("topic").as_string()));
  }
  EXPECT_EQ(topics, std::set<std::string>{"one"});

  // Before the first topic there was none.
  RoomStateIdsAtEvent at_first = hs_.run(reads_.state_ids(kRemote, room, first));
  for (const std::string& id : at_first.pdu_ids) {
    EXPECT_NE(stored_pdu(id).at("type"), "m.room.topic");
  }
  // Bob's own join: the state before it has no member event for bob.
  const std::string bob_join = hs_.store().events.membership(room, kBob)->event_id;
  RoomStateIdsAtEvent at_join = hs_.run(reads_.state_ids(kRemote, room, bob_join));
  for (const std::string& id : at_join.pdu_ids) {
    const bj::object pdu = stored_pdu(id);
    EXPECT_FALSE(pdu.at("type") == "m.room.member" && pdu.at("state_key") == kBob);
  }
}

TEST_F(FederationReadsTest, StateAuthChainIsClosedUnderAuthEvents) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  send(room, "m.room.name", {{"name", "Room"}}, "");
  const std::string id = message(room, "now");
  RoomStateIdsAtEvent state = hs_.run(reads_.state_ids(kRemote, room, id));
  std::set<std::string> chain(state.auth_chain_ids.begin(), state.auth_chain_ids.end());
  EXPECT_EQ(chain.size(), state.auth_chain_ids.size()) << "no duplicates";
  std::vector<std::string> all = state.pdu_ids;
  all.insert(all.end(), state.auth_chain_ids.begin(), state.auth_chain_ids.end());
  for (const std::string& event_id : all) {
    for (const std::string& ref : event_references(stored_pdu(event_id), "auth_events")) {
      EXPECT_TRUE(chain.count(ref)) << ref << " (auth event of " << event_id << ") missing";
    }
  }
  // The create event heads every chain.
  const std::string create_id = hs_.store().events.current_state(room).at({"m.room.create", ""});
  EXPECT_TRUE(chain.count(create_id));

  RoomStateAtEvent full = hs_.run(reads_.state(kRemote, room, id));
  EXPECT_EQ(full.pdus.size(), state.pdu_ids.size());
  EXPECT_EQ(full.auth_chain.size(), state.auth_chain_ids.size());
}

TEST_F(FederationReadsTest, StateRefusalsAndUnknownEvents) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "now");
  const std::string other_room = create_room("public_chat");
  EXPECT_EQ(error_of(reads_.state_ids(kOutsider, room, id)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(reads_.state(kOutsider, room, id)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(reads_.state_ids(kRemote, "!unknown:test.local", id)), "M_FORBIDDEN");
  EXPECT_EQ(error_of(reads_.state_ids(kRemote, room, "$unknown:test.local")), "M_NOT_FOUND");
  // An event of another room is not an event of this one.
  const std::string elsewhere = message(other_room, "elsewhere");
  EXPECT_EQ(error_of(reads_.state_ids(kRemote, room, elsewhere)), "M_NOT_FOUND");
}

// --- /event_auth ---------------------------------------------------------------------------

TEST_F(FederationReadsTest, EventAuthIsTheAuthChainWithoutTheEvent) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  const std::string id = message(room, "now");
  std::vector<bj::object> chain = hs_.run(reads_.event_auth(kRemote, room, id));
  std::set<std::string> ids;
  for (const bj::object& pdu : chain) {
    ids.insert(events::compute_event_id(pdu, default_room_version()).value());
  }
  EXPECT_FALSE(ids.count(id));
  for (const std::string& ref : event_references(stored_pdu(id), "auth_events")) {
    EXPECT_TRUE(ids.count(ref)) << ref;
  }
  for (const bj::object& pdu : chain) {
    for (const std::string& ref : event_references(pdu, "auth_events")) {
      EXPECT_TRUE(ids.count(ref)) << ref;
    }
  }
  // Parents before children: the create event first.
  ASSERT_FALSE(chain.empty());
  EXPECT_EQ(chain.front().at("type"), "m.room.create");
  EXPECT_EQ(error_of(reads_.event_auth(kOutsider, room, id)), "M_FORBIDDEN");
}

// --- /backfill -------------------------------------------------------------------------------

TEST_F(FederationReadsTest, BackfillIsNewestFirstFromTheGivenEventsAndHonoursTheLimit) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  std::vector<std::string> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back(message(room, "m" + std::to_string(i)));

  EXPECT_THAT(ids_of(hs_.run(reads_.backfill(kRemote, room, {ids[4]}, 3))),
              ElementsAre("m5", "m4", "m3"));
  EXPECT_THAT(hs_.run(reads_.backfill(kRemote, room, {ids[4]}, 0)), IsEmpty());
  // Everything back to the create event, which is last.
  std::vector<bj::object> all = hs_.run(reads_.backfill(kRemote, room, {ids[5]}, 1000));
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back().at("type"), "m.room.create");
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_GE(all[i - 1].at("depth").as_int64(), all[i].at("depth").as_int64());
  }
  EXPECT_EQ(error_of(reads_.backfill(kOutsider, room, {ids[5]}, 10)), "M_FORBIDDEN");
  // Unknown IDs start nothing.
  EXPECT_THAT(hs_.run(reads_.backfill(kRemote, room, {"$unknown:test.local"}, 10)), IsEmpty());
}

TEST_F(FederationReadsTest, BackfillIsCappedAtOneHundred) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  std::string last;
  for (int i = 0; i < 105; ++i) last = message(room, "m" + std::to_string(i));
  EXPECT_EQ(hs_.run(reads_.backfill(kRemote, room, {last}, 500)).size(), 100u);
}

// --- /get_missing_events -----------------------------------------------------------------------

TEST_F(FederationReadsTest, MissingEventsWalkStopsAtEarliestAndHonoursLimitAndMinDepth) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  std::vector<std::string> ids;
  for (int i = 1; i <= 6; ++i) ids.push_back(message(room, "m" + std::to_string(i)));

  MissingEventsRequest request;
  request.earliest_events = {ids[1]};
  request.latest_events = {ids[5]};
  EXPECT_THAT(ids_of(hs_.run(reads_.missing_events(kRemote, room, request))),
              ElementsAre("m3", "m4", "m5"));

  request.limit = 2;  // the two nearest the latest event, oldest first
  EXPECT_THAT(ids_of(hs_.run(reads_.missing_events(kRemote, room, request))),
              ElementsAre("m4", "m5"));

  request.limit = 10;
  request.min_depth = stored_pdu(ids[4]).at("depth").as_int64();
  EXPECT_THAT(ids_of(hs_.run(reads_.missing_events(kRemote, room, request))), ElementsAre("m5"));

  request.min_depth = 0;
  request.limit = 1000;  // capped at 20
  request.earliest_events = {};
  for (int i = 7; i <= 30; ++i) ids.push_back(message(room, "m" + std::to_string(i)));
  request.latest_events = {ids.back()};
  EXPECT_EQ(hs_.run(reads_.missing_events(kRemote, room, request)).size(), 20u);

  EXPECT_EQ(error_of(reads_.missing_events(kOutsider, room, request)), "M_FORBIDDEN");
}

// --- queries ----------------------------------------------------------------------------------

TEST_F(FederationReadsTest, ProfileOfLocalUsers) {
  storage::UserRecord user;
  user.user_id = kAlice;
  ASSERT_TRUE(hs_.store().accounts.create_user(user));
  hs_.store().accounts.set_displayname(kAlice, "Alice");

  bj::object whole = hs_.run(reads_.profile(kAlice, std::nullopt));
  EXPECT_EQ(whole, (bj::object{{"displayname", "Alice"}}));
  EXPECT_EQ(hs_.run(reads_.profile(kAlice, "displayname")), (bj::object{{"displayname", "Alice"}}));
  EXPECT_EQ(error_of(reads_.profile(kAlice, "avatar_url")), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.profile(kAlice, "email")), "M_INVALID_PARAM");
  EXPECT_EQ(error_of(reads_.profile("@nobody:test.local", std::nullopt)), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.profile(kBob, std::nullopt)), "M_NOT_FOUND");
}

TEST_F(FederationReadsTest, DirectoryAnswersLocalAliasesWithTheRoomsServers) {
  const std::string room = create_room("public_chat");
  join_remote(room);
  ASSERT_TRUE(hs_.store().rooms.create_alias({"#lobby:test.local", room, kAlice}));
  RoomAliasAnswer answer = hs_.run(reads_.directory("#lobby:test.local"));
  EXPECT_EQ(answer.room_id, room);
  EXPECT_THAT(answer.servers, ElementsAre("test.local", "remote.test"));
  EXPECT_EQ(error_of(reads_.directory("#missing:test.local")), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.directory("#lobby:remote.test")), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.directory("lobby")), "M_INVALID_PARAM");
}

TEST_F(FederationReadsTest, PublicRoomsListsPublishedRooms) {
  const std::string listed = create_room("public_chat");
  send(listed, "m.room.name", {{"name", "Lobby"}}, "");
  hs_.store().rooms.set_public(listed, true);
  create_room("public_chat");  // not published
  PublicRoomsPage page = hs_.run(reads_.public_rooms(FederationPublicRoomsQuery{}));
  ASSERT_EQ(page.chunk.size(), 1u);
  EXPECT_EQ(page.chunk[0].room_id, listed);

  FederationPublicRoomsQuery search;
  search.filter.generic_search_term = "nothing like it";
  EXPECT_THAT(hs_.run(reads_.public_rooms(search)).chunk, IsEmpty());
  FederationPublicRoomsQuery network;
  network.only_third_party_network = true;
  EXPECT_THAT(hs_.run(reads_.public_rooms(network)).chunk, IsEmpty());
}

TEST_F(FederationReadsTest, UserDevicesAndKeys) {
  storage::UserRecord user;
  user.user_id = kAlice;
  ASSERT_TRUE(hs_.store().accounts.create_user(user));
  hs_.store().accounts.upsert_device(
      {kAlice, "PHONE", "Alice's phone", std::nullopt, std::nullopt});
  hs_.store().accounts.upsert_device({kAlice, "LAPTOP", std::nullopt, std::nullopt, std::nullopt});

  bj::object devices = hs_.run(reads_.user_devices(kAlice));
  EXPECT_EQ(devices.at("user_id"), kAlice);
  EXPECT_EQ(devices.at("stream_id"), 0);  // no change recorded yet
  // Its version is the latest change, as m.device_list_update EDUs number them.
  const storage::DeviceListChange change = hs_.store().device_lists.record_change(kAlice, "PHONE");
  EXPECT_EQ(hs_.run(reads_.user_devices(kAlice)).at("stream_id"), change.stream_id);
  std::map<std::string, bj::object> by_id;
  for (const bj::value& device : devices.at("devices").as_array()) {
    by_id[std::string(device.at("device_id").as_string())] = device.as_object();
  }
  ASSERT_EQ(by_id.size(), 2u);
  EXPECT_EQ(by_id["PHONE"].at("device_display_name"), "Alice's phone");
  EXPECT_FALSE(by_id["LAPTOP"].contains("device_display_name"));
  EXPECT_EQ(error_of(reads_.user_devices("@nobody:test.local")), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.user_devices(kBob)), "M_INVALID_PARAM");

  bj::object query{{kAlice, bj::array{}}, {kBob, bj::array{}}};
  // Alice's devices uploaded no keys; Bob is not ours to answer for.
  EXPECT_EQ(hs_.run(reads_.query_keys(query)),
            (bj::object{{"device_keys", bj::object{{kAlice, bj::object{}}}},
                        {"master_keys", bj::object{}},
                        {"self_signing_keys", bj::object{}}}));
  bj::object claim{{kAlice, bj::object{{"PHONE", "signed_curve25519"}}}};
  EXPECT_EQ(hs_.run(reads_.claim_keys(claim)), (bj::object{{"one_time_keys", bj::object{}}}));
}

// --- /hierarchy -----------------------------------------------------------------------------

TEST_F(FederationReadsTest, HierarchyListsAccessibleChildrenAndNamesTheOthers) {
  const std::string space = create_room("public_chat", {{"type", "m.space"}});
  send(space, "m.room.name", {{"name", "Space"}}, "");
  const std::string open = create_room("public_chat");
  const std::string closed = create_room("private_chat");
  const std::string unknown = "!unknown:elsewhere.test";
  bj::array via{"test.local"};
  send(space, "m.space.child", {{"via", via}, {"order", "b"}}, open);
  send(space, "m.space.child", {{"via", via}, {"order", "a"}, {"suggested", true}}, closed);
  send(space, "m.space.child", {{"via", via}}, unknown);
  send(space, "m.space.child", {{"via", bj::array{}}}, "!removed:test.local");  // not a link

  bj::object answer = hs_.run(reads_.hierarchy(kOutsider, space, false));
  const bj::object& summary = answer.at("room").as_object();
  EXPECT_EQ(summary.at("room_id").as_string(), space);
  EXPECT_EQ(summary.at("room_type"), "m.space");
  EXPECT_EQ(summary.at("name"), "Space");
  EXPECT_EQ(summary.at("join_rule"), "public");
  EXPECT_EQ(summary.at("num_joined_members"), 1);
  const bj::array& children_state = summary.at("children_state").as_array();
  ASSERT_EQ(children_state.size(), 3u);  // ordered by `order`, then without one
  EXPECT_EQ(children_state[0].at("state_key").as_string(), closed);
  EXPECT_EQ(children_state[1].at("state_key").as_string(), open);
  EXPECT_EQ(children_state[2].at("state_key").as_string(), unknown);
  EXPECT_TRUE(children_state[0].as_object().contains("origin_server_ts"));

  const bj::array& children = answer.at("children").as_array();
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].at("room_id").as_string(), open);
  EXPECT_EQ(answer.at("inaccessible_children"), (bj::array{bj::value(closed)}));

  // suggested_only: only the closed room is suggested, and it stays inaccessible.
  bj::object suggested = hs_.run(reads_.hierarchy(kOutsider, space, true));
  EXPECT_TRUE(suggested.at("children").as_array().empty());
  EXPECT_EQ(suggested.at("inaccessible_children"), (bj::array{bj::value(closed)}));
}

TEST_F(FederationReadsTest, RestrictedChildIsAccessibleToServersInAnAllowedRoom) {
  const std::string space = create_room("public_chat", {{"type", "m.space"}});
  const std::string child = create_room("private_chat");
  bj::array allow{bj::object{{"type", "m.room_membership"}, {"room_id", space}}};
  send(child, "m.room.join_rules", {{"join_rule", "restricted"}, {"allow", allow}}, "");
  send(space, "m.space.child", {{"via", bj::array{"test.local"}}}, child);

  // Not in the space: the child is named as inaccessible.
  bj::object outside = hs_.run(reads_.hierarchy(kRemote, space, false));
  EXPECT_TRUE(outside.at("children").as_array().empty());
  EXPECT_EQ(outside.at("inaccessible_children"), (bj::array{bj::value(child)}));

  // A user of the server in the space: the child is summarised with its allowed rooms.
  join_remote(space);
  bj::object inside = hs_.run(reads_.hierarchy(kRemote, space, false));
  ASSERT_EQ(inside.at("children").as_array().size(), 1u);
  const bj::object& summary = inside.at("children").as_array()[0].as_object();
  EXPECT_EQ(summary.at("join_rule"), "restricted");
  EXPECT_EQ(summary.at("allowed_room_ids"), (bj::array{bj::value(space)}));
  EXPECT_TRUE(inside.at("inaccessible_children").as_array().empty());
}

TEST_F(FederationReadsTest, HierarchyOfAPrivateRoomOnlyForItsServers) {
  const std::string room = create_room("private_chat");
  EXPECT_EQ(error_of(reads_.hierarchy(kOutsider, room, false)), "M_NOT_FOUND");
  EXPECT_EQ(error_of(reads_.hierarchy(kOutsider, "!unknown:test.local", false)), "M_NOT_FOUND");
  bj::object answer = hs_.run(reads_.hierarchy("test.local", room, false));
  EXPECT_EQ(answer.at("room").at("join_rule"), "invite");
  // World-readable history lets anyone peek.
  set_history_visibility(room, "world_readable");
  bj::object peeked = hs_.run(reads_.hierarchy(kOutsider, room, false));
  EXPECT_EQ(peeked.at("room").at("world_readable"), true);
}

}  // namespace
}  // namespace myelin::services
