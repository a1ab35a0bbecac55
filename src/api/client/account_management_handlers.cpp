// Changing the password and deactivating the account (spec client-server API "Account
// registration and management"). Both need the account's password again through
// user-interactive auth, as Synapse asks.
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 512 bytes: Synapse's limit on new passwords (its PasswordBody model); longer ones are refused
// before anything is hashed.
constexpr std::size_t kMaxPasswordBytes = 512;

std::vector<services::UiaFlow> password_flow() {
  std::vector<services::UiaFlow> flows(1);
  flows[0].stages.push_back("m.login.password");
  return flows;
}

}  // namespace

// POST /_matrix/client/v3/account/password — new password after the current one is proven;
// other devices are logged out unless logout_devices is false.
Reply post_password(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  std::string new_password = required_string(body, "new_password");
  if (new_password.size() > kMaxPasswordBytes) {
    throw MatrixError(ErrCode::kInvalidParam, "Password is too long (at most 512 bytes)");
  }
  const bool logout_devices = optional_bool(body, "logout_devices").value_or(true);
  const std::string user_id = ctx.principal.user_id;
  std::vector<services::UiaFlow> flows = password_flow();
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), user_id);
  if (!uia.completed) co_return std::move(uia.challenge);
  std::optional<std::string> keep_device = ctx.principal.device_id;
  co_await services.accounts.set_password(user_id, std::move(new_password), logout_devices,
                                          std::move(keep_device));
  services.uia.end(uia.completed->session_id);
  co_return ok();
}

// POST /_matrix/client/v3/account/deactivate — after the password is proven, leaves every
// room (rejecting invites), then deactivates: no login, every access token dead.
Reply post_deactivate(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object_or_empty(ctx.request);
  const std::string user_id = ctx.principal.user_id;
  std::vector<services::UiaFlow> flows = password_flow();
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), user_id);
  if (!uia.completed) co_return std::move(uia.challenge);

  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] { return store.events.memberships_of_user(user_id); };
  std::vector<storage::MembershipRecord> memberships = co_await services.ctx.db(std::move(load));
  for (const storage::MembershipRecord& membership : memberships) {
    // Synapse parts joined and knocked rooms and rejects invites; bans and leaves stay.
    if (membership.membership != "join" && membership.membership != "invite" &&
        membership.membership != "knock") {
      continue;
    }
    try {
      std::optional<std::string> no_reason;
      co_await services.rooms.leave(membership.room_id, user_id, std::move(no_reason));
    } catch (const MatrixError&) {
      // A room the user can no longer leave (e.g. its state changed meanwhile) must not keep
      // the account alive; Synapse's parting loop also carries on.
    }
  }
  co_await services.accounts.deactivate(user_id);
  services.uia.end(uia.completed->session_id);
  // No identity server binding is ever made here, so none can be removed.
  co_return ok({{"id_server_unbind_result", "no-support"}});
}

}  // namespace myelin::api
