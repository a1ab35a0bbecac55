#include "http/server/http_server.hpp"

#include "base/log.hpp"
#include "http/server/access_log.hpp"
#include "http/server/server_test_support.hpp"

namespace myelin::http::testing {
namespace {

using HttpServerTest = ServerTest;

TEST_F(HttpServerTest, RoutesTemplatesWithDecodedParamsUnderBothPrefixes) {
  start();
  run([&]() -> asio::awaitable<void> {
    for (std::string prefix :
         std::vector<std::string>{"/_matrix/client/r0", "/_matrix/client/v3"}) {
      Reply reply = co_await get(prefix + "/echo/%21room%3Aexample.org?q=a+b%26c");
      EXPECT_EQ(reply.status, 200) << prefix;
      EXPECT_EQ(reply.header("Content-Type"), "application/json");
      EXPECT_EQ(reply.json.at("value"), "!room:example.org");
      EXPECT_EQ(reply.json.at("q"), "a b&c");
    }
  });
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405BothUnrecognized) {
  start();
  run([&]() -> asio::awaitable<void> {
    Reply missing = co_await get("/_matrix/client/v3/no/such/endpoint");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.errcode(), "M_UNRECOGNIZED");

    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    Reply wrong = co_await client.request(bhttp::verb::delete_, "/_matrix/client/v3/fast");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.errcode(), "M_UNRECOGNIZED");

    Reply bad_param = co_await get("/_matrix/client/v3/echo/%zz");
    EXPECT_EQ(bad_param.status, 400);
    EXPECT_EQ(bad_param.errcode(), "M_UNRECOGNIZED");
    Reply bad_query = co_await get("/_matrix/client/v3/echo/x?q=%C3");
    EXPECT_EQ(bad_query.status, 400);
    EXPECT_EQ(bad_query.errcode(), "M_UNRECOGNIZED");
  });
}

TEST_F(HttpServerTest, KeepsConnectionsAlive) {
  start();
  run([&]() -> asio::awaitable<void> {
    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    std::string first_remote;
    for (int i = 0; i < 5; ++i) {
      Reply reply =
          co_await client.request(bhttp::verb::post, "/_matrix/client/v3/echo/" + std::to_string(i),
                                  std::string(i * 10, 'x'));
      EXPECT_EQ(reply.status, 200);
      EXPECT_EQ(reply.json.at("value"), boost::json::value(std::to_string(i)));
      EXPECT_EQ(reply.json.at("body_size"), i * 10);
      EXPECT_TRUE(reply.message.keep_alive());
      std::string remote(reply.json.at("remote").as_string());
      if (i == 0) first_remote = remote;
      EXPECT_EQ(remote, first_remote);  // the same client port: one connection
    }
    // Connection: close is honoured.
    Reply last = co_await client.request(bhttp::verb::get, "/_matrix/client/v3/fast", {},
                                         fields("Connection", "close"));
    EXPECT_EQ(last.status, 200);
    EXPECT_FALSE(last.message.keep_alive());
    EXPECT_TRUE(co_await client.closed_by_server());
  });
}

TEST_F(HttpServerTest, DeclaredOversizedBodyIs413WithoutReadingIt) {
  ServerOptions options;
  options.body_limit = 1024;
  start(options);
  run([&]() -> asio::awaitable<void> {
    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    // Only the head: the server must answer without waiting for the 10 MB it announces.
    EXPECT_FALSE(co_await client.send_raw(
        "POST /_matrix/client/v3/echo/x HTTP/1.1\r\nHost: a\r\nContent-Length: 10000000\r\n"
        "Content-Type: application/json\r\n\r\n"));
    Reply reply = co_await client.read_reply();
    EXPECT_EQ(reply.status, 413);
    EXPECT_EQ(reply.errcode(), "M_TOO_LARGE");
    EXPECT_EQ(reply.header("Access-Control-Allow-Origin"), "*");
    EXPECT_FALSE(reply.message.keep_alive());

    // A body at the limit is fine.
    Client ok(io_.get_executor());
    EXPECT_FALSE(co_await ok.connect(port()));
    Reply fits =
        co_await ok.request(bhttp::verb::post, "/_matrix/client/v3/echo/x", std::string(1024, 'a'));
    EXPECT_EQ(fits.status, 200);
    EXPECT_EQ(fits.json.at("body_size"), 1024);
  });
}

