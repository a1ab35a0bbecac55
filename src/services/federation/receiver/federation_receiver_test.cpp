// Inbound transactions between two real homeservers in one process: b.test's events sent to
// a.test's FederationReceiver, gaps filled from b.test through the loopback transport.
#include "services/federation/receiver/federation_receiver.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/events/event_id.hpp"
#include "protocol/events/event_signing.hpp"
#include "services/federation/two_homeserver_test.hpp"
#include "services/rooms/event_builder.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;
using testing::FederationTestServer;
using testing::LoopbackTransport;

class FederationReceiverTest : public testing::TwoHomeserverTest {
 protected:
  FederationReceiverTest() : TwoHomeserverTest("a.test", "b.test") {
    receiver_.set_transport(&a_transport_);
    receiver_.set_server_keys(&keys_);
    receiver_.set_edu_handler([this](std::string origin, bj::object edu) {
      edus_.emplace_back(std::move(origin), std::move(edu));
    });
  }

  // alice@a.test's public room, which bob@b.test joins through a.test: both servers hold it.
  void SetUp() override {
    alice_ = a_.register_user("alice");
    bob_ = b_.register_user("bob");
    room_id_ = create_room(a_, alice_, "10", "public_chat");
    run(b_.membership().ours.join(room_id_, bob_, {"a.test"}, std::nullopt));
    ASSERT_EQ(room(a_)->membership_of(bob_), "join");
    ASSERT_EQ(room(b_)->membership_of(bob_), "join");
    a_transport_.requests.clear();
  }

  RoomStatePtr room(FederationTestServer& server) { return run(server.rooms().room(room_id_)); }

  // A message bob sends on b.test (which a.test has not heard of): its PDU as b.test holds it.
  bj::object message_on_b(const std::string& body, const std::string& sender = "") {
    EventDraft draft{sender.empty() ? bob_ : sender, "m.room.message", std::nullopt,
                     bj::object{{"msgtype", "m.text"}, {"body", body}}, std::nullopt};
    SendResult sent = run(b_.rooms().send_event(room_id_, std::move(draft), {}));
    return pdu_of(b_, sent.event_id);
  }

  static bj::object pdu_of(FederationTestServer& server, const std::string& event_id) {
    auto record = server.store().events.event(event_id);
    EXPECT_TRUE(record) << event_id;
    return record ? bj::parse(record->pdu_json).as_object() : bj::object();
  }

  static std::string id_of(const bj::object& pdu) {
    return *events::compute_event_id(pdu, *find_room_version("10"));
  }

  bj::object transaction(std::vector<bj::object> pdus, bj::array edus = {}) {
    bj::array list;
    for (bj::object& pdu : pdus) list.emplace_back(std::move(pdu));
    return {{"origin", "b.test"},
            {"origin_server_ts", b_.ctx().now_ms()},
            {"pdus", std::move(list)},
            {"edus", std::move(edus)}};
  }

  bj::object send(const std::string& txn_id, bj::object body) {
    return run(receiver_.handle_transaction("b.test", txn_id, std::move(body)));
  }

  std::string error_of(const std::string& txn_id, bj::object body) {
    try {
      send(txn_id, std::move(body));
    } catch (const MatrixError& e) {
      return std::string(errcode_name(e.code()));
    }
    return "";
  }

  // Whether a.test holds the event in the room's timeline (not an outlier, not rejected).
  bool in_timeline_on_a(const std::string& event_id) {
    auto record = a_.store().events.event(event_id);
    return record && !record->outlier && !record->rejection && record->stream_ordering > 0;
  }

  bool fetched(const std::string& what) const {
    for (const std::string& request : a_transport_.requests) {
      if (request.find(what) != std::string::npos) return true;
    }
    return false;
  }

  // a.test receives; b.test sends.
  FederationTestServer& a_ = resident_;
  FederationTestServer& b_ = joiner_;
  LoopbackTransport& a_transport_ = resident_transport_;
  FederationReceiver receiver_{a_.ctx(), a_.rooms()};
  std::vector<std::pair<std::string, bj::object>> edus_;
  std::string alice_;
  std::string bob_;
  std::string room_id_;
};

