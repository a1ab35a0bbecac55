// One account, as an admin manages it (Synapse Admin API "Query User Account", "Create or
// modify account", "Deactivate Account", "Reset password", "Suspend/Unsuspend Account",
// "Controlling whether a user is shadow-banned", "Login as a user").
#include <algorithm>
#include <set>
#include <utility>

#include "api/admin/admin_routes.hpp"
#include "api/admin/admin_user_support.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// Synapse's built-in user types (no extra ones are configurable here).
constexpr std::string_view kUserTypes[] = {"bot", "support"};
// 512: Synapse's cap on an admin-set password.
constexpr std::size_t kMaxPasswordBytes = 512;

// A body field that must be a boolean when present; Synapse's `message` and errcode.
std::optional<bool> strict_bool(const bj::object& body, std::string_view key,
                                const std::string& message, ErrCode code) {
  const bj::value* value = body.if_contains(key);
  if (!value) return std::nullopt;
  if (!value->is_bool()) throw MatrixError(code, message);
  return value->as_bool();
}

// threepids / external_ids: arrays of objects that have every one of `keys`.
void check_entries(const bj::object& body, std::string_view key,
                   std::initializer_list<std::string_view> keys) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return;
  if (!value->is_array()) {
    throw MatrixError(ErrCode::kBadJson, "'" + std::string(key) + "' must be a list");
  }
  for (const bj::value& entry : value->as_array()) {
    if (!entry.is_object()) {
      throw MatrixError(ErrCode::kBadJson, "'" + std::string(key) + "' entries must be objects");
    }
    for (std::string_view field : keys) {
      if (!entry.as_object().contains(field)) {
        throw MatrixError(ErrCode::kMissingParam, "Missing params: ['" + std::string(field) + "']");
      }
    }
  }
}

// A profile field: "" (or null) clears it.
std::optional<std::string> profile_value(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) {
    throw MatrixError(ErrCode::kBadJson, "'" + std::string(key) + "' must be a string");
  }
  std::string text(value->as_string());
  if (text.empty()) return std::nullopt;
  return text;
}