std::string chunked_request(std::size_t chunks, std::size_t chunk_size) {
  std::string out =
      "POST /_matrix/client/v3/echo/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk_size);
  for (std::size_t i = 0; i < chunks; ++i) {
    out += size_line;
    out += std::string(chunk_size, 'c');
    out += "\r\n";
  }
  out += "0\r\n\r\n";
  return out;
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions options;
  options.body_limit = 64 * 1024;
  start(options);
  run([&]() -> asio::awaitable<void> {
    Client small(io_.get_executor());
    EXPECT_FALSE(co_await small.connect(port()));
    EXPECT_FALSE(co_await small.send_raw(chunked_request(4, 1000)));
    Reply fits = co_await small.read_reply();
    EXPECT_EQ(fits.status, 200);
    EXPECT_EQ(fits.json.at("body_size"), 4000);

    Client big(io_.get_executor());
    EXPECT_FALSE(co_await big.connect(port()));
    EXPECT_FALSE(co_await big.send_raw(chunked_request(32, 4096)));  // 128 KiB
    Reply refused = co_await big.read_reply();
    EXPECT_EQ(refused.status, 413);
    EXPECT_EQ(refused.errcode(), "M_TOO_LARGE");
  });
}

TEST_F(HttpServerTest, MalformedHttpGets400AndTheServerCarriesOn) {
  start();
  run([&]() -> asio::awaitable<void> {
    for (std::string garbage : std::vector<std::string>{
             std::string("GARBAGE\r\n\r\n"),
             std::string("GET /_matrix/client/v3/fast HTTP/1.1\r\nHost: a\r\n"
                         "Content-Length: nope\r\n\r\n"),
             std::string("GET /_matrix/client/v3/fast HTTP/9.9\r\n\r\n"),
             std::string("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
             std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // TLS to plain
         }) {
      Client client(io_.get_executor());
      EXPECT_FALSE(co_await client.connect(port()));
      EXPECT_FALSE(co_await client.send_raw(garbage));
      Reply reply = co_await client.read_reply();
      EXPECT_TRUE(reply.status == 400 || reply.status == -1) << reply.status;
      if (reply.status == 400) {
        EXPECT_EQ(reply.errcode(), "M_UNRECOGNIZED");
      }
    }
    // A client that disconnects halfway through a head.
    {
      Client client(io_.get_executor());
      EXPECT_FALSE(co_await client.connect(port()));
      EXPECT_FALSE(co_await client.send_raw("GET /_matrix/client/v3/fa"));
    }
    Reply after = co_await get("/_matrix/client/v3/fast");
    EXPECT_EQ(after.status, 200);
  });
}

TEST_F(HttpServerTest, SlowHeadersAreCutOff) {
  ServerOptions options;
  options.header_timeout = std::chrono::milliseconds(200);
  start(options);
  run([&]() -> asio::awaitable<void> {
    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    EXPECT_FALSE(co_await client.send_raw("GET /_matrix/client/v3/fast HTTP/1.1\r\nHost: a\r\n"));
    auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(co_await client.closed_by_server());  // the head never completes
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(100));
  });
}

TEST_F(HttpServerTest, AnswersCorsPreflightsAndAddsCorsHeaders) {
  start();
  run([&]() -> asio::awaitable<void> {
    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    Reply preflight = co_await client.request(
        bhttp::verb::options, "/_matrix/client/v3/rooms/!a:b/send/m.room.message/1", {},
        fields("Origin", "https://app.example", "Access-Control-Request-Method", "PUT"));
    EXPECT_EQ(preflight.status, 200);
    EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(preflight.header("Access-Control-Allow-Methods"), "GET, POST, PUT, DELETE, OPTIONS");
    EXPECT_EQ(preflight.header("Access-Control-Allow-Headers"),
              "X-Requested-With, Content-Type, Authorization");
    EXPECT_TRUE(preflight.json.is_object());

    Reply synapse = co_await client.request(bhttp::verb::options, "/_synapse/admin/v1/x");
    EXPECT_EQ(synapse.status, 200);
    EXPECT_EQ(synapse.header("Access-Control-Allow-Origin"), "*");

    Reply normal = co_await client.request(bhttp::verb::get, "/_matrix/client/v3/fast");
    EXPECT_EQ(normal.header("Access-Control-Allow-Origin"), "*");
    Reply error = co_await client.request(bhttp::verb::get, "/_matrix/client/v3/nothing");
    EXPECT_EQ(error.status, 404);
    EXPECT_EQ(error.header("Access-Control-Allow-Headers"),
              "X-Requested-With, Content-Type, Authorization");

    Reply elsewhere = co_await client.request(bhttp::verb::get, "/health/x");
    EXPECT_EQ(elsewhere.status, 200);
    EXPECT_EQ(elsewhere.header("Access-Control-Allow-Origin"), "");
    Reply matrixish = co_await client.request(bhttp::verb::get, "/_matrixfoo");
    EXPECT_EQ(matrixish.header("Access-Control-Allow-Origin"), "");
  });
}

