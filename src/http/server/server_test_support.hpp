#pragma once

// Shared by the HTTP server's tests (not part of the library: only *.cpp files are compiled in).
// A real server on 127.0.0.1 port 0 and a real Beast client, on one io_context.

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/server/http_server.hpp"

namespace myelin {

// What the test handlers reach through RequestContext::services.
struct Services {
  // /wait suspends on this until a test cancels it.
  std::unique_ptr<boost::asio::steady_timer> release;
  int waiting = 0;  // handlers currently suspended in /wait
};

}  // namespace myelin

namespace myelin::http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

inline asio::awaitable<Response> echo(RequestContext& context) {
  boost::json::object body;
  body["remote"] = context.request.remote_address;
  body["value"] = context.request.param("value");
  body["method"] = std::string(method_name(context.request.method));
  if (auto q = context.request.query.get("q")) body["q"] = *q;
  body["body_size"] = context.request.body.size();
  co_return Response::json(200, body);
}

inline asio::awaitable<Response> fail_matrix(RequestContext& context) {
  if (context.request.param("kind") == "forbidden") {
    throw MatrixError(ErrCode::kForbidden, "You may not", {{"detail", 7}});
  }
  throw MatrixError(ErrCode::kNotFound, "No such thing");
  co_return Response{};
}

inline asio::awaitable<Response> fail_exception(RequestContext&) {
  throw std::runtime_error("secret internal detail");
  co_return Response{};
}

inline asio::awaitable<Response> whoami(RequestContext& context) {
  co_return Response::json(
      200, {{"user_id", context.principal.user_id}, {"device_id", context.principal.device_id}});
}

inline asio::awaitable<Response> wait(RequestContext& context) {
  Services& services = *context.services;
  ++services.waiting;
  co_await services.release->async_wait(kTuple);  // cancelled by the test
  --services.waiting;
  co_return Response::json(200, {{"waited", true}});
}

inline asio::awaitable<Response> fast(RequestContext&) {
  co_return Response::json(200, {{"fast", true}});
}

inline std::vector<Route> test_routes() {
  return {
      {Method::kGet, "/_matrix/client/(r0|v3)/echo/{value}", AuthKind::kNone, RateLimitClass::kNone,
       echo},
      {Method::kPost, "/_matrix/client/(r0|v3)/echo/{value}", AuthKind::kNone,
       RateLimitClass::kNone, echo},
      {Method::kGet, "/_matrix/client/v3/fail/matrix/{kind}", AuthKind::kNone,
       RateLimitClass::kNone, fail_matrix},
      {Method::kGet, "/_matrix/client/v3/fail/exception", AuthKind::kNone, RateLimitClass::kNone,
       fail_exception},
      {Method::kGet, "/_matrix/client/(r0|v3)/account/whoami", AuthKind::kUser,
       RateLimitClass::kNone, whoami},
      {Method::kGet, "/_matrix/client/v3/wait", AuthKind::kNone, RateLimitClass::kNone, wait},
      {Method::kGet, "/_matrix/client/v3/fast", AuthKind::kNone, RateLimitClass::kNone, fast},
      {Method::kGet, "/health/{value}", AuthKind::kNone, RateLimitClass::kNone, echo},
  };
}

