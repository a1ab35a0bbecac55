#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <vector>

#include "http/router/route.hpp"

// Single sign-on (spec client-server API "Single Sign-On", Synapse's OIDC paths).
namespace myelin::api {

// GET /login/sso/redirect (+ /{idpId}) and Synapse's GET /_synapse/client/oidc/callback.
std::vector<http::Route> sso_routes();

// For GET /login: m.login.sso with its identity providers and m.login.token, when SSO is
// configured; empty otherwise.
boost::json::array sso_login_flows(const Services& services);

// POST /login with type m.login.token: the single-use token from the SSO redirect.
boost::asio::awaitable<http::Response> post_login_with_token(http::RequestContext& ctx,
                                                             boost::json::object body);

}  // namespace myelin::api
