#include "protocol/state_res/resolve_v1.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "protocol/auth/auth_rules.hpp"
#include "protocol/auth/auth_state.hpp"
#include "protocol/crypto/sha1.hpp"

namespace myelin::state_res {
namespace {

struct Candidate {
  const events::Pdu* event;
  std::string sha1;  // of the event ID, the spec's tie-break
};

// The resolved state so far (R), as event IDs viewed in the input maps.
using Resolved = std::map<auth::StateKey, std::string_view, std::less<>>;
using Conflicts = std::map<auth::StateKey, std::vector<Candidate>, std::less<>>;

// R restricted to the slots the event's authorisation reads.
auth::AuthState auth_state_in(const Resolved& resolved, const events::Pdu& event,
                              const EventSource& events) {
  auth::AuthState state;
  for (const auth::StateKey& key :
       auth::auth_types_for_event(event.room_version(), event.type(), event.sender(),
                                  event.state_key(), event.content())) {
    auto it = resolved.find(key);
    if (it == resolved.end()) continue;
    if (const events::Pdu* pdu = events.find(it->second)) state.emplace(key, pdu);
  }
  return state;
}

bool allowed_in(const Resolved& resolved, const events::Pdu& event, const EventSource& events) {
  return auth::check_auth(event, auth_state_in(resolved, event, events)).has_value();
}

// Power levels, join rules and memberships: ascending depth, then descending sha1. The first is
// taken; each later one replaces it while the auth rules allow it in R, until one does not.
void resolve_auth_slot(Resolved& resolved, const auth::StateKey& key,
                       std::vector<Candidate>& candidates, const EventSource& events) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.event->depth() != y.event->depth()) return x.event->depth() < y.event->depth();
    return x.sha1 > y.sha1;
  });
  resolved.insert_or_assign(key, candidates.front().event->event_id());
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    if (!allowed_in(resolved, *candidates[i].event, events)) break;
    resolved.insert_or_assign(key, candidates[i].event->event_id());
  }
}

// Other slots: the highest depth, then lowest sha1, that passes auth in R. When none does, the
// last (lowest) one, as the reference implementation does, so the slot does not vanish; the spec
// leaves that case open.
void resolve_other_slot(Resolved& resolved, const auth::StateKey& key,
                        std::vector<Candidate>& candidates, const EventSource& events) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    if (x.event->depth() != y.event->depth()) return x.event->depth() > y.event->depth();
    return x.sha1 < y.sha1;
  });
  for (const Candidate& candidate : candidates) {
    if (allowed_in(resolved, *candidate.event, events)) {
      resolved.insert_or_assign(key, candidate.event->event_id());
      return;
    }
  }
  resolved.insert_or_assign(key, candidates.back().event->event_id());
}

}  // namespace

Expected<StateMap> resolve_v1(const RoomVersion& version, std::span<const StateMap> state_sets,
                              const EventSource& events) {
  (void)version;  // v1 is only room version 1; the events carry their version for the auth rules
  std::map<auth::StateKey, std::vector<std::string_view>, std::less<>> by_slot;
  for (const StateMap& set : state_sets) {
    for (const auto& [key, event_id] : set) {
      std::vector<std::string_view>& ids = by_slot[key];
      if (std::find(ids.begin(), ids.end(), event_id) == ids.end()) ids.push_back(event_id);
    }
  }
  Resolved resolved;
  Conflicts conflicts;
  for (const auto& [key, ids] : by_slot) {
    if (ids.size() == 1) {
      resolved.emplace(key, ids.front());
      continue;
    }
    std::vector<Candidate>& candidates = conflicts[key];
    for (std::string_view id : ids) {
      const events::Pdu* event = events.find(id);
      if (!event) return fail("state resolution: unknown event " + std::string(id));
      candidates.push_back({event, crypto::sha1_hex(id)});
    }
  }

  for (std::string_view type : {"m.room.power_levels", "m.room.join_rules", "m.room.member"}) {
    for (auto& [key, candidates] : conflicts) {
      if (key.first == type) resolve_auth_slot(resolved, key, candidates, events);
    }
  }
  for (auto& [key, candidates] : conflicts) {
    if (key.first != "m.room.power_levels" && key.first != "m.room.join_rules" &&
        key.first != "m.room.member") {
      resolve_other_slot(resolved, key, candidates, events);
    }
  }

  StateMap result;
  for (const auto& [key, event_id] : resolved) result.emplace(key, std::string(event_id));
  return result;
}

}  // namespace myelin::state_res
