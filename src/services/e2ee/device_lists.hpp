#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/e2ee/local_keys.hpp"
#include "services/rooms/room_service.hpp"
#include "services/users/account_service.hpp"

namespace myelin::services {

// Whose device lists a client must fetch again (`changed`) or may forget (`left`).
struct DeviceListSync {
  std::vector<std::string> changed;
  std::vector<std::string> left;
};

// Device-list tracking (spec client-server "Tracking the device list for a user", server-server
// "Device Management"): whenever a user's devices change — a device appears with keys, is
// renamed, re-keyed or deleted — clients of everyone sharing a room with them must learn it
// (device_lists.changed in /sync) so that they fetch the keys again before encrypting.
// Local changes are recorded on the stream, wake those users' syncs and go to every other server
// sharing a room as m.device_list_update EDUs; other servers' updates (and m.signing_key_update)
// are recorded for their users the same way. Remote users' device lists are not cached here:
// key queries ask their server each time, so an update only has to say "changed".
//
// Constructing it hooks AccountService: deleted devices are changes too.
class DeviceLists {
 public:
  using RemoteSender =
      std::function<boost::asio::awaitable<void>(std::string destination, boost::json::object edu)>;

  DeviceLists(ServiceContext& ctx, RoomService& rooms, AccountService& accounts);

  // The federation sender installs it; until then nothing goes to other servers.
  void set_remote_sender(RemoteSender sender) { remote_sender_ = std::move(sender); }

  // A local user's device appeared with keys, was renamed or re-keyed (or, `deleted`, is gone).
  boost::asio::awaitable<void> device_changed(std::string user_id, std::string device_id,
                                              bool deleted = false);

  // A local user's cross-signing keys are new or changed: a change on the stream (their keys
  // must be fetched again), told to other servers as m.signing_key_update.
  boost::asio::awaitable<void> signing_keys_changed(std::string user_id);

  // GET /keys/changes: the same as /sync's device_lists between two stream positions.
  boost::asio::awaitable<DeviceListSync> changes(std::string user_id, std::int64_t from,
                                                 std::int64_t to);

  // m.device_list_update or m.signing_key_update from `origin` about one of its users.
  boost::asio::awaitable<void> receive_update(std::string origin, std::string edu_type,
                                              boost::json::object content);

 private:
  // Local users sharing a room with `user_id`, and the other servers in those rooms.
  struct Audience {
    std::vector<std::string> local_users;
    std::vector<std::string> servers;
  };
  boost::asio::awaitable<Audience> audience_of(std::string user_id);

  // The change recorded, its audience woken; the EDU (built from the keys as other servers see
  // them) goes to every other server sharing a room.
  using EduFor = std::function<boost::json::object(const storage::DeviceListChange& change,
                                                   const KeysQueryAnswer& keys)>;
  boost::asio::awaitable<void> record_and_tell(std::string user_id, std::string device_id,
                                               EduFor edu_for);

  ServiceContext& ctx_;
  RoomService& rooms_;
  LocalKeys keys_;  // what other servers read of our users' keys
  RemoteSender remote_sender_;
};

// The device_lists section of an incremental /sync (or /keys/changes) for `user_id` between
// stream positions
// (since, to]: `changed` — users sharing a room whose devices changed, who began sharing one
// (they or the syncing user joined), and the syncing user itself; `left` — users who no
// longer share any room. `active_rooms`: the rooms with events in (since, to] (only their
// memberships can have changed). Blocking: run on the database pool.
DeviceListSync device_lists_for_sync(storage::Store& store, const std::string& user_id,
                                     std::int64_t since, std::int64_t to,
                                     const std::vector<storage::MembershipRecord>& memberships,
                                     const std::set<std::string>& active_rooms,
                                     const std::map<std::string, RoomStatePtr>& rooms);

}  // namespace myelin::services
