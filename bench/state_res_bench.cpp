// State resolution on a 10,000-member room whose history forks into two branches of 100
// conflicting state events each (bench/state_room.hpp builds it once, outside the timing).
#include <benchmark/benchmark.h>

#include "bench/state_room.hpp"

namespace {

using myelin::bench::StateRoom;

// What building such a room costs: content hashes, reference hashes and event IDs of ~10,200
// events (no signatures).
void BM_BuildRoom10kMembers(benchmark::State& state) {
  for (auto _ : state) {
    StateRoom room = StateRoom::build(10000, 100);
    benchmark::DoNotOptimize(room.events.data());
    state.counters["events"] = static_cast<double>(room.events.size());
  }
}

// The authorisation rules on every event of the room, each against its auth events.
void BM_AuthCheckRoom10kMembers(benchmark::State& state) {
  static const StateRoom kRoom = StateRoom::build(10000, 100);
  for (auto _ : state) {
    auto ok = kRoom.check_auth_of_all_events();
    if (!ok) state.SkipWithError(ok.error().c_str());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kRoom.events.size()));
}

BENCHMARK(BM_BuildRoom10kMembers)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AuthCheckRoom10kMembers)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
