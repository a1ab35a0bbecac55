#include "services/federation/sender/outgoing_edus.hpp"

#include <boost/json/array.hpp>

namespace myelin::services::edus {

namespace bj = boost::json;

bj::object typing(const std::string& room_id, const std::string& user_id, bool typing) {
  bj::object content{{"room_id", room_id}, {"user_id", user_id}, {"typing", typing}};
  return {{"edu_type", "m.typing"}, {"content", std::move(content)}};
}

bj::object receipt(const std::string& room_id, const std::string& user_id,
                   const std::string& event_id, const std::string& thread_id, std::int64_t ts) {
  bj::object data{{"ts", ts}};
  if (!thread_id.empty()) data["thread_id"] = thread_id;
  bj::object user{{"event_ids", bj::array{bj::value(event_id)}}, {"data", std::move(data)}};
  bj::object read{{user_id, std::move(user)}};
  bj::object room{{"m.read", std::move(read)}};
  bj::object content{{room_id, std::move(room)}};
  return {{"edu_type", "m.receipt"}, {"content", std::move(content)}};
}

bj::object presence(const std::string& user_id, const std::string& state,
                    const std::optional<std::string>& status_msg, std::int64_t last_active_ago) {
  bj::object update{{"user_id", user_id},
                    {"presence", state},
                    {"last_active_ago", last_active_ago},
                    {"currently_active", state == "online"}};
  if (status_msg) update["status_msg"] = *status_msg;
  bj::object content{{"push", bj::array{bj::value(std::move(update))}}};
  return {{"edu_type", "m.presence"}, {"content", std::move(content)}};
}

}  // namespace myelin::services::edus
