// RoomService: a room's history before what this server holds — /messages pages, the gaps before
// the oldest events, and events backfilled from other servers (spec server-server API
// "Backfilling and retrieving missing events").
#include <algorithm>
#include <map>
#include <set>

#include "base/log.hpp"
#include "protocol/auth/power_levels.hpp"
#include "services/rooms/remote_event_checks.hpp"
#include "services/rooms/room_service.hpp"
#include "services/rooms/stored_events.hpp"

namespace myelin::services {

namespace {

// How many of the oldest timeline events are looked at for gaps (a fork near the start leaves
// several); how many rounds of fetching one /messages call may wait for.
constexpr std::size_t kGapScan = 20;
constexpr int kHistoryRounds = 3;
// Events asked for per round: at least a screenful, at most Synapse's /backfill cap.
constexpr std::int64_t kMinBackfill = 20;
constexpr std::int64_t kMaxBackfill = 100;

// The state group that backfilled events without a known state get: the state just before the
// room's oldest timeline event — its group without its own slot when it is a state event that
// still holds it (what was there before it is unknown here). For the first batch that event is
// our join, so the local user is not a member in that state. `group` is set when it is new.
struct HistoryGroup {
  std::int64_t id = 0;
  std::optional<storage::NewStateGroup> group;
};

HistoryGroup history_group(storage::Store& store, const std::string& room_id,
                           std::atomic<std::int64_t>& last_state_group) {
  auto oldest = store.events.room_events(room_id, kTimelineStart, INT64_MAX, 1,
                                         storage::Direction::kForwards);
  if (oldest.empty() || oldest.front().state_group == 0) return {};
  const storage::EventRecord& first = oldest.front();
  if (!first.state_key) return {first.state_group, std::nullopt};
  storage::StateEntries entries = store.events.state_group_entries(first.state_group);
  auto own = entries.find({first.type, *first.state_key});
  if (own == entries.end() || own->second != first.event_id) return {first.state_group, {}};
  entries.erase(own);
  storage::NewStateGroup group{++last_state_group, std::nullopt, 0, std::move(entries)};
  return {group.id, std::move(group)};
}

// Whether `redaction` takes effect on `original` (spec rooms v3+ "Redactions"): the same server
// sent both, or the redaction's sender may redact anyone's events by the power levels among its
// auth events.
bool may_redact(const events::Pdu& redaction, const events::Pdu& original,
                const StoredEvents& known) {
  if (original.room_id() != redaction.room_id()) return false;
  const auto server_of = [](const std::string& user) {
    return user.substr(std::min(user.find(':'), user.size()));
  };
  if (server_of(original.sender()) == server_of(redaction.sender())) return true;
  const events::Pdu* create = nullptr;
  const events::Pdu* levels = nullptr;
  for (const std::string& id : redaction.auth_events()) {
    const events::Pdu* event = known.find(id);
    if (event && event->type() == "m.room.create") create = event;
    if (event && event->type() == "m.room.power_levels") levels = event;
  }
  if (!create) create = known.find(create_event_id_for_room(redaction.room_id()));  // v12
  const auth::PowerLevels power(redaction.room_version(), create, levels);
  return power.user_level(redaction.sender()) >= power.redact_level();
}

// Redactions among back-filled history, which arrives newest first: a redaction in the batch
// marks its target when that is held or in the batch; an event in the batch is marked by a
// redaction back-filled before it.
void link_redactions(storage::Store& store, const std::string& room_id, const StoredEvents& known,
                     const std::vector<std::shared_ptr<storage::NewEvent>>& writes) {
  std::map<std::string, storage::NewEvent*> by_id;
  for (const auto& write : writes) by_id[write->event.event_id] = write.get();
  for (const auto& write : writes) {
    const events::Pdu* redaction = known.find(write->event.event_id);
    if (!redaction || !redaction->redacts()) continue;
    const events::Pdu* original = known.find(*redaction->redacts());
    if (original && may_redact(*redaction, *original, known))
      write->redacts = *redaction->redacts();
  }
  for (const storage::EventRecord& held : store.events.history_redactions(room_id)) {
    const events::Pdu* redaction = known.find(held.event_id);
    if (!redaction || !redaction->redacts()) continue;
    auto target = by_id.find(*redaction->redacts());
    if (target == by_id.end() || target->second->event.redacted_by) continue;
    const events::Pdu* original = known.find(target->first);
    if (original && may_redact(*redaction, *original, known)) {
      target->second->event.redacted_by = held.event_id;
    }
  }
}

}  // namespace

asio::awaitable<TimelinePage> RoomService::timeline_page(TimelinePageRequest request) {
  storage::Store& store = ctx_.store;
  auto read = [&store, request] { return read_timeline_page(store, request); };
  TimelinePage page = co_await ctx_.db(read);
  const bool may_fetch = request.backwards && !request.to && older_history_ != nullptr;
  const auto want = static_cast<std::size_t>(std::clamp(request.limit, kMinBackfill, kMaxBackfill));
  for (int round = 0; may_fetch && page.exhausted && round < kHistoryRounds; ++round) {
    std::vector<std::string> gaps = co_await history_gaps(request.room_id);
    if (gaps.empty()) break;
    const std::size_t added =
        co_await older_history_->fetch_older(request.room_id, std::move(gaps), want);
    if (added == 0) break;
    page = co_await ctx_.db(read);
  }
  co_return page;
}

asio::awaitable<std::vector<std::string>> RoomService::history_gaps(std::string room_id) {
  RoomStatePtr held = co_await room(room_id);
  if (!held) co_return std::vector<std::string>{};
  storage::Store& store = ctx_.store;
  const RoomVersion* version = held->version;
  auto find = [&store, room_id, version] {
    auto oldest = store.events.room_events(room_id, kTimelineStart, INT64_MAX, kGapScan,
                                           storage::Direction::kForwards);
    std::set<std::string> in_timeline;
    for (const storage::EventRecord& e : oldest) in_timeline.insert(e.event_id);
    StoredEvents known(store, *version);
    std::vector<std::string> gaps;
    for (const storage::EventRecord& e : oldest) {
      const events::Pdu* pdu = known.find(e.event_id);
      if (!pdu) continue;
      for (const std::string& prev : pdu->prev_events()) {
        if (in_timeline.count(prev)) continue;
        const storage::EventRecord* stored = known.record(prev);
        // In the timeline already, or rejected: nothing to fetch.
        if (stored && (!stored->outlier || stored->rejection)) continue;
        if (std::find(gaps.begin(), gaps.end(), prev) == gaps.end()) gaps.push_back(prev);
      }
    }
    return gaps;
  };
  co_return co_await ctx_.db(std::move(find));
}

asio::awaitable<HistoryAdded> RoomService::add_history(std::string room_id,
                                                       std::vector<PduPtr> events) {
  async::KeyedMutex::Guard guard = co_await locks_.lock(room_id);
  RoomStatePtr held = co_await room(room_id);
  if (!held || events.empty()) co_return HistoryAdded{};
  storage::Store& store = ctx_.store;
  const RoomVersion* version = held->version;
  std::atomic<std::int64_t>* state_groups = &last_state_group_;
  auto add = [&store, room_id, version, state_groups, events]() mutable {
    std::stable_sort(events.begin(), events.end(),
                     [](const PduPtr& a, const PduPtr& b) { return a->depth() < b->depth(); });
    StoredEvents known(store, *version);
    HistoryGroup group = history_group(store, room_id, *state_groups);
    HistoryAdded result;
    std::vector<std::shared_ptr<storage::NewEvent>> accepted;
    std::vector<std::shared_ptr<storage::NewEvent>> rejected;
    std::set<std::string> seen;
    for (const PduPtr& pdu : events) {
      if (pdu->room_id() != room_id || pdu->room_version().id != version->id ||
          !seen.insert(pdu->event_id()).second) {
        continue;
      }
      const storage::EventRecord* stored = known.record(pdu->event_id());
      if (stored && (!stored->outlier || stored->rejection)) continue;
      std::vector<std::string> missing;
      auto allowed = check_against_auth_events(*pdu, known, missing);
      if (!missing.empty()) {
        result.lacking_auth_events.push_back(pdu);
        continue;
      }
      if (!allowed) {
        log::info("federation", "backfilled {} in {} rejected: {}", pdu->event_id(), room_id,
                  allowed.error());
        known.add(pdu, true);
        rejected.push_back(outlier_write(*pdu, "rejected: " + allowed.error()));
        ++result.rejected;
        continue;
      }
      known.add(pdu);
      auto write = std::make_shared<storage::NewEvent>();
      write->event = record_of(*pdu);
      if (auto* url = pdu->content().if_contains("url")) write->contains_url = url->is_string();
      write->event.state_group =
          stored && stored->state_group != 0 ? stored->state_group : group.id;
      accepted.push_back(std::move(write));
    }
    link_redactions(store, room_id, known, accepted);
    std::vector<const storage::NewEvent*> newest_first;
    for (auto it = accepted.rbegin(); it != accepted.rend(); ++it)
      newest_first.push_back(it->get());
    if (!accepted.empty() && group.group) accepted.back()->state_group = std::move(group.group);
    result.added = store.events.persist_history(newest_first);
    std::vector<const storage::NewEvent*> batch;
    for (const auto& w : rejected) batch.push_back(w.get());
    if (!batch.empty()) store.events.persist_batch(batch);
    return result;
  };
  co_return co_await ctx_.db(std::move(add));
}

}  // namespace myelin::services
