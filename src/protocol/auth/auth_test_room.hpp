#pragma once

// Test support for the auth module's tests (not part of the library): builds rooms of hand-made
// events, trusted via Pdu::from_trusted, with the state they are checked against.

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/auth/auth_rules.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::auth::testing {

inline constexpr std::string_view kAlice = "@alice:a.org";  // the creator
inline constexpr std::string_view kBob = "@bob:b.org";
inline constexpr std::string_view kCarol = "@carol:c.org";
inline constexpr std::string_view kDave = "@dave:a.org";

inline boost::json::object parse_object(std::string_view text) {
  return json::parse_object(text).value();
}

inline const RoomVersion& version(std::string_view id) { return *find_room_version(id); }

struct EventSpec {
  std::string type{};
  std::string sender{};
  std::optional<std::string> state_key{};
  std::string content = "{}";
  // Default: the previous event built in this room (none for the first).
  std::optional<std::vector<std::string>> prev_events{};
  // Default: "$<n>:<sender's server>" in v1–v2, "$e<n>" later.
  std::optional<std::string> event_id{};
  // Top-level "redacts" (v1–v10).
  std::optional<std::string> redacts{};
  // Default: the room's ID (never for a v12 create event).
  std::optional<std::string> room_id{};
};

inline std::string member_content(std::string_view membership) {
  return R"({"membership":")" + std::string(membership) + R"("})";
}

class TestRoom {
 public:
  // A room of the version with only its create event (sent by alice, or `creator`), in state.
  explicit TestRoom(std::string_view version_id, std::string creator = std::string(kAlice),
                    std::optional<std::string> create_content = std::nullopt)
      : version_(*find_room_version(version_id)) {
    if (!create_content) {
      create_content = version_.implicit_room_creator
                           ? R"({"room_version":")" + std::string(version_id) + R"("})"
                           : R"({"creator":")" + creator + R"(","room_version":")" +
                                 std::string(version_id) + R"("})";
    }
    if (version_.room_id_is_create_event_hash) {
      room_id_ = "!createhash";
      create_ = &build({.type = "m.room.create",
                        .sender = creator,
                        .state_key = "",
                        .content = *create_content,
                        .event_id = "$createhash"});
    } else {
      room_id_ = "!room:" + std::string(creator.substr(creator.find(':') + 1));
      create_ = &build({.type = "m.room.create",
                        .sender = creator,
                        .state_key = "",
                        .content = *create_content});
    }
    set_state(*create_);
  }

  // A room where alice created the room, joined, set power levels (alice 100 before v12, where
  // she is a creator and cannot be listed) and the join rule.
  static TestRoom standard(std::string_view version_id, std::string_view join_rule = "public") {
    TestRoom room(version_id);
    room.add({.type = "m.room.member",
              .sender = std::string(kAlice),
              .state_key = std::string(kAlice),
              .content = member_content("join")});
    room.add({.type = "m.room.power_levels",
              .sender = std::string(kAlice),
              .state_key = "",
              .content = room.version().privileged_creators
                             ? std::string(R"({"users":{}})")
                             : R"({"users":{")" + std::string(kAlice) + R"(":100}})"});
    room.add({.type = "m.room.join_rules",
              .sender = std::string(kAlice),
              .state_key = "",
              .content = R"({"join_rule":")" + std::string(join_rule) + R"("})"});
    return room;
  }

  TestRoom(TestRoom&&) = default;

  const RoomVersion& version() const { return version_; }
  const std::string& room_id() const { return room_id_; }
  const events::Pdu& create() const { return *create_; }
  AuthState& state() { return state_; }

  // Builds an event of this room; the room keeps it (references stay valid).
  const events::Pdu& build(EventSpec spec) {
    boost::json::object pdu;
    pdu["type"] = spec.type;
    pdu["sender"] = spec.sender;
    bool v12_create = version_.room_id_is_create_event_hash && spec.type == "m.room.create";
    if (spec.room_id) {
      pdu["room_id"] = *spec.room_id;
    } else if (!v12_create) {
      pdu["room_id"] = room_id_;
    }
    if (spec.state_key) pdu["state_key"] = *spec.state_key;
    pdu["content"] = parse_object(spec.content);
    std::vector<std::string> prev = spec.prev_events.value_or(
        last_event_id_.empty() ? std::vector<std::string>{}
                               : std::vector<std::string>{last_event_id_});
    boost::json::array prev_json;
    for (const std::string& id : prev) {
      if (version_.event_format == EventFormat::kV1) {
        prev_json.push_back(boost::json::array{boost::json::value(id), boost::json::object{}});
      } else {
        prev_json.push_back(boost::json::value(id));
      }
    }
    pdu["prev_events"] = std::move(prev_json);
    pdu["auth_events"] = boost::json::array{};
    pdu["depth"] = static_cast<std::int64_t>(events_.size() + 1);
    pdu["origin_server_ts"] = 1'700'000'000'000 + static_cast<std::int64_t>(events_.size());
    if (spec.redacts) pdu["redacts"] = *spec.redacts;
    std::string event_id = spec.event_id.value_or(next_event_id(spec.sender));
    if (version_.event_format == EventFormat::kV1) pdu["event_id"] = event_id;
    events_.push_back(events::Pdu::from_trusted(std::move(pdu), version_, event_id));
    last_event_id_ = event_id;
    return events_.back();
  }

  // Builds the event and checks it against the current state (which it does not change).
  Expected<Ok> check(EventSpec spec) { return check_auth(build(std::move(spec)), state_); }

  // Builds the event, expects it to pass, and applies it to the state.
  const events::Pdu& add(EventSpec spec) {
    const events::Pdu& event = build(std::move(spec));
    Expected<Ok> ok = check_auth(event, state_);
    EXPECT_TRUE(ok) << event.type() << " " << event.state_key().value_or("") << ": "
                    << (ok ? "" : ok.error());
    if (event.state_key()) set_state(event);
    return event;
  }

  // Applies an event to the state without checking it (setting up a scenario).
  const events::Pdu& force(EventSpec spec) {
    const events::Pdu& event = build(std::move(spec));
    set_state(event);
    return event;
  }

  void set_state(const events::Pdu& event) {
    state_[StateKey(event.type(), event.state_key().value_or(""))] = &event;
  }

  // Shorthands for m.room.member events: `sender` sets `target`'s membership.
  Expected<Ok> member(std::string_view sender, std::string_view target, std::string_view membership,
                      std::string extra_content = "") {
    return check(member_spec(sender, target, membership, std::move(extra_content)));
  }
  const events::Pdu& force_member(std::string_view target, std::string_view membership) {
    return force(member_spec(target, target, membership, ""));
  }
  const events::Pdu& force_power_levels(std::string content) {
    return force({.type = "m.room.power_levels",
                  .sender = std::string(kAlice),
                  .state_key = "",
                  .content = std::move(content)});
  }

  static EventSpec member_spec(std::string_view sender, std::string_view target,
                               std::string_view membership, std::string extra_content) {
    std::string content = R"({"membership":")" + std::string(membership) + "\"" +
                          (extra_content.empty() ? "" : "," + extra_content) + "}";
    return {.type = "m.room.member",
            .sender = std::string(sender),
            .state_key = std::string(target),
            .content = std::move(content)};
  }

 private:
  std::string next_event_id(std::string_view sender) {
    std::string id = "$e" + std::to_string(events_.size() + 1);
    if (version_.event_format == EventFormat::kV1) {
      id += ":" + std::string(sender.substr(sender.find(':') + 1));
    }
    return id;
  }

  const RoomVersion& version_;
  std::string room_id_;
  std::deque<events::Pdu> events_;
  const events::Pdu* create_ = nullptr;
  AuthState state_;
  std::string last_event_id_;
};

// Every known room version's ID, for tests that hold across versions.
inline std::vector<std::string> all_versions() {
  std::vector<std::string> ids;
  for (const RoomVersion* v : known_room_versions()) ids.emplace_back(v->id);
  return ids;
}

}  // namespace myelin::auth::testing
