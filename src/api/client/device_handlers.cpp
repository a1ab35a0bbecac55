// The requester's own devices (spec client-server API "Device management"). Deleting a device
// ends its sessions and needs the password again through user-interactive auth.
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "api/client/user_interactive_auth.hpp"
#include "base/matrix_error.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

namespace {

// 100 characters: Synapse's MAX_DEVICE_DISPLAY_NAME_LEN (the spec sets no limit); counted in
// bytes here, which never lets a longer name through.
constexpr std::size_t kMaxDeviceDisplayNameBytes = 100;

// A Device object (spec "Device management"). Unknown fields are null, as Synapse lists them.
bj::object device_json(const storage::DeviceRecord& device) {
  bj::object json{{"device_id", device.device_id}};
  json["display_name"] = device.display_name ? bj::value(*device.display_name) : bj::value();
  json["last_seen_ip"] = device.last_seen_ip ? bj::value(*device.last_seen_ip) : bj::value();
  json["last_seen_ts"] = device.last_seen_ts ? bj::value(*device.last_seen_ts) : bj::value();
  return json;
}

std::vector<services::UiaFlow> password_flow() {
  std::vector<services::UiaFlow> flows(1);
  flows[0].stages.push_back("m.login.password");
  return flows;
}

boost::asio::awaitable<std::optional<storage::DeviceRecord>> find_device(Services& services,
                                                                         std::string user_id,
                                                                         std::string device_id) {
  storage::Store& store = services.ctx.store;
  auto load = [&store, user_id, device_id] { return store.accounts.device(user_id, device_id); };
  co_return co_await services.ctx.db(std::move(load));
}

}  // namespace

// GET /_matrix/client/v3/devices — every device of the requester.
Reply get_devices(RequestContext& ctx) {
  Services& services = *ctx.services;
  storage::Store& store = services.ctx.store;
  const std::string user_id = ctx.principal.user_id;
  auto load = [&store, user_id] { return store.accounts.devices(user_id); };
  std::vector<storage::DeviceRecord> devices = co_await services.ctx.db(std::move(load));
  bj::array list;
  for (const storage::DeviceRecord& device : devices) list.push_back(device_json(device));
  co_return ok({{"devices", std::move(list)}});
}

// GET /_matrix/client/v3/devices/{deviceId} — one device of the requester; 404 M_NOT_FOUND.
Reply get_device(RequestContext& ctx) {
  const std::string user_id = ctx.principal.user_id;
  const std::string device_id = ctx.request.param("deviceId");
  std::optional<storage::DeviceRecord> device =
      co_await find_device(*ctx.services, user_id, device_id);
  if (!device) throw MatrixError(ErrCode::kNotFound, "Device not found");
  co_return ok(device_json(*device));
}

// PUT /_matrix/client/v3/devices/{deviceId} — renames one of the requester's devices;
// 404 M_NOT_FOUND for a device they do not have.
Reply put_device(RequestContext& ctx) {
  Services& services = *ctx.services;
  const bj::object body = body_object(ctx.request);
  std::optional<std::string> display_name = optional_string(body, "display_name");
  if (display_name && display_name->size() > kMaxDeviceDisplayNameBytes) {
    throw MatrixError::unknown_bad_request("Device display name is too long (max 100)");
  }
  const std::string user_id = ctx.principal.user_id;
  const std::string device_id = ctx.request.param("deviceId");
  storage::Store& store = services.ctx.store;
  auto update = [&store, user_id, device_id, display_name] {
    if (!display_name) return store.accounts.device(user_id, device_id).has_value();
    return store.accounts.set_device_display_name(user_id, device_id, *display_name);
  };
  const bool found = co_await services.ctx.db(std::move(update));
  if (!found) throw MatrixError(ErrCode::kNotFound, "Device not found");
  // Others see device names in their key queries: a rename is a device-list change.
  if (display_name) co_await services.device_lists.device_changed(user_id, device_id);
  co_return ok();
}

// DELETE /_matrix/client/v3/devices/{deviceId} — after the password is proven, deletes the
// device and ends its sessions; 404 M_NOT_FOUND (before any auth) for an unknown device.
Reply delete_device(RequestContext& ctx) {
  Services& services = *ctx.services;
  // The body is optional: a client's first attempt may carry none (spec "auth" is optional).
  bj::object body = body_object_or_empty(ctx.request);
  const std::string user_id = ctx.principal.user_id;
  const std::string device_id = ctx.request.param("deviceId");
  std::optional<storage::DeviceRecord> device = co_await find_device(services, user_id, device_id);
  if (!device) throw MatrixError(ErrCode::kNotFound, "Device not found");
  std::vector<services::UiaFlow> flows = password_flow();
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), user_id);
  if (!uia.completed) co_return std::move(uia.challenge);
  co_await services.accounts.delete_device(user_id, device_id);
  services.uia.end(uia.completed->session_id);
  co_return ok();
}

// POST /_matrix/client/v3/delete_devices — after the password is proven, deletes the listed
// devices (unknown ones are ignored, as Synapse does) and ends their sessions.
Reply post_delete_devices(RequestContext& ctx) {
  Services& services = *ctx.services;
  bj::object body = body_object(ctx.request);
  std::optional<std::vector<std::string>> devices = optional_string_list(body, "devices");
  if (!devices) throw MatrixError(ErrCode::kMissingParam, "Missing 'devices'");
  const std::string user_id = ctx.principal.user_id;
  std::vector<services::UiaFlow> flows = password_flow();
  UiaOutcome uia = co_await user_interactive_auth(ctx, std::move(body), std::move(flows), user_id);
  if (!uia.completed) co_return std::move(uia.challenge);
  for (const std::string& device_id : *devices) {
    co_await services.accounts.delete_device(user_id, device_id);
  }
  services.uia.end(uia.completed->session_id);
  co_return ok();
}

}  // namespace myelin::api
