// RoomService's remote-event path (services/rooms/remote_events.cpp) between two real
// homeservers: events one of them really sent, offered to the other as a transaction would.
#include <gtest/gtest.h>

#include <limits>

#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/json/parse.hpp"
#include "services/federation/two_homeserver_test.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using Kind = RemoteEventOutcome::Kind;
using testing::FederationTestServer;

class RemoteEventsTest : public testing::TwoHomeserverTest {
 protected:
  // bob@joiner.test has joined alice@resident.test's public room.
  RemoteEventsTest() {
    alice_ = resident_.register_user("alice");
    bob_ = joiner_.register_user("bob");
    room_id_ = create_room(resident_, alice_, "10", "public_chat");
    run(joiner_.membership().ours.join(room_id_, bob_, {"resident.test"}, std::nullopt));
  }

  // A message `server`'s user really sent there, as the PDU another server receives.
  PduPtr send(FederationTestServer& server, const std::string& sender, const std::string& body) {
    EventDraft draft{sender, "m.room.message", std::nullopt, {{"body", body}}, std::nullopt};
    SendResult sent = run(server.rooms().send_event(room_id_, std::move(draft), {}));
    return stored_pdu(server, sent.event_id);
  }

  PduPtr stored_pdu(FederationTestServer& server, const std::string& event_id) {
    auto record = server.store().events.event(event_id);
    EXPECT_TRUE(record.has_value()) << event_id;
    auto json = json::parse_object(record->pdu_json);
    return std::make_shared<const events::Pdu>(
        *events::Pdu::parse(std::move(*json), *find_room_version("10")));
  }

  // `pdu` re-sent as someone else, re-hashed and re-signed by `server` (a valid PDU whose sender
  // the auth rules judge).
  PduPtr as_sender(const events::Pdu& pdu, const std::string& sender,
                   FederationTestServer& server) {
    bj::object json = pdu.json();
    json["sender"] = sender;
    json.erase("hashes");
    json.erase("signatures");
    events::add_content_hash(json);
    events::sign_event(json, server.name(), server.ctx().signing_key, *find_room_version("10"));
    return std::make_shared<const events::Pdu>(
        *events::Pdu::parse(std::move(json), *find_room_version("10")));
  }

  std::vector<std::string> timeline(FederationTestServer& server) {
    std::vector<std::string> ids;
    for (const auto& e :
         server.store().events.room_events(room_id_, 0, std::numeric_limits<std::int64_t>::max(),
                                           1000, storage::Direction::kForwards)) {
      ids.push_back(e.event_id);
    }
    return ids;
  }

