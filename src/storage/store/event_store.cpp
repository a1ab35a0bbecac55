#include "storage/store/event_store.hpp"

#include <algorithm>

#include "storage/sql/transaction.hpp"
#include "storage/store/unread_counts.hpp"

namespace myelin::storage {

using sql::Connection;
using sql::Row;

namespace {

constexpr const char* kEventColumns =
    "SELECT stream_ordering, event_id, room_id, type, state_key, sender, depth, origin_server_ts,"
    " pdu_json, unsigned_json, state_group, redacted_by, device_id, txn_id, outlier, rejection"
    " FROM events ";

EventRecord read_event(const Row& row) {
  EventRecord e;
  e.stream_ordering = row.int64(0);
  e.event_id = row.text(1);
  e.room_id = row.text(2);
  e.type = row.text(3);
  e.state_key = row.optional_text(4);
  e.sender = row.text(5);
  e.depth = row.int64(6);
  e.origin_server_ts = row.int64(7);
  e.pdu_json = row.text(8);
  e.unsigned_json = row.optional_text(9).value_or("");
  e.state_group = row.optional_int64(10).value_or(0);
  e.redacted_by = row.optional_text(11);
  e.device_id = row.optional_text(12);
  e.txn_id = row.optional_text(13);
  e.outlier = row.boolean(14);
  e.rejection = row.optional_text(15);
  return e;
}

MembershipRecord read_membership(const Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.int64(4), row.boolean(5)};
}

constexpr const char* kMembershipColumns =
    "SELECT room_id, user_id, membership, event_id, stream_ordering, forgotten"
    " FROM room_memberships ";

void insert_state_group(Connection& c, const std::string& room_id, const NewStateGroup& group) {
  c.execute("INSERT INTO state_groups (id, room_id, prev_group, chain_length) VALUES (?, ?, ?, ?)",
            {group.id, room_id, group.prev_group, group.chain_length});
  for (const auto& [key, event_id] : group.entries) {
    c.execute(
        "INSERT INTO state_group_entries (state_group, type, state_key, event_id)"
        " VALUES (?, ?, ?, ?)",
        {group.id, key.first, key.second, event_id});
  }
}

void set_current_state(Connection& c, const std::string& room_id, const StateKeyPair& slot,
                       const std::string& event_id, std::int64_t position) {
  c.execute(
      "INSERT INTO current_state (room_id, type, state_key, event_id, stream_ordering)"
      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, type, state_key) DO UPDATE SET"
      " event_id = excluded.event_id, stream_ordering = excluded.stream_ordering",
      {room_id, slot.first, slot.second, event_id, position});
}

void set_membership(Connection& c, const std::string& room_id, const std::string& user_id,
                    const std::string& membership, const std::string& event_id,
                    std::int64_t position) {
  c.execute(
      "INSERT INTO room_memberships (room_id, user_id, membership, event_id, stream_ordering,"
      " forgotten) VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT (room_id, user_id) DO UPDATE SET"
      " membership = excluded.membership, event_id = excluded.event_id,"
      " stream_ordering = excluded.stream_ordering, forgotten = 0",
      {room_id, user_id, membership, event_id, position});
}

}  // namespace

EventStore::PersistOutcome EventStore::persist(const NewEvent& in) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    PersistOutcome outcome = persist_in(c, in);
    tx.commit();
    if (outcome.position > 0) stream_.publish(outcome.position);
    return outcome;
  });
}

std::vector<EventStore::BatchOutcome> EventStore::persist_batch(
    const std::vector<const NewEvent*>& events) {
  return db_.write([&](Connection& c) {
    std::vector<BatchOutcome> outcomes(events.size());
    sql::Transaction tx(c);
    std::int64_t highest = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      try {
        sql::Transaction savepoint(c);
        outcomes[i].outcome = persist_in(c, *events[i]);
        savepoint.commit();
        highest = std::max(highest, outcomes[i].outcome.position);
      } catch (...) {
        outcomes[i].error = std::current_exception();
      }
    }
    tx.commit();
    if (highest != 0) stream_.publish(highest);
    return outcomes;
  });
}

