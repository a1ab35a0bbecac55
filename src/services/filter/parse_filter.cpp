#include "services/filter/parse_filter.hpp"

#include <cmath>
#include <cstdint>
#include <string>

#include "protocol/ids/room_id.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/access.hpp"

namespace myelin::filter {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// The field path in errors: "room" + "timeline" -> "room.timeline".
std::string join(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string path(parent);
  path += '.';
  path += key;
  return path;
}

Unexpected<std::string> field_error(std::string_view path, std::string_view what) {
  std::string message(path);
  message += ": ";
  message += what;
  return fail(std::move(message));
}

enum class ItemKind { kString, kUserId, kRoomId };

bool item_ok(const boost::json::string& item, ItemKind kind) {
  std::string_view text = json::view(item);
  switch (kind) {
    case ItemKind::kString:
      return true;
    case ItemKind::kUserId:
      // Synapse's UserID.is_valid: any localpart but a valid server name, so rooms joined over
      // federation with historical user IDs can still be filtered on.
      return ids::UserId::parse(text, ids::UserIdGrammar::kHistorical).has_value();
    case ItemKind::kRoomId:
      return ids::RoomId::parse(text).has_value();
  }
  return false;
}

const char* item_requirement(ItemKind kind) {
  switch (kind) {
    case ItemKind::kString:
      return "must be a string";
    case ItemKind::kUserId:
      return "must be a user ID";
    case ItemKind::kRoomId:
      return "must be a room ID";
  }
  return "";
}

Expected<Ok> read_list(const object& json, std::string_view key, std::string_view parent,
                       ItemKind kind, std::optional<std::vector<std::string>>& out) {
  const value* field = json.if_contains(key);
  if (!field) return Ok{};
  std::string path = join(parent, key);
  const array* list = field->if_array();
  if (!list) return field_error(path, "must be an array");
  std::vector<std::string> items;
  items.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const boost::json::string* item = (*list)[i].if_string();
    if (!item || !item_ok(*item, kind)) {
      return field_error(path + "[" + std::to_string(i) + "]", item_requirement(kind));
    }
    items.emplace_back(json::view(*item));
  }
  out = std::move(items);
  return Ok{};
}

Expected<Ok> read_bool(const object& json, std::string_view key, std::string_view parent,
                       bool& out) {
  const value* field = json.if_contains(key);
  if (!field) return Ok{};
  if (!field->is_bool()) return field_error(join(parent, key), "must be a boolean");
  out = field->get_bool();
  return Ok{};
}

Expected<Ok> read_limit(const object& json, std::string_view parent,
                        std::optional<std::int64_t>& out) {
  const value* field = json.if_contains("limit");
  if (!field) return Ok{};
  std::optional<std::int64_t> limit = json::as_int(*field);
  if (field->is_uint64() && !limit) limit = INT64_MAX;  // beyond any cap the caller applies
  if (field->is_double()) {
    double d = field->get_double();
    // 2^63 and beyond saturate, as the uint64 case does; below 1 is refused before any cast.
    if (d >= 1 && std::isfinite(d) && d == std::floor(d)) {
      limit = d >= 9.2233720368547758e18 ? INT64_MAX : static_cast<std::int64_t>(d);
    }
  }
  if (!limit || *limit < 1) return field_error(join(parent, "limit"), "must be a positive integer");
  out = limit;
  return Ok{};
}

Expected<const object*> read_object(const object& json, std::string_view key,
                                    std::string_view parent) {
  const value* field = json.if_contains(key);
  if (!field) return static_cast<const object*>(nullptr);
  if (!field->is_object()) return field_error(join(parent, key), "must be an object");
  return &field->get_object();
}

#define MYELIN_TRY(expr)                                \
  do {                                                  \
    if (auto r_ = (expr); !r_) return fail(r_.error()); \
  } while (false)

Expected<Ok> read_event_filter(const object& json, std::string_view path, EventFilter& out) {
  MYELIN_TRY(read_limit(json, path, out.limit));
  MYELIN_TRY(read_list(json, "types", path, ItemKind::kString, out.types));
  MYELIN_TRY(read_list(json, "not_types", path, ItemKind::kString, out.not_types));
  MYELIN_TRY(read_list(json, "senders", path, ItemKind::kUserId, out.senders));
  MYELIN_TRY(read_list(json, "not_senders", path, ItemKind::kUserId, out.not_senders));
  return Ok{};
}

Expected<Ok> read_room_event_filter(const object& json, std::string_view path,
                                    RoomEventFilter& out) {
  MYELIN_TRY(read_event_filter(json, path, out));
  MYELIN_TRY(read_list(json, "rooms", path, ItemKind::kRoomId, out.rooms));
  MYELIN_TRY(read_list(json, "not_rooms", path, ItemKind::kRoomId, out.not_rooms));
  if (const value* field = json.if_contains("contains_url")) {
    if (!field->is_bool()) return field_error(join(path, "contains_url"), "must be a boolean");
    out.contains_url = field->get_bool();
  }
  MYELIN_TRY(read_bool(json, "lazy_load_members", path, out.lazy_load_members));
  MYELIN_TRY(read_bool(json, "include_redundant_members", path, out.include_redundant_members));
  MYELIN_TRY(read_bool(json, "unread_thread_notifications", path, out.unread_thread_notifications));
  return Ok{};
}

