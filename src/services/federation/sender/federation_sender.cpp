#include "services/federation/sender/federation_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <set>

#include "base/log.hpp"
#include "services/federation/sender/outgoing_edus.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kLog = "federation";

std::string server_of_user(std::string_view user_id) {
  const std::size_t colon = user_id.find(':');
  return colon == std::string_view::npos ? std::string() : std::string(user_id.substr(colon + 1));
}

asio::awaitable<void> nothing() { co_return; }

}  // namespace

// One destination's queue. Everything but `strand` is touched only on the strand.
struct FederationSender::Queue {
  explicit Queue(const asio::any_io_executor& executor)
      : strand(asio::make_strand(executor)), timer(strand) {}
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;  // the back-off wait
  bool running = false;      // a run_queue coroutine is on it
  bool more = false;         // queued since the loop last read the outbox
  bool flush = false;        // back-off cleared: do not wait
  std::int64_t retry_interval = 0;
  bool loaded = false;  // retry state read from the store
};

FederationSender::FederationSender(ServiceContext& ctx, RoomService& rooms, TypingService& typing,
                                   PresenceService& presence, RetryBackoff backoff)
    : ctx_(ctx), backoff_(backoff), edus_in_(ctx, rooms, typing) {
  rooms.set_on_local_event(
      [this](const RoomState& room, const events::Pdu& pdu) { return send_pdu(room, pdu); });
  typing.set_on_change([this](const std::string& room_id, const std::string& user_id, bool on) {
    if (!is_local(user_id)) return;  // remote typing came from its own server
    spawn(edu_to_room(room_id, edus::typing(room_id, user_id, on)), "typing");
  });
  presence.set_on_change([this](const std::string& user_id, const std::string& state,
                                const std::optional<std::string>& status_msg,
                                std::int64_t last_active_ms) {
    if (!is_local(user_id)) return;
    const std::int64_t ago = std::max<std::int64_t>(0, ctx_.now_ms() - last_active_ms);
    spawn(edu_to_presence_audience(user_id, edus::presence(user_id, state, status_msg, ago)),
          "presence");
  });
}

FederationSender::~FederationSender() { stop(); }

void FederationSender::connect_e2ee(DeviceMessages& messages, DeviceLists& lists) {
  auto send = [this](std::string destination, bj::object edu) -> asio::awaitable<void> {
    return send_edu(std::move(destination), std::move(edu));
  };
  messages.set_remote_sender(send);
  lists.set_remote_sender(send);
  edus_in_.set_e2ee(&messages, &lists);
}

void FederationSender::set_transport(FederationTransport* transport) {
  transport_ = transport;
  if (!transport) return;
  std::vector<std::string> names;
  {
    std::lock_guard lock(mutex_);
    if (!executor_) return;  // start() resumes them
    for (const auto& [name, queue] : queues_) names.push_back(name);
  }
  // Queues that stopped for want of a transport; start() resumed the persisted ones into queues_.
  for (const std::string& name : names) wake(name, false);
}

void FederationSender::start(asio::any_io_executor executor) {
  {
    std::lock_guard lock(mutex_);
    executor_ = executor;
  }
  stopping_ = false;
  spawn(resume_pending(), "resume");
}

asio::awaitable<void> FederationSender::resume_pending() {
  storage::Store& store = ctx_.store;
  auto load = [&store] { return store.federation_sender.destinations_with_pending(); };
  std::vector<std::string> pending = co_await ctx_.db(std::move(load));
  if (!pending.empty()) {
    log::info(kLog, "resuming the outbound queues of {} servers", pending.size());
  }
  for (const std::string& destination : pending) wake(destination, false);
}

void FederationSender::stop() {
  stopping_ = true;
  std::lock_guard lock(mutex_);
  for (const auto& [name, queue] : queues_) {
    asio::post(queue->strand, [queue] { queue->timer.cancel(); });
  }
}

bool FederationSender::is_local(const std::string& user_id) const {
  return server_of_user(user_id) == ctx_.server_name();
}

