#include "services/email/threepid_service.hpp"

#include <algorithm>
#include <cctype>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "services/common/random_token.hpp"

namespace myelin::services {

namespace asio = boost::asio;

namespace {

constexpr const char* kEmail = "email";
// 255: the spec's limit on client_secret; 254: RFC 5321's on a forward path.
constexpr std::size_t kMaxClientSecret = 255;
constexpr std::size_t kMaxEmail = 254;

MatrixError mail_failed(const SmtpError& error) {
  // The relay's own words stay in the log; the client learns what kind of failure it was.
  std::string why;
  switch (error.failure()) {
    case SmtpFailure::kUnreachable:
      why = "the mail server could not be reached";
      break;
    case SmtpFailure::kDeferred:
      why = "the mail server did not accept it for now, try again later";
      break;
    case SmtpFailure::kRefused:
      why = "the mail server refused it";
      break;
    case SmtpFailure::kInsecure:
      why =
          "no secure connection to the mail server (its certificate is not trusted, or it "
          "offers no TLS)";
      break;
  }
  return MatrixError(ErrCode::kUnknown, "Unable to send email: " + why);
}

}  // namespace

std::string ThreepidService::canonical_email(const std::string& email) {
  std::string address = email;
  while (!address.empty() && std::isspace(static_cast<unsigned char>(address.front()))) {
    address.erase(address.begin());
  }
  while (!address.empty() && std::isspace(static_cast<unsigned char>(address.back()))) {
    address.pop_back();
  }
  std::transform(address.begin(), address.end(), address.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::size_t at = address.find('@');
  const bool valid =
      at != std::string::npos && at > 0 && at + 1 < address.size() &&
      address.find('@', at + 1) == std::string::npos && address.size() <= kMaxEmail &&
      std::none_of(address.begin(), address.end(),
                   [](unsigned char c) { return c <= ' ' || c == '<' || c == '>' || c == 0x7f; });
  if (!valid) throw MatrixError(ErrCode::kInvalidParam, "Unable to parse email address");
  return address;
}

void ThreepidService::check_client_secret(const std::string& client_secret) {
  const bool valid = !client_secret.empty() && client_secret.size() <= kMaxClientSecret &&
                     std::all_of(client_secret.begin(), client_secret.end(), [](unsigned char c) {
                       return std::isalnum(c) || c == '.' || c == '=' || c == '_' || c == '-';
                     });
  if (!valid) throw MatrixError(ErrCode::kInvalidParam, "Invalid client_secret parameter");
}

asio::awaitable<std::string> ThreepidService::request_email_token(ValidationPurpose purpose,
                                                                  EmailTokenRequest request) {
  if (!mailer_.configured()) {
    // Synapse answers 400 too ("Email-based ... has been disabled on this server").
    throw MatrixError(ErrCode::kThreepidMediumNotSupported,
                      "Email validation is not supported on this server");
  }
  check_client_secret(request.client_secret);
  if (request.next_link && !request.next_link->starts_with("https://") &&
      !request.next_link->starts_with("http://")) {
    // Synapse: only http(s) links; anything else (javascript:, data:) could harm the browser.
    throw MatrixError(ErrCode::kInvalidParam, "next_link must be an http or https URL");
  }
  const std::string address = canonical_email(request.email);
  storage::ThreepidStore& store = ctx_.store.threepids;
  const std::int64_t now = ctx_.now_ms();
  const std::int64_t lifetime = ctx_.config.email.validation_token_lifetime_ms;
  // Sessions no longer of use go as new ones come: one indexed DELETE, no sweeper needed.
  auto sweep = [&store, now, lifetime] { store.remove_sessions_before(now - lifetime); };
  co_await ctx_.db(std::move(sweep));

  auto find_owner = [&store, address] { return store.user_of(kEmail, address); };
  std::optional<std::string> owner = co_await ctx_.db(std::move(find_owner));
  if (purpose == ValidationPurpose::kPasswordReset && !owner) {
    throw MatrixError(ErrCode::kThreepidNotFound, "Email not found");
  }
  if (purpose != ValidationPurpose::kPasswordReset && owner) {
    throw MatrixError(ErrCode::kThreepidInUse, "Email is already in use");
  }

  auto find_session = [&store, secret = request.client_secret, address] {
    return store.session_for(secret, kEmail, address);
  };
  std::optional<storage::ThreepidValidationSession> existing =
      co_await ctx_.db(std::move(find_session));
  // Spec: the same send_attempt (or an older one) is a retry of a request already served.
  if (existing && request.send_attempt <= existing->send_attempt) co_return existing->sid;

  storage::ThreepidValidationSession session;
  if (existing) {
    session = *existing;
  } else {
    session.sid = random_token(24);
    session.medium = kEmail;
    session.address = address;
    session.client_secret = request.client_secret;
  }
  session.token = random_token(32);
  session.next_link = request.next_link;
  session.token_expires = now + lifetime;

  const std::string link = validation_link(ctx_.config.public_baseurl, purpose, session.token,
                                           session.client_secret, session.sid);
  ValidationMail mail =
      validation_mail(purpose, ctx_.server_name(), ctx_.config.email.app_name, link);
  std::optional<SmtpError> failure;
  try {
    co_await mailer_.send(address, std::move(mail.subject), std::move(mail.text));
  } catch (const SmtpError& e) {
    failure.emplace(e);
  }
  if (failure) {
    log::warn("email", "validation mail for session {} not sent: {}", session.sid, failure->what());
    throw mail_failed(*failure);
  }
  // Only a sent mail counts as the attempt, so that the client's retry sends again.
  session.send_attempt = request.send_attempt;
  auto save = [&store, session] { store.save_session(session); };
  co_await ctx_.db(std::move(save));
  co_return session.sid;
}

asio::awaitable<std::optional<std::string>> ThreepidService::submit_token(std::string sid,
                                                                          std::string client_secret,
                                                                          std::string token) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  const std::int64_t now = ctx_.now_ms();
  auto validate = [&store, sid, client_secret, token, now] {
    return store.validate(sid, client_secret, token, now);
  };
  std::optional<storage::ThreepidValidationSession> session = co_await ctx_.db(std::move(validate));
  if (!session) {
    throw MatrixError(ErrCode::kThreepidAuthFailed, "Validation token not found or has expired");
  }
  co_return session->next_link;
}

asio::awaitable<std::optional<ValidatedThreepid>> ThreepidService::validated(
    std::string sid, std::string client_secret) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  auto load = [&store, sid] { return store.session(sid); };
  std::optional<storage::ThreepidValidationSession> session = co_await ctx_.db(std::move(load));
  if (!session || session->client_secret != client_secret || !session->validated_at) {
    co_return std::nullopt;
  }
  // A validation proves the address for as long as a link would have stayed valid.
  if (*session->validated_at + ctx_.config.email.validation_token_lifetime_ms < ctx_.now_ms()) {
    co_return std::nullopt;
  }
  co_return ValidatedThreepid{session->medium, session->address, *session->validated_at};
}

