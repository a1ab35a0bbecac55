#pragma once

// Test support (included by *_test.cpp only): homeservers with their own names, keys and stores
// sharing one io_context, and a FederationTransport that carries a request straight into the
// destination's services, so that two real instances handshake in one process.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/array.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "async/worker_pool.hpp"
#include "base/errcode.hpp"
#include "base/matrix_error.hpp"
#include "config/config.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "services/common/notifier.hpp"
#include "services/common/service_context.hpp"
#include "services/federation/client/federation_transport.hpp"
#include "services/federation/federation_reads.hpp"
#include "services/federation/federation_test_keys.hpp"
#include "services/federation/keys/server_keys.hpp"
#include "services/federation/membership_federation.hpp"
#include "services/rooms/room_service.hpp"
#include "storage/sqlite/test_temp_dir.hpp"
#include "storage/store/store.hpp"

namespace myelin::services::testing {

class FederationTestServer {
 public:
  FederationTestServer(std::string server_name, FixedServerKeys& keys)
      : config_(make_config(std::move(server_name))),
        store_(storage::Store::open_sqlite(dir_.file("homeserver.db"))),
        db_pool_(std::make_unique<async::WorkerPool>(2)),
        cpu_pool_(std::make_unique<async::WorkerPool>(2)),
        ctx_{config_,
             *store_,
             *db_pool_,
             *cpu_pool_,
             crypto::SigningKey::generate(),
             notifier_,
             [this] { return clock_++; }},
        keys_(keys) {
    keys.add(config_.server_name, ctx_.signing_key);
    start_services();
  }
  ~FederationTestServer() {
    stop_services();
    db_pool_.reset();
    cpu_pool_.reset();
  }
  FederationTestServer(const FederationTestServer&) = delete;
  FederationTestServer& operator=(const FederationTestServer&) = delete;

  const std::string& name() const { return config_.server_name; }
  std::string register_user(const std::string& localpart) {
    const std::string user_id = "@" + localpart + ":" + name();
    store_->accounts.create_user({user_id, std::nullopt, clock_.load()});
    return user_id;
  }

  // As a restarted homeserver: the services built afresh over the same store, so that what
  // they keep in memory (rooms, the last state group) is read back from it — for benches that
  // write a large room straight to the store. The transport must be set again.
  void restart_services() {
    stop_services();
    start_services();
  }

  ServiceContext& ctx() { return ctx_; }
  storage::Store& store() { return *store_; }
  RoomService& rooms() { return *rooms_; }
  FederationReads& reads() { return *reads_; }
  MembershipFederation& membership() { return *membership_; }

 private:
  static config::Config make_config(std::string server_name) {
    config::Config config;
    config.server_name = std::move(server_name);
    return config;
  }
  void start_services() {
    rooms_.emplace(ctx_);
    reads_.emplace(ctx_, *rooms_);
    membership_.emplace(ctx_, *rooms_);
    membership_->set_server_keys(&keys_);
  }
  void stop_services() {
    membership_.reset();
    reads_.reset();
    rooms_.reset();
  }

  sqlite::TempDir dir_;
  config::Config config_;
  std::unique_ptr<storage::Store> store_;
  Notifier notifier_;
  std::unique_ptr<async::WorkerPool> db_pool_;
  std::unique_ptr<async::WorkerPool> cpu_pool_;
  std::atomic<std::int64_t> clock_{1'700'000'000'000};
  ServiceContext ctx_;
  FixedServerKeys& keys_;
  std::optional<RoomService> rooms_;
  std::optional<FederationReads> reads_;
  std::optional<MembershipFederation> membership_;
};

// Requests from `origin` answered by the destination server's own services, errors turned into
// what the real transport throws. Unknown destinations are unreachable.
class LoopbackTransport : public FederationTransport {
 public:
  LoopbackTransport(std::string origin, std::map<std::string, FederationTestServer*>& servers)
      : origin_(std::move(origin)), servers_(servers) {}

  boost::asio::awaitable<boost::json::value> request(
      std::string destination, std::string method, std::string path,
      std::optional<boost::json::value> body) override {
    requests.push_back(destination + " " + method + " " + path);
    auto it = servers_.find(destination);
    if (it == servers_.end()) throw FederationUnreachable("no route to " + destination);
    std::optional<MatrixError> failure;
    boost::json::value answer;
    try {
      answer = co_await dispatch(*it->second, method, path, std::move(body));
    } catch (const MatrixError& e) {
      failure = e;
    }
    if (failure) {
      throw FederationRequestError(http_status(failure->code()),
                                   std::string(errcode_name(failure->code())), failure->what());
    }
    co_return answer;
  }

  boost::asio::awaitable<boost::json::value> request_unsigned(
      std::string destination, std::string, std::string,
      std::optional<boost::json::value>) override {
    throw FederationUnreachable("not served in tests: " + destination);
  }

  std::vector<std::string> requests;

 private:
  static std::string decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '%' && i + 2 < text.size()) {
        out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out;
  }

