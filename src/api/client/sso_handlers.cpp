#include "api/client/sso_handlers.hpp"

#include "api/client/json_body.hpp"
#include "base/matrix_error.hpp"
#include "http/client/url.hpp"
#include "services/services.hpp"

namespace myelin::api {

namespace bj = boost::json;
using http::RequestContext;
using Reply = boost::asio::awaitable<http::Response>;

namespace {

// Synapse's cookie, scoped to the callback path.
constexpr std::string_view kSessionCookie = "oidc_session";
constexpr std::string_view kCookiePath = "/_synapse/client/oidc";

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

http::Response html_page(int status, const std::string& title, const std::string& body_html) {
  http::Response response;
  response.status = status;
  response.headers.set("Content-Type", "text/html; charset=utf-8");
  response.headers.set("Cache-Control", "no-store");
  // The page embeds nothing; forbidding frames keeps it from being overlaid (clickjacking).
  response.headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  response.body = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                  html_escape(title) + "</title></head><body><h1>" + html_escape(title) + "</h1>" +
                  body_html + "</body></html>\n";
  return response;
}

http::Response redirect(const std::string& location) {
  http::Response response;
  response.status = 302;
  response.headers.set("Location", location);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

bool secure_cookies(const Services& services) {
  return services.ctx.config.public_baseurl.rfind("https://", 0) == 0;
}

std::string session_cookie(const Services& services, const std::string& value, int max_age_s) {
  return std::string(kSessionCookie) + "=" + value + "; Path=" + std::string(kCookiePath) +
         "; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Lax" +
         (secure_cookies(services) ? "; Secure" : "");
}

std::string cookie_value(const http::Request& request, std::string_view name) {
  for (std::string_view header : request.headers.get_all("Cookie")) {
    while (!header.empty()) {
      const std::size_t end = header.find(';');
      std::string_view pair = header.substr(0, end);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
      if (end == std::string_view::npos) break;
      header.remove_prefix(end + 1);
    }
  }
  return "";
}

std::string required_redirect_url(const http::Request& request) {
  std::optional<std::string> url = query_string(request, "redirectUrl");
  if (!url || url->empty()) throw MatrixError(ErrCode::kMissingParam, "Missing redirectUrl");
  return *url;
}

Reply start_at(RequestContext& ctx, std::string idp_id, std::string redirect_url) {
  Services& services = *ctx.services;
  services::SsoStart start =
      co_await services.sso.start(std::move(idp_id), std::move(redirect_url));
  http::Response response = redirect(start.location);
  response.headers.add(
      "Set-Cookie",
      session_cookie(services, start.browser_binding,
                     static_cast<int>(services::sso::OidcSessions::kLifetimeMs / 1000)));
  co_return response;
}

// GET /_matrix/client/v3/login/sso/redirect?redirectUrl= — to the only provider, or a page to
// choose one when there are several.
Reply get_sso_redirect(RequestContext& ctx) {
  Services& services = *ctx.services;
  if (!services.sso.enabled()) {
    // Synapse serves these paths only with SSO configured: unknown endpoint otherwise.
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kEndpoint,
                                    "Single sign-on is not configured");
  }
  std::string redirect_url = required_redirect_url(ctx.request);
  std::vector<const config::OidcProviderConfig*> providers = services.sso.providers();
  if (providers.size() == 1) {
    http::Response response = co_await start_at(ctx, providers[0]->idp_id, redirect_url);
    co_return response;
  }
  std::string list = "<p>Choose how to sign in:</p><ul>";
  for (const config::OidcProviderConfig* provider : providers) {
    const std::string href = "/_matrix/client/v3/login/sso/redirect/" +
                             http::url_encode(provider->idp_id) +
                             "?redirectUrl=" + http::url_encode(redirect_url);
    list += "<li><a href=\"" + html_escape(href) + "\">" + html_escape(provider->idp_name) +
            "</a></li>";
  }
  list += "</ul>";
  co_return html_page(200, "Sign in", list);
}

// GET /_matrix/client/v3/login/sso/redirect/{idpId}?redirectUrl= — to that provider.
Reply get_sso_redirect_idp(RequestContext& ctx) {
  if (!ctx.services->sso.enabled()) {
    // Synapse serves these paths only with SSO configured: unknown endpoint otherwise.
    throw MatrixError::unrecognized(MatrixError::Unrecognized::kEndpoint,
                                    "Single sign-on is not configured");
  }
  std::string redirect_url = required_redirect_url(ctx.request);
  std::string idp_id = ctx.request.param("idpId");
  http::Response response = co_await start_at(ctx, std::move(idp_id), std::move(redirect_url));
  co_return response;
}

// GET /_synapse/client/oidc/callback?code=&state= — the provider's redirect back: on success to
// the client's redirectUrl with a loginToken, else an error page. The session cookie is
// cleared either way.
Reply get_oidc_callback(RequestContext& ctx) {
  Services& services = *ctx.services;
  const http::Request& request = ctx.request;
  std::string state = query_string(request, "state").value_or("");
  std::string code = query_string(request, "code").value_or("");
  std::string error = query_string(request, "error").value_or("");
  std::string binding = cookie_value(request, kSessionCookie);
  services::SsoCompletion done = co_await services.sso.complete(
      std::move(state), std::move(code), std::move(error), std::move(binding));
  http::Response response =
      done.location.empty()
          ? html_page(done.status, done.title, "<p>" + html_escape(done.message) + "</p>")
          : redirect(done.location);
  response.headers.add("Set-Cookie", session_cookie(services, "", 0));
  co_return response;
}

}  // namespace

std::vector<http::Route> sso_routes() {
  using http::AuthKind;
  using http::Method;
  using http::RateLimitClass;
  return {
      {Method::kGet, "/_matrix/client/(r0|v3)/login/sso/redirect", AuthKind::kNone,
       RateLimitClass::kDefault, get_sso_redirect},
      {Method::kGet, "/_matrix/client/(r0|v3)/login/sso/redirect/{idpId}", AuthKind::kNone,
       RateLimitClass::kDefault, get_sso_redirect_idp},
      {Method::kGet, "/_synapse/client/oidc/callback", AuthKind::kNone, RateLimitClass::kDefault,
       get_oidc_callback},
  };
}

bj::array sso_login_flows(const Services& services) {
  bj::array flows;
  if (!services.sso.enabled()) return flows;
  bj::array providers;
  for (const config::OidcProviderConfig* provider : services.sso.providers()) {
    bj::object entry{{"id", provider->idp_id}, {"name", provider->idp_name}};
    if (!provider->idp_icon.empty()) entry["icon"] = provider->idp_icon;
    providers.push_back(std::move(entry));
  }
  flows.push_back(
      bj::object{{"type", "m.login.sso"}, {"identity_providers", std::move(providers)}});
  flows.push_back(bj::object{{"type", "m.login.token"}});
  return flows;
}

// POST /_matrix/client/v3/login {"type": "m.login.token", "token"} — trades a single-use login
// token for a device and access token; 403 M_FORBIDDEN when unknown, expired or used.
Reply post_login_with_token(RequestContext& ctx, bj::object body) {
  Services& services = *ctx.services;
  std::string token = required_string(body, "token");
  std::optional<std::string> device_id = optional_string(body, "device_id");
  std::optional<std::string> display_name = optional_string(body, "initial_device_display_name");
  services::LoginResult result = co_await services.sso.login_with_token(
      std::move(token), std::move(device_id), std::move(display_name));
  services.rate_limits.record_login(result.user_id);
  co_return ok({{"user_id", result.user_id},
                {"access_token", result.access_token},
                {"device_id", result.device_id},
                {"home_server", services.ctx.server_name()}});
}

}  // namespace myelin::api
