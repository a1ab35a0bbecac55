#pragma once

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "http/router/route.hpp"

// The Synapse Admin API (/_synapse/admin/...), which the admin web tools (synapse-admin, Ketesa)
// and scripts already speak. One route list per topic, each beside its handlers.
namespace myelin::api {

using Reply = boost::asio::awaitable<http::Response>;

// GET/POST /_synapse/admin/v1/register: shared-secret registration.
std::vector<http::Route> admin_registration_routes();
// GET/PUT /_synapse/admin/v1/users/{userId}/admin.
std::vector<http::Route> admin_flag_routes();
// GET /_synapse/admin/v2/users, /v3/users, /v1/username_available, /v1/threepid/.../users/....
std::vector<http::Route> admin_user_list_routes();
// GET/PUT v2/users/{userId}, v1/deactivate, reset_password, suspend, shadow_ban, login-as.
std::vector<http::Route> admin_user_account_routes();
// Whois (admin and spec client paths) and v2/users/{userId}/devices.
std::vector<http::Route> admin_user_session_routes();
// v1/users/{userId}/joined_rooms, memberships, accountdata, pushers.
std::vector<http::Route> admin_user_data_routes();

// GET/POST/PUT/DELETE /_synapse/admin/v1/registration_tokens[/new|/{token}].
std::vector<http::Route> admin_registration_token_routes();

// GET/POST/DELETE /_synapse/admin/v1/users/{userId}/override_ratelimit.
std::vector<http::Route> admin_rate_limit_override_routes();

// Media: v1/media/..., v1/users/{userId}/media, v1/room/{roomId}/media, quarantine, protect.
std::vector<http::Route> admin_media_routes();

// Rooms: v1/rooms (list), v1/rooms/{roomId} (details), members, state, block.
std::vector<http::Route> admin_room_routes();
// v1/rooms/{roomId}/messages and /context/{eventId}.
std::vector<http::Route> admin_room_timeline_routes();
// v1/rooms/{roomIdOrAlias}/make_room_admin, forward_extremities; v1/join/{roomIdOrAlias}.
std::vector<http::Route> admin_room_moderation_routes();
// DELETE v1 and v2 rooms/{roomId}, v2 delete_status, v1 purge_history[_status].
std::vector<http::Route> admin_room_deletion_routes();
// v1/event_reports[/{reportId}].
std::vector<http::Route> admin_event_report_routes();

// v1/send_server_notice[/{txnId}] and v1/server_version.
std::vector<http::Route> admin_server_notice_routes();
// v1/user/{userId}/redact and v1/user/redact_status/{redactId}.
std::vector<http::Route> admin_user_redaction_routes();

// v1/federation/destinations[/{destination}[/rooms|/reset_connection]].
std::vector<http::Route> admin_federation_destination_routes();

}  // namespace myelin::api
