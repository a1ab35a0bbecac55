// Server notices (Synapse Admin API, admin_api/server_notices.md) and the server's version.
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "base/myelin_version.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// The notice a request body describes: {user_id, content, type?, state_key?}.
services::ServerNotice read_notice(const http::Request& request) {
  bj::object body = body_object(request);
  services::ServerNotice notice;
  notice.user_id = required_string(body, "user_id");
  std::optional<bj::object> content = optional_object(body, "content");
  if (!content) throw MatrixError(ErrCode::kMissingParam, "Missing params: ['content']");
  notice.content = std::move(*content);
  if (auto type = optional_string(body, "type")) notice.type = *type;
  notice.state_key = optional_string(body, "state_key");
  return notice;
}

Reply send_notice(http::RequestContext& ctx, std::optional<std::string> transaction_key) {
  services::ServerNotice notice = read_notice(ctx.request);
  log::info("admin", "{} sends a server notice to {}", ctx.principal.user_id, notice.user_id);
  std::string event_id =
      co_await ctx.services->server_notices.send(std::move(notice), std::move(transaction_key));
  co_return ok({{"event_id", event_id}});
}

// POST /_synapse/admin/v1/send_server_notice — sends a notice; {event_id}.
Reply post_server_notice(http::RequestContext& ctx) {
  std::optional<std::string> no_transaction;
  co_return co_await send_notice(ctx, no_transaction);
}

// PUT /_synapse/admin/v1/send_server_notice/{txnId} — as POST, idempotent per (admin, txnId).
Reply put_server_notice(http::RequestContext& ctx) {
  std::optional<std::string> key = ctx.principal.user_id + "\n" + ctx.request.param("txnId");
  co_return co_await send_notice(ctx, std::move(key));
}

// GET /_synapse/admin/v1/server_version — {server_version}.
Reply get_server_version(http::RequestContext&) {
  co_return ok({{"server_version", std::string(kMyelinVersion)}});
}

}  // namespace

std::vector<http::Route> admin_server_notice_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kPost, "/_synapse/admin/v1/send_server_notice", AuthKind::kAdmin,
       RateLimitClass::kNone, post_server_notice},
      {Method::kPut, "/_synapse/admin/v1/send_server_notice/{txnId}", AuthKind::kAdmin,
       RateLimitClass::kNone, put_server_notice},
      {Method::kGet, "/_synapse/admin/v1/server_version", AuthKind::kAdmin, RateLimitClass::kNone,
       get_server_version},
  };
}

}  // namespace myelin::api
