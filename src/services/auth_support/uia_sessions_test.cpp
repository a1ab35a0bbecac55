#include "services/auth_support/uia_sessions.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace myelin::services {
namespace {

namespace json = boost::json;

constexpr std::string_view kDeleteDevice = "DELETE /_matrix/client/v3/devices/ABCDEFGHIJ";
constexpr std::string_view kRegister = "POST /_matrix/client/v3/register";

json::object obj(std::string_view text) { return json::parse(text).as_object(); }

class UiaSessionsTest : public ::testing::Test {
 protected:
  std::int64_t now_ms_ = 1'700'000'000'000;
  UiaSessions sessions_{[this] { return now_ms_; }};
  int checks_ = 0;

  // m.login.password for @alice:example.org with the password "hunter2"; the proof is the user.
  UiaStageChecker password_checker() {
    return [this](std::string_view stage, const json::object& auth) -> UiaStageCheck {
      ++checks_;
      EXPECT_EQ(stage, "m.login.password");
      const auto* password = auth.if_contains("password");
      if (password == nullptr || !password->is_string() || password->get_string() != "hunter2")
        return Unexpected{UiaStageFailure{ErrCode::kForbidden, "Invalid password"}};
      return json::value("@alice:example.org");
    };
  }

  // Two stages: a registration token ("letmein") and, as the spec suggests to tell flows apart,
  // m.login.dummy; or a registration token then a password-free terms stage.
  UiaStageChecker token_checker() {
    return [this](std::string_view stage, const json::object& auth) -> UiaStageCheck {
      ++checks_;
      if (stage == "m.login.registration_token") {
        const auto* token = auth.if_contains("token");
        if (token != nullptr && token->is_string() && token->get_string() == "letmein")
          return json::value("letmein");
        return Unexpected{UiaStageFailure{ErrCode::kUnauthorized, "Invalid registration token"}};
      }
      if (stage == "m.login.terms") return json::value(true);
      return Unexpected{UiaStageFailure{ErrCode::kForbidden, "unexpected stage"}};
    };
  }

  // Runs a step and expects the 401 challenge.
  json::object challenge(const json::object* auth, const std::vector<UiaFlow>& flows,
                         std::string_view fingerprint, const UiaStageChecker& check) {
    auto result = sessions_.step(auth, flows, {}, fingerprint, check);
    EXPECT_FALSE(result.has_value());
    if (result.has_value()) return {};
    EXPECT_FALSE(result.error().error.has_value());
    return result.error().challenge;
  }