std::vector<EventStore::PersistOutcome> EventStore::persist_all(
    const std::vector<const NewEvent*>& events) {
  return db_.write([&](Connection& c) {
    std::vector<PersistOutcome> outcomes;
    outcomes.reserve(events.size());
    sql::Transaction tx(c);
    std::int64_t highest = 0;
    for (const NewEvent* event : events) {
      outcomes.push_back(persist_in(c, *event));
      highest = std::max(highest, outcomes.back().position);
    }
    tx.commit();
    if (highest > 0) stream_.publish(highest);
    return outcomes;
  });
}

EventStore::PersistOutcome EventStore::persist_in(Connection& c, const NewEvent& in) {
  const EventRecord& e = in.event;
  if (e.outlier) return persist_outlier_in(c, in);
  {
    // A plain outlier (no state, not rejected) of this event becomes the timeline event.
    c.execute(
        "DELETE FROM events WHERE event_id = ? AND outlier = 1 AND rejection IS NULL AND"
        " state_group IS NULL",
        {e.event_id});
    if (e.txn_id && e.device_id) {
      if (auto row = c.query_optional(
              "SELECT event_id FROM events WHERE sender = ? AND device_id = ? AND txn_id = ?",
              {e.sender, *e.device_id, *e.txn_id})) {
        return {0, row->text(0)};
      }
    }
    const std::int64_t position = stream_.next();
    if (in.state_group) insert_state_group(c, e.room_id, *in.state_group);
    c.execute(
        "INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender, depth,"
        " origin_server_ts, pdu_json, unsigned_json, state_group, device_id, txn_id,"
        " contains_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {position, e.event_id, e.room_id, e.type, e.state_key, e.sender, e.depth,
         e.origin_server_ts, e.pdu_json, e.unsigned_json.empty() ? sql::Value() : e.unsigned_json,
         e.state_group, e.device_id, e.txn_id, in.contains_url ? 1 : 0});
    if (in.current_state_changes) {
      if (in.replace_current_state) {
        c.execute("DELETE FROM current_state WHERE room_id = ?", {e.room_id});
      }
      for (const CurrentStateChange& change : *in.current_state_changes) {
        set_current_state(c, e.room_id, change.slot, change.event_id, position);
        if (change.membership) {
          set_membership(c, e.room_id, change.slot.second, *change.membership, change.event_id,
                         position);
        }
      }
    } else {
      if (e.state_key)
        set_current_state(c, e.room_id, {e.type, *e.state_key}, e.event_id, position);
      if (in.membership && e.state_key) {
        set_membership(c, e.room_id, *e.state_key, *in.membership, e.event_id, position);
      }
    }
    if (in.invite_stripped_state_json) {
      c.execute("INSERT INTO invite_states (event_id, stripped_state_json) VALUES (?, ?)",
                {e.event_id, *in.invite_stripped_state_json});
    }
    if (in.redacts) {
      c.execute("UPDATE events SET redacted_by = ? WHERE event_id = ? AND redacted_by IS NULL",
                {e.event_id, *in.redacts});
    }
    for (const std::string& old : in.prev_extremities) {
      c.execute("DELETE FROM forward_extremities WHERE room_id = ? AND event_id = ?",
                {e.room_id, old});
    }
    c.execute("INSERT INTO forward_extremities (room_id, event_id) VALUES (?, ?)",
              {e.room_id, e.event_id});
    record_notifications(c, e.room_id, position, e.event_id, in.push_actions);
    return {position, std::nullopt};
  }
}

EventStore::PersistOutcome EventStore::persist_outlier_in(Connection& c, const NewEvent& in) {
  const EventRecord& e = in.event;
  if (in.state_group) {
    // An outlier with its state (after a gap) replaces a plain outlier copy of itself.
    c.execute(
        "DELETE FROM events WHERE event_id = ? AND outlier = 1 AND rejection IS NULL AND"
        " state_group IS NULL",
        {e.event_id});
  }
  if (c.query_optional("SELECT 1 FROM events WHERE event_id = ?", {e.event_id})) {
    return {0, e.event_id};
  }
  // An invite into a room not held here (or the leave rejecting it) must reach the user's /sync,
  // so it takes a stream position; other outliers sit below every stream token.
  std::int64_t position = 0;
  if (in.membership) {
    position = stream_.next();
  } else {
    position =
        std::min<std::int64_t>(
            0, c.query_one("SELECT coalesce(min(stream_ordering), 0) FROM events").int64(0)) -
        1;
  }
  if (in.state_group) insert_state_group(c, e.room_id, *in.state_group);  // soft-failed events
  c.execute(
      "INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender, depth,"
      " origin_server_ts, pdu_json, unsigned_json, state_group, contains_url, outlier, rejection)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
      {position, e.event_id, e.room_id, e.type, e.state_key, e.sender, e.depth, e.origin_server_ts,
       e.pdu_json, e.unsigned_json.empty() ? sql::Value() : e.unsigned_json,
       e.state_group == 0 ? sql::Value() : sql::Value(e.state_group), in.contains_url ? 1 : 0,
       e.rejection});
  if (in.membership && e.state_key) {
    set_membership(c, e.room_id, *e.state_key, *in.membership, e.event_id, position);
  }
  if (in.invite_stripped_state_json) {
    c.execute("INSERT INTO invite_states (event_id, stripped_state_json) VALUES (?, ?)",
              {e.event_id, *in.invite_stripped_state_json});
  }
  return {position, std::nullopt};
}

