#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// What POST /_synapse/admin/v1/user/{userId}/redact asks for.
struct UserRedactionRequest {
  std::string user_id;                // whose events
  std::string admin_id;               // who redacts them (the redactions' sender)
  std::vector<std::string> room_ids;  // empty: every room the user is a member of
  std::optional<std::string> reason;
  std::size_t limit_per_room = 1000;  // Synapse's default
};

enum class RedactionTaskStatus { kScheduled, kActive, kCompleted, kFailed };
std::string_view to_string(RedactionTaskStatus status);

struct RedactionTaskState {
  RedactionTaskStatus status = RedactionTaskStatus::kScheduled;
  std::map<std::string, std::string> failed_redactions;  // event ID → why it was not redacted
};

// Synapse's "redact all of a user's events" admin task: the user's messages, encrypted
// messages and membership events in the chosen rooms (newest first, at most limit_per_room per
// room) are redacted one by one through RoomService as the admin, in the background. A
// redaction the room refuses is recorded and the task goes on. Task states live in memory (a
// restart forgets them, as it would end the task anyway).
class UserRedactions {
 public:
  UserRedactions(ServiceContext& ctx, RoomService& rooms) : ctx_(ctx), rooms_(rooms) {}

  // Records a scheduled task and returns its ID; run() does the work.
  std::string schedule(const UserRedactionRequest& request);
  // Runs a scheduled task to its end; never throws.
  boost::asio::awaitable<void> run(std::string redact_id, UserRedactionRequest request);

  std::optional<RedactionTaskState> status(const std::string& redact_id) const;

 private:
  boost::asio::awaitable<std::vector<std::string>> rooms_to_redact(UserRedactionRequest request);
  boost::asio::awaitable<std::vector<std::string>> events_to_redact(std::string room_id,
                                                                    std::string user_id,
                                                                    std::size_t limit);
  void set_status(const std::string& redact_id, RedactionTaskStatus status);
  void record_failure(const std::string& redact_id, const std::string& event_id,
                      const std::string& reason);

  ServiceContext& ctx_;
  RoomService& rooms_;
  mutable std::mutex mutex_;
  std::map<std::string, RedactionTaskState> tasks_;
};

}  // namespace myelin::services
