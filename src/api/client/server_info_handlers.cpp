// Server information and discovery: /versions, /capabilities and the .well-known documents.
#include "api/client/handlers.hpp"
#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;

// GET /_matrix/client/versions — the spec versions we serve (legacy r0 ones included, as nio
// and older clients check them).
Reply get_versions(RequestContext&) {
  bj::array versions;
  for (const char* v : {"r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0",
                        "r0.6.1", "v1.1",   "v1.2",   "v1.3",   "v1.4",   "v1.5",   "v1.6",
                        "v1.7",   "v1.8",   "v1.9",   "v1.10",  "v1.11",  "v1.12"}) {
    versions.emplace_back(v);
  }
  co_return ok({{"versions", std::move(versions)}, {"unstable_features", bj::object{}}});
}

// GET /_matrix/client/v3/capabilities — what this server lets the user change.
Reply get_capabilities(RequestContext& ctx) {
  bj::object available;
  for (const RoomVersion* version : known_room_versions()) {
    available[version->id] = version->stable ? "stable" : "unstable";
  }
  bj::object capabilities{
      {"m.change_password", bj::object{{"enabled", true}}},
      {"m.room_versions", bj::object{{"default", std::string(default_room_version().id)},
                                     {"available", std::move(available)}}},
      {"m.set_displayname", bj::object{{"enabled", true}}},
      {"m.set_avatar_url", bj::object{{"enabled", true}}},
      // Adding an address needs mail to validate it.
      {"m.3pid_changes", bj::object{{"enabled", ctx.services->ctx.config.email.configured()}}},
      {"m.get_login_token", bj::object{{"enabled", false}}},
  };
  co_return ok({{"capabilities", std::move(capabilities)}});
}

// GET /.well-known/matrix/client — where clients find the homeserver (config well_known).
Reply get_well_known_client(RequestContext& ctx) {
  const config::Config& config = ctx.services->ctx.config;
  std::string base_url = config.well_known.client_base_url.empty()
                             ? config.public_baseurl
                             : config.well_known.client_base_url;
  if (base_url.empty()) base_url = "https://" + config.server_name + "/";
  http::Response response = ok({{"m.homeserver", bj::object{{"base_url", std::move(base_url)}}}});
  response.headers.set("Access-Control-Allow-Origin", "*");
  co_return response;
}

// GET /.well-known/matrix/server — server delegation; 404 when not configured.
Reply get_well_known_server(RequestContext& ctx) {
  const config::Config& config = ctx.services->ctx.config;
  if (config.well_known.server.empty()) {
    throw MatrixError(ErrCode::kNotFound, "No server delegation configured");
  }
  co_return ok({{"m.server", config.well_known.server}});
}

}  // namespace myelin::api
