// Send-to-device messaging (spec client-server API "Send-to-Device messaging").
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/access.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

// PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId} — {messages: {userId: {deviceId or
// "*": content}}}; idempotent per (device, txnId).
Reply put_send_to_device(RequestContext& ctx) {
  std::string type = ctx.request.param("eventType");
  std::string txn_id = ctx.request.param("txnId");
  bj::object body = body_object(ctx.request);
  const bj::value* messages = body.if_contains("messages");
  if (!messages || !messages->is_object()) {
    throw MatrixError(ErrCode::kBadJson, "'messages' must be an object");
  }
  bj::object addressed = messages->get_object();
  co_await ctx.services->device_messages.send(ctx.principal.user_id, ctx.principal.device_id,
                                              std::move(type), std::move(txn_id),
                                              std::move(addressed));
  co_return ok();
}

}  // namespace myelin::api
