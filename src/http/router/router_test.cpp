#include "http/router/router.hpp"

#include <gtest/gtest.h>

namespace myelin::http {
namespace {

boost::asio::awaitable<Response> sync_handler(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> get_state(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> get_state_all(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> put_state(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> send_event(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> get_global_rules(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> get_rule(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> get_scope_rules(RequestContext&) { co_return Response{}; }
boost::asio::awaitable<Response> versions(RequestContext&) { co_return Response{}; }

Router make_router() {
  return Router({
      {Method::kGet, "/_matrix/client/versions", AuthKind::kNone, RateLimitClass::kNone, versions},
      {Method::kGet, "/_matrix/client/(r0|v3)/sync", AuthKind::kUser, RateLimitClass::kNone,
       sync_handler},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state", AuthKind::kUser,
       RateLimitClass::kNone, get_state_all},
      {Method::kGet, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}/{stateKey}",
       AuthKind::kUser, RateLimitClass::kNone, get_state},
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/state/{eventType}/{stateKey}",
       AuthKind::kUser, RateLimitClass::kMessage, put_state},
      {Method::kPut, "/_matrix/client/(r0|v3)/rooms/{roomId}/send/{eventType}/{txnId}",
       AuthKind::kUser, RateLimitClass::kMessage, send_event},
      // A literal and a parameter at the same depth: /pushrules/global/ vs /pushrules/{scope}/x
      {Method::kGet, "/_matrix/client/v3/pushrules/global/", AuthKind::kUser, RateLimitClass::kNone,
       get_global_rules},
      {Method::kGet, "/_matrix/client/v3/pushrules/{scope}/{kind}/{ruleId}", AuthKind::kUser,
       RateLimitClass::kNone, get_rule},
      {Method::kGet, "/_matrix/client/v3/pushrules/{scope}/", AuthKind::kUser,
       RateLimitClass::kNone, get_scope_rules},
  });
}

std::string param(const Router::Match& match, std::string_view name) {
  for (const auto& [n, v] : match.params) {
    if (n == name) return v;
  }
  return "<missing>";
}

int status_of(const Router& router, Method method, std::string_view path) {
  try {
    router.match(method, path);
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.code(), ErrCode::kUnrecognized);
    EXPECT_EQ(e.to_json().at("errcode"), "M_UNRECOGNIZED");
    return e.status();
  }
  return 200;
}

TEST(Router, MatchesLegacyAndCurrentPrefixesFromOneRow) {
  Router router = make_router();
  EXPECT_EQ(router.match(Method::kGet, "/_matrix/client/v3/sync").route->handler, &sync_handler);
  EXPECT_EQ(router.match(Method::kGet, "/_matrix/client/r0/sync").route->handler, &sync_handler);
  EXPECT_EQ(status_of(router, Method::kGet, "/_matrix/client/v1/sync"), 404);
  EXPECT_EQ(router.routes().size(), 9u);
}

TEST(Router, DecodesPathParameters) {
  Router router = make_router();
  auto match = router.match(
      Method::kPut, "/_matrix/client/v3/rooms/%21room%3Aexample.org/send/m.room.message/txn%2F1");
  EXPECT_EQ(match.route->handler, &send_event);
  EXPECT_EQ(match.route->rate_limit, RateLimitClass::kMessage);
  EXPECT_EQ(param(match, "roomId"), "!room:example.org");
  EXPECT_EQ(param(match, "eventType"), "m.room.message");
  EXPECT_EQ(param(match, "txnId"), "txn/1");  // %2F stays inside its segment
  ASSERT_EQ(match.params.size(), 3u);
  EXPECT_EQ(match.params[0].first, "roomId");
}

TEST(Router, EmptyStateKeyIsAParameterValue) {
  Router router = make_router();
  auto match = router.match(Method::kGet, "/_matrix/client/r0/rooms/!r:x/state/m.room.name/");
  EXPECT_EQ(match.route->handler, &get_state);
  EXPECT_EQ(param(match, "stateKey"), "");
  EXPECT_EQ(router.match(Method::kGet, "/_matrix/client/r0/rooms/!r:x/state").route->handler,
            &get_state_all);
}

TEST(Router, PrefersLiteralsAndBacksUpToParameters) {
  Router router = make_router();
  EXPECT_EQ(router.match(Method::kGet, "/_matrix/client/v3/pushrules/global/").route->handler,
            &get_global_rules);
  // "global" is also a valid {scope}: the literal branch has no route for this path.
  auto match = router.match(Method::kGet, "/_matrix/client/v3/pushrules/global/override/.m.x");
  EXPECT_EQ(match.route->handler, &get_rule);
  EXPECT_EQ(param(match, "scope"), "global");
  EXPECT_EQ(param(match, "ruleId"), ".m.x");
  EXPECT_EQ(router.match(Method::kGet, "/_matrix/client/v3/pushrules/device/").route->handler,
            &get_scope_rules);
}

TEST(Router, DistinguishesUnknownPathFromWrongMethod) {
  Router router = make_router();
  EXPECT_EQ(status_of(router, Method::kGet, "/_matrix/client/v3/nothing"), 404);
  EXPECT_EQ(status_of(router, Method::kGet, "/_matrix/client/v3/sync/"), 404);  // strict
  EXPECT_EQ(status_of(router, Method::kGet, ""), 404);
  EXPECT_EQ(status_of(router, Method::kPost, "/_matrix/client/v3/sync"), 405);
  EXPECT_EQ(status_of(router, Method::kDelete, "/_matrix/client/r0/rooms/!r:x/state/a/b"), 405);
  EXPECT_EQ(status_of(router, Method::kOther, "/_matrix/client/versions"), 405);
}

TEST(Router, InvalidParameterEncodingIs400) {
  Router router = make_router();
  EXPECT_EQ(status_of(router, Method::kGet, "/_matrix/client/v3/rooms/%zz/state"), 400);
  EXPECT_EQ(status_of(router, Method::kGet, "/_matrix/client/v3/rooms/%FF/state"), 400);
}

TEST(Router, RejectsBrokenTablesAtConstruction) {
  EXPECT_THROW(Router({{Method::kGet, "/a/{x}", AuthKind::kNone, RateLimitClass::kNone, versions},
                       {Method::kGet, "/a/{y}", AuthKind::kNone, RateLimitClass::kNone, versions}}),
               std::invalid_argument);
  EXPECT_THROW(
      Router({{Method::kGet, "/(r0|r0)", AuthKind::kNone, RateLimitClass::kNone, versions}}),
      std::invalid_argument);
  EXPECT_THROW(Router({{Method::kGet, "a", AuthKind::kNone, RateLimitClass::kNone, versions}}),
               std::invalid_argument);
  EXPECT_NO_THROW(
      Router({{Method::kGet, "/a/{x}", AuthKind::kNone, RateLimitClass::kNone, versions},
              {Method::kPut, "/a/{y}", AuthKind::kNone, RateLimitClass::kNone, versions}}));
}

}  // namespace
}  // namespace myelin::http
