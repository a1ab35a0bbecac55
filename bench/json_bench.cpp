// Canonical JSON encode and parse throughput (MB/s) on an event-sized and a sync-sized document.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/bench_documents.hpp"
#include "protocol/json/canonical.hpp"
#include "protocol/json/parse.hpp"

namespace {

using myelin::bench::sample_event;
using myelin::bench::sample_sync;

void encode(benchmark::State& state, const boost::json::value& document) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out = myelin::json::encode_canonical(document);
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

void parse(benchmark::State& state, const boost::json::value& document) {
  const std::string text = myelin::json::encode_canonical(document);
  for (auto _ : state) {
    auto value = myelin::json::parse(text);
    if (!value) state.SkipWithError(value.error().c_str());
    benchmark::DoNotOptimize(value);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_CanonicalEncodeEvent(benchmark::State& state) { encode(state, sample_event()); }
void BM_CanonicalEncodeSync(benchmark::State& state) { encode(state, sample_sync()); }
void BM_ParseEvent(benchmark::State& state) { parse(state, sample_event()); }
void BM_ParseSync(benchmark::State& state) { parse(state, sample_sync()); }

BENCHMARK(BM_CanonicalEncodeEvent);
BENCHMARK(BM_CanonicalEncodeSync)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseEvent);
BENCHMARK(BM_ParseSync)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