std::size_t EventStore::persist_history(const std::vector<const NewEvent*>& newest_first) {
  if (newest_first.empty()) return 0;
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::int64_t position =
        std::min<std::int64_t>(
            0, c.query_one("SELECT coalesce(min(stream_ordering), 0) FROM events").int64(0)) -
        1;
    for (const NewEvent* in : newest_first) {  // first: events skipped below may share one
      if (in->state_group) insert_state_group(c, in->event.room_id, *in->state_group);
    }
    std::size_t added = 0;
    for (const NewEvent* in : newest_first) {
      const EventRecord& e = in->event;
      auto stored = c.query_optional("SELECT outlier, rejection FROM events WHERE event_id = ?",
                                     {e.event_id});
      if (stored && (!stored->boolean(0) || stored->optional_text(1))) continue;
      const sql::Value group = e.state_group == 0 ? sql::Value() : sql::Value(e.state_group);
      if (stored) {
        c.execute(
            "UPDATE events SET outlier = 0, stream_ordering = ?, state_group = ?,"
            " redacted_by = coalesce(redacted_by, ?) WHERE event_id = ?",
            {position, group, e.redacted_by, e.event_id});
      } else {
        c.execute(
            "INSERT INTO events (stream_ordering, event_id, room_id, type, state_key, sender,"
            " depth, origin_server_ts, pdu_json, unsigned_json, state_group, contains_url,"
            " redacted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {position, e.event_id, e.room_id, e.type, e.state_key, e.sender, e.depth,
             e.origin_server_ts, e.pdu_json,
             e.unsigned_json.empty() ? sql::Value() : e.unsigned_json, group,
             in->contains_url ? 1 : 0, e.redacted_by});
      }
      --position;
      ++added;
    }
    for (const NewEvent* in : newest_first) {  // after all: a target may be in the batch
      if (!in->redacts) continue;
      c.execute("UPDATE events SET redacted_by = ? WHERE event_id = ? AND redacted_by IS NULL",
                {in->event.event_id, *in->redacts});
    }
    tx.commit();
    return added;
  });
}

std::vector<EventRecord> EventStore::history_redactions(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<EventRecord> found;
    c.query_each(std::string(kEventColumns) +
                     "WHERE room_id = ? AND stream_ordering < 0 AND outlier = 0"
                     " AND type = 'm.room.redaction'",
                 {room_id}, [&](Row&& row) {
                   found.push_back(read_event(row));
                   return true;
                 });
    return found;
  });
}

std::vector<std::string> EventStore::unknown_events(const std::vector<std::string>& event_ids) {
  // A query per few hundred IDs rather than per ID: a joined room's state is tens of thousands.
  constexpr std::size_t kPerQuery = 500;
  return db_.read([&](Connection& c) {
    std::set<std::string> known;
    for (std::size_t start = 0; start < event_ids.size(); start += kPerQuery) {
      const std::size_t end = std::min(event_ids.size(), start + kPerQuery);
      std::string sql = "SELECT event_id FROM events WHERE event_id IN (?";
      sql::Params params{event_ids[start]};
      for (std::size_t i = start + 1; i < end; ++i) {
        sql += ", ?";
        params.emplace_back(event_ids[i]);
      }
      sql += ")";
      c.query_each(sql, params, [&known](Row&& row) {
        known.insert(row.text(0));
        return true;
      });
    }
    std::vector<std::string> unknown;
    for (const std::string& id : event_ids) {
      if (!known.contains(id)) unknown.push_back(id);
    }
    return unknown;
  });
}

