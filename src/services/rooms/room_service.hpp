#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/rooms/event_builder.hpp"
#include "services/rooms/event_persister.hpp"
#include "services/rooms/room_cache.hpp"

namespace myelin::services {

namespace asio = boost::asio;

struct SendOptions {
  std::optional<std::string> device_id;
  std::optional<std::string> txn_id;  // with device_id: idempotency key (spec "Transaction IDs")
};

struct SendResult {
  std::string event_id;
  std::int64_t position = 0;  // 0 when an earlier send with the same transaction ID answered
};

struct CreateRoomRequest {
  std::string creator;
  std::optional<std::string> room_version;
  std::optional<std::string> preset;      // private_chat, trusted_private_chat, public_chat
  std::optional<std::string> visibility;  // public, private
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<std::string> room_alias_name;
  std::vector<std::string> invite;
  bool is_direct = false;
  boost::json::object creation_content;
  std::optional<boost::json::object> power_level_content_override;
  std::vector<EventDraft> initial_state;  // sender filled in by the service
};

// Which local users an event notifies (push rules). Called on a database thread before the
// event is persisted, with the room's state after the event; may read the store.
using PushActionsFn =
    std::function<std::vector<storage::PushAction>(const RoomState&, const events::Pdu&)>;

// Rooms: creating them, and every event local users put in them. Events to one room are
// built, authorised and persisted one at a time (a per-room async lock); different rooms
// proceed in parallel. Errors are MatrixErrors (M_FORBIDDEN when the auth rules refuse).
class RoomService {
 public:
  explicit RoomService(ServiceContext& ctx);

  // The room's current state, or nullptr when the server does not know it.
  asio::awaitable<RoomStatePtr> room(std::string room_id);
  // As room(), but throws M_NOT_FOUND for an unknown room.
  asio::awaitable<RoomStatePtr> require_room(std::string room_id);

  asio::awaitable<SendResult> send_event(std::string room_id, EventDraft draft,
                                         SendOptions options);
  asio::awaitable<std::string> create_room(CreateRoomRequest request);

  // Membership (membership.cpp). `reason` goes into the event's content when set.
  asio::awaitable<SendResult> join(std::string room_id, std::string user_id,
                                   std::optional<std::string> reason);
  asio::awaitable<SendResult> invite(std::string room_id, std::string sender, std::string target,
                                     std::optional<std::string> reason, bool is_direct);
  asio::awaitable<SendResult> leave(std::string room_id, std::string user_id,
                                    std::optional<std::string> reason);
  // kick → leave, ban, unban → leave: membership of `target` set by `sender`.
  asio::awaitable<SendResult> set_membership(std::string room_id, std::string sender,
                                             std::string target, std::string membership,
                                             std::optional<std::string> reason);

  void set_push_actions(PushActionsFn fn) { push_actions_ = std::move(fn); }
  // Called after a local event is persisted, still under the room's lock (so in room order),
  // with the room's state after it: the federation sender queues it for the other servers.
  using LocalEventFn = std::function<asio::awaitable<void>(const RoomState&, const events::Pdu&)>;
  void set_on_local_event(LocalEventFn fn) { on_local_event_ = std::move(fn); }
  // Drops the room from memory after its events were purged from the store (admin API).
  void forget_purged_room(const std::string& room_id) { cache_.erase(room_id); }

 private:
  asio::awaitable<SendResult> send_locked(RoomStatePtr room, EventDraft draft, SendOptions options);
  asio::awaitable<SendResult> send_membership(std::string room_id, std::string sender,
                                              std::string target, boost::json::object content);
  std::string new_room_id() const;
  static void apply_redaction_to_state(RoomState& room, const std::string& redacted_id);

  ServiceContext& ctx_;
  async::KeyedMutex locks_;
  RoomCache cache_;
  EventPersister persister_;
  std::atomic<std::int64_t> last_state_group_;
  PushActionsFn push_actions_;
  LocalEventFn on_local_event_;
};

}  // namespace myelin::services
