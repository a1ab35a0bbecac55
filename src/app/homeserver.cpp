#include "app/homeserver.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <filesystem>
#include <stdexcept>

#include "api/routes.hpp"
#include "app/rate_limit_hook.hpp"
#include "app/server_signed_auth.hpp"
#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/crypto/signing_key_file.hpp"
#include "services/notifications/notification_evaluator.hpp"

namespace myelin::app {

namespace asio = boost::asio;

namespace {

// SQLite work is short; a few threads keep readers busy while the writer commits.
constexpr std::size_t kDatabaseThreads = 4;
// Password hashing: two at a time bounds its memory (19 MiB each) and leaves cores for requests.
constexpr std::size_t kCpuThreads = 2;
constexpr auto kTypingSweep = std::chrono::seconds(5);
constexpr auto kDeliveryKeysSweep = std::chrono::hours(1);

http::Authenticator make_authenticator(Services& services) {
  return
      [&services](http::AuthKind kind, std::string credential,
                  const http::Request& request) -> asio::awaitable<std::optional<http::Principal>> {
        if (kind == http::AuthKind::kServerSigned) {
          co_return co_await authenticate_server(services, request);  // X-Matrix
        }
        if (kind != http::AuthKind::kUser && kind != http::AuthKind::kAdmin) {
          co_return std::nullopt;  // appservice routes arrive with a later issue
        }
        std::string token = credential;
        std::optional<services::Session> session =
            co_await services.accounts.authenticate(std::move(credential));
        if (!session) co_return std::nullopt;
        // Locked accounts (401 M_USER_LOCKED) may still log out; records where users are seen.
        const bool logging_out =
            request.path.ends_with("/logout") || request.path.ends_with("/logout/all");
        std::string user_agent(request.headers.get("User-Agent").value_or(""));
        co_await services.user_admin.admit(*session, std::move(token), request.remote_address,
                                           std::move(user_agent), logging_out);
        if (kind == http::AuthKind::kAdmin && !session->is_admin) {
          throw MatrixError(ErrCode::kForbidden, "You are not a server admin");
        }
        if (kind == http::AuthKind::kAdmin) {
          // Every admin action leaves a trace naming who did it (the access log has no user).
          log::info("admin", "{} {} {}", session->user_id, http::method_name(request.method),
                    request.path);
        }
        http::Principal principal;
        principal.user_id = session->user_id;
        principal.device_id = session->device_id;
        co_return principal;
      };
}

std::vector<http::ListenerOptions> listener_options(const config::Config& config) {
  std::vector<http::ListenerOptions> listeners;
  for (const config::Listener& listener : config.listeners) {
    std::string names;
    for (const std::string& resource : listener.resources) {
      names += (names.empty() ? "" : "+") + resource;
    }
    for (const std::string& address : listener.bind_addresses) {
      http::ListenerOptions options;
      options.name = names;
      options.address = address;
      options.port = listener.port;
      options.x_forwarded = listener.x_forwarded;
      options.resources.client = std::ranges::count(listener.resources, "client") > 0;
      options.resources.federation = std::ranges::count(listener.resources, "federation") > 0;
      if (listener.tls) {
        options.tls = http::TlsFiles{config.tls_certificate_path, config.tls_private_key_path};
      }
      listeners.push_back(std::move(options));
    }
  }
  return listeners;
}

// Typing notifications time out (spec: the client's `timeout`); the users who see the room are
// told when one does.
asio::awaitable<void> sweep_typing(Services& services) {
  for (const std::string& room_id : services.typing.expire(services.ctx.now_ms())) {
    services::RoomStatePtr room = co_await services.rooms.room(room_id);
    if (room) {
      services.ctx.notifier.notify(room->joined_local_users);
    }
  }
}

// Runs `task` every `interval` until the server stops; a failed run is logged and the next one
// comes at its time.
asio::awaitable<void> run_every(std::chrono::steady_clock::duration interval, const char* what,
                                std::function<asio::awaitable<void>()> task,
                                std::shared_ptr<std::atomic<bool>> stopping,
                                std::shared_ptr<asio::steady_timer> timer) {
  while (!*stopping) {
    timer->expires_after(interval);
    boost::system::error_code ignored;
    co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    if (*stopping) break;
    std::string failure;
    try {
      co_await task();
    } catch (const std::exception& e) {
      failure = e.what();
    }
    if (!failure.empty()) log::warn("server", "{} failed: {}", what, failure);
  }
}

}  // namespace

Homeserver::Homeserver(const config::Config& config, asio::io_context& io)
    : config_(config), io_(io) {
  std::filesystem::create_directories(config.data_dir);
  auto key = crypto::load_or_create_signing_key(config.signing_key_path);
  if (!key) {
    throw std::runtime_error("signing_key_path: " + config.signing_key_path + ": " + key.error());
  }
  try {
    store_ = storage::Store::open_sqlite(config.database.path);
  } catch (const std::exception& e) {
    throw std::runtime_error("database: " + config.database.path + ": " + e.what());
  }
  db_pool_ = std::make_unique<async::WorkerPool>(kDatabaseThreads);
  cpu_pool_ = std::make_unique<async::WorkerPool>(kCpuThreads);
  notifier_ = std::make_unique<services::Notifier>();
  context_ = std::unique_ptr<services::ServiceContext>(
      new services::ServiceContext{config, *store_, *db_pool_, *cpu_pool_, std::move(*key),
                                   *notifier_, services::system_now_ms});
  federation_client_ = std::make_unique<services::FederationClient>(
      services::federation_client_options(config, context_->signing_key));
  services_ = std::make_unique<Services>(*context_);
  services_->key_ring.set_transport(federation_client_.get());
  services_->membership_federation.set_transport(federation_client_.get());
  services_->membership_federation.set_server_keys(&services_->key_ring);
  services_->federation_receiver.set_transport(federation_client_.get());
  services_->federation_receiver.set_server_keys(&services_->key_ring);
  services_->federation_sender.set_transport(federation_client_.get());
  services_->backfiller.set_transport(federation_client_.get());
  services_->keys.set_transport(federation_client_.get());
  services_->backfiller.set_server_keys(&services_->key_ring);
  services_->rooms.set_older_history(&services_->backfiller);
  services_->rooms.set_push_actions(services::NotificationEvaluator::hook(services_->push_rules));

  http::ServerOptions options;
  listeners_ = listener_options(config);
  options.listeners = listeners_;
  options.body_limit = config.max_request_body_size;
  server_ = std::make_unique<http::HttpServer>(io, options, http::Router(api::routes()),
                                               make_authenticator(*services_), services_.get(),
                                               make_rate_limit_hook(*services_));
}

Homeserver::~Homeserver() {
  server_.reset();
  // Queued database work (a group commit, say) may still use the services: finish it first.
  cpu_pool_.reset();
  db_pool_.reset();
  services_.reset();
  if (store_) store_->close();
}

void Homeserver::every(std::chrono::steady_clock::duration interval, const char* what,
                       std::function<asio::awaitable<void>()> task) {
  auto timer = std::make_shared<asio::steady_timer>(io_);
  timers_.push_back(timer);
  asio::co_spawn(io_, run_every(interval, what, std::move(task), stopping_, timer), asio::detached);
}

void Homeserver::start() {
  server_->start();
  every(kTypingSweep, "typing time-outs", [this] { return sweep_typing(*services_); });
  every(kDeliveryKeysSweep, "forgetting old to-device delivery keys",
        [this] { return services_->device_messages.forget_old_deliveries(); });
  services_->federation_sender.start(io_.get_executor());  // resumes persisted queues
  log::info("server", "serving {} as {} ({} listeners)", config_.server_name,
            context_->signing_key.key_id(), listeners_.size());
  if (config_.registration.mode == config::RegistrationConfig::Mode::kOpen &&
      !config_.registration.require_email) {
    log::warn("config",
              "registration is open to anyone without e-mail verification: expect spam bots "
              "(set registration.mode: token, or registration.require_email: true)");
  }
}

std::vector<std::string> Homeserver::listening_urls() const {
  std::vector<std::string> urls;
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    const http::ListenerOptions& l = listeners_[i];
    const bool v6 = l.address.find(':') != std::string::npos;
    urls.push_back(l.name + " on " + (l.tls ? "https://" : "http://") + (v6 ? "[" : "") +
                   l.address + (v6 ? "]" : "") + ":" + std::to_string(server_->port(i)));
  }
  return urls;
}

void Homeserver::stop(std::function<void()> on_stopped) {
  *stopping_ = true;
  services_->federation_sender.stop();
  for (auto& timer : timers_) {
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }
  notifier_->shutdown();
  server_->stop(std::chrono::seconds(10), std::move(on_stopped));
}

}  // namespace myelin::app
