#include "protocol/events/pdu.hpp"

#include "protocol/events/event_id.hpp"
#include "protocol/events/pdu_format.hpp"
#include "protocol/json/access.hpp"

namespace myelin::events {
namespace {

const boost::json::object kEmptyObject;

// v1–v2 reference other events as [event_id, {hashes}] pairs; later versions as plain IDs.
std::vector<std::string> event_ids_of(const boost::json::object& json, std::string_view key) {
  std::vector<std::string> ids;
  const boost::json::array* list = json::find_array(json, key);
  if (!list) return ids;
  ids.reserve(list->size());
  for (const boost::json::value& entry : *list) {
    if (entry.is_string()) {
      ids.emplace_back(json::view(entry.get_string()));
    } else if (entry.is_array() && !entry.get_array().empty() && entry.get_array()[0].is_string()) {
      ids.emplace_back(json::view(entry.get_array()[0].get_string()));
    }
  }
  return ids;
}

}  // namespace

Expected<Pdu> Pdu::parse(boost::json::object json, const RoomVersion& version) {
  if (Expected<Ok> valid = check_pdu_format(json, version); !valid) return fail(valid.error());
  Expected<std::string> event_id = compute_event_id(json, version);
  if (!event_id) return fail(event_id.error());
  return from_trusted(std::move(json), version, std::move(*event_id));
}

Pdu Pdu::from_trusted(boost::json::object json, const RoomVersion& version, std::string event_id) {
  Pdu pdu;
  pdu.json_ = std::move(json);
  pdu.version_ = &version;
  pdu.event_id_ = std::move(event_id);
  pdu.extract_fields();
  return pdu;
}

void Pdu::extract_fields() {
  room_id_ = std::string(json::find_string(json_, "room_id").value_or(""));
  sender_ = std::string(json::find_string(json_, "sender").value_or(""));
  type_ = std::string(json::find_string(json_, "type").value_or(""));
  if (auto key = json::find_string(json_, "state_key")) state_key_ = std::string(*key);
  prev_events_ = event_ids_of(json_, "prev_events");
  auth_events_ = event_ids_of(json_, "auth_events");
  depth_ = json::find_int(json_, "depth").value_or(0);
  origin_server_ts_ = json::find_int(json_, "origin_server_ts").value_or(0);
  std::optional<std::string_view> redacts = version_->updated_redaction_rules
                                                ? json::find_string(content(), "redacts")
                                                : json::find_string(json_, "redacts");
  if (redacts) redacts_ = std::string(*redacts);
  // v12: a create event has no room_id; the room's ID is its event ID with the "!" sigil.
  if (version_->room_id_is_create_event_hash && type_ == "m.room.create" &&
      !json_.contains("room_id") && event_id_.starts_with('$')) {
    room_id_ = "!" + event_id_.substr(1);
  }
}

const boost::json::object& Pdu::content() const {
  const boost::json::object* content = json::find_object(json_, "content");
  return content ? *content : kEmptyObject;
}

std::string_view Pdu::membership() const {
  if (type_ != "m.room.member") return {};
  return json::find_string(content(), "membership").value_or("");
}

}  // namespace myelin::events
