#include "storage/store/media_store.hpp"

#include <algorithm>
#include <set>

#include "storage/sql/transaction.hpp"

namespace myelin::storage {

using sql::Connection;

namespace {

constexpr const char* kColumns =
    "media_id, media_type, media_length, upload_name, created_ts, last_access_ts, user_id,"
    " quarantined_by, safe_from_quarantine, sha256";

// Bound parameters per IN list: well under SQLite's limit on host parameters.
constexpr std::size_t kChunk = 500;

LocalMedia read_media(const sql::Row& row) {
  LocalMedia media;
  media.media_id = row.text(0);
  media.media_type = row.optional_text(1);
  media.media_length = row.optional_int64(2);
  media.upload_name = row.optional_text(3);
  media.created_ts = row.int64(4);
  media.last_access_ts = row.optional_int64(5);
  media.user_id = row.text(6);
  media.quarantined_by = row.optional_text(7);
  media.safe_from_quarantine = row.boolean(8);
  media.sha256 = row.optional_text(9);
  return media;
}

const char* order_column(MediaOrder order) {
  switch (order) {
    case MediaOrder::kMediaId:
      return "media_id";
    case MediaOrder::kUploadName:
      return "upload_name";
    case MediaOrder::kCreatedTs:
      return "created_ts";
    case MediaOrder::kLastAccessTs:
      return "last_access_ts";
    case MediaOrder::kMediaLength:
      return "media_length";
    case MediaOrder::kMediaType:
      return "media_type";
    case MediaOrder::kQuarantinedBy:
      return "quarantined_by";
    case MediaOrder::kSafeFromQuarantine:
      return "safe_from_quarantine";
  }
  return "created_ts";
}

std::string placeholders(std::size_t n) {
  std::string list;
  for (std::size_t i = 0; i < n; ++i) list += i == 0 ? "?" : ", ?";
  return list;
}

// Runs `statement` (with one "{}"-free IN list appended as "(?, ?...)") over `values` in chunks,
// with `leading` parameters first; returns the rows affected.
std::int64_t execute_in_chunks(Connection& c, const std::string& statement_head,
                               const std::string& statement_tail, const sql::Params& leading,
                               const std::vector<std::string>& values) {
  std::int64_t affected = 0;
  for (std::size_t start = 0; start < values.size(); start += kChunk) {
    std::size_t n = std::min(kChunk, values.size() - start);
    sql::Params params = leading;
    for (std::size_t i = 0; i < n; ++i) params.emplace_back(values[start + i]);
    affected += c.execute(statement_head + "(" + placeholders(n) + ")" + statement_tail, params);
  }
  return affected;
}

// The content hashes of the named media; with `unprotected_only`, of those not protected.
std::vector<std::string> hashes_of(Connection& c, const std::vector<std::string>& media_ids,
                                   bool unprotected_only) {
  std::set<std::string> hashes;
  for (std::size_t start = 0; start < media_ids.size(); start += kChunk) {
    std::size_t n = std::min(kChunk, media_ids.size() - start);
    sql::Params params(media_ids.begin() + start, media_ids.begin() + start + n);
    std::string query =
        "SELECT sha256 FROM local_media WHERE sha256 IS NOT NULL AND media_id IN (" +
        placeholders(n) + ")";
    if (unprotected_only) query += " AND safe_from_quarantine = 0";
    for (const sql::Row& row : c.query(query, params)) hashes.insert(row.text(0));
  }
  return {hashes.begin(), hashes.end()};
}

}  // namespace

void MediaStore::insert(const LocalMedia& media) {
  db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    std::optional<std::string> quarantined_by = media.quarantined_by;
    if (!quarantined_by && media.sha256 && !media.safe_from_quarantine) {
      // Synapse: quarantined content stays quarantined when uploaded again.
      auto row = c.query_optional(
          "SELECT quarantined_by FROM local_media WHERE sha256 = ? AND quarantined_by IS NOT NULL"
          " LIMIT 1",
          {*media.sha256});
      if (row) quarantined_by = row->text(0);
    }
    c.execute(std::string("INSERT INTO local_media (") + kColumns +
                  ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {media.media_id, media.media_type, media.media_length, media.upload_name,
               media.created_ts, media.last_access_ts, media.user_id, quarantined_by,
               media.safe_from_quarantine, media.sha256});
    tx.commit();
  });
}