// An optional nested object read by `read`, e.g. "presence" into an EventFilter.
template <typename T, typename Reader>
Expected<Ok> read_nested(const object& json, std::string_view key, std::string_view parent, T& out,
                         Reader read) {
  auto nested = read_object(json, key, parent);
  if (!nested) return fail(nested.error());
  if (*nested) MYELIN_TRY(read(**nested, join(parent, key), out));
  return Ok{};
}

Expected<Ok> read_room_filter(const object& json, std::string_view path, RoomFilter& out) {
  MYELIN_TRY(read_list(json, "rooms", path, ItemKind::kRoomId, out.rooms));
  MYELIN_TRY(read_list(json, "not_rooms", path, ItemKind::kRoomId, out.not_rooms));
  MYELIN_TRY(read_bool(json, "include_leave", path, out.include_leave));
  for (auto [key, target] :
       {std::pair{"ephemeral", &out.ephemeral}, std::pair{"state", &out.state},
        std::pair{"timeline", &out.timeline}, std::pair{"account_data", &out.account_data}}) {
    MYELIN_TRY(read_nested(json, key, path, *target, read_room_event_filter));
  }
  return Ok{};
}

Expected<Ok> read_event_format(const object& json, std::optional<EventFormat>& out) {
  const value* field = json.if_contains("event_format");
  if (!field) return Ok{};
  std::optional<std::string_view> text;
  if (const boost::json::string* s = field->if_string()) text = json::view(*s);
  if (text == "client") {
    out = EventFormat::kClient;
  } else if (text == "federation") {
    out = EventFormat::kFederation;
  } else {
    return field_error("event_format", "must be \"client\" or \"federation\"");
  }
  return Ok{};
}

void put_list(object& json, std::string_view key,
              const std::optional<std::vector<std::string>>& list) {
  if (!list) return;
  array& out = json[key].emplace_array();
  out.reserve(list->size());
  for (const std::string& item : *list) out.emplace_back(item);
}

void put_true(object& json, std::string_view key, bool flag) {
  if (flag) json[key] = true;
}

void put_event_filter(object& json, const EventFilter& filter) {
  if (filter.limit) json["limit"] = *filter.limit;
  put_list(json, "types", filter.types);
  put_list(json, "not_types", filter.not_types);
  put_list(json, "senders", filter.senders);
  put_list(json, "not_senders", filter.not_senders);
}

object event_filter_json(const EventFilter& filter) {
  object json;
  put_event_filter(json, filter);
  return json;
}

void put_nonempty(object& json, std::string_view key, object nested) {
  if (!nested.empty()) json[key] = std::move(nested);
}

}  // namespace

Expected<Filter> parse_filter(const value& json) {
  const object* top = json.if_object();
  if (!top) return fail("filter: must be an object");
  Filter filter;
  MYELIN_TRY(read_list(*top, "event_fields", "", ItemKind::kString, filter.event_fields));
  MYELIN_TRY(read_event_format(*top, filter.event_format));
  MYELIN_TRY(read_nested(*top, "presence", "", filter.presence, read_event_filter));
  MYELIN_TRY(read_nested(*top, "account_data", "", filter.account_data, read_event_filter));
  MYELIN_TRY(read_nested(*top, "room", "", filter.room, read_room_filter));
  return filter;
}

Expected<RoomEventFilter> parse_room_event_filter(const value& json) {
  const object* top = json.if_object();
  if (!top) return fail("filter: must be an object");
  RoomEventFilter filter;
  MYELIN_TRY(read_room_event_filter(*top, "", filter));
  return filter;
}

object to_json(const RoomEventFilter& filter) {
  object json;
  put_event_filter(json, filter);
  put_list(json, "rooms", filter.rooms);
  put_list(json, "not_rooms", filter.not_rooms);
  if (filter.contains_url) json["contains_url"] = *filter.contains_url;
  put_true(json, "lazy_load_members", filter.lazy_load_members);
  put_true(json, "include_redundant_members", filter.include_redundant_members);
  put_true(json, "unread_thread_notifications", filter.unread_thread_notifications);
  return json;
}

object to_json(const Filter& filter) {
  object json;
  put_list(json, "event_fields", filter.event_fields);
  if (filter.event_format) {
    json["event_format"] = *filter.event_format == EventFormat::kClient ? "client" : "federation";
  }
  put_nonempty(json, "presence", event_filter_json(filter.presence));
  put_nonempty(json, "account_data", event_filter_json(filter.account_data));

  const RoomFilter& room = filter.room;
  object room_json;
  put_list(room_json, "rooms", room.rooms);
  put_list(room_json, "not_rooms", room.not_rooms);
  put_true(room_json, "include_leave", room.include_leave);
  put_nonempty(room_json, "ephemeral", to_json(room.ephemeral));
  put_nonempty(room_json, "state", to_json(room.state));
  put_nonempty(room_json, "timeline", to_json(room.timeline));
  put_nonempty(room_json, "account_data", to_json(room.account_data));
  put_nonempty(json, "room", std::move(room_json));
  return json;
}

#undef MYELIN_TRY

}  // namespace myelin::filter
