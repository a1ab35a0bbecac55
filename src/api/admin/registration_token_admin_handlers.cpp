// Registration tokens in the Synapse Admin API (/_synapse/admin/v1/registration_tokens...):
// list, get, create, update, delete, with Synapse's fields, checks and messages.
#include "api/admin/admin_routes.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

bj::value nullable(const std::optional<std::int64_t>& value) {
  return value ? bj::value(*value) : bj::value(nullptr);
}

bj::object render(const storage::RegistrationToken& token) {
  return {{"token", token.token},
          {"uses_allowed", nullable(token.uses_allowed)},
          {"pending", token.pending},
          {"completed", token.completed},
          {"expiry_time", nullable(token.expiry_time)}};
}

MatrixError no_such_token(const std::string& token) {
  return MatrixError(ErrCode::kNotFound, "No such registration token: " + token);
}

// A JSON integer as Synapse accepts one: not a boolean, not a float.
std::optional<std::int64_t> strict_int(const bj::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64() && value.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value.as_uint64());
  }
  return std::nullopt;
}

// `key` as an integer or null; absent → outer nullopt.
std::optional<std::optional<std::int64_t>> nullable_int(const bj::object& body,
                                                        std::string_view key, const char* message) {
  const bj::value* value = body.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_null()) return std::optional<std::int64_t>();
  std::optional<std::int64_t> number = strict_int(*value);
  if (!number) throw MatrixError(ErrCode::kInvalidParam, message);
  return number;
}

constexpr const char* kUsesAllowedMessage = "uses_allowed must be a non-negative integer or null";
constexpr const char* kExpiryMessage = "expiry_time must be an integer or null";

// GET /_synapse/admin/v1/registration_tokens?valid=true|false — all tokens, or only the valid
// (or only the expired and used-up) ones.
Reply get_registration_tokens(http::RequestContext& ctx) {
  std::optional<bool> valid;
  if (ctx.request.query.get("valid")) valid = query_bool(ctx.request, "valid", true);
  std::vector<storage::RegistrationToken> tokens =
      co_await ctx.services->registration_tokens.list(valid);
  bj::array list;
  for (const storage::RegistrationToken& token : tokens) list.push_back(render(token));
  co_return ok({{"registration_tokens", std::move(list)}});
}

// GET /_synapse/admin/v1/registration_tokens/{token} — one token; 404 M_NOT_FOUND.
Reply get_registration_token(http::RequestContext& ctx) {
  std::string token = ctx.request.param("token");
  std::optional<storage::RegistrationToken> found =
      co_await ctx.services->registration_tokens.get(token);
  if (!found) throw no_such_token(token);
  co_return ok(render(*found));
}

// POST /_synapse/admin/v1/registration_tokens/new — {token?, uses_allowed?, expiry_time?,
// length? (of a generated token, 1..64, default 16)}; 400 M_INVALID_PARAM for bad values or a
// token that exists.
Reply post_registration_token(http::RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  services::NewRegistrationToken request;
  if (const bj::value* token = body.if_contains("token")) {
    if (!token->is_string()) throw MatrixError(ErrCode::kInvalidParam, "token must be a string");
    request.token = std::string(token->as_string());
  } else if (const bj::value* length = body.if_contains("length")) {
    std::optional<std::int64_t> number = strict_int(*length);
    if (!number) throw MatrixError(ErrCode::kInvalidParam, "length must be an integer");
    request.length = *number;
  }
  request.uses_allowed =
      nullable_int(body, "uses_allowed", kUsesAllowedMessage).value_or(std::nullopt);
  request.expiry_time = nullable_int(body, "expiry_time", kExpiryMessage).value_or(std::nullopt);
  storage::RegistrationToken created =
      co_await ctx.services->registration_tokens.create(std::move(request));
  co_return ok(render(created));
}

// PUT /_synapse/admin/v1/registration_tokens/{token} — {uses_allowed?, expiry_time?}: fields
// given change (null: unlimited / never expires), absent ones stay; 404 M_NOT_FOUND.
Reply put_registration_token(http::RequestContext& ctx) {
  std::string token = ctx.request.param("token");
  bj::object body = body_object(ctx.request);
  storage::RegistrationTokenChange change;
  change.uses_allowed = nullable_int(body, "uses_allowed", kUsesAllowedMessage);
  change.expiry_time = nullable_int(body, "expiry_time", kExpiryMessage);
  std::optional<storage::RegistrationToken> updated =
      co_await ctx.services->registration_tokens.update(token, std::move(change));
  if (!updated) throw no_such_token(token);
  co_return ok(render(*updated));
}

// DELETE /_synapse/admin/v1/registration_tokens/{token} — {}; 404 M_NOT_FOUND.
Reply delete_registration_token(http::RequestContext& ctx) {
  std::string token = ctx.request.param("token");
  const bool removed = co_await ctx.services->registration_tokens.remove(token);
  if (!removed) throw no_such_token(token);
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_registration_token_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  constexpr const char* kTokens = "/_synapse/admin/v1/registration_tokens";
  constexpr const char* kToken = "/_synapse/admin/v1/registration_tokens/{token}";
  return {
      {Method::kGet, kTokens, AuthKind::kAdmin, RateLimitClass::kNone, get_registration_tokens},
      {Method::kPost, "/_synapse/admin/v1/registration_tokens/new", AuthKind::kAdmin,
       RateLimitClass::kNone, post_registration_token},
      {Method::kGet, kToken, AuthKind::kAdmin, RateLimitClass::kNone, get_registration_token},
      {Method::kPut, kToken, AuthKind::kAdmin, RateLimitClass::kNone, put_registration_token},
      {Method::kDelete, kToken, AuthKind::kAdmin, RateLimitClass::kNone, delete_registration_token},
  };
}

}  // namespace myelin::api
