#!/bin/sh
# Runs once, on an empty data volume, as the container's superuser (postgres image's
# /docker-entrypoint-initdb.d). Two roles, so the application cannot change its own logs:
#   ipgar_owner  owns the database and its tables; only `migrate` (and grant_runtime_role) log in as it.
#   ipgar_app    the web application, worker and beat: no ownership, no superuser; after every
#                migrate, `manage.py grant_runtime_role ipgar_app` grants read/write on the
#                application's tables and only SELECT and INSERT on the append-only logs.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v owner_password="$IPGAR_DB_OWNER_PASSWORD" -v app_password="$IPGAR_DB_APP_PASSWORD" <<'SQL'
CREATE ROLE ipgar_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE ipgar_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'app_password';
CREATE DATABASE ipgar OWNER ipgar_owner;
REVOKE ALL ON DATABASE ipgar FROM PUBLIC;
GRANT CONNECT ON DATABASE ipgar TO ipgar_owner, ipgar_app;
\connect ipgar
ALTER SCHEMA public OWNER TO ipgar_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
