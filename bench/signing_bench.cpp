// Event hashing + signing per second, and JSON signature verification per second compared with a
// bare libsodium crypto_sign_verify_detached over a message of the same size: the difference is
// what canonicalisation and signature look-up cost on top of ed25519 itself.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <string>

#include "base/base64.hpp"
#include "bench/bench_documents.hpp"
#include "protocol/crypto/json_signing.hpp"
#include "protocol/crypto/signing_key.hpp"
#include "protocol/events/event_signing.hpp"
#include "protocol/room_versions/room_version.hpp"

namespace {

using namespace myelin;

const crypto::SigningKey& bench_key() {
  static const auto kKey = crypto::SigningKey::from_seed(std::string(32, '\x2a'), "bench");
  return *kKey;
}

boost::json::object unsigned_event() {
  boost::json::object event = bench::sample_event();
  event.erase("hashes");
  event.erase("signatures");
  return event;
}

// Content hash, redaction and ed25519 signature of a fresh copy, as sending an event does.
void BM_EventHashAndSign(benchmark::State& state) {
  const RoomVersion& version = *find_room_version("10");
  const boost::json::object event = unsigned_event();
  for (auto _ : state) {
    boost::json::object copy = event;
    events::sign_event(copy, "example.org", bench_key(), version);
    benchmark::DoNotOptimize(copy);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_JsonVerify(benchmark::State& state) {
  boost::json::object event = unsigned_event();
  crypto::sign_json(event, "example.org", bench_key());
  const std::string key_id = bench_key().key_id();
  for (auto _ : state) {
    auto ok = crypto::verify_json(event, "example.org", key_id, bench_key().public_key());
    if (!ok) state.SkipWithError(ok.error().c_str());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["message_bytes"] = static_cast<double>(crypto::signable_json(event).size());
}

// The same message and signature, verified by libsodium alone.
void BM_RawEd25519Verify(benchmark::State& state) {
  const boost::json::object event = unsigned_event();
  const std::string message = crypto::signable_json(event);
  const std::string signature = bench_key().sign(message);
  const auto* key = reinterpret_cast<const unsigned char*>(bench_key().public_key().data());
  for (auto _ : state) {
    int rc = crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                         reinterpret_cast<const unsigned char*>(message.data()),
                                         message.size(), key);
    if (rc != 0) state.SkipWithError("raw verify failed");
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["message_bytes"] = static_cast<double>(message.size());
}

BENCHMARK(BM_EventHashAndSign);
BENCHMARK(BM_JsonVerify);
BENCHMARK(BM_RawEd25519Verify);

}  // namespace

BENCHMARK_MAIN();
