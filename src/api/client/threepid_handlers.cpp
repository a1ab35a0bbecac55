// Third-party identifiers, e-mail only: validation sessions (requestToken), the links mailed
// for them, and the addresses bound to an account. No identity server is ever involved, so
// bind/unbind answer as Synapse does without one.
#include "api/client/threepid_handlers.hpp"

#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;
using services::ValidationPurpose;

namespace {

services::EmailTokenRequest token_request(const bj::object& body) {
  services::EmailTokenRequest request;
  request.client_secret = required_string(body, "client_secret");
  request.email = required_string(body, "email");
  std::optional<std::int64_t> attempt = optional_int(body, "send_attempt");
  if (!attempt) throw MatrixError(ErrCode::kMissingParam, "Missing 'send_attempt'");
  request.send_attempt = *attempt;
  request.next_link = optional_string(body, "next_link");
  return request;
}

Reply request_token(RequestContext& ctx, ValidationPurpose purpose) {
  bj::object body = body_object(ctx.request);
  services::EmailTokenRequest request = token_request(body);
  const std::string sid =
      co_await ctx.services->threepids.request_email_token(purpose, std::move(request));
  co_return ok({{"sid", sid}});
}

// A small page for the browser that followed the link.
http::Response html_page(int status, const std::string& title, const std::string& text) {
  http::Response response;
  response.status = status;
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title +
                  "</title></head>\n<body><h1>" + title + "</h1>\n<p>" + text +
                  "</p></body></html>\n";
  return response;
}

std::vector<services::UiaFlow> password_flow() {
  std::vector<services::UiaFlow> flows(1);
  flows[0].stages.push_back("m.login.password");
  return flows;
}

}  // namespace

std::optional<EmailProof> email_identity_proof(const services::UiaCompleted& completed) {
  auto it = completed.proofs.find("m.login.email.identity");
  if (it == completed.proofs.end() || !it->second.is_object()) return std::nullopt;
  const bj::object& proof = it->second.as_object();
  EmailProof out;
  out.medium = std::string(proof.at("medium").as_string());
  out.address = std::string(proof.at("address").as_string());
  out.validated_at = proof.at("validated_at").as_int64();
  out.sid = std::string(proof.at("sid").as_string());
  return out;
}

boost::asio::awaitable<void> bind_registered_email(RequestContext& ctx,
                                                   services::UiaCompleted completed,
                                                   std::string user_id) {
  std::optional<EmailProof> proof = email_identity_proof(completed);
  if (!proof) co_return;
  services::ThreepidService& threepids = ctx.services->threepids;
  services::ValidatedThreepid threepid{proof->medium, proof->address, proof->validated_at};
  std::optional<std::string> failure;
  try {
    co_await threepids.bind(user_id, std::move(threepid));
  } catch (const MatrixError& e) {
    failure = e.what();
  }
  if (failure) {
    log::warn("email", "{} registered, but {} was not bound: {}", user_id, proof->address,
              *failure);
    co_return;
  }
  co_await threepids.consume(proof->sid);
}

boost::asio::awaitable<std::optional<std::string>> thirdparty_login_user(RequestContext& ctx,
                                                                         bj::object body) {
  std::optional<std::string> medium;
  std::optional<std::string> address;
  if (std::optional<bj::object> identifier = optional_object(body, "identifier")) {
    if (optional_string(*identifier, "type") != "m.id.thirdparty") co_return std::nullopt;
    medium = required_string(*identifier, "medium");
    address = required_string(*identifier, "address");
  } else {
    medium = optional_string(body, "medium");
    address = optional_string(body, "address");
    if (!medium || !address) co_return std::nullopt;
  }
  std::optional<std::string> user_id =
      co_await ctx.services->threepids.user_of(std::move(*medium), std::move(*address));
  if (!user_id) throw MatrixError(ErrCode::kForbidden, "Invalid username or password");
  co_return user_id;
}

// POST /_matrix/client/v3/register/email/requestToken — mails a link for an address not yet
// bound (M_THREEPID_IN_USE otherwise); {sid}.
Reply post_register_email_request_token(RequestContext& ctx) {
  return request_token(ctx, ValidationPurpose::kRegistration);
}

// POST /_matrix/client/v3/account/3pid/email/requestToken — as above, for /account/3pid/add.
Reply post_add_threepid_email_request_token(RequestContext& ctx) {
  return request_token(ctx, ValidationPurpose::kAddThreepid);
}

// POST /_matrix/client/v3/account/password/email/requestToken — mails a link to an address that
// is bound to an account (M_THREEPID_NOT_FOUND otherwise).
Reply post_password_email_request_token(RequestContext& ctx) {
  return request_token(ctx, ValidationPurpose::kPasswordReset);
}

