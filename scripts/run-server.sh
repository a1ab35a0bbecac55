#!/bin/sh
# `make run`: serve a development homeserver for `localhost` on http://127.0.0.1:8008 with
# embedded SQLite in ./var. The config is generated on first use and then left alone (edit it
# freely); registration is open in it, since only this machine can reach the server. Rate
# limits are Synapse's defaults except registration: developers create many test accounts.
set -eu
build_dir=${1:-build}
mkdir -p var
if [ ! -f var/homeserver.yaml ]; then
  "$build_dir/myelin" generate-config --server-name localhost --listen 127.0.0.1:8008 \
    --data-dir "$(pwd)/var" -o var/homeserver.yaml
  cat >> var/homeserver.yaml <<'YAML'

# Development server on loopback: anyone on this machine may register.
registration: {mode: open}
# Synapse's default (0.17/s, burst 3) would stop a developer's scripts after three accounts.
rc_registration: {per_second: 1, burst_count: 30}
YAML
fi
exec "$build_dir/myelin" serve --config var/homeserver.yaml
