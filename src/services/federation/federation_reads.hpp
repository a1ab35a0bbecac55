#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/e2ee/local_keys.hpp"
#include "services/rooms/public_rooms.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

namespace asio = boost::asio;

// The state of a room before an event (/state), with the auth chain of that state.
struct RoomStateAtEvent {
  std::vector<boost::json::object> pdus;
  std::vector<boost::json::object> auth_chain;
};

// The same as event IDs (/state_ids).
struct RoomStateIdsAtEvent {
  std::vector<std::string> pdu_ids;
  std::vector<std::string> auth_chain_ids;
};

struct MissingEventsRequest {
  std::vector<std::string> earliest_events;
  std::vector<std::string> latest_events;
  std::int64_t limit = 10;
  std::int64_t min_depth = 0;
};

struct RoomAliasAnswer {
  std::string room_id;
  std::vector<std::string> servers;  // this server first, then the room's other servers
};

struct FederationPublicRoomsQuery {
  std::optional<std::int64_t> limit;
  std::optional<std::string> since;
  PublicRoomsFilter filter;
  bool only_third_party_network = false;
};

// What other servers may read from this one (spec server-server API "Retrieving events",
// "Backfilling and retrieving missing events", "Querying for information", "Public Room
// Directory", "Device Management", "End-to-End Encryption", "Spaces"). `origin` is the calling
// server, authenticated by X-Matrix. Room reads need a user of the origin joined to the room
// (Synapse's assert_host_in_room: 403 M_FORBIDDEN) and serve events the origin may not see as
// their redacted copies. Errors are MatrixErrors.
class FederationReads {
 public:
  FederationReads(ServiceContext& ctx, RoomService& rooms)
      : ctx_(ctx), rooms_(rooms), local_keys_(ctx) {}

  // GET /event/{eventId}: the PDU. 404 M_NOT_FOUND when unknown.
  asio::awaitable<boost::json::object> event(std::string origin, std::string event_id);
  // GET /state/{roomId} and /state_ids/{roomId}: the state before the event and its auth chain.
  // 404 M_NOT_FOUND for an event not in the room or without state (an outlier).
  asio::awaitable<RoomStateAtEvent> state(std::string origin, std::string room_id,
                                          std::string event_id);
  asio::awaitable<RoomStateIdsAtEvent> state_ids(std::string origin, std::string room_id,
                                                 std::string event_id);
  // GET /event_auth/{roomId}/{eventId}: the event's auth chain.
  asio::awaitable<std::vector<boost::json::object>> event_auth(std::string origin,
                                                               std::string room_id,
                                                               std::string event_id);
  // GET /backfill/{roomId}: the events `from` and their ancestors, newest first, at most
  // `limit` (capped at kMaxBackfill).
  asio::awaitable<std::vector<boost::json::object>> backfill(std::string origin,
                                                             std::string room_id,
                                                             std::vector<std::string> from,
                                                             std::int64_t limit);
  // POST /get_missing_events/{roomId}: oldest first; limit capped at kMaxMissingEvents.
  asio::awaitable<std::vector<boost::json::object>> missing_events(std::string origin,
                                                                   std::string room_id,
                                                                   MissingEventsRequest request);

  // Queries (federation_queries.cpp).
  // GET /query/profile: a local user's profile, or one field of it. 404 M_NOT_FOUND for users
  // of other servers, unknown users and unset fields; 400 M_INVALID_PARAM for other fields.
  asio::awaitable<boost::json::object> profile(std::string user_id,
                                               std::optional<std::string> field);
  // GET /query/directory: a local alias. 404 M_NOT_FOUND when unknown or not ours.
  asio::awaitable<RoomAliasAnswer> directory(std::string room_alias);
  // GET/POST /publicRooms: a page of the local published directory.
  asio::awaitable<PublicRoomsPage> public_rooms(FederationPublicRoomsQuery query);
  // GET /user/devices/{userId}: {user_id, stream_id, devices}.
  asio::awaitable<boost::json::object> user_devices(std::string user_id);
  // POST /user/keys/query and /user/keys/claim: the answers for our users (others' are left
  // out). Malformed requests → 400 M_BAD_JSON.
  asio::awaitable<boost::json::object> query_keys(boost::json::object device_keys);
  asio::awaitable<boost::json::object> claim_keys(boost::json::object one_time_keys);

  // GET /hierarchy/{roomId} (space_hierarchy.cpp): {room, children, inaccessible_children}.
  // 404 M_NOT_FOUND when the room is unknown or the origin could not peek or join it.
  asio::awaitable<boost::json::object> hierarchy(std::string origin, std::string room_id,
                                                 bool suggested_only);

  static constexpr std::int64_t kMaxBackfill = 100;          // Synapse's cap
  static constexpr std::int64_t kMaxMissingEvents = 20;      // Synapse's cap
  static constexpr std::int64_t kDefaultMissingEvents = 10;  // spec default

 private:
  // The room, when `origin` has a joined user in it; 403 M_FORBIDDEN otherwise.
  asio::awaitable<RoomStatePtr> room_of_member_server(std::string origin, std::string room_id);

  ServiceContext& ctx_;
  RoomService& rooms_;
  LocalKeys local_keys_;
};

}  // namespace myelin::services
