#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "services/filter/filter.hpp"

namespace myelin::filter {

// Lazy-loading room members (spec client-server "Lazy-loading room members"), in three steps a
// caller runs per room:
//
//   1. lazy_member_state_keys(timeline, own user): whose m.room.member state to load;
//   2. load those members' membership event IDs from the state the response carries, and keep
//      the non-redundant ones: drop_redundant_members(filter, loaded, sent);
//   3. after building the response, remember_sent_members(sent, members sent, timeline).
//
// The caller owns SentMembers, one per (user, device, room), and clears it when a client starts
// a new sync sequence (a /sync without `since`): that client may have forgotten everything.
// /messages and /context may skip steps 2 and 3 (Synapse does), sending every sender's member
// event each time; the spec allows redundant membership events.

// One timeline event, as much of it as lazy loading looks at.
struct TimelineEventRef {
  std::string_view event_id;
  std::string_view sender;
  std::string_view type;
  std::optional<std::string_view> state_key;  // set for state events
};

// The m.room.member event a response would carry for one user.
struct MemberEventRef {
  std::string user_id;   // the state key
  std::string event_id;  // of the membership event

  bool operator==(const MemberEventRef&) const = default;
};

// user ID -> event ID of the m.room.member event the client was last sent for that user.
using SentMembers = std::unordered_map<std::string, std::string>;

// The state keys of the m.room.member events to include with `timeline` (in order, oldest
// first): every sender, except one whose membership event appeared earlier in the same
// timeline (the client gets it there); plus `own_user_id`, when not empty, so a client always
// learns its own membership (/sync passes the syncing user; /messages passes ""). No
// duplicates; order of first need. Only meaningful when the filter has lazy_load_members.
std::vector<std::string> lazy_member_state_keys(std::span<const TimelineEventRef> timeline,
                                                std::string_view own_user_id);

// The member events to send out of `loaded` (step 2); for /sync the filter is the Filter's
// room.state (see Filter::lazy_load_members). All of them when the filter does not
// lazy-load or asks for include_redundant_members; otherwise those whose event differs from
// the one `sent` records for that user (a member whose membership has not changed since the
// client was sent it is redundant).
std::vector<MemberEventRef> drop_redundant_members(const RoomEventFilter& filter,
                                                   std::vector<MemberEventRef> loaded,
                                                   const SentMembers& sent);

// Records what a response carried (step 3): the member events in its state and every
// m.room.member event in its timeline (later ones win).
void remember_sent_members(SentMembers& sent, std::span<const MemberEventRef> state_members,
                           std::span<const TimelineEventRef> timeline);

}  // namespace myelin::filter
