#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in BUILD_DIR (default build-fuzz) and runs each for
# SECONDS (default 30) from its committed seed corpus (fuzz/corpus/<target>/). New corpus entries go
# to BUILD_DIR/fuzz-corpus/<target>/, crash reproducers to BUILD_DIR/fuzz-artifacts/<target>/.
# Exits non-zero when any target crashes, leaks, times out or runs out of memory.
#
# Usage: scripts/run-fuzzers.sh [SECONDS] [BUILD_DIR]   (env JOBS: build parallelism, default 2)
set -euo pipefail

seconds="${1:-30}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${2:-$root/build-fuzz}"
jobs="${JOBS:-2}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DMYELIN_FUZZ=ON -DMYELIN_TESTS=OFF -DMYELIN_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j "$jobs" --target myelin_fuzzers

failed=()
for target in "$build"/fuzz/*_fuzz; do
  name="$(basename "$target")"
  corpus="$build/fuzz-corpus/$name"
  artifacts="$build/fuzz-artifacts/$name/"
  mkdir -p "$corpus" "$artifacts"
  seeds=()
  [ -d "$root/fuzz/corpus/$name" ] && seeds=("$root/fuzz/corpus/$name")
  echo "== $name: ${seconds}s"
  if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -dict="$root/fuzz/json.dict" -artifact_prefix="$artifacts" "$corpus" "${seeds[@]}" \
      >"$build/fuzz-artifacts/$name.log" 2>&1; then
    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^Done" "$build/fuzz-artifacts/$name.log" || true
  else
    echo "!! $name FAILED; log: $build/fuzz-artifacts/$name.log"
    grep -E "ERROR|SUMMARY|Test unit written|==[0-9]+==" "$build/fuzz-artifacts/$name.log" | head -20
    failed+=("$name")
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzzers failed: ${failed[*]}"
  exit 1
fi
echo "all fuzzers ran ${seconds}s without a crash"
