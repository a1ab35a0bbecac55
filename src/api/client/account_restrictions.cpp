#include "api/client/account_restrictions.hpp"

#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace {

// 43: the length of an unpadded base64url SHA-256, as real event IDs have.
constexpr std::size_t kEventIdChars = 43;

}  // namespace

boost::asio::awaitable<void> refuse_if_suspended(http::RequestContext& ctx, std::string what) {
  std::string user_id = ctx.principal.user_id;
  storage::UserFlags flags = co_await ctx.services->user_admin.flags(std::move(user_id));
  if (flags.suspended) {
    throw MatrixError(ErrCode::kUserSuspended,
                      what + " while account is suspended is not allowed.");
  }
}

boost::asio::awaitable<bool> shadow_banned(http::RequestContext& ctx) {
  std::string user_id = ctx.principal.user_id;
  storage::UserFlags flags = co_await ctx.services->user_admin.flags(std::move(user_id));
  co_return flags.shadow_banned;
}

std::string fake_event_id() { return "$" + services::random_token(kEventIdChars); }

}  // namespace myelin::api
