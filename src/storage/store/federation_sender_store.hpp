#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// A PDU or EDU waiting in the outbox for one destination.
struct OutboxItem {
  std::int64_t id = 0;  // sending order within the destination
  std::string destination;
  bool is_edu = false;
  std::string json;                  // the PDU as signed, or the EDU {edu_type, content}
  std::int64_t stream_ordering = 0;  // the PDU's position (0 for EDUs)
};

// A server we federate with and its back-off (Synapse's `destinations` row).
struct DestinationRecord {
  std::string destination;
  std::int64_t retry_last_ts = 0;   // last failed attempt; 0 while reachable
  std::int64_t retry_interval = 0;  // current back-off in ms; 0 while reachable
  std::optional<std::int64_t> failure_ts;
  std::optional<std::int64_t> last_successful_stream_ordering;
};

struct DestinationRoom {
  std::string room_id;
  std::int64_t stream_ordering = 0;
};

// Which column the admin API's destination list is ordered by.
enum class DestinationOrder {
  kDestination,
  kRetryLastTs,
  kRetryInterval,
  kFailureTs,
  kLastSuccessfulStreamOrdering
};

// The federation sender's outbox and the destinations' retry state. Every call blocks: run on
// a worker pool.
class FederationSenderStore {
 public:
  explicit FederationSenderStore(sql::Database& db) : db_(db) {}

  // Queues the PDU for each destination, in one transaction; records the room for each (with
  // the event's stream position, read from `events`, 0 when it is not stored there).
  void enqueue_pdu(const std::vector<std::string>& destinations, const std::string& room_id,
                   const std::string& event_id, const std::string& pdu_json);
  // Queues the EDU for each destination, in one transaction.
  void enqueue_edu(const std::vector<std::string>& destinations, const std::string& edu_json);

  // The oldest queued items of the destination: at most max_pdus PDUs and max_edus EDUs, in
  // queue order.
  std::vector<OutboxItem> pending(const std::string& destination, int max_pdus, int max_edus);
  // Destinations with anything queued.
  std::vector<std::string> destinations_with_pending();
  // Drops the items (sent, or refused for good).
  void remove(const std::vector<std::int64_t>& ids);
  // The destination acknowledged a transaction: its items go, its back-off is cleared and
  // last_successful_stream_ordering moves up to `stream_ordering` (when > 0).
  void transaction_sent(const std::string& destination, const std::vector<std::int64_t>& ids,
                        std::int64_t stream_ordering);
  // A failed attempt at `now_ms`; failure_ts keeps the start of the current run of failures.
  void record_failure(const std::string& destination, std::int64_t now_ms,
                      std::int64_t retry_interval);
  // Clears the back-off (the server was seen, or an admin asked). False for an unknown server.
  bool reset_retry(const std::string& destination);

  std::optional<DestinationRecord> destination(const std::string& destination);
  // The admin API's list: servers whose name contains `name_filter` (case-insensitive; "" for
  // all), ordered by `order` (then by name), from `offset`, at most `limit`.
  std::vector<DestinationRecord> list_destinations(const std::string& name_filter,
                                                   DestinationOrder order, bool ascending,
                                                   std::int64_t offset, std::int64_t limit);
  std::int64_t count_destinations(const std::string& name_filter);
  // The rooms the destination shares with us, ordered by room ID.
  std::vector<DestinationRoom> destination_rooms(const std::string& destination, bool ascending,
                                                 std::int64_t offset, std::int64_t limit);
  std::int64_t count_destination_rooms(const std::string& destination);

  // The servers (other than none: the caller drops its own) of the users joined to the room,
  // and of those joined to any room `user_id` is joined to.
  std::vector<std::string> servers_in_room(const std::string& room_id);
  std::vector<std::string> servers_sharing_room_with(const std::string& user_id);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
