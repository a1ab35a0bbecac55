#include "services/sync/presence_service.hpp"

#include <set>

namespace myelin::services {

boost::asio::awaitable<void> PresenceService::set(std::string user_id, std::string state,
                                                  std::optional<std::string> status_msg) {
  {
    std::lock_guard lock(mutex_);
    auto it = known_.find(user_id);
    if (it != known_.end() && it->second.state == state &&
        (!status_msg || it->second.status_msg == status_msg)) {
      co_return;
    }
    Known& known = known_[user_id];
    known.state = state;
    if (status_msg) known.status_msg = status_msg;
    status_msg = known.status_msg;
  }
  storage::Store& store = ctx_.store;
  storage::PresenceRecord record{user_id, state, status_msg, ctx_.now_ms(), 0};
  auto save = [&store, record] {
    store.user_data.put_presence(record);
    return store.events.memberships_of_user(record.user_id);
  };
  std::vector<storage::MembershipRecord> memberships = co_await ctx_.db(std::move(save));
  std::set<std::string> wake{user_id};
  for (const storage::MembershipRecord& m : memberships) {
    if (m.membership != "join") continue;
    RoomStatePtr room = co_await rooms_.room(m.room_id);
    if (room) wake.insert(room->joined_local_users.begin(), room->joined_local_users.end());
  }
  ctx_.notifier.notify(std::vector<std::string>(wake.begin(), wake.end()));
}

}  // namespace myelin::services
