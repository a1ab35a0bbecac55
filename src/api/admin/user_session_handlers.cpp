// Where and on what a user is logged in (Synapse Admin API "Query current sessions for a
// user", "User devices"; spec client-server API GET /admin/whois/{userId}).
#include "api/admin/admin_routes.hpp"
#include "api/admin/admin_user_support.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// {user_id, devices: {deviceId: {sessions: [{connections: [{ip, last_seen, user_agent}]}]}}};
// "" names the sessions of device-less (login-as) tokens. One session per device, as Synapse.
Reply whois(http::RequestContext& ctx) {
  Services& services = *ctx.services;
  std::string user_id = user_id_param(ctx.request);
  storage::Store& store = services.ctx.store;
  if (user_id != ctx.principal.user_id) {
    std::string caller = ctx.principal.user_id;
    auto is_admin = [&store, caller] {
      auto user = store.accounts.user(caller);
      return user && user->is_admin;
    };
    const bool admin = co_await services.ctx.db(std::move(is_admin));
    if (!admin) throw MatrixError(ErrCode::kForbidden, "You are not a server admin");
  }
  if (!services.accounts.is_local(user_id)) {
    throw MatrixError::unknown_bad_request("Can only whois a local user");
  }
  co_await require_user(services, user_id);
  co_await services.user_admin.flush_connections();
  auto load = [&store, user_id] { return store.user_admin.connections(user_id); };
  std::vector<storage::SeenConnection> seen = co_await services.ctx.db(std::move(load));
  bj::object devices;
  for (const storage::SeenConnection& connection : seen) {
    bj::value& device = devices[connection.device_id];
    if (!device.is_object()) {
      device = bj::object{{"sessions", bj::array{bj::object{{"connections", bj::array{}}}}}};
    }
    device.as_object()["sessions"].as_array()[0].as_object()["connections"].as_array().push_back(
        bj::object{{"ip", connection.ip},
                   {"last_seen", connection.last_seen},
                   {"user_agent", connection.user_agent}});
  }
  co_return ok({{"user_id", user_id}, {"devices", std::move(devices)}});
}

bj::object device_json(const storage::DeviceRecord& device,
                       const std::vector<storage::SeenConnection>& seen) {
  bj::object out{{"device_id", device.device_id}, {"user_id", device.user_id},
                 {"last_seen_ip", nullptr},       {"last_seen_user_agent", nullptr},
                 {"last_seen_ts", nullptr},       {"dehydrated", false}};
  if (device.display_name) out["display_name"] = *device.display_name;
  if (device.last_seen_ip) out["last_seen_ip"] = *device.last_seen_ip;
  if (device.last_seen_ts) out["last_seen_ts"] = *device.last_seen_ts;
  // `seen` is newest first: the first match is the device's latest user agent.
  for (const storage::SeenConnection& connection : seen) {
    if (connection.device_id == device.device_id) {
      out["last_seen_user_agent"] = connection.user_agent;
      break;
    }
  }
  return out;
}

// The user's devices and connections, after the pending connections reached the store.
struct DeviceListing {
  std::vector<storage::DeviceRecord> devices;
  std::vector<storage::SeenConnection> seen;
};

boost::asio::awaitable<DeviceListing> load_devices(Services& services, std::string user_id) {
  co_await require_user(services, user_id);
  co_await services.user_admin.flush_connections();
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id] {
    return DeviceListing{store.accounts.devices(user_id), store.user_admin.connections(user_id)};
  };
  DeviceListing listing = co_await services.ctx.db(std::move(load));
  co_return listing;
}

// GET /_synapse/admin/v2/users/{userId}/devices — {devices, total}.
Reply get_devices(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  DeviceListing listing = co_await load_devices(*ctx.services, user_id);
  bj::array devices;
  for (const storage::DeviceRecord& device : listing.devices) {
    devices.push_back(device_json(device, listing.seen));
  }
  const auto total = static_cast<std::int64_t>(devices.size());
  co_return ok({{"devices", std::move(devices)}, {"total", total}});
}

