#!/bin/sh
# coso-entrypoint SERVICE COMMAND [ARGS...]: run `coso-SERVICE COMMAND` (api, worker, migrate,
# dead-letters ...). With COSO_MIGRATE_BEFORE_API=true an api first migrates its database
# (compose has no migration job; the Helm chart runs one and leaves this off).
set -eu
[ $# -ge 2 ] || { echo "usage: coso-entrypoint registry|admissions|reporting|notifications api|worker|migrate" >&2; exit 2; }
service=$1; shift
case "$service" in
  registry|admissions|reporting|notifications) ;;
  *) echo "coso-entrypoint: unknown service '$service'" >&2; exit 2 ;;
esac
if [ "$1" = api ] && [ "${COSO_MIGRATE_BEFORE_API:-false}" = true ]; then
  "coso-$service" migrate
fi
exec "coso-$service" "$@"
