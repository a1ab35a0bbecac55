#include "services/users/registration_tokens.hpp"

#include <sodium.h>

#include <algorithm>

#include "base/log.hpp"
#include "base/matrix_error.hpp"

namespace myelin::services {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";
// A generated token colliding with an existing one is all but impossible at 16 characters but
// likely at 1; a few draws, then the admin is told.
constexpr int kGenerateAttempts = 5;

bool token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '~' || c == '-';
}

std::string generate(std::size_t length) {
  std::string token(length, '\0');
  for (char& c : token) {
    c = kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return token;
}

MatrixError invalid_param(std::string message) {
  return MatrixError(ErrCode::kInvalidParam, std::move(message));
}

}  // namespace

bool RegistrationTokens::well_formed(std::string_view token) {
  return !token.empty() && token.size() <= kMaxLength &&
         std::all_of(token.begin(), token.end(), token_char);
}

void RegistrationTokens::check_limits(const std::optional<std::int64_t>& uses_allowed,
                                      const std::optional<std::int64_t>& expiry_time) const {
  if (uses_allowed && *uses_allowed < 0) {
    throw invalid_param("uses_allowed must be a non-negative integer or null");
  }
  if (expiry_time && *expiry_time < ctx_.now_ms()) {
    throw invalid_param("expiry_time must not be in the past");
  }
}

boost::asio::awaitable<void> RegistrationTokens::release_stale() {
  storage::Store& store = ctx_.store;
  const std::int64_t cut = ctx_.now_ms() - kReservationLifetimeMs;
  auto sweep = [&store, cut] { return store.registration_tokens.release_stale(cut); };
  const std::int64_t released = co_await ctx_.db(std::move(sweep));
  if (released > 0) {
    log::info("registration", "released {} registration token use(s) of abandoned sign-ups",
              released);
  }
}

boost::asio::awaitable<bool> RegistrationTokens::is_valid(std::string token) {
  storage::Store& store = ctx_.store;
  auto check = [&store, token, now = ctx_.now_ms()] {
    return store.registration_tokens.is_valid(token, now);
  };
  co_return co_await ctx_.db(std::move(check));
}

boost::asio::awaitable<bool> RegistrationTokens::reserve(std::string token,
                                                         std::string session_id) {
  co_await release_stale();
  storage::Store& store = ctx_.store;
  auto reserve = [&store, token, session_id, now = ctx_.now_ms()] {
    return store.registration_tokens.reserve(token, session_id, now);
  };
  co_return co_await ctx_.db(std::move(reserve));
}

boost::asio::awaitable<bool> RegistrationTokens::claim(std::string token, std::string session_id) {
  storage::Store& store = ctx_.store;
  auto claim = [&store, token, session_id, now = ctx_.now_ms()] {
    return store.registration_tokens.claim(token, session_id, now);
  };
  co_return co_await ctx_.db(std::move(claim));
}

boost::asio::awaitable<void> RegistrationTokens::finish(std::string session_id, bool registered) {
  storage::Store& store = ctx_.store;
  auto finish = [&store, session_id, registered] {
    return store.registration_tokens.finish(session_id, registered);
  };
  co_await ctx_.db(std::move(finish));
}

boost::asio::awaitable<std::vector<storage::RegistrationToken>> RegistrationTokens::list(
    std::optional<bool> valid) {
  co_await release_stale();
  storage::Store& store = ctx_.store;
  auto list = [&store, valid, now = ctx_.now_ms()] {
    return store.registration_tokens.list(valid, now);
  };
  co_return co_await ctx_.db(std::move(list));
}

boost::asio::awaitable<std::optional<storage::RegistrationToken>> RegistrationTokens::get(
    std::string token) {
  co_await release_stale();
  storage::Store& store = ctx_.store;
  auto get = [&store, token] { return store.registration_tokens.get(token); };
  co_return co_await ctx_.db(std::move(get));
}

boost::asio::awaitable<storage::RegistrationToken> RegistrationTokens::create(
    NewRegistrationToken request) {
  if (request.token) {
    if (request.token->empty() || request.token->size() > kMaxLength) {
      throw invalid_param("token must not be empty and must not be longer than 64 characters");
    }
    if (!well_formed(*request.token)) {
      throw invalid_param(
          "token must consist only of characters matched by the regex [A-Za-z0-9._~-]");
    }
  } else if (request.length <= 0 || request.length > static_cast<std::int64_t>(kMaxLength)) {
    throw invalid_param("length must be greater than zero and not greater than 64");
  }
  check_limits(request.uses_allowed, request.expiry_time);

  storage::Store& store = ctx_.store;
  const int attempts = request.token ? 1 : kGenerateAttempts;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    storage::RegistrationToken token;
    token.token =
        request.token ? *request.token : generate(static_cast<std::size_t>(request.length));
    token.uses_allowed = request.uses_allowed;
    token.expiry_time = request.expiry_time;
    auto create = [&store, token] { return store.registration_tokens.create(token); };
    const bool created = co_await ctx_.db(std::move(create));
    if (created) co_return token;
  }
  throw invalid_param(request.token ? "Token already exists: " + *request.token
                                    : std::string("Could not generate an unused token"));
}

boost::asio::awaitable<std::optional<storage::RegistrationToken>> RegistrationTokens::update(
    std::string token, storage::RegistrationTokenChange change) {
  check_limits(change.uses_allowed.value_or(std::nullopt),
               change.expiry_time.value_or(std::nullopt));
  co_await release_stale();
  storage::Store& store = ctx_.store;
  auto update = [&store, token, change] { return store.registration_tokens.update(token, change); };
  co_return co_await ctx_.db(std::move(update));
}

boost::asio::awaitable<bool> RegistrationTokens::remove(std::string token) {
  storage::Store& store = ctx_.store;
  auto remove = [&store, token] { return store.registration_tokens.remove(token); };
  co_return co_await ctx_.db(std::move(remove));
}

}  // namespace myelin::services
