// RoomService: events from other servers (spec server-server API "Checks performed on receipt of
// a PDU", steps 4–6, "Soft failure", and the room joined through send_join).
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <set>
#include <unordered_set>

#include "base/base64.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/auth/auth_events_selection.hpp"
#include "protocol/auth/auth_rules.hpp"
#include "protocol/auth/power_levels.hpp"
#include "protocol/events/event_id.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/state_res/resolve.hpp"
#include "services/rooms/remote_event_checks.hpp"
#include "services/rooms/room_service.hpp"
#include "services/rooms/stored_events.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

using Kind = RemoteEventOutcome::Kind;
using StateIds = state_res::StateMap;  // slot → event ID

RemoteEventOutcome outcome_of(Kind kind, std::string reason = {},
                              std::vector<std::string> missing = {}) {
  return RemoteEventOutcome{kind, std::move(reason), 0, std::move(missing)};
}

bool is_local(const std::string& user_id, const std::string& server_name) {
  const std::size_t colon = user_id.find(':');
  return colon != std::string::npos &&
         user_id.compare(colon + 1, std::string::npos, server_name) == 0;
}

// The slots of `state` the auth rules read for `pdu`, as events.
auth::AuthState auth_state_from(const events::Pdu& pdu, const StateIds& state,
                                const StoredEvents& events) {
  auth::AuthState result;
  auto put = [&](const auth::StateKey& key) {
    auto it = state.find(key);
    if (it == state.end()) return;
    if (const events::Pdu* event = events.find(it->second)) result.insert_or_assign(key, event);
  };
  for (const auth::StateKey& key : auth::auth_types_for_event(
           pdu.room_version(), pdu.type(), pdu.sender(), pdu.state_key(), pdu.content())) {
    put(key);
  }
  put({"m.room.create", ""});  // v12 selects it implicitly
  return result;
}

StateIds to_state_map(const storage::StateEntries& entries) {
  StateIds map;
  for (const auto& [slot, event_id] : entries) map.emplace(slot, event_id);
  return map;
}

StateIds ids_of(const RoomState& room) {
  StateIds map;
  for (const auto& [slot, event] : *room.state) map.emplace(slot, event->event_id());
  return map;
}

// unsigned data a state event gets for the event it replaces (prev_content for clients).
std::string replaced_state_unsigned(const events::Pdu& replaced) {
  bj::object unsigned_data;
  unsigned_data["replaces_state"] = replaced.event_id();
  unsigned_data["prev_content"] = replaced.content();
  unsigned_data["prev_sender"] = replaced.sender();
  return bj::serialize(unsigned_data);
}

RoomState::Extremity extremity_of(const events::Pdu& pdu, const RoomVersion& version) {
  RoomState::Extremity head{pdu.event_id(), "", pdu.depth()};
  if (version.event_format == EventFormat::kV1) {
    head.reference_hash = base64::encode(events::compute_reference_hash(pdu.json(), version));
  }
  return head;
}

// Whether a redaction applies to its target: the redacting server is the original's, or the
// sender may redact anyone's events under the power levels it was sent with (spec rooms/v3+
// "Redactions").
bool redaction_applies(const events::Pdu& redaction, const storage::EventRecord* original,
                       const events::Pdu* create, const events::Pdu* power_levels) {
  if (!original || original->room_id != redaction.room_id() || original->outlier) return false;
  const auto server_of = [](const std::string& user) {
    return user.substr(std::min(user.find(':'), user.size()));
  };
  if (server_of(original->sender) == server_of(redaction.sender())) return true;
  auto levels = auth::PowerLevels(redaction.room_version(), create, power_levels);
  return levels.user_level(redaction.sender()) >= levels.redact_level();
}

// Everything accept_remote_event decided on a database thread: the outcome, what to store and,
// when accepted, the room after the event.
struct Decision {
  RemoteEventOutcome outcome;
  std::shared_ptr<storage::NewEvent> write;  // null: nothing to store
  std::shared_ptr<RoomState> next;           // accepted: the room after it
  std::shared_ptr<const events::Pdu> redacted_original;
};

