#!/usr/bin/env bash
# What the test suite needs beyond Python packages, set up on a fresh machine:
# PostgreSQL running on 127.0.0.1:5432 with its client tools (pg_dump, pg_restore), Redis on
# 127.0.0.1:6379 (the shared rate limit), Debian's Chromium (never a downloaded browser) and
# axe-core.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

if ! command -v pg_dump >/dev/null || ! command -v pg_restore >/dev/null; then
  echo "installing Debian's postgresql-client (corredor db backup/restore)"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql-client
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if ! command -v redis-server >/dev/null; then
    echo "installing Debian's redis-server"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server
  fi
  echo "starting Redis"
  redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi

if ! command -v chromium >/dev/null; then
  echo "installing Debian's chromium"
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi

if [ ! -f web-tests/node_modules/axe-core/axe.min.js ]; then
  npm ci --prefix web-tests --no-audit --no-fund
fi