StateEntries EventStore::state_group_lookup(std::int64_t group,
                                            const std::vector<StateKeyPair>& slots) {
  return db_.read([&](Connection& c) {
    StateEntries found;
    std::optional<std::int64_t> current = group;
    while (current && found.size() < slots.size()) {
      for (const StateKeyPair& slot : slots) {
        if (found.count(slot)) continue;
        if (auto row = c.query_optional(
                "SELECT event_id FROM state_group_entries WHERE state_group = ? AND type = ?"
                " AND state_key = ?",
                {*current, slot.first, slot.second})) {
          found.emplace(slot, row->text(0));
        }
      }
      auto prev = c.query_optional("SELECT prev_group FROM state_groups WHERE id = ?", {*current});
      current = prev ? prev->optional_int64(0) : std::nullopt;
    }
    return found;
  });
}

std::optional<EventRecord> EventStore::event(const std::string& event_id) {
  return db_.read([&](Connection& c) -> std::optional<EventRecord> {
    auto row = c.query_optional(std::string(kEventColumns) + "WHERE event_id = ?", {event_id});
    if (!row) return std::nullopt;
    return read_event(*row);
  });
}

std::vector<EventRecord> EventStore::events(const std::vector<std::string>& event_ids) {
  return db_.read([&](Connection& c) {
    std::vector<EventRecord> found;
    const std::string query = std::string(kEventColumns) + "WHERE event_id = ?";
    for (const std::string& id : event_ids) {
      if (auto row = c.query_optional(query, {id})) found.push_back(read_event(*row));
    }
    return found;
  });
}

std::vector<EventRecord> EventStore::room_events(const std::string& room_id, std::int64_t from,
                                                 std::int64_t to, std::size_t limit,
                                                 Direction direction) {
  return db_.read([&](Connection& c) {
    std::vector<EventRecord> found;
    const bool backwards = direction == Direction::kBackwards;
    std::string query = std::string(kEventColumns) +
                        "WHERE room_id = ? AND stream_ordering > ? AND stream_ordering <= ?"
                        " AND outlier = 0 ORDER BY stream_ordering " +
                        (backwards ? "DESC" : "ASC") + " LIMIT ?";
    c.query_each(query, {room_id, from, to, static_cast<std::int64_t>(limit)}, [&](Row&& row) {
      found.push_back(read_event(row));
      return true;
    });
    if (backwards) std::reverse(found.begin(), found.end());
    return found;
  });
}

std::optional<EventRecord> EventStore::last_event_at(const std::string& room_id,
                                                     std::int64_t position) {
  return db_.read([&](Connection& c) -> std::optional<EventRecord> {
    auto row = c.query_optional(std::string(kEventColumns) +
                                    "WHERE room_id = ? AND stream_ordering <= ? AND outlier = 0"
                                    " ORDER BY stream_ordering DESC LIMIT 1",
                                {room_id, position});
    if (!row) return std::nullopt;
    return read_event(*row);
  });
}

std::optional<std::string> EventStore::event_for_txn(const std::string& sender,
                                                     const std::string& device_id,
                                                     const std::string& txn_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional(
        "SELECT event_id FROM events WHERE sender = ? AND device_id = ? AND txn_id = ?",
        {sender, device_id, txn_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

StateEntries EventStore::state_group_entries(std::int64_t group) {
  return db_.read([&](Connection& c) {
    // Walk the delta chain towards its snapshot; entries nearer the start win.
    StateEntries state;
    std::optional<std::int64_t> current = group;
    while (current) {
      c.query_each(
          "SELECT type, state_key, event_id FROM state_group_entries WHERE state_group = ?",
          {*current}, [&](Row&& row) {
            state.emplace(StateKeyPair{row.text(0), row.text(1)}, row.text(2));
            return true;
          });
      auto prev = c.query_optional("SELECT prev_group FROM state_groups WHERE id = ?", {*current});
      current = prev ? prev->optional_int64(0) : std::nullopt;
    }
    return state;
  });
}

StateEntries EventStore::current_state(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    StateEntries state;
    c.query_each("SELECT type, state_key, event_id FROM current_state WHERE room_id = ?", {room_id},
                 [&](Row&& row) {
                   state.emplace(StateKeyPair{row.text(0), row.text(1)}, row.text(2));
                   return true;
                 });
    return state;
  });
}

std::vector<std::string> EventStore::current_state_changed(const std::string& room_id,
                                                           std::int64_t from, std::int64_t to) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> ids;
    for (const Row& row :
         c.query("SELECT event_id FROM current_state WHERE room_id = ? AND stream_ordering > ?"
                 " AND stream_ordering <= ? ORDER BY stream_ordering",
                 {room_id, from, to})) {
      ids.push_back(row.text(0));
    }
    return ids;
  });
}

