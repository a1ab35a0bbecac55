#pragma once

#include <string>
#include <string_view>

namespace myelin::services {

// The server part of a user, room or event ID: everything after the first ':' ("" without one).
inline std::string server_of(std::string_view id) {
  const std::size_t colon = id.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(id.substr(colon + 1));
}

}  // namespace myelin::services