Decision rejected(const events::Pdu& pdu, const std::string& why) {
  log::info("federation", "{} in {} rejected: {}", pdu.event_id(), pdu.room_id(), why);
  return {outcome_of(Kind::kRejected, why), outlier_write(pdu, "rejected: " + why), nullptr, {}};
}

struct DecideInput {
  storage::Store& store;
  const RoomState& room;
  PduPtr pdu;
  std::atomic<std::int64_t>& last_state_group;
  std::string server_name;
};

// The common case, an event on top of the room's only extremity: the state before it is the
// room's current state, already in memory, so no state group is read and no full state map is
// built or compared (a room with 50,000 state events would pay ~0.3 s per event otherwise).
Decision decide_on_head(const DecideInput& in, StoredEvents& events) {
  const events::Pdu& pdu = *in.pdu;
  const RoomState& room = in.room;
  if (auto allowed = auth::check_auth(pdu, room.auth_state()); !allowed) {
    return rejected(pdu, "against the state before it: " + allowed.error());
  }
  Decision decision;
  auto write = std::make_shared<storage::NewEvent>();
  decision.write = write;
  write->event = record_of(pdu);
  if (auto* url = pdu.content().if_contains("url")) write->contains_url = url->is_string();
  auto next = std::make_shared<RoomState>(room);
  if (pdu.is_state()) {
    const auth::StateKey key{pdu.type(), *pdu.state_key()};
    if (const events::Pdu* replaced = room.find(key.first, key.second)) {
      write->event.unsigned_json = replaced_state_unsigned(*replaced);
    }
    auto state = std::make_shared<services::StateMap>(*room.state);
    (*state)[key] = in.pdu;
    storage::NewStateGroup group;
    group.id = ++in.last_state_group;
    if (room.chain_length < kMaxStateChain) {
      group.prev_group = room.state_group;
      group.chain_length = room.chain_length + 1;
      group.entries.emplace(key, pdu.event_id());
    } else {
      for (const auto& [slot, event] : *state) group.entries.emplace(slot, event->event_id());
    }
    next->set_state(std::move(state));
    next->state_group = group.id;
    next->chain_length = group.chain_length;
    write->event.state_group = group.id;
    write->state_group = std::move(group);
    if (pdu.type() == "m.room.member") {
      write->membership = std::string(pdu.membership());
      next->index_members(in.server_name);
    }
  } else {
    write->event.state_group = room.state_group;
  }
  write->prev_extremities = {room.extremities.front().event_id};
  next->extremities = {extremity_of(pdu, *room.version)};
  if (pdu.redacts() &&
      redaction_applies(pdu, events.record(*pdu.redacts()), room.find("m.room.create", ""),
                        room.find("m.room.power_levels", ""))) {
    write->redacts = *pdu.redacts();
  }
  decision.next = std::move(next);
  decision.outcome = outcome_of(Kind::kAccepted);
  return decision;
}