TEST_F(FederationReceiverTest, AcceptsAMessageFromTheOtherServersMember) {
  bj::object message = message_on_b("hello from b");
  const std::string event_id = id_of(message);
  bj::object answer = send("t1", transaction({message}));
  EXPECT_EQ(answer, (bj::object{{"pdus", {{event_id, bj::object{}}}}}));
  EXPECT_TRUE(in_timeline_on_a(event_id));
  RoomStatePtr after = room(a_);
  ASSERT_EQ(after->extremities.size(), 1u);
  EXPECT_EQ(after->extremities[0].event_id, event_id);
  EXPECT_TRUE(a_transport_.requests.empty());  // nothing was missing
}

TEST_F(FederationReceiverTest, ABadSignatureIsAnErrorAndChangesNothing) {
  bj::object message = message_on_b("forged");
  message["origin_server_ts"] = message["origin_server_ts"].as_int64() + 1;  // signed field
  const std::string event_id = id_of(message);
  RoomStatePtr before = room(a_);
  bj::object answer = send("t1", transaction({message}));
  const bj::object& result = answer.at("pdus").at(event_id).as_object();
  ASSERT_TRUE(result.contains("error"));
  EXPECT_NE(std::string(result.at("error").as_string()).find("signature"), std::string::npos);
  EXPECT_FALSE(a_.store().events.event(event_id));
  EXPECT_EQ(room(a_)->extremities[0].event_id, before->extremities[0].event_id);
}

