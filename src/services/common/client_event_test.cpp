#include "services/common/client_event.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "protocol/json/parse.hpp"

namespace myelin::services {
namespace {

namespace bj = boost::json;

const RoomVersion& v10() { return *find_room_version("10"); }
const RoomVersion& v11() { return *find_room_version("11"); }

storage::EventRecord record_from(const bj::object& pdu, const std::string& event_id) {
  storage::EventRecord r;
  r.event_id = event_id;
  r.room_id = std::string(pdu.at("room_id").as_string());
  r.type = std::string(pdu.at("type").as_string());
  if (auto* key = pdu.if_contains("state_key")) r.state_key = std::string(key->as_string());
  r.sender = std::string(pdu.at("sender").as_string());
  r.origin_server_ts = pdu.at("origin_server_ts").as_int64();
  r.depth = pdu.at("depth").as_int64();
  r.pdu_json = bj::serialize(pdu);
  return r;
}

bj::object message_pdu() {
  return bj::object{
      {"room_id", "!r:test.local"},    {"sender", "@alice:test.local"},
      {"type", "m.room.message"},      {"content", {{"msgtype", "m.text"}, {"body", "hello"}}},
      {"origin_server_ts", 1000},      {"depth", 5},
      {"prev_events", bj::array{}},    {"auth_events", bj::array{}},
      {"hashes", {{"sha256", "abc"}}}, {"signatures", bj::object{}}};
}

TEST(ClientEventTest, RendersTheClientFormat) {
  storage::EventRecord r = record_from(message_pdu(), "$msg");
  ClientEventOptions options;
  options.now_ms = 1500;
  bj::object e = client_event(r, v10(), options);
  EXPECT_EQ(e.at("type"), "m.room.message");
  EXPECT_EQ(e.at("event_id"), "$msg");
  EXPECT_EQ(e.at("sender"), "@alice:test.local");
  EXPECT_EQ(e.at("room_id"), "!r:test.local");
  EXPECT_EQ(e.at("origin_server_ts"), 1000);
  EXPECT_EQ(e.at("content"), (bj::object{{"msgtype", "m.text"}, {"body", "hello"}}));
  EXPECT_FALSE(e.contains("state_key"));
  // Federation fields stay out of the client's view.
  for (const char* key : {"hashes", "signatures", "prev_events", "auth_events", "depth"}) {
    EXPECT_FALSE(e.contains(key)) << key;
  }
  EXPECT_EQ(e.at("unsigned"), (bj::object{{"age", 500}}));

  options.include_room_id = false;
  EXPECT_FALSE(client_event(r, v10(), options).contains("room_id"));
}

TEST(ClientEventTest, TransactionIdOnlyForTheSendingDevice) {
  storage::EventRecord r = record_from(message_pdu(), "$msg");
  r.device_id = "PHONE";
  r.txn_id = "txn-1";
  ClientEventOptions options;
  options.now_ms = 1000;
  options.viewer_user_id = "@alice:test.local";
  options.viewer_device_id = "PHONE";
  EXPECT_EQ(client_event(r, v10(), options).at("unsigned").at("transaction_id"), "txn-1");

  options.viewer_device_id = "LAPTOP";
  EXPECT_FALSE(
      client_event(r, v10(), options).at("unsigned").as_object().contains("transaction_id"));

  // Another user whose device happens to have the same ID.
  options.viewer_user_id = "@bob:test.local";
  options.viewer_device_id = "PHONE";
  EXPECT_FALSE(
      client_event(r, v10(), options).at("unsigned").as_object().contains("transaction_id"));
}

TEST(ClientEventTest, StateEventKeepsStoredUnsignedData) {
  bj::object pdu = message_pdu();
  pdu["type"] = "m.room.topic";
  pdu["state_key"] = "";
  pdu["content"] = bj::object{{"topic", "new"}};
  storage::EventRecord r = record_from(pdu, "$topic");
  r.unsigned_json =
      R"({"replaces_state":"$old","prev_content":{"topic":"old"},"prev_sender":"@bob:test.local"})";
  ClientEventOptions options;
  options.now_ms = 1010;
  bj::object e = client_event(r, v10(), options);
  EXPECT_EQ(e.at("state_key"), "");
  const bj::object& u = e.at("unsigned").as_object();
  EXPECT_EQ(u.at("replaces_state"), "$old");
  EXPECT_EQ(u.at("prev_content"), (bj::object{{"topic", "old"}}));
  EXPECT_EQ(u.at("prev_sender"), "@bob:test.local");
  EXPECT_EQ(u.at("age"), 10);
}

TEST(ClientEventTest, RedactedEventHasRedactedContentAndRedactedBecause) {
  bj::object member = message_pdu();
  member["type"] = "m.room.member";
  member["state_key"] = "@alice:test.local";
  member["content"] = bj::object{{"membership", "join"}, {"displayname", "Alice"}};
  storage::EventRecord r = record_from(member, "$member");
  r.unsigned_json = R"({"prev_content":{"membership":"invite"}})";

  bj::object redaction_pdu = message_pdu();
  redaction_pdu["type"] = "m.room.redaction";
  redaction_pdu["redacts"] = "$member";
  redaction_pdu["content"] = bj::object{{"reason", "spam"}};
  redaction_pdu["origin_server_ts"] = 2000;
  storage::EventRecord redaction = record_from(redaction_pdu, "$redaction");
  r.redacted_by = "$redaction";

  ClientEventOptions options;
  options.now_ms = 3000;
  options.redaction = &redaction;
  bj::object e = client_event(r, v10(), options);
  // m.room.member keeps only membership (spec rooms/v10 redaction algorithm).
  EXPECT_EQ(e.at("content"), (bj::object{{"membership", "join"}}));
  const bj::object& u = e.at("unsigned").as_object();
  EXPECT_FALSE(u.contains("prev_content"));
  EXPECT_EQ(u.at("age"), 2000);
  const bj::object& because = u.at("redacted_because").as_object();
  EXPECT_EQ(because.at("event_id"), "$redaction");
  EXPECT_EQ(because.at("type"), "m.room.redaction");
  EXPECT_EQ(because.at("redacts"), "$member");
  EXPECT_EQ(because.at("content"), (bj::object{{"reason", "spam"}}));
  EXPECT_EQ(because.at("unsigned").at("age"), 1000);

  // A message loses its whole content.
  storage::EventRecord message = record_from(message_pdu(), "$msg");
  EXPECT_EQ(client_event(message, v10(), options).at("content"), bj::object{});
}

TEST(ClientEventTest, V11RedactionsShowRedactsAtTopLevelToo) {
  bj::object redaction_pdu = message_pdu();
  redaction_pdu["type"] = "m.room.redaction";
  redaction_pdu["content"] = bj::object{{"redacts", "$target"}};
  storage::EventRecord r = record_from(redaction_pdu, "$redaction");
  ClientEventOptions options;
  bj::object e = client_event(r, v11(), options);
  EXPECT_EQ(e.at("redacts"), "$target");
  EXPECT_EQ(e.at("content").at("redacts"), "$target");
}

TEST(ClientEventTest, StrippedStateEventHasFourKeys) {
  bj::object pdu = message_pdu();
  pdu["type"] = "m.room.name";
  pdu["state_key"] = "";
  pdu["content"] = bj::object{{"name", "Room"}};
  EXPECT_EQ(stripped_state_event(pdu), (bj::object{{"type", "m.room.name"},
                                                   {"state_key", ""},
                                                   {"sender", "@alice:test.local"},
                                                   {"content", {{"name", "Room"}}}}));
}

}  // namespace
}  // namespace myelin::services
