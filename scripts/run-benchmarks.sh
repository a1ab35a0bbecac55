#!/usr/bin/env bash
# Runs every myelin benchmark in BUILD_DIR (building them first), then the same work in Python
# (canonicaljson, signedjson) and prints the figures side by side. Figures, not gates.
#
# Usage: scripts/run-benchmarks.sh [BUILD_DIR]
#   env BENCH_MIN_TIME: seconds per benchmark run, BENCH_REPETITIONS: runs per benchmark
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
python=/usr/bin/python3  # Debian's python3-canonicaljson / python3-signedjson live here
min_time="${BENCH_MIN_TIME:-0.3}"
repetitions="${BENCH_REPETITIONS:-3}"  # medians: the machine may be shared

cmake --build "$build" --target myelin_benchmarks
results=()
for bench in "$build"/bench/*_bench; do
  name="$(basename "$bench")"
  echo "== $name"
  "$bench" --benchmark_min_time="$min_time" --benchmark_repetitions="$repetitions" \
    --benchmark_report_aggregates_only=true --benchmark_out="$build/bench/$name.json" \
    --benchmark_out_format=json
  results+=("$build/bench/$name.json")
done
echo "== python (Synapse's libraries) on the same documents"
"$python" "$root/bench/python_compare.py" "$build/bench/myelin_bench_documents" "${results[@]}"
"$root/scripts/run-load-bench.sh" "$build"  # issue 3: the homeserver under load (bench/load)
