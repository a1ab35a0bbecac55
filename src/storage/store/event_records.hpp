#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace myelin::storage {

// (event type, state key) → event ID: a room's state as storage keeps it.
using StateKeyPair = std::pair<std::string, std::string>;
using StateEntries = std::map<StateKeyPair, std::string>;

// One stored event and what queries need alongside its PDU.
struct EventRecord {
  std::int64_t stream_ordering = 0;
  std::string event_id;
  std::string room_id;
  std::string type;
  std::optional<std::string> state_key;
  std::string sender;
  std::int64_t depth = 0;
  std::int64_t origin_server_ts = 0;
  std::string pdu_json;       // canonical JSON, exactly as hashed and signed
  std::string unsigned_json;  // server-side unsigned data: prev_content, replaces_state, …
  std::int64_t state_group = 0;
  std::optional<std::string> redacted_by;
  std::optional<std::string> device_id;  // the sending device, for transaction_id echoes
  std::optional<std::string> txn_id;
  // From other servers: outside the room's timeline (an outlier: auth chains, a joined room's
  // earlier state, rejected and soft-failed events, invites into rooms not held here).
  bool outlier = false;
  std::optional<std::string> rejection;  // why it was rejected or soft-failed
};

// A current-state slot that persisting an event sets, when that is more than the event's own
// slot (state resolution after a fork, a room joined through another server).
struct CurrentStateChange {
  StateKeyPair slot;
  std::string event_id;
  std::optional<std::string> membership;  // for m.room.member slots: the new membership
};

// A state group to create with an event: either the full state (prev_group unset) or the
// entries that differ from prev_group.
struct NewStateGroup {
  std::int64_t id = 0;
  std::optional<std::int64_t> prev_group;
  int chain_length = 0;
  StateEntries entries;
};

struct PushAction {
  std::string user_id;
  bool highlight = false;
  std::string thread_id = "main";
};

// Everything persisting one event changes, written in one transaction.
struct NewEvent {
  EventRecord event;  // stream_ordering is assigned by the store
  bool contains_url = false;
  std::optional<NewStateGroup> state_group;   // for state events
  std::vector<std::string> prev_extremities;  // replaced by this event
  // For m.room.member events: the target's new membership.
  std::optional<std::string> membership;
  std::optional<std::string> invite_stripped_state_json;
  // For redactions: the event it redacts (if known here).
  std::optional<std::string> redacts;
  std::vector<PushAction> push_actions;
  // Remote events: when set, these current-state changes are written instead of the event's
  // own slot; with replace_current_state the room's current state is first emptied.
  std::optional<std::vector<CurrentStateChange>> current_state_changes;
  bool replace_current_state = false;
};

struct MembershipRecord {
  std::string room_id;
  std::string user_id;
  std::string membership;
  std::string event_id;
  std::int64_t stream_ordering = 0;
  bool forgotten = false;
};

enum class Direction { kForwards, kBackwards };

}  // namespace myelin::storage