asio::awaitable<void> ThreepidService::consume(std::string sid) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  auto remove = [&store, sid] { store.remove_session(sid); };
  co_await ctx_.db(std::move(remove));
}

asio::awaitable<std::vector<storage::Threepid>> ThreepidService::threepids_of(std::string user_id) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  auto load = [&store, user_id] { return store.threepids_of(user_id); };
  co_return co_await ctx_.db(std::move(load));
}

asio::awaitable<std::optional<std::string>> ThreepidService::user_of(std::string medium,
                                                                     std::string address) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  if (medium == kEmail) {
    try {
      address = canonical_email(address);
    } catch (const MatrixError&) {
      co_return std::nullopt;
    }
  }
  auto load = [&store, medium, address] { return store.user_of(medium, address); };
  co_return co_await ctx_.db(std::move(load));
}

asio::awaitable<void> ThreepidService::bind(std::string user_id, ValidatedThreepid threepid) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  storage::Threepid row{threepid.medium, threepid.address, user_id, threepid.validated_at,
                        ctx_.now_ms()};
  auto add = [&store, row] { return store.add(row); };
  const bool added = co_await ctx_.db(std::move(add));
  if (!added) throw MatrixError(ErrCode::kThreepidInUse, "Email is already in use");
  log::info("email", "{} bound {} {}", user_id, threepid.medium, threepid.address);
}

asio::awaitable<bool> ThreepidService::unbind(std::string user_id, std::string medium,
                                              std::string address) {
  storage::ThreepidStore& store = ctx_.store.threepids;
  if (medium == kEmail) {
    try {
      address = canonical_email(address);
    } catch (const MatrixError&) {
      co_return false;
    }
  }
  auto remove = [&store, user_id, medium, address] {
    return store.remove(user_id, medium, address);
  };
  co_return co_await ctx_.db(std::move(remove));
}

}  // namespace myelin::services
