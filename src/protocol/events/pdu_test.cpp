#include "protocol/events/pdu.hpp"

#include <gtest/gtest.h>

#include <string_view>

#include "protocol/events/event_id.hpp"
#include "protocol/events/pdu_format.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

bj::object parse(std::string_view text) { return json::parse_object(text).value(); }

const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

// A well-formed v1–v2 PDU (pdu_v1.yaml).
bj::object v1_event() {
  return parse(R"({"event_id": "$ev:a.org", "room_id": "!r:a.org", "sender": "@u:a.org",
    "type": "m.room.message", "content": {"body": "hi"}, "depth": 4,
    "origin_server_ts": 1500000000000, "hashes": {"sha256": "h"}, "signatures": {},
    "prev_events": [["$p1:a.org", {"sha256": "x"}], ["$p2:b.org", {}]],
    "auth_events": [["$a1:a.org", {"sha256": "y"}]], "unsigned": {"age": 1}})");
}

// A well-formed v3+ PDU (pdu_v3.yaml … pdu_v12.yaml).
bj::object v4_event() {
  return parse(R"({"room_id": "!r:a.org", "sender": "@u:a.org", "type": "m.room.member",
    "state_key": "@u:a.org", "content": {"membership": "join"}, "depth": 4,
    "origin_server_ts": 1500000000000, "hashes": {"sha256": "h"}, "signatures": {},
    "prev_events": ["$p1", "$p2"], "auth_events": ["$a1"]})");
}

bj::object v12_create() {
  return parse(R"({"sender": "@u:a.org", "type": "m.room.create", "state_key": "",
    "content": {"room_version": "12"}, "depth": 1, "origin_server_ts": 1500000000000,
    "hashes": {"sha256": "h"}, "signatures": {}, "prev_events": [], "auth_events": []})");
}

std::string parse_error(bj::object event, std::string_view id) {
  Expected<Pdu> pdu = Pdu::parse(std::move(event), version(id));
  return pdu ? std::string("accepted") : pdu.error();
}

TEST(PduParse, AcceptsAV1EventWithItsOwnId) {
  Expected<Pdu> pdu = Pdu::parse(v1_event(), version("1"));
  ASSERT_TRUE(pdu) << pdu.error();
  EXPECT_EQ(pdu->event_id(), "$ev:a.org");
  EXPECT_EQ(pdu->room_id(), "!r:a.org");
  EXPECT_EQ(pdu->sender(), "@u:a.org");
  EXPECT_EQ(pdu->prev_events(), (std::vector<std::string>{"$p1:a.org", "$p2:b.org"}));
  EXPECT_EQ(pdu->auth_events(), (std::vector<std::string>{"$a1:a.org"}));
  EXPECT_EQ(pdu->depth(), 4);
  EXPECT_EQ(pdu->origin_server_ts(), 1500000000000);
  EXPECT_FALSE(pdu->is_state());
}

TEST(PduParse, ComputesTheIdFromV3) {
  for (std::string_view id : {"3", "4", "9", "11", "12"}) {
    bj::object event = v4_event();
    // v12 room IDs are create event hashes, with no server name.
    if (id == "12") event["room_id"] = "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM";
    Expected<Pdu> pdu = Pdu::parse(event, version(id));
    ASSERT_TRUE(pdu) << id << ": " << pdu.error();
    EXPECT_EQ(pdu->event_id(), compute_event_id(event, version(id)).value()) << id;
    EXPECT_EQ(pdu->membership(), "join");
    EXPECT_EQ(pdu->state_key(), "@u:a.org");
    EXPECT_EQ(pdu->prev_events(), (std::vector<std::string>{"$p1", "$p2"}));
  }
}

TEST(PduParse, EventIdPresentOnlyInV1AndV2) {
  bj::object without = v1_event();
  without.erase("event_id");
  EXPECT_EQ(parse_error(without, "2"), "missing \"event_id\"");
  bj::object with = v4_event();
  with["event_id"] = "$x";
  EXPECT_EQ(parse_error(with, "4"), "\"event_id\" must not be present in this room version");
  bj::object no_server = v1_event();
  no_server["event_id"] = "$ev";
  EXPECT_NE(parse_error(no_server, "1"), "accepted");
}

