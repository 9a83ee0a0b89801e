#!/bin/sh
# PostgreSQL container init: one database per coso service, owned by POSTGRES_USER.
set -eu
for service in registry admissions reporting notifications; do
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -c "CREATE DATABASE coso_$service OWNER \"$POSTGRES_USER\";"
done