std::vector<std::string> FederationSender::others(std::vector<std::string> servers) const {
  std::erase_if(servers,
                [this](const std::string& s) { return s.empty() || s == ctx_.server_name(); });
  return servers;
}

double FederationSender::random01() {
  std::lock_guard lock(mutex_);
  return std::uniform_real_distribution<double>(0.0, 1.0)(random_);
}

void FederationSender::spawn(asio::awaitable<void> work, const char* what) {
  std::optional<asio::any_io_executor> executor;
  {
    std::lock_guard lock(mutex_);
    executor = executor_;
  }
  if (!executor) {
    log::debug(kLog, "{} not sent: the federation sender is not started", what);
    return;
  }
  std::string name(what);
  asio::co_spawn(*executor, std::move(work), [name](std::exception_ptr error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      log::warn(kLog, "{}: {}", name, e.what());
    }
  });
}

asio::awaitable<void> FederationSender::send_pdu(const RoomState& room_after,
                                                 const events::Pdu& pdu) {
  // Everything is copied out of the references before the first suspension.
  std::set<std::string> servers;
  for (const auto& [key, event] : *room_after.state) {
    if (key.first == "m.room.member" && event->membership() == "join") {
      servers.insert(server_of_user(key.second));
    }
  }
  // A kicked or banned remote user's server (or one whose invite was withdrawn) is told too:
  // it is no longer in the room's joined set but must learn of the change.
  if (pdu.type() == "m.room.member" && pdu.state_key() && !is_local(*pdu.state_key())) {
    const std::string_view membership = pdu.membership();
    if (membership == "leave" || membership == "ban") {
      servers.insert(server_of_user(*pdu.state_key()));
    }
  }
  std::vector<std::string> destinations =
      others(std::vector<std::string>(servers.begin(), servers.end()));
  if (destinations.empty()) return nothing();
  return enqueue_pdu(std::move(destinations), room_after.room_id, pdu.event_id(),
                     bj::serialize(pdu.json()));
}

asio::awaitable<void> FederationSender::enqueue_pdu(std::vector<std::string> destinations,
                                                    std::string room_id, std::string event_id,
                                                    std::string pdu_json) {
  storage::Store& store = ctx_.store;
  auto save = [&store, destinations, room_id, event_id, pdu_json] {
    store.federation_sender.enqueue_pdu(destinations, room_id, event_id, pdu_json);
  };
  try {
    co_await ctx_.db(std::move(save));
  } catch (const std::exception& e) {
    // The event is in the room already: failing its sender now would only confuse it.
    log::error(kLog, "could not queue {} for other servers: {}", event_id, e.what());
    co_return;
  }
  for (const std::string& destination : destinations) wake(destination, false);
}

asio::awaitable<void> FederationSender::enqueue_edu(std::vector<std::string> destinations,
                                                    bj::object edu) {
  if (destinations.empty()) co_return;
  storage::Store& store = ctx_.store;
  auto save = [&store, destinations, json = bj::serialize(edu)] {
    store.federation_sender.enqueue_edu(destinations, json);
  };
  co_await ctx_.db(std::move(save));
  for (const std::string& destination : destinations) wake(destination, false);
}

asio::awaitable<void> FederationSender::send_edu(std::string destination, bj::object edu) {
  std::vector<std::string> destinations = others({std::move(destination)});
  co_await enqueue_edu(std::move(destinations), std::move(edu));
}

asio::awaitable<void> FederationSender::edu_to_room(std::string room_id, bj::object edu) {
  async::KeyedMutex::Guard in_order = co_await room_edu_order_.lock(room_id);
  storage::Store& store = ctx_.store;
  auto load = [&store, room_id] { return store.federation_sender.servers_in_room(room_id); };
  std::vector<std::string> servers = co_await ctx_.db(std::move(load));
  co_await enqueue_edu(others(std::move(servers)), std::move(edu));
}

asio::awaitable<void> FederationSender::edu_to_presence_audience(std::string user_id,
                                                                 bj::object edu) {
  storage::Store& store = ctx_.store;
  auto load = [&store, user_id] {
    return store.federation_sender.servers_sharing_room_with(user_id);
  };
  std::vector<std::string> servers = co_await ctx_.db(std::move(load));
  co_await enqueue_edu(others(std::move(servers)), std::move(edu));
}