TEST(PduParse, RoomIdMayBeAbsentOnlyFromV12CreateEvents) {
  Expected<Pdu> create = Pdu::parse(v12_create(), version("12"));
  ASSERT_TRUE(create) << create.error();
  EXPECT_EQ(create->room_id(), compute_room_id_from_create(v12_create(), version("12")));
  EXPECT_EQ(create->room_id().substr(1), create->event_id().substr(1));
  EXPECT_EQ(parse_error(v12_create(), "11"), "missing \"room_id\"");
  bj::object message = v4_event();
  message.erase("room_id");
  EXPECT_EQ(parse_error(message, "12"), "missing \"room_id\"");
  // v12 room IDs have no server part; earlier ones need one.
  message["room_id"] = "!FhTsM0J8cfh5Cv3bsFNHz6d7W05G3PJ1rTs4JAMlyGo";
  EXPECT_EQ(parse_error(message, "12"), "accepted");
  EXPECT_NE(parse_error(message, "11"), "accepted");
}

TEST(PduParse, RejectsMissingFields) {
  for (std::string_view key : {"type", "sender", "room_id", "content", "depth", "origin_server_ts",
                               "prev_events", "auth_events", "hashes", "signatures"}) {
    bj::object event = v4_event();
    event.erase(key);
    EXPECT_EQ(parse_error(event, "10"), "missing \"" + std::string(key) + "\"") << key;
  }
}

TEST(PduParse, RejectsWrongTypes) {
  struct Case {
    std::string_view key;
    std::string_view value;
  };
  for (Case c : std::initializer_list<Case>{{"type", "1"},
                                            {"sender", "null"},
                                            {"room_id", "{}"},
                                            {"state_key", "false"},
                                            {"content", "[]"},
                                            {"depth", "\"4\""},
                                            {"depth", "4.0"},
                                            {"depth", "-1"},
                                            {"depth", "18446744073709551615"},
                                            {"origin_server_ts", "\"1\""},
                                            {"origin_server_ts", "1.5"},
                                            {"hashes", "\"h\""},
                                            {"signatures", "[]"},
                                            {"unsigned", "1"},
                                            {"prev_events", "\"$p\""},
                                            {"prev_events", "[1]"},
                                            {"prev_events", "[[\"$p:a.org\", {}]]"},
                                            {"auth_events", "{}"}}) {
    bj::object event = v4_event();
    event[c.key] = json::parse(c.value).value();
    EXPECT_NE(parse_error(event, "5"), "accepted") << c.key << " = " << c.value;
  }
}

TEST(PduParse, V1ReferencesArePairs) {
  bj::object event = v1_event();
  event["prev_events"] = parse(R"({"x": ["$p:a.org"]})").at("x");
  EXPECT_NE(parse_error(event, "1"), "accepted");
  event["prev_events"] = parse(R"({"x": [["$p:a.org", {}, 1]]})").at("x");
  EXPECT_NE(parse_error(event, "1"), "accepted");
  event["prev_events"] = parse(R"({"x": [["$p:a.org", "hash"]]})").at("x");
  EXPECT_NE(parse_error(event, "1"), "accepted");
}

TEST(PduParse, LimitsPrevAndAuthEventCounts) {
  bj::object event = v4_event();
  bj::array prev(20, bj::value("$p"));
  event["prev_events"] = prev;
  EXPECT_EQ(parse_error(event, "10"), "accepted");
  prev.emplace_back("$q");
  event["prev_events"] = prev;
  EXPECT_EQ(parse_error(event, "10"), "\"prev_events\" has more than 20 entries");
  event = v4_event();
  event["auth_events"] = bj::array(11, bj::value("$a"));
  EXPECT_EQ(parse_error(event, "10"), "\"auth_events\" has more than 10 entries");
}

TEST(PduParse, IdentifiersAtMost255Bytes) {
  // "@" + localpart + ":a.org" = 255 bytes is accepted; one more byte is not.
  std::string sender = "@" + std::string(255 - 7, 'u') + ":a.org";
  ASSERT_EQ(sender.size(), 255u);
  bj::object event = v4_event();
  event["sender"] = sender;
  EXPECT_EQ(parse_error(event, "10"), "accepted");
  event["sender"] = "@u" + sender.substr(1);
  EXPECT_EQ(parse_error(event, "10"), "\"sender\": user ID is longer than 255 bytes");

  for (std::string_view key : {"type", "state_key"}) {
    event = v4_event();
    event[key] = std::string(255, 'k');
    EXPECT_EQ(parse_error(event, "10"), "accepted") << key;
    // Bytes, not characters: 128 two-byte characters are 256 bytes.
    std::string two_byte;
    for (int i = 0; i < 128; ++i) two_byte += "\xc3\xa9";
    event[key] = two_byte;
    EXPECT_EQ(parse_error(event, "10"), "\"" + std::string(key) + "\" is longer than 255 bytes");
  }
  event = v4_event();
  event["room_id"] = "!" + std::string(250, 'r') + ":a.org";
  EXPECT_EQ(parse_error(event, "10"), "\"room_id\": room ID is longer than 255 bytes");
  event = v1_event();
  event["event_id"] = "$" + std::string(250, 'e') + ":a.org";
  EXPECT_EQ(parse_error(event, "1"), "\"event_id\": event ID is longer than 255 bytes");
}

