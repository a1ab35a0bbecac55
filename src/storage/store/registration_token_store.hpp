#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// A registration token with Synapse's fields (admin API "Registration token objects").
struct RegistrationToken {
  std::string token;
  std::optional<std::int64_t> uses_allowed;  // nullopt: unlimited
  std::int64_t pending = 0;                  // uses reserved by registrations in progress
  std::int64_t completed = 0;                // registrations completed with it
  std::optional<std::int64_t> expiry_time;   // ms since the epoch; nullopt: never expires
};

// A change to a token's limits (PUT .../registration_tokens/{token}): an outer nullopt leaves
// the field alone, an inner nullopt makes it unlimited / never expiring.
struct RegistrationTokenChange {
  std::optional<std::optional<std::int64_t>> uses_allowed;
  std::optional<std::optional<std::int64_t>> expiry_time;
};

// Registration tokens and the uses reserved against them. A token is valid at `now` while
// pending + completed < uses_allowed (or unlimited) and now <= expiry_time (or none).
//
// A registration reserves a use when its UIA stage is checked (pending + 1, keyed by the UIA
// session), claims the reservation just before it creates the account, and finishes it after:
// completed + 1 on success, released on failure. Reserving is one conditional UPDATE, so racing
// registrations can never reserve more uses than allowed. Reservations whose session died are
// released by release_stale. Every call blocks: run on a worker pool.
class RegistrationTokenStore {
 public:
  explicit RegistrationTokenStore(sql::Database& db) : db_(db) {}

  // False when the token exists already.
  bool create(const RegistrationToken& token);
  std::optional<RegistrationToken> get(const std::string& token);
  // All tokens (ordered by token), or only the valid / only the invalid ones at `now`.
  std::vector<RegistrationToken> list(std::optional<bool> valid, std::int64_t now);
  // The token after the change; nullopt when it does not exist.
  std::optional<RegistrationToken> update(const std::string& token,
                                          const RegistrationTokenChange& change);
  // False when it did not exist. Its reservations go with it.
  bool remove(const std::string& token);
  bool is_valid(const std::string& token, std::int64_t now);

  // Reserves one use of `token` for the UIA session (pending + 1) if the token is valid at
  // `now`. A session that already holds a reservation of the same token keeps it (true); one of
  // another token has it released first.
  bool reserve(const std::string& token, const std::string& session_id, std::int64_t now);
  // Just before the account is created: takes the session's reservation of `token` for this
  // registration (reserving a use anew when it was released meanwhile). False when no use
  // could be had, or another request of the session holds the claim.
  bool claim(const std::string& token, const std::string& session_id, std::int64_t now);
  // Ends the session's reservation: pending - 1, and completed + 1 when the registration
  // succeeded. False when the session held none.
  bool finish(const std::string& session_id, bool registered);
  // Releases every reservation made (or claimed) before `reserved_before` (ms): their
  // sessions have expired. Returns how many.
  std::int64_t release_stale(std::int64_t reserved_before);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
