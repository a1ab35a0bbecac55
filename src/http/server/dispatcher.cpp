#include "http/server/dispatcher.hpp"

#include "base/log.hpp"
#include "http/server/access_log.hpp"
#include "http/server/cors.hpp"

namespace myelin::http {

namespace {

constexpr std::string_view kBearer = "Bearer ";

// Client-server API, "Using access tokens": the Authorization header (scheme compared
// case-insensitively, RFC 9110 section 11.1), else the deprecated access_token parameter.
std::optional<std::string> access_token(const Request& request) {
  if (auto header = request.headers.get("Authorization")) {
    if (header->size() > kBearer.size() && iequals(header->substr(0, kBearer.size()), kBearer)) {
      std::string_view token = header->substr(kBearer.size());
      while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
      while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
      if (!token.empty()) return std::string(token);
    }
    return std::nullopt;  // another scheme: no access token (Synapse: M_MISSING_TOKEN)
  }
  if (auto query = request.query.get("access_token"); query && !query->empty()) {
    return std::string(*query);
  }
  return std::nullopt;
}

void parse_target(Request& request) {
  std::string_view target = request.target;
  std::size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question == std::string_view::npos) return;
  auto query = QueryParams::parse(target.substr(question + 1));
  if (!query) {
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kBadRequest,
                                    "Invalid query string: " + query.error());
  }
  request.query = std::move(*query);
}

}  // namespace

Dispatcher::Dispatcher(Router router, Authenticator authenticator, Services* services,
                       RateLimitHook rate_limit)
    : router_(std::move(router)),
      authenticator_(std::move(authenticator)),
      services_(services),
      rate_limit_(std::move(rate_limit)) {}

boost::asio::awaitable<Response> Dispatcher::dispatch(Request request) const {
  RequestContext context{std::move(request), Principal{}, services_};
  Response response;
  // No co_await inside a catch block (C++20), so errors are captured and rendered after it.
  std::optional<MatrixError> error;
  try {
    response = co_await route(context);
  } catch (const MatrixError& e) {
    error = e;
  } catch (const std::exception& e) {
    log::error("http", "{} {} {} failed: {}", context.request.request_id,
               method_name(context.request.method), redact_access_token(context.request.target),
               e.what());
    error = MatrixError(ErrCode::kUnknown, "Internal server error");
  }
  if (error) response = Response::error(*error);
  if (is_cors_path(context.request.path)) add_cors_headers(response.headers);
  co_return response;
}

boost::asio::awaitable<Response> Dispatcher::route(RequestContext& context) const {
  Request& request = context.request;
  parse_target(request);
  if (request.method == Method::kOptions && is_cors_path(request.path)) {
    co_return Response::json(200, boost::json::object{});  // CORS pre-flight
  }
  Router::Match match = router_.match(request.method, request.path);
  request.path_params = std::move(match.params);
  if (match.route->auth != AuthKind::kNone) {
    context.principal = co_await authenticate(match.route->auth, request);
  }
  const RateLimitClass limit = match.route->rate_limit;
  const bool limited = limit != RateLimitClass::kNone;
  if (limited && rate_limit_.before) {
    co_await rate_limit_.before(limit, context);
  }
  Response response = co_await match.route->handler(context);
  if (limited && rate_limit_.after) rate_limit_.after(limit, context, response);
  co_return response;
}

boost::asio::awaitable<Principal> Dispatcher::authenticate(AuthKind kind,
                                                           const Request& request) const {
  if (!authenticator_) {
    throw std::logic_error("route needs authentication but the server has no authenticator");
  }
  if (kind == AuthKind::kServerSigned) {
    // Server-server API, "Request Authentication": Authorization: X-Matrix …; the hook checks it.
    auto header = request.headers.get("Authorization");
    if (!header) throw MatrixError(ErrCode::kUnauthorized, "Missing Authorization headers");
    auto principal = co_await authenticator_(kind, std::string(*header), request);
    if (!principal) throw MatrixError(ErrCode::kUnauthorized, "Invalid request signature");
    co_return std::move(*principal);
  }
  auto token = access_token(request);
  if (!token) throw MatrixError(ErrCode::kMissingToken, "Missing access token");
  auto principal = co_await authenticator_(kind, std::move(*token), request);
  if (!principal) throw MatrixError(ErrCode::kUnknownToken, "Unknown access token");
  co_return std::move(*principal);
}

}  // namespace myelin::http
