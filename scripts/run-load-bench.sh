#!/usr/bin/env bash
# Issue 3 item 7: starts a fresh `myelin serve` (temporary data dir, SQLite, open registration,
# loopback, any free port), drives it with bench/load's myelin_loadgen and prints the figures
# beside the issue's goals: messages/s, /sync wake-up latency, initial sync, idle and peak RSS.
# Figures, not gates: the numbers depend on the (shared, 2-core) machine.
#
# Usage: scripts/run-load-bench.sh [BUILD_DIR] [-- LOADGEN_ARGS...]
#   e.g. scripts/run-load-bench.sh build -- --duration 5 --wakeup-samples 200
#   env LOAD_BENCH_KEEP=1 keeps the temporary directory (config, data, server log);
#       LOAD_BENCH_BUILD=0 uses the binaries already in BUILD_DIR instead of building them.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then build="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
loadgen_args=("$@")

if [ "${LOAD_BENCH_BUILD:-1}" != 0 ]; then
  cmake --build "$build" --target myelin myelin_loadgen
fi
myelin="$build/myelin"
loadgen="$build/bench/myelin_loadgen"

tmp="$(mktemp -d -t myelin-load-bench.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${LOAD_BENCH_KEEP:-0}" = 1 ]; then
    echo "load bench: kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# A field of /proc/PID/status in MB with one decimal ("VmRSS", "VmHWM").
proc_mb() {
  awk -v key="$2:" '$1 == key { printf "%.1f", $2 / 1024 }' "/proc/$1/status"
}

echo "== load bench: myelin serve (SQLite, temporary data dir)"
"$myelin" generate-config --server-name localhost --listen 127.0.0.1:0 --data-dir "$tmp/data" \
  -o "$tmp/homeserver.yaml" >/dev/null
cat >>"$tmp/homeserver.yaml" <<'YAML'
registration: {mode: open}
# The benchmark registers many users and sends thousands of messages from one address: limits
# it never reaches, so that it measures the server rather than its rate limits.
rc_message: {per_second: 1000000, burst_count: 1000000}
rc_registration: {per_second: 1000000, burst_count: 1000000}
rc_login: {address: {per_second: 1000000, burst_count: 1000000}, account: {per_second: 1000000, burst_count: 1000000}, failed_attempts: {per_second: 1000000, burst_count: 1000000}}
rc_joins: {local: {per_second: 1000000, burst_count: 1000000}, remote: {per_second: 1000000, burst_count: 1000000}}
rc_invites: {per_room: {per_second: 1000000, burst_count: 1000000}, per_user: {per_second: 1000000, burst_count: 1000000}, per_issuer: {per_second: 1000000, burst_count: 1000000}}
YAML

# The server announces its port on stdout once it listens: read that line through a FIFO, with
# a timeout, and keep the FIFO open afterwards so that later writes never hit a closed pipe.
mkfifo "$tmp/stdout"
"$myelin" serve --config "$tmp/homeserver.yaml" >"$tmp/stdout" 2>"$tmp/server.log" &
server_pid=$!
exec {server_out}<"$tmp/stdout"
url=""
deadline=$((SECONDS + 20))
while [ -z "$url" ] && [ "$SECONDS" -lt "$deadline" ] &&
  IFS= read -r -t "$((deadline - SECONDS))" line <&"$server_out"; do
  if [[ "$line" =~ ^myelin:\ serving\ .*(http://[^[:space:]]+) ]]; then
    url="${BASH_REMATCH[1]}"
  fi
done
if [ -z "$url" ]; then
  echo "load bench: myelin serve did not announce a listener within 20 s; its log ends:" >&2
  tail -n 20 "$tmp/server.log" >&2
  exit 1
fi
echo "server: $url (pid $server_pid)"
idle_mb="$(proc_mb "$server_pid" VmRSS)"
echo "server VmRSS idle MB: $idle_mb  (goal < 30)"

status=0
"$loadgen" --url "$url" --server-pid "$server_pid" "${loadgen_args[@]}" || status=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "load bench: the server died during the run; its log ends:" >&2
  tail -n 20 "$tmp/server.log" >&2
  server_pid=""
  exit 1
fi
echo "== load bench: server memory"
echo "server VmRSS idle MB: $idle_mb  (goal < 30)"
echo "server VmRSS at end MB: $(proc_mb "$server_pid" VmRSS)"
echo "server VmHWM peak MB: $(proc_mb "$server_pid" VmHWM)"

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
echo "server exit status after SIGTERM: $server_status"
if [ "$status" -ne 0 ]; then
  echo "load bench: some scenarios failed (see '... failed:' lines above)" >&2
fi
exit "$status"