// The threepids list of PUT /v2/users/{userId} as (medium, address), e-mail addresses in
// canonical form (trimmed, lower-cased: Synapse's canonicalise_email).
std::set<std::pair<std::string, std::string>> requested_threepids(const bj::value& list) {
  std::set<std::pair<std::string, std::string>> wanted;
  for (const bj::value& entry : list.as_array()) {
    const bj::object& threepid = entry.as_object();
    const bj::value& medium = threepid.at("medium");
    const bj::value& address = threepid.at("address");
    if (!medium.is_string() || !address.is_string()) {
      throw MatrixError(ErrCode::kBadJson, "'medium' and 'address' must be strings");
    }
    std::string text(address.as_string());
    if (medium.as_string() == "email") {
      const std::size_t begin = text.find_first_not_of(" \t");
      const std::size_t end = text.find_last_not_of(" \t");
      text = begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
      std::transform(text.begin(), text.end(), text.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    }
    wanted.emplace(std::string(medium.as_string()), std::move(text));
  }
  return wanted;
}

// Makes the user's third-party IDs exactly `list` (Synapse: removed ones are unbound, new ones
// added as validated now). M_THREEPID_IN_USE when another account holds one of them.
boost::asio::awaitable<void> replace_threepids(Services& services, std::string user_id,
                                               bj::value list) {
  std::set<std::pair<std::string, std::string>> wanted = requested_threepids(list);
  storage::Store& store = services.ctx.store;
  const std::int64_t now = services.ctx.now_ms();
  auto replace = [&store, user_id, wanted, now] {
    for (const auto& [medium, address] : wanted) {
      std::optional<std::string> owner = store.threepids.user_of(medium, address);
      if (owner && *owner != user_id) return false;  // checked first: nothing changes then
    }
    for (const storage::Threepid& bound : store.threepids.threepids_of(user_id)) {
      if (!wanted.contains({bound.medium, bound.address})) {
        store.threepids.remove(user_id, bound.medium, bound.address);
      }
    }
    for (const auto& [medium, address] : wanted) {
      if (store.threepids.user_of(medium, address)) continue;
      if (!store.threepids.add({medium, address, user_id, now, now})) return false;
    }
    return true;
  };
  const bool replaced = co_await services.ctx.db(std::move(replace));
  if (!replaced) {
    throw MatrixError(ErrCode::kThreepidInUse, "Third-party ID is already in use");
  }
}

// Makes the user's SSO identities exactly `list` (Synapse: the whole set is replaced). 409 when
// another account holds one of them; nothing changes then.
boost::asio::awaitable<void> replace_external_ids(Services& services, std::string user_id,
                                                  bj::value list) {
  std::set<std::pair<std::string, std::string>> wanted;
  for (const bj::value& entry : list.as_array()) {  // shape checked by parse_changes
    const bj::object& object = entry.as_object();
    const bj::value& provider = object.at("auth_provider");
    const bj::value& external_id = object.at("external_id");
    if (!provider.is_string() || !external_id.is_string()) {
      throw MatrixError(ErrCode::kBadJson, "'auth_provider' and 'external_id' must be strings");
    }
    wanted.emplace(std::string(provider.as_string()), std::string(external_id.as_string()));
  }
  storage::Store& store = services.ctx.store;
  auto replace = [&store, user_id, wanted] {
    for (const auto& [provider, external_id] : wanted) {
      std::optional<std::string> owner = store.external_ids.user_of(provider, external_id);
      if (owner && *owner != user_id) return false;
    }
    for (const storage::ExternalId& linked : store.external_ids.of_user(user_id)) {
      if (!wanted.contains({linked.auth_provider, linked.external_id})) {
        store.external_ids.unlink(linked.auth_provider, linked.external_id);
      }
    }
    for (const auto& [provider, external_id] : wanted) {
      store.external_ids.link(provider, external_id, user_id);
    }
    return true;
  };
  const bool replaced = co_await services.ctx.db(std::move(replace));
  if (!replaced) throw MatrixError::unknown_conflict("External id is already in use.");
}

// What PUT /v2/users/{userId} asks for, validated before anything changes.
struct UserChanges {
  std::optional<std::string> password;
  bool logout_devices = true;
  std::optional<bool> admin;
  std::optional<bool> deactivated;
  std::optional<bool> locked;
  bool user_type_given = false;
  std::optional<std::string> user_type;
};

UserChanges parse_changes(const bj::object& body) {
  UserChanges changes;
  check_entries(body, "threepids", {"medium", "address"});
  check_entries(body, "external_ids", {"auth_provider", "external_id"});
  if (const bj::value* type = body.if_contains("user_type")) {
    changes.user_type_given = true;
    if (!type->is_null()) {
      const bool known = type->is_string() &&
                         std::find(std::begin(kUserTypes), std::end(kUserTypes),
                                   std::string_view(type->as_string())) != std::end(kUserTypes);
      if (!known) throw MatrixError::unknown_bad_request("Invalid user type");
      changes.user_type = std::string(type->as_string());
    }
  }
  changes.admin =
      strict_bool(body, "admin", "Param 'admin' must be a boolean, if given", ErrCode::kBadJson);
  if (const bj::value* password = body.if_contains("password"); password && !password->is_null()) {
    if (!password->is_string() || password->as_string().size() > kMaxPasswordBytes) {
      throw MatrixError::unknown_bad_request("Invalid password");
    }
    changes.password = std::string(password->as_string());
  }
  changes.logout_devices =
      strict_bool(body, "logout_devices", "'logout_devices' parameter is not of type boolean",
                  ErrCode::kUnknown)
          .value_or(true);
  changes.deactivated = strict_bool(
      body, "deactivated", "'deactivated' parameter is not of type boolean", ErrCode::kUnknown);
  changes.locked =
      strict_bool(body, "locked", "'locked' parameter is not of type boolean", ErrCode::kUnknown);
  if (changes.deactivated.value_or(false) && changes.locked.value_or(false)) {
    throw MatrixError::unknown_bad_request("An user can't be deactivated and locked");
  }
  return changes;
}

// GET /_synapse/admin/v2/users/{userId} — the full account.
Reply get_user(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only look up local users");
  bj::object details = co_await user_details(*ctx.services, std::move(user_id));
  co_return ok(std::move(details));
}

boost::asio::awaitable<void> modify_user(http::RequestContext& ctx, std::string user_id,
                                         bj::object body, UserChanges changes) {
  Services& services = *ctx.services;
  storage::Store& store = services.ctx.store;
  storage::AdminUserView user = co_await require_user(services, user_id);
  if (body.contains("displayname")) {
    std::optional<std::string> name = profile_value(body, "displayname");
    auto set = [&store, user_id, name] { store.accounts.set_displayname(user_id, name); };
    co_await services.ctx.db(std::move(set));
  }
  if (body.contains("avatar_url")) {
    std::optional<std::string> url = profile_value(body, "avatar_url");
    auto set = [&store, user_id, url] { store.accounts.set_avatar_url(user_id, url); };
    co_await services.ctx.db(std::move(set));
  }
  if (const bj::value* threepids = body.if_contains("threepids");
      threepids && !threepids->is_null()) {
    bj::value list = *threepids;
    co_await replace_threepids(services, user_id, std::move(list));
  }
  if (const bj::value* external_ids = body.if_contains("external_ids");
      external_ids && !external_ids->is_null()) {
    bj::value list = *external_ids;
    co_await replace_external_ids(services, user_id, std::move(list));
  }
  if (changes.admin && *changes.admin != user.is_admin) {
    if (user_id == ctx.principal.user_id && !*changes.admin) {
      throw MatrixError::unknown_bad_request("You may not demote yourself.");
    }
    auto set = [&store, user_id, admin = *changes.admin] {
      store.accounts.set_admin(user_id, admin);
    };
    co_await services.ctx.db(std::move(set));
  }
  if (changes.password) {
    std::optional<std::string> keep_none;
    co_await services.accounts.set_password(user_id, *changes.password, changes.logout_devices,
                                            std::move(keep_none));
  }
  if (changes.deactivated && *changes.deactivated && !user.deactivated) {
    co_await services.user_admin.deactivate(user_id, false);
  } else if (changes.deactivated && !*changes.deactivated && user.deactivated) {
    // Synapse no longer insists on a password here: SSO-only accounts have none.
    auto reactivate = [&store, user_id] { store.user_admin.reactivate(user_id); };
    co_await services.ctx.db(std::move(reactivate));
  }
  if (changes.locked && *changes.locked != user.flags.locked) {
    auto set = [&store, user_id, locked = *changes.locked] {
      store.user_admin.set_locked(user_id, locked);
    };
    co_await services.ctx.db(std::move(set));
  }
  if (changes.user_type_given) {
    auto set = [&store, user_id, type = changes.user_type] {
      store.user_admin.set_user_type(user_id, type);
    };
    co_await services.ctx.db(std::move(set));
  }
  services.user_admin.forget_flags(user_id);
  services.accounts.forget_sessions_of(user_id);
}

boost::asio::awaitable<void> create_user(http::RequestContext& ctx, std::string user_id,
                                         bj::object body, UserChanges changes) {
  Services& services = *ctx.services;
  services::NewAccount account;
  account.localpart = user_id.substr(1, user_id.find(':') - 1);
  account.password = changes.password;
  account.inhibit_login = true;
  account.is_admin = changes.admin.value_or(false);
  account.displayname = profile_value(body, "displayname");
  account.user_type = changes.user_type;
  co_await services.accounts.register_account(std::move(account));
  storage::Store& store = services.ctx.store;
  if (std::optional<std::string> url = profile_value(body, "avatar_url")) {
    auto set = [&store, user_id, url] { store.accounts.set_avatar_url(user_id, url); };
    co_await services.ctx.db(std::move(set));
  }
  if (changes.locked.value_or(false)) {
    auto set = [&store, user_id] { store.user_admin.set_locked(user_id, true); };
    co_await services.ctx.db(std::move(set));
  }
  if (const bj::value* threepids = body.if_contains("threepids");
      threepids && !threepids->is_null()) {
    bj::value list = *threepids;
    co_await replace_threepids(services, user_id, std::move(list));
  }
  if (const bj::value* external_ids = body.if_contains("external_ids");
      external_ids && !external_ids->is_null()) {
    bj::value list = *external_ids;
    co_await replace_external_ids(services, user_id, std::move(list));
  }
}

// PUT /_synapse/admin/v2/users/{userId} — creates the account (201) or changes it (200); both
// answer with the account as GET shows it.
Reply put_user(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "This endpoint can only be used with local users");
  bj::object body = body_object(ctx.request);
  UserChanges changes = parse_changes(body);
  Services& services = *ctx.services;
  storage::Store& store = services.ctx.store;
  auto exists = [&store, user_id] { return store.accounts.user_exists(user_id); };
  const bool existed = co_await services.ctx.db(std::move(exists));
  if (existed) {
    co_await modify_user(ctx, user_id, std::move(body), std::move(changes));
  } else {
    co_await create_user(ctx, user_id, std::move(body), std::move(changes));
  }
  bj::object details = co_await user_details(services, user_id);
  co_return http::Response::json(existed ? 200 : 201, details);
}

