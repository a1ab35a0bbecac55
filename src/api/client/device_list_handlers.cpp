// Device-list tracking (spec client-server API "End-to-end encryption": GET /keys/changes).
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"
#include "services/sync/sync_token.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// A stream position from a /sync token (next_batch) or a pagination token.
std::int64_t position_param(const http::Request& request, std::string_view key) {
  std::optional<std::string> text = query_string(request, key);
  if (!text) throw MatrixError(ErrCode::kMissingParam, "Missing '" + std::string(key) + "'");
  std::optional<std::int64_t> position = services::parse_pagination_token(*text);
  if (!position || *position < 0) {
    throw MatrixError(ErrCode::kInvalidParam, "Invalid '" + std::string(key) + "' token");
  }
  return *position;
}

bj::array string_array(const std::vector<std::string>& users) {
  return bj::array(users.begin(), users.end());
}

}  // namespace

// GET /_matrix/client/v3/keys/changes?from=&to= — users whose devices changed between two
// sync tokens (to fetch their keys again) and users who no longer share a room.
Reply get_keys_changes(RequestContext& ctx) {
  std::int64_t from = position_param(ctx.request, "from");
  std::int64_t to = position_param(ctx.request, "to");
  if (to < from) std::swap(from, to);
  services::DeviceListSync changes =
      co_await ctx.services->device_lists.changes(ctx.principal.user_id, from, to);
  co_return ok({{"changed", string_array(changes.changed)}, {"left", string_array(changes.left)}});
}

}  // namespace myelin::api
