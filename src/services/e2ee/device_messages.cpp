#include "services/e2ee/device_messages.hpp"

#include <boost/json/serialize.hpp>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/log.hpp"
#include "base/matrix_error.hpp"
#include "protocol/ids/user_id.hpp"
#include "protocol/json/access.hpp"
#include "services/common/random_token.hpp"
#include "services/common/server_of.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

constexpr const char* kLog = "e2ee";

// What one request or EDU asks for, checked: per recipient user, device ID (or "*") → content.
using Addressed = std::map<std::string, std::map<std::string, bj::object>>;

// M_BAD_JSON unless `messages` is {user_id: {device_id: {content}}}; M_INVALID_PARAM for a key
// that is not a user ID. Federation accepts the historical user ID grammar.
Addressed parse_messages(const bj::object& messages, ids::UserIdGrammar grammar) {
  Addressed addressed;
  for (const auto& [user_key, by_device] : messages) {
    const std::string user_id(user_key);
    if (!ids::UserId::parse(user_id, grammar)) {
      throw MatrixError(ErrCode::kInvalidParam, "Invalid user ID in messages: " + user_id);
    }
    if (!by_device.is_object()) {
      throw MatrixError(ErrCode::kBadJson, "messages." + user_id + " must be an object");
    }
    for (const auto& [device_key, content] : by_device.get_object()) {
      if (!content.is_object()) {
        throw MatrixError(ErrCode::kBadJson, "Each message's content must be an object");
      }
      addressed[user_id][std::string(device_key)] = content.get_object();
    }
  }
  return addressed;
}

// The inbox rows for our users: "*" becomes every device the user has, named devices must
// exist, and a device named alongside "*" gets its own message, once.
std::vector<storage::InboxMessage> local_deliveries(storage::Store& store,
                                                    const std::string& sender,
                                                    const std::string& type,
                                                    const Addressed& addressed) {
  std::vector<storage::InboxMessage> rows;
  for (const auto& [user_id, by_device] : addressed) {
    std::map<std::string, const bj::object*> content_of;
    const std::vector<storage::DeviceRecord> devices = store.accounts.devices(user_id);
    if (auto all = by_device.find("*"); all != by_device.end()) {
      for (const storage::DeviceRecord& d : devices) content_of[d.device_id] = &all->second;
    }
    for (const auto& [device_id, content] : by_device) {
      if (device_id == "*") continue;
      const bool exists = std::any_of(devices.begin(), devices.end(),
                                      [&](const auto& d) { return d.device_id == device_id; });
      if (exists) content_of[device_id] = &content;
    }
    for (const auto& [device_id, content] : content_of) {
      bj::object event{{"type", type}, {"sender", sender}, {"content", *content}};
      rows.push_back({user_id, device_id, bj::serialize(event)});
    }
  }
  return rows;
}

std::vector<std::string> recipients(const std::vector<storage::InboxMessage>& rows) {
  std::set<std::string> users;
  for (const storage::InboxMessage& row : rows) users.insert(row.user_id);
  return {users.begin(), users.end()};
}

}  // namespace

asio::awaitable<void> DeviceMessages::send(std::string sender, std::string sender_device,
                                           std::string type, std::string txn_id,
                                           bj::object messages) {
  Addressed addressed = parse_messages(messages, ids::UserIdGrammar::kHistorical);
  Addressed local;
  std::map<std::string, bj::object> remote;  // server → its EDU's messages
  for (auto& [user_id, by_device] : addressed) {
    const std::string server = server_of(user_id);
    if (server == ctx_.server_name()) {
      local[user_id] = std::move(by_device);
      continue;
    }
    bj::object devices;
    for (auto& [device_id, content] : by_device) devices[device_id] = std::move(content);
    remote[server][user_id] = std::move(devices);
  }

  storage::Store& store = ctx_.store;
  storage::DeliveryKey key{"", sender + " " + sender_device, txn_id};
  auto deliver = [&store, key, sender, type, local, now = ctx_.now_ms()] {
    std::vector<storage::InboxMessage> rows = local_deliveries(store, sender, type, local);
    const bool delivered = store.device_inbox.deliver(key, rows, now).has_value();
    return std::make_pair(delivered, recipients(rows));
  };
  auto [delivered, woken] = co_await ctx_.db(std::move(deliver));
  if (!delivered) co_return;  // a retried transaction: done the first time
  if (!woken.empty()) ctx_.notifier.notify(woken);

  for (auto& [server, server_messages] : remote) {
    if (!remote_sender_) {
      log::warn(kLog, "to-device message for {} dropped: federation is not running", server);
      continue;
    }
    bj::object content{{"sender", sender},
                       {"type", type},
                       {"message_id", random_token(24)},
                       {"messages", std::move(server_messages)}};
    bj::object edu{{"edu_type", "m.direct_to_device"}, {"content", std::move(content)}};
    co_await remote_sender_(server, std::move(edu));
  }
}

