// The room reads of the server-server API: single events, state at an event, auth chains,
// backfill and missing events, each for a server with a user in the room.
#include "services/federation/federation_reads.hpp"

#include <algorithm>

#include "base/matrix_error.hpp"
#include "protocol/json/parse.hpp"
#include "services/federation/event_graph.hpp"
#include "services/federation/server_visibility.hpp"

namespace myelin::services {

namespace bj = boost::json;

namespace {

std::vector<bj::object> pdus_of(const std::vector<storage::EventRecord>& records) {
  std::vector<bj::object> pdus;
  pdus.reserve(records.size());
  for (const storage::EventRecord& record : records) {
    if (auto pdu = json::parse_object(record.pdu_json)) pdus.push_back(std::move(*pdu));
  }
  return pdus;
}

// The state before the event and its auth chain, as records. Throws M_NOT_FOUND for an event
// not stored in the room or stored without state.
struct StateRecords {
  std::vector<storage::EventRecord> state;
  std::vector<storage::EventRecord> auth_chain;
};

StateRecords load_state_records(storage::Store& store, const std::string& room_id,
                                const std::string& event_id) {
  auto record = store.events.event(event_id);
  if (!record || record->room_id != room_id) {
    throw MatrixError(ErrCode::kNotFound, "Could not find event " + event_id);
  }
  std::optional<storage::StateEntries> entries = state_before_event(store, *record);
  if (!entries) throw MatrixError(ErrCode::kNotFound, "No state known at event " + event_id);
  std::vector<std::string> ids;
  ids.reserve(entries->size());
  for (const auto& [slot, id] : *entries) ids.push_back(id);
  StateRecords out;
  out.state = store.events.events(ids);
  out.auth_chain = auth_chain(store, room_id, ids);
  return out;
}

}  // namespace

asio::awaitable<RoomStatePtr> FederationReads::room_of_member_server(std::string origin,
                                                                     std::string room_id) {
  RoomStatePtr room = co_await rooms_.room(room_id);
  // An unknown room answers as one the server is not in (as Synapse does).
  if (!room || !room->version || !server_in_room(*room, origin)) {
    throw MatrixError(ErrCode::kForbidden, "Host not in room");
  }
  co_return room;
}

asio::awaitable<bj::object> FederationReads::event(std::string origin, std::string event_id) {
  storage::Store& store = ctx_.store;
  auto load = [&store, event_id] { return store.events.event(event_id); };
  std::optional<storage::EventRecord> record = co_await ctx_.db(std::move(load));
  if (!record) throw MatrixError(ErrCode::kNotFound, "Event not found");
  RoomStatePtr room = co_await room_of_member_server(origin, record->room_id);
  const RoomVersion* version = room->version;
  auto filter = [&store, version, origin, record = std::move(*record)] {
    std::vector<storage::EventRecord> one{record};
    return events_for_server(store, *version, origin, one, HiddenEvents::kRedact);
  };
  std::vector<bj::object> pdus = co_await ctx_.db(std::move(filter));
  if (pdus.empty()) throw MatrixError(ErrCode::kNotFound, "Event not found");
  co_return std::move(pdus.front());
}

asio::awaitable<RoomStateAtEvent> FederationReads::state(std::string origin, std::string room_id,
                                                         std::string event_id) {
  co_await room_of_member_server(origin, room_id);
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id, event_id] { return load_state_records(store, room_id, event_id); };
  StateRecords records = co_await ctx_.db(std::move(load));
  RoomStateAtEvent out;
  out.pdus = pdus_of(records.state);
  out.auth_chain = pdus_of(records.auth_chain);
  co_return out;
}

asio::awaitable<RoomStateIdsAtEvent> FederationReads::state_ids(std::string origin,
                                                                std::string room_id,
                                                                std::string event_id) {
  co_await room_of_member_server(origin, room_id);
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id, event_id] { return load_state_records(store, room_id, event_id); };
  StateRecords records = co_await ctx_.db(std::move(load));
  RoomStateIdsAtEvent out;
  for (const storage::EventRecord& record : records.state) out.pdu_ids.push_back(record.event_id);
  for (const storage::EventRecord& record : records.auth_chain) {
    out.auth_chain_ids.push_back(record.event_id);
  }
  co_return out;
}

asio::awaitable<std::vector<bj::object>> FederationReads::event_auth(std::string origin,
                                                                     std::string room_id,
                                                                     std::string event_id) {
  co_await room_of_member_server(origin, room_id);
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id, event_id] {
    auto record = store.events.event(event_id);
    if (!record || record->room_id != room_id) {
      throw MatrixError(ErrCode::kNotFound, "Could not find event " + event_id);
    }
    std::vector<std::string> seed{event_id};
    return auth_chain(store, room_id, seed);
  };
  std::vector<storage::EventRecord> chain = co_await ctx_.db(std::move(load));
  co_return pdus_of(chain);
}

asio::awaitable<std::vector<bj::object>> FederationReads::backfill(std::string origin,
                                                                   std::string room_id,
                                                                   std::vector<std::string> from,
                                                                   std::int64_t limit) {
  RoomStatePtr room = co_await room_of_member_server(origin, room_id);
  const RoomVersion* version = room->version;
  const auto capped = static_cast<std::size_t>(std::clamp<std::int64_t>(limit, 0, kMaxBackfill));
  storage::Store& store = ctx_.store;
  auto load = [&store, version, origin, room_id, from, capped] {
    std::vector<storage::EventRecord> walked = backfill_walk(store, room_id, from, capped);
    return events_for_server(store, *version, origin, walked, HiddenEvents::kRedact);
  };
  co_return co_await ctx_.db(std::move(load));
}

asio::awaitable<std::vector<bj::object>> FederationReads::missing_events(
    std::string origin, std::string room_id, MissingEventsRequest request) {
  RoomStatePtr room = co_await room_of_member_server(origin, room_id);
  const RoomVersion* version = room->version;
  const auto limit =
      static_cast<std::size_t>(std::clamp<std::int64_t>(request.limit, 0, kMaxMissingEvents));
  storage::Store& store = ctx_.store;
  auto load = [&store, version, origin, room_id, request, limit] {
    std::vector<storage::EventRecord> walked = missing_events_walk(
        store, room_id, request.earliest_events, request.latest_events, limit, request.min_depth);
    // Redacted rather than left out, so that the requester can still link the DAG.
    return events_for_server(store, *version, origin, walked, HiddenEvents::kRedact);
  };
  co_return co_await ctx_.db(std::move(load));
}

}  // namespace myelin::services
