#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "services/common/service_context.hpp"
#include "services/filter/filter.hpp"
#include "services/rooms/room_service.hpp"
#include "services/sync/sync_token.hpp"
#include "services/sync/typing_service.hpp"

namespace myelin::services {

struct SyncRequest {
  std::string user_id;
  std::string device_id;
  std::optional<SyncToken> since;
  std::chrono::milliseconds timeout{0};
  bool full_state = false;
  filter::Filter filter;
};

// GET /sync (spec client-server API "Syncing"): what changed for the user since their token —
// rooms by membership (join, invite, leave, knock) with timelines, state, ephemeral events,
// account data and unread counts, global account data and presence. With nothing new it waits
// (a suspended coroutine, see Notifier) until something is or the timeout passes.
class SyncService {
 public:
  SyncService(ServiceContext& ctx, RoomService& rooms, TypingService& typing)
      : ctx_(ctx), rooms_(rooms), typing_(typing) {}

  boost::asio::awaitable<boost::json::object> sync(SyncRequest request);

 private:
  struct Outcome {
    boost::json::object response;
    bool has_updates = false;
  };
  boost::asio::awaitable<Outcome> compute(const SyncRequest& request);

  ServiceContext& ctx_;
  RoomService& rooms_;
  TypingService& typing_;
};

}  // namespace myelin::services
