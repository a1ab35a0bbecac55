#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::events {

// A persistent data unit: the event exactly as signed (its JSON) plus the fields every consumer
// reads, extracted once. Immutable; cheap to share by const reference or shared_ptr.
class Pdu {
 public:
  // Validates an untrusted PDU (from federation or a client's proposed event) against its room
  // version's format: field types and limits, 65,536-byte size limit, canonical JSON in v6+.
  // Computes the event ID (v3+) or takes it from the JSON (v1–v2). Does NOT check hashes or
  // signatures (see content_hash.hpp / event_signing.hpp) or auth rules.
  static Expected<Pdu> parse(boost::json::object json, const RoomVersion& version);

  // Rebuilds a PDU that was validated before (read back from our own storage): extracts the
  // fields without re-validating and trusts event_id.
  static Pdu from_trusted(boost::json::object json, const RoomVersion& version,
                          std::string event_id);

  const std::string& event_id() const { return event_id_; }
  // For a v12 create event (which has no room_id) the room ID derived from its event ID.
  const std::string& room_id() const { return room_id_; }
  const std::string& sender() const { return sender_; }
  const std::string& type() const { return type_; }
  const std::optional<std::string>& state_key() const { return state_key_; }
  bool is_state() const { return state_key_.has_value(); }
  // The content object; empty when the event has none.
  const boost::json::object& content() const;
  // Event IDs only, in the order given (v1–v2 pairs are reduced to their IDs).
  const std::vector<std::string>& prev_events() const { return prev_events_; }
  const std::vector<std::string>& auth_events() const { return auth_events_; }
  std::int64_t depth() const { return depth_; }
  std::int64_t origin_server_ts() const { return origin_server_ts_; }
  // The event a redaction redacts: top-level "redacts" before v11, content.redacts from v11.
  const std::optional<std::string>& redacts() const { return redacts_; }
  // content.membership of an m.room.member event, else empty.
  std::string_view membership() const;

  const boost::json::object& json() const { return json_; }
  const RoomVersion& room_version() const { return *version_; }

 private:
  Pdu() = default;
  void extract_fields();

  boost::json::object json_;
  const RoomVersion* version_ = nullptr;
  std::string event_id_;
  std::string room_id_;
  std::string sender_;
  std::string type_;
  std::optional<std::string> state_key_;
  std::vector<std::string> prev_events_;
  std::vector<std::string> auth_events_;
  std::int64_t depth_ = 0;
  std::int64_t origin_server_ts_ = 0;
  std::optional<std::string> redacts_;
};

}  // namespace myelin::events
