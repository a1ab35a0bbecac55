#include "services/federation/backfiller.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <set>

#include "base/log.hpp"
#include "http/client/url.hpp"
#include "services/common/server_of.hpp"
#include "services/federation/received_pdus.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;
using namespace asio::experimental::awaitable_operators;

namespace {

// At most this many events lacking auth events get theirs fetched per answer (one request each).
constexpr std::size_t kMaxAuthFetches = 5;

struct Answer {
  std::optional<bj::value> body;
  std::string failure;
};
using AnswerChannel = asio::experimental::concurrent_channel<void(boost::system::error_code,
                                                                  std::shared_ptr<Answer>)>;

// Runs detached: when the waiter gave up, the answer lands in the channel's buffer unread.
asio::awaitable<void> request_into(FederationTransport* transport, std::string server,
                                   std::string path, std::shared_ptr<AnswerChannel> channel) {
  auto answer = std::make_shared<Answer>();
  std::string get = "GET";
  std::optional<bj::value> no_body;
  try {
    answer->body = co_await transport->request(server, get, path, no_body);
  } catch (const std::exception& e) {
    answer->failure = e.what();
  }
  channel->try_send(boost::system::error_code(), answer);
}

// The events of `events` that descend from the ones asked for through prev_events (newest
// first in depth order), in `room_id`: what a /backfill answer may hold.
std::vector<PduPtr> descending_from(std::vector<PduPtr> events,
                                    const std::vector<std::string>& asked,
                                    const std::string& room_id) {
  std::stable_sort(events.begin(), events.end(),
                   [](const PduPtr& a, const PduPtr& b) { return a->depth() > b->depth(); });
  std::set<std::string> wanted(asked.begin(), asked.end());
  std::vector<PduPtr> kept;
  for (PduPtr& event : events) {
    if (event->room_id() != room_id || !wanted.count(event->event_id())) continue;
    for (const std::string& prev : event->prev_events()) wanted.insert(prev);
    kept.push_back(std::move(event));
  }
  return kept;
}

}  // namespace

std::vector<std::string> history_servers(const RoomState& room, const std::string& own) {
  std::vector<std::string> servers;
  auto add = [&](std::string server) {
    if (server.empty() || server == own) return;
    if (std::find(servers.begin(), servers.end(), server) == servers.end()) {
      servers.push_back(std::move(server));
    }
  };
  if (const events::Pdu* create = room.find("m.room.create", "")) add(server_of(create->sender()));
  for (const std::string& user : room.joined_users()) add(server_of(user));
  return servers;
}

bool Backfiller::resting(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = resting_until_.find(key);
  if (it == resting_until_.end()) return false;
  if (it->second > ctx_.now_ms()) return true;
  resting_until_.erase(it);
  return false;
}

void Backfiller::rest(const std::string& key) {
  std::lock_guard lock(mutex_);
  resting_until_[key] = ctx_.now_ms() + options_.rest_ms;
}

asio::awaitable<std::optional<bj::value>> Backfiller::ask(std::string server, std::string path) {
  auto executor = co_await asio::this_coro::executor;
  auto channel = std::make_shared<AnswerChannel>(executor, 1);
  asio::co_spawn(executor, request_into(transport_, server, path, channel), asio::detached);
  asio::steady_timer timer(executor, options_.answer_timeout);
  auto first = co_await (channel->async_receive(asio::as_tuple(asio::use_awaitable)) ||
                         timer.async_wait(asio::as_tuple(asio::use_awaitable)));
  if (first.index() == 1) {
    log::info("federation", "{} did not answer {} in time", server, path);
    rest(server);
    co_return std::nullopt;
  }
  std::shared_ptr<Answer> answer = std::get<1>(std::get<0>(first));
  if (!answer || !answer->body) {
    log::info("federation", "{} for {}: {}", server, path, answer ? answer->failure : "");
    rest(server);
    co_return std::nullopt;
  }
  co_return std::move(*answer->body);
}

asio::awaitable<std::size_t> Backfiller::fetch_from(std::string server, RoomStatePtr room,
                                                    std::vector<std::string> gaps,
                                                    std::size_t limit) {
  const std::string room_id = room->room_id;
  std::string path = "/_matrix/federation/v1/backfill/" + http::url_encode(room_id) +
                     "?limit=" + std::to_string(limit);
  for (const std::string& id : gaps) path += "&v=" + http::url_encode(id);
  std::optional<bj::value> body = co_await ask(server, path);
  const bj::value* pdus =
      body && body->is_object() ? body->as_object().if_contains("pdus") : nullptr;
  if (!pdus || !pdus->is_array()) co_return 0;
  bj::array received = pdus->as_array();
  std::vector<PduPtr> checked =
      co_await check_received_pdus(ctx_, *keys_, std::move(received), *room->version);
  std::vector<PduPtr> events = descending_from(std::move(checked), gaps, room_id);
  if (events.empty()) co_return 0;
  HistoryAdded added = co_await rooms_.add_history(room_id, std::move(events));
  std::size_t count = added.added;
  if (added.lacking_auth_events.empty()) co_return count;

  // Their auth chains, from the same server, then those events once more.
  std::size_t asked = 0;
  for (const PduPtr& event : added.lacking_auth_events) {
    if (asked++ == kMaxAuthFetches) break;
    std::string auth_path = "/_matrix/federation/v1/event_auth/" + http::url_encode(room_id) + "/" +
                            http::url_encode(event->event_id());
    std::optional<bj::value> auth = co_await ask(server, auth_path);
    const bj::value* chain =
        auth && auth->is_object() ? auth->as_object().if_contains("auth_chain") : nullptr;
    if (!chain || !chain->is_array()) continue;
    bj::array chain_json = chain->as_array();
    std::vector<PduPtr> outliers =
        co_await check_received_pdus(ctx_, *keys_, std::move(chain_json), *room->version);
    std::erase_if(outliers, [&room_id](const PduPtr& e) { return e->room_id() != room_id; });
    co_await rooms_.store_outliers(std::move(outliers));
  }
  HistoryAdded again = co_await rooms_.add_history(room_id, added.lacking_auth_events);
  co_return count + again.added;
}

asio::awaitable<std::size_t> Backfiller::fetch_older(std::string room_id,
                                                     std::vector<std::string> gaps,
                                                     std::size_t limit) {
  if (!transport_ || !keys_ || gaps.empty() || resting(room_id)) co_return 0;
  RoomStatePtr room = co_await rooms_.room(room_id);
  if (!room) co_return 0;
  std::vector<std::string> servers = history_servers(*room, ctx_.server_name());
  std::erase_if(servers, [this](const std::string& server) { return resting(server); });
  if (servers.size() > options_.max_servers) servers.resize(options_.max_servers);
  for (const std::string& server : servers) {
    const std::size_t added = co_await fetch_from(server, room, gaps, limit);
    if (added > 0) {
      log::info("federation", "backfilled {} events of {} from {}", added, room_id, server);
      co_return added;
    }
  }
  rest(room_id);
  co_return 0;
}

}  // namespace myelin::services
