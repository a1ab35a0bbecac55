#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "http/router/route.hpp"
#include "storage/store/user_admin_store.hpp"

namespace myelin {
struct Services;
}

// What the admin user handlers share: finding the user a path names, and rendering users as
// Synapse's admin API does.
namespace myelin::api {

// The user ID path parameter {userId}: 400 M_INVALID_PARAM when malformed, 400 M_UNKNOWN
// (`non_local`, Synapse's wording for the endpoint) for another server's user.
std::string local_user_param(http::RequestContext& ctx, const std::string& non_local);

// The user as the admin API sees it; 404 M_NOT_FOUND "User not found" when unknown.
boost::asio::awaitable<storage::AdminUserView> require_user(Services& services,
                                                            std::string user_id);

// An entry of GET /_synapse/admin/v2/users (creation_ts in ms).
boost::json::object user_list_entry(const storage::AdminUserView& user);

// GET /_synapse/admin/v2/users/{userId}: the full account (creation_ts in seconds, as Synapse).
boost::asio::awaitable<boost::json::object> user_details(Services& services, std::string user_id);

}  // namespace myelin::api
