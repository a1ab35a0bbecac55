#include "storage/store/unread_counts.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <string_view>

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

using Counts = std::pair<std::int64_t, std::int64_t>;

// event_notifications.notified: one line per notified user, "user_id TAB highlight TAB
// thread_id". Local user IDs and thread IDs (event IDs, "main") hold neither tabs nor newlines.
std::string encode_notified(const std::vector<PushAction>& actions) {
  std::string text;
  for (const PushAction& action : actions) {
    if (!text.empty()) text += '\n';
    text += action.user_id;
    text += action.highlight ? "\t1\t" : "\t0\t";
    text += action.thread_id;
  }
  return text;
}

// Calls f(user_id, highlight) for each line of an encoded `notified`.
template <typename F>
void for_each_notified(std::string_view text, F f) {
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    const std::size_t tab = line.find('\t');
    if (tab == std::string_view::npos) continue;
    f(line.substr(0, tab), line.substr(tab + 1, 1) == "1");
  }
}

// {notifications, highlights} of each user in `read_positions` after that user's position, in
// one pass over the room's notifications.
std::map<std::string, Counts, std::less<>> count_from_notifications(
    Connection& c, const std::string& room_id,
    const std::map<std::string, std::int64_t, std::less<>>& read_positions) {
  std::map<std::string, Counts, std::less<>> counts;
  if (read_positions.empty()) return counts;
  std::int64_t after = std::numeric_limits<std::int64_t>::max();
  for (const auto& [user, position] : read_positions) {
    after = std::min(after, position);
    counts[user] = {0, 0};
  }
  for (const Row& row : c.query("SELECT stream_ordering, notified FROM event_notifications"
                                " WHERE room_id = ? AND stream_ordering > ?",
                                {room_id, after})) {
    const std::int64_t position = row.int64(0);
    for_each_notified(row.text(1), [&](std::string_view user, bool highlight) {
      auto it = read_positions.find(user);
      if (it == read_positions.end() || position <= it->second) return;
      Counts& tally = counts.find(user)->second;
      ++tally.first;
      if (highlight) ++tally.second;
    });
  }
  return counts;
}

void store_counts(Connection& c, const std::string& room_id, const std::string& user_id,
                  const Counts& counts, std::int64_t read_position) {
  c.execute(
      "UPDATE room_unread_counts SET notification_count = ?, highlight_count = ?,"
      " read_position = ? WHERE room_id = ? AND user_id = ?",
      {counts.first, counts.second, read_position, room_id, user_id});
}

}  // namespace

std::int64_t read_position_in(Connection& c, const std::string& user_id,
                              const std::string& room_id) {
  return c
      .query_one(
          "SELECT coalesce(max(event_stream_ordering), 0) FROM receipts"
          " WHERE user_id = ? AND room_id = ? AND receipt_type IN ('m.read', 'm.read.private')",
          {user_id, room_id})
      .int64(0);
}

void record_notifications(Connection& c, const std::string& room_id, std::int64_t position,
                          const std::string& event_id, const std::vector<PushAction>& actions) {
  if (actions.empty()) return;
  c.execute(
      "INSERT INTO event_notifications (room_id, stream_ordering, event_id, notified)"
      " VALUES (?, ?, ?, ?)",
      {room_id, position, event_id, encode_notified(actions)});
  for (const PushAction& action : actions) {
    const int highlight = action.highlight ? 1 : 0;
    const std::int64_t updated = c.execute(
        "UPDATE room_unread_counts SET notification_count = notification_count + 1,"
        " highlight_count = highlight_count + ? WHERE room_id = ? AND user_id = ?",
        {highlight, room_id, action.user_id});
    if (updated != 0) continue;
    // The user's first notification in the room: nothing else to count, and this event comes
    // after every receipt, so the counter starts at 1 from the current read position.
    c.execute(
        "INSERT INTO room_unread_counts (room_id, user_id, notification_count, highlight_count,"
        " read_position) VALUES (?, ?, 1, ?, ?)",
        {room_id, action.user_id, highlight, read_position_in(c, action.user_id, room_id)});
  }
}

std::pair<std::int64_t, std::int64_t> unread_counts_in(Connection& c, const std::string& user_id,
                                                       const std::string& room_id,
                                                       std::int64_t read_position) {
  auto row = c.query_optional(
      "SELECT notification_count, highlight_count, read_position FROM room_unread_counts"
      " WHERE room_id = ? AND user_id = ?",
      {room_id, user_id});
  if (!row) return {0, 0};  // never notified in this room
  if (row->int64(2) == read_position) return {row->int64(0), row->int64(1)};
  const std::map<std::string, std::int64_t, std::less<>> positions{{user_id, read_position}};
  return count_from_notifications(c, room_id, positions).begin()->second;
}

void recount_unread(Connection& c, const std::string& room_id, const std::string& user_id) {
  auto row = c.query_optional(
      "SELECT read_position FROM room_unread_counts WHERE room_id = ? AND user_id = ?",
      {room_id, user_id});
  if (!row) return;  // never notified in this room: nothing to count
  const std::int64_t position = read_position_in(c, user_id, room_id);
  if (row->int64(0) == position) return;
  const std::map<std::string, std::int64_t, std::less<>> positions{{user_id, position}};
  store_counts(c, room_id, user_id, count_from_notifications(c, room_id, positions)[user_id],
               position);
}

void recount_room_unread(Connection& c, const std::string& room_id) {
  std::map<std::string, std::int64_t, std::less<>> positions;
  for (const Row& row :
       c.query("SELECT user_id FROM room_unread_counts WHERE room_id = ?", {room_id})) {
    positions[row.text(0)] = 0;
  }
  for (auto& [user, position] : positions) position = read_position_in(c, user, room_id);
  for (const auto& [user, counts] : count_from_notifications(c, room_id, positions)) {
    store_counts(c, room_id, user, counts, positions[user]);
  }
}

}  // namespace myelin::storage
