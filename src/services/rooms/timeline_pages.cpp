#include "services/rooms/timeline_pages.hpp"

#include <algorithm>

#include "services/rooms/visibility.hpp"

namespace myelin::services {

TimelinePage read_timeline_page(storage::Store& store, const TimelinePageRequest& request) {
  TimelinePage page;
  const bool backwards = request.backwards;
  const std::int64_t ceiling = request.ceiling;
  std::int64_t cursor = backwards ? std::min(request.from, ceiling) : request.from;
  const std::int64_t bound = backwards ? request.to.value_or(kTimelineStart)
                                       : std::min(request.to.value_or(INT64_MAX), ceiling);
  while (static_cast<std::int64_t>(page.events.size()) < request.limit) {
    const auto want = static_cast<std::size_t>(request.limit - page.events.size());
    std::vector<storage::EventRecord> batch =
        backwards ? store.events.room_events(request.room_id, bound, cursor, want,
                                             storage::Direction::kBackwards)
                  : store.events.room_events(request.room_id, cursor, bound, want,
                                             storage::Direction::kForwards);
    if (backwards) std::reverse(batch.begin(), batch.end());
    if (batch.empty()) {
      page.exhausted = true;
      break;
    }
    cursor = backwards ? batch.back().stream_ordering - 1 : batch.back().stream_ordering;
    const bool short_batch = batch.size() < want;
    if (!request.everything_visible) {
      batch = visible_events(store, request.user_id, request.membership, std::move(batch));
    }
    for (storage::EventRecord& e : batch) {
      if (!request.keep || request.keep(e)) page.events.push_back(std::move(e));
    }
    if (short_batch) {
      page.exhausted = true;
      break;
    }
  }
  page.next = cursor;
  return page;
}

}  // namespace myelin::services
