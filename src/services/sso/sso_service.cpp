#include "services/sso/sso_service.hpp"

#include <algorithm>
#include <cctype>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "http/client/http_client.hpp"
#include "services/common/random_token.hpp"
#include "services/sso/claim_template.hpp"
#include "services/sso/id_token.hpp"
#include "services/sso/user_mapping.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// 1000 numbered attempts after the plain localpart, as Synapse (_MAP_USERNAME_RETRIES).
constexpr int kMapUsernameRetries = 1000;

// A refusal the browser sees as an error page.
struct SsoRefusal {
  int status;
  std::string title;
  std::string message;
};

std::string with_login_token(const std::string& url, const std::string& token) {
  const std::size_t hash = url.find('#');
  std::string base = url.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  base += (base.find('?') == std::string::npos ? "?" : "&");
  return base + "loginToken=" + token + fragment;
}

}  // namespace

SsoService::SsoService(ServiceContext& ctx, AccountService& accounts)
    : ctx_(ctx), accounts_(accounts) {
  if (ctx.config.oidc_providers.empty()) return;
  http::HttpClientOptions options;
  options.trusted_ca_files = ctx.config.trusted_ca_files;
  client_ = std::make_unique<http::HttpClient>(std::move(options));
  for (const config::OidcProviderConfig& provider : ctx.config.oidc_providers) {
    providers_.push_back(std::make_unique<sso::OidcProvider>(provider, *client_));
  }
}

SsoService::~SsoService() = default;

std::vector<const config::OidcProviderConfig*> SsoService::providers() const {
  std::vector<const config::OidcProviderConfig*> out;
  for (const auto& provider : providers_) out.push_back(&provider->config());
  return out;
}

std::string SsoService::callback_url() const {
  return ctx_.config.public_baseurl + "_synapse/client/oidc/callback";
}

sso::OidcProvider* SsoService::provider(const std::string& idp_id) {
  for (const auto& provider : providers_) {
    if (provider->config().idp_id == idp_id) return provider.get();
  }
  return nullptr;
}

asio::awaitable<SsoStart> SsoService::start(std::string idp_id, std::string client_redirect_url) {
  sso::OidcProvider* idp = provider(idp_id);
  if (!idp) throw MatrixError(ErrCode::kNotFound, "Unknown identity provider " + idp_id);
  if (!sso::valid_client_redirect_url(client_redirect_url)) {
    throw MatrixError(ErrCode::kInvalidParam, "redirectUrl must be an http(s) URL");
  }
  std::optional<sso::OidcMetadata> metadata;
  std::string failure;
  try {
    metadata = co_await idp->metadata();
  } catch (const sso::OidcError& e) {
    failure = e.what();
  }
  if (!metadata) {
    log::warn("sso", "{}: {}", idp_id, failure);
    throw MatrixError::unknown_bad_gateway("The identity provider cannot be reached");
  }
  sso::OidcSession session{.idp_id = idp_id,
                           .nonce = random_token(32),
                           // RFC 7636: 43-128 characters; 64 of [A-Za-z0-9] ≈ 380 bits.
                           .code_verifier = idp->uses_pkce(*metadata) ? random_token(64) : "",
                           .client_redirect_url = client_redirect_url,
                           .browser_binding = random_token(32),
                           .expires_ms = 0};
  sso::AuthorizationRequest request{.state = "",
                                    .nonce = session.nonce,
                                    .code_verifier = session.code_verifier,
                                    .redirect_uri = callback_url()};
  SsoStart out{.location = "", .browser_binding = session.browser_binding};
  request.state = sessions_.start(std::move(session), ctx_.now_ms());
  out.location = idp->authorization_url(*metadata, request);
  co_return out;
}

