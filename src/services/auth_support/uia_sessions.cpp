#include "services/auth_support/uia_sessions.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>
#include <cassert>
#include <utility>

#include "base/base64.hpp"
#include "protocol/crypto/sodium.hpp"

namespace myelin::services {
namespace {

constexpr std::string_view kDummy = "m.login.dummy";

std::string new_session_id() {
  crypto::ensure_sodium();
  std::string bytes(UiaSessions::kSessionIdBytes, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return base64::encode_url(bytes);
}

bool offered(const std::vector<UiaFlow>& flows, std::string_view stage) {
  return std::any_of(flows.begin(), flows.end(), [&](const UiaFlow& flow) {
    return std::find(flow.stages.begin(), flow.stages.end(), stage) != flow.stages.end();
  });
}

// Each flow needs a stage: an empty one would let anyone through. Flows are the server's own
// table, so a bad one is a bug, not input.
[[maybe_unused]] bool well_formed(const std::vector<UiaFlow>& flows) {
  return !flows.empty() && std::none_of(flows.begin(), flows.end(),
                                        [](const UiaFlow& flow) { return flow.stages.empty(); });
}

UiaDenied refuse(ErrCode code, std::string message) {
  return UiaDenied{MatrixError(code, std::move(message)), {}};
}

}  // namespace

UiaSessions::UiaSessions(Clock clock, std::size_t max_sessions)
    : clock_(std::move(clock)), max_sessions_(max_sessions) {
  assert(clock_ && max_sessions_ > 0);
}

boost::json::object UiaSessions::begin(const std::vector<UiaFlow>& flows,
                                       const boost::json::object& params,
                                       std::string_view request_fingerprint) {
  assert(well_formed(flows));
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_();
  sweep_expired(now);
  Session& session = create(request_fingerprint, now);
  return challenge(*session.recency, nullptr, flows, params);
}

Expected<UiaCompleted, UiaDenied> UiaSessions::step(const boost::json::object* auth,
                                                    const std::vector<UiaFlow>& flows,
                                                    const boost::json::object& params,
                                                    std::string_view request_fingerprint,
                                                    const UiaStageChecker& check) {
  auto attempt = open_step(auth, flows, params, request_fingerprint);
  if (!attempt) return Unexpected{attempt.error()};
  if (!attempt->needs_check) return finish_step(*attempt, flows, params, nullptr);
  assert(auth != nullptr);  // open_step asks for a check only of a stage the client sent
  const UiaStageCheck verdict = check(attempt->stage, *auth);
  return finish_step(*attempt, flows, params, &verdict);
}

Expected<UiaAttempt, UiaDenied> UiaSessions::open_step(const boost::json::object* auth,
                                                       const std::vector<UiaFlow>& flows,
                                                       const boost::json::object& params,
                                                       std::string_view request_fingerprint) {
  assert(well_formed(flows));
  // "A request to an endpoint that uses User-Interactive Authentication never succeeds without
  // auth": no auth dict, or an empty one, is answered with a fresh session's challenge.
  if (auth == nullptr || auth->empty())
    return Unexpected{UiaDenied{std::nullopt, begin(flows, params, request_fingerprint)}};

  std::string stage;
  if (const auto* type = auth->if_contains("type")) {
    if (!type->is_string())
      return Unexpected{refuse(ErrCode::kBadJson, "auth.type must be a string")};
    stage = type->get_string();
  }
  const boost::json::value* session_field = auth->if_contains("session");
  if (session_field != nullptr && !session_field->is_string())
    return Unexpected{refuse(ErrCode::kBadJson, "auth.session must be a string")};

  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_();
  sweep_expired(now);
  UiaAttempt attempt;
  Session* session = nullptr;
  if (session_field == nullptr || session_field->get_string().empty()) {
    // Synapse starts a session here too, so that {"auth": {"type": "m.login.dummy"}} registers
    // in one request.
    session = &create(request_fingerprint, now);
    attempt.session_id = *session->recency;
  } else {
    attempt.session_id = session_field->get_string();
    session = find_live(attempt.session_id, now);
    // Synapse: 400 "Unknown session ID" (its M_UNKNOWN; ours would derive 500, so the 400 code
    // that names a bad request parameter).
    if (session == nullptr)
      return Unexpected{
          refuse(ErrCode::kInvalidParam, "Unknown session ID: " + attempt.session_id)};
    if (session->fingerprint != request_fingerprint)
      return Unexpected{refuse(ErrCode::kForbidden,
                               "Requested operation has changed during the UI authentication "
                               "session.")};
  }

  if (stage.empty()) return attempt;  // the client asks whether out-of-band stages are done
  if (!offered(flows, stage)) {
    // Not checked at all: a type this endpoint does not offer proves nothing here.
    boost::json::object body = challenge(attempt.session_id, session, flows, params);
    body["errcode"] = errcode_name(ErrCode::kUnrecognized);
    body["error"] = "Authentication type " + stage + " is not offered for this request";
    return Unexpected{UiaDenied{std::nullopt, std::move(body)}};
  }
  const bool done = session->proofs.contains(stage);
  if (stage == kDummy && !done) {
    // "Dummy authentication always succeeds and requires no extra parameters."
    session->completed.push_back(stage);
    session->proofs.emplace(stage, true);
  }
  // Completed stages "cannot be retried": a retry is answered from what the session holds.
  attempt.needs_check = stage != kDummy && !done;
  attempt.stage = std::move(stage);
  return attempt;
}

Expected<UiaCompleted, UiaDenied> UiaSessions::finish_step(const UiaAttempt& attempt,
                                                           const std::vector<UiaFlow>& flows,
                                                           const boost::json::object& params,
                                                           const UiaStageCheck* verdict) {
  assert(well_formed(flows));
  std::lock_guard lock(mutex_);
  const std::int64_t now = clock_();
  sweep_expired(now);
  Session* session = find_live(attempt.session_id, now);
  // The session may have expired or been evicted while the caller checked the stage.
  if (session == nullptr)
    return Unexpected{refuse(ErrCode::kInvalidParam, "Unknown session ID: " + attempt.session_id)};

  const UiaStageFailure* failure = nullptr;
  if (attempt.needs_check) {
    assert(verdict != nullptr);  // the caller must report the check open_step asked for
    if (verdict->has_value()) {
      if (!session->proofs.contains(attempt.stage)) {
        session->completed.push_back(attempt.stage);
        session->proofs.emplace(attempt.stage, verdict->value());
      }
    } else {
      failure = &verdict->error();
    }
  }

  if (flow_done(*session, flows)) return UiaCompleted{attempt.session_id, session->proofs};

  boost::json::object body = challenge(attempt.session_id, session, flows, params);
  if (failure != nullptr) {
    body["errcode"] = errcode_name(failure->code);
    body["error"] = failure->message;
  }
  return Unexpected{UiaDenied{std::nullopt, std::move(body)}};
}

bool UiaSessions::set_value(std::string_view session_id, std::string key,
                            boost::json::value value) {
  std::lock_guard lock(mutex_);
  Session* session = find_live(session_id, clock_());
  if (session == nullptr) return false;
  session->values.insert_or_assign(std::move(key), std::move(value));
  return true;
}

std::optional<boost::json::value> UiaSessions::value(std::string_view session_id,
                                                     std::string_view key) {
  std::lock_guard lock(mutex_);
  Session* session = find_live(session_id, clock_());
  if (session == nullptr) return std::nullopt;
  auto it = session->values.find(key);
  if (it == session->values.end()) return std::nullopt;
  return it->second;
}

void UiaSessions::end(std::string_view session_id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(session_id));
  if (it != sessions_.end()) erase(it);
}

std::size_t UiaSessions::size() {
  std::lock_guard lock(mutex_);
  sweep_expired(clock_());
  return sessions_.size();
}

void UiaSessions::sweep_expired(std::int64_t now) {
  // recency_ is ordered by last use, so the expired sessions are exactly its tail.
  while (!recency_.empty()) {
    auto it = sessions_.find(recency_.back());
    assert(it != sessions_.end());
    if (now - it->second.last_used_ms < kIdleTimeoutMs) break;
    erase(it);
  }
}

UiaSessions::Session& UiaSessions::create(std::string_view fingerprint, std::int64_t now) {
  while (sessions_.size() >= max_sessions_) erase(sessions_.find(recency_.back()));
  std::string id = new_session_id();
  recency_.push_front(id);
  Session& session = sessions_[std::move(id)];
  session.fingerprint = fingerprint;
  session.last_used_ms = now;
  session.recency = recency_.begin();
  return session;
}

UiaSessions::Session* UiaSessions::find_live(std::string_view session_id, std::int64_t now) {
  auto it = sessions_.find(std::string(session_id));
  if (it == sessions_.end()) return nullptr;
  Session& session = it->second;
  if (now - session.last_used_ms >= kIdleTimeoutMs) {
    erase(it);
    return nullptr;
  }
  session.last_used_ms = now;
  recency_.splice(recency_.begin(), recency_, session.recency);
  return &session;
}

void UiaSessions::erase(std::unordered_map<std::string, Session>::iterator it) {
  recency_.erase(it->second.recency);
  sessions_.erase(it);
}

bool UiaSessions::flow_done(const Session& session, const std::vector<UiaFlow>& flows) {
  return std::any_of(flows.begin(), flows.end(), [&](const UiaFlow& flow) {
    return std::all_of(flow.stages.begin(), flow.stages.end(),
                       [&](const std::string& stage) { return session.proofs.contains(stage); });
  });
}

boost::json::object UiaSessions::challenge(const std::string& session_id, const Session* session,
                                           const std::vector<UiaFlow>& flows,
                                           const boost::json::object& params) {
  boost::json::array flow_list;
  for (const UiaFlow& flow : flows) {
    boost::json::array stages;
    for (const std::string& stage : flow.stages) stages.emplace_back(stage);
    flow_list.push_back(boost::json::object{{"stages", std::move(stages)}});
  }
  boost::json::object body{
      {"flows", std::move(flow_list)}, {"params", params}, {"session", session_id}};
  // As Synapse, "completed" appears once the client has sent an auth dict.
  if (session != nullptr) {
    boost::json::array completed;
    for (const std::string& stage : session->completed) completed.emplace_back(stage);
    body["completed"] = std::move(completed);
  }
  return body;
}

}  // namespace myelin::services
