#include "api/routes.hpp"

#include "api/admin/admin_routes.hpp"
#include "api/client/handlers.hpp"
#include "api/client/report_handlers.hpp"
#include "api/client/sso_handlers.hpp"
#include "api/client/threepid_handlers.hpp"
#include "api/federation/federation_routes.hpp"
#include "api/media/media_routes.hpp"

namespace myelin::api {

using http::AuthKind;
using http::Method;
using http::RateLimitClass;

namespace {

std::vector<http::Route> client_routes() {
  constexpr AuthKind kNone = AuthKind::kNone;
  constexpr AuthKind kUser = AuthKind::kUser;
  constexpr RateLimitClass kDefault = RateLimitClass::kDefault;
  constexpr RateLimitClass kNoLimit = RateLimitClass::kNone;
  // Most client endpoints exist under the current prefix (v3) and the legacy r0 one.
  return {
      // Server information and discovery.
      {Method::kGet, "/_matrix/client/versions", kNone, kNoLimit, get_versions},
      {Method::kGet, "/.well-known/matrix/client", kNone, kNoLimit, get_well_known_client},
      {Method::kGet, "/.well-known/matrix/server", kNone, kNoLimit, get_well_known_server},
      {Method::kGet, "/_matrix/client/(r0|v3)/capabilities", kUser, kDefault, get_capabilities},

      // Accounts, login and devices.
      {Method::kPost, "/_matrix/client/(r0|v3)/register", kNone, RateLimitClass::kRegistration,
       post_register},
      {Method::kGet, "/_matrix/client/(r0|v3)/register/available", kNone,
       RateLimitClass::kRegistration, get_register_available},
      {Method::kGet, "/_matrix/client/v1/register/m.login.registration_token/validity", kNone,
       RateLimitClass::kRegistrationTokenValidity, get_registration_token_validity},
      {Method::kGet, "/_matrix/client/(r0|v3)/login", kNone, kNoLimit, get_login_flows},
      {Method::kPost, "/_matrix/client/(r0|v3)/login", kNone, RateLimitClass::kLogin, post_login},
      {Method::kPost, "/_matrix/client/(r0|v3)/logout", kUser, kNoLimit, post_logout},
      {Method::kPost, "/_matrix/client/(r0|v3)/logout/all", kUser, kNoLimit, post_logout_all},
      {Method::kGet, "/_matrix/client/(r0|v3)/account/whoami", kUser, kNoLimit, get_whoami},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/password", kNone, kDefault,
       post_account_password},
      {Method::kPost, "/_matrix/client/(r0|v3)/account/deactivate", kUser, kDefault,
       post_deactivate},
      {Method::kGet, "/_matrix/client/(r0|v3)/devices", kUser, kDefault, get_devices},
      {Method::kGet, "/_matrix/client/(r0|v3)/devices/{deviceId}", kUser, kDefault, get_device},
      {Method::kPut, "/_matrix/client/(r0|v3)/devices/{deviceId}", kUser, kDefault, put_device},
      {Method::kDelete, "/_matrix/client/(r0|v3)/devices/{deviceId}", kUser, kDefault,
       delete_device},
      {Method::kPost, "/_matrix/client/(r0|v3)/delete_devices", kUser, kDefault,
       post_delete_devices},
      // End-to-end encryption keys (not rate-limited, as in Synapse: clients top up one-time
      // keys in bursts).
      {Method::kPost, "/_matrix/client/(r0|v3)/keys/upload", kUser, kNoLimit, post_keys_upload},
      {Method::kPost, "/_matrix/client/r0/keys/upload/{deviceId}", kUser, kNoLimit,
       post_keys_upload_for_device},
      {Method::kPost, "/_matrix/client/(r0|v3)/keys/query", kUser, kNoLimit, post_keys_query},
      {Method::kPost, "/_matrix/client/(r0|v3)/keys/claim", kUser, kNoLimit, post_keys_claim},
      {Method::kPost, "/_matrix/client/(r0|v3)/keys/device_signing/upload", kUser, kNoLimit,
       post_device_signing_upload},
      {Method::kPost, "/_matrix/client/(r0|v3)/keys/signatures/upload", kUser, kNoLimit,
       post_signatures_upload},

      // Profiles and the user directory.
      {Method::kGet, "/_matrix/client/(r0|v3)/profile/{userId}", kNone, kDefault, get_profile},
      {Method::kGet, "/_matrix/client/(r0|v3)/profile/{userId}/displayname", kNone, kDefault,
       get_displayname},
      {Method::kPut, "/_matrix/client/(r0|v3)/profile/{userId}/displayname", kUser, kDefault,
       put_displayname},
      {Method::kGet, "/_matrix/client/(r0|v3)/profile/{userId}/avatar_url", kNone, kDefault,
       get_avatar_url},
      {Method::kPut, "/_matrix/client/(r0|v3)/profile/{userId}/avatar_url", kUser, kDefault,
       put_avatar_url},
      {Method::kPost, "/_matrix/client/(r0|v3)/user_directory/search", kUser, kDefault,
       post_user_directory_search},

      // Rooms and membership.
      {Method::kPost, "/_matrix/client/(r0|v3)/createRoom", kUser, kDefault, post_create_room},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/join", kUser, RateLimitClass::kJoin,
       post_join_room_id},
      {Method::kPost, "/_matrix/client/(r0|v3)/join/{roomIdOrAlias}", kUser, RateLimitClass::kJoin,
       post_join},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/invite", kUser,
       RateLimitClass::kInvite, post_invite},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/leave", kUser, kDefault, post_leave},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/forget", kUser, kDefault,
       post_forget},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/kick", kUser, kDefault, post_kick},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/ban", kUser, kDefault, post_ban},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/unban", kUser, kDefault, post_unban},
      {Method::kGet, "/_matrix/client/(r0|v3)/joined_rooms", kUser, kDefault, get_joined_rooms},

      // Events.
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/send/{eventType}/{txnId}", kUser,
       RateLimitClass::kMessage, put_send},
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}", kUser,
       RateLimitClass::kMessage, put_state},
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}/{stateKey}", kUser,
       RateLimitClass::kMessage, put_state},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state", kUser, kDefault, get_state},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}", kUser, kDefault,
       get_state_event},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}/{stateKey}", kUser,
       kDefault, get_state_event},
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/redact/{eventId}/{txnId}", kUser,
       RateLimitClass::kMessage, put_redact},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/event/{eventId}", kUser, kDefault,
       get_event},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/messages", kUser, kDefault,
       get_messages},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/context/{eventId}", kUser, kDefault,
       get_context},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/members", kUser, kDefault,
       get_members},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/joined_members", kUser, kDefault,
       get_joined_members},

      // Aliases and the room directory.
      {Method::kGet, "/_matrix/client/(r0|v3)/directory/room/{roomAlias}", kNone, kDefault,
       get_room_alias},
      {Method::kPut, "/_matrix/client/(r0|v3)/directory/room/{roomAlias}", kUser, kDefault,
       put_room_alias},
      {Method::kDelete, "/_matrix/client/(r0|v3)/directory/room/{roomAlias}", kUser, kDefault,
       delete_room_alias},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/aliases", kUser, kDefault,
       get_room_aliases},
      {Method::kGet, "/_matrix/client/(r0|v3)/directory/list/room/{roomId}", kNone, kDefault,
       get_directory_visibility},
      {Method::kPut, "/_matrix/client/(r0|v3)/directory/list/room/{roomId}", kUser, kDefault,
       put_directory_visibility},
      {Method::kGet, "/_matrix/client/(r0|v3)/publicRooms", kNone, kDefault, get_public_rooms},
      {Method::kPost, "/_matrix/client/(r0|v3)/publicRooms", kUser, kDefault, post_public_rooms},

      // Account data, tags and filters.
      {Method::kGet, "/_matrix/client/(r0|v3)/user/{userId}/account_data/{type}", kUser, kDefault,
       get_account_data},
      {Method::kPut, "/_matrix/client/(r0|v3)/user/{userId}/account_data/{type}", kUser, kDefault,
       put_account_data},
      {Method::kGet, "/_matrix/client/(r0|v3)/user/{userId}/rooms/{roomId}/account_data/{type}",
       kUser, kDefault, get_room_account_data},
      {Method::kPut, "/_matrix/client/(r0|v3)/user/{userId}/rooms/{roomId}/account_data/{type}",
       kUser, kDefault, put_room_account_data},
      {Method::kGet, "/_matrix/client/(r0|v3)/user/{userId}/rooms/{roomId}/tags", kUser, kDefault,
       get_tags},
      {Method::kPut, "/_matrix/client/(r0|v3)/user/{userId}/rooms/{roomId}/tags/{tag}", kUser,
       kDefault, put_tag},
      {Method::kDelete, "/_matrix/client/(r0|v3)/user/{userId}/rooms/{roomId}/tags/{tag}", kUser,
       kDefault, delete_tag},
      {Method::kPost, "/_matrix/client/(r0|v3)/user/{userId}/filter", kUser, kDefault, post_filter},
      {Method::kGet, "/_matrix/client/(r0|v3)/user/{userId}/filter/{filterId}", kUser, kDefault,
       get_filter},

      // Typing, receipts, read markers, presence.
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/typing/{userId}", kUser, kDefault,
       put_typing},
      {Method::kPut, "/_matrix/client/(r0|v3)/sendToDevice/{eventType}/{txnId}", kUser, kDefault,
       put_send_to_device},
      {Method::kGet, "/_matrix/client/(r0|v3)/keys/changes", kUser, kDefault, get_keys_changes},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/receipt/{receiptType}/{eventId}",
       kUser, kDefault, post_receipt},
      {Method::kPost, "/_matrix/client/(r0|v3)/rooms/{roomId}/read_markers", kUser, kDefault,
       post_read_markers},
      {Method::kGet, "/_matrix/client/(r0|v3)/presence/{userId}/status", kUser, kDefault,
       get_presence},
      {Method::kPut, "/_matrix/client/(r0|v3)/presence/{userId}/status", kUser, kDefault,
       put_presence},

      // Push rules.
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules/", kUser, kDefault, get_push_rules},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules", kUser, kDefault, get_push_rules},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules/{scope}/", kUser, kDefault,
       get_push_rules_scope},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}", kUser, kDefault,
       get_push_rule},
      {Method::kPut, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}", kUser, kDefault,
       put_push_rule},
      {Method::kDelete, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}", kUser,
       kDefault, delete_push_rule},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}/enabled", kUser,
       kDefault, get_push_rule_enabled},
      {Method::kPut, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}/enabled", kUser,
       kDefault, put_push_rule_enabled},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}/actions", kUser,
       kDefault, get_push_rule_actions},
      {Method::kPut, "/_matrix/client/(r0|v3)/pushrules/{scope}/{kind}/{ruleId}/actions", kUser,
       kDefault, put_push_rule_actions},
      {Method::kGet, "/_matrix/client/(r0|v3)/pushers", kUser, kDefault, get_pushers},
      {Method::kPost, "/_matrix/client/(r0|v3)/pushers/set", kUser, kDefault, post_pushers_set},

      // Sync.
      {Method::kGet, "/_matrix/client/(r0|v3)/sync", kUser, kNoLimit, get_sync},
  };
}

}  // namespace

// Each feature's routes come from its own list, so the table reads by topic.
std::vector<http::Route> routes() {
  std::vector<http::Route> table = client_routes();
  for (auto feature_routes : std::initializer_list<std::vector<http::Route> (*)()>{
           admin_registration_routes,
           admin_flag_routes,
           admin_user_list_routes,
           admin_user_account_routes,
           admin_user_session_routes,
           admin_user_data_routes,
           admin_server_notice_routes,
           admin_user_redaction_routes,
           admin_registration_token_routes,
           threepid_routes,
           admin_rate_limit_override_routes,
           media_routes,
           admin_media_routes,
           admin_room_routes,
           admin_room_timeline_routes,
           admin_room_moderation_routes,
           admin_room_deletion_routes,
           admin_event_report_routes,
           admin_federation_destination_routes,
           report_routes,
           sso_routes,
           read_routes,
           membership_routes,
           transaction_routes,
           key_routes,
       }) {
    std::vector<http::Route> more = feature_routes();
    table.insert(table.end(), more.begin(), more.end());
  }
  return table;
}

}  // namespace myelin::api
