#include "services/federation/keys/request_authenticator.hpp"

#include <algorithm>
#include <cctype>

#include "base/matrix_error.hpp"
#include "protocol/federation/x_matrix.hpp"
#include "protocol/ids/server_name.hpp"
#include "protocol/json/parse.hpp"

namespace myelin::services {

namespace asio = boost::asio;

namespace {

bool is_x_matrix(std::string_view header) {
  constexpr std::string_view kScheme = "x-matrix";
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) {
    header.remove_prefix(1);
  }
  if (header.size() < kScheme.size()) return false;
  return std::equal(kScheme.begin(), kScheme.end(), header.begin(), [](char a, char b) {
    return a == std::tolower(static_cast<unsigned char>(b));
  });
}

MatrixError unauthorized(std::string message) {
  return MatrixError(ErrCode::kUnauthorized, std::move(message));
}

}  // namespace

asio::awaitable<std::string> RequestAuthenticator::authenticate(ServerSignedRequest request) {
  std::vector<federation::XMatrixCredentials> credentials;
  for (const std::string& header : request.authorization_headers) {
    if (!is_x_matrix(header)) continue;
    auto parsed = federation::parse_authorization(header);
    if (!parsed) throw unauthorized("Malformed X-Matrix Authorization header: " + parsed.error());
    if (parsed->destination && *parsed->destination != ctx_.server_name()) {
      throw unauthorized("Destination mismatch in auth header");
    }
    if (!ids::ServerName::is_valid(parsed->origin)) {
      throw unauthorized("Invalid origin in auth header");
    }
    if (!credentials.empty() && credentials.front().origin != parsed->origin) {
      throw unauthorized("Conflicting origins in auth headers");
    }
    credentials.push_back(std::move(*parsed));
  }
  if (credentials.empty()) throw unauthorized("Missing Authorization headers");

  federation::SignedRequest signed_request{std::move(request.method), std::move(request.uri),
                                           credentials.front().origin, ctx_.server_name(),
                                           std::nullopt};
  if (!request.body.empty()) {
    auto content = json::parse(request.body);
    if (!content) throw MatrixError(ErrCode::kNotJson, "Content not JSON.");
    signed_request.content = std::move(*content);
  }

  // Keys used after their valid_until_ts do not authenticate requests; old keys never do, as
  // their expired_ts has passed (spec: old_verify_keys are only valid for signing events).
  const std::int64_t now = ctx_.now_ms();
  std::vector<KeyRequest> wanted;
  for (const auto& credential : credentials) {
    wanted.push_back({credential.origin, credential.key_id, now});
  }
  co_await keys_.prefetch(std::move(wanted));

  bool verified = false;
  for (const auto& credential : credentials) {
    auto key = keys_.cached_key(credential.origin, credential.key_id, now);
    if (!key) continue;
    auto checked = federation::verify_request(signed_request, credential, *key);
    if (!checked) throw unauthorized("Invalid signature for server " + credential.origin);
    verified = true;
  }
  if (!verified) {
    throw unauthorized("Failed to find any key to satisfy the signature of " +
                       credentials.front().origin);
  }
  co_return signed_request.origin;
}

}  // namespace myelin::services
