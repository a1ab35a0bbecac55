#include "storage/store/federation_sender_store.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

namespace {

// Inserts the destination with a clear back-off unless it is known already.
void ensure_destination(Connection& c, const std::string& destination) {
  c.execute(
      "INSERT INTO destinations (destination, retry_last_ts, retry_interval)"
      " SELECT ?, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM destinations WHERE destination = ?)",
      {destination, destination});
}

DestinationRecord destination_of(const sql::Row& row) {
  return {row.text(0), row.int64(1), row.int64(2), row.optional_int64(3), row.optional_int64(4)};
}

constexpr const char* kDestinationColumns =
    "destination, retry_last_ts, retry_interval, failure_ts, last_successful_stream_ordering";

const char* column_of(DestinationOrder order) {
  switch (order) {
    case DestinationOrder::kRetryLastTs:
      return "retry_last_ts";
    case DestinationOrder::kRetryInterval:
      return "retry_interval";
    case DestinationOrder::kFailureTs:
      return "failure_ts";
    case DestinationOrder::kLastSuccessfulStreamOrdering:
      return "last_successful_stream_ordering";
    case DestinationOrder::kDestination:
      break;
  }
  return "destination";
}

// A LIKE pattern matching names that contain `text` (lower-cased, wildcards escaped).
std::string contains_pattern(const std::string& text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return pattern + "%";
}

std::vector<std::string> servers_of(const std::vector<sql::Row>& rows) {
  std::set<std::string> servers;
  for (const sql::Row& row : rows) {
    const std::string& user_id = row.text(0);
    const std::size_t colon = user_id.find(':');
    if (colon != std::string::npos) servers.insert(user_id.substr(colon + 1));
  }
  return {servers.begin(), servers.end()};
}

}  // namespace

void FederationSenderStore::enqueue_pdu(const std::vector<std::string>& destinations,
                                        const std::string& room_id, const std::string& event_id,
                                        const std::string& pdu_json) {
  if (destinations.empty()) return;
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    auto position =
        c.query_optional("SELECT stream_ordering FROM events WHERE event_id = ?", {event_id});
    const std::int64_t stream_ordering = position ? position->int64(0) : 0;
    for (const std::string& destination : destinations) {
      ensure_destination(c, destination);
      c.execute(
          "INSERT INTO federation_outbox (destination, kind, json, stream_ordering)"
          " VALUES (?, 'pdu', ?, ?)",
          {destination, pdu_json, stream_ordering});
      c.execute("DELETE FROM destination_rooms WHERE destination = ? AND room_id = ?",
                {destination, room_id});
      c.execute(
          "INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES (?, ?, ?)",
          {destination, room_id, stream_ordering});
    }
    tx.commit();
  });
}

void FederationSenderStore::enqueue_edu(const std::vector<std::string>& destinations,
                                        const std::string& edu_json) {
  if (destinations.empty()) return;
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (const std::string& destination : destinations) {
      ensure_destination(c, destination);
      c.execute(
          "INSERT INTO federation_outbox (destination, kind, json, stream_ordering)"
          " VALUES (?, 'edu', ?, 0)",
          {destination, edu_json});
    }
    tx.commit();
  });
}

std::vector<OutboxItem> FederationSenderStore::pending(const std::string& destination, int max_pdus,
                                                       int max_edus) {
  return db_.read([&](Connection& c) {
    std::vector<OutboxItem> items;
    auto load = [&](const char* kind, int limit) {
      for (const sql::Row& row : c.query("SELECT id, json, stream_ordering FROM federation_outbox"
                                         " WHERE destination = ? AND kind = ? ORDER BY id LIMIT ?",
                                         {destination, kind, limit})) {
        items.push_back({row.int64(0), destination, std::string_view(kind) == "edu", row.text(1),
                         row.int64(2)});
      }
    };
    load("pdu", max_pdus);
    load("edu", max_edus);
    std::sort(items.begin(), items.end(),
              [](const OutboxItem& a, const OutboxItem& b) { return a.id < b.id; });
    return items;
  });
}

std::vector<std::string> FederationSenderStore::destinations_with_pending() {
  return db_.read([&](Connection& c) {
    std::vector<std::string> names;
    for (const sql::Row& row :
         c.query("SELECT DISTINCT destination FROM federation_outbox ORDER BY destination")) {
      names.push_back(row.text(0));
    }
    return names;
  });
}

void FederationSenderStore::remove(const std::vector<std::int64_t>& ids) {
  if (ids.empty()) return;
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (std::int64_t id : ids) c.execute("DELETE FROM federation_outbox WHERE id = ?", {id});
    tx.commit();
  });
}

