#include "protocol/events/pdu_format.hpp"

#include <string>
#include <string_view>

#include "protocol/ids/event_id.hpp"
#include "protocol/ids/room_id.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/access.hpp"
#include "protocol/json/canonical.hpp"

namespace myelin::events {
namespace {

namespace bj = boost::json;

Expected<std::string_view> required_string(const bj::object& pdu, std::string_view key) {
  const bj::value* value = pdu.if_contains(key);
  if (!value) return fail("missing \"" + std::string(key) + "\"");
  if (!value->is_string()) return fail("\"" + std::string(key) + "\" is not a string");
  return json::view(value->get_string());
}

Expected<Ok> check_length(std::string_view key, std::string_view value) {
  if (value.size() > kMaxIdentifierBytes) {
    return fail("\"" + std::string(key) + "\" is longer than 255 bytes");
  }
  return Ok{};
}

// Prefixes an identifier's own complaint with the field it came from.
Expected<Ok> in_field(std::string_view key, Expected<Ok> result) {
  if (result) return result;
  return fail("\"" + std::string(key) + "\": " + result.error());
}

template <typename T>
Expected<Ok> in_field(std::string_view key, const Expected<T>& parsed) {
  if (parsed) return Ok{};
  return fail("\"" + std::string(key) + "\": " + parsed.error());
}

Expected<Ok> check_int(const bj::object& pdu, std::string_view key, bool non_negative) {
  const bj::value* value = pdu.if_contains(key);
  if (!value) return fail("missing \"" + std::string(key) + "\"");
  std::optional<std::int64_t> number = json::as_int(*value);
  if (!number) return fail("\"" + std::string(key) + "\" is not a 64-bit integer");
  if (non_negative && *number < 0) return fail("\"" + std::string(key) + "\" is negative");
  return Ok{};
}

Expected<Ok> check_object(const bj::object& pdu, std::string_view key, bool required) {
  const bj::value* value = pdu.if_contains(key);
  if (!value) {
    if (required) return fail("missing \"" + std::string(key) + "\"");
    return Ok{};
  }
  if (!value->is_object()) return fail("\"" + std::string(key) + "\" is not an object");
  return Ok{};
}

// v1–v2: [[event_id, {hashes}], ...]; v3+: [event_id, ...].
Expected<Ok> check_event_references(const bj::object& pdu, std::string_view key,
                                    std::size_t max_count, const RoomVersion& version) {
  const std::string name = "\"" + std::string(key) + "\"";
  const bj::value* value = pdu.if_contains(key);
  if (!value) return fail("missing " + name);
  if (!value->is_array()) return fail(name + " is not an array");
  const bj::array& references = value->get_array();
  if (references.size() > max_count) {
    return fail(name + " has more than " + std::to_string(max_count) + " entries");
  }
  bool pairs = version.event_format == EventFormat::kV1;
  for (const bj::value& reference : references) {
    const bj::value* id = &reference;
    if (pairs) {
      const bj::array* pair = reference.if_array();
      if (!pair || pair->size() != 2 || !(*pair)[1].is_object()) {
        return fail(name + " entries must be [event_id, {hashes}] pairs");
      }
      id = &(*pair)[0];
    }
    if (!id->is_string()) return fail(name + " holds an event ID that is not a string");
    std::string_view text = json::view(id->get_string());
    // Referenced IDs get the v1–v2 grammar check, and otherwise only the sigil and length: a
    // reference to an ID of the wrong shape simply never resolves to an event.
    if (pairs) {
      if (Expected<Ok> ok = in_field(key, ids::check_event_id(text, version)); !ok) return ok;
    } else if (text.empty() || text.front() != '$') {
      return fail(name + " holds an event ID without its '$'");
    } else if (Expected<Ok> ok = check_length(key, text); !ok) {
      return ok;
    }
  }
  return Ok{};
}

Expected<Ok> check_fields(const bj::object& pdu, const RoomVersion& version) {
  Expected<std::string_view> type = required_string(pdu, "type");
  if (!type) return fail(type.error());
  if (Expected<Ok> ok = check_length("type", *type); !ok) return ok;

  Expected<std::string_view> sender = required_string(pdu, "sender");
  if (!sender) return fail(sender.error());
  // Federation must accept historical user IDs (appendix "Historical User IDs").
  if (Expected<Ok> ok =
          in_field("sender", ids::UserId::parse(*sender, ids::UserIdGrammar::kHistorical));
      !ok) {
    return ok;
  }

  // v12 create events have no room_id: the room ID is derived from them (room_id_v12.yaml).
  bool room_id_optional = version.room_id_is_create_event_hash && *type == "m.room.create";
  if (!room_id_optional || pdu.contains("room_id")) {
    Expected<std::string_view> room_id = required_string(pdu, "room_id");
    if (!room_id) return fail(room_id.error());
    if (Expected<Ok> ok = in_field("room_id", ids::RoomId::parse(*room_id, version)); !ok) {
      return ok;
    }
  }

  if (const bj::value* state_key = pdu.if_contains("state_key")) {
    if (!state_key->is_string()) return fail("\"state_key\" is not a string");
    if (Expected<Ok> ok = check_length("state_key", json::view(state_key->get_string())); !ok) {
      return ok;
    }
  }

  if (version.event_format == EventFormat::kV1) {
    Expected<std::string_view> event_id = required_string(pdu, "event_id");
    if (!event_id) return fail(event_id.error());
    if (Expected<Ok> ok = in_field("event_id", ids::check_event_id(*event_id, version)); !ok) {
      return ok;
    }
  } else if (pdu.contains("event_id")) {
    // From v3 the ID is the reference hash, which a stray event_id would change (rooms/v3).
    return fail("\"event_id\" must not be present in this room version");
  }

  // depth: "must be less than the maximum value for an integer"; from v6 canonical JSON limits
  // it further to 2^53 - 1 (depth_v6.yaml), which check_canonical_numbers enforces.
  if (Expected<Ok> ok = check_int(pdu, "depth", true); !ok) return ok;
  if (Expected<Ok> ok = check_int(pdu, "origin_server_ts", false); !ok) return ok;

  if (Expected<Ok> ok = check_object(pdu, "content", true); !ok) return ok;
  if (Expected<Ok> ok = check_object(pdu, "hashes", true); !ok) return ok;
  if (Expected<Ok> ok = check_object(pdu, "signatures", true); !ok) return ok;
  if (Expected<Ok> ok = check_object(pdu, "unsigned", false); !ok) return ok;

  if (Expected<Ok> ok = check_event_references(pdu, "prev_events", kMaxPrevEvents, version); !ok) {
    return ok;
  }
  if (Expected<Ok> ok = check_event_references(pdu, "auth_events", kMaxAuthEvents, version); !ok) {
    return ok;
  }

  // Until v11 a redaction names its target at the top level (pdu_v1..v6.yaml "redacts").
  if (!version.updated_redaction_rules) {
    if (const bj::value* redacts = pdu.if_contains("redacts"); redacts && !redacts->is_string()) {
      return fail("\"redacts\" is not a string");
    }
  }
  return Ok{};
}

}  // namespace

Expected<Ok> check_pdu_format(const bj::object& pdu, const RoomVersion& version) {
  if (Expected<Ok> ok = check_fields(pdu, version); !ok) return ok;
  if (version.strict_canonical_json) {
    if (Expected<Ok> ok = json::check_canonical_numbers(pdu); !ok) {
      return fail("not canonical JSON: " + ok.error());
    }
  }
  std::string encoded;  // encoded in place: encode_canonical would first copy the event
  json::append_canonical_without(encoded, pdu, {});
  if (encoded.size() > kMaxPduBytes) {
    return fail("PDU is larger than 65536 bytes");
  }
  return Ok{};
}

}  // namespace myelin::events