// POST /_synapse/admin/v1/deactivate/{userId} — deactivates, with {"erase": true} also wipes
// the profile and marks the account erased.
Reply post_deactivate(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only deactivate local users");
  co_await require_user(*ctx.services, user_id);
  bj::object body = body_object_or_empty(ctx.request);
  const bool erase =
      strict_bool(body, "erase", "Param 'erase' must be a boolean, if given", ErrCode::kBadJson)
          .value_or(false);
  co_await ctx.services->user_admin.deactivate(user_id, erase);
  ctx.services->accounts.forget_sessions_of(user_id);
  co_return ok({{"id_server_unbind_result", "no-support"}});
}

// POST /_synapse/admin/v1/reset_password/{userId} — {new_password, logout_devices = true}.
Reply post_reset_password(http::RequestContext& ctx) {
  std::string user_id = user_id_param(ctx.request);
  bj::object body = body_object(ctx.request);
  std::string password = required_string(body, "new_password");
  const bool logout_devices = optional_bool(body, "logout_devices").value_or(true);
  co_await require_user(*ctx.services, user_id);
  std::optional<std::string> keep_none;
  co_await ctx.services->accounts.set_password(user_id, password, logout_devices,
                                               std::move(keep_none));
  co_return ok();
}

// PUT /_synapse/admin/v1/suspend/{userId} — {"suspend": bool}; a suspended user may read but
// not act in rooms (MSC3823).
Reply put_suspend(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only suspend local users");
  co_await require_user(*ctx.services, user_id);
  bj::object body = body_object(ctx.request);
  const bj::value* suspend = body.if_contains("suspend");
  if (!suspend || !suspend->is_bool()) {
    throw MatrixError(ErrCode::kBadJson, "'suspend' must be a boolean");
  }
  storage::Store& store = ctx.services->ctx.store;
  auto set = [&store, user_id, value = suspend->as_bool()] {
    store.user_admin.set_suspended(user_id, value);
  };
  co_await ctx.services->ctx.db(std::move(set));
  ctx.services->user_admin.forget_flags(user_id);
  co_return ok({{"user_" + user_id + "_suspended", suspend->as_bool()}});
}

