#include "services/federation/sender/edu_receiver.hpp"

#include <set>
#include <vector>

#include "base/log.hpp"
#include "protocol/json/access.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

constexpr const char* kLog = "federation";

// The server part of a user ID ("" when it has none).
std::string server_of_user(const std::string& user_id) {
  const std::size_t colon = user_id.find(':');
  return user_id.size() > 1 && user_id[0] == '@' && colon != std::string::npos
             ? user_id.substr(colon + 1)
             : std::string();
}

std::string string_or_empty(const bj::object& object, std::string_view key) {
  auto found = json::find_string(object, key);
  return found ? std::string(*found) : std::string();
}

}  // namespace

boost::asio::awaitable<void> EduReceiver::receive(std::string origin, bj::object edu) {
  const std::string type = string_or_empty(edu, "edu_type");
  const bj::object* found_content = json::find_object(edu, "content");
  if (type.empty() || !found_content) {
    log::debug(kLog, "EDU from {} without edu_type or content object: dropped", origin);
    co_return;
  }
  bj::object content = *found_content;
  if (type == "m.typing") {
    co_await typing(std::move(origin), std::move(content));
  } else if (type == "m.receipt") {
    co_await receipts(std::move(origin), std::move(content));
  } else if (type == "m.presence") {
    co_await presence(std::move(origin), std::move(content));
  } else if (type == "m.direct_to_device" && device_messages_) {
    co_await device_messages_->receive(std::move(origin), std::move(content));
  } else if ((type == "m.device_list_update" || type == "m.signing_key_update") && device_lists_) {
    co_await device_lists_->receive_update(std::move(origin), type, std::move(content));
  } else {
    log::debug(kLog, "unknown EDU type {} from {}: ignored", type, origin);
  }
}

boost::asio::awaitable<RoomStatePtr> EduReceiver::joined_room(std::string origin,
                                                              std::string room_id,
                                                              std::string user_id) {
  if (server_of_user(user_id) != origin) {
    log::debug(kLog, "EDU from {} about {}, a user of another server: dropped", origin, user_id);
    co_return nullptr;
  }
  if (room_id.empty() || room_id[0] != '!') co_return nullptr;
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room || room->membership_of(user_id) != "join") {
    log::debug(kLog, "EDU from {}: {} is not joined to {}: dropped", origin, user_id, room_id);
    co_return nullptr;
  }
  co_return room;
}

boost::asio::awaitable<void> EduReceiver::typing(std::string origin, bj::object content) {
  const std::string room_id = string_or_empty(content, "room_id");
  const std::string user_id = string_or_empty(content, "user_id");
  const bj::value* typing = content.if_contains("typing");
  if (!typing || !typing->is_bool()) {
    log::debug(kLog, "m.typing from {} without a boolean 'typing': dropped", origin);
    co_return;
  }
  const bool is_typing = typing->as_bool();
  RoomStatePtr room = co_await joined_room(origin, room_id, user_id);
  if (!room) co_return;
  const std::int64_t now = ctx_.now_ms();
  if (typing_.set_typing(room_id, user_id, is_typing, now + kRemoteTypingMs, now)) {
    ctx_.notifier.notify(room->joined_local_users);
  }
}

// content: {room_id: {"m.read": {user_id: {event_ids: [...], data: {ts, thread_id?}}}}}
boost::asio::awaitable<void> EduReceiver::receipts(std::string origin, bj::object content) {
  for (const auto& [room_key, by_type] : content) {
    if (!by_type.is_object()) continue;
    const bj::object* reads = json::find_object(by_type.get_object(), "m.read");
    if (!reads) continue;  // other receipt types are never federated (m.read.private)
    for (const auto& [user_key, receipt_value] : *reads) {
      if (!receipt_value.is_object()) continue;
      std::string room_id(room_key);
      std::string user_id(user_key);
      bj::object one = receipt_value.get_object();
      co_await receipt(origin, std::move(room_id), std::move(user_id), std::move(one));
    }
  }
}