TEST_F(FederationReceiverTest, ABadContentHashIsKeptRedacted) {
  // Spec "Checks performed on receipt of a PDU": a content hash mismatch is not a rejection —
  // the event is redacted and processed further, so what the sender changed is never seen.
  bj::object message = message_on_b("original");
  message["content"].as_object()["body"] = "tampered";  // outside the signature, inside the hash
  const std::string event_id = id_of(message);
  bj::object answer = send("t1", transaction({message}));
  EXPECT_EQ(answer.at("pdus").at(event_id), bj::object{});
  auto stored = a_.store().events.event(event_id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(bj::parse(stored->pdu_json).at("content"), bj::object{});
}

TEST_F(FederationReceiverTest, AnEventFailingTheAuthRulesIsAnErrorAndChangesNothing) {
  // mallory@b.test is not in the room: b.test signs her message, a.test's auth rules refuse it.
  RoomStatePtr on_b = room(b_);
  EventDraft draft{"@mallory:b.test", "m.room.message", std::nullopt,
                   bj::object{{"msgtype", "m.text"}, {"body", "let me in"}}, std::nullopt};
  auto built = build_event(*on_b, draft, "b.test", b_.ctx().signing_key, b_.ctx().now_ms());
  ASSERT_TRUE(built) << built.error();
  const std::string event_id = built->pdu.event_id();
  RoomStatePtr before = room(a_);
  bj::object answer = send("t1", transaction({built->pdu.json()}));
  const bj::object& result = answer.at("pdus").at(event_id).as_object();
  ASSERT_TRUE(result.contains("error")) << bj::serialize(answer);
  EXPECT_FALSE(in_timeline_on_a(event_id));
  RoomStatePtr after = room(a_);
  EXPECT_EQ(after->extremities[0].event_id, before->extremities[0].event_id);
  EXPECT_EQ(after->state_group, before->state_group);
}

TEST_F(FederationReceiverTest, AMissingPrevEventIsFetchedWithGetMissingEvents) {
  bj::object first = message_on_b("first");
  bj::object second = message_on_b("second");  // its prev_event is `first`, which a.test lacks
  bj::object answer = send("t1", transaction({second}));
  EXPECT_EQ(answer, (bj::object{{"pdus", {{id_of(second), bj::object{}}}}}));
  EXPECT_TRUE(fetched("b.test POST /_matrix/federation/v1/get_missing_events/"));
  EXPECT_TRUE(in_timeline_on_a(id_of(first)));
  EXPECT_TRUE(in_timeline_on_a(id_of(second)));
  EXPECT_EQ(room(a_)->extremities[0].event_id, id_of(second));
}

TEST_F(FederationReceiverTest, AGapLargerThanGetMissingEventsFillsIsBridgedByTheStateAtIt) {
  // a.test misses more of b.test's history than one /get_missing_events returns, including a
  // state change (bob's new display name) inside the gap.
  std::vector<std::string> gap;
  for (int i = 0; i < FederationReceiver::kMissingEventsLimit + 5; ++i) {
    gap.push_back(id_of(message_on_b("missed " + std::to_string(i))));
  }
  SendResult renamed = run(b_.rooms().send_event(
      room_id_,
      EventDraft{bob_, "m.room.member", bob_,
                 bj::object{{"membership", "join"}, {"displayname", "Bob after the gap"}},
                 std::nullopt},
      {}));
  bj::object before_last = message_on_b("just before");
  bj::object last = message_on_b("after the gap");
  bj::object answer = send("t1", transaction({last}));
  EXPECT_EQ(answer, (bj::object{{"pdus", {{id_of(last), bj::object{}}}}})) << bj::serialize(answer);
  EXPECT_TRUE(fetched("b.test POST /_matrix/federation/v1/get_missing_events/"));
  EXPECT_TRUE(fetched("b.test GET /_matrix/federation/v1/state/"));
  EXPECT_TRUE(in_timeline_on_a(id_of(last)));
  // The event before it is held with its state (not in the timeline); the oldest of the gap is
  // still missing.
  auto held = a_.store().events.event(id_of(before_last));
  ASSERT_TRUE(held.has_value());
  EXPECT_NE(held->state_group, 0);
  EXPECT_FALSE(a_.store().events.event(gap.front()));
  // The state change inside the gap reached a.test's current state.
  const events::Pdu* bob = room(a_)->find("m.room.member", bob_);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(bob->event_id(), renamed.event_id);
}

TEST_F(FederationReceiverTest, AnEventFromAnUnreachableGapIsAnErrorAndNotStored) {
  bj::object first = message_on_b("first");
  bj::object second = message_on_b("second");
  servers_.erase("b.test");  // b.test cannot be asked for `first`
  bj::object answer = send("t1", transaction({second}));
  const bj::object& result = answer.at("pdus").at(id_of(second)).as_object();
  ASSERT_TRUE(result.contains("error"));
  EXPECT_NE(std::string(result.at("error").as_string()).find("prev"), std::string::npos);
  EXPECT_FALSE(a_.store().events.event(id_of(second)));
  EXPECT_FALSE(a_.store().events.event(id_of(first)));
}

TEST_F(FederationReceiverTest, AMessageOfAMemberWhoseJoinALacksIsAcceptedAfterFetching) {
  const std::string carol = b_.register_user("carol");
  run(b_.membership().ours.join(room_id_, carol, {"a.test"}, std::nullopt));  // local on b.test
  a_transport_.requests.clear();
  bj::object message = message_on_b("hi, I am new", carol);
  bj::object answer = send("t1", transaction({message}));
  EXPECT_EQ(answer, (bj::object{{"pdus", {{id_of(message), bj::object{}}}}}))
      << bj::serialize(answer);
  EXPECT_TRUE(in_timeline_on_a(id_of(message)));
  EXPECT_EQ(room(a_)->membership_of(carol), "join");
  EXPECT_TRUE(fetched("b.test POST /_matrix/federation/v1/get_missing_events/"));
}

TEST_F(FederationReceiverTest, MissingAuthEventsAreFetchedWithEventAuth) {
  // bob changes his display name on b.test (a.test never hears of it), then sends a message
  // whose prev_event a.test holds but whose auth events name that change.
  SendResult renamed = run(b_.rooms().send_event(
      room_id_,
      EventDraft{bob_, "m.room.member", bob_,
                 bj::object{{"membership", "join"}, {"displayname", "Bob"}}, std::nullopt},
      {}));
  RoomState fork = *room(b_);
  fork.extremities = room(a_)->extremities;
  EventDraft draft{bob_, "m.room.message", std::nullopt,
                   bj::object{{"msgtype", "m.text"}, {"body", "on a fork"}}, std::nullopt};
  auto built = build_event(fork, draft, "b.test", b_.ctx().signing_key, b_.ctx().now_ms());
  ASSERT_TRUE(built) << built.error();
  auto message = std::make_shared<const events::Pdu>(built->pdu);
  ASSERT_EQ(run(b_.rooms().accept_remote_event(message)).kind,
            RemoteEventOutcome::Kind::kAccepted);  // b.test holds it, to serve its auth chain

  bj::object answer = send("t1", transaction({built->pdu.json()}));
  EXPECT_EQ(answer, (bj::object{{"pdus", {{message->event_id(), bj::object{}}}}}))
      << bj::serialize(answer);
  EXPECT_TRUE(fetched("b.test GET /_matrix/federation/v1/event_auth/"));
  EXPECT_FALSE(fetched("get_missing_events"));  // its prev_event was known
  EXPECT_TRUE(in_timeline_on_a(message->event_id()));
  auto rename = a_.store().events.event(renamed.event_id);
  ASSERT_TRUE(rename);
  EXPECT_TRUE(rename->outlier);
}

TEST_F(FederationReceiverTest, ARepeatedTransactionIDGetsTheSameAnswerWithoutProcessing) {
  bj::object first = message_on_b("once");
  bj::object answer = send("t1", transaction({first}));
  bj::object other = message_on_b("not processed");
  bj::object again = send("t1", transaction({other}));
  EXPECT_EQ(again, answer);
  EXPECT_FALSE(a_.store().events.event(id_of(other)));
  // Another transaction ID, or the same from another server, is a new transaction.
  bj::object next = send("t2", transaction({other}));
  EXPECT_EQ(next, (bj::object{{"pdus", {{id_of(other), bj::object{}}}}}));
}

TEST_F(FederationReceiverTest, RefusesMoreThan50PdusOr100EdusAndMalformedBodies) {
  bj::object message = message_on_b("one of many");
  std::vector<bj::object> many(51, message);
  EXPECT_EQ(error_of("t1", transaction(many)), "M_BAD_JSON");
  bj::array edus(101, bj::object{{"edu_type", "m.typing"}, {"content", bj::object{}}});
  EXPECT_EQ(error_of("t2", transaction({message}, edus)), "M_BAD_JSON");
  EXPECT_EQ(error_of("t3", bj::object{{"origin", "b.test"}}), "M_BAD_JSON");
  EXPECT_EQ(error_of("t4", bj::object{{"pdus", "nope"}}), "M_BAD_JSON");
  EXPECT_EQ(error_of("t5", bj::object{{"pdus", bj::array{}}, {"edus", 3}}), "M_BAD_JSON");
  EXPECT_EQ(error_of("t6", bj::object{{"pdus", bj::array{}}, {"origin_server_ts", "x"}}),
            "M_BAD_JSON");
  EXPECT_FALSE(a_.store().events.event(id_of(message)));
  EXPECT_TRUE(edus_.empty());
  // Exactly 50 is fine (the same event 50 times: accepted once, then known).
  std::vector<bj::object> fifty(50, message);
  EXPECT_EQ(send("t7", transaction(fifty)).at("pdus").as_object().size(), 1u);
  EXPECT_TRUE(in_timeline_on_a(id_of(message)));
}

TEST_F(FederationReceiverTest, UnnameablePdusAreLeftOutAndEdusHandedOn) {
  bj::object unknown_room = message_on_b("elsewhere");
  unknown_room["room_id"] = "!nowhere:b.test";
  bj::array edus{bj::object{{"edu_type", "m.typing"}, {"content", bj::object{}}}, 42};
  bj::object body = transaction({unknown_room}, edus);
  body["pdus"].as_array().emplace_back("not a PDU");
  body["pdus"].as_array().emplace_back(bj::object{{"type", "m.room.message"}});  // no room_id
  EXPECT_EQ(send("t1", std::move(body)), (bj::object{{"pdus", bj::object{}}}));
  ASSERT_EQ(edus_.size(), 1u);  // the object; 42 is no EDU
  EXPECT_EQ(edus_[0].first, "b.test");
  EXPECT_EQ(edus_[0].second.at("edu_type"), "m.typing");
}

TEST_F(FederationReceiverTest, PdusOfSeveralRoomsInOneTransaction) {
  const std::string second_room = create_room(a_, alice_, "10", "public_chat");
  run(b_.membership().ours.join(second_room, bob_, {"a.test"}, std::nullopt));
  bj::object in_first = message_on_b("room one");
  EventDraft draft{bob_, "m.room.message", std::nullopt,
                   bj::object{{"msgtype", "m.text"}, {"body", "room two"}}, std::nullopt};
  SendResult sent = run(b_.rooms().send_event(second_room, std::move(draft), {}));
  bj::object in_second = pdu_of(b_, sent.event_id);
  bj::object answer = send("t1", transaction({in_first, in_second}));
  EXPECT_EQ(answer.at("pdus").as_object().size(), 2u);
  EXPECT_EQ(answer.at("pdus").at(id_of(in_first)), bj::object{});
  EXPECT_EQ(answer.at("pdus").at(sent.event_id), bj::object{});
  EXPECT_TRUE(in_timeline_on_a(id_of(in_first)));
  EXPECT_TRUE(in_timeline_on_a(sent.event_id));
}

}  // namespace
}  // namespace myelin::services
