#include "http/router/response.hpp"

#include <boost/json/serialize.hpp>
#include <string>

namespace myelin::http {

Response Response::json(int status, const boost::json::value& value) {
  Response response;
  response.status = status;
  response.headers.set("Content-Type", "application/json");
  response.body = boost::json::serialize(value);
  return response;
}

Response Response::error(const MatrixError& error) {
  Response response = json(error.status(), error.to_json());
  // Synapse also sends retry_after_ms as Retry-After (whole seconds, rounded up), which HTTP
  // libraries honour on their own (RFC 9110 section 10.2.3).
  if (error.code() == ErrCode::kLimitExceeded) {
    if (const auto* ms = error.extra().if_contains("retry_after_ms"); ms && ms->is_int64()) {
      const std::int64_t seconds = (ms->as_int64() + 999) / 1000;
      response.headers.set("Retry-After", std::to_string(seconds));
    }
  }
  return response;
}

}  // namespace myelin::http
