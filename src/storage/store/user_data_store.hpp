#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"
#include "storage/store/stream_counter.hpp"

namespace myelin::storage {

struct AccountDataRecord {
  std::string room_id;  // empty for global account data
  std::string type;
  std::string content_json;
  std::int64_t stream_id = 0;
};

struct ReceiptRecord {
  std::string room_id;
  std::string receipt_type;
  std::string user_id;
  std::string thread_id;  // empty: unthreaded
  std::string event_id;
  std::int64_t event_stream_ordering = 0;
  std::int64_t ts = 0;
  std::int64_t stream_id = 0;
};

struct PresenceRecord {
  std::string user_id;
  std::string state;
  std::optional<std::string> status_msg;
  std::int64_t last_active_ts = 0;
  std::int64_t stream_id = 0;
};

// Per-user data served by sync: account data, receipts, presence, filters and push rules.
// Writes that sync serves take a stream position. Every call blocks: run on a worker pool.
class UserDataStore {
 public:
  UserDataStore(sql::Database& db, StreamCounter& stream) : db_(db), stream_(stream) {}

  std::int64_t put_account_data(const std::string& user_id, const std::string& room_id,
                                const std::string& type, const std::string& content_json);
  std::optional<std::string> account_data(const std::string& user_id, const std::string& room_id,
                                          const std::string& type);
  // Entries changed in (after, to] (all of them for after = 0).
  std::vector<AccountDataRecord> account_data_since(const std::string& user_id, std::int64_t after,
                                                    std::int64_t to);

  std::int64_t put_receipt(const ReceiptRecord& receipt);
  // The event_stream_ordering of the user's receipt of this type and thread ("": unthreaded)
  // in the room, if they sent one (receipts only move forwards).
  std::optional<std::int64_t> receipt_position(const std::string& room_id,
                                               const std::string& receipt_type,
                                               const std::string& user_id,
                                               const std::string& thread_id);
  std::vector<ReceiptRecord> receipts_since(const std::string& room_id, std::int64_t after,
                                            std::int64_t to);
  // The user's m.read / m.read.private receipt position in the room (for unread counts).
  std::int64_t read_position(const std::string& user_id, const std::string& room_id);

  std::int64_t put_presence(const PresenceRecord& presence);
  std::optional<PresenceRecord> presence(const std::string& user_id);
  std::vector<PresenceRecord> presence_since(std::int64_t after, std::int64_t to);

  std::int64_t add_filter(const std::string& user_id, const std::string& filter_json);
  std::optional<std::string> filter(const std::string& user_id, std::int64_t filter_id);

  std::optional<std::string> push_rules(const std::string& user_id);
  void put_push_rules(const std::string& user_id, const std::string& rules_json);

 private:
  sql::Database& db_;
  StreamCounter& stream_;
};

}  // namespace myelin::storage
