#include "bench/state_room.hpp"

#include <boost/json/array.hpp>

#include "protocol/auth/auth_rules.hpp"
#include "protocol/auth/auth_state.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::bench {
namespace {

constexpr std::string_view kRoomId = "!bench:example.org";
constexpr std::string_view kCreator = "@creator:example.org";

std::string member_id(int i) {
  return "@user" + std::to_string(i) + ":server" + std::to_string(i % 50) + ".example.org";
}

class RoomBuilder {
 public:
  explicit RoomBuilder(StateRoom& room) : room_(room), version_(*find_room_version("10")) {}

  // Appends a state event after `prev` (an event ID; empty for none), authorised by the current
  // state of `state`, and applies it to `state`. Returns its event ID.
  std::string add(StateMap& state, const std::string& prev, std::string type, std::string state_key,
                  std::string sender, boost::json::object content) {
    boost::json::array auth;
    auto add_auth = [&](const std::string& t, const std::string& k) {
      auto it = state.find({t, k});
      if (it != state.end()) auth.emplace_back(it->second);
    };
    add_auth("m.room.create", "");
    add_auth("m.room.power_levels", "");
    add_auth("m.room.member", sender);
    if (type == "m.room.member") {
      add_auth("m.room.join_rules", "");
      if (state_key != sender) add_auth("m.room.member", state_key);
    }
    boost::json::array prev_events;
    if (!prev.empty()) prev_events.emplace_back(prev);
    boost::json::object event{{"type", type},
                              {"state_key", state_key},
                              {"sender", sender},
                              {"room_id", kRoomId},
                              {"content", std::move(content)},
                              {"depth", ++depth_},
                              {"origin_server_ts", 1700000000000 + depth_},
                              {"prev_events", std::move(prev_events)},
                              {"auth_events", std::move(auth)}};
    events::add_content_hash(event);
    std::string id = *events::compute_event_id(event, version_);
    auto pdu = std::make_shared<const events::Pdu>(
        events::Pdu::from_trusted(std::move(event), version_, id));
    room_.events.push_back(pdu);
    room_.by_id.emplace(id, pdu);
    state[{std::move(type), std::move(state_key)}] = id;
    return id;
  }

 private:
  StateRoom& room_;
  const RoomVersion& version_;
  std::int64_t depth_ = 0;
};

boost::json::object power_levels(int variant) {
  return {{"users", {{kCreator, 100}, {member_id(variant % 1000), 50}}},
          {"users_default", 0},
          {"events_default", 0},
          {"state_default", 50},
          {"ban", 50},
          {"kick", 50 + variant % 2},
          {"redact", 50}};
}

}  // namespace

StateRoom StateRoom::build(int members, int conflicts_per_branch) {
  StateRoom room;
  RoomBuilder b(room);
  StateMap state;
  std::string c(kCreator);
  std::string tip =
      b.add(state, "", "m.room.create", "", c, {{"creator", c}, {"room_version", "10"}});
  tip = b.add(state, tip, "m.room.member", c, c, {{"membership", "join"}});
  tip = b.add(state, tip, "m.room.power_levels", "", c, power_levels(0));
  tip = b.add(state, tip, "m.room.join_rules", "", c, {{"join_rule", "public"}});
  for (int i = 0; i < members; ++i) {
    std::string user = member_id(i);
    tip = b.add(state, tip, "m.room.member", user, user,
                {{"membership", "join"}, {"displayname", "User " + std::to_string(i)}});
  }

  // Two branches from the same tip: each alternates power-level changes with membership changes
  // of the same members, so both disagree on every key they touch.
  StateMap a = state;
  StateMap bstate = state;
  std::string tip_a = tip;
  std::string tip_b = tip;
  for (int i = 0; i < conflicts_per_branch; ++i) {
    if (i % 2 == 0) {
      tip_a = b.add(a, tip_a, "m.room.power_levels", "", c, power_levels(2 * i + 1));
      tip_b = b.add(bstate, tip_b, "m.room.power_levels", "", c, power_levels(2 * i + 2));
    } else {
      std::string user = member_id(i / 2);
      tip_a = b.add(a, tip_a, "m.room.member", user, user, {{"membership", "leave"}});
      tip_b = b.add(bstate, tip_b, "m.room.member", user, c, {{"membership", "ban"}});
    }
  }
  room.fork_a = std::move(a);
  room.fork_b = std::move(bstate);
  return room;
}

Expected<Ok> StateRoom::check_auth_of_all_events() const {
  for (const auto& event : events) {
    auth::AuthState state;
    for (const std::string& id : event->auth_events()) {
      const events::Pdu& auth_event = *by_id.at(id);
      state[{auth_event.type(), auth_event.state_key().value_or("")}] = &auth_event;
    }
    if (auto ok = auth::check_auth(*event, state); !ok) {
      return fail(event->type() + " " + event->event_id() + ": " + ok.error());
    }
  }
  return Ok{};
}

}  // namespace myelin::bench
