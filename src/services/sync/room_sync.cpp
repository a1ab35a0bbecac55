#include "services/sync/room_sync.hpp"

#include <algorithm>
#include <set>

#include "services/common/client_event.hpp"
#include "services/filter/event_fields.hpp"
#include "services/filter/filter_match.hpp"
#include "services/filter/lazy_members.hpp"
#include "services/rooms/timeline_pages.hpp"
#include "services/rooms/visibility.hpp"
#include "services/sync/sync_token.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

// Synapse's default timeline limit; the cap keeps a client from asking for the whole room.
constexpr std::int64_t kDefaultTimelineLimit = 10;
constexpr std::int64_t kMaxTimelineLimit = 1000;

struct Timeline {
  std::vector<storage::EventRecord> events;
  bool limited = false;
  std::int64_t start = 0;  // the position before the first event (prev_batch)
};

Timeline load_timeline(const RoomSyncInput& in, const RoomState& room, std::int64_t to,
                       const std::string& membership) {
  const filter::RoomEventFilter& f = in.filter.room.timeline;
  const auto limit = static_cast<std::size_t>(f.limit_or(kDefaultTimelineLimit, kMaxTimelineLimit));
  Timeline timeline;
  // A whole room (since 0) reaches back into back-filled history, below position 0, as /messages
  // does; an incremental sync never covers it.
  const std::int64_t from = in.since == 0 ? kTimelineStart : in.since;
  std::vector<storage::EventRecord> events = in.store.events.room_events(
      room.room_id, from, to, limit + 1, storage::Direction::kBackwards);
  if (events.size() > limit) {
    timeline.limited = true;
    events.erase(events.begin());
  }
  timeline.start = events.empty() ? to : events.front().stream_ordering - 1;
  if (in.since == 0) {
    events = visible_events(in.store, in.user_id, membership, std::move(events));
  }
  for (storage::EventRecord& e : events) {
    if (filter::matches(f, e.room_id, e.type, e.sender, false)) {
      timeline.events.push_back(std::move(e));
    }
  }
  return timeline;
}

std::vector<storage::EventRecord> load_state(const RoomSyncInput& in, const RoomState& room,
                                             const Timeline& timeline) {
  std::set<std::string> in_timeline;
  for (const auto& e : timeline.events) in_timeline.insert(e.event_id);

  std::vector<std::string> ids;
  const bool whole_state = in.since == 0 || in.full_state;
  if (whole_state) {
    const bool lazy = in.filter.lazy_load_members() && !in.full_state;
    std::set<std::string> wanted_members;
    if (lazy) {
      std::vector<filter::TimelineEventRef> refs;
      for (const auto& e : timeline.events) {
        refs.push_back({e.event_id, e.sender, e.type, e.state_key});
      }
      for (std::string& key : filter::lazy_member_state_keys(refs, in.user_id)) {
        wanted_members.insert(std::move(key));
      }
    }
    for (const auto& [key, pdu] : *room.state) {
      if (lazy && key.first == "m.room.member" && !wanted_members.count(key.second)) continue;
      if (!in_timeline.count(pdu->event_id())) ids.push_back(pdu->event_id());
    }
  } else if (timeline.limited) {
    for (std::string& id :
         in.store.events.current_state_changed(room.room_id, in.since, timeline.start)) {
      if (!in_timeline.count(id)) ids.push_back(std::move(id));
    }
  }
  std::vector<storage::EventRecord> state;
  for (storage::EventRecord& e : in.store.events.events(ids)) {
    if (filter::matches(in.filter.room.state, e.room_id, e.type, e.sender, false)) {
      state.push_back(std::move(e));
    }
  }
  return state;
}

bj::object receipts_event(const std::vector<storage::ReceiptRecord>& receipts,
                          const std::string& viewer) {
  bj::object content;
  for (const storage::ReceiptRecord& r : receipts) {
    // Private receipts are for their owner only (spec "Private read receipts").
    if (r.receipt_type == "m.read.private" && r.user_id != viewer) continue;
    bj::object receipt{{"ts", r.ts}};
    if (!r.thread_id.empty()) receipt["thread_id"] = r.thread_id;
    bj::value& by_type = content[r.event_id];
    if (!by_type.is_object()) by_type = bj::object{};
    bj::value& by_user = by_type.as_object()[r.receipt_type];
    if (!by_user.is_object()) by_user = bj::object{};
    by_user.as_object()[r.user_id] = std::move(receipt);
  }
  return content;
}

