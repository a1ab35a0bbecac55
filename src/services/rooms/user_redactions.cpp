#include "services/rooms/user_redactions.hpp"

#include <algorithm>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"
#include "services/rooms/timeline_pages.hpp"

namespace myelin::services {

namespace asio = boost::asio;

namespace {

// Synapse redacts these of the user's events: what they said and their memberships.
constexpr std::string_view kRedactedTypes[] = {"m.room.message", "m.room.encrypted",
                                               "m.room.member"};
// Events read per query while walking a room backwards.
constexpr std::size_t kPageSize = 500;

bool redacted_type(const std::string& type) {
  return std::find(std::begin(kRedactedTypes), std::end(kRedactedTypes), type) !=
         std::end(kRedactedTypes);
}

}  // namespace

std::string_view to_string(RedactionTaskStatus status) {
  switch (status) {
    case RedactionTaskStatus::kScheduled:
      return "scheduled";
    case RedactionTaskStatus::kActive:
      return "active";
    case RedactionTaskStatus::kCompleted:
      return "completed";
    case RedactionTaskStatus::kFailed:
      return "failed";
  }
  return "failed";
}

std::string UserRedactions::schedule(const UserRedactionRequest& request) {
  std::string id = random_token(16);
  std::lock_guard lock(mutex_);
  tasks_[id] = RedactionTaskState{};
  log::info("admin", "{} scheduled redaction {} of {}'s events", request.admin_id, id,
            request.user_id);
  return id;
}

std::optional<RedactionTaskState> UserRedactions::status(const std::string& redact_id) const {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(redact_id);
  if (it == tasks_.end()) return std::nullopt;
  return it->second;
}

void UserRedactions::set_status(const std::string& redact_id, RedactionTaskStatus status) {
  std::lock_guard lock(mutex_);
  tasks_[redact_id].status = status;
}

void UserRedactions::record_failure(const std::string& redact_id, const std::string& event_id,
                                    const std::string& reason) {
  std::lock_guard lock(mutex_);
  tasks_[redact_id].failed_redactions[event_id] = reason;
}

asio::awaitable<void> UserRedactions::run(std::string redact_id, UserRedactionRequest request) {
  set_status(redact_id, RedactionTaskStatus::kActive);
  bool ok = true;
  std::size_t redacted = 0;
  try {
    std::vector<std::string> room_ids = co_await rooms_to_redact(request);
    for (const std::string& room_id : room_ids) {
      RoomStatePtr room = co_await rooms_.room(room_id);
      if (!room) continue;  // an unknown room holds none of the user's events
      std::vector<std::string> event_ids =
          co_await events_to_redact(room_id, request.user_id, request.limit_per_room);
      for (const std::string& event_id : event_ids) {
        EventDraft draft;
        draft.sender = request.admin_id;
        draft.type = "m.room.redaction";
        draft.redacts = event_id;
        if (request.reason) draft.content["reason"] = *request.reason;
        // v11+ carry redacts in content (rooms/v11 "Moving the redacts key").
        if (room->version->updated_redaction_rules) draft.content["redacts"] = event_id;
        std::string failure;
        try {
          SendOptions options;
          co_await rooms_.send_event(room_id, std::move(draft), std::move(options));
          ++redacted;
        } catch (const MatrixError& e) {
          failure = e.what();
        } catch (const std::exception& e) {
          failure = e.what();
        }
        if (!failure.empty()) record_failure(redact_id, event_id, failure);
      }
    }
  } catch (const std::exception& e) {
    log::warn("admin", "redaction {} failed: {}", redact_id, e.what());
    ok = false;
  }
  set_status(redact_id, ok ? RedactionTaskStatus::kCompleted : RedactionTaskStatus::kFailed);
  log::info("admin", "redaction {} of {}'s events: {} redacted", redact_id, request.user_id,
            redacted);
}

asio::awaitable<std::vector<std::string>> UserRedactions::rooms_to_redact(
    UserRedactionRequest request) {
  if (!request.room_ids.empty()) co_return request.room_ids;
  storage::Store& store = ctx_.store;
  auto rooms = [&store, user_id = request.user_id] {
    std::vector<std::string> room_ids;
    for (const storage::MembershipRecord& m : store.events.memberships_of_user(user_id)) {
      room_ids.push_back(m.room_id);
    }
    return room_ids;
  };
  std::vector<std::string> room_ids = co_await ctx_.db(std::move(rooms));
  co_return room_ids;
}

asio::awaitable<std::vector<std::string>> UserRedactions::events_to_redact(std::string room_id,
                                                                           std::string user_id,
                                                                           std::size_t limit) {
  storage::Store& store = ctx_.store;
  // Newest first, walking back through the room a page at a time.
  auto collect = [&store, room_id, user_id, limit] {
    std::vector<std::string> event_ids;
    std::int64_t to = store.events.max_stream_ordering();
    // Back-filled history sits below position 0.
    while (event_ids.size() < limit && to > kTimelineStart) {
      std::vector<storage::EventRecord> page = store.events.room_events(
          room_id, kTimelineStart, to, kPageSize, storage::Direction::kBackwards);
      for (auto it = page.rbegin(); it != page.rend() && event_ids.size() < limit; ++it) {
        if (it->sender == user_id && !it->redacted_by && redacted_type(it->type)) {
          event_ids.push_back(it->event_id);
        }
      }
      if (page.size() < kPageSize) break;
      to = page.front().stream_ordering - 1;
    }
    return event_ids;
  };
  std::vector<std::string> event_ids = co_await ctx_.db(std::move(collect));
  co_return event_ids;
}

}  // namespace myelin::services