asio::awaitable<SsoCompletion> SsoService::complete(std::string state, std::string code,
                                                    std::string error,
                                                    std::string browser_binding) {
  std::optional<sso::OidcSession> session =
      state.empty() ? std::nullopt : sessions_.take(state, browser_binding, ctx_.now_ms());
  if (!session) {
    co_return SsoCompletion{.location = "",
                            .status = 400,
                            .title = "Invalid session",
                            .message =
                                "This sign-in link is invalid or has expired, or was "
                                "opened in another browser. Please start again."};
  }
  if (!error.empty() || code.empty()) {
    log::info("sso", "{}: the provider answered error {}", session->idp_id, error);
    co_return SsoCompletion{.location = "",
                            .status = 400,
                            .title = "Sign-in failed",
                            .message = "The identity provider did not sign you in" +
                                       (error.empty() ? std::string() : " (" + error + ")") + "."};
  }
  sso::OidcProvider* idp = provider(session->idp_id);
  if (!idp) {
    co_return SsoCompletion{.location = "",
                            .status = 400,
                            .title = "Sign-in failed",
                            .message = "Unknown identity provider."};
  }
  sso::AuthorizationRequest request{.state = state,
                                    .nonce = session->nonce,
                                    .code_verifier = session->code_verifier,
                                    .redirect_uri = callback_url()};
  std::optional<bj::object> claims;
  std::string failure;
  try {
    claims = co_await idp->user_claims(code, request, ctx_.now_ms());
  } catch (const sso::OidcError& e) {
    failure = e.what();
  } catch (const jose::IdTokenError& e) {
    failure = e.what();
  }
  if (!claims) {
    log::warn("sso", "{}: {}", session->idp_id, failure);
    co_return SsoCompletion{.location = "",
                            .status = 502,
                            .title = "Sign-in failed",
                            .message = "The identity provider's answer could not be verified."};
  }
  if (!sso::meets_requirements(*claims, idp->config().attribute_requirements)) {
    log::info("sso", "{}: attribute requirements not met", session->idp_id);
    co_return SsoCompletion{.location = "",
                            .status = 403,
                            .title = "Access denied",
                            .message =
                                "You are not allowed to sign in to this server with this "
                                "account."};
  }
  std::optional<std::string> user_id;
  std::optional<SsoRefusal> refusal;
  try {
    user_id = co_await map_user(session->idp_id, *claims);
  } catch (const MatrixError& e) {
    refusal =
        SsoRefusal{e.code() == ErrCode::kUserDeactivated ? 403 : 400, "Sign-in failed", e.what()};
  }
  if (!user_id) {
    co_return SsoCompletion{.location = "",
                            .status = refusal->status,
                            .title = refusal->title,
                            .message = refusal->message};
  }
  const std::string token = login_tokens_.issue(*user_id, ctx_.now_ms());
  log::info("sso", "{} signed in through {}", *user_id, session->idp_id);
  co_return SsoCompletion{.location = with_login_token(session->client_redirect_url, token),
                          .status = 302,
                          .title = "",
                          .message = ""};
}

asio::awaitable<std::optional<std::string>> SsoService::linked_user(std::string idp_id,
                                                                    std::string subject) {
  storage::Store& store = ctx_.store;
  auto find = [&store, idp_id, subject] { return store.external_ids.user_of(idp_id, subject); };
  std::optional<std::string> user = co_await ctx_.db(std::move(find));
  co_return user;
}

// A returning identity finds its linked account. A new one gets the templated localpart:
// linked to an existing account of that name only with allow_existing_users, else registered
// (with a number appended when the name is taken, as Synapse).
asio::awaitable<std::string> SsoService::map_user(std::string idp_id, bj::object claims) {
  sso::OidcProvider* idp = provider(idp_id);
  if (!idp) throw MatrixError(ErrCode::kNotFound, "Unknown identity provider");
  const bj::value* sub = claims.if_contains("sub");
  if (!sub || !sub->is_string() || sub->get_string().empty()) {
    throw MatrixError(ErrCode::kForbidden, "The identity provider named no subject");
  }
  const std::string subject(sub->get_string());
  std::optional<std::string> linked = co_await linked_user(idp_id, subject);
  if (!linked) {
    std::string created = co_await register_mapped(idp->config(), subject, claims);
    co_return created;
  }
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id = *linked] { return store.accounts.user(user_id); };
  std::optional<storage::UserRecord> user = co_await ctx_.db(std::move(load));
  if (!user || user->deactivated) {
    throw MatrixError(ErrCode::kUserDeactivated, "This account has been deactivated");
  }
  co_return *linked;
}

