#include "services/federation/sender/federation_sender.hpp"

#include <gtest/gtest.h>

#include "services/federation/sender/sender_test_support.hpp"

namespace myelin::services::testing {
namespace {

std::vector<std::string> labels(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(std::to_string(i));
  return out;
}

// Every PDU label delivered to the destination, transaction after transaction.
std::vector<std::string> delivered_labels(const FakeTransport& transport,
                                          const std::string& destination) {
  std::vector<std::string> out;
  for (const auto& t : transport.delivered(destination)) {
    for (auto& label : t.pdu_event_ids()) out.push_back(label);
  }
  return out;
}

TEST_F(SenderTest, BatchesAtMostFiftyPdusPerTransactionInOrder) {
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  for (int i = 0; i < 120; ++i) say(room, std::to_string(i));
  EXPECT_EQ(outbox("remote.test").size(), 121u);  // the join, then the messages
  EXPECT_TRUE(transport_.attempts().empty());     // no transport yet: only persisted

  start_sending();
  drive_until([&] { return outbox("remote.test").empty(); });
  const auto sent = transport_.delivered("remote.test");
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].pdus(), 50u);
  EXPECT_EQ(sent[1].pdus(), 50u);
  EXPECT_EQ(sent[2].pdus(), 21u);
  std::vector<std::string> expected{"m.room.member"};
  for (auto& l : labels(0, 120)) expected.push_back(l);
  EXPECT_EQ(delivered_labels(transport_, "remote.test"), expected);
  for (const auto& t : sent) {
    EXPECT_EQ(t.body.at("origin"), "test.local");
    EXPECT_TRUE(t.body.at("origin_server_ts").is_int64());
    EXPECT_TRUE(t.body.at("edus").as_array().empty());
    EXPECT_EQ(t.path.rfind("/_matrix/federation/v1/send/", 0), 0u);
  }
  EXPECT_NE(sent[0].path, sent[1].path);  // each transaction has its own ID
  auto dest = destination("remote.test");
  ASSERT_TRUE(dest);
  EXPECT_EQ(dest->retry_interval, 0);
  ASSERT_TRUE(dest->last_successful_stream_ordering);
  EXPECT_GT(*dest->last_successful_stream_ordering, 0);
  auto rooms = store_->federation_sender.destination_rooms("remote.test", true, 0, 10);
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].room_id, room);
}

TEST_F(SenderTest, PdusGoToEveryOtherJoinedServerOnly) {
  start_sending();
  const std::string room = public_room();
  EXPECT_TRUE(store_->federation_sender.destinations_with_pending().empty());
  join(room, "@bob:remote.test");
  join(room, "@carol:other.test");
  join(room, "@dave:gone.test");
  leave(room, "@dave:gone.test");
  say(room, "after");
  drive_until([&] {
    return store_->federation_sender.destinations_with_pending().empty() &&
           transport_.delivered("gone.test").size() >= 1;
  });
  // remote.test saw every event from its own join on; other.test from its join.
  EXPECT_EQ(delivered_labels(transport_, "remote.test"),
            (std::vector<std::string>{"m.room.member", "m.room.member", "m.room.member",
                                      "m.room.member", "after"}));
  EXPECT_EQ(delivered_labels(transport_, "other.test"),
            (std::vector<std::string>{"m.room.member", "m.room.member", "m.room.member", "after"}));
  // gone.test: its user's join and leave, nothing after.
  EXPECT_EQ(delivered_labels(transport_, "gone.test"),
            (std::vector<std::string>{"m.room.member", "m.room.member"}));
  EXPECT_TRUE(transport_.delivered("test.local").empty());  // never ourselves
}

TEST_F(SenderTest, ANewSenderSendsWhatTheOldOneQueued) {
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  for (int i = 0; i < 3; ++i) say(room, std::to_string(i));
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {{"a", 1}}}}));
  // The old sender never had a transport; a new one over the same store starts.
  make_sender(RetryBackoff{.min_interval_ms = 20, .max_interval_ms = 1000, .jitter = 0});
  start_sending();
  drive_until([&] { return outbox("remote.test").empty(); });
  EXPECT_EQ(delivered_labels(transport_, "remote.test"),
            (std::vector<std::string>{"m.room.member", "0", "1", "2"}));
  EXPECT_EQ(transport_.edus("remote.test", "m.custom").size(), 1u);
}