Decision decide(DecideInput in) {
  const events::Pdu& pdu = *in.pdu;
  const RoomState& room = in.room;
  const RoomVersion& version = *room.version;
  StoredEvents events(in.store, version);
  // Known already — unless only as a plain outlier (an auth event fetched earlier, a joined
  // room's old state): then it joins the timeline now, as Synapse de-outliers it.
  if (const storage::EventRecord* known = events.record(pdu.event_id());
      known && !(known->outlier && !known->rejection && known->state_group == 0)) {
    return {outcome_of(Kind::kDuplicate), nullptr, nullptr, {}};
  }

  std::vector<std::string> missing;
  auto by_auth_events = check_against_auth_events(pdu, events, missing);
  if (!missing.empty()) {
    return {outcome_of(Kind::kMissingAuthEvents, "unknown auth events", std::move(missing)),
            nullptr,
            nullptr,
            {}};
  }
  if (!by_auth_events) return rejected(pdu, "against its auth events: " + by_auth_events.error());

  if (pdu.prev_events().size() == 1 && room.extremities.size() == 1 &&
      room.extremities[0].event_id == pdu.prev_events()[0] && room.state_group != 0) {
    const storage::EventRecord* head = events.record(pdu.prev_events()[0]);
    if (head && head->state_group == room.state_group && !events.is_rejected(head->event_id)) {
      return decide_on_head(in, events);
    }
  }

  // Step 5: the state before the event, from the state after each of its prev_events.
  std::vector<StateIds> sets;
  std::vector<std::int64_t> prev_groups;
  std::vector<std::string> missing_prev;
  for (const std::string& id : pdu.prev_events()) {
    const storage::EventRecord* prev = events.record(id);
    if (prev && events.is_rejected(id)) continue;  // a rejected event adds no state
    if (!prev || prev->state_group == 0) {         // unknown, or an outlier: no state here
      missing_prev.push_back(id);
      continue;
    }
    prev_groups.push_back(prev->state_group);
    sets.push_back(to_state_map(in.store.events.state_group_entries(prev->state_group)));
  }
  if (!missing_prev.empty()) {
    return {outcome_of(Kind::kMissingPrevEvents, "unknown prev events", std::move(missing_prev)),
            nullptr,
            nullptr,
            {}};
  }
  if (sets.empty()) return rejected(pdu, "none of its prev events has a known state");
  StateIds before;
  if (sets.size() == 1) {
    before = std::move(sets.front());
  } else {
    auto resolved = state_res::resolve_state(version, sets, events);
    if (!resolved) return rejected(pdu, "its prev events' states do not resolve");
    before = std::move(*resolved);
  }
  if (auto allowed = auth::check_auth(pdu, auth_state_from(pdu, before, events)); !allowed) {
    return rejected(pdu, "against the state before it: " + allowed.error());
  }

  Decision decision;
  auto write = std::make_shared<storage::NewEvent>();
  decision.write = write;
  write->event = record_of(pdu);
  if (auto* url = pdu.content().if_contains("url")) write->contains_url = url->is_string();
  StateIds after = before;
  if (pdu.is_state()) {
    const auth::StateKey key{pdu.type(), *pdu.state_key()};
    if (auto it = before.find(key); it != before.end()) {
      if (const events::Pdu* replaced = events.find(it->second)) {
        write->event.unsigned_json = replaced_state_unsigned(*replaced);
      }
    }
    after[key] = pdu.event_id();
  }

  // The state group of the state after the event: a delta on top of the room's when the event
  // extends its only extremity, the prev event's own for a message, else a full snapshot.
  const bool extends_head = pdu.prev_events().size() == 1 && room.extremities.size() == 1 &&
                            room.extremities[0].event_id == pdu.prev_events()[0] &&
                            room.state_group != 0;
  int chain_length = kMaxStateChain;
  if (!pdu.is_state() && prev_groups.size() == 1) {
    write->event.state_group = prev_groups.front();
    chain_length = extends_head ? room.chain_length : kMaxStateChain;
  } else {
    storage::NewStateGroup group;
    group.id = ++in.last_state_group;
    if (extends_head && pdu.is_state() && room.chain_length < kMaxStateChain) {
      group.prev_group = room.state_group;
      group.chain_length = room.chain_length + 1;
      group.entries.emplace(auth::StateKey{pdu.type(), *pdu.state_key()}, pdu.event_id());
    } else {
      for (const auto& [slot, event_id] : after) group.entries.emplace(slot, event_id);
    }
    chain_length = group.chain_length;
    write->event.state_group = group.id;
    write->state_group = std::move(group);
  }

  // Step 6: soft failure against the current state.
  if (auto allowed = auth::check_auth(pdu, room.auth_state()); !allowed) {
    log::info("federation", "{} in {} soft-failed: {}", pdu.event_id(), pdu.room_id(),
              allowed.error());
    write->event.outlier = true;  // kept with its state, out of the timeline
    write->event.rejection = "soft-failed: " + allowed.error();
    decision.outcome = outcome_of(Kind::kSoftFailed, "soft-failed: " + allowed.error());
    return decision;
  }

  // The room's new current state: the state after the event when it follows every extremity,
  // else the resolution of both — which must see the event itself, not stored yet (unknown to
  // the resolution, it would lose its slot to the state it replaces).
  events.add(in.pdu);
  const std::set<std::string> prevs(pdu.prev_events().begin(), pdu.prev_events().end());
  const bool follows_all = std::all_of(room.extremities.begin(), room.extremities.end(),
                                       [&](const auto& e) { return prevs.count(e.event_id); });
  const StateIds current = ids_of(room);
  StateIds next_state = after;
  if (!follows_all) {
    std::vector<StateIds> both{current, after};
    auto resolved = state_res::resolve_state(version, both, events);
    if (resolved) {
      next_state = std::move(*resolved);
    } else {
      log::warn("federation", "state of {} after {} does not resolve: {}", pdu.room_id(),
                pdu.event_id(), resolved.error());
      next_state = current;
    }
  }
  std::vector<storage::CurrentStateChange> changes;
  for (const auto& [slot, event_id] : next_state) {
    auto it = current.find(slot);
    if (it != current.end() && it->second == event_id) continue;
    storage::CurrentStateChange change{slot, event_id, std::nullopt};
    if (slot.first == "m.room.member") {
      const events::Pdu* member = event_id == pdu.event_id() ? &pdu : events.find(event_id);
      if (member) change.membership = std::string(member->membership());
    }
    changes.push_back(std::move(change));
  }
  const bool own_slot_only = pdu.is_state()
                                 ? changes.size() == 1 && changes.front().event_id == pdu.event_id()
                                 : changes.empty();
  if (!own_slot_only) {
    write->current_state_changes = changes;
  } else if (pdu.type() == "m.room.member") {
    write->membership = std::string(pdu.membership());
  }

  auto next = std::make_shared<RoomState>(room);
  if (!changes.empty()) {
    auto state = std::make_shared<services::StateMap>(*room.state);
    for (const storage::CurrentStateChange& change : changes) {
      PduPtr event = change.event_id == pdu.event_id() ? in.pdu : events.shared(change.event_id);
      if (event) (*state)[change.slot] = std::move(event);
    }
    next->set_state(std::move(state));
    next->index_members(in.server_name);
  }
  if (next_state == current) {
    // The room's state group stays.
  } else if (next_state == after) {
    next->state_group = write->event.state_group;
    next->chain_length = chain_length;
  } else {
    next->state_group = 0;  // no group holds the resolved state: the next local event writes one
  }
  next->extremities.clear();
  for (const RoomState::Extremity& e : room.extremities) {
    if (prevs.count(e.event_id)) {
      write->prev_extremities.push_back(e.event_id);
    } else {
      next->extremities.push_back(e);
    }
  }
  next->extremities.push_back(extremity_of(pdu, version));

  if (pdu.redacts()) {
    auto slot = [&](const char* type) {
      auto it = before.find(auth::StateKey{type, ""});
      return it == before.end() ? nullptr : events.find(it->second);
    };
    if (redaction_applies(pdu, events.record(*pdu.redacts()), slot("m.room.create"),
                          slot("m.room.power_levels"))) {
      write->redacts = *pdu.redacts();
    }
  }
  decision.next = std::move(next);
  decision.outcome = outcome_of(Kind::kAccepted);
  return decision;
}

}  // namespace

