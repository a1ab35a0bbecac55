#include "services/federation/received_pdus.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.hpp"
#include "protocol/events/content_hash.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/events/redaction.hpp"

namespace myelin::services {

namespace asio = boost::asio;
namespace bj = boost::json;

namespace {

// Events per CPU job: large enough that the hop to the pool is negligible, small enough that a
// big room's answer spreads over every worker.
constexpr std::size_t kChunk = 64;

std::int64_t key_validity_needed(const bj::object& event, const RoomVersion& version) {
  if (!version.enforce_key_validity) return 0;
  const bj::value* ts = event.if_contains("origin_server_ts");
  return ts && ts->is_int64() ? ts->as_int64() : 0;
}

// Every (server, key ID) the required signatures were made with.
void add_key_requests(const bj::object& event, const RoomVersion& version,
                      std::vector<KeyRequest>& out) {
  const bj::value* signatures = event.if_contains("signatures");
  if (!signatures || !signatures->is_object()) return;
  for (const std::string& server : events::required_signatures(event, version)) {
    const bj::value* by_server = signatures->as_object().if_contains(server);
    if (!by_server || !by_server->is_object()) continue;
    for (const auto& entry : by_server->as_object()) {
      out.push_back({server, std::string(entry.key()), key_validity_needed(event, version)});
    }
  }
}

// Steps 1–3 of "Checks performed on receipt of a PDU" with the keys already cached.
Expected<ReceivedPdu> check_one(const ServerKeys& keys, bj::object json,
                                const RoomVersion& version) {
  // The PDU keeps the JSON exactly as given, so the checks read it there: no copy of the event.
  auto parsed = events::Pdu::parse(std::move(json), version);
  if (!parsed) return fail("bad format: " + parsed.error());
  const bj::object& event = parsed->json();
  const std::int64_t valid_at = key_validity_needed(event, version);
  events::KeyLookup lookup = [&keys, valid_at](std::string_view server, std::string_view key_id) {
    return keys.cached_key(server, key_id, valid_at);
  };
  if (auto signed_ok = events::verify_event_signatures(event, version, lookup); !signed_ok) {
    return fail("bad signature: " + signed_ok.error());
  }
  if (!events::check_content_hash(event)) {
    std::string event_id = parsed->event_id();
    return std::make_shared<const events::Pdu>(
        events::Pdu::from_trusted(events::redact(event, version), version, std::move(event_id)));
  }
  return std::make_shared<const events::Pdu>(std::move(*parsed));
}

std::vector<Expected<ReceivedPdu>> check_chunk(const ServerKeys* keys,
                                               std::vector<bj::object> chunk,
                                               const RoomVersion* version) {
  std::vector<Expected<ReceivedPdu>> out;
  out.reserve(chunk.size());
  for (bj::object& json : chunk) out.push_back(check_one(*keys, std::move(json), *version));
  return out;
}

}  // namespace

asio::awaitable<Expected<ReceivedPdu>> check_received_pdu(ServiceContext& ctx, ServerKeys& keys,
                                                          bj::object json,
                                                          const RoomVersion& version) {
  std::vector<KeyRequest> wanted;
  add_key_requests(json, version, wanted);
  co_await keys.prefetch(std::move(wanted));
  const ServerKeys* key_source = &keys;
  const RoomVersion* room_version = &version;
  auto check = [key_source, json, room_version]() mutable {
    return check_one(*key_source, std::move(json), *room_version);
  };
  co_return co_await ctx.cpu(std::move(check));
}

asio::awaitable<std::vector<ReceivedPdu>> check_received_pdus(ServiceContext& ctx, ServerKeys& keys,
                                                              bj::array events,
                                                              const RoomVersion& version) {
  std::vector<KeyRequest> wanted;
  std::vector<std::vector<bj::object>> chunks;
  for (bj::value& value : events) {
    if (!value.is_object()) continue;
    add_key_requests(value.as_object(), version, wanted);
    if (chunks.empty() || chunks.back().size() == kChunk) chunks.emplace_back();
    chunks.back().push_back(std::move(value.as_object()));
  }
  std::sort(wanted.begin(), wanted.end(), [](const KeyRequest& a, const KeyRequest& b) {
    return std::tie(a.server_name, a.key_id) < std::tie(b.server_name, b.key_id);
  });
  wanted.erase(std::unique(wanted.begin(), wanted.end(),
                           [](const KeyRequest& a, const KeyRequest& b) {
                             return a.server_name == b.server_name && a.key_id == b.key_id;
                           }),
               wanted.end());
  co_await keys.prefetch(std::move(wanted));

  auto executor = co_await asio::this_coro::executor;
  using ChunkResult = std::vector<Expected<ReceivedPdu>>;
  using Operation = decltype(asio::co_spawn(executor, std::declval<asio::awaitable<ChunkResult>>(),
                                            asio::deferred));
  std::vector<Operation> operations;
  for (std::vector<bj::object>& chunk : chunks) {
    asio::awaitable<ChunkResult> job = ctx.cpu_pool.run(
        &check_chunk, static_cast<const ServerKeys*>(&keys), std::move(chunk), &version);
    operations.push_back(asio::co_spawn(executor, std::move(job), asio::deferred));
  }
  std::vector<ReceivedPdu> checked;
  if (operations.empty()) co_return checked;
  auto group = asio::experimental::make_parallel_group(std::move(operations));
  auto [order, failures, results] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  (void)order;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (failures[i]) std::rethrow_exception(failures[i]);
    for (Expected<ReceivedPdu>& result : results[i]) {
      if (result) {
        checked.push_back(std::move(*result));
      } else {
        log::warn("federation", "dropping an event of a received batch: {}", result.error());
      }
    }
  }
  co_return checked;
}

}  // namespace myelin::services