std::vector<std::string> EventStore::forward_extremities(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> ids;
    for (const Row& row :
         c.query("SELECT event_id FROM forward_extremities WHERE room_id = ?", {room_id})) {
      ids.push_back(row.text(0));
    }
    return ids;
  });
}

std::set<std::string> EventStore::active_rooms(std::int64_t from, std::int64_t to) {
  return db_.read([&](Connection& c) {
    std::set<std::string> rooms;
    c.query_each(
        "SELECT DISTINCT room_id FROM events WHERE stream_ordering > ? AND stream_ordering <= ?"
        " AND outlier = 0 UNION SELECT DISTINCT room_id FROM receipts WHERE stream_id > ? AND "
        "stream_id <= ?",
        {from, to, from, to}, [&](Row&& row) {
          rooms.insert(row.text(0));
          return true;
        });
    return rooms;
  });
}

std::int64_t EventStore::max_state_group() {
  return db_.read([](Connection& c) {
    return c.query_one("SELECT coalesce(max(id), 0) FROM state_groups").int64(0);
  });
}

std::int64_t EventStore::max_stream_ordering() {
  return db_.read([](Connection& c) {
    return c
        .query_one(
            "SELECT max(coalesce((SELECT max(stream_ordering) FROM events), 0),"
            " coalesce((SELECT max(stream_id) FROM account_data), 0),"
            " coalesce((SELECT max(stream_id) FROM receipts), 0),"
            " coalesce((SELECT max(stream_id) FROM presence), 0))")
        .int64(0);
  });
}

std::vector<MembershipRecord> EventStore::membership_changes(const std::string& room_id,
                                                             std::int64_t after,
                                                             std::int64_t up_to) {
  return db_.read([&](Connection& c) {
    std::vector<MembershipRecord> list;
    for (const Row& row :
         c.query(std::string(kMembershipColumns) + "WHERE room_id = ? AND stream_ordering > ?"
                                                   " AND stream_ordering <= ?",
                 {room_id, after, up_to})) {
      list.push_back(read_membership(row));
    }
    return list;
  });
}

std::vector<MembershipRecord> EventStore::memberships_of_user(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    std::vector<MembershipRecord> list;
    for (const Row& row :
         c.query(std::string(kMembershipColumns) + "WHERE user_id = ?", {user_id})) {
      list.push_back(read_membership(row));
    }
    return list;
  });
}

std::vector<MembershipRecord> EventStore::members(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<MembershipRecord> list;
    for (const Row& row : c.query(
             std::string(kMembershipColumns) + "WHERE room_id = ? ORDER BY user_id", {room_id})) {
      list.push_back(read_membership(row));
    }
    return list;
  });
}

std::optional<MembershipRecord> EventStore::membership(const std::string& room_id,
                                                       const std::string& user_id) {
  return db_.read([&](Connection& c) -> std::optional<MembershipRecord> {
    auto row = c.query_optional(
        std::string(kMembershipColumns) + "WHERE room_id = ? AND user_id = ?", {room_id, user_id});
    if (!row) return std::nullopt;
    return read_membership(*row);
  });
}

void EventStore::forget(const std::string& room_id, const std::string& user_id) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE room_memberships SET forgotten = 1 WHERE room_id = ? AND user_id = ?",
              {room_id, user_id});
  });
}

std::optional<std::string> EventStore::invite_stripped_state(const std::string& event_id) {
  return db_.read([&](Connection& c) -> std::optional<std::string> {
    auto row = c.query_optional("SELECT stripped_state_json FROM invite_states WHERE event_id = ?",
                                {event_id});
    if (!row) return std::nullopt;
    return row->text(0);
  });
}

std::pair<std::int64_t, std::int64_t> EventStore::unread_counts(const std::string& user_id,
                                                                const std::string& room_id,
                                                                std::int64_t after_stream) {
  return db_.read(
      [&](Connection& c) { return unread_counts_in(c, user_id, room_id, after_stream); });
}

}  // namespace myelin::storage
