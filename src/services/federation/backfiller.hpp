#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/keys/server_keys.hpp"
#include "services/rooms/older_history.hpp"
#include "services/rooms/room_service.hpp"

namespace myelin::services {

// A room's history from before what this server holds, fetched from the room's other servers
// (spec server-server API "Backfilling and retrieving missing events"): GET /backfill with the
// events the timeline lacks, from the servers of the room's joined members (the creator's
// first, then the next on failure, each with a short time-out so that a dead server does not
// hold up /messages). Every PDU passes the checks on receipt (format, signatures, hashes) and
// must descend to what was asked for (anything else in the answer is dropped); RoomService
// then checks each against its auth events, fetching unknown ones with /event_auth. When no
// server gives anything the room rests a while, so that paging clients are answered at once;
// a server that did not answer rests too, so the next fetch starts with one that may.
class Backfiller final : public OlderHistory {
 public:
  struct Options {
    std::chrono::milliseconds answer_timeout{3000};  // per request; /messages waits on it
    std::size_t max_servers = 3;                     // asked in turn per fetch
    // A room after a fetch that brought nothing, a server after it failed or did not answer
    // in time, are left alone this long.
    std::int64_t rest_ms = 60'000;
  };

  Backfiller(ServiceContext& ctx, RoomService& rooms) : Backfiller(ctx, rooms, Options{}) {}
  Backfiller(ServiceContext& ctx, RoomService& rooms, Options options)
      : ctx_(ctx), rooms_(rooms), options_(options) {}

  void set_transport(FederationTransport* transport) { transport_ = transport; }
  void set_server_keys(ServerKeys* keys) { keys_ = keys; }

  boost::asio::awaitable<std::size_t> fetch_older(std::string room_id,
                                                  std::vector<std::string> gaps,
                                                  std::size_t limit) override;

 private:
  // The body of a GET to `server`, or nothing when it failed or did not answer in time.
  boost::asio::awaitable<std::optional<boost::json::value>> ask(std::string server,
                                                                std::string path);
  // The events of one /backfill answer from `server` checked and added; 0 when none.
  boost::asio::awaitable<std::size_t> fetch_from(std::string server, RoomStatePtr room,
                                                 std::vector<std::string> gaps, std::size_t limit);
  // Room IDs and server names share one map: they never collide ('!' vs a host name).
  bool resting(const std::string& key);
  void rest(const std::string& key);

  ServiceContext& ctx_;
  RoomService& rooms_;
  Options options_;
  FederationTransport* transport_ = nullptr;
  ServerKeys* keys_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, std::int64_t> resting_until_;  // room ID or server → ms
};

// The servers to ask for a room's history: of its joined members, the creator's first, never
// this one (`own`).
std::vector<std::string> history_servers(const RoomState& room, const std::string& own);

}  // namespace myelin::services
