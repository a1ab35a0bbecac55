#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"
#include "storage/store/stream_counter.hpp"

namespace myelin::storage {

// One to-device message for one device: `message_json` is the event its /sync shows,
// {type, sender, content}.
struct InboxMessage {
  std::string user_id;
  std::string device_id;
  std::string message_json;
};

// Who sent a batch of to-device messages, so that a retried request delivers nothing twice:
// a local device's transaction ID (origin "", sender_key "@user:server DEVICE") or another
// server's message_id (origin that server, sender_key the sending user).
struct DeliveryKey {
  std::string origin;
  std::string sender_key;
  std::string message_id;
};

// Devices' to-device inboxes (spec client-server "Send-to-Device messaging"). Messages wait, in
// stream order, until the device confirms it has them by syncing past them. Every call blocks:
// run on a worker pool.
class DeviceInboxStore {
 public:
  DeviceInboxStore(sql::Database& db, StreamCounter& stream) : db_(db), stream_(stream) {}

  // Puts the batch into the inboxes at one new stream position, in one transaction; nullopt
  // (and nothing stored) when `key` was delivered before. A batch holds at most one message per
  // device, so a device's messages each have their own position and a sync that stops after
  // one of them splits no batch. `now_ms` dates the key (forget_deliveries_before).
  std::optional<std::int64_t> deliver(const DeliveryKey& key,
                                      const std::vector<InboxMessage>& messages,
                                      std::int64_t now_ms);

  struct Pending {
    std::vector<std::string> messages_json;  // in stream order
    std::int64_t last_stream_id = 0;         // of the last message returned (0 for none)
    bool more = false;                       // more wait beyond `limit`
  };
  // The device's messages at positions in (after, up_to], at most `limit`.
  Pending pending(const std::string& user_id, const std::string& device_id, std::int64_t after,
                  std::int64_t up_to, int limit);
  // Whether the device holds messages at or below `position` (which its client has seen).
  bool has_through(const std::string& user_id, const std::string& device_id, std::int64_t position);
  void delete_through(const std::string& user_id, const std::string& device_id,
                      std::int64_t position);

  // The highest stream position deliveries took (the stream restarts above it).
  std::int64_t max_stream_id();

  // Forgets the delivery keys recorded before `cutoff_ms` (a retry after that delivers again),
  // except the one holding max_stream_id(). Keys from before they were dated get `now_ms`.
  // Returns how many were forgotten.
  std::int64_t forget_deliveries_before(std::int64_t cutoff_ms, std::int64_t now_ms);

 private:
  sql::Database& db_;
  StreamCounter& stream_;
};

}  // namespace myelin::storage
