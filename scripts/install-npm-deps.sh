#!/usr/bin/env bash
# Installs the npm packages of the matrix-js-sdk end-to-end tests (tests/e2e/js) from the
# committed package-lock.json. Node and npm come from Debian when missing.
# Idempotent and quiet: does nothing (and needs no network) when node_modules is newer than the
# lock file.
set -euo pipefail

js_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/js" && pwd)"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "install-npm-deps: installing nodejs npm"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends nodejs npm
fi

# npm ci deletes and rebuilds node_modules, so it runs only when the lock file changed since.
if [ ! -d "$js_dir/node_modules" ] || [ "$js_dir/package-lock.json" -nt "$js_dir/node_modules" ]; then
  echo "install-npm-deps: npm ci in tests/e2e/js"
  (cd "$js_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  # npm ci may keep the directory's old mtime; mark it as at least as new as the lock file.
  touch "$js_dir/node_modules"
fi
