#pragma once

// Every client-server API handler, by family; routes.cpp maps paths to them. Each handler's
// definition starts with its route and one-line contract.
#include <boost/asio/awaitable.hpp>

#include "http/router/route.hpp"

namespace myelin::api {

using http::RequestContext;
using Reply = boost::asio::awaitable<http::Response>;

// server_info_handlers.cpp
Reply get_versions(RequestContext& ctx);
Reply get_capabilities(RequestContext& ctx);
Reply get_well_known_client(RequestContext& ctx);
Reply get_well_known_server(RequestContext& ctx);

// register_handlers.cpp
Reply post_register(RequestContext& ctx);
Reply get_register_available(RequestContext& ctx);
Reply get_registration_token_validity(RequestContext& ctx);

// account_handlers.cpp
Reply get_login_flows(RequestContext& ctx);
Reply post_login(RequestContext& ctx);
Reply post_logout(RequestContext& ctx);
Reply post_logout_all(RequestContext& ctx);
Reply get_whoami(RequestContext& ctx);

// account_management_handlers.cpp
Reply post_password(RequestContext& ctx);
Reply post_deactivate(RequestContext& ctx);

// device_handlers.cpp
Reply get_devices(RequestContext& ctx);
Reply get_device(RequestContext& ctx);
Reply put_device(RequestContext& ctx);
Reply delete_device(RequestContext& ctx);
Reply post_delete_devices(RequestContext& ctx);

// key_handlers.cpp
Reply post_keys_upload(RequestContext& ctx);
Reply post_keys_upload_for_device(RequestContext& ctx);
Reply post_keys_query(RequestContext& ctx);
Reply post_keys_claim(RequestContext& ctx);
Reply post_device_signing_upload(RequestContext& ctx);
Reply post_signatures_upload(RequestContext& ctx);

// profile_handlers.cpp
Reply get_profile(RequestContext& ctx);
Reply get_displayname(RequestContext& ctx);
Reply put_displayname(RequestContext& ctx);
Reply get_avatar_url(RequestContext& ctx);
Reply put_avatar_url(RequestContext& ctx);

// room_handlers.cpp
Reply post_create_room(RequestContext& ctx);
Reply post_join_room_id(RequestContext& ctx);
Reply post_join(RequestContext& ctx);
Reply post_invite(RequestContext& ctx);
Reply post_leave(RequestContext& ctx);
Reply post_forget(RequestContext& ctx);
Reply post_kick(RequestContext& ctx);
Reply post_ban(RequestContext& ctx);
Reply post_unban(RequestContext& ctx);
Reply get_joined_rooms(RequestContext& ctx);

// event_handlers.cpp
Reply put_send(RequestContext& ctx);
Reply put_state(RequestContext& ctx);
Reply get_state(RequestContext& ctx);
Reply get_state_event(RequestContext& ctx);
Reply put_redact(RequestContext& ctx);
Reply get_event(RequestContext& ctx);

// timeline_handlers.cpp
Reply get_messages(RequestContext& ctx);
Reply get_context(RequestContext& ctx);
Reply get_members(RequestContext& ctx);
Reply get_joined_members(RequestContext& ctx);

// directory_handlers.cpp
Reply get_room_alias(RequestContext& ctx);
Reply put_room_alias(RequestContext& ctx);
Reply delete_room_alias(RequestContext& ctx);
Reply get_room_aliases(RequestContext& ctx);
Reply get_directory_visibility(RequestContext& ctx);
Reply put_directory_visibility(RequestContext& ctx);
Reply get_public_rooms(RequestContext& ctx);
Reply post_public_rooms(RequestContext& ctx);

// user_directory_handler.cpp
Reply post_user_directory_search(RequestContext& ctx);

// user_data_handlers.cpp
Reply get_account_data(RequestContext& ctx);
Reply put_account_data(RequestContext& ctx);
Reply get_room_account_data(RequestContext& ctx);
Reply put_room_account_data(RequestContext& ctx);
Reply get_tags(RequestContext& ctx);
Reply put_tag(RequestContext& ctx);
Reply delete_tag(RequestContext& ctx);
Reply post_filter(RequestContext& ctx);
Reply get_filter(RequestContext& ctx);

// ephemeral_handlers.cpp
Reply put_typing(RequestContext& ctx);
// to_device_handlers.cpp
Reply put_send_to_device(RequestContext& ctx);
// device_list_handlers.cpp
Reply get_keys_changes(RequestContext& ctx);
Reply post_receipt(RequestContext& ctx);
Reply post_read_markers(RequestContext& ctx);
Reply get_presence(RequestContext& ctx);
Reply put_presence(RequestContext& ctx);

// push_rule_handlers.cpp
Reply get_push_rules(RequestContext& ctx);
Reply get_push_rules_scope(RequestContext& ctx);
Reply get_push_rule(RequestContext& ctx);
Reply put_push_rule(RequestContext& ctx);
Reply delete_push_rule(RequestContext& ctx);
Reply get_push_rule_enabled(RequestContext& ctx);
Reply put_push_rule_enabled(RequestContext& ctx);
Reply get_push_rule_actions(RequestContext& ctx);
Reply put_push_rule_actions(RequestContext& ctx);
Reply get_pushers(RequestContext& ctx);
Reply post_pushers_set(RequestContext& ctx);

// sync_handler.cpp
Reply get_sync(RequestContext& ctx);

}  // namespace myelin::api