TEST_F(SenderTest, UnreachableServerBacksOffLongerEachTime) {
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  std::vector<std::int64_t> intervals_seen;  // the stored back-off at each attempt
  transport_.on_attempt = [&](const std::string& d) {
    intervals_seen.push_back(store_->federation_sender.destination(d)->retry_interval);
  };
  transport_.answer = [&](const std::string&) {
    const std::size_t before = transport_.attempts().size();
    return before < 2 ? -1 : before == 2 ? 500 : 0;
  };
  start_sending();
  drive_until([&] { return outbox("remote.test").empty(); });
  // unreachable, unreachable, 500, then delivered: 0, 20, 40, 80 ms of back-off before each.
  EXPECT_EQ(intervals_seen, (std::vector<std::int64_t>{0, 20, 40, 80}));
  auto dest = destination("remote.test");
  EXPECT_EQ(dest->retry_interval, 0);
  EXPECT_EQ(dest->retry_last_ts, 0);
  EXPECT_FALSE(dest->failure_ts);
}

TEST_F(SenderTest, ServerSeenAgainIsFlushedAtOnce) {
  make_sender(RetryBackoff{.min_interval_ms = 3'600'000, .max_interval_ms = 86'400'000});
  bool down = true;
  transport_.answer = [&](const std::string&) { return down ? -1 : 0; };
  start_sending();
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  drive_until([&] { return destination("remote.test")->retry_interval > 0; });
  auto failing = destination("remote.test");
  EXPECT_GE(failing->retry_interval, 3'600'000 * 8 / 10);
  EXPECT_EQ(failing->failure_ts, failing->retry_last_ts);
  // More work while backing off waits for the interval.
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {}}}));
  drain();
  EXPECT_EQ(transport_.attempts().size(), 1u);

  down = false;
  sender_->on_server_seen("remote.test");
  drive_until([&] { return outbox("remote.test").empty(); });
  ASSERT_EQ(transport_.attempts().size(), 2u);
  const auto sent = transport_.delivered("remote.test");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].pdus(), 1u);
  EXPECT_EQ(sent[0].edus(), 1u);
  EXPECT_EQ(destination("remote.test")->retry_interval, 0);
  sender_->on_server_seen("unknown.test");  // harmless
}

TEST_F(SenderTest, ResetConnectionClearsBackOffAndSends) {
  make_sender(RetryBackoff{.min_interval_ms = 3'600'000, .max_interval_ms = 86'400'000});
  bool down = true;
  transport_.answer = [&](const std::string&) { return down ? -1 : 0; };
  start_sending();
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {}}}));
  drive_until([&] { return destination("remote.test")->retry_interval > 0; });
  down = false;
  EXPECT_TRUE(await(sender_->reset_connection("remote.test")));
  EXPECT_EQ(destination("remote.test")->retry_interval, 0);
  drive_until([&] { return outbox("remote.test").empty(); });
  EXPECT_EQ(transport_.delivered("remote.test").size(), 1u);
  EXPECT_FALSE(await(sender_->reset_connection("unknown.test")));
}

TEST_F(SenderTest, BackOffPersistsAcrossARestart) {
  make_sender(RetryBackoff{.min_interval_ms = 3'600'000, .max_interval_ms = 86'400'000});
  transport_.answer = [&](const std::string&) { return -1; };
  start_sending();
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {}}}));
  drive_until([&] { return destination("remote.test")->retry_interval > 0; });
  make_sender(RetryBackoff{.min_interval_ms = 3'600'000, .max_interval_ms = 86'400'000});
  start_sending();
  drain(std::chrono::milliseconds(50));
  EXPECT_EQ(transport_.attempts().size(), 1u);  // the stored back-off still holds
  EXPECT_EQ(outbox("remote.test").size(), 1u);
}

TEST_F(SenderTest, ClientErrorDropsTheTransactionButNotTheQueue) {
  int status = 403;
  transport_.answer = [&](const std::string&) { return status; };
  for (int i = 0; i < 3; ++i) {
    await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {{"i", i}}}}));
  }
  start_sending();
  drive_until([&] { return outbox("remote.test").empty(); });
  ASSERT_EQ(transport_.attempts().size(), 1u);
  EXPECT_EQ(transport_.attempts()[0].edus(), 3u);
  EXPECT_EQ(destination("remote.test")->retry_interval, 0);  // it answered: no back-off

  status = 0;
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {{"i", 9}}}}));
  drive_until([&] { return transport_.delivered("remote.test").size() == 1; });
  EXPECT_EQ(transport_.delivered("remote.test")[0].edus(), 1u);
}

TEST_F(SenderTest, TooManyRequestsIsRetriedNotDropped) {
  int calls = 0;
  transport_.answer = [&](const std::string&) { return ++calls == 1 ? 429 : 0; };
  start_sending();
  await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {}}}));
  drive_until([&] { return outbox("remote.test").empty(); });
  EXPECT_EQ(transport_.attempts().size(), 2u);
  EXPECT_EQ(transport_.delivered("remote.test").size(), 1u);
}

