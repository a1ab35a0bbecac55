#include "http/server/session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <type_traits>

#include "base/log.hpp"
#include "http/server/access_log.hpp"
#include "http/server/client_address.hpp"
#include "http/server/cors.hpp"

namespace myelin::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// After refusing a request whose body is still arriving, read and discard this much of it (or
// for this long) before closing, so the client is not reset before it reads the refusal.
constexpr std::size_t kLingerBytes = 1024 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(2);

template <typename Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& remote,
                   bool trust_forwarded, std::string request_id) {
  Request request;
  request.method = parse_method(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  request.client_address = client_address(remote, request.headers, trust_forwarded);
  request.request_id = std::move(request_id);
  return request;
}

bhttp::response<bhttp::string_body> to_beast(Response&& response, unsigned version,
                                             bool keep_alive) {
  bhttp::response<bhttp::string_body> message;
  message.version(version);
  message.result(static_cast<unsigned>(response.status));
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  message.body() = std::move(response.body);
  message.keep_alive(keep_alive);
  message.prepare_payload();
  return message;
}

Response error_response(const MatrixError& error, std::string_view target) {
  Response response = Response::error(error);
  if (is_cors_path(target.substr(0, target.find('?')))) add_cors_headers(response.headers);
  return response;
}

// Errors that mean the peer went away or was too slow: nothing to answer. Only HTTP parse
// errors (malformed or too large) get a response.
bool is_disconnect(beast::error_code ec) {
  static const auto& http_category = bhttp::make_error_code(bhttp::error::end_of_stream).category();
  return ec.category() != http_category || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message;
}

template <typename Stream>
class Session {
 public:
  Session(Stream& stream, std::string remote, bool trust_forwarded, ListenerResources resources,
          ServerState& state, SessionEntry& entry)
      : stream_(stream),
        remote_(std::move(remote)),
        trust_forwarded_(trust_forwarded),
        resources_(resources),
        state_(state),
        entry_(entry) {}

  asio::awaitable<void> run() {
    if constexpr (kIsTls<Stream>) {
      tcp().expires_after(options().write_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kTuple);
      if (ec) co_return;
    }
    bool open = true;
    while (open && !state_.stopping()) open = co_await serve_one();
    co_await shut_down();
  }

 private:
  const ServerOptions& options() const { return state_.options(); }
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  // Serves one request; false when the connection is to be closed.
  asio::awaitable<bool> serve_one() {
    entry_.busy = false;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options().header_limit));
    parser.body_limit(options().body_limit);
    tcp().expires_after(options().header_timeout);
    auto [ec, unused] = co_await bhttp::async_read_header(stream_, buffer_, parser, kTuple);
    entry_.busy = true;
    Clock::time_point started = Clock::now();
    if (ec && is_disconnect(ec)) co_return false;
    if (ec) {
      co_await refuse(parser, ec, started);
      co_return false;
    }

    auto& head = parser.get();
    if (iequals(head[bhttp::field::expect], "100-continue") && !parser.is_done()) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
      tcp().expires_after(options().write_timeout);
      auto [wec, written] = co_await bhttp::async_write(stream_, go_on, kTuple);
      if (wec) co_return false;
    }
    if (!parser.is_done()) {
      tcp().expires_after(options().body_timeout);
      auto [bec, read] = co_await bhttp::async_read(stream_, buffer_, parser, kTuple);
      if (bec && is_disconnect(bec)) co_return false;
      if (bec) {
        co_await refuse(parser, bec, started);
        co_return false;
      }
    }

    unsigned version = parser.get().version();
    bool keep_alive = parser.get().keep_alive();
    std::string method(parser.get().method_string());
    Request request = to_request(parser.release(), remote_, trust_forwarded_,
                                 state_.next_request_id(method.empty() ? "-" : method));
    AccessLogEntry log{remote_, request.request_id, method, request.target};
    tcp().expires_never();  // a handler may wait as long as it likes (long-poll /sync)
    const std::string_view target(request.target);
    const bool served = resources_.serves(target.substr(0, target.find('?')));
    Response response;
    if (served) {
      response = co_await state_.dispatcher().dispatch(std::move(request));
    } else {
      response = error_response(
          MatrixError::unrecognized(MatrixError::Unrecognized::kEndpoint, "Unrecognized request"),
          request.target);
    }
    keep_alive = keep_alive && !state_.stopping();
    bool written = co_await write(std::move(response), version, keep_alive, log, started);
    co_return written&& keep_alive;
  }

  // Answers a request that cannot be served (malformed, too large) and closes.
  asio::awaitable<void> refuse(bhttp::request_parser<bhttp::string_body>& parser,
                               beast::error_code ec, Clock::time_point started) {
    const auto& head = parser.get();
    std::string method(head.method_string());
    std::string target(head.target());
    bool too_large = ec == bhttp::error::body_limit || ec == bhttp::error::header_limit;
    MatrixError error = too_large
                            ? MatrixError(ErrCode::kTooLarge, "Request too large")
                            : MatrixError::unrecognized(MatrixError::Unrecognized::kBadRequest,
                                                        "Malformed HTTP request");
    AccessLogEntry log{remote_, state_.next_request_id(method.empty() ? "BAD" : method),
                       method.empty() ? "-" : method, target.empty() ? "-" : target};
    unsigned version = head.version() == 10 ? 10 : 11;
    if (co_await write(error_response(error, target), version, false, log, started)) {
      co_await linger();
    }
  }

  asio::awaitable<bool> write(Response response, unsigned version, bool keep_alive,
                              AccessLogEntry log, Clock::time_point started) {
    log.status = response.status;
    log.response_bytes = response.body.size();
    auto message = to_beast(std::move(response), version, keep_alive);
    tcp().expires_after(options().write_timeout);
    auto [ec, written] = co_await bhttp::async_write(stream_, message, kTuple);
    log.duration = Clock::now() - started;
    write_access_log(log);
    co_return !ec;
  }

  // Reads and drops what the client is still sending, so that closing does not reset the
  // connection before the client has read our answer.
  asio::awaitable<void> linger() {
    if constexpr (!kIsTls<Stream>) {
      beast::error_code ignored;
      tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
      tcp().expires_after(kLingerTime);
      std::array<char, 16 * 1024> scratch;
      std::size_t drained = 0;
      while (drained < kLingerBytes) {
        auto [ec, n] = co_await tcp().async_read_some(asio::buffer(scratch), kTuple);
        if (ec) break;
        drained += n;
      }
    }
    co_return;
  }

  asio::awaitable<void> shut_down() {
    if constexpr (kIsTls<Stream>) {
      tcp().expires_after(options().write_timeout);
      auto [ec] = co_await stream_.async_shutdown(kTuple);
    } else {
      beast::error_code ignored;
      tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
  }

  Stream& stream_;
  std::string remote_;
  bool trust_forwarded_;
  ListenerResources resources_;
  ServerState& state_;
  SessionEntry& entry_;
  beast::flat_buffer buffer_;
};