asio::awaitable<RemoteEventOutcome> RoomService::accept_remote_event(PduPtr pdu) {
  const std::string room_id = pdu->room_id();
  async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
  RoomStatePtr current = co_await room(room_id);
  if (!current) co_return outcome_of(Kind::kUnknownRoom, "this server does not hold the room");
  if (current->version->id != pdu->room_version().id) {
    co_return outcome_of(Kind::kRejected, "not of the room's version");
  }
  storage::Store& store = ctx_.store;
  // (No aggregate with references built in the coroutine frame: g++ 12 miscompiles that.)
  std::string server = ctx_.server_name();
  std::atomic<std::int64_t>* state_groups = &last_state_group_;
  auto run = [&store, current, pdu, state_groups, server] {
    return decide(DecideInput{store, *current, pdu, *state_groups, server});
  };
  Decision decision = co_await ctx_.db(std::move(run));
  if (!decision.write) co_return decision.outcome;

  const bool accepted = decision.outcome.kind == Kind::kAccepted;
  PushActionsFn push = accepted && !pdu->is_state() ? push_actions_ : PushActionsFn();
  RoomStatePtr after = decision.next;
  auto prepare = [push, after, pdu](storage::NewEvent& event) {
    if (push) event.push_actions = *push(*after, *pdu, true);
  };
  EventPersister::Job job{std::move(prepare), decision.write};
  storage::EventStore::PersistOutcome persisted = co_await persister_.persist(std::move(job));
  if (persisted.existing_event_id) co_return outcome_of(Kind::kDuplicate);
  if (!accepted) co_return decision.outcome;

  if (decision.write->redacts) apply_redaction_to_state(*decision.next, *decision.write->redacts);
  cache_.put(decision.next);
  std::vector<std::string> wake = decision.next->joined_local_users;
  if (pdu->type() == "m.room.member" && is_local(*pdu->state_key(), ctx_.server_name())) {
    wake.push_back(*pdu->state_key());
  }
  ctx_.notifier.notify(wake);
  decision.outcome.position = persisted.position;
  co_return decision.outcome;
}

