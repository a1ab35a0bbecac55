#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

// The EDUs this server sends (spec server-server API "Typing Notifications", "Receipts",
// "Presence"): {edu_type, content}.
namespace myelin::services::edus {

boost::json::object typing(const std::string& room_id, const std::string& user_id, bool typing);
// One m.read receipt; `thread_id` "" for an unthreaded one.
boost::json::object receipt(const std::string& room_id, const std::string& user_id,
                            const std::string& event_id, const std::string& thread_id,
                            std::int64_t ts);
boost::json::object presence(const std::string& user_id, const std::string& state,
                             const std::optional<std::string>& status_msg,
                             std::int64_t last_active_ago);

}  // namespace myelin::services::edus