TEST(PduParse, IdentifiersNeedTheirSigils) {
  bj::object event = v4_event();
  event["sender"] = "u:a.org";
  EXPECT_NE(parse_error(event, "10"), "accepted");
  event["sender"] = "@u";
  EXPECT_NE(parse_error(event, "10"), "accepted");
  event = v4_event();
  event["room_id"] = "#r:a.org";
  EXPECT_NE(parse_error(event, "10"), "accepted");
  event = v4_event();
  event["prev_events"] = parse(R"({"x": ["p1"]})").at("x");
  EXPECT_NE(parse_error(event, "10"), "accepted");
}

TEST(PduParse, WholePduAtMost65536BytesOfCanonicalJson) {
  bj::object event = v4_event();
  event["content"].as_object()["pad"] = "";
  std::size_t base = json::encode_canonical(event).size();
  event["content"].as_object()["pad"] = std::string(kMaxPduBytes - base, 'x');
  ASSERT_EQ(json::encode_canonical(event).size(), 65536u);
  EXPECT_EQ(parse_error(event, "10"), "accepted");
  event["content"].as_object()["pad"] = std::string(kMaxPduBytes - base + 1, 'x');
  EXPECT_EQ(parse_error(event, "10"), "PDU is larger than 65536 bytes");
  // Signatures count too.
  event["content"].as_object()["pad"] = std::string(kMaxPduBytes - base, 'x');
  event["signatures"] = parse(R"({"a.org": {"ed25519:1": "s"}})");
  EXPECT_EQ(parse_error(event, "10"), "PDU is larger than 65536 bytes");
}

TEST(PduParse, CanonicalNumbersEnforcedFromV6) {
  struct Case {
    std::string_view where;
    std::string_view number;
  };
  for (Case c : std::initializer_list<Case>{{"content", "9007199254740992"},
                                            {"content", "-9007199254740992"},
                                            {"content", "1.5"},
                                            {"depth", "9007199254740992"},
                                            {"origin_server_ts", "9223372036854775807"}}) {
    bj::object event = v4_event();
    bj::value number = json::parse(c.number).value();
    if (c.where == "content") {
      event["content"].as_object()["n"] = number;
    } else {
      event[c.where] = number;
    }
    EXPECT_EQ(parse_error(event, "5"), "accepted") << c.where << " " << c.number;
    EXPECT_NE(parse_error(event, "6"), "accepted") << c.where << " " << c.number;
    EXPECT_NE(parse_error(event, "12"), "accepted") << c.where << " " << c.number;
  }
  bj::object event = v4_event();
  event["depth"] = 9007199254740991;  // 2^53 - 1: the v6 limit itself
  EXPECT_EQ(parse_error(event, "6"), "accepted");
}

TEST(PduParse, RedactsIsAStringBeforeV11) {
  bj::object event = v4_event();
  event["type"] = "m.room.redaction";
  event.erase("state_key");
  event["redacts"] = "$target";
  Expected<Pdu> pdu = Pdu::parse(event, version("10"));
  ASSERT_TRUE(pdu) << pdu.error();
  EXPECT_EQ(pdu->redacts(), "$target");
  event["redacts"] = 5;
  EXPECT_EQ(parse_error(event, "10"), "\"redacts\" is not a string");
  // From v11 the top-level key means nothing; the target is content.redacts.
  event["content"] = parse(R"({"redacts": "$inner"})");
  Expected<Pdu> v11 = Pdu::parse(event, version("11"));
  ASSERT_TRUE(v11) << v11.error();
  EXPECT_EQ(v11->redacts(), "$inner");
}

}  // namespace
}  // namespace myelin::events
