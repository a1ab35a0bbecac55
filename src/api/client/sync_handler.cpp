// GET /sync (spec client-server API "Syncing").
#include <charconv>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/parse.hpp"
#include "services/filter/parse_filter.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace {

// Long polls are capped so that a proxy's idle timeout does not cut them (Synapse: none; most
// clients ask for 30 s).
constexpr std::int64_t kMaxTimeoutMs = 5 * 60 * 1000;

boost::asio::awaitable<filter::Filter> sync_filter(Services& services, std::string user_id,
                                                   std::optional<std::string> param) {
  if (!param || param->empty()) co_return filter::Filter{};
  std::string text = *param;
  if (!filter::is_inline_filter(text)) {
    // Our filter IDs are decimal integers; "12abc" is not filter 12.
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc{} || end != text.data() + text.size()) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid filter ID");
    }
    storage::Store& store = services.ctx.store;
    auto load = [&store, user_id, id] { return store.user_data.filter(user_id, id); };
    auto stored = co_await services.ctx.db(std::move(load));
    if (!stored) throw MatrixError(ErrCode::kNotFound, "No such filter");
    text = *stored;
  }
  auto value = json::parse(text);
  if (!value) throw MatrixError(ErrCode::kNotJson, "filter is not JSON");
  auto parsed = filter::parse_filter(*value);
  if (!parsed) throw MatrixError(ErrCode::kBadJson, "Invalid filter: " + parsed.error());
  co_return std::move(*parsed);
}

}  // namespace

// GET /_matrix/client/v3/sync — changes since `since`; waits up to `timeout` ms when none.
Reply get_sync(RequestContext& ctx) {
  Services& services = *ctx.services;
  services::SyncRequest request;
  request.user_id = ctx.principal.user_id;
  request.device_id = ctx.principal.device_id;
  if (auto since = query_string(ctx.request, "since"); since && !since->empty()) {
    request.since = services::SyncToken::parse(*since);
    if (!request.since) throw MatrixError(ErrCode::kInvalidParam, "Invalid 'since' token");
  }
  request.timeout = std::chrono::milliseconds(
      std::min(query_int(ctx.request, "timeout").value_or(0), kMaxTimeoutMs));
  request.full_state = query_bool(ctx.request, "full_state", false);
  // set_presence (default online) marks the user present; "offline" leaves their state alone
  // (spec: the client is not to be considered online by this sync).
  std::string presence = query_string(ctx.request, "set_presence").value_or("online");
  if (presence != "online" && presence != "offline" && presence != "unavailable") {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid 'set_presence'");
  }
  if (presence != "offline") co_await services.presence.set_state(request.user_id, presence);
  std::optional<std::string> filter_param = query_string(ctx.request, "filter");
  request.filter = co_await sync_filter(services, request.user_id, std::move(filter_param));
  boost::json::object response = co_await services.sync.sync(std::move(request));
  co_return ok(std::move(response));
}

}  // namespace myelin::api
