#!/bin/sh
# Creates the development Mikro database on SQL Server and its tables.
# Run by the one-shot `mssql-init` service of docker-compose.yml (image with mssql-tools18).
# Idempotent: the database is created only when missing and every DDL statement is guarded, so it
# runs on every `docker compose up`.
#
# Environment:
#   MSSQL_SA_PASSWORD   required, password of `sa`
#   MSSQL_HOST          server host (default mssql), MSSQL_PORT (default 1433)
#   MSSQL_DATABASE      database to create (default MikroDB_V15_02)
#   MIKRO_DDL           T-SQL file with GO batch separators (default /mikro-ddl/mikro-tables.sql)
#   SQLCMD              sqlcmd binary (default /opt/mssql-tools18/bin/sqlcmd)
#   MSSQL_INIT_RETRIES  connection attempts, 2 s apart, before giving up (default 60)
set -eu

SQLCMD=${SQLCMD:-/opt/mssql-tools18/bin/sqlcmd}
HOST=${MSSQL_HOST:-mssql}
PORT=${MSSQL_PORT:-1433}
DATABASE=${MSSQL_DATABASE:-MikroDB_V15_02}
DDL=${MIKRO_DDL:-/mikro-ddl/mikro-tables.sql}
RETRIES=${MSSQL_INIT_RETRIES:-60}

log() { printf 'mssql-init: %s\n' "$*" >&2; }

if [ -z "${MSSQL_SA_PASSWORD:-}" ]; then
  log 'MSSQL_SA_PASSWORD is required'
  exit 2
fi
# The name is spliced into T-SQL below, so accept plain identifiers only.
case $DATABASE in
  '' | *[!A-Za-z0-9_]*)
    log "MSSQL_DATABASE must be letters, digits and _ only, got: $DATABASE"
    exit 2
    ;;
esac
if [ ! -r "$DDL" ]; then
  log "cannot read the DDL file $DDL"
  exit 2
fi
if [ ! -x "$SQLCMD" ]; then
  log "sqlcmd not found at $SQLCMD (expected mssql-tools18)"
  exit 2
fi

# sqlcmd takes the password from SQLCMDPASSWORD, which keeps it out of `ps` output.
SQLCMDPASSWORD=$MSSQL_SA_PASSWORD
export SQLCMDPASSWORD

# -C  trust the server certificate (tools18 encrypts by default; the dev server's cert is self-signed)
# -b  exit with an error code when a statement fails, instead of carrying on
# -I  QUOTED_IDENTIFIER ON, as the application's driver uses (sqlcmd defaults to OFF)
# -l  login timeout in seconds
sql() {
  "$SQLCMD" -S "tcp:$HOST,$PORT" -U sa -C -b -I -l 10 "$@"
}

# depends_on waits for the healthcheck, but the server can still be finishing recovery of its
# databases (or this script runs by hand with `docker compose run`): retry before giving up.
attempt=1
until sql -d master -Q 'SET NOCOUNT ON; SELECT 1' > /dev/null 2>&1; do
  if [ "$attempt" -ge "$RETRIES" ]; then
    log "SQL Server at $HOST:$PORT did not accept a login after $RETRIES attempts; last error:"
    sql -d master -Q 'SELECT 1' > /dev/null || true
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done
log "SQL Server at $HOST:$PORT is up"

sql -d master -Q "SET NOCOUNT ON; IF DB_ID(N'$DATABASE') IS NULL BEGIN CREATE DATABASE [$DATABASE]; PRINT 'created database $DATABASE'; END ELSE PRINT 'database $DATABASE exists';"

# sqlcmd splits the file at the GO lines itself. -x: no $(var) substitution, the DDL is taken
# literally.
log "applying $DDL to $DATABASE"
sql -d "$DATABASE" -x -i "$DDL"
log 'done'