  // Runs a step and expects a plain error.
  MatrixError refusal(const json::object* auth, const std::vector<UiaFlow>& flows,
                      std::string_view fingerprint) {
    auto result = sessions_.step(auth, flows, {}, fingerprint, password_checker());
    EXPECT_FALSE(result.has_value());
    if (result.has_value() || !result.error().error) return MatrixError(ErrCode::kUnknown, "none");
    return *result.error().error;
  }
};

const std::vector<UiaFlow> kDummyOnly{{{"m.login.dummy"}}};
const std::vector<UiaFlow> kPasswordOnly{{{"m.login.password"}}};
const std::vector<UiaFlow> kTokenFlows{{{"m.login.registration_token", "m.login.dummy"}},
                                       {{"m.login.registration_token", "m.login.terms"}}};

TEST_F(UiaSessionsTest, FirstRequestWithoutAuthGetsTheChallenge) {
  const json::object params = obj(R"({"m.login.terms": {"policies": {}}})");
  auto result = sessions_.step(nullptr, kTokenFlows, params, kRegister, token_checker());
  ASSERT_FALSE(result.has_value());
  ASSERT_FALSE(result.error().error.has_value());
  const json::object& body = result.error().challenge;
  // The spec's shape: flows of {"stages": [...]}, params, session; no "completed" yet.
  EXPECT_EQ(json::serialize(body.at("flows")),
            R"([{"stages":["m.login.registration_token","m.login.dummy"]},)"
            R"({"stages":["m.login.registration_token","m.login.terms"]}])");
  EXPECT_EQ(body.at("params"), params);
  EXPECT_FALSE(body.contains("completed"));
  EXPECT_FALSE(body.contains("errcode"));
  const std::string session(body.at("session").as_string());
  EXPECT_EQ(session.size(), 32u);  // 24 random bytes, URL-safe base64: 192 bits
  EXPECT_EQ(
      session.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  EXPECT_EQ(checks_, 0);
  EXPECT_EQ(sessions_.size(), 1u);

  // An empty auth dict is no auth either: another fresh session.
  const json::object empty;
  const json::object again = challenge(&empty, kTokenFlows, kRegister, token_checker());
  EXPECT_NE(again.at("session"), body.at("session"));
}

TEST_F(UiaSessionsTest, BeginReturnsTheChallengeOfANewSession) {
  const json::object body = sessions_.begin(kPasswordOnly, {}, kDeleteDevice);
  EXPECT_EQ(json::serialize(body.at("flows")), R"([{"stages":["m.login.password"]}])");
  const json::object auth{
      {"type", "m.login.password"}, {"session", body.at("session")}, {"password", "hunter2"}};
  auto result = sessions_.step(&auth, kPasswordOnly, {}, kDeleteDevice, password_checker());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->session_id, body.at("session").as_string());
}

TEST_F(UiaSessionsTest, DummyOnlyRegistrationCompletesWithoutTheChecker) {
  const json::object first = challenge(nullptr, kDummyOnly, kRegister, token_checker());
  const json::object auth{{"type", "m.login.dummy"}, {"session", first.at("session")}};
  auto result = sessions_.step(&auth, kDummyOnly, {}, kRegister, token_checker());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->session_id, first.at("session").as_string());
  EXPECT_EQ(result->proofs.at("m.login.dummy"), json::value(true));
  EXPECT_EQ(checks_, 0);
}

TEST_F(UiaSessionsTest, AuthWithoutSessionStartsOneAndIsCheckedAtOnce) {
  // As Synapse: {"auth": {"type": "m.login.dummy"}} registers in a single request.
  const json::object auth{{"type", "m.login.dummy"}};
  auto result = sessions_.step(&auth, kDummyOnly, {}, kRegister, token_checker());
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->session_id.empty());
  EXPECT_EQ(sessions_.size(), 1u);
}

TEST_F(UiaSessionsTest, PasswordFlowForDeviceDeletion) {
  const json::object first = challenge(nullptr, kPasswordOnly, kDeleteDevice, password_checker());
  const json::value session = first.at("session");

  // A wrong password: 401 again, the spec's errcode/error added, nothing completed, the session
  // kept so the client can have another go.
  const json::object wrong{{"type", "m.login.password"},
                           {"identifier", obj(R"({"type": "m.id.user", "user": "alice"})")},
                           {"password", "hunter3"},
                           {"session", session}};
  const json::object failed = challenge(&wrong, kPasswordOnly, kDeleteDevice, password_checker());
  EXPECT_EQ(failed.at("errcode"), "M_FORBIDDEN");
  EXPECT_EQ(failed.at("error"), "Invalid password");
  EXPECT_EQ(failed.at("session"), session);
  EXPECT_EQ(failed.at("completed"), json::array());
  EXPECT_EQ(json::serialize(failed.at("flows")), R"([{"stages":["m.login.password"]}])");

  json::object right = wrong;
  right["password"] = "hunter2";
  auto result = sessions_.step(&right, kPasswordOnly, {}, kDeleteDevice, password_checker());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->session_id, session.as_string());
  EXPECT_EQ(result->proofs.at("m.login.password"), "@alice:example.org");
  EXPECT_EQ(checks_, 2);

  // "Completed stages cannot be retried": the retry is answered from the session, unchecked.
  auto retry = sessions_.step(&right, kPasswordOnly, {}, kDeleteDevice, password_checker());
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(checks_, 2);

  // Once the operation is done the caller may end the session; it is then unknown.
  sessions_.end(session.as_string());
  const MatrixError gone = refusal(&right, kPasswordOnly, kDeleteDevice);
  EXPECT_EQ(gone.code(), ErrCode::kInvalidParam);
  EXPECT_EQ(gone.status(), 400);
}

