#include "services/e2ee/server_fan_out.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "base/log.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;
using namespace asio::experimental::awaitable_operators;

namespace {

struct Delivered {
  std::string server;
  ServerAnswer answer;
};
using AnswerChannel = asio::experimental::concurrent_channel<void(boost::system::error_code,
                                                                  std::shared_ptr<Delivered>)>;

bj::object failure(int status, std::string message) {
  return bj::object{{"status", status}, {"message", std::move(message)}};
}

// Runs detached: when the waiter gave up, the answer lands in the channel's buffer unread.
asio::awaitable<void> post_into(FederationTransport* transport, std::string server,
                                std::string path, bj::object body,
                                std::shared_ptr<AnswerChannel> channel) {
  auto delivered = std::make_shared<Delivered>();
  delivered->server = server;
  std::string method = "POST";
  std::optional<bj::value> request_body(std::move(body));
  try {
    bj::value answer = co_await transport->request(server, method, path, request_body);
    if (answer.is_object()) {
      delivered->answer.body = std::move(answer.as_object());
    } else {
      delivered->answer.failure = failure(502, "The server's answer is not a JSON object");
    }
  } catch (const FederationRequestError& e) {
    log::info("e2ee", "{} refused {}: {} {}", server, path, e.status(), e.what());
    delivered->answer.failure = failure(e.status(), "The server refused the request");
  } catch (const std::exception& e) {
    log::info("e2ee", "{} for {}: {}", server, path, e.what());
    delivered->answer.failure = failure(503, "The server could not be reached");
  }
  channel->try_send(boost::system::error_code(), delivered);
}

}  // namespace

asio::awaitable<std::map<std::string, ServerAnswer>> post_to_servers(
    FederationTransport* transport, std::string path, std::map<std::string, bj::object> bodies,
    std::chrono::milliseconds timeout) {
  std::map<std::string, ServerAnswer> answers;
  if (bodies.empty()) co_return answers;
  if (!transport) {
    for (const auto& [server, body] : bodies) {
      answers[server].failure = failure(503, "Federation is not available");
    }
    co_return answers;
  }
  auto executor = co_await asio::this_coro::executor;
  auto channel = std::make_shared<AnswerChannel>(executor, bodies.size());
  for (auto& [server, body] : bodies) {
    asio::co_spawn(executor, post_into(transport, server, path, std::move(body), channel),
                   asio::detached);
  }
  asio::steady_timer deadline(executor, timeout);
  std::size_t pending = bodies.size();
  while (pending > 0) {
    auto first = co_await (channel->async_receive(asio::as_tuple(asio::use_awaitable)) ||
                           deadline.async_wait(asio::as_tuple(asio::use_awaitable)));
    if (first.index() == 1) break;
    std::shared_ptr<Delivered> delivered = std::get<1>(std::get<0>(first));
    if (!delivered) continue;
    answers[delivered->server] = std::move(delivered->answer);
    --pending;
  }
  for (const auto& [server, body] : bodies) {
    if (!answers.count(server)) {
      log::info("e2ee", "{} did not answer {} in time", server, path);
      answers[server].failure = failure(504, "The server did not answer in time");
    }
  }
  co_return answers;
}

}  // namespace myelin::services
