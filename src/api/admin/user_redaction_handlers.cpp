// Redacting a user's events (Synapse Admin API, admin_api/user_admin_api.md "Redact all the
// events of a user"): a background task and its status.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>

#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// POST /_synapse/admin/v1/user/{userId}/redact — {rooms, reason?, limit?} → {redact_id}; the
// redactions run in the background.
Reply post_redact_user(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  services::UserRedactionRequest request;
  request.user_id = user_id_param(ctx.request);
  request.admin_id = ctx.principal.user_id;
  bj::object body = body_object(ctx.request);
  std::optional<std::vector<std::string>> rooms = optional_string_list(body, "rooms");
  if (!rooms) throw MatrixError(ErrCode::kMissingParam, "Missing params: ['rooms']");
  request.room_ids = std::move(*rooms);
  request.reason = optional_string(body, "reason");
  if (std::optional<std::int64_t> limit = optional_int(body, "limit")) {
    if (*limit <= 0) {
      throw MatrixError(ErrCode::kInvalidParam, "If limit is provided it must be a positive int");
    }
    request.limit_per_room = static_cast<std::size_t>(*limit);
  }
  std::string redact_id = services.user_redactions.schedule(request);
  log::info("admin", "{} redacts the events of {} ({})", request.admin_id, request.user_id,
            redact_id);
  auto executor = co_await asio::this_coro::executor;
  asio::co_spawn(executor, services.user_redactions.run(redact_id, std::move(request)),
                 asio::detached);
  co_return ok({{"redact_id", redact_id}});
}

// GET /_synapse/admin/v1/user/redact_status/{redactId} — {status, failed_redactions}.
Reply get_redact_status(http::RequestContext& ctx) {
  std::optional<services::RedactionTaskState> state =
      ctx.services->user_redactions.status(ctx.request.param("redactId"));
  if (!state) throw MatrixError(ErrCode::kNotFound, "redact id not found");
  bj::object failed;
  for (const auto& [event_id, reason] : state->failed_redactions) failed[event_id] = reason;
  co_return ok(
      {{"status", services::to_string(state->status)}, {"failed_redactions", std::move(failed)}});
}

}  // namespace

std::vector<http::Route> admin_user_redaction_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kPost, "/_synapse/admin/v1/user/{userId}/redact", AuthKind::kAdmin,
       RateLimitClass::kNone, post_redact_user},
      {Method::kGet, "/_synapse/admin/v1/user/redact_status/{redactId}", AuthKind::kAdmin,
       RateLimitClass::kNone, get_redact_status},
  };
}

}  // namespace myelin::api