bj::object summary(const RoomState& room, const std::string& viewer) {
  std::int64_t joined = 0;
  std::int64_t invited = 0;
  bj::array heroes;
  for (auto it = room.state->lower_bound(auth::StateKey("m.room.member", ""));
       it != room.state->end() && it->first.first == "m.room.member"; ++it) {
    std::string_view membership = it->second->membership();
    if (membership == "join") ++joined;
    if (membership == "invite") ++invited;
    if ((membership == "join" || membership == "invite") && it->first.second != viewer &&
        heroes.size() < 5) {
      heroes.emplace_back(it->first.second);
    }
  }
  bj::object result{{"m.joined_member_count", joined}, {"m.invited_member_count", invited}};
  if (!room.find("m.room.name", "") && !room.find("m.room.canonical_alias", "")) {
    result["m.heroes"] = std::move(heroes);
  }
  return result;
}

}  // namespace

bj::array render_events(storage::Store& store, const RoomVersion& version,
                        const std::vector<storage::EventRecord>& events,
                        const std::string& viewer_user, const std::string& viewer_device,
                        std::int64_t now_ms, bool include_room_id) {
  bj::array rendered;
  rendered.reserve(events.size());
  for (const storage::EventRecord& e : events) {
    ClientEventOptions options;
    options.now_ms = now_ms;
    options.viewer_user_id = viewer_user;
    options.viewer_device_id = viewer_device;
    options.include_room_id = include_room_id;
    std::optional<storage::EventRecord> redaction;
    if (e.redacted_by) {
      redaction = store.events.event(*e.redacted_by);
      if (redaction) options.redaction = &*redaction;
    }
    rendered.push_back(client_event(e, version, options));
  }
  return rendered;
}

namespace {

// Events for the sync response, cut down to the filter's event_fields when it names any.
bj::array render_sync_events(const RoomSyncInput& in, const RoomState& room,
                             const std::vector<storage::EventRecord>& events) {
  bj::array rendered =
      render_events(in.store, *room.version, events, in.user_id, in.device_id, in.now_ms, false);
  if (!in.filter.event_fields || in.filter.event_fields->empty()) return rendered;
  for (bj::value& event : rendered) {
    event = filter::project_event_fields(event.as_object(), *in.filter.event_fields);
  }
  return rendered;
}

}  // namespace

RoomSyncResult joined_room_sync(const RoomSyncInput& in, const RoomState& room) {
  RoomSyncResult result;
  Timeline timeline = load_timeline(in, room, in.to, "join");
  std::vector<storage::EventRecord> state = load_state(in, room, timeline);

  bj::object section;
  section["timeline"] = bj::object{{"events", render_sync_events(in, room, timeline.events)},
                                   {"limited", timeline.limited},
                                   {"prev_batch", pagination_token(timeline.start)}};
  section["state"] = bj::object{{"events", render_sync_events(in, room, state)}};

  bj::array ephemeral;
  const std::uint64_t typing_since = in.since == 0 ? 0 : in.typing_since;
  if (auto typing = in.typing.changed_between(room.room_id, typing_since, in.typing_upto)) {
    if (in.since != 0 || !typing->empty()) {
      bj::array users;
      for (const std::string& u : *typing) users.emplace_back(u);
      ephemeral.push_back(
          bj::object{{"type", "m.typing"}, {"content", bj::object{{"user_ids", users}}}});
    }
  }
  auto receipts = in.store.user_data.receipts_since(room.room_id, in.since, in.to);
  if (!receipts.empty()) {
    bj::object content = receipts_event(receipts, in.user_id);
    if (!content.empty()) {
      ephemeral.push_back(bj::object{{"type", "m.receipt"}, {"content", std::move(content)}});
    }
  }
  const bool has_ephemeral = !ephemeral.empty();
  section["ephemeral"] = bj::object{{"events", std::move(ephemeral)}};

  const std::int64_t read_up_to = in.store.user_data.read_position(in.user_id, room.room_id);
  auto [notifications, highlights] =
      in.store.events.unread_counts(in.user_id, room.room_id, read_up_to);
  section["unread_notifications"] =
      bj::object{{"notification_count", notifications}, {"highlight_count", highlights}};
  section["summary"] = summary(room, in.user_id);
  section["account_data"] = bj::object{{"events", bj::array{}}};

  result.has_updates = in.since == 0 || !timeline.events.empty() || !state.empty() || has_ephemeral;
  result.section = std::move(section);
  return result;
}

RoomSyncResult left_room_sync(const RoomSyncInput& in, const RoomState& room,
                              std::int64_t left_at) {
  RoomSyncResult result;
  Timeline timeline = load_timeline(in, room, left_at, "leave");
  bj::object section;
  section["timeline"] = bj::object{{"events", render_sync_events(in, room, timeline.events)},
                                   {"limited", timeline.limited},
                                   {"prev_batch", pagination_token(timeline.start)}};
  section["state"] = bj::object{{"events", bj::array{}}};
  section["account_data"] = bj::object{{"events", bj::array{}}};
  result.has_updates = true;
  result.section = std::move(section);
  return result;
}

}  // namespace myelin::services
