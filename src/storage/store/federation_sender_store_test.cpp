#include "storage/store/federation_sender_store.hpp"

#include <gtest/gtest.h>

#include "storage/store/test_store.hpp"

namespace myelin::storage {
namespace {

class FederationSenderStoreTest : public StoreTest {
 protected:
  FederationSenderStore& sender() { return store().federation_sender; }
};

std::vector<std::int64_t> ids_of(const std::vector<OutboxItem>& items) {
  std::vector<std::int64_t> ids;
  for (const OutboxItem& item : items) ids.push_back(item.id);
  return ids;
}

TEST_F(FederationSenderStoreTest, QueuesInOrderPerDestinationWithLimits) {
  for (int i = 0; i < 5; ++i) {
    sender().enqueue_pdu({"a.test", "b.test"}, "!r:x", "$e" + std::to_string(i),
                         "pdu" + std::to_string(i));
    sender().enqueue_edu({"a.test"}, "edu" + std::to_string(i));
  }
  std::vector<OutboxItem> a = sender().pending("a.test", 3, 2);
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a[0].json, "pdu0");
  EXPECT_EQ(a[1].json, "edu0");
  EXPECT_TRUE(a[1].is_edu);
  EXPECT_EQ(a[2].json, "pdu1");
  EXPECT_EQ(a[3].json, "edu1");
  EXPECT_EQ(a[4].json, "pdu2");
  for (std::size_t i = 1; i < a.size(); ++i) EXPECT_LT(a[i - 1].id, a[i].id);
  std::vector<OutboxItem> b = sender().pending("b.test", 50, 100);
  ASSERT_EQ(b.size(), 5u);
  EXPECT_FALSE(b[4].is_edu);
  EXPECT_EQ(sender().destinations_with_pending(), (std::vector<std::string>{"a.test", "b.test"}));

  sender().remove(ids_of(b));
  EXPECT_TRUE(sender().pending("b.test", 50, 100).empty());
  EXPECT_EQ(sender().destinations_with_pending(), (std::vector<std::string>{"a.test"}));
}

TEST_F(FederationSenderStoreTest, OutboxSurvivesReopen) {
  sender().enqueue_edu({"a.test"}, R"({"edu_type":"m.typing"})");
  reopen();
  std::vector<OutboxItem> a = sender().pending("a.test", 50, 100);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].json, R"({"edu_type":"m.typing"})");
}

TEST_F(FederationSenderStoreTest, PduRecordsRoomWithEventPosition) {
  NewEvent event;
  event.event = test_event("$known", "!r:x", "m.room.message", std::nullopt, "@u:x");
  const std::int64_t position = store().events.persist(event).position;
  sender().enqueue_pdu({"a.test"}, "!r:x", "$known", "{}");
  sender().enqueue_pdu({"a.test"}, "!s:x", "$unknown", "{}");
  EXPECT_EQ(sender().pending("a.test", 50, 100)[0].stream_ordering, position);
  std::vector<DestinationRoom> rooms = sender().destination_rooms("a.test", true, 0, 10);
  ASSERT_EQ(rooms.size(), 2u);
  EXPECT_EQ(rooms[0].room_id, "!r:x");
  EXPECT_EQ(rooms[0].stream_ordering, position);
  EXPECT_EQ(rooms[1].room_id, "!s:x");
  EXPECT_EQ(sender().destination_rooms("a.test", false, 0, 1)[0].room_id, "!s:x");
  EXPECT_EQ(sender().destination_rooms("a.test", true, 1, 10).size(), 1u);
  EXPECT_EQ(sender().count_destination_rooms("a.test"), 2);
  EXPECT_EQ(sender().count_destination_rooms("none.test"), 0);
}