// GET <submit_token path>?token=&client_secret=&sid= — the mailed link; validates the session
// and tells the browser so.
Reply get_submit_token(RequestContext& ctx) {
  std::optional<std::string> token = query_string(ctx.request, "token");
  std::optional<std::string> client_secret = query_string(ctx.request, "client_secret");
  std::optional<std::string> sid = query_string(ctx.request, "sid");
  if (!token || !client_secret || !sid) {
    co_return html_page(400, "Invalid link", "This validation link is incomplete.");
  }
  std::optional<MatrixError> failure;
  std::optional<std::string> next_link;
  try {
    next_link = co_await ctx.services->threepids.submit_token(
        std::move(*sid), std::move(*client_secret), std::move(*token));
  } catch (const MatrixError& e) {
    failure.emplace(e);
  }
  if (failure) {
    co_return html_page(400, "Validation failed",
                        "This validation link is unknown or has expired. Request a new one "
                        "from your client.");
  }
  if (next_link) {
    // Spec: the client asked for the browser to continue there.
    http::Response redirect;
    redirect.status = 302;
    redirect.headers.set("Location", *next_link);
    co_return redirect;
  }
  co_return html_page(200, "Email validated",
                      "Your email address has been validated. Return to your client to "
                      "continue.");
}

// GET /_matrix/client/v3/account/3pid — the addresses bound to the account.
Reply get_threepids(RequestContext& ctx) {
  std::vector<storage::Threepid> threepids =
      co_await ctx.services->threepids.threepids_of(ctx.principal.user_id);
  bj::array out;
  for (const storage::Threepid& threepid : threepids) {
    out.push_back(bj::object{{"medium", threepid.medium},
                             {"address", threepid.address},
                             {"validated_at", threepid.validated_at},
                             {"added_at", threepid.added_at}});
  }
  co_return ok({{"threepids", std::move(out)}});
}

// POST /_matrix/client/v3/account/3pid/add — binds the address a validated session proves,
// after the account's password (user-interactive auth, as Synapse).
Reply post_add_threepid(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  std::string client_secret = required_string(body, "client_secret");
  std::string sid = required_string(body, "sid");
  services::ThreepidService::check_client_secret(client_secret);
  const std::string user_id = ctx.principal.user_id;
  std::vector<services::UiaFlow> flows = password_flow();
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), user_id);
  if (!uia.completed) co_return std::move(uia.challenge);
  std::optional<services::ValidatedThreepid> validated =
      co_await services.threepids.validated(sid, std::move(client_secret));
  if (!validated) {
    throw MatrixError(ErrCode::kThreepidAuthFailed, "No validated 3pid session found");
  }
  co_await services.threepids.bind(user_id, std::move(*validated));
  co_await services.threepids.consume(std::move(sid));
  services.uia.end(uia.completed->session_id);
  co_return ok();
}

// POST /_matrix/client/v3/account/3pid/delete — unbinds an address from the account.
Reply post_delete_threepid(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  std::string medium = required_string(body, "medium");
  std::string address = required_string(body, "address");
  co_await ctx.services->threepids.unbind(ctx.principal.user_id, std::move(medium),
                                          std::move(address));
  co_return ok({{"id_server_unbind_result", "no-support"}});
}

// POST /_matrix/client/v3/account/3pid/bind — binding at an identity server; this server
// talks to none.
Reply post_bind_threepid(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  required_string(body, "client_secret");
  required_string(body, "id_server");
  required_string(body, "id_access_token");
  required_string(body, "sid");
  throw MatrixError(ErrCode::kServerNotTrusted,
                    "This server does not bind addresses at identity servers");
  co_return ok();
}

// POST /_matrix/client/v3/account/3pid/unbind — unbinding at an identity server: none is used.
Reply post_unbind_threepid(RequestContext& ctx) {
  bj::object body = body_object(ctx.request);
  required_string(body, "medium");
  required_string(body, "address");
  co_return ok({{"id_server_unbind_result", "no-support"}});
}

std::vector<http::Route> threepid_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  // Each requestToken may send a mail: rc_3pid_validation, as Synapse.
  constexpr RateLimitClass kMail = RateLimitClass::kThreepidValidation;
  constexpr RateLimitClass kDefault = RateLimitClass::kDefault;
  return {
      {Method::kPost, "/_matrix/client/(r0|v3)/register/email/requestToken", AuthKind::kNone, kMail,
       post_register_email_request_token},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/3pid/email/requestToken", AuthKind::kNone,
       kMail, post_add_threepid_email_request_token},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/password/email/requestToken",
       AuthKind::kNone, kMail, post_password_email_request_token},
      {Method::kGet, "/_matrix/client/unstable/registration/email/submit_token", AuthKind::kNone,
       kDefault, get_submit_token},
      {Method::kGet, "/_matrix/client/unstable/add_threepid/email/submit_token", AuthKind::kNone,
       kDefault, get_submit_token},
      {Method::kGet, "/_synapse/client/password_reset/email/submit_token", AuthKind::kNone,
       kDefault, get_submit_token},
      {Method::kGet, "/_matrix/client/(r0|v3)/account/3pid", AuthKind::kUser, kDefault,
       get_threepids},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/3pid/add", AuthKind::kUser, kDefault,
       post_add_threepid},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/3pid/delete", AuthKind::kUser, kDefault,
       post_delete_threepid},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/3pid/bind", AuthKind::kUser, kDefault,
       post_bind_threepid},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/3pid/unbind", AuthKind::kUser, kDefault,
       post_unbind_threepid},
  };
}

}  // namespace myelin::api