void FederationSender::send_receipt(std::string room_id, std::string user_id, std::string event_id,
                                    std::string thread_id, std::int64_t ts) {
  if (!is_local(user_id)) return;
  bj::object edu = edus::receipt(room_id, user_id, event_id, thread_id, ts);
  spawn(edu_to_room(std::move(room_id), std::move(edu)), "receipt");
}

void FederationSender::receive_edu(std::string origin, bj::object edu) {
  spawn(edus_in_.receive(std::move(origin), std::move(edu)), "incoming EDU");
}

asio::awaitable<void> FederationSender::handle_edu(std::string origin, bj::object edu) {
  co_await edus_in_.receive(std::move(origin), std::move(edu));
}

void FederationSender::on_server_seen(const std::string& origin) {
  if (origin.empty() || origin == ctx_.server_name()) return;
  std::shared_ptr<Queue> queue;
  {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(origin);
    if (it == queues_.end()) return;  // nothing was ever queued for it in this process
    queue = it->second;
  }
  // Only a queue that is (or may be, before its state is read) backing off needs anything:
  // the stored back-off is cleared, as the admin API would show it, and the queue flushed.
  asio::post(queue->strand, [this, queue, origin] {
    if (queue->loaded && queue->retry_interval == 0) return;
    queue->retry_interval = 0;
    spawn(clear_backoff(origin), "server seen");
  });
}

asio::awaitable<void> FederationSender::clear_backoff(std::string destination) {
  co_await reset_connection(std::move(destination));
}

asio::awaitable<bool> FederationSender::reset_connection(std::string destination) {
  storage::Store& store = ctx_.store;
  auto reset = [&store, destination] { return store.federation_sender.reset_retry(destination); };
  const bool known = co_await ctx_.db(std::move(reset));
  if (known) wake(destination, true);
  co_return known;
}

std::shared_ptr<FederationSender::Queue> FederationSender::queue_for(
    const std::string& destination) {
  std::lock_guard lock(mutex_);
  if (!executor_) return nullptr;
  auto& queue = queues_[destination];
  if (!queue) queue = std::make_shared<Queue>(*executor_);
  return queue;
}

void FederationSender::wake(const std::string& destination, bool flush) {
  std::shared_ptr<Queue> queue = queue_for(destination);
  if (!queue) return;  // not started: start() resumes what the outbox holds
  asio::post(queue->strand, [this, queue, destination, flush] {
    queue->more = true;
    if (flush) {
      queue->flush = true;
      queue->retry_interval = 0;
      queue->timer.cancel();
    }
    if (queue->running || stopping_) return;
    queue->running = true;
    asio::co_spawn(queue->strand, run_queue(destination, queue), asio::detached);
  });
}

asio::awaitable<void> FederationSender::wait_retry(std::shared_ptr<Queue> queue, std::int64_t ms) {
  if (queue->flush || ms <= 0) {
    queue->flush = false;
    co_return;
  }
  queue->timer.expires_after(std::chrono::milliseconds(ms));
  boost::system::error_code cancelled;
  co_await queue->timer.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
  queue->flush = false;
}