TEST_F(FederationSenderStoreTest, FailuresBackOffAndSuccessClears) {
  sender().enqueue_edu({"a.test"}, "{}");
  auto fresh = sender().destination("a.test");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->retry_last_ts, 0);
  EXPECT_EQ(fresh->retry_interval, 0);
  EXPECT_FALSE(fresh->failure_ts);
  EXPECT_FALSE(fresh->last_successful_stream_ordering);

  sender().record_failure("a.test", 1000, 10);
  sender().record_failure("a.test", 2000, 20);
  auto failing = sender().destination("a.test");
  EXPECT_EQ(failing->retry_last_ts, 2000);
  EXPECT_EQ(failing->retry_interval, 20);
  EXPECT_EQ(failing->failure_ts, 1000);  // the start of the run of failures

  std::vector<OutboxItem> items = sender().pending("a.test", 50, 100);
  sender().transaction_sent("a.test", ids_of(items), 42);
  auto sent = sender().destination("a.test");
  EXPECT_EQ(sent->retry_last_ts, 0);
  EXPECT_EQ(sent->retry_interval, 0);
  EXPECT_FALSE(sent->failure_ts);
  EXPECT_EQ(sent->last_successful_stream_ordering, 42);
  EXPECT_TRUE(sender().pending("a.test", 50, 100).empty());
  sender().transaction_sent("a.test", {}, 7);  // never moves backwards
  EXPECT_EQ(sender().destination("a.test")->last_successful_stream_ordering, 42);

  sender().record_failure("a.test", 3000, 10);
  EXPECT_TRUE(sender().reset_retry("a.test"));
  EXPECT_EQ(sender().destination("a.test")->retry_interval, 0);
  EXPECT_FALSE(sender().reset_retry("unknown.test"));
  EXPECT_FALSE(sender().destination("unknown.test"));
}

TEST_F(FederationSenderStoreTest, ListsOrdersFiltersAndPages) {
  for (const char* name : {"c.test", "a.test", "b.example", "d_x.test"}) {
    sender().enqueue_edu({name}, "{}");
  }
  sender().record_failure("c.test", 500, 30);
  sender().record_failure("b.example", 900, 10);
  auto names = [](const std::vector<DestinationRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.destination);
    return out;
  };
  EXPECT_EQ(names(sender().list_destinations("", DestinationOrder::kDestination, true, 0, 10)),
            (std::vector<std::string>{"a.test", "b.example", "c.test", "d_x.test"}));
  EXPECT_EQ(names(sender().list_destinations("", DestinationOrder::kDestination, false, 1, 2)),
            (std::vector<std::string>{"c.test", "b.example"}));
  EXPECT_EQ(names(sender().list_destinations("", DestinationOrder::kRetryInterval, false, 0, 2)),
            (std::vector<std::string>{"c.test", "b.example"}));
  EXPECT_EQ(names(sender().list_destinations("", DestinationOrder::kRetryLastTs, false, 0, 1)),
            (std::vector<std::string>{"b.example"}));
  EXPECT_EQ(names(sender().list_destinations("TEST", DestinationOrder::kDestination, true, 0, 10)),
            (std::vector<std::string>{"a.test", "c.test", "d_x.test"}));
  // Wildcards in the filter are literal.
  EXPECT_EQ(names(sender().list_destinations("_", DestinationOrder::kDestination, true, 0, 10)),
            (std::vector<std::string>{"d_x.test"}));
  EXPECT_EQ(sender().count_destinations(""), 4);
  EXPECT_EQ(sender().count_destinations("example"), 1);
}

TEST_F(FederationSenderStoreTest, ServersFromJoinedMembers) {
  auto member = [&](const std::string& room, const std::string& user, const std::string& m,
                    int depth) {
    NewEvent event;
    event.event = test_event("$" + room + user + m, room, "m.room.member", user, user, depth);
    event.membership = m;
    store().events.persist(event);
  };
  member("!r:x", "@a:x", "join", 1);
  member("!r:x", "@b:remote.test", "join", 2);
  member("!r:x", "@c:other.test", "invite", 3);
  member("!s:x", "@d:third.test", "join", 4);
  member("!s:x", "@a:x", "join", 5);
  member("!t:x", "@e:fourth.test", "join", 6);
  EXPECT_EQ(sender().servers_in_room("!r:x"), (std::vector<std::string>{"remote.test", "x"}));
  EXPECT_EQ(sender().servers_sharing_room_with("@a:x"),
            (std::vector<std::string>{"remote.test", "third.test", "x"}));
  EXPECT_TRUE(sender().servers_sharing_room_with("@nobody:x").empty());
}

}  // namespace
}  // namespace myelin::storage
