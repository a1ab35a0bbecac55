#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/sql/database.hpp"

namespace myelin::storage {

// An address bound to an account (GET /account/3pid's "threepids" entries).
struct Threepid {
  std::string medium;   // "email"
  std::string address;  // canonical form
  std::string user_id;
  std::int64_t validated_at = 0;  // ms
  std::int64_t added_at = 0;      // ms
};

// A validation in progress or done (spec "requestToken" endpoints).
struct ThreepidValidationSession {
  std::string sid;
  std::string medium;
  std::string address;
  std::string client_secret;
  std::int64_t send_attempt = 0;
  std::string token;
  std::int64_t token_expires = 0;            // ms
  std::optional<std::int64_t> validated_at;  // ms; set when the link was followed
  std::optional<std::string> next_link;      // where the link sends the browser afterwards
};

// Bound third-party identifiers and their validation sessions. Every call blocks: run on a
// worker pool.
class ThreepidStore {
 public:
  explicit ThreepidStore(sql::Database& db) : db_(db) {}

  std::vector<Threepid> threepids_of(const std::string& user_id);
  // Who the address is bound to.
  std::optional<std::string> user_of(const std::string& medium, const std::string& address);
  // False when the address is bound already (to anyone).
  bool add(const Threepid& threepid);
  // False when the user had no such binding.
  bool remove(const std::string& user_id, const std::string& medium, const std::string& address);

  std::optional<ThreepidValidationSession> session(const std::string& sid);
  std::optional<ThreepidValidationSession> session_for(const std::string& client_secret,
                                                       const std::string& medium,
                                                       const std::string& address);
  // Inserts the session, or replaces the one with the same sid.
  void save_session(const ThreepidValidationSession& session);
  // Marks the session validated at `now` when sid, client secret and token match and the
  // token has not expired; the validated session, or nullopt.
  std::optional<ThreepidValidationSession> validate(const std::string& sid,
                                                    const std::string& client_secret,
                                                    const std::string& token, std::int64_t now);
  void remove_session(const std::string& sid);
  // Drops sessions whose token expired before `before` and that were never validated, or
  // were validated before it. Returns how many.
  std::int64_t remove_sessions_before(std::int64_t before);

 private:
  sql::Database& db_;
};

}  // namespace myelin::storage
