#include "services/filter/lazy_members.hpp"

#include <algorithm>
#include <unordered_set>

namespace myelin::filter {
namespace {

constexpr std::string_view kMemberType = "m.room.member";

bool is_member_event(const TimelineEventRef& event) {
  return event.type == kMemberType && event.state_key.has_value();
}

}  // namespace

std::vector<std::string> lazy_member_state_keys(std::span<const TimelineEventRef> timeline,
                                                std::string_view own_user_id) {
  std::vector<std::string> keys;
  std::unordered_set<std::string_view> chosen;
  // Members whose m.room.member event has already gone by in this timeline.
  std::unordered_set<std::string_view> in_timeline;
  for (const TimelineEventRef& event : timeline) {
    // Checked before this event's own state counts: a join's sender needs the state before it.
    if (!in_timeline.contains(event.sender) && chosen.insert(event.sender).second) {
      keys.emplace_back(event.sender);
    }
    if (is_member_event(event)) in_timeline.insert(*event.state_key);
  }
  if (!own_user_id.empty() && !chosen.contains(own_user_id)) keys.emplace_back(own_user_id);
  return keys;
}

std::vector<MemberEventRef> drop_redundant_members(const RoomEventFilter& filter,
                                                   std::vector<MemberEventRef> loaded,
                                                   const SentMembers& sent) {
  if (!filter.lazy_load_members || filter.include_redundant_members) return loaded;
  std::erase_if(loaded, [&sent](const MemberEventRef& member) {
    auto known = sent.find(member.user_id);
    return known != sent.end() && known->second == member.event_id;
  });
  return loaded;
}

void remember_sent_members(SentMembers& sent, std::span<const MemberEventRef> state_members,
                           std::span<const TimelineEventRef> timeline) {
  for (const MemberEventRef& member : state_members) sent[member.user_id] = member.event_id;
  for (const TimelineEventRef& event : timeline) {
    if (is_member_event(event)) sent[std::string(*event.state_key)] = std::string(event.event_id);
  }
}

}  // namespace myelin::filter