asio::awaitable<void> DeviceMessages::receive(std::string origin, bj::object content) {
  const auto sender = json::find_string(content, "sender");
  const auto type = json::find_string(content, "type");
  const auto message_id = json::find_string(content, "message_id");
  const bj::object* messages = json::find_object(content, "messages");
  if (!sender || !type || type->empty() || !message_id || message_id->empty() || !messages) {
    log::debug(kLog, "m.direct_to_device from {} without sender, type, message_id or messages",
               origin);
    co_return;
  }
  if (server_of(std::string(*sender)) != origin ||
      !ids::UserId::parse(*sender, ids::UserIdGrammar::kHistorical)) {
    log::debug(kLog, "m.direct_to_device from {} sent by {}: dropped", origin, *sender);
    co_return;
  }
  Addressed local;
  try {
    for (auto& [user_id, by_device] : parse_messages(*messages, ids::UserIdGrammar::kHistorical)) {
      if (server_of(user_id) == ctx_.server_name()) local[user_id] = std::move(by_device);
    }
  } catch (const MatrixError& e) {
    log::debug(kLog, "m.direct_to_device from {}: {}", origin, e.what());
    local.clear();
  }
  if (local.empty()) co_return;
  storage::Store& store = ctx_.store;
  storage::DeliveryKey key{origin, std::string(*sender), std::string(*message_id)};
  auto deliver = [&store, key, sender = std::string(*sender), type = std::string(*type), local,
                  now = ctx_.now_ms()] {
    std::vector<storage::InboxMessage> rows = local_deliveries(store, sender, type, local);
    if (!store.device_inbox.deliver(key, rows, now)) return std::vector<std::string>{};
    return recipients(rows);
  };
  std::vector<std::string> woken = co_await ctx_.db(std::move(deliver));
  if (!woken.empty()) ctx_.notifier.notify(woken);
}

asio::awaitable<void> DeviceMessages::forget_old_deliveries() {
  storage::Store& store = ctx_.store;
  const std::int64_t now = ctx_.now_ms();
  auto forget = [&store, now] {
    return store.device_inbox.forget_deliveries_before(now - kRememberDeliveriesMs, now);
  };
  const std::int64_t forgotten = co_await ctx_.db(std::move(forget));
  if (forgotten > 0) log::info(kLog, "forgot {} delivery keys older than a week", forgotten);
}

ToDeviceSync to_device_for_sync(storage::Store& store, const std::string& user_id,
                                const std::string& device_id, std::int64_t after,
                                std::int64_t up_to) {
  if (after > 0 && store.device_inbox.has_through(user_id, device_id, after)) {
    store.device_inbox.delete_through(user_id, device_id, after);
  }
  ToDeviceSync sync;
  sync.delivered_through = up_to;
  storage::DeviceInboxStore::Pending pending =
      store.device_inbox.pending(user_id, device_id, after, up_to, DeviceMessages::kMaxPerSync);
  for (const std::string& message : pending.messages_json) {
    boost::system::error_code error;
    bj::value event = bj::parse(message, error);
    if (!error && event.is_object()) sync.events.push_back(std::move(event));
  }
  if (pending.more) sync.delivered_through = pending.last_stream_id;
  return sync;
}

}  // namespace myelin::services