TEST_F(UiaSessionsTest, TwoStageFlowsReportCompletedStages) {
  const json::object first = challenge(nullptr, kTokenFlows, kRegister, token_checker());
  const json::value session = first.at("session");

  // Stage one done: 401 with "completed", no errcode.
  const json::object token{
      {"type", "m.login.registration_token"}, {"token", "letmein"}, {"session", session}};
  const json::object after_token = challenge(&token, kTokenFlows, kRegister, token_checker());
  EXPECT_EQ(json::serialize(after_token.at("completed")), R"(["m.login.registration_token"])");
  EXPECT_FALSE(after_token.contains("errcode"));

  // A session-only retry (as after an out-of-band stage) reports the same progress.
  const json::object only_session{{"session", session}};
  const json::object progress = challenge(&only_session, kTokenFlows, kRegister, token_checker());
  EXPECT_EQ(json::serialize(progress.at("completed")), R"(["m.login.registration_token"])");
  EXPECT_EQ(checks_, 1);

  // Stage two of the second flow completes it.
  const json::object terms{{"type", "m.login.terms"}, {"session", session}};
  auto result = sessions_.step(&terms, kTokenFlows, {}, kRegister, token_checker());
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->proofs.at("m.login.registration_token"), "letmein");
  EXPECT_EQ(result->proofs.at("m.login.terms"), json::value(true));
  EXPECT_EQ(result->proofs.size(), 2u);
}

TEST_F(UiaSessionsTest, NoStageCompletesAFlowAlone) {
  // The dummy stage is the second stage of a flow here, so it does not finish anything alone.
  const json::object first = challenge(nullptr, kTokenFlows, kRegister, token_checker());
  const json::object dummy{{"type", "m.login.dummy"}, {"session", first.at("session")}};
  const json::object body = challenge(&dummy, kTokenFlows, kRegister, token_checker());
  EXPECT_EQ(json::serialize(body.at("completed")), R"(["m.login.dummy"])");

  // A failed token keeps the dummy stage and reports the token's error.
  const json::object bad{
      {"type", "m.login.registration_token"}, {"token", "nope"}, {"session", first.at("session")}};
  const json::object failed = challenge(&bad, kTokenFlows, kRegister, token_checker());
  EXPECT_EQ(failed.at("errcode"), "M_UNAUTHORIZED");
  EXPECT_EQ(json::serialize(failed.at("completed")), R"(["m.login.dummy"])");

  // Then a good token: flows are complete whatever the order the stages came in (Synapse).
  json::object good = bad;
  good["token"] = "letmein";
  EXPECT_TRUE(sessions_.step(&good, kTokenFlows, {}, kRegister, token_checker()).has_value());
}

TEST_F(UiaSessionsTest, StagesNotOfferedAreNotChecked) {
  const json::object first = challenge(nullptr, kDummyOnly, kRegister, password_checker());
  const json::object password{
      {"type", "m.login.password"}, {"password", "hunter2"}, {"session", first.at("session")}};
  const json::object body = challenge(&password, kDummyOnly, kRegister, password_checker());
  EXPECT_EQ(body.at("errcode"), "M_UNRECOGNIZED");
  EXPECT_EQ(body.at("completed"), json::array());
  EXPECT_EQ(checks_, 0);
}

TEST_F(UiaSessionsTest, UnknownSessionIsRefused) {
  const json::object auth{{"type", "m.login.dummy"}, {"session", "no-such-session"}};
  const MatrixError error = refusal(&auth, kDummyOnly, kRegister);
  EXPECT_EQ(error.code(), ErrCode::kInvalidParam);
  EXPECT_EQ(std::string(error.what()), "Unknown session ID: no-such-session");
  EXPECT_EQ(sessions_.size(), 0u);  // and no session was made for it
}