asio::awaitable<void> FederationSender::run_queue(std::string destination,
                                                  std::shared_ptr<Queue> queue) {
  storage::FederationSenderStore& outbox = ctx_.store.federation_sender;
  try {
    if (!queue->loaded) {
      // A back-off persisted by an earlier run still holds after a restart.
      auto load = [&outbox, destination] { return outbox.destination(destination); };
      std::optional<storage::DestinationRecord> stored = co_await ctx_.db(std::move(load));
      queue->loaded = true;
      if (stored && stored->retry_interval > 0 && !queue->flush) {
        queue->retry_interval = stored->retry_interval;
        co_await wait_retry(queue, stored->retry_last_ts + stored->retry_interval - ctx_.now_ms());
      }
    }
    while (!stopping_) {
      queue->more = false;
      if (transport_.load() == nullptr) break;  // set_transport wakes us
      auto load = [&outbox, destination] {
        return outbox.pending(destination, kMaxPdusPerTransaction, kMaxEdusPerTransaction);
      };
      std::vector<storage::OutboxItem> items = co_await ctx_.db(std::move(load));
      if (items.empty()) {
        if (queue->more) continue;
        break;
      }
      std::vector<std::int64_t> ids;
      std::int64_t newest = 0;
      for (const storage::OutboxItem& item : items) {
        ids.push_back(item.id);
        newest = std::max(newest, item.stream_ordering);
      }
      const Outcome outcome = co_await send_transaction(destination, items);
      if (outcome == Outcome::kSent) {
        auto done = [&outbox, destination, ids, newest] {
          outbox.transaction_sent(destination, ids, newest);
        };
        co_await ctx_.db(std::move(done));
        queue->retry_interval = 0;
      } else if (outcome == Outcome::kRefused) {
        auto drop = [&outbox, ids] { outbox.remove(ids); };
        co_await ctx_.db(std::move(drop));
      } else {
        const std::int64_t interval = backoff_.next_interval(queue->retry_interval, random01());
        queue->retry_interval = interval;
        const std::int64_t now = ctx_.now_ms();
        auto failed = [&outbox, destination, now, interval] {
          outbox.record_failure(destination, now, interval);
        };
        co_await ctx_.db(std::move(failed));
        log::info(kLog, "{} is unreachable: next try in {} s", destination, interval / 1000);
        co_await wait_retry(queue, interval);
      }
    }
  } catch (const std::exception& e) {
    log::error(kLog, "outbound queue for {} stopped: {}", destination, e.what());
  }
  queue->running = false;
}

asio::awaitable<FederationSender::Outcome> FederationSender::send_transaction(
    std::string destination, std::vector<storage::OutboxItem> items) {
  bj::array pdus;
  bj::array edus;
  const std::size_t item_count = items.size();
  for (const storage::OutboxItem& item : items) {
    boost::system::error_code error;
    bj::value parsed = bj::parse(item.json, error);
    if (error || !parsed.is_object()) continue;  // never written so: skip rather than stall
    (item.is_edu ? edus : pdus).push_back(std::move(parsed));
  }
  // The same items keep the same ID, so a retry after a lost answer is deduplicated by the
  // receiver (spec: transactions are idempotent per origin and ID); outbox IDs never repeat.
  const std::string txn_id =
      std::to_string(items.front().id) + "-" + std::to_string(items.back().id);
  std::optional<bj::value> body = bj::value(bj::object{{"origin", ctx_.server_name()},
                                                       {"origin_server_ts", ctx_.now_ms()},
                                                       {"pdus", std::move(pdus)},
                                                       {"edus", std::move(edus)}});
  std::string method = "PUT";
  std::string path = "/_matrix/federation/v1/send/" + txn_id;
  FederationTransport* transport = transport_.load();
  if (!transport) co_return Outcome::kUnreachable;
  int status = 0;
  std::string failure;
  try {
    bj::value answer = co_await transport->request(destination, method, path, body);
    if (const bj::object* object = answer.if_object()) {
      if (const bj::value* results = object->if_contains("pdus"); results && results->is_object()) {
        for (const auto& [event_id, result] : results->get_object()) {
          if (result.is_object() && result.get_object().contains("error")) {
            log::debug(kLog, "{} refused {}: {}", destination, std::string(event_id),
                       bj::serialize(result));
          }
        }
      }
    }
    co_return Outcome::kSent;
  } catch (const FederationRequestError& e) {
    status = e.status();
    failure = e.what();
  } catch (const FederationUnreachable& e) {
    failure = e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (status >= 400 && status < 500 && status != 429) {
    log::warn(kLog, "{} refused transaction {} ({} items) with {}: dropped", destination, txn_id,
              item_count, status);
    co_return Outcome::kRefused;
  }
  log::debug(kLog, "transaction {} to {} failed: {} {}", txn_id, destination, status, failure);
  co_return Outcome::kUnreachable;
}

}  // namespace myelin::services
