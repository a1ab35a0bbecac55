// GET /_matrix/federation/v1/hierarchy/{roomId}: a space and its children as another server
// may see them (spec server-server API "Spaces"; Synapse's room_summary handler for
// federation). No pagination: every child the asking server could peek or join.
#include <algorithm>
#include <tuple>

#include "base/matrix_error.hpp"
#include "services/federation/federation_reads.hpp"
#include "services/federation/server_visibility.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::optional<std::string> state_string(const RoomState& room, std::string_view type,
                                        std::string_view field) {
  const events::Pdu* event = room.find(type, "");
  if (!event) return std::nullopt;
  const bj::value* value = event->content().if_contains(field);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::string join_rule_of(const RoomState& room) {
  return state_string(room, "m.room.join_rules", "join_rule").value_or("invite");
}

bool is_restricted(const std::string& join_rule) {
  return join_rule == "restricted" || join_rule == "knock_restricted";
}

// The rooms whose members may join a restricted room (join_rules `allow`).
std::vector<std::string> allowed_room_ids(const RoomState& room) {
  std::vector<std::string> ids;
  const events::Pdu* rules = room.find("m.room.join_rules", "");
  if (!rules || !is_restricted(join_rule_of(room))) return ids;
  const bj::value* allow = rules->content().if_contains("allow");
  if (!allow || !allow->is_array()) return ids;
  for (const bj::value& item : allow->as_array()) {
    if (!item.is_object()) continue;
    const bj::object& condition = item.as_object();
    const bj::value* type = condition.if_contains("type");
    const bj::value* room_id = condition.if_contains("room_id");
    if (type && *type == "m.room_membership" && room_id && room_id->is_string()) {
      ids.emplace_back(room_id->as_string());
    }
  }
  return ids;
}

bool server_invited(const RoomState& room, std::string_view server_name) {
  for (auto it = room.state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room.state->end() && it->first.first == "m.room.member"; ++it) {
    if (server_of_user(it->first.second) == server_name && it->second->membership() == "invite") {
      return true;
    }
  }
  return false;
}

// Spec "m.space.child": `order` counts when it is at most 50 printable ASCII characters.
bool valid_order(const bj::value* order) {
  if (!order || !order->is_string() || order->as_string().size() > 50) return false;
  const bj::string& text = order->as_string();
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// The space's children: m.space.child events with a non-empty `via` (others are not links),
// ordered as the spec says: by `order` (those with one first), then origin_server_ts, then
// room ID.
std::vector<const events::Pdu*> child_events(const RoomState& room) {
  std::vector<const events::Pdu*> children;
  for (auto it = room.state->lower_bound(auth::StateKey("m.space.child", ""));
       it != room.state->end() && it->first.first == "m.space.child"; ++it) {
    const bj::value* via = it->second->content().if_contains("via");
    if (via && via->is_array() && !via->as_array().empty()) children.push_back(it->second.get());
  }
  auto key = [](const events::Pdu* event) {
    const bj::value* order = event->content().if_contains("order");
    const bool has_order = valid_order(order);
    std::string order_text = has_order ? std::string(order->as_string()) : std::string();
    return std::make_tuple(!has_order, std::move(order_text), event->origin_server_ts(),
                           *event->state_key());
  };
  std::sort(children.begin(), children.end(),
            [&key](const events::Pdu* a, const events::Pdu* b) { return key(a) < key(b); });
  return children;
}

bool suggested(const events::Pdu& child) {
  const bj::value* value = child.content().if_contains("suggested");
  return value && value->is_bool() && value->as_bool();
}

// The room's summary (client-server room_summary.yaml) with the federation's children_state.
bj::object room_entry(const RoomState& room) {
  const std::string join_rule = join_rule_of(room);
  bj::object entry{
      {"room_id", room.room_id},
      {"num_joined_members", static_cast<std::int64_t>(room.joined_users().size())},
      {"world_readable",
       state_string(room, "m.room.history_visibility", "history_visibility") == "world_readable"},
      {"guest_can_join", state_string(room, "m.room.guest_access", "guest_access") == "can_join"},
      {"join_rule", join_rule},
  };
  if (room.version) entry["room_version"] = std::string(room.version->id);
  if (auto name = state_string(room, "m.room.name", "name")) entry["name"] = *name;
  if (auto topic = state_string(room, "m.room.topic", "topic")) entry["topic"] = *topic;
  if (auto alias = state_string(room, "m.room.canonical_alias", "alias")) {
    entry["canonical_alias"] = *alias;
  }
  if (auto avatar = state_string(room, "m.room.avatar", "url")) entry["avatar_url"] = *avatar;
  if (auto type = state_string(room, "m.room.create", "type")) entry["room_type"] = *type;
  if (auto algorithm = state_string(room, "m.room.encryption", "algorithm")) {
    entry["encryption"] = *algorithm;
  }
  if (is_restricted(join_rule)) {
    bj::array allowed;
    for (std::string& id : allowed_room_ids(room)) allowed.emplace_back(std::move(id));
    entry["allowed_room_ids"] = std::move(allowed);
  }
  bj::array children_state;
  for (const events::Pdu* child : child_events(room)) {
    children_state.push_back(bj::object{{"type", child->type()},
                                        {"state_key", *child->state_key()},
                                        {"content", child->content()},
                                        {"sender", child->sender()},
                                        {"origin_server_ts", child->origin_server_ts()}});
  }
  entry["children_state"] = std::move(children_state);
  return entry;
}

// Whether `origin` could peek into or join the room (Synapse's _is_local_room_accessible):
// anyone may join, knock or read it; or the server is in it or invited; or, when restricted, the
// server is in one of the rooms that admit.
asio::awaitable<bool> accessible_to(RoomService& rooms, RoomStatePtr room, std::string origin) {
  const std::string join_rule = join_rule_of(*room);
  if (join_rule == "public" || join_rule == "knock" || join_rule == "knock_restricted") {
    co_return true;
  }
  if (state_string(*room, "m.room.history_visibility", "history_visibility") == "world_readable") {
    co_return true;
  }
  if (server_in_room(*room, origin) || server_invited(*room, origin)) co_return true;
  for (std::string& allowed_id : allowed_room_ids(*room)) {
    RoomStatePtr allowed = co_await rooms.room(std::move(allowed_id));
    if (allowed && server_in_room(*allowed, origin)) co_return true;
  }
  co_return false;
}

}  // namespace

asio::awaitable<bj::object> FederationReads::hierarchy(std::string origin, std::string room_id,
                                                       bool suggested_only) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  bool accessible = false;
  if (room) accessible = co_await accessible_to(rooms_, room, origin);
  if (!accessible) throw MatrixError(ErrCode::kNotFound, "Unknown room: " + room_id);

  bj::array children;
  bj::array inaccessible;
  for (const events::Pdu* child : child_events(*room)) {
    if (suggested_only && !suggested(*child)) continue;
    std::string child_id = *child->state_key();
    RoomStatePtr child_room = co_await rooms_.room(child_id);
    // Rooms this server knows nothing about are left out: the asker may try the `via` servers.
    if (!child_room) continue;
    const bool child_accessible = co_await accessible_to(rooms_, child_room, origin);
    if (child_accessible) {
      children.push_back(room_entry(*child_room));
    } else {
      inaccessible.emplace_back(child_id);
    }
  }
  co_return bj::object{{"room", room_entry(*room)},
                       {"children", std::move(children)},
                       {"inaccessible_children", std::move(inaccessible)}};
}

}  // namespace myelin::services