template <typename Stream>
asio::awaitable<void> serve(Stream stream, std::string remote, bool trust_forwarded,
                            ListenerResources resources, std::shared_ptr<ServerState> state,
                            std::shared_ptr<SessionEntry> entry) {
  // Runs however the coroutine ends, even when its frame is destroyed while suspended.
  struct Deregister {
    ServerState& state;
    SessionEntry& entry;
    ~Deregister() {
      entry.close = nullptr;
      state.remove_session(entry.id);
    }
  } deregister{*state, *entry};
  entry->close = [&stream] { beast::get_lowest_layer(stream).close(); };
  try {
    Session<Stream> session(stream, remote, trust_forwarded, resources, *state, *entry);
    co_await session.run();
  } catch (const std::exception& e) {
    log::error("http", "connection from {} failed: {}", remote, e.what());
  }
}

}  // namespace

asio::awaitable<void> serve_connection(beast::tcp_stream stream, std::string remote,
                                       bool trust_forwarded, ListenerResources resources,
                                       std::shared_ptr<ServerState> state,
                                       std::shared_ptr<SessionEntry> entry) {
  return serve(std::move(stream), std::move(remote), trust_forwarded, resources, std::move(state),
               std::move(entry));
}

asio::awaitable<void> serve_connection(beast::ssl_stream<beast::tcp_stream> stream,
                                       std::string remote, bool trust_forwarded,
                                       ListenerResources resources,
                                       std::shared_ptr<ServerState> state,
                                       std::shared_ptr<SessionEntry> entry) {
  return serve(std::move(stream), std::move(remote), trust_forwarded, resources, std::move(state),
               std::move(entry));
}

}  // namespace myelin::http