TEST_F(SenderTest, AtMostAHundredEdusPerTransaction) {
  for (int i = 0; i < 130; ++i) {
    await(sender_->send_edu("remote.test", {{"edu_type", "m.custom"}, {"content", {{"i", i}}}}));
  }
  start_sending();
  drive_until([&] { return outbox("remote.test").empty(); });
  const auto sent = transport_.delivered("remote.test");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].edus(), 100u);
  EXPECT_EQ(sent[1].edus(), 30u);
  EXPECT_EQ(sent[1].body.at("edus").as_array()[29].at("content").at("i"), 129);
}

TEST_F(SenderTest, OneTransactionInFlightPerDestination) {
  start_sending();
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  join(room, "@carol:other.test");
  int in_flight = 0;
  int most = 0;
  transport_.on_attempt = [&](const std::string& d) {
    if (d == "remote.test") most = std::max(most, ++in_flight);
  };
  transport_.answer = [&](const std::string& d) {
    if (d == "remote.test") --in_flight;
    return 0;
  };
  for (int i = 0; i < 20; ++i) say(room, std::to_string(i));
  drive_until([&] { return store_->federation_sender.destinations_with_pending().empty(); });
  EXPECT_EQ(most, 1);
  auto remote = delivered_labels(transport_, "remote.test");
  auto numbers = std::vector<std::string>(remote.end() - 20, remote.end());
  EXPECT_EQ(numbers, labels(0, 20));
}

TEST_F(SenderTest, LocalTypingReceiptsAndPresenceGoToTheRoomsServers) {
  start_sending();
  const std::string room = public_room();
  join(room, "@bob:remote.test");
  join(room, "@carol:other.test");
  const std::string lonely = public_room();  // shares nothing with anyone remote

  const std::int64_t now = ctx_.now_ms();
  typing_.set_typing(room, kAlice, true, now + 30'000, now);
  typing_.set_typing(room, "@bob:remote.test", true, now + 30'000, now);  // not ours: not sent
  typing_.set_typing(lonely, kAlice, true, now + 30'000, now);
  typing_.set_typing(room, kAlice, false, 0, now);
  sender_->send_receipt(room, kAlice, "$event", "", 1234);
  await(presence_.set_status(kAlice, "online", std::string("busy")));
  // Typing changes reach the sender from their own coroutines: wait for every EDU at both
  // servers, not just for the queues to be empty at one moment.
  drive_until([&] {
    for (const char* server : {"remote.test", "other.test"}) {
      if (transport_.edus(server, "m.typing").size() < 2 ||
          transport_.edus(server, "m.receipt").empty() ||
          transport_.edus(server, "m.presence").empty()) {
        return false;
      }
    }
    return store_->federation_sender.destinations_with_pending().empty();
  });
  for (const char* server : {"remote.test", "other.test"}) {
    auto typing = transport_.edus(server, "m.typing");
    ASSERT_EQ(typing.size(), 2u) << server;
    EXPECT_EQ(typing[0].at("content"),
              (boost::json::object{{"room_id", room}, {"user_id", kAlice}, {"typing", true}}));
    EXPECT_EQ(typing[1].at("content").at("typing"), false);
    auto receipts = transport_.edus(server, "m.receipt");
    ASSERT_EQ(receipts.size(), 1u);
    EXPECT_EQ(receipts[0].at("content").at(room).at("m.read").at(kAlice).at("event_ids"),
              (boost::json::array{"$event"}));
    EXPECT_EQ(receipts[0].at("content").at(room).at("m.read").at(kAlice).at("data").at("ts"), 1234);
    auto presence = transport_.edus(server, "m.presence");
    ASSERT_EQ(presence.size(), 1u);
    const auto& push = presence[0].at("content").at("push").as_array();
    ASSERT_EQ(push.size(), 1u);
    EXPECT_EQ(push[0].at("user_id"), kAlice);
    EXPECT_EQ(push[0].at("presence"), "online");
    EXPECT_EQ(push[0].at("status_msg"), "busy");
    EXPECT_EQ(push[0].at("currently_active"), true);
  }
  // A remote user's typing and a receipt for a room without other servers go nowhere.
  sender_->send_receipt(lonely, kAlice, "$x", "", 1);
  drain();
  EXPECT_EQ(transport_.edus("remote.test", "m.receipt").size(), 1u);
}

}  // namespace
}  // namespace myelin::services::testing
