#include "api/client/timeline_params.hpp"

#include <algorithm>

#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/json/parse.hpp"
#include "services/filter/parse_filter.hpp"
#include "services/sync/sync_token.hpp"

namespace myelin::api {

namespace {

constexpr std::int64_t kDefaultLimit = 10;
constexpr std::int64_t kMaxLimit = 1000;

}  // namespace

filter::RoomEventFilter room_event_filter_param(const http::Request& request) {
  auto text = query_string(request, "filter");
  if (!text) return {};
  auto value = json::parse(*text);
  if (!value) throw MatrixError(ErrCode::kNotJson, "filter is not JSON");
  auto parsed = filter::parse_room_event_filter(*value);
  if (!parsed) throw MatrixError(ErrCode::kBadJson, "Invalid filter: " + parsed.error());
  return std::move(*parsed);
}

std::optional<std::int64_t> pagination_position_param(const http::Request& request,
                                                      const char* name) {
  auto text = query_string(request, name);
  if (!text || text->empty()) return std::nullopt;
  auto position = services::parse_pagination_token(*text);
  if (!position) throw MatrixError(ErrCode::kInvalidParam, std::string("Invalid ") + name);
  return position;
}

std::int64_t messages_limit_param(const http::Request& request) {
  return std::clamp<std::int64_t>(query_int(request, "limit").value_or(kDefaultLimit), 1,
                                  kMaxLimit);
}

std::int64_t context_limit_param(const http::Request& request) {
  return std::min(query_int(request, "limit").value_or(kDefaultLimit), kMaxLimit);
}

}  // namespace myelin::api
