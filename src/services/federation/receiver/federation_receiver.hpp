#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "async/keyed_mutex.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/keys/server_keys.hpp"
#include "services/federation/receiver/transaction_answers.hpp"
#include "services/federation/sender/federation_sender.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// What other servers push to us: PUT /_matrix/federation/v1/send/{txnId} (spec server-server
// API "Transactions", "PDUs", "EDUs"). Each PDU is checked (format, signatures, content hash:
// check_received_pdu) and handed to RoomService::accept_remote_event; the gaps the room reports
// are filled from the origin once — missing prev_events through /get_missing_events, missing
// auth events through /event_auth — and the event tried again. A room's PDUs are handled in
// the transaction's order, one at a time; different rooms concurrently. EDUs go, once the PDUs
// are in, to the EDU handler (FederationSender::receive_edu as the server runs: in the
// background).
//
// One transaction per origin at a time (as Synapse): a repeated txnId waits for the first and
// gets its answer (TransactionAnswers).
class FederationReceiver {
 public:
  static constexpr std::size_t kMaxPdus = 50;   // spec: at most 50 PDUs per transaction
  static constexpr std::size_t kMaxEdus = 100;  // spec: at most 100 EDUs per transaction
  static constexpr std::size_t kRememberedTransactions = 1000;
  static constexpr std::int64_t kMissingEventsLimit = 10;  // spec default for /get_missing_events
  // Prev events still missing after /get_missing_events whose state is asked for (GET /state)
  // per received event; Synapse asks for each, but a PDU naming many unknown ones is unusual.
  static constexpr std::size_t kMaxGapStates = 5;

  using EduHandler = std::function<void(std::string origin, boost::json::object edu)>;

  FederationReceiver(ServiceContext& ctx, RoomService& rooms) : ctx_(ctx), rooms_(rooms) {}
  // As the server runs: EDUs go to the sender's EduReceiver.
  FederationReceiver(ServiceContext& ctx, RoomService& rooms, FederationSender& sender);
  FederationReceiver(const FederationReceiver&) = delete;
  FederationReceiver& operator=(const FederationReceiver&) = delete;

  // Wired by the composition root: requests to the origin (missing events), and keys for
  // signatures. Without a transport gaps stay unfilled; without keys nothing can be checked.
  void set_transport(FederationTransport* transport) { transport_ = transport; }
  void set_server_keys(ServerKeys* keys) { keys_ = keys; }
  void set_edu_handler(EduHandler handler) { edu_handler_ = std::move(handler); }

  // The transaction `txn_id` from `origin` (authenticated by X-Matrix): {"pdus": {event_id: {}
  // or {"error": why}}}. A PDU whose event ID cannot be known (no room_id, a room we do not
  // hold in a version whose IDs are hashes, unparsable) is left out of the answer, as Synapse
  // does. 400 M_BAD_JSON for a body that is not a transaction or holds more PDUs or EDUs than
  // the spec allows.
  boost::asio::awaitable<boost::json::object> handle_transaction(std::string origin,
                                                                 std::string txn_id,
                                                                 boost::json::object body);

 private:
  // One PDU's entry in the answer: nullopt when accepted (or already known), else the error.
  struct PduResult {
    std::string event_id;
    std::optional<std::string> error;
  };

  boost::asio::awaitable<boost::json::object> process(std::string origin, boost::json::object body);
  // The PDUs of one room, in order (incoming_pdu.cpp).
  boost::asio::awaitable<std::vector<PduResult>> process_room(
      std::string origin, std::string room_id, std::vector<boost::json::object> pdus);
  // accept_remote_event, filling a gap it reports from `origin` once and trying again:
  // missing auth events always, missing prev_events when `fetch_prev` (not for events that
  // came to fill a gap themselves, so that the walk back is bounded) — through
  // /get_missing_events, then, for prev events still missing (a gap larger than that fills),
  // through the state at them (fetch_state_at_gap).
  boost::asio::awaitable<RemoteEventOutcome> accept_filling_gaps(std::string origin, PduPtr pdu,
                                                                 bool fetch_prev);
  boost::asio::awaitable<bool> lacks_prev_events(PduPtr pdu);
  boost::asio::awaitable<void> fetch_auth_events(std::string origin, PduPtr pdu);
  boost::asio::awaitable<void> fetch_prev_events(std::string origin, PduPtr pdu);
  // The prev event `event_id` (GET /event) and the state before it (GET /state), checked, so
  // that the event after it can be decided without the history in between.
  boost::asio::awaitable<void> fetch_state_at_gap(std::string origin, std::string room_id,
                                                  std::string event_id, const RoomVersion* version);
  // The events of a remote answer that pass check_received_pdu and belong to the room.
  boost::asio::awaitable<std::vector<PduPtr>> checked_events(boost::json::value answer,
                                                             std::string key, std::string room_id,
                                                             const RoomVersion* version);

  ServiceContext& ctx_;
  RoomService& rooms_;
  std::atomic<FederationTransport*> transport_ = nullptr;
  std::atomic<ServerKeys*> keys_ = nullptr;
  EduHandler edu_handler_;
  async::KeyedMutex origins_;  // one transaction per origin at a time
  TransactionAnswers answers_{kRememberedTransactions};
};

}  // namespace myelin::services