// POST /_synapse/admin/v2/users/{userId}/devices — {device_id}: creates it unless it exists.
Reply post_device(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  bj::object body = body_object(ctx.request);
  std::string device_id = required_string(body, "device_id");
  co_await require_user(*ctx.services, user_id);
  storage::Store& store = ctx.services->ctx.store;
  auto create = [&store, user_id, device_id] {
    if (!store.accounts.device(user_id, device_id)) {
      store.accounts.upsert_device({user_id, device_id, std::nullopt, std::nullopt, std::nullopt});
    }
  };
  co_await ctx.services->ctx.db(std::move(create));
  co_return ok();
}

// GET /_synapse/admin/v2/users/{userId}/devices/{deviceId} — one device.
Reply get_device(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  const std::string device_id = ctx.request.param("deviceId");
  DeviceListing listing = co_await load_devices(*ctx.services, user_id);
  for (const storage::DeviceRecord& device : listing.devices) {
    if (device.device_id == device_id) co_return ok(device_json(device, listing.seen));
  }
  throw MatrixError(ErrCode::kNotFound, "No device found");
}

// PUT /_synapse/admin/v2/users/{userId}/devices/{deviceId} — {display_name}.
Reply put_device(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  std::string device_id = ctx.request.param("deviceId");
  bj::object body = body_object(ctx.request);
  std::optional<std::string> name = optional_string(body, "display_name");
  co_await require_user(*ctx.services, user_id);
  storage::Store& store = ctx.services->ctx.store;
  auto update = [&store, user_id, device_id, name] {
    if (!store.accounts.device(user_id, device_id)) return false;
    if (name) store.accounts.set_device_display_name(user_id, device_id, *name);
    return true;
  };
  const bool found = co_await ctx.services->ctx.db(std::move(update));
  if (!found) throw MatrixError(ErrCode::kNotFound, "No device found");
  if (name) co_await ctx.services->device_lists.device_changed(user_id, device_id);
  co_return ok();
}

// DELETE /_synapse/admin/v2/users/{userId}/devices/{deviceId} — the device and its tokens.
Reply delete_device(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  std::string device_id = ctx.request.param("deviceId");
  co_await require_user(*ctx.services, user_id);
  co_await ctx.services->accounts.delete_device(user_id, device_id);
  co_return ok();
}

// POST /_synapse/admin/v2/users/{userId}/delete_devices — {devices: [deviceId…]}.
Reply post_delete_devices(http::RequestContext& ctx) {
  std::string user_id = local_user_param(ctx, "Can only lookup local users");
  bj::object body = body_object(ctx.request);
  std::optional<std::vector<std::string>> devices = optional_string_list(body, "devices");
  if (!devices) throw MatrixError(ErrCode::kMissingParam, "Missing params: ['devices']");
  co_await require_user(*ctx.services, user_id);
  for (const std::string& device_id : *devices) {
    co_await ctx.services->accounts.delete_device(user_id, device_id);
  }
  co_return ok();
}

}  // namespace

std::vector<http::Route> admin_user_session_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_synapse/admin/v1/whois/{userId}", AuthKind::kAdmin, RateLimitClass::kNone,
       whois},
      // The spec's form: a user may ask about themselves, admins about anyone.
      {Method::kGet, "/_matrix/client/(r0|v3)/admin/whois/{userId}", AuthKind::kUser,
       RateLimitClass::kNone, whois},
      {Method::kGet, "/_synapse/admin/v2/users/{userId}/devices", AuthKind::kAdmin,
       RateLimitClass::kNone, get_devices},
      {Method::kPost, "/_synapse/admin/v2/users/{userId}/devices", AuthKind::kAdmin,
       RateLimitClass::kNone, post_device},
      {Method::kGet, "/_synapse/admin/v2/users/{userId}/devices/{deviceId}", AuthKind::kAdmin,
       RateLimitClass::kNone, get_device},
      {Method::kPut, "/_synapse/admin/v2/users/{userId}/devices/{deviceId}", AuthKind::kAdmin,
       RateLimitClass::kNone, put_device},
      {Method::kDelete, "/_synapse/admin/v2/users/{userId}/devices/{deviceId}", AuthKind::kAdmin,
       RateLimitClass::kNone, delete_device},
      {Method::kPost, "/_synapse/admin/v2/users/{userId}/delete_devices", AuthKind::kAdmin,
       RateLimitClass::kNone, post_delete_devices},
  };
}

}  // namespace myelin::api
