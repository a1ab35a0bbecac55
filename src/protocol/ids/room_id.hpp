#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace myelin::ids {

// A room ID (spec appendix "Room IDs"): "!opaque:server_name" before room version 12, and from
// v12 "!" + the URL-safe unpadded base64 reference hash of the create event (43 characters).
class RoomId {
 public:
  // Accepts either form.
  static Expected<RoomId> parse(std::string_view text);
  // Accepts only the form the room version uses.
  static Expected<RoomId> parse(std::string_view text, const RoomVersion& version);

  // The server that created the room; absent in the v12 form.
  const std::optional<ServerName>& server_name() const { return server_name_; }
  bool is_create_event_hash() const { return !server_name_.has_value(); }
  const std::string& to_string() const { return text_; }

  bool operator==(const RoomId& other) const { return text_ == other.text_; }

 private:
  std::string text_;
  std::optional<ServerName> server_name_;
};

}  // namespace myelin::ids