TEST_F(UiaSessionsTest, SessionIsBoundToTheRequestThatStartedIt) {
  const json::object first = challenge(nullptr, kPasswordOnly, kDeleteDevice, password_checker());
  const json::object auth{
      {"type", "m.login.password"}, {"password", "hunter2"}, {"session", first.at("session")}};
  // Consent to delete one device must not delete another.
  const MatrixError error =
      refusal(&auth, kPasswordOnly, "DELETE /_matrix/client/v3/devices/OTHERDEVICE");
  EXPECT_EQ(error.code(), ErrCode::kForbidden);
  EXPECT_EQ(error.status(), 403);
  EXPECT_EQ(std::string(error.what()),
            "Requested operation has changed during the UI authentication session.");
  EXPECT_EQ(checks_, 0);
  // The session itself is intact for the request it belongs to.
  EXPECT_TRUE(
      sessions_.step(&auth, kPasswordOnly, {}, kDeleteDevice, password_checker()).has_value());
}

TEST_F(UiaSessionsTest, MalformedAuthDictIsABadRequest) {
  const json::object bad_type{{"type", 7}};
  EXPECT_EQ(refusal(&bad_type, kDummyOnly, kRegister).code(), ErrCode::kBadJson);
  const json::object bad_session{{"type", "m.login.dummy"}, {"session", json::array()}};
  EXPECT_EQ(refusal(&bad_session, kDummyOnly, kRegister).code(), ErrCode::kBadJson);
}

TEST_F(UiaSessionsTest, SessionsExpireAfterTenIdleMinutes) {
  const json::object first = challenge(nullptr, kTokenFlows, kRegister, token_checker());
  const json::value session = first.at("session");
  const json::object token{
      {"type", "m.login.registration_token"}, {"token", "letmein"}, {"session", session}};

  // Each use restarts the idle clock: 9 minutes, then 9 more, is still alive.
  now_ms_ += 9 * 60 * 1000;
  challenge(&token, kTokenFlows, kRegister, token_checker());
  now_ms_ += 9 * 60 * 1000;
  const json::object only_session{{"session", session}};
  challenge(&only_session, kTokenFlows, kRegister, token_checker());
  EXPECT_EQ(sessions_.size(), 1u);

  now_ms_ += UiaSessions::kIdleTimeoutMs;
  const json::object dummy{{"type", "m.login.dummy"}, {"session", session}};
  EXPECT_EQ(refusal(&dummy, kTokenFlows, kRegister).code(), ErrCode::kInvalidParam);
  EXPECT_EQ(sessions_.size(), 0u);
}

TEST_F(UiaSessionsTest, IdleLimitIsExactlyTenMinutes) {
  const json::object first = challenge(nullptr, kDummyOnly, kRegister, token_checker());
  const json::object only_session{{"session", first.at("session")}};
  now_ms_ += UiaSessions::kIdleTimeoutMs - 1;
  challenge(&only_session, kDummyOnly, kRegister, token_checker());  // alive: 1 ms to spare
  now_ms_ += UiaSessions::kIdleTimeoutMs;
  EXPECT_EQ(refusal(&only_session, kDummyOnly, kRegister).code(), ErrCode::kInvalidParam);
}

TEST_F(UiaSessionsTest, SessionThatExpiresDuringTheCheckIsUnknown) {
  const json::object first = challenge(nullptr, kPasswordOnly, kDeleteDevice, password_checker());
  const json::object auth{
      {"type", "m.login.password"}, {"password", "hunter2"}, {"session", first.at("session")}};
  auto attempt = sessions_.open_step(&auth, kPasswordOnly, {}, kDeleteDevice);
  ASSERT_TRUE(attempt.has_value());
  EXPECT_TRUE(attempt->needs_check);
  EXPECT_EQ(attempt->stage, "m.login.password");
  now_ms_ += UiaSessions::kIdleTimeoutMs;
  const UiaStageCheck verdict = json::value("@alice:example.org");
  auto result = sessions_.finish_step(*attempt, kPasswordOnly, {}, &verdict);
  ASSERT_FALSE(result.has_value());
  ASSERT_TRUE(result.error().error.has_value());
  EXPECT_EQ(result.error().error->code(), ErrCode::kInvalidParam);
}

