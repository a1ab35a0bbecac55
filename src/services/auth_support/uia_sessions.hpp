#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/errcode.hpp"
#include "base/expected.hpp"
#include "base/matrix_error.hpp"

namespace myelin::services {

// One way through user-interactive auth: every stage type in it must be completed, e.g.
// {"m.login.password"} or {"m.login.registration_token", "m.login.dummy"}.
struct UiaFlow {
  std::vector<std::string> stages;
};

// Why the caller's check refused a stage; it becomes the 401 body's errcode and error, and the
// client may try again in the same session (e.g. M_FORBIDDEN "Invalid password").
struct UiaStageFailure {
  ErrCode code = ErrCode::kForbidden;
  std::string message;
};

// The caller's verdict on one stage: on success, what the stage proved (the user ID a password
// authenticated, the registration token used; `true` when there is nothing to remember), which
// UiaCompleted hands back once a flow is done.
using UiaStageCheck = Expected<boost::json::value, UiaStageFailure>;

// Checks one stage of the client's `auth` dict (its "type" is `stage`). Stages never reach it
// when there is nothing to check: m.login.dummy, a stage the session already completed.
using UiaStageChecker =
    std::function<UiaStageCheck(std::string_view stage, const boost::json::object& auth)>;

// All stages of some flow are done: the caller performs the request.
struct UiaCompleted {
  std::string session_id;
  std::map<std::string, boost::json::value, std::less<>> proofs;  // stage type → its proof
};

// The request may not proceed (yet).
struct UiaDenied {
  // When set: answer with this error and its own status (unknown or expired session, a session
  // started for another request, a malformed `auth` dict).
  std::optional<MatrixError> error;
  // Otherwise: answer 401 with this body — {flows, params, session, completed?, errcode?, error?}
  // (spec, "User-interactive API in the REST API").
  boost::json::object challenge;
};

// A step the client attempted, between UiaSessions::open_step and finish_step.
struct UiaAttempt {
  std::string session_id;
  std::string stage;         // auth.type; empty when the client only names the session
  bool needs_check = false;  // the caller must check `stage` and pass its verdict to finish_step
};

// User-interactive authentication sessions (spec, client-server API, "User-Interactive
// Authentication API"), kept in memory: a session lives for one API call's few round trips.
// Thread-safe. Follows Synapse where the spec leaves room:
// - a flow is complete when all its stages are, in whatever order they were done;
// - a session answers only the request (method and URI) that started it: the caller passes a
//   fingerprint such as "DELETE /_matrix/client/v3/devices/ABC", and another one is refused
//   with 403 M_FORBIDDEN, so that consent to one operation is not spent on another;
// - an `auth` dict without a session starts one and is checked at once;
// - a completed session keeps answering "completed" until it expires or end() is called,
//   because the spec lets a client retry after all stages are done.
class UiaSessions {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds

  static constexpr std::int64_t kIdleTimeoutMs = 10 * 60 * 1000;
  static constexpr std::size_t kDefaultMaxSessions = 10'000;  // then the least recently used go
  // 24 random bytes (192 bits, spec asks only that it be unguessable): 32 URL-safe characters.
  static constexpr std::size_t kSessionIdBytes = 24;

  explicit UiaSessions(Clock clock, std::size_t max_sessions = kDefaultMaxSessions);

  // Starts a session for the request `request_fingerprint` and returns the 401 body offering
  // `flows` (each non-empty) with `params`.
  boost::json::object begin(const std::vector<UiaFlow>& flows, const boost::json::object& params,
                            std::string_view request_fingerprint);

  // One request's whole step: `auth` is the body's "auth" object, or nullptr when absent.
  // Calls `check` (without any lock held; it may block, e.g. to verify a password) when a stage
  // needs checking. Completed, or the answer to send instead.
  Expected<UiaCompleted, UiaDenied> step(const boost::json::object* auth,
                                         const std::vector<UiaFlow>& flows,
                                         const boost::json::object& params,
                                         std::string_view request_fingerprint,
                                         const UiaStageChecker& check);

  // step() in two halves, for callers that check stages asynchronously: open_step validates the
  // session and says whether a stage needs checking; finish_step records the verdict (ignored
  // unless attempt.needs_check) and decides. Pass the same flows and params to both.
  Expected<UiaAttempt, UiaDenied> open_step(const boost::json::object* auth,
                                            const std::vector<UiaFlow>& flows,
                                            const boost::json::object& params,
                                            std::string_view request_fingerprint);
  Expected<UiaCompleted, UiaDenied> finish_step(const UiaAttempt& attempt,
                                                const std::vector<UiaFlow>& flows,
                                                const boost::json::object& params,
                                                const UiaStageCheck* verdict);

  // Values the server keeps with a session across its requests, out of the client's reach (e.g.
  // the registration's password hash, as Synapse's ui_auth_sessions_variables). False / nullopt
  // when the session is unknown or expired.
  bool set_value(std::string_view session_id, std::string key, boost::json::value value);
  std::optional<boost::json::value> value(std::string_view session_id, std::string_view key);

  // Forgets a session (e.g. once the operation it authorised has been done).
  void end(std::string_view session_id);

  // Live sessions, expired ones swept first.
  std::size_t size();

 private:
  struct Session {
    std::string fingerprint;
    std::int64_t last_used_ms = 0;
    std::vector<std::string> completed;  // stage types, in the order they were completed
    std::map<std::string, boost::json::value, std::less<>> proofs;
    std::map<std::string, boost::json::value, std::less<>> values;
    std::list<std::string>::iterator recency;  // its place in recency_
  };

  // All private helpers expect mutex_ held.
  void sweep_expired(std::int64_t now);
  Session& create(std::string_view fingerprint, std::int64_t now);
  Session* find_live(std::string_view session_id, std::int64_t now);
  void erase(std::unordered_map<std::string, Session>::iterator it);
  static bool flow_done(const Session& session, const std::vector<UiaFlow>& flows);
  static boost::json::object challenge(const std::string& session_id, const Session* session,
                                       const std::vector<UiaFlow>& flows,
                                       const boost::json::object& params);

  Clock clock_;
  std::size_t max_sessions_;
  std::mutex mutex_;
  std::unordered_map<std::string, Session> sessions_;
  std::list<std::string> recency_;  // session IDs, most recently used first
};

}  // namespace myelin::services