asio::awaitable<void> RoomService::store_outliers(std::vector<PduPtr> events) {
  if (events.empty()) co_return;
  storage::Store& store = ctx_.store;
  auto write = [&store, events = std::move(events)]() mutable {
    StoredEvents known(store, events.front()->room_version());
    for (const PduPtr& event : events) known.add(event);
    std::unordered_set<std::string> written;
    auto writes = outlier_writes(store, known, std::move(events), written);
    std::vector<const storage::NewEvent*> batch;
    for (const auto& w : writes) batch.push_back(w.get());
    if (!batch.empty()) store.events.persist_all(batch);
  };
  co_await ctx_.db(std::move(write));
}

asio::awaitable<bool> RoomService::accept_state_at_gap(PduPtr event, std::vector<PduPtr> state,
                                                       std::vector<PduPtr> auth_chain) {
  async::KeyedMutex::Guard guard = co_await locks_.lock(event->room_id());
  storage::Store& store = ctx_.store;
  auto accept = [&, this]() -> bool {
    StoredEvents known(store, event->room_version());
    auto writes = state_and_chain_writes(store, known, state, auth_chain);

    StateIds before;
    for (const PduPtr& e : state) {
      if (!e->state_key() || known.is_rejected(e->event_id())) continue;
      before[{e->type(), *e->state_key()}] = e->event_id();
    }
    std::vector<std::string> missing;
    if (auto allowed = check_against_auth_events(*event, known, missing); !allowed) {
      log::info("federation", "{} after a gap fails against its auth events: {}", event->event_id(),
                allowed.error());
      return false;
    }
    if (auto allowed = auth::check_auth(*event, auth_state_from(*event, before, known)); !allowed) {
      log::info("federation", "{} after a gap fails against the state before it: {}",
                event->event_id(), allowed.error());
      return false;
    }
    StateIds after = std::move(before);
    if (event->is_state()) after[{event->type(), *event->state_key()}] = event->event_id();
    auto write = std::make_shared<storage::NewEvent>();
    write->event = record_of(*event);
    write->event.outlier = true;
    storage::NewStateGroup group;
    group.id = ++last_state_group_;
    for (const auto& [slot, event_id] : after) group.entries.emplace(slot, event_id);
    write->event.state_group = group.id;
    write->state_group = std::move(group);
    std::vector<const storage::NewEvent*> batch;
    for (const auto& w : writes) batch.push_back(w.get());
    batch.push_back(write.get());
    store.events.persist_all(batch);
    return true;
  };
  co_return co_await ctx_.db(std::move(accept));
}