void FederationSenderStore::transaction_sent(const std::string& destination,
                                             const std::vector<std::int64_t>& ids,
                                             std::int64_t stream_ordering) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    for (std::int64_t id : ids) c.execute("DELETE FROM federation_outbox WHERE id = ?", {id});
    ensure_destination(c, destination);
    c.execute(
        "UPDATE destinations SET retry_last_ts = 0, retry_interval = 0, failure_ts = NULL"
        " WHERE destination = ?",
        {destination});
    if (stream_ordering > 0) {
      c.execute(
          "UPDATE destinations SET last_successful_stream_ordering = ? WHERE destination = ?"
          " AND (last_successful_stream_ordering IS NULL OR last_successful_stream_ordering < ?)",
          {stream_ordering, destination, stream_ordering});
    }
    tx.commit();
  });
}

void FederationSenderStore::record_failure(const std::string& destination, std::int64_t now_ms,
                                           std::int64_t retry_interval) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    ensure_destination(c, destination);
    c.execute(
        "UPDATE destinations SET retry_last_ts = ?, retry_interval = ?,"
        " failure_ts = COALESCE(failure_ts, ?) WHERE destination = ?",
        {now_ms, retry_interval, now_ms, destination});
    tx.commit();
  });
}

bool FederationSenderStore::reset_retry(const std::string& destination) {
  return db_.write([&](Connection& c) {
    return c.execute(
               "UPDATE destinations SET retry_last_ts = 0, retry_interval = 0, failure_ts = NULL"
               " WHERE destination = ?",
               {destination}) > 0;
  });
}

std::optional<DestinationRecord> FederationSenderStore::destination(
    const std::string& destination) {
  return db_.read([&](Connection& c) -> std::optional<DestinationRecord> {
    auto row = c.query_optional(
        std::string("SELECT ") + kDestinationColumns + " FROM destinations WHERE destination = ?",
        {destination});
    if (!row) return std::nullopt;
    return destination_of(*row);
  });
}

std::vector<DestinationRecord> FederationSenderStore::list_destinations(
    const std::string& name_filter, DestinationOrder order, bool ascending, std::int64_t offset,
    std::int64_t limit) {
  const std::string direction = ascending ? " ASC" : " DESC";
  const std::string sql = std::string("SELECT ") + kDestinationColumns +
                          " FROM destinations WHERE LOWER(destination) LIKE ? ESCAPE '\\'"
                          " ORDER BY " +
                          column_of(order) + direction + ", destination" + direction +
                          " LIMIT ? OFFSET ?";
  return db_.read([&](Connection& c) {
    std::vector<DestinationRecord> records;
    for (const sql::Row& row : c.query(sql, {contains_pattern(name_filter), limit, offset})) {
      records.push_back(destination_of(row));
    }
    return records;
  });
}

std::int64_t FederationSenderStore::count_destinations(const std::string& name_filter) {
  return db_.read([&](Connection& c) {
    return c
        .query_one("SELECT COUNT(*) FROM destinations WHERE LOWER(destination) LIKE ? ESCAPE '\\'",
                   {contains_pattern(name_filter)})
        .int64(0);
  });
}

std::vector<DestinationRoom> FederationSenderStore::destination_rooms(
    const std::string& destination, bool ascending, std::int64_t offset, std::int64_t limit) {
  const std::string sql = std::string(
                              "SELECT room_id, stream_ordering FROM destination_rooms"
                              " WHERE destination = ? ORDER BY room_id") +
                          (ascending ? " ASC" : " DESC") + " LIMIT ? OFFSET ?";
  return db_.read([&](Connection& c) {
    std::vector<DestinationRoom> rooms;
    for (const sql::Row& row : c.query(sql, {destination, limit, offset})) {
      rooms.push_back({row.text(0), row.int64(1)});
    }
    return rooms;
  });
}

std::int64_t FederationSenderStore::count_destination_rooms(const std::string& destination) {
  return db_.read([&](Connection& c) {
    return c
        .query_one("SELECT COUNT(*) FROM destination_rooms WHERE destination = ?", {destination})
        .int64(0);
  });
}

std::vector<std::string> FederationSenderStore::servers_in_room(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    return servers_of(
        c.query("SELECT user_id FROM room_memberships WHERE room_id = ? AND membership = 'join'",
                {room_id}));
  });
}

std::vector<std::string> FederationSenderStore::servers_sharing_room_with(
    const std::string& user_id) {
  return db_.read([&](Connection& c) {
    return servers_of(
        c.query("SELECT DISTINCT m.user_id FROM room_memberships m"
                " JOIN room_memberships mine ON mine.room_id = m.room_id"
                " WHERE mine.user_id = ? AND mine.membership = 'join' AND m.membership = 'join'",
                {user_id}));
  });
}

}  // namespace myelin::storage