TEST_F(UiaSessionsTest, CountIsBoundedLeastRecentlyUsedFirst) {
  UiaSessions small([this] { return now_ms_; }, 2);
  const std::string a(small.begin(kDummyOnly, {}, kRegister).at("session").as_string());
  ++now_ms_;
  const std::string b(small.begin(kDummyOnly, {}, kRegister).at("session").as_string());
  ++now_ms_;
  EXPECT_TRUE(small.set_value(a, "k", 1));  // a is now the most recently used
  ++now_ms_;
  const std::string c(small.begin(kDummyOnly, {}, kRegister).at("session").as_string());
  EXPECT_EQ(small.size(), 2u);
  EXPECT_TRUE(small.value(a, "k").has_value());
  EXPECT_FALSE(small.set_value(b, "k", 1));  // evicted
  EXPECT_TRUE(small.set_value(c, "k", 2));
}

TEST_F(UiaSessionsTest, SessionValuesStayWithTheSession) {
  const std::string session(sessions_.begin(kDummyOnly, {}, kRegister).at("session").as_string());
  EXPECT_FALSE(sessions_.value(session, "password_hash").has_value());
  EXPECT_TRUE(sessions_.set_value(session, "password_hash", "$argon2id$..."));
  EXPECT_EQ(sessions_.value(session, "password_hash"), json::value("$argon2id$..."));
  EXPECT_FALSE(sessions_.set_value("unknown", "password_hash", "x"));
  now_ms_ += UiaSessions::kIdleTimeoutMs;
  EXPECT_FALSE(sessions_.value(session, "password_hash").has_value());
}

TEST_F(UiaSessionsTest, SessionIdsDiffer) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i)
    ids.insert(std::string(sessions_.begin(kDummyOnly, {}, kRegister).at("session").as_string()));
  EXPECT_EQ(ids.size(), 100u);
}

// Many threads, one table: sessions begun, stepped, expired and evicted concurrently must each
// still complete exactly as alone (run under TSan/ASan in CI).
TEST(UiaSessionsThreads, ConcurrentSessionsStayIndependent) {
  std::atomic<std::int64_t> now_ms{0};
  UiaSessions sessions([&] { return now_ms.load(); }, 64);
  std::atomic<int> completed{0};
  std::atomic<int> evicted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string fingerprint = "DELETE /_matrix/client/v3/devices/D" + std::to_string(t);
      const auto check = [](std::string_view, const json::object& auth) -> UiaStageCheck {
        if (auth.at("password") == "hunter2") return json::value("@alice:example.org");
        return Unexpected{UiaStageFailure{ErrCode::kForbidden, "Invalid password"}};
      };
      for (int i = 0; i < 300; ++i) {
        now_ms += 1000;  // 300 s per thread in all: no session lives 10 minutes idle
        const json::object first = sessions.begin(kPasswordOnly, {}, fingerprint);
        json::object auth{
            {"type", "m.login.password"}, {"password", "wrong"}, {"session", first.at("session")}};
        auto failed = sessions.step(&auth, kPasswordOnly, {}, fingerprint, check);
        if (failed.has_value()) ADD_FAILURE() << "a wrong password completed";
        if (!failed.has_value() && failed.error().error) {  // evicted by other threads' sessions
          ++evicted;
          continue;
        }
        auth["password"] = "hunter2";
        auto result = sessions.step(&auth, kPasswordOnly, {}, fingerprint, check);
        if (result.has_value())
          ++completed;
        else if (result.error().error)
          ++evicted;
        else
          ADD_FAILURE() << "the right password did not complete";
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(completed + evicted, 1200);
  EXPECT_GT(completed, 0);
  EXPECT_LE(sessions.size(), 64u);
}

}  // namespace
}  // namespace myelin::services
