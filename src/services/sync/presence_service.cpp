#include "services/sync/presence_service.hpp"

#include <set>
#include <vector>

namespace myelin::services {

boost::asio::awaitable<void> PresenceService::set_state(std::string user_id, std::string state) {
  co_await update(std::move(user_id), std::move(state), std::nullopt, true);
}

boost::asio::awaitable<void> PresenceService::set_status(std::string user_id, std::string state,
                                                         std::optional<std::string> status_msg) {
  co_await update(std::move(user_id), std::move(state), std::move(status_msg), false);
}

std::optional<std::int64_t> PresenceService::last_active_ms(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = known_.find(user_id);
  if (it == known_.end() || it->second.last_active_ms == 0) return std::nullopt;
  return it->second.last_active_ms;
}

boost::asio::awaitable<void> PresenceService::ensure_known(std::string user_id) {
  {
    std::lock_guard lock(mutex_);
    if (known_.contains(user_id)) co_return;
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.user_data.presence(user_id); };
  std::optional<storage::PresenceRecord> stored = co_await ctx_.db(std::move(load));
  // A user never seen is offline (spec: the default presence state).
  Known known{"offline", std::nullopt, 0};
  if (stored) known = Known{stored->state, stored->status_msg, 0};
  std::lock_guard lock(mutex_);
  known_.try_emplace(user_id, std::move(known));  // a concurrent update may have won
}

boost::asio::awaitable<void> PresenceService::update(std::string user_id, std::string state,
                                                     std::optional<std::string> status_msg,
                                                     bool keep_status_msg) {
  co_await ensure_known(user_id);
  const std::int64_t now = ctx_.now_ms();
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    Known& known = known_[user_id];
    known.last_active_ms = now;
    if (keep_status_msg) status_msg = known.status_msg;
    if (known.state != state || known.status_msg != status_msg) {
      known.state = state;
      known.status_msg = status_msg;
      changed = true;
    }
  }
  if (changed) co_await publish(std::move(user_id), std::move(state), std::move(status_msg), now);
}

boost::asio::awaitable<void> PresenceService::publish(std::string user_id, std::string state,
                                                      std::optional<std::string> status_msg,
                                                      std::int64_t now) {
  storage::Store& store = ctx_.store;
  storage::PresenceRecord record{user_id, std::move(state), std::move(status_msg), now, 0};
  auto save = [&store, record] {
    store.user_data.put_presence(record);
    return store.events.memberships_of_user(record.user_id);
  };
  std::vector<storage::MembershipRecord> memberships = co_await ctx_.db(std::move(save));
  if (on_change_) on_change_(record.user_id, record.state, record.status_msg, now);
  std::set<std::string> wake{user_id};
  for (const storage::MembershipRecord& m : memberships) {
    if (m.membership != "join") continue;
    RoomStatePtr room = co_await rooms_.room(m.room_id);
    if (room) wake.insert(room->joined_local_users.begin(), room->joined_local_users.end());
  }
  ctx_.notifier.notify(std::vector<std::string>(wake.begin(), wake.end()));
}

}  // namespace myelin::services
