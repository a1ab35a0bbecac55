// The push side of the server-server API: transactions of PDUs and EDUs another server (the
// X-Matrix origin, ctx.principal.server_name) sends us. Logic in services::FederationReceiver.
#include "api/client/json_body.hpp"
#include "api/federation/federation_routes.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

using Reply = boost::asio::awaitable<http::Response>;
using http::RequestContext;

// PUT /_matrix/federation/v1/send/{txnId} — the transaction's PDUs into their rooms and its EDUs
// handed on: {"pdus": {event_id: {} | {"error"}}}; the same answer again for a repeated txnId.
// 400 M_NOT_JSON / M_BAD_JSON for a body that is not a transaction (or holds more than 50 PDUs
// or 100 EDUs).
Reply put_send(RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string origin = ctx.principal.server_name;
  std::string txn_id = ctx.request.param("txnId");
  bj::object body = body_object(ctx.request);
  bj::object answer = co_await services.federation_receiver.handle_transaction(
      std::move(origin), std::move(txn_id), std::move(body));
  co_return ok(std::move(answer));
}

}  // namespace

std::vector<http::Route> transaction_routes() {
  using http::Method;
  return {
      {Method::kPut, "/_matrix/federation/v1/send/{txnId}", http::AuthKind::kServerSigned,
       http::RateLimitClass::kFederation, put_send},
  };
}

}  // namespace myelin::api
