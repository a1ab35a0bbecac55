#pragma once

#include <string>

namespace myelin::config {

// server_notices: Synapse's server notices (messages from the server to its users, sent by the
// admin API to a room of their own). Off unless system_mxid_localpart is set.
struct ServerNoticesConfig {
  std::string system_mxid_localpart;  // empty: server notices are off
  std::string system_mxid_display_name;
  std::string system_mxid_avatar_url;
  std::string room_name = "Server Notices";  // Synapse's default
  std::string room_avatar_url;
  std::string room_topic;
  // Join users to their notices room rather than inviting them.
  bool auto_join = false;

  bool enabled() const { return !system_mxid_localpart.empty(); }
};

}  // namespace myelin::config