// Knows one token: "good-token" is @alice:test's device DEV.
inline Authenticator test_authenticator() {
  return [](AuthKind, std::string credential,
            const Request&) -> asio::awaitable<std::optional<Principal>> {
    if (credential != "good-token") co_return std::nullopt;
    Principal principal;
    principal.user_id = "@alice:test";
    principal.device_id = "DEV";
    co_return principal;
  };
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// Header fields for a request. (A braced list inside a co_await expression trips a g++ 12
// coroutine bug, "array used as initializer", so tests build them with this.)
inline Fields fields(std::string name, std::string value) {
  Fields out;
  out.emplace_back(std::move(name), std::move(value));
  return out;
}
inline Fields fields(std::string name1, std::string value1, std::string name2, std::string value2) {
  Fields out = fields(std::move(name1), std::move(value1));
  out.emplace_back(std::move(name2), std::move(value2));
  return out;
}

struct Reply {
  int status = 0;
  bhttp::response<bhttp::string_body> message;
  boost::json::value json;  // null unless the body is JSON

  std::string errcode() const {
    const auto* object = json.if_object();
    if (!object || !object->contains("errcode")) return "";
    return std::string(object->at("errcode").as_string());
  }
  std::string header(std::string_view name) const {
    auto it = message.find(name);
    return it == message.end() ? "" : std::string(it->value());
  }
};

// One client connection, kept alive across requests.
class Client {
 public:
  explicit Client(asio::any_io_executor executor) : stream_(executor) {}

  asio::awaitable<beast::error_code> connect(std::uint16_t port) {
    auto [ec] = co_await stream_.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
    co_return ec;
  }

  asio::awaitable<Reply> request(bhttp::verb verb, std::string target, std::string body = {},
                                 Fields headers = {}) {
    bhttp::request<bhttp::string_body> message{verb, target, 11};
    message.set(bhttp::field::host, "127.0.0.1");
    for (auto& [name, value] : headers) message.set(name, value);
    if (!body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put) {
      message.body() = std::move(body);
      message.prepare_payload();
    }
    auto [wec, written] = co_await bhttp::async_write(stream_, message, kTuple);
    EXPECT_FALSE(wec) << wec.message();
    co_return co_await read_reply();
  }

  // Sends bytes as they are, for requests a well-behaved client would not write.
  asio::awaitable<beast::error_code> send_raw(std::string bytes) {
    auto [ec, written] = co_await asio::async_write(stream_, asio::buffer(bytes), kTuple);
    co_return ec;
  }

  asio::awaitable<Reply> read_reply() {
    Reply reply;
    auto [ec, read] = co_await bhttp::async_read(stream_, buffer_, reply.message, kTuple);
    if (ec) {
      reply.status = -1;  // no response: the server closed or reset the connection
      co_return reply;
    }
    reply.status = static_cast<int>(reply.message.result_int());
    boost::system::error_code json_ec;
    reply.json = boost::json::parse(reply.message.body(), json_ec);
    co_return reply;
  }

  // True when the server has closed the connection (a read ends without data).
  asio::awaitable<bool> closed_by_server() {
    char byte;
    auto [ec, n] = co_await stream_.async_read_some(asio::buffer(&byte, 1), kTuple);
    co_return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  beast::tcp_stream& stream() { return stream_; }

 private:
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// A server on 127.0.0.1:0 and an io_context run by the test's one thread.
class ServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    if (options.listeners.empty()) {
      ListenerOptions listener;
      listener.port = 0;
      options.listeners.push_back(listener);
    }
    services_.release = std::make_unique<asio::steady_timer>(io_, std::chrono::hours(1));
    server_ = std::make_unique<HttpServer>(io_, std::move(options), Router(test_routes()),
                                           test_authenticator(), &services_);
    server_->start();
  }

  std::uint16_t port() const { return server_->port(); }

  // Runs `test` to completion, then stops the server; returns when nothing is left to run.
  template <typename F>
  void run(F test) {
    bool finished = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          co_await test();
          finished = true;
          services_.release->cancel();
          server_->stop(std::chrono::seconds(5));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.run();
    EXPECT_TRUE(finished);
  }

  asio::awaitable<Reply> get(std::string target, Fields headers = {}) {
    Client client(io_.get_executor());
    EXPECT_FALSE(co_await client.connect(port()));
    co_return co_await client.request(bhttp::verb::get, std::move(target), {}, std::move(headers));
  }

  asio::io_context io_;
  Services services_;
  std::unique_ptr<HttpServer> server_;
};

}  // namespace myelin::http::testing
