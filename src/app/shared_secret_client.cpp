#include "app/shared_secret_client.hpp"

#include <boost/json.hpp>
#include <thread>

#include "services/auth_support/registration_mac.hpp"

namespace myelin::app {

namespace bj = boost::json;

namespace {

// The registration routes are rate-limited per address; a bulk import waits as told, a bounded
// number of times, rather than failing rows that would succeed a moment later.
constexpr int kMaxRateLimitWaits = 20;
constexpr std::int64_t kMaxWaitMs = 60'000;
constexpr std::string_view kRegisterPath = "/_synapse/admin/v1/register";

// "M_ERRCODE: message" from a Matrix error body, or the status and raw text.
std::string describe_error(const HttpReply& reply) {
  boost::system::error_code ec;
  bj::value body = bj::parse(reply.body, ec);
  if (!ec && body.is_object()) {
    const bj::object& object = body.as_object();
    const bj::value* errcode = object.if_contains("errcode");
    const bj::value* error = object.if_contains("error");
    if (errcode && errcode->is_string()) {
      std::string text(errcode->as_string());
      if (error && error->is_string()) text += ": " + std::string(error->as_string());
      return text;
    }
  }
  return "HTTP " + std::to_string(reply.status) + ": " + reply.body.substr(0, 200);
}

// How long a 429 asks to wait, or nullopt when the reply is not a rate-limit answer.
std::optional<std::int64_t> retry_after_ms(const HttpReply& reply) {
  if (reply.status != 429) return std::nullopt;
  boost::system::error_code ec;
  bj::value body = bj::parse(reply.body, ec);
  std::int64_t wait = 1000;
  if (!ec && body.is_object()) {
    if (const bj::value* ms = body.as_object().if_contains("retry_after_ms");
        ms && ms->is_int64()) {
      wait = std::clamp<std::int64_t>(ms->as_int64(), 1, kMaxWaitMs);
    }
  }
  return wait;
}

Expected<HttpReply> request_waiting_out_limits(const BaseUrl& server, std::string_view method,
                                               std::string_view path, const std::string& body) {
  for (int attempt = 0;; ++attempt) {
    auto reply = http_request(server, method, path, body);
    if (!reply) return reply;
    std::optional<std::int64_t> wait = retry_after_ms(*reply);
    if (!wait || attempt == kMaxRateLimitWaits) return reply;
    std::this_thread::sleep_for(std::chrono::milliseconds(*wait));
  }
}

// One nonce and one POST; the reply is whatever the POST answered.
Expected<HttpReply> attempt_registration(const BaseUrl& server, const std::string& shared_secret,
                                         const NewUser& user) {
  auto nonce_reply = request_waiting_out_limits(server, "GET", kRegisterPath, "");
  if (!nonce_reply) return nonce_reply;
  if (nonce_reply->status != 200) return fail(describe_error(*nonce_reply));
  boost::system::error_code ec;
  bj::value nonce_body = bj::parse(nonce_reply->body, ec);
  const bj::value* nonce =
      (!ec && nonce_body.is_object()) ? nonce_body.as_object().if_contains("nonce") : nullptr;
  if (!nonce || !nonce->is_string()) return fail("the server sent no nonce");

  bj::object body;
  body["nonce"] = nonce->as_string();
  body["username"] = user.username;
  body["password"] = user.password;
  body["admin"] = user.admin;
  if (user.user_type) body["user_type"] = *user.user_type;
  if (user.displayname) body["displayname"] = *user.displayname;
  body["mac"] =
      services::registration_mac(shared_secret, std::string(nonce->as_string()), user.username,
                                 user.password, user.admin, user.user_type);
  return http_request(server, "POST", kRegisterPath, bj::serialize(body));
}

}  // namespace

Expected<std::string> register_with_shared_secret(const BaseUrl& server,
                                                  const std::string& shared_secret,
                                                  const NewUser& user) {
  Expected<HttpReply> reply = fail("not tried");
  // A refused POST has not spent its nonce, but waiting may outlive it: each retry starts over.
  for (int attempt = 0;; ++attempt) {
    reply = attempt_registration(server, shared_secret, user);
    if (!reply) return fail(reply.error());
    std::optional<std::int64_t> wait = retry_after_ms(*reply);
    if (!wait || attempt == kMaxRateLimitWaits) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(*wait));
  }
  if (reply->status != 200) return fail(describe_error(*reply));
  boost::system::error_code ec;
  bj::value result = bj::parse(reply->body, ec);
  if (ec || !result.is_object() || !result.as_object().if_contains("user_id") ||
      !result.as_object().at("user_id").is_string()) {
    return fail("the server's answer has no user_id");
  }
  return std::string(result.as_object().at("user_id").as_string());
}

}  // namespace myelin::app
