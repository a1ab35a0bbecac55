// End-to-end encryption keys (spec client-server API "Key management API"): a device's own keys
// up, other devices' keys read and their one-time keys claimed (services::KeyService).
#include <algorithm>

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 60 s: the most a client may make us wait on other servers (Synapse's federation time-out).
constexpr std::int64_t kMaxTimeoutMs = 60'000;

std::chrono::milliseconds timeout_of(const bj::object& body) {
  std::int64_t ms =
      optional_int(body, "timeout").value_or(services::KeyService::kDefaultTimeout.count());
  return std::chrono::milliseconds(std::clamp<std::int64_t>(ms, 0, kMaxTimeoutMs));
}

}  // namespace

// POST /_matrix/client/v3/keys/upload — the requester's device's identity, one-time and
// fallback keys; answers the one-time keys left per algorithm.
Reply post_keys_upload(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  bj::object answer = co_await ctx.services->keys.upload(ctx.principal.user_id,
                                                         ctx.principal.device_id, std::move(body));
  co_return ok(std::move(answer));
}

// POST /_matrix/client/r0/keys/upload/{deviceId} — r0's form: the device named in the path can
// only be the requester's own (Synapse ignores it likewise).
Reply post_keys_upload_for_device(RequestContext& ctx) {
  if (ctx.request.param("deviceId") != ctx.principal.device_id) {
    throw MatrixError(ErrCode::kInvalidParam, "Keys can only be uploaded for your own device");
  }
  co_return co_await post_keys_upload(ctx);
}

// POST /_matrix/client/v3/keys/query — device and cross-signing keys of the users asked about,
// other servers' through federation; servers that failed are listed in `failures`.
Reply post_keys_query(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  std::optional<bj::object> device_keys = optional_object(body, "device_keys");
  if (!device_keys) throw MatrixError(ErrCode::kMissingParam, "device_keys is required");
  services::DeviceKeysQuery query = services::parse_device_keys_query(*device_keys);
  bj::object answer =
      co_await ctx.services->keys.query(ctx.principal.user_id, std::move(query), timeout_of(body));
  co_return ok(std::move(answer));
}

// POST /_matrix/client/v3/keys/claim — one one-time key (else the fallback key) per device asked
// about; each one-time key is given out once.
Reply post_keys_claim(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  std::optional<bj::object> one_time_keys = optional_object(body, "one_time_keys");
  if (!one_time_keys) throw MatrixError(ErrCode::kMissingParam, "one_time_keys is required");
  services::OneTimeKeysClaim claim = services::parse_one_time_keys_claim(*one_time_keys);
  bj::object answer = co_await ctx.services->keys.claim(std::move(claim), timeout_of(body));
  co_return ok(std::move(answer));
}

// POST /_matrix/client/v3/keys/device_signing/upload — the requester's cross-signing keys;
// replacing a master key already set needs the password again (user-interactive auth).
Reply post_device_signing_upload(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  const std::string user_id = ctx.principal.user_id;
  if (co_await services.keys.signing_keys_need_auth(user_id)) {
    std::vector<services::UiaFlow> flows(1);
    flows[0].stages.push_back("m.login.password");
    UiaOutcome uia = co_await user_interactive_auth(ctx, body, std::move(flows), user_id);
    if (!uia.completed) co_return std::move(uia.challenge);
    services.uia.end(uia.completed->session_id);
  }
  co_await services.keys.upload_signing_keys(user_id, std::move(body));
  co_return ok();
}

// POST /_matrix/client/v3/keys/signatures/upload — signatures over the requester's devices and
// master key and over other users' master keys, each checked; the refused ones in `failures`.
Reply post_signatures_upload(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  bj::object answer =
      co_await ctx.services->keys.upload_signatures(ctx.principal.user_id, std::move(body));
  co_return ok(std::move(answer));
}

}  // namespace myelin::api
