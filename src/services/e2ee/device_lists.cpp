#include "services/e2ee/device_lists.hpp"

#include <set>
#include <utility>

#include "base/log.hpp"
#include "protocol/json/access.hpp"
#include "services/common/server_of.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kLog = "e2ee";

}  // namespace

DeviceLists::DeviceLists(ServiceContext& ctx, RoomService& rooms, AccountService& accounts)
    : ctx_(ctx), rooms_(rooms), keys_(ctx) {
  accounts.on_devices_removed(
      [this](std::string user_id, std::vector<std::string> device_ids) -> asio::awaitable<void> {
        for (std::string& device_id : device_ids) {
          co_await device_changed(user_id, std::move(device_id), true);
        }
      });
}

asio::awaitable<DeviceLists::Audience> DeviceLists::audience_of(std::string user_id) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  std::vector<storage::MembershipRecord> memberships = co_await ctx_.db(std::move(load));
  std::set<std::string> local_users, servers;
  for (const storage::MembershipRecord& m : memberships) {
    if (m.membership != "join") continue;
    RoomStatePtr room = co_await rooms_.room(m.room_id);
    if (!room) continue;
    local_users.insert(room->joined_local_users.begin(), room->joined_local_users.end());
    for (const std::string& member : room->joined_users()) {
      servers.insert(server_of(member));
    }
  }
  servers.erase(ctx_.server_name());
  co_return Audience{{local_users.begin(), local_users.end()}, {servers.begin(), servers.end()}};
}

asio::awaitable<void> DeviceLists::device_changed(std::string user_id, std::string device_id,
                                                  bool deleted) {
  // Without the device's name: other servers do not see names (as Synapse by default).
  EduFor edu_for = [user_id, device_id, deleted](const storage::DeviceListChange& change,
                                                 const KeysQueryAnswer& keys) {
    bj::array prev_id;
    if (change.prev_stream_id) prev_id.push_back(*change.prev_stream_id);
    bj::object content{{"user_id", user_id},
                       {"device_id", device_id},
                       {"stream_id", change.stream_id},
                       {"prev_id", std::move(prev_id)},
                       {"deleted", deleted}};
    const bj::object* devices = json::find_object(keys.device_keys, user_id);
    if (const bj::object* signed_keys = devices ? json::find_object(*devices, device_id) : nullptr;
        signed_keys && !deleted) {
      content["keys"] = *signed_keys;
    }
    return bj::object{{"edu_type", "m.device_list_update"}, {"content", std::move(content)}};
  };
  co_await record_and_tell(std::move(user_id), std::move(device_id), std::move(edu_for));
}

asio::awaitable<void> DeviceLists::signing_keys_changed(std::string user_id) {
  EduFor edu_for = [user_id](const storage::DeviceListChange&, const KeysQueryAnswer& keys) {
    bj::object content{{"user_id", user_id}};
    if (const bj::object* master = json::find_object(keys.master_keys, user_id)) {
      content["master_key"] = *master;
    }
    if (const bj::object* self_signing = json::find_object(keys.self_signing_keys, user_id)) {
      content["self_signing_key"] = *self_signing;
    }
    return bj::object{{"edu_type", "m.signing_key_update"}, {"content", std::move(content)}};
  };
  // Recorded under no device: the user's keys changed, not one of its devices.
  co_await record_and_tell(std::move(user_id), std::string(), std::move(edu_for));
}

asio::awaitable<void> DeviceLists::record_and_tell(std::string user_id, std::string device_id,
                                                   EduFor edu_for) {
  storage::Store& store = ctx_.store;
  auto record = [&store, user_id, device_id] {
    return store.device_lists.record_change(user_id, device_id);
  };
  const storage::DeviceListChange change = co_await ctx_.db(std::move(record));
  Audience audience = co_await audience_of(user_id);
  // The user's own other devices learn it too, rooms or not.
  audience.local_users.push_back(user_id);
  ctx_.notifier.notify(audience.local_users);
  if (audience.servers.empty() || !remote_sender_) co_return;

  DeviceKeysQuery wanted;
  wanted[user_id] = {};
  const KeysQueryAnswer keys = co_await keys_.query(std::move(wanted), std::string());
  const bj::object edu = edu_for(change, keys);
  for (const std::string& server : audience.servers) {
    bj::object copy = edu;
    co_await remote_sender_(server, std::move(copy));
  }
}