TEST_F(HttpServerTest, RendersMatrixErrorsWithTheDerivedStatus) {
  start();
  run([&]() -> asio::awaitable<void> {
    Reply not_found = co_await get("/_matrix/client/v3/fail/matrix/missing");
    EXPECT_EQ(not_found.status, 404);
    EXPECT_EQ(not_found.json, boost::json::parse(R"({"errcode":"M_NOT_FOUND",
                                                     "error":"No such thing"})"));
    Reply forbidden = co_await get("/_matrix/client/v3/fail/matrix/forbidden");
    EXPECT_EQ(forbidden.status, 403);
    EXPECT_EQ(forbidden.json, boost::json::parse(R"({"errcode":"M_FORBIDDEN",
                                                     "error":"You may not","detail":7})"));
  });
}

TEST_F(HttpServerTest, OtherExceptionsAre500UnknownAndLoggedWithTheRequestId) {
  std::vector<std::string> errors;
  log::set_sink([&](log::Level level, std::string_view component, std::string_view message) {
    if (level == log::Level::kError) errors.emplace_back(message);
  });
  start();
  run([&]() -> asio::awaitable<void> {
    Reply reply = co_await get("/_matrix/client/v3/fail/exception");
    EXPECT_EQ(reply.status, 500);
    EXPECT_EQ(reply.errcode(), "M_UNKNOWN");
    EXPECT_EQ(reply.message.body().find("secret"), std::string::npos);  // no internals leak
  });
  log::set_sink(nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("GET-"), std::string::npos);
  EXPECT_NE(errors[0].find("secret internal detail"), std::string::npos);
}

TEST_F(HttpServerTest, AuthenticatesByHeaderOrQueryParameter) {
  start();
  run([&]() -> asio::awaitable<void> {
    const std::string whoami = "/_matrix/client/v3/account/whoami";
    Reply missing = co_await get(whoami);
    EXPECT_EQ(missing.status, 401);
    EXPECT_EQ(missing.errcode(), "M_MISSING_TOKEN");

    Reply other_scheme = co_await get(whoami, fields("Authorization", "Basic Zm9vOmJhcg=="));
    EXPECT_EQ(other_scheme.status, 401);
    EXPECT_EQ(other_scheme.errcode(), "M_MISSING_TOKEN");

    Reply unknown = co_await get(whoami, fields("Authorization", "Bearer bad-token"));
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(unknown.errcode(), "M_UNKNOWN_TOKEN");

    Reply unknown_query = co_await get(whoami + "?access_token=bad-token");
    EXPECT_EQ(unknown_query.status, 401);
    EXPECT_EQ(unknown_query.errcode(), "M_UNKNOWN_TOKEN");

    Reply by_header = co_await get(whoami, fields("Authorization", "bearer good-token"));
    EXPECT_EQ(by_header.status, 200);
    EXPECT_EQ(by_header.json.at("user_id"), "@alice:test");
    EXPECT_EQ(by_header.json.at("device_id"), "DEV");

    Reply by_query = co_await get("/_matrix/client/r0/account/whoami?access_token=good-token");
    EXPECT_EQ(by_query.status, 200);
    EXPECT_EQ(by_query.json.at("user_id"), "@alice:test");

    // Routes without auth never consult the token.
    Reply open = co_await get("/_matrix/client/v3/fast?access_token=bad-token");
    EXPECT_EQ(open.status, 200);
  });
}

TEST_F(HttpServerTest, WritesOneAccessLogLinePerRequestWithoutTokens) {
  std::vector<std::string> lines;
  log::set_sink([&](log::Level, std::string_view component, std::string_view message) {
    if (component == "access") lines.emplace_back(message);
  });
  start();
  run([&]() -> asio::awaitable<void> {
    co_await get("/_matrix/client/v3/account/whoami?access_token=good-token&x=1");
    co_await get("/_matrix/client/v3/nothing");
  });
  log::set_sink(nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].find("good-token"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"GET /_matrix/client/v3/account/whoami?access_token=<redacted>&x=1\" "
                          "200 "),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(lines[0].rfind("127.0.0.1:", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find(" GET-"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("ms"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\" 404 "), std::string::npos) << lines[1];
}

TEST(AccessLog, RedactsEveryAccessTokenValue) {
  EXPECT_EQ(redact_access_token("/a?access_token=s3cret"), "/a?access_token=<redacted>");
  EXPECT_EQ(redact_access_token("/a?x=1&access_token=s3cret&access_token=t&y=2"),
            "/a?x=1&access_token=<redacted>&access_token=<redacted>&y=2");
  EXPECT_EQ(redact_access_token("/a?my_access_token=v"), "/a?my_access_token=v");
  EXPECT_EQ(redact_access_token("/a"), "/a");
}

}  // namespace
}  // namespace myelin::http::testing
