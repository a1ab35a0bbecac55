#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/sender/edu_receiver.hpp"
#include "services/federation/sender/retry_backoff.hpp"
#include "services/rooms/room_service.hpp"
#include "services/sync/presence_service.hpp"
#include "services/sync/typing_service.hpp"
#include "storage/store/federation_sender_store.hpp"

namespace myelin::services {

// What goes out to other servers (spec server-server API "Transactions"): every PDU and EDU is
// first written to the outbox (storage: federation_outbox), then each destination's queue — one
// coroutine per server with work, one transaction in flight at a time, in queue order — sends
// PUT /_matrix/federation/v1/send/{txnId} with at most 50 PDUs and 100 EDUs (the spec's
// limits). Rows go once the server answered 200. An unreachable server (no answer, 5xx, 429)
// is backed off (RetryBackoff, state in `destinations`) until the interval passes, or until it
// shows up on its own (on_server_seen) or an admin resets it; other 4xx answers drop the
// transaction, which that server will never accept. Queues with rows resume at start().
//
// Constructing it hooks RoomService (local events → send_pdu), TypingService and
// PresenceService (local users' changes → EDUs); read receipts come through send_receipt.
class FederationSender {
 public:
  static constexpr int kMaxPdusPerTransaction = 50;
  static constexpr int kMaxEdusPerTransaction = 100;

  FederationSender(ServiceContext& ctx, RoomService& rooms, TypingService& typing,
                   PresenceService& presence, RetryBackoff backoff = {});
  ~FederationSender();
  FederationSender(const FederationSender&) = delete;
  FederationSender& operator=(const FederationSender&) = delete;

  // The transport is wired by the composition root after construction; nothing is sent before.
  // Setting it wakes every queue with work.
  void set_transport(FederationTransport* transport);
  // End-to-end encryption's EDUs, both ways: to-device messages and device-list changes of
  // local users go out through this sender, and those other servers send arrive at the services.
  void connect_e2ee(DeviceMessages& messages, DeviceLists& lists);
  // Starts sending on `executor`: queues with persisted rows resume. Until then items are only
  // persisted.
  void start(boost::asio::any_io_executor executor);
  // Stops the queues (a transaction in flight completes; its rows stay unless it was sent).
  void stop();

  // Queues the PDU for every other server with a joined member in the room after it (and,
  // for a kick, ban or withdrawn invite of a remote user, that user's server too).
  boost::asio::awaitable<void> send_pdu(const RoomState& room_after, const events::Pdu& pdu);
  boost::asio::awaitable<void> send_edu(std::string destination, boost::json::object edu);
  // A local user's m.read receipt, to the other servers in the room (in the background).
  void send_receipt(std::string room_id, std::string user_id, std::string event_id,
                    std::string thread_id, std::int64_t ts);

  // A signed request from `origin` arrived: it is reachable again, so its back-off goes and
  // its queue is flushed at once.
  void on_server_seen(const std::string& origin);
  // Admin API reset_connection: false for a server never queued for.
  boost::asio::awaitable<bool> reset_connection(std::string destination);

  // An EDU from a /send transaction (owner of /send hands them here). In the background;
  // handle_edu is the same, awaited.
  void receive_edu(std::string origin, boost::json::object edu);
  boost::asio::awaitable<void> handle_edu(std::string origin, boost::json::object edu);

 private:
  struct Queue;
  enum class Outcome { kSent, kRefused, kUnreachable };

  boost::asio::awaitable<void> resume_pending();
  boost::asio::awaitable<void> clear_backoff(std::string destination);
  boost::asio::awaitable<void> enqueue_pdu(std::vector<std::string> destinations,
                                           std::string room_id, std::string event_id,
                                           std::string pdu_json);
  boost::asio::awaitable<void> enqueue_edu(std::vector<std::string> destinations,
                                           boost::json::object edu);
  // The EDU to every other server with a joined member in the room.
  boost::asio::awaitable<void> edu_to_room(std::string room_id, boost::json::object edu);
  boost::asio::awaitable<void> edu_to_presence_audience(std::string user_id,
                                                        boost::json::object edu);
  void spawn(boost::asio::awaitable<void> work, const char* what);
  void wake(const std::string& destination, bool flush);
  std::shared_ptr<Queue> queue_for(const std::string& destination);
  boost::asio::awaitable<void> run_queue(std::string destination, std::shared_ptr<Queue> queue);
  boost::asio::awaitable<Outcome> send_transaction(std::string destination,
                                                   std::vector<storage::OutboxItem> items);
  boost::asio::awaitable<void> wait_retry(std::shared_ptr<Queue> queue, std::int64_t ms);
  std::vector<std::string> others(std::vector<std::string> servers) const;
  bool is_local(const std::string& user_id) const;
  double random01();

  ServiceContext& ctx_;
  RetryBackoff backoff_;
  EduReceiver edus_in_;
  std::atomic<FederationTransport*> transport_ = nullptr;
  std::atomic<bool> stopping_ = false;
  std::mutex mutex_;  // guards executor_, queues_, random_
  // A room's EDUs are queued in the order they were made (typing on, then off, must not swap
  // while their lookups race on the database pool).
  async::KeyedMutex room_edu_order_;
  std::optional<boost::asio::any_io_executor> executor_;
  std::map<std::string, std::shared_ptr<Queue>> queues_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace myelin::services
