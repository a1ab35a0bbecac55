#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/rooms/event_builder.hpp"
#include "services/rooms/event_persister.hpp"
#include "services/rooms/older_history.hpp"
#include "services/rooms/room_cache.hpp"
#include "services/rooms/timeline_pages.hpp"

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

// An event as the room holds it; shared, never changed once built.
using PduPtr = std::shared_ptr<const events::Pdu>;

// What became of an event another server sent, after the checks of the spec's server-server API
// "Checks performed on receipt of a PDU" that need the room (steps 4–6; the caller did 1–3:
// format, signatures, content hash).
struct RemoteEventOutcome {
  enum class Kind {
    kAccepted,    // in the room's timeline and, for a state event, its state
    kDuplicate,   // already known (accepted, rejected or soft-failed before)
    kRejected,    // fails the auth rules against its auth events or the state before it:
                  // kept as rejected (never in the timeline, never state), so never re-fetched
    kSoftFailed,  // allowed by the state before it but not by the current state: kept,
                  // not in the timeline, not a forward extremity (spec "Soft failure")
    kMissingAuthEvents,  // nothing stored: fetch `missing` (/event_auth) and try again
    kMissingPrevEvents,  // nothing stored: fetch `missing` (/get_missing_events) and try again
    kUnknownRoom,        // this server does not hold the room
  };
  Kind kind = Kind::kRejected;
  std::string reason;                // why, for logs and a /send answer's "error"
  std::int64_t position = 0;         // the stream position when accepted
  std::vector<std::string> missing;  // for kMissing*: the event IDs this server lacks
};

// What became of a batch of events from before a room's timeline (RoomService::add_history).
struct HistoryAdded {
  std::size_t added = 0;     // entered the timeline
  std::size_t rejected = 0;  // failed the auth rules against their auth events: kept as rejected
  std::vector<PduPtr> lacking_auth_events;  // not stored: some of their auth events are unknown
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

// Which local users an event notifies (push rules), with the room's state after the event.
// With `may_read_store` (on a database thread) it may read users' rules from the store;
// without, it answers from memory or gives std::nullopt.
using PushActionsFn = std::function<std::optional<std::vector<storage::PushAction>>(
    const RoomState&, const events::Pdu&, bool may_read_store)>;

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

  // Events from other servers (remote_events.cpp). Each runs under the room's lock, like local
  // sends, so a room's events are decided one at a time in arrival order.
  //
  // An event another server sent (its transaction, a send_join/leave/knock, an invite we sent
  // and got back countersigned): authorised against its auth events, then against the state
  // before it (resolved over its prev_events when they fork), then soft-fail checked against
  // the current state; an accepted event moves the room's current state on (resolved against
  // the state after it when the room forked) and wakes local members' /sync.
  asio::awaitable<RemoteEventOutcome> accept_remote_event(PduPtr pdu);
  // Events outside any timeline (a send_join answer's auth chain, /event_auth answers): each
  // checked against its own auth events (in depth order, so a chain arriving whole works) and
  // kept as an outlier, or as rejected when it fails. Events already stored are skipped.
  asio::awaitable<void> store_outliers(std::vector<PduPtr> events);
  // An event the room's history has a gap before, larger than /get_missing_events fills:
  // `state` is the state before it as its server reports it (GET /state), `auth_chain` that
  // state's auth chain. Each is checked against its auth events, the event against them and
  // the state; then the event is kept as an outlier *with* the state after it, so that the
  // events naming it as a prev event can be decided. The gap itself stays (as in Synapse).
  // False when the event does not pass.
  asio::awaitable<bool> accept_state_at_gap(PduPtr event, std::vector<PduPtr> state,
                                            std::vector<PduPtr> auth_chain);
  // A room joined through another server (send_join): `state` is the room's state before
  // `join_event`, `auth_chain` its auth chain (already stored as outliers). Each state event
  // must pass the auth rules against its auth events and the join against the state; then the
  // room is created here with that state as outliers and the join as its first timeline event.
  // M_FORBIDDEN when the join or the state does not pass; an already held room is refused too.
  asio::awaitable<SendResult> adopt_remote_room(std::string room_id, const RoomVersion* version,
                                                std::vector<PduPtr> state,
                                                std::vector<PduPtr> auth_chain, PduPtr join_event);
  // An invite for a local user into a room this server does not hold (or the leave that
  // rejects one): kept outside any timeline, with the user's membership and the stripped state
  // the inviting server sent, so that /sync shows the invite (or moves the room to "leave").
  asio::awaitable<void> record_remote_invite(PduPtr event, boost::json::array stripped_state);

  // History (room_history.cpp).
  //
  // A page of the room's timeline (/messages). Read backwards to the start of what this server
  // holds while the timeline lacks events before it (a room joined through another server),
  // the OlderHistory is asked for more (a few rounds at most) and the page read again.
  asio::awaitable<TimelinePage> timeline_page(TimelinePageRequest request);
  // The events the room's timeline lacks just before its oldest events: their prev_events that
  // are unknown here or only outliers. Empty when the history held reaches the room's creation.
  asio::awaitable<std::vector<std::string>> history_gaps(std::string room_id);
  // Events from before the room's timeline (a /backfill answer whose format, signatures and
  // hashes were checked): oldest first, each checked against its auth events (which may be in
  // the batch) and stored before the timeline (EventStore::persist_history) — an outlier
  // already held (a state event from the join) becomes a timeline event; one that fails is kept
  // as rejected; one whose auth events are unknown is left out and handed back. History
  // visibility reads the state an event was sent in when it is known here (kept with it before);
  // otherwise the room's state just before the oldest event held (for the first batch: the
  // state before our join, as the resident server sent it), so history_visibility is the one of
  // our join and a local user counts as not yet joined.
  asio::awaitable<HistoryAdded> add_history(std::string room_id, std::vector<PduPtr> events);
  void set_older_history(OlderHistory* source) { older_history_ = source; }

  void set_push_actions(PushActionsFn fn) { push_actions_ = std::move(fn); }
  // Called after a local event is persisted, still under the room's lock (so in room order),
  // with the room's state after it: the federation sender queues it for the other servers.
  using LocalEventFn = std::function<asio::awaitable<void>(const RoomState&, const events::Pdu&)>;
  void set_on_local_event(LocalEventFn fn) { on_local_event_ = std::move(fn); }
  // Drops the room from memory after its events were purged from the store (admin API).
  void forget_purged_room(const std::string& room_id) { cache_.erase(room_id); }

 private:
  // Rooms with at most this many local members have a new message's push rules evaluated on
  // the I/O thread (~2 µs a member); bigger rooms on a database thread, not to hold up others'
  // requests.
  static constexpr std::size_t kPushInlineMembers = 64;

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
  OlderHistory* older_history_ = nullptr;
};

}  // namespace myelin::services