asio::awaitable<DeviceListSync> DeviceLists::changes(std::string user_id, std::int64_t from,
                                                     std::int64_t to) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  std::vector<storage::MembershipRecord> memberships = co_await ctx_.db(std::move(load));
  std::map<std::string, RoomStatePtr> rooms;
  for (const storage::MembershipRecord& m : memberships) {
    if (m.membership != "join" && m.membership != "leave" && m.membership != "ban") continue;
    if (RoomStatePtr room = co_await rooms_.room(m.room_id)) rooms[m.room_id] = std::move(room);
  }
  auto compute = [&store, user_id, from, to, memberships, rooms] {
    return device_lists_for_sync(store, user_id, from, to, memberships,
                                 store.events.active_rooms(from, to), rooms);
  };
  co_return co_await ctx_.db(std::move(compute));
}

asio::awaitable<void> DeviceLists::receive_update(std::string origin, std::string edu_type,
                                                  bj::object content) {
  const auto user = json::find_string(content, "user_id");
  if (!user || server_of(std::string(*user)) != origin) {
    log::debug(kLog, "{} from {} about another server's user: dropped", edu_type, origin);
    co_return;
  }
  std::string user_id(*user);
  std::string device_id(json::find_string(content, "device_id").value_or(""));
  Audience audience = co_await audience_of(user_id);
  if (audience.local_users.empty()) {
    log::debug(kLog, "{} from {} about {}, who shares no room with us: dropped", edu_type, origin,
               user_id);
    co_return;
  }
  storage::Store& store = ctx_.store;
  auto record = [&store, user_id, device_id] {
    return store.device_lists.record_change(user_id, device_id);
  };
  co_await ctx_.db(std::move(record));
  ctx_.notifier.notify(audience.local_users);
}

DeviceListSync device_lists_for_sync(storage::Store& store, const std::string& user_id,
                                     std::int64_t since, std::int64_t to,
                                     const std::vector<storage::MembershipRecord>& memberships,
                                     const std::set<std::string>& active_rooms,
                                     const std::map<std::string, RoomStatePtr>& rooms) {
  auto room_of = [&rooms](const std::string& room_id) -> const RoomState* {
    auto found = rooms.find(room_id);
    return found == rooms.end() ? nullptr : found->second.get();
  };
  // What moved: devices, the user's own memberships, others' in the rooms with news. Most
  // syncs find nothing here and skip the rest (walking every member of every room).
  const std::set<std::string> devices_changed = store.device_lists.changed_users(since, to);
  std::vector<const storage::MembershipRecord*> own_changes;
  std::vector<storage::MembershipRecord> others_changes;
  for (const storage::MembershipRecord& m : memberships) {
    if (m.stream_ordering > to || !room_of(m.room_id)) continue;
    if (m.stream_ordering > since) {
      own_changes.push_back(&m);
    } else if (m.membership == "join" && active_rooms.count(m.room_id)) {
      for (storage::MembershipRecord& other :
           store.events.membership_changes(m.room_id, since, to)) {
        others_changes.push_back(std::move(other));
      }
    }
  }
  if (devices_changed.empty() && own_changes.empty() && others_changes.empty()) return {};

  // Who shares a room with the user now.
  std::set<std::string> shared;
  for (const storage::MembershipRecord& m : memberships) {
    if (m.membership != "join" || m.stream_ordering > to) continue;
    if (const RoomState* room = room_of(m.room_id)) {
      for (const std::string& member : room->joined_users()) shared.insert(member);
    }
  }
  std::set<std::string> changed, left;
  for (const std::string& changed_user : devices_changed) {
    if (changed_user == user_id || shared.count(changed_user)) changed.insert(changed_user);
  }
  // The user joined (everyone there is new to share a room with) or left (those it shares no
  // other room with are gone).
  for (const storage::MembershipRecord* m : own_changes) {
    for (const std::string& member : room_of(m->room_id)->joined_users()) {
      if (m->membership == "join") {
        changed.insert(member);
      } else if (!shared.count(member)) {
        left.insert(member);
      }
    }
  }
  // Others joined or left a room the user was already in.
  for (const storage::MembershipRecord& other : others_changes) {
    if (other.membership == "join") {
      changed.insert(other.user_id);
    } else if (!shared.count(other.user_id)) {
      left.insert(other.user_id);
    }
  }
  // Joining does not make the user's own keys news; its own device changes are.
  if (!devices_changed.count(user_id)) changed.erase(user_id);
  left.erase(user_id);
  return {{changed.begin(), changed.end()}, {left.begin(), left.end()}};
}

}  // namespace myelin::services