Reply set_shadow_ban(http::RequestContext& ctx, bool banned) {
  std::string user_id = local_user_param(ctx, "Only local users can be shadow-banned");
  co_await require_user(*ctx.services, user_id);
  storage::Store& store = ctx.services->ctx.store;
  auto set = [&store, user_id, banned] { store.user_admin.set_shadow_banned(user_id, banned); };
  co_await ctx.services->ctx.db(std::move(set));
  ctx.services->user_admin.forget_flags(user_id);
  co_return ok();
}

// POST /_synapse/admin/v1/users/{userId}/shadow_ban — the user's actions reach nobody.
Reply post_shadow_ban(http::RequestContext& ctx) { return set_shadow_ban(ctx, true); }

// DELETE /_synapse/admin/v1/users/{userId}/shadow_ban — lifts it.
Reply delete_shadow_ban(http::RequestContext& ctx) { return set_shadow_ban(ctx, false); }

// POST /_synapse/admin/v1/users/{userId}/login — {valid_until_ms?} → a device-less access token
// acting as the user; never for oneself.
Reply post_login_as(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Only local users can be logged in as");
  co_await require_user(*ctx.services, user_id);
  bj::object body = body_object_or_empty(ctx.request);
  std::optional<std::int64_t> valid_until_ms;
  if (const bj::value* until = body.if_contains("valid_until_ms"); until && !until->is_null()) {
    if (!until->is_int64()) {
      throw MatrixError::unknown_bad_request("'valid_until_ms' parameter must be an int");
    }
    valid_until_ms = until->as_int64();
  }
  if (user_id == ctx.principal.user_id) {
    throw MatrixError::unknown_bad_request("Cannot use admin API to login as self");
  }
  std::string puppeteer = ctx.principal.user_id;
  std::string token =
      co_await ctx.services->user_admin.login_as(user_id, std::move(puppeteer), valid_until_ms);
  co_return ok({{"access_token", token}});
}

}  // namespace

std::vector<http::Route> admin_user_account_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_synapse/admin/v2/users/{userId}", AuthKind::kAdmin, RateLimitClass::kNone,
       get_user},
      {Method::kPut, "/_synapse/admin/v2/users/{userId}", AuthKind::kAdmin, RateLimitClass::kNone,
       put_user},
      {Method::kPost, "/_synapse/admin/v1/deactivate/{userId}", AuthKind::kAdmin,
       RateLimitClass::kNone, post_deactivate},
      {Method::kPost, "/_synapse/admin/v1/reset_password/{userId}", AuthKind::kAdmin,
       RateLimitClass::kNone, post_reset_password},
      {Method::kPut, "/_synapse/admin/v1/suspend/{userId}", AuthKind::kAdmin, RateLimitClass::kNone,
       put_suspend},
      {Method::kPost, "/_synapse/admin/v1/users/{userId}/shadow_ban", AuthKind::kAdmin,
       RateLimitClass::kNone, post_shadow_ban},
      {Method::kDelete, "/_synapse/admin/v1/users/{userId}/shadow_ban", AuthKind::kAdmin,
       RateLimitClass::kNone, delete_shadow_ban},
      {Method::kPost, "/_synapse/admin/v1/users/{userId}/login", AuthKind::kAdmin,
       RateLimitClass::kNone, post_login_as},
  };
}

}  // namespace myelin::api
