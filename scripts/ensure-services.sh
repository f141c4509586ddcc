#!/usr/bin/env bash
# Starts the local services the tests and the demo need when they are not running:
# PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379). Installs them from Debian's
# packages only when they are missing altogether.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! command -v pg_isready >/dev/null || ! ls /etc/postgresql >/dev/null 2>&1; then
  echo "installing PostgreSQL"; apt_install postgresql
fi
if ! pg_up; then
  echo "starting PostgreSQL"
  for v in $(ls /etc/postgresql); do as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
if ! command -v redis-server >/dev/null; then echo "installing Redis"; apt_install redis-server; fi
# The Redis topology tests start their own servers, sentinels (redis-server --sentinel) and a
# cluster (redis-cli --cluster create): redis-cli comes with redis-tools.
if ! command -v redis-cli >/dev/null; then echo "installing redis-tools"; apt_install redis-tools; fi
if ! redis_up; then
  echo "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do redis_up && break; sleep 0.5; done
fi
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

# OpenSSH: the stock XML tests start their own sshd (tests/support/sshd.ts); installed, not started.
if ! command -v sshd >/dev/null && [ ! -x /usr/sbin/sshd ]; then
  echo "installing OpenSSH"; apt_install openssh-server openssh-client
fi
echo "services: PostgreSQL and Redis are up"
