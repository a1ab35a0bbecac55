#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::ids {

// An event ID (spec appendix "Event IDs"; rooms v1-event-ids, v3 "Event IDs", v4-event-ids):
//   v1–v2  "$opaque_id:domain"
//   v3     "$" + unpadded standard base64 of the reference hash ('+', '/'), 43 characters
//   v4+    "$" + unpadded URL-safe base64 of the reference hash ('-', '_'), 43 characters
// At most 255 bytes in every version. A hash of only letters and digits is valid in both
// alphabets, so one such ID fits v3 and v4+ alike.
class EventId {
 public:
  // Accepts the form of any room version; fits() then says which versions it belongs to.
  static Expected<EventId> parse(std::string_view text);
  // Accepts only the form the room version uses.
  static Expected<EventId> parse(std::string_view text, const RoomVersion& version);
  static bool is_valid(std::string_view text, const RoomVersion& version) {
    return parse(text, version).has_value();
  }

  // Whether the ID has the shape that events of the room version have.
  bool fits(const RoomVersion& version) const;
  bool is_reference_hash() const { return !server_name_.has_value(); }
  // The server that created the event: only in the v1–v2 form.
  const std::optional<ServerName>& server_name() const { return server_name_; }
  const std::string& to_string() const { return text_; }

  bool operator==(const EventId& other) const { return text_ == other.text_; }

 private:
  std::string text_;
  std::optional<ServerName> server_name_;
  bool standard_alphabet_ = false;  // fits v3: no '-' or '_'
  bool url_safe_alphabet_ = false;  // fits v4+: no '+' or '/'
};

// EventId::parse(text, version) without keeping the result, for validating fields of a PDU.
Expected<Ok> check_event_id(std::string_view text, const RoomVersion& version);

// sigil + 43 characters of the URL-safe alphabet: the shape of v4+ event IDs and, with '!', of
// v12 room IDs. Trailing bits are not checked: a non-canonical hash names no event, and refusing
// it here would reject more than other servers do.
bool is_url_safe_hash_id(std::string_view text, char sigil);

}  // namespace myelin::ids