bool MediaStore::complete(const std::string& media_id, const MediaContent& content) {
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    auto quarantined = c.query_optional(
        "SELECT quarantined_by FROM local_media WHERE sha256 = ? AND quarantined_by IS NOT NULL"
        " LIMIT 1",
        {content.sha256});
    std::optional<std::string> by;
    if (quarantined) by = quarantined->text(0);
    const bool done =
        c.execute(
            "UPDATE local_media SET media_type = ?, media_length = ?, upload_name = ?, sha256 = ?,"
            " quarantined_by = CASE WHEN safe_from_quarantine = 0 AND quarantined_by IS NULL"
            " THEN ? ELSE quarantined_by END"
            " WHERE media_id = ? AND media_length IS NULL",
            {content.media_type, content.media_length, content.upload_name, content.sha256, by,
             media_id}) == 1;
    tx.commit();
    return done;
  });
}

std::optional<LocalMedia> MediaStore::get(const std::string& media_id) {
  return db_.read([&](Connection& c) -> std::optional<LocalMedia> {
    auto row = c.query_optional(
        std::string("SELECT ") + kColumns + " FROM local_media WHERE media_id = ?", {media_id});
    if (!row) return std::nullopt;
    return read_media(*row);
  });
}

void MediaStore::set_last_access(const std::string& media_id, std::int64_t ts) {
  db_.write([&](Connection& c) {
    c.execute("UPDATE local_media SET last_access_ts = ? WHERE media_id = ?", {ts, media_id});
  });
}

bool MediaStore::remove(const std::string& media_id) {
  return db_.write([&](Connection& c) {
    return c.execute("DELETE FROM local_media WHERE media_id = ?", {media_id}) == 1;
  });
}

std::vector<std::int64_t> MediaStore::pending_since(const std::string& user_id,
                                                    std::int64_t since) {
  return db_.read([&](Connection& c) {
    std::vector<std::int64_t> created;
    for (const sql::Row& row :
         c.query("SELECT created_ts FROM local_media WHERE user_id = ? AND media_length IS NULL"
                 " AND created_ts >= ? ORDER BY created_ts",
                 {user_id, since})) {
      created.push_back(row.int64(0));
    }
    return created;
  });
}

std::vector<LocalMedia> MediaStore::by_user(const std::string& user_id, std::int64_t from,
                                            std::int64_t limit, MediaOrder order, bool ascending) {
  return db_.read([&](Connection& c) {
    std::vector<LocalMedia> page;
    // Ties are broken by media_id ascending whatever the direction (Synapse: a stable order).
    std::string query = std::string("SELECT ") + kColumns +
                        " FROM local_media WHERE user_id = ? ORDER BY " + order_column(order) +
                        (ascending ? " ASC" : " DESC") + ", media_id ASC LIMIT ? OFFSET ?";
    for (const sql::Row& row : c.query(query, {user_id, limit, from})) {
      page.push_back(read_media(row));
    }
    return page;
  });
}

std::int64_t MediaStore::count_by_user(const std::string& user_id) {
  return db_.read([&](Connection& c) {
    return c.query_one("SELECT COUNT(*) FROM local_media WHERE user_id = ?", {user_id}).int64(0);
  });
}