  std::vector<std::string> extremities(FederationTestServer& server) {
    std::vector<std::string> ids;
    for (const auto& e : run(server.rooms().room(room_id_))->extremities) {
      ids.push_back(e.event_id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  static bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
  }

  std::string alice_;
  std::string bob_;
  std::string room_id_;
};

TEST_F(RemoteEventsTest, AMessageIsAcceptedOnceIntoTheTimeline) {
  PduPtr message = send(joiner_, bob_, "hello");
  RemoteEventOutcome outcome = run(resident_.rooms().accept_remote_event(message));
  EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reason;
  EXPECT_GT(outcome.position, 0);
  EXPECT_TRUE(contains(timeline(resident_), message->event_id()));
  EXPECT_EQ(extremities(resident_), std::vector<std::string>{message->event_id()});

  EXPECT_EQ(run(resident_.rooms().accept_remote_event(message)).kind, Kind::kDuplicate);
}

TEST_F(RemoteEventsTest, AnEventHeldOnlyAsAnOutlierJoinsTheTimelineWhenSent) {
  PduPtr message = send(joiner_, bob_, "first fetched as an auth chain member");
  run(resident_.rooms().store_outliers({message}));
  ASSERT_TRUE(resident_.store().events.event(message->event_id())->outlier);
  EXPECT_FALSE(contains(timeline(resident_), message->event_id()));

  RemoteEventOutcome outcome = run(resident_.rooms().accept_remote_event(message));
  EXPECT_EQ(outcome.kind, Kind::kAccepted) << outcome.reason;
  EXPECT_TRUE(contains(timeline(resident_), message->event_id()));
  EXPECT_FALSE(resident_.store().events.event(message->event_id())->outlier);
  EXPECT_EQ(run(resident_.rooms().accept_remote_event(message)).kind, Kind::kDuplicate);
}

TEST_F(RemoteEventsTest, AnEventTheAuthRulesRefuseIsKeptAsRejected) {
  PduPtr message = send(joiner_, bob_, "hello");
  const std::string carol = joiner_.register_user("carol");  // never joined
  PduPtr forged = as_sender(*message, carol, joiner_);
  RemoteEventOutcome outcome = run(resident_.rooms().accept_remote_event(forged));
  EXPECT_EQ(outcome.kind, Kind::kRejected);
  EXPECT_FALSE(contains(timeline(resident_), forged->event_id()));
  auto stored = resident_.store().events.event(forged->event_id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->outlier);
  ASSERT_TRUE(stored->rejection.has_value());
  EXPECT_TRUE(stored->rejection->starts_with("rejected"));
  // Never decided again.
  EXPECT_EQ(run(resident_.rooms().accept_remote_event(forged)).kind, Kind::kDuplicate);
}

TEST_F(RemoteEventsTest, UnknownPrevEventsAreAskedForAndNothingIsStored) {
  PduPtr first = send(joiner_, bob_, "one");
  PduPtr second = send(joiner_, bob_, "two");
  RemoteEventOutcome outcome = run(resident_.rooms().accept_remote_event(second));
  EXPECT_EQ(outcome.kind, Kind::kMissingPrevEvents);
  EXPECT_EQ(outcome.missing, std::vector<std::string>{first->event_id()});
  EXPECT_FALSE(resident_.store().events.event(second->event_id()).has_value());

  EXPECT_EQ(run(resident_.rooms().accept_remote_event(first)).kind, Kind::kAccepted);
  EXPECT_EQ(run(resident_.rooms().accept_remote_event(second)).kind, Kind::kAccepted);
  std::vector<std::string> ids = timeline(resident_);
  ASSERT_GE(ids.size(), 2u);
  EXPECT_EQ(ids[ids.size() - 2], first->event_id());
  EXPECT_EQ(ids.back(), second->event_id());
}

TEST_F(RemoteEventsTest, ConcurrentEventsForkTheRoomAndTheNextEventMergesIt) {
  PduPtr theirs = send(joiner_, bob_, "from joiner");  // joiner has not seen alice's
  SendResult ours = run(resident_.rooms().send_event(
      room_id_, {alice_, "m.room.message", std::nullopt, {{"body", "from resident"}}, {}}, {}));
  EXPECT_EQ(run(resident_.rooms().accept_remote_event(theirs)).kind, Kind::kAccepted);
  std::vector<std::string> both{theirs->event_id(), ours.event_id};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(extremities(resident_), both);

  SendResult merge = run(resident_.rooms().send_event(
      room_id_, {alice_, "m.room.message", std::nullopt, {{"body", "merge"}}, {}}, {}));
  PduPtr merged = stored_pdu(resident_, merge.event_id);
  std::vector<std::string> prevs = merged->prev_events();
  std::sort(prevs.begin(), prevs.end());
  EXPECT_EQ(prevs, both);
  EXPECT_EQ(extremities(resident_), std::vector<std::string>{merge.event_id});
}

TEST_F(RemoteEventsTest, AResolvedForkKeepsItsStateAcrossARestart) {
  // Concurrently, bob renames himself on joiner and alice sets the topic on resident: the
  // resident's current state becomes the resolution of both, which no stored group holds.
  SendResult renamed = run(joiner_.rooms().send_event(
      room_id_,
      {bob_, "m.room.member", bob_, {{"membership", "join"}, {"displayname", "Bob B"}}, {}}, {}));
  PduPtr theirs = stored_pdu(joiner_, renamed.event_id);
  SendResult topic = run(resident_.rooms().send_event(
      room_id_, {alice_, "m.room.topic", std::string(), {{"topic", "forked"}}, {}}, {}));
  ASSERT_EQ(run(resident_.rooms().accept_remote_event(theirs)).kind, Kind::kAccepted);
  const storage::StateEntries resolved = resident_.store().events.current_state(room_id_);
  ASSERT_EQ(resolved.at({"m.room.topic", ""}), topic.event_id);
  ASSERT_EQ(resolved.at({"m.room.member", bob_}), renamed.event_id);

  // After a restart, the next local event's state is still the resolved one (not the state
  // after bob's event, the latest in the timeline).
  resident_.restart_services();
  resident_.membership().set_transport(&resident_transport_);
  SendResult next = run(resident_.rooms().send_event(
      room_id_, {alice_, "m.room.message", std::nullopt, {{"body", "after restart"}}, {}}, {}));
  auto stored = resident_.store().events.event(next.event_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(resident_.store().events.state_group_entries(stored->state_group), resolved);
}

TEST_F(RemoteEventsTest, AnEventTheCurrentStateNoLongerAllowsSoftFails) {
  // The resident bans bob; joiner has not heard of it and bob keeps talking.
  run(resident_.rooms().set_membership(room_id_, alice_, bob_, "ban", std::string("bye")));
  PduPtr late = send(joiner_, bob_, "am I still here?");
  RemoteEventOutcome outcome = run(resident_.rooms().accept_remote_event(late));
  EXPECT_EQ(outcome.kind, Kind::kSoftFailed) << outcome.reason;
  EXPECT_FALSE(contains(timeline(resident_), late->event_id()));
  auto stored = resident_.store().events.event(late->event_id());
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->rejection && stored->rejection->starts_with("soft-failed"));
  EXPECT_NE(stored->state_group, 0);  // later events may still name it as a prev event
  EXPECT_EQ(run(resident_.rooms().room(room_id_))->membership_of(bob_), "ban");
}

TEST_F(RemoteEventsTest, EventsOfARoomNotHeldHereAreRefused) {
  PduPtr message = send(joiner_, bob_, "hello");
  FederationTestServer stranger("stranger.test", keys_);
  EXPECT_EQ(run(stranger.rooms().accept_remote_event(message)).kind, Kind::kUnknownRoom);
}

}  // namespace
}  // namespace myelin::services
