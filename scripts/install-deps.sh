#!/usr/bin/env bash
# Installs every build and test dependency of myelin from Debian 12 packages.
# Idempotent: does nothing (and needs no network) when everything is already installed.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang clang-format lld
  # libraries (Boost 1.81, not the 1.74 default: Asio coroutines, Beast, JSON, URL)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsodium-dev libcrypt-dev libicu-dev libsqlite3-dev libpq-dev libc-ares-dev
  libyaml-cpp-dev libfmt-dev libspdlog-dev libcli11-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-canonicaljson python3-signedjson
  python3-yaml python3-aiohttp python3-matrix-nio python3-aiosmtpd
  # federation tests: a real DNS server (A and SRV records) and openssl for the test CA
  dnsmasq-base openssl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# matrix-js-sdk for the end-to-end tests (npm; a no-op when node_modules is current).
"$(dirname "${BASH_SOURCE[0]}")/install-npm-deps.sh"
