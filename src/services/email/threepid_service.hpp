#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/common/service_context.hpp"
#include "services/email/mailer.hpp"
#include "services/email/validation_mail.hpp"
#include "storage/store/threepid_store.hpp"

namespace myelin::services {

// What a client asks for at an email/requestToken endpoint.
struct EmailTokenRequest {
  std::string client_secret;
  std::string email;
  std::int64_t send_attempt = 0;
  // Where the browser goes once the link was followed; http(s) only.
  std::optional<std::string> next_link;
};

// A validated address (what m.login.email.identity proves).
struct ValidatedThreepid {
  std::string medium;
  std::string address;
  std::int64_t validated_at = 0;
};

// Third-party identifiers (spec client-server API "Adding Account Administrative Contact
// Information", "Account registration", "Password management"), e-mail only: validation
// sessions whose link is mailed through the Mailer, and the addresses bound to accounts.
class ThreepidService {
 public:
  ThreepidService(ServiceContext& ctx, Mailer& mailer) : ctx_(ctx), mailer_(mailer) {}

  bool email_configured() const { return mailer_.configured(); }

  // Starts (or continues) validating the address and returns the session ID. The address must
  // be free (registration, adding: M_THREEPID_IN_USE) or bound (password reset:
  // M_THREEPID_NOT_FOUND). A send_attempt not above the session's last one sends no new mail
  // (spec). Refused input → M_INVALID_PARAM; mail that cannot be sent → 500 M_UNKNOWN
  // ("Unable to send email: ..."), the session kept so the client may try again.
  boost::asio::awaitable<std::string> request_email_token(ValidationPurpose purpose,
                                                          EmailTokenRequest request);
  // The link's target: marks the session validated and answers its next_link, if any.
  // M_THREEPID_AUTH_FAILED (as Synapse's "Validation token not found or has expired") when
  // nothing matches.
  boost::asio::awaitable<std::optional<std::string>> submit_token(std::string sid,
                                                                  std::string client_secret,
                                                                  std::string token);
  // The address a validated session proves, or nullopt (unknown, not validated, expired).
  boost::asio::awaitable<std::optional<ValidatedThreepid>> validated(std::string sid,
                                                                     std::string client_secret);
  // Ends a session once its proof was used, so it cannot be replayed.
  boost::asio::awaitable<void> consume(std::string sid);

  boost::asio::awaitable<std::vector<storage::Threepid>> threepids_of(std::string user_id);
  boost::asio::awaitable<std::optional<std::string>> user_of(std::string medium,
                                                             std::string address);
  // M_THREEPID_IN_USE when bound already (to anyone).
  boost::asio::awaitable<void> bind(std::string user_id, ValidatedThreepid threepid);
  // False when the user had no such binding.
  boost::asio::awaitable<bool> unbind(std::string user_id, std::string medium, std::string address);

  // Lower-cased, surrounding spaces dropped; M_INVALID_PARAM when it is no e-mail address
  // (Synapse's canonicalise_email).
  static std::string canonical_email(const std::string& email);
  // Spec: client_secret matches [0-9a-zA-Z.=_-]{1,255}; M_INVALID_PARAM otherwise.
  static void check_client_secret(const std::string& client_secret);

 private:
  ServiceContext& ctx_;
  Mailer& mailer_;
};

}  // namespace myelin::services
