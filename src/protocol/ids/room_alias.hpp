#pragma once

#include <string>
#include <string_view>

#include "base/expected.hpp"
#include "protocol/ids/server_name.hpp"

namespace myelin::ids {

// A room alias "#localpart:server_name" (spec appendix "Room Aliases"): the localpart may hold
// any code points but ':' and NUL; at most 255 bytes.
class RoomAlias {
 public:
  static Expected<RoomAlias> parse(std::string_view text);

  const std::string& localpart() const { return localpart_; }
  const ServerName& server_name() const { return server_name_; }
  const std::string& to_string() const { return text_; }

 private:
  RoomAlias(std::string text, std::string localpart, ServerName server_name)
      : text_(std::move(text)),
        localpart_(std::move(localpart)),
        server_name_(std::move(server_name)) {}

  std::string text_;
  std::string localpart_;
  ServerName server_name_;
};

}  // namespace myelin::ids