  boost::asio::awaitable<boost::json::value> dispatch(FederationTestServer& server,
                                                      std::string method, std::string path,
                                                      std::optional<boost::json::value> body) {
    std::string query;
    if (auto q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path.resize(q);
    }
    std::vector<std::string> parts;  // after "/_matrix/federation/"
    std::size_t start = std::string("/_matrix/federation/").size();
    while (start <= path.size()) {
      std::size_t slash = path.find('/', start);
      if (slash == std::string::npos) slash = path.size();
      parts.push_back(decode(std::string_view(path).substr(start, slash - start)));
      start = slash + 1;
    }
    std::multimap<std::string, std::string> params;
    for (std::size_t s = 0; s < query.size();) {
      std::size_t amp = query.find('&', s);
      if (amp == std::string::npos) amp = query.size();
      std::string pair = query.substr(s, amp - s);
      std::size_t eq = pair.find('=');
      params.emplace(decode(pair.substr(0, eq)),
                     eq == std::string::npos ? "" : decode(pair.substr(eq + 1)));
      s = amp + 1;
    }
    std::vector<std::string> versions;
    for (auto [a, b] = params.equal_range("ver"); a != b; ++a) versions.push_back(a->second);
    boost::json::object object =
        body && body->is_object() ? body->as_object() : boost::json::object();
    MembershipHandshakes& serving = server.membership().serving;
    const std::string endpoint = parts.size() >= 2 ? parts[0] + "/" + parts[1] : "";
    if (endpoint == "v1/make_join" && parts.size() == 4) {
      co_return co_await serving.make_join(origin_, parts[2], parts[3], versions);
    }
    if (endpoint == "v2/send_join" && parts.size() == 4) {
      const bool omit =
          params.count("omit_members") && params.find("omit_members")->second == "true";
      co_return co_await serving.send_join(origin_, parts[2], parts[3], object, omit);
    }
    if (endpoint == "v1/make_leave" && parts.size() == 4) {
      co_return co_await serving.make_leave(origin_, parts[2], parts[3]);
    }
    if (endpoint == "v2/send_leave" && parts.size() == 4) {
      co_return co_await serving.send_leave(origin_, parts[2], parts[3], object);
    }
    if (endpoint == "v1/make_knock" && parts.size() == 4) {
      co_return co_await serving.make_knock(origin_, parts[2], parts[3], versions);
    }
    if (endpoint == "v1/send_knock" && parts.size() == 4) {
      co_return co_await serving.send_knock(origin_, parts[2], parts[3], object);
    }
    if (endpoint == "v2/invite" && parts.size() == 4) {
      co_return co_await serving.invite(origin_, parts[2], parts[3], object);
    }
    if (endpoint == "v1/get_missing_events" && parts.size() == 3) {
      MissingEventsRequest request;
      for (const boost::json::value& id : object["earliest_events"].as_array()) {
        request.earliest_events.emplace_back(id.as_string());
      }
      for (const boost::json::value& id : object["latest_events"].as_array()) {
        request.latest_events.emplace_back(id.as_string());
      }
      request.limit = object["limit"].to_number<std::int64_t>();
      request.min_depth = object["min_depth"].to_number<std::int64_t>();
      auto events = co_await server.reads().missing_events(origin_, parts[2], std::move(request));
      co_return boost::json::object{{"events", boost::json::array(events.begin(), events.end())}};
    }
    if (endpoint == "v1/backfill" && parts.size() == 3) {
      std::vector<std::string> from;
      for (auto [a, b] = params.equal_range("v"); a != b; ++a) from.push_back(a->second);
      auto limit = params.find("limit");
      auto events =
          co_await server.reads().backfill(origin_, parts[2], std::move(from),
                                           limit == params.end() ? 10 : std::stoll(limit->second));
      co_return boost::json::object{{"origin", server.name()},
                                    {"pdus", boost::json::array(events.begin(), events.end())}};
    }
    if (endpoint == "v1/event" && parts.size() == 3) {
      boost::json::object pdu = co_await server.reads().event(origin_, parts[2]);
      co_return boost::json::object{{"origin", server.name()},
                                    {"pdus", boost::json::array{std::move(pdu)}}};
    }
    if (endpoint == "v1/state" && parts.size() == 3) {
      auto at = params.find("event_id");
      // Named first: a conditional's temporary inside co_await is destroyed twice by g++ 12.
      std::string event_id = at == params.end() ? std::string() : at->second;
      auto state = co_await server.reads().state(origin_, parts[2], std::move(event_id));
      co_return boost::json::object{
          {"pdus", boost::json::array(state.pdus.begin(), state.pdus.end())},
          {"auth_chain", boost::json::array(state.auth_chain.begin(), state.auth_chain.end())}};
    }
    if (endpoint == "v1/event_auth" && parts.size() == 4) {
      auto chain = co_await server.reads().event_auth(origin_, parts[2], parts[3]);
      co_return boost::json::object{{"auth_chain", boost::json::array(chain.begin(), chain.end())}};
    }
    if (endpoint == "v1/query" && parts.size() == 3 && parts[2] == "directory") {
      auto found = params.find("room_alias");
      std::string alias = found == params.end() ? "" : found->second;
      RoomAliasAnswer answer = co_await server.reads().directory(alias);
      boost::json::array servers;
      for (const std::string& s : answer.servers) servers.emplace_back(s);
      co_return boost::json::object{{"room_id", answer.room_id}, {"servers", std::move(servers)}};
    }
    if (endpoint == "v1/user" && parts.size() == 4 && parts[2] == "keys") {
      boost::json::value* wanted =
          object.if_contains(parts[3] == "query" ? "device_keys" : "one_time_keys");
      if (!wanted || !wanted->is_object()) throw MatrixError(ErrCode::kBadJson, "bad body");
      if (parts[3] == "query") co_return co_await server.reads().query_keys(wanted->as_object());
      if (parts[3] == "claim") co_return co_await server.reads().claim_keys(wanted->as_object());
    }
    if (endpoint == "v1/user" && parts.size() == 4 && parts[2] == "devices") {
      co_return co_await server.reads().user_devices(parts[3]);
    }
    throw MatrixError(ErrCode::kUnrecognized, "not served in tests: " + method + " " + path);
  }

  std::string origin_;
  std::map<std::string, FederationTestServer*>& servers_;
};

}  // namespace myelin::services::testing
