// The dispatcher's rate-limit hook: who it is shown, when it runs, and the 429 it renders.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>

#include "http/server/dispatcher.hpp"

namespace myelin::http {
namespace {

namespace asio = boost::asio;

int handled = 0;

asio::awaitable<Response> counting_handler(RequestContext&) {
  ++handled;
  co_return Response::json(200, boost::json::object{});
}

asio::awaitable<Response> failing_handler(RequestContext&) {
  ++handled;
  throw MatrixError(ErrCode::kForbidden, "no");
  co_return Response{};
}

struct Seen {
  RateLimitClass limit;
  std::string client_address;
  int status = 0;
};

class RateLimitHookTest : public ::testing::Test {
 protected:
  RateLimitHookTest() { handled = 0; }

  Dispatcher dispatcher(bool refuse) {
    RateLimitHook hook;
    hook.before = [this, refuse](RateLimitClass limit,
                                 const RequestContext& ctx) -> asio::awaitable<void> {
      before_.push_back({limit, ctx.request.client_address});
      if (refuse) {
        throw MatrixError(ErrCode::kLimitExceeded, "Too Many Requests", {{"retry_after_ms", 2500}});
      }
      co_return;
    };
    hook.after = [this](RateLimitClass limit, const RequestContext& ctx, const Response& response) {
      after_.push_back({limit, ctx.request.client_address, response.status});
    };
    std::vector<Route> routes = {
        {Method::kGet, "/free", AuthKind::kNone, RateLimitClass::kNone, counting_handler},
        {Method::kPost, "/login", AuthKind::kNone, RateLimitClass::kLogin, counting_handler},
        {Method::kPost, "/fail", AuthKind::kNone, RateLimitClass::kRegistration, failing_handler},
    };
    return Dispatcher(Router(std::move(routes)), Authenticator{}, nullptr, std::move(hook));
  }

  Response send(const Dispatcher& d, Method method, std::string target) {
    Request request;
    request.method = method;
    request.target = std::move(target);
    request.client_address = "192.0.2.1";
    request.request_id = "T-1";
    asio::io_context io;
    auto future = asio::co_spawn(io, d.dispatch(std::move(request)), asio::use_future);
    io.run();
    return future.get();
  }

  std::vector<Seen> before_;
  std::vector<Seen> after_;
};

TEST_F(RateLimitHookTest, RunsAroundTheHandlerOfLimitedRoutesOnly) {
  Dispatcher d = dispatcher(false);
  EXPECT_EQ(send(d, Method::kGet, "/free").status, 200);
  EXPECT_TRUE(before_.empty());
  EXPECT_EQ(send(d, Method::kPost, "/login").status, 200);
  ASSERT_EQ(before_.size(), 1u);
  EXPECT_EQ(before_[0].limit, RateLimitClass::kLogin);
  EXPECT_EQ(before_[0].client_address, "192.0.2.1");
  ASSERT_EQ(after_.size(), 1u);
  EXPECT_EQ(after_[0].status, 200);
  EXPECT_EQ(handled, 2);
}

TEST_F(RateLimitHookTest, AfterDoesNotRunWhenTheHandlerThrew) {
  Dispatcher d = dispatcher(false);
  EXPECT_EQ(send(d, Method::kPost, "/fail").status, 403);
  EXPECT_EQ(before_.size(), 1u);
  EXPECT_TRUE(after_.empty());
}

TEST_F(RateLimitHookTest, ARefusalIs429WithRetryAfterAndTheHandlerNeverRuns) {
  Dispatcher d = dispatcher(true);
  Response response = send(d, Method::kPost, "/login");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(handled, 0);
  EXPECT_TRUE(after_.empty());
  boost::json::value body = boost::json::parse(response.body);
  EXPECT_EQ(body.at("errcode"), "M_LIMIT_EXCEEDED");
  EXPECT_EQ(body.at("retry_after_ms"), 2500);
  EXPECT_EQ(response.headers.get("Retry-After"), "3");  // seconds, rounded up
}

}  // namespace
}  // namespace myelin::http