std::vector<std::string> MediaStore::old_media(std::int64_t before_ts, std::int64_t size_gt,
                                               bool keep_profile_media,
                                               const std::string& mxc_prefix) {
  return db_.read([&](Connection& c) {
    std::string query =
        "SELECT media_id FROM local_media AS m"
        " WHERE (last_access_ts < ? OR (last_access_ts IS NULL AND created_ts < ?))"
        " AND media_length > ? AND quarantined_by IS NULL AND safe_from_quarantine = 0";
    sql::Params params{before_ts, before_ts, size_gt};
    if (keep_profile_media) {
      // A user's avatar, or a room avatar / member avatar in some room's current state (the
      // PDU is canonical JSON, so the URL appears exactly as "mxc://server/id").
      query +=
          " AND NOT EXISTS (SELECT 1 FROM profiles WHERE profiles.avatar_url = ? || m.media_id)"
          " AND NOT EXISTS (SELECT 1 FROM current_state AS cs JOIN events AS e"
          " ON e.event_id = cs.event_id WHERE cs.type IN ('m.room.avatar', 'm.room.member')"
          " AND instr(e.pdu_json, '\"' || ? || m.media_id || '\"') > 0)";
      params.emplace_back(mxc_prefix);
      params.emplace_back(mxc_prefix);
    }
    std::vector<std::string> ids;
    for (const sql::Row& row : c.query(query, params)) ids.push_back(row.text(0));
    return ids;
  });
}

std::int64_t MediaStore::quarantine(const std::vector<std::string>& media_ids,
                                    const std::string& quarantined_by) {
  if (media_ids.empty()) return 0;
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::string head = "UPDATE local_media SET quarantined_by = ? WHERE ";
    const std::string tail = " AND safe_from_quarantine = 0 AND quarantined_by IS NULL";
    std::int64_t count =
        execute_in_chunks(c, head + "media_id IN ", tail, {quarantined_by}, media_ids);
    std::vector<std::string> hashes = hashes_of(c, media_ids, true);
    count += execute_in_chunks(c, head + "sha256 IN ", tail, {quarantined_by}, hashes);
    tx.commit();
    return count;
  });
}

std::int64_t MediaStore::quarantine_user(const std::string& user_id,
                                         const std::string& quarantined_by) {
  std::vector<std::string> ids = db_.read([&](Connection& c) {
    std::vector<std::string> found;
    for (const sql::Row& row :
         c.query("SELECT media_id FROM local_media WHERE user_id = ?", {user_id})) {
      found.push_back(row.text(0));
    }
    return found;
  });
  return quarantine(ids, quarantined_by);
}

std::int64_t MediaStore::unquarantine(const std::vector<std::string>& media_ids) {
  if (media_ids.empty()) return 0;
  return db_.write([&](Connection& c) {
    sql::Transaction tx(c);
    const std::string head = "UPDATE local_media SET quarantined_by = NULL WHERE ";
    const std::string tail = " AND quarantined_by IS NOT NULL";
    std::vector<std::string> hashes = hashes_of(c, media_ids, false);
    std::int64_t count = execute_in_chunks(c, head + "media_id IN ", tail, {}, media_ids);
    count += execute_in_chunks(c, head + "sha256 IN ", tail, {}, hashes);
    tx.commit();
    return count;
  });
}

bool MediaStore::set_protected(const std::string& media_id, bool safe) {
  return db_.write([&](Connection& c) {
    return c.execute("UPDATE local_media SET safe_from_quarantine = ? WHERE media_id = ?",
                     {safe, media_id}) == 1;
  });
}

std::vector<std::string> MediaStore::url_events(const std::string& room_id) {
  return db_.read([&](Connection& c) {
    std::vector<std::string> pdus;
    c.query_each(
        "SELECT pdu_json FROM events WHERE room_id = ? AND contains_url = 1"
        " ORDER BY stream_ordering DESC",
        {room_id}, [&pdus](sql::Row&& row) {
          pdus.push_back(row.text(0));
          return true;
        });
    return pdus;
  });
}

}  // namespace myelin::storage
