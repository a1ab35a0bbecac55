#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"
#include "storage/store/event_records.hpp"
#include "storage/store/stream_counter.hpp"

namespace myelin::storage {

// Events, the state after each of them, current state, memberships and forward extremities.
// Every call blocks: run on a worker pool.
class EventStore {
 public:
  EventStore(sql::Database& db, StreamCounter& stream) : db_(db), stream_(stream) {}

  struct PersistOutcome {
    std::int64_t position = 0;  // 0 when the transaction ID had been used (nothing written)
    std::optional<std::string> existing_event_id;
  };
  // Persists the event and everything it changes in one transaction and returns its stream
  // position (already published when this returns; negative for most outliers, see
  // persist_outlier_in) — unless the event carries a transaction ID
  // its sender's device used before: then nothing is written and the earlier event is named.
  PersistOutcome persist(const NewEvent& event);
  // Several events in one transaction (group commit): the outcomes in order. Each event is
  // written in its own savepoint, so one that fails (its outcome holds the exception) leaves
  // the others in.
  struct BatchOutcome {
    PersistOutcome outcome;
    std::exception_ptr error;
  };
  std::vector<BatchOutcome> persist_batch(const std::vector<const NewEvent*>& events);
  // Several events in one transaction, all or none (no savepoint each: tens of thousands of
  // outliers from a join write much faster); throws what writing any of them threw.
  std::vector<PersistOutcome> persist_all(const std::vector<const NewEvent*>& events);
  // Events from before the room's timeline (backfill), newest first. Each takes a stream position
  // below every stored event's, so that it sorts before what the timeline held and no sync token
  // ever covers it (as Synapse's backfilled events). An outlier stored before (not rejected or
  // soft-failed) becomes a timeline event at such a position, with the event's state group;
  // events already in the timeline, rejected and soft-failed ones are left as they are. Current
  // state, memberships and extremities do not change: these events are the room's past. Returns
  // how many events entered the timeline. An event's redacted_by is kept; NewEvent::redacts
  // marks its target redacted when the target is stored (or in the batch).
  std::size_t persist_history(const std::vector<const NewEvent*>& newest_first);
  // The room's redaction events in back-filled history (timeline, below position 0): the ones
  // that may redact older events arriving later.
  std::vector<EventRecord> history_redactions(const std::string& room_id);
  // Entries of the state group for just these slots (visibility checks need two, not all).
  StateEntries state_group_lookup(std::int64_t group, const std::vector<StateKeyPair>& slots);

  std::optional<EventRecord> event(const std::string& event_id);
  std::vector<EventRecord> events(const std::vector<std::string>& event_ids);
  // Which of these events are not stored (not even as outliers).
  std::vector<std::string> unknown_events(const std::vector<std::string>& event_ids);
  // Events of the room with from < stream_ordering <= to, oldest first, at most `limit` taken
  // from the end nearest `to` (backwards) or `from` (forwards).
  std::vector<EventRecord> room_events(const std::string& room_id, std::int64_t from,
                                       std::int64_t to, std::size_t limit, Direction direction);
  // The room's latest event at or before `position`.
  std::optional<EventRecord> last_event_at(const std::string& room_id, std::int64_t position);
  std::optional<std::string> event_for_txn(const std::string& sender, const std::string& device_id,
                                           const std::string& txn_id);

  StateEntries state_group_entries(std::int64_t group);
  StateEntries current_state(const std::string& room_id);
  // Current state events that changed in (from, to].
  std::vector<std::string> current_state_changed(const std::string& room_id, std::int64_t from,
                                                 std::int64_t to);
  std::vector<std::string> forward_extremities(const std::string& room_id);
  // Rooms with an event or a receipt in (from, to]: what an incremental sync must look at.
  std::set<std::string> active_rooms(std::int64_t from, std::int64_t to);
  std::int64_t max_state_group();
  std::int64_t max_stream_ordering();

  std::vector<MembershipRecord> memberships_of_user(const std::string& user_id);
  std::vector<MembershipRecord> members(const std::string& room_id);
  // The room's members whose membership changed at a position in (after, up_to].
  std::vector<MembershipRecord> membership_changes(const std::string& room_id, std::int64_t after,
                                                   std::int64_t up_to);
  std::optional<MembershipRecord> membership(const std::string& room_id,
                                             const std::string& user_id);
  void forget(const std::string& room_id, const std::string& user_id);
  std::optional<std::string> invite_stripped_state(const std::string& event_id);

  // Unread counts for a user in a room: notifications and highlights after `after_stream`.
  std::pair<std::int64_t, std::int64_t> unread_counts(const std::string& user_id,
                                                      const std::string& room_id,
                                                      std::int64_t after_stream);

 private:
  // Writes one event with connection `c` inside the caller's transaction.
  PersistOutcome persist_in(sql::Connection& c, const NewEvent& event);
  // An outlier (NewEvent::event.outlier): no forward extremity, no current state; an event
  // already stored is left as it is (existing_event_id names it).
  PersistOutcome persist_outlier_in(sql::Connection& c, const NewEvent& event);

  sql::Database& db_;
  StreamCounter& stream_;
};

}  // namespace myelin::storage
