#!/bin/sh
# Starts the fleet's Redis with a password, for the `redis` service of docker-compose.yml.
# The password comes from REDIS_PASSWORD (.env) and goes into a config file readable by Redis only,
# not onto the command line, where every user of the host would see it in `ps`.
# Extra arguments are passed on to redis-server.
set -eu

fail() {
  printf 'redis: %s\n' "$*" >&2
  exit 2
}

case "${REDIS_PASSWORD:-}" in
  '') fail 'REDIS_PASSWORD is required in .env; REDIS_URL carries the same password: redis://:<REDIS_PASSWORD>@redis:6379' ;;
  # It is also part of REDIS_URL, where other characters would need percent-encoding.
  *[!A-Za-z0-9._~-]*) fail "REDIS_PASSWORD: use only letters, digits, '-', '_', '.' or '~' (it is part of REDIS_URL)" ;;
esac
[ "${#REDIS_PASSWORD}" -ge 16 ] || fail 'REDIS_PASSWORD: at least 16 characters (Redis may be published to the LAN for an edge worker)'

conf="${TMPDIR:-/tmp}/mikrosync-redis.conf"
umask 077
printf 'requirepass "%s"\n' "$REDIS_PASSWORD" >"$conf"
# The image's entrypoint runs redis-server as the `redis` user: it must be able to read the file.
if [ "$(id -u)" = 0 ]; then chown redis "$conf"; fi

# BullMQ requires noeviction: an evicted key is a lost job or a broken queue. AOF so that queued
# jobs survive a Redis restart.
exec docker-entrypoint.sh redis-server "$conf" --appendonly yes --maxmemory-policy noeviction "$@"
