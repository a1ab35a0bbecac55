#include "services/federation/receiver/federation_receiver.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "base/log.hpp"
#include "base/matrix_error.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// The transaction's PDUs and EDUs, or 400 M_BAD_JSON. `pdus` is required (spec); origin and
// origin_server_ts are not needed (the origin is the authenticated server, as Synapse takes
// it) but must have their types when present.
void check_transaction(const bj::object& body) {
  const bj::value* pdus = body.if_contains("pdus");
  if (!pdus || !pdus->is_array()) {
    throw MatrixError(ErrCode::kBadJson, "'pdus' must be an array");
  }
  const bj::value* edus = body.if_contains("edus");
  if (edus && !edus->is_array() && !edus->is_null()) {
    throw MatrixError(ErrCode::kBadJson, "'edus' must be an array");
  }
  const bj::value* origin = body.if_contains("origin");
  if (origin && !origin->is_string()) {
    throw MatrixError(ErrCode::kBadJson, "'origin' must be a string");
  }
  const bj::value* ts = body.if_contains("origin_server_ts");
  if (ts && !ts->is_int64() && !ts->is_uint64()) {
    throw MatrixError(ErrCode::kBadJson, "'origin_server_ts' must be an integer");
  }
  // Synapse answers 400 too: a sender that breaks the limits is broken, not merely large.
  if (pdus->as_array().size() > FederationReceiver::kMaxPdus ||
      (edus && edus->is_array() && edus->as_array().size() > FederationReceiver::kMaxEdus)) {
    throw MatrixError(ErrCode::kBadJson, "Too many PDUs or EDUs in the transaction (at most " +
                                             std::to_string(FederationReceiver::kMaxPdus) +
                                             " and " +
                                             std::to_string(FederationReceiver::kMaxEdus) + ")");
  }
}

// A room's PDUs in the transaction's order; rooms in the order they first appear.
struct RoomBatch {
  std::string room_id;
  std::vector<bj::object> pdus;
};

std::vector<RoomBatch> by_room(bj::array pdus) {
  std::vector<RoomBatch> batches;
  for (bj::value& value : pdus) {
    if (!value.is_object()) continue;  // nothing to name it by: left out, as Synapse does
    const bj::value* room_id = value.as_object().if_contains("room_id");
    if (!room_id || !room_id->is_string()) {
      log::debug("federation", "ignoring a received PDU without a room_id");
      continue;
    }
    const std::string_view id = room_id->as_string();
    auto it = std::find_if(batches.begin(), batches.end(),
                           [id](const RoomBatch& batch) { return batch.room_id == id; });
    if (it == batches.end()) it = batches.insert(batches.end(), RoomBatch{std::string(id), {}});
    it->pdus.push_back(std::move(value.as_object()));
  }
  return batches;
}

}  // namespace

FederationReceiver::FederationReceiver(ServiceContext& ctx, RoomService& rooms,
                                       FederationSender& sender)
    : FederationReceiver(ctx, rooms) {
  edu_handler_ = [&sender](std::string origin, bj::object edu) {
    sender.receive_edu(std::move(origin), std::move(edu));
  };
}

asio::awaitable<bj::object> FederationReceiver::handle_transaction(std::string origin,
                                                                   std::string txn_id,
                                                                   bj::object body) {
  check_transaction(body);
  if (keys_.load() == nullptr) throw std::logic_error("FederationReceiver: no server keys wired");
  async::KeyedMutex::Guard one_at_a_time = co_await origins_.lock(origin);
  if (std::optional<bj::object> answered = answers_.find(origin, txn_id)) {
    log::debug("federation", "transaction {} from {} again: answered as before", txn_id, origin);
    co_return std::move(*answered);
  }
  bj::object answer = co_await process(origin, std::move(body));
  answers_.remember(origin, txn_id, answer);
  co_return answer;
}

asio::awaitable<bj::object> FederationReceiver::process(std::string origin, bj::object body) {
  std::vector<RoomBatch> batches = by_room(std::move(body.at("pdus").as_array()));
  auto executor = co_await asio::this_coro::executor;
  using Results = std::vector<PduResult>;
  using Operation =
      decltype(asio::co_spawn(executor, std::declval<asio::awaitable<Results>>(), asio::deferred));
  std::vector<Operation> operations;
  for (RoomBatch& batch : batches) {
    operations.push_back(asio::co_spawn(
        executor, process_room(origin, std::move(batch.room_id), std::move(batch.pdus)),
        asio::deferred));
  }
  bj::object results;
  if (!operations.empty()) {
    auto group = asio::experimental::make_parallel_group(std::move(operations));
    auto [order, failures, per_room] =
        co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    for (std::size_t i = 0; i < per_room.size(); ++i) {
      if (failures[i]) std::rethrow_exception(failures[i]);
      for (PduResult& result : per_room[i]) {
        bj::object entry;
        if (result.error) entry["error"] = *result.error;
        results[result.event_id] = std::move(entry);
      }
    }
  }
  // After the PDUs, so that a receipt for an event of this transaction finds it.
  if (bj::value* edus = body.if_contains("edus"); edus && edus->is_array() && edu_handler_) {
    for (bj::value& edu : edus->as_array()) {
      if (edu.is_object()) edu_handler_(origin, std::move(edu.as_object()));
    }
  }
  co_return bj::object{{"pdus", std::move(results)}};
}

}  // namespace myelin::services
