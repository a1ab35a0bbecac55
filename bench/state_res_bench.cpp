// State resolution on a 10,000-member room whose history forks into two branches of 100
// conflicting state events each (bench/state_room.hpp builds it once, outside the timing).
#include <benchmark/benchmark.h>

#include <array>

#include "bench/state_room.hpp"
#include "bench/state_room_source.hpp"
#include "protocol/room_versions/room_version.hpp"
#include "protocol/state_res/resolve.hpp"

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

// Resolves the two forks' states (v2 algorithm, room version 10): ~10,000 unconflicted members,
// conflicts in the power levels and in 50 memberships, 200 events in the auth difference.
void BM_ResolveState10kMembers200Conflicts(benchmark::State& state) {
  static const StateRoom kRoom = StateRoom::build(10000, 100);
  const myelin::bench::StateRoomSource source(kRoom);
  const std::array<myelin::state_res::StateMap, 2> sets{kRoom.fork_a, kRoom.fork_b};
  const myelin::RoomVersion& version = *myelin::find_room_version("10");
  std::size_t resolved_size = 0;
  for (auto _ : state) {
    auto resolved = myelin::state_res::resolve_state(version, sets, source);
    if (!resolved) {
      state.SkipWithError(resolved.error().c_str());
      break;
    }
    resolved_size = resolved->size();
  }
  state.counters["state_entries"] = static_cast<double>(resolved_size);
}

BENCHMARK(BM_BuildRoom10kMembers)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ResolveState10kMembers200Conflicts)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AuthCheckRoom10kMembers)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