asio::awaitable<std::string> SsoService::register_mapped(const config::OidcProviderConfig& config,
                                                         std::string subject, bj::object claims) {
  const std::string raw = sso::render_claim_template(config.localpart_template, claims);
  const std::string localpart = sso::map_username_to_localpart(raw);
  if (localpart.empty()) {
    throw MatrixError(ErrCode::kInvalidUsername,
                      "The identity provider gave no user name for this account");
  }
  std::optional<std::string> displayname;
  if (!config.display_name_template.empty()) {
    std::string name = sso::render_claim_template(config.display_name_template, claims);
    if (!name.empty()) displayname = name;
  }
  storage::Store& store = ctx_.store;
  for (int attempt = 0; attempt <= kMapUsernameRetries; ++attempt) {
    const std::string candidate = attempt == 0 ? localpart : localpart + std::to_string(attempt);
    const std::string user_id = accounts_.qualify(candidate);
    auto load = [&store, user_id] { return store.accounts.user(user_id); };
    std::optional<storage::UserRecord> existing = co_await ctx_.db(std::move(load));
    if (existing) {
      if (attempt == 0 && config.allow_existing_users && !existing->deactivated) {
        auto link = [&store, idp = config.idp_id, subject, user_id] {
          return store.external_ids.link(idp, subject, user_id);
        };
        co_await ctx_.db(std::move(link));
        co_return user_id;
      }
      continue;
    }
    NewAccount account;
    account.localpart = candidate;
    account.inhibit_login = true;
    account.displayname = displayname;
    std::optional<ErrCode> failed;
    std::string failure;
    try {
      co_await accounts_.register_account(std::move(account));
    } catch (const MatrixError& e) {
      failed = e.code();
      failure = e.what();
    }
    if (failed == ErrCode::kUserInUse) continue;  // taken meanwhile: try the next number
    if (failed) throw MatrixError(*failed, failure);
    auto link = [&store, idp = config.idp_id, subject, user_id] {
      return store.external_ids.link(idp, subject, user_id);
    };
    const bool linked = co_await ctx_.db(std::move(link));
    if (!linked) {
      // Another sign-in of the same identity won the race; use its account.
      std::optional<std::string> winner = co_await linked_user(config.idp_id, subject);
      if (winner) co_return *winner;
    }
    log::info("sso", "registered {} for {} subject {}", user_id, config.idp_id, subject);
    co_await bind_mapped_email(config, user_id, claims);
    co_return user_id;
  }
  throw MatrixError(ErrCode::kUserInUse, "Could not find a free user name for this account");
}

// email_template: the provider vouches for the address, so a new account gets it bound (as
// Synapse does); an address bound to someone else already stays theirs.
asio::awaitable<void> SsoService::bind_mapped_email(const config::OidcProviderConfig& config,
                                                    std::string user_id, bj::object claims) {
  if (config.email_template.empty()) co_return;
  std::string address = sso::render_claim_template(config.email_template, claims);
  std::transform(address.begin(), address.end(), address.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (address.find('@') == std::string::npos) co_return;
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto add = [&store, address, user_id, now] {
    return store.threepids.add({"email", address, user_id, now, now});
  };
  const bool added = co_await ctx_.db(std::move(add));
  if (!added) log::info("sso", "{}: e-mail {} is bound to another account", user_id, address);
}

asio::awaitable<LoginResult> SsoService::login_with_token(std::string token,
                                                          std::optional<std::string> device_id,
                                                          std::optional<std::string> display_name) {
  std::optional<std::string> user_id = login_tokens_.consume(token, ctx_.now_ms());
  if (!user_id) throw MatrixError(ErrCode::kForbidden, "Invalid login token");
  storage::Store& store = ctx_.store;
  auto load = [&store, id = *user_id] { return store.accounts.user(id); };
  std::optional<storage::UserRecord> user = co_await ctx_.db(std::move(load));
  if (!user || user->deactivated) {
    throw MatrixError(ErrCode::kUserDeactivated, "This account has been deactivated");
  }
  // As AccountService's sessions: a device (new or named) and an access token.
  LoginResult result{*user_id, device_id.value_or(random_device_id()), "syt_" + random_token(40)};
  const std::int64_t now = ctx_.now_ms();
  auto save = [&store, result, display_name, now] {
    store.accounts.upsert_device({result.user_id, result.device_id, display_name, now, {}});
    store.accounts.add_token(result.access_token, {result.user_id, result.device_id}, now);
  };
  co_await ctx_.db(std::move(save));
  co_return result;
}

}  // namespace myelin::services