asio::awaitable<SendResult> RoomService::adopt_remote_room(std::string room_id,
                                                           const RoomVersion* version,
                                                           std::vector<PduPtr> state,
                                                           std::vector<PduPtr> auth_chain,
                                                           PduPtr join_event) {
  async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto adopt = [&, this]() -> std::pair<std::shared_ptr<RoomState>, std::int64_t> {
    StoredEvents known(store, *version);
    auto writes = state_and_chain_writes(store, known, state, auth_chain);

    // The room's state: every state event that passed the auth rules against its auth events.
    auto room = std::make_shared<RoomState>();
    room->room_id = room_id;
    room->version = version;
    auto slots = std::make_shared<services::StateMap>();
    StateIds ids;
    const events::Pdu* create = nullptr;
    for (const PduPtr& event : state) {
      if (!event->state_key() || known.is_rejected(event->event_id())) continue;
      (*slots)[{event->type(), *event->state_key()}] = event;
      ids[{event->type(), *event->state_key()}] = event->event_id();
      if (event->type() == "m.room.create") create = event.get();
    }
    if (!create) throw MatrixError::unknown_bad_gateway("The room's state has no create event");
    std::vector<std::string> missing;
    if (auto allowed = check_against_auth_events(*join_event, known, missing); !allowed) {
      throw MatrixError(ErrCode::kForbidden,
                        "The join event fails the auth rules against its "
                        "auth events: " +
                            allowed.error());
    }
    if (auto allowed = auth::check_auth(*join_event, auth_state_from(*join_event, ids, known));
        !allowed) {
      throw MatrixError(
          ErrCode::kForbidden,
          "The join event fails the auth rules against the room's state: " + allowed.error());
    }
    (*slots)[{"m.room.member", *join_event->state_key()}] = join_event;
    ids[{"m.room.member", *join_event->state_key()}] = join_event->event_id();
    room->set_state(slots);
    room->index_members(ctx_.server_name());

    auto join = std::make_shared<storage::NewEvent>();
    join->event = record_of(*join_event);
    storage::NewStateGroup group;
    group.id = ++last_state_group_;
    std::vector<storage::CurrentStateChange> changes;
    for (const auto& [slot, event_id] : ids) {
      group.entries.emplace(slot, event_id);
      storage::CurrentStateChange change{slot, event_id, std::nullopt};
      if (slot.first == "m.room.member") {
        change.membership = std::string((*slots)[slot]->membership());
      }
      changes.push_back(std::move(change));
    }
    join->event.state_group = group.id;
    join->state_group = std::move(group);
    join->current_state_changes = std::move(changes);
    join->replace_current_state = true;
    join->prev_extremities = store.events.forward_extremities(room_id);
    room->state_group = join->event.state_group;
    room->chain_length = 0;
    room->extremities = {extremity_of(*join_event, *version)};

    if (!store.rooms.room(room_id)) {
      store.rooms.create_room({room_id, std::string(version->id), create->sender(), false, now});
    }
    std::vector<const storage::NewEvent*> batch;
    for (const auto& w : writes) batch.push_back(w.get());
    batch.push_back(join.get());
    auto outcomes = store.events.persist_all(batch);  // the join and its state, all or none
    return {room, outcomes.back().position};
  };
  auto [room, position] = co_await ctx_.db(std::move(adopt));
  cache_.put(room);
  std::vector<std::string> wake = room->joined_local_users;
  ctx_.notifier.notify(wake);
  co_return SendResult{join_event->event_id(), position};
}

asio::awaitable<void> RoomService::record_remote_invite(PduPtr event, bj::array stripped_state) {
  if (event->type() != "m.room.member" || !event->state_key()) co_return;
  // A room with local members here gets the invite through the inviting server's transaction,
  // as a timeline event; recording it now as well would make that one a duplicate.
  if (RoomStatePtr held = co_await room(event->room_id());
      held && !held->joined_local_users.empty()) {
    co_return;
  }
  auto write = outlier_write(*event, std::nullopt);
  write->membership = std::string(event->membership());
  if (event->membership() == "invite") {
    write->invite_stripped_state_json = bj::serialize(stripped_state);
  }
  storage::Store& store = ctx_.store;
  auto persist = [&store, write] { store.events.persist(*write); };  // named: g++ 12 (README)
  co_await ctx_.db(std::move(persist));
  std::vector<std::string> wake{*event->state_key()};
  ctx_.notifier.notify(wake);
}

}  // namespace myelin::services