boost::asio::awaitable<void> EduReceiver::receipt(std::string origin, std::string room_id,
                                                  std::string user_id, bj::object receipt) {
  const bj::array* event_ids = json::find_array(receipt, "event_ids");
  if (!event_ids || event_ids->empty() || !(*event_ids)[0].is_string()) {
    log::debug(kLog, "m.receipt from {} for {} without event_ids: dropped", origin, user_id);
    co_return;
  }
  std::string event_id(json::view((*event_ids)[0].get_string()));
  std::string thread_id;
  std::int64_t ts = ctx_.now_ms();
  if (const bj::object* data = json::find_object(receipt, "data")) {
    if (auto given = json::find_int(*data, "ts")) ts = *given;
    if (const bj::value* thread = data->if_contains("thread_id")) {
      if (!thread->is_string() || thread->get_string().empty()) co_return;
      thread_id = std::string(json::view(thread->get_string()));
    }
  }
  RoomStatePtr room = co_await joined_room(origin, room_id, user_id);
  if (!room) co_return;
  storage::Store& store = ctx_.store;
  auto save = [&store, room_id, user_id, event_id, thread_id, ts] {
    auto event = store.events.event(event_id);
    if (!event || event->room_id != room_id) return false;
    auto current = store.user_data.receipt_position(room_id, "m.read", user_id, thread_id);
    if (current && *current >= event->stream_ordering) return false;
    store.user_data.put_receipt(
        {room_id, "m.read", user_id, thread_id, event_id, event->stream_ordering, ts, 0});
    return true;
  };
  const bool recorded = co_await ctx_.db(std::move(save));
  if (recorded) ctx_.notifier.notify(room->joined_local_users);
}

// content: {push: [{user_id, presence, status_msg?, last_active_ago?, currently_active?}]}
boost::asio::awaitable<void> EduReceiver::presence(std::string origin, bj::object content) {
  const bj::array* push = json::find_array(content, "push");
  if (!push) {
    log::debug(kLog, "m.presence from {} without a push array: dropped", origin);
    co_return;
  }
  for (const bj::value& update : *push) {
    if (!update.is_object()) continue;
    bj::object one = update.get_object();
    co_await presence_update(origin, std::move(one));
  }
}

boost::asio::awaitable<void> EduReceiver::presence_update(std::string origin, bj::object update) {
  const std::string user_id = string_or_empty(update, "user_id");
  const std::string state = string_or_empty(update, "presence");
  if (server_of_user(user_id) != origin) {
    log::debug(kLog, "m.presence from {} about {}: dropped", origin, user_id);
    co_return;
  }
  if (state != "online" && state != "unavailable" && state != "offline") co_return;
  std::optional<std::string> status_msg;
  if (const bj::value* msg = update.if_contains("status_msg"); msg && !msg->is_null()) {
    if (!msg->is_string()) co_return;
    status_msg = std::string(json::view(msg->get_string()));
  }
  const std::int64_t now = ctx_.now_ms();
  std::int64_t last_active_ago = json::find_int(update, "last_active_ago").value_or(0);
  if (last_active_ago < 0 || last_active_ago > now) last_active_ago = 0;
  storage::Store& store = ctx_.store;
  storage::PresenceRecord record{user_id, state, status_msg, now - last_active_ago, 0};
  // Only users who share a room with ours matter to anyone here (as Synapse).
  auto save = [&store, record] {
    std::vector<storage::MembershipRecord> memberships =
        store.events.memberships_of_user(record.user_id);
    std::erase_if(memberships, [](const auto& m) { return m.membership != "join"; });
    if (!memberships.empty()) store.user_data.put_presence(record);
    return memberships;
  };
  std::vector<storage::MembershipRecord> joined = co_await ctx_.db(std::move(save));
  std::set<std::string> wake;
  for (const storage::MembershipRecord& m : joined) {
    RoomStatePtr room = co_await rooms_.room(m.room_id);
    if (room) wake.insert(room->joined_local_users.begin(), room->joined_local_users.end());
  }
  if (!wake.empty()) ctx_.notifier.notify(std::vector<std::string>(wake.begin(), wake.end()));
}

}  // namespace myelin::services
