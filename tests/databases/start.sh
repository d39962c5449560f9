#!/usr/bin/env bash
# Starts the MariaDB and PostgreSQL servers the test suites run against (Debian packages mariadb-server and
# postgresql, installed by test.sh) and creates their databases. Idempotent; runs as root on a machine without
# systemd. Creates, as the install guide does:
#   MariaDB: keystone and glance databases with the guide's exact CREATE DATABASE and GRANT statements;
#   PostgreSQL: keystone and glance roles and databases with the same passwords;
# and on both a role archway_test (password archway_test) that may create the per-fixture databases archway_test_*.
# Prints the URLs the tests read, as shell assignments: eval "$(tests/databases/start.sh)".
set -euo pipefail

log() { echo "databases: $*" >&2; }

start_mariadb() {
  if ! mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    log "starting MariaDB"
    service mariadb start >&2 || true
    for _ in $(seq 1 60); do
      mariadb-admin --protocol=socket ping >/dev/null 2>&1 && break
      sleep 0.5
    done
    mariadb-admin --protocol=socket ping >/dev/null 2>&1 || { log "MariaDB did not start"; exit 1; }
  fi
  for service in keystone glance; do
    local password
    password="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DBPASS"
    if ! mariadb -N -e "SHOW DATABASES LIKE '$service'" | grep -qx "$service"; then
      # The guide's statements, verbatim.
      mariadb -e "CREATE DATABASE $service;
GRANT ALL PRIVILEGES ON $service.* TO '$service'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON $service.* TO '$service'@'%' IDENTIFIED BY '$password';"
    fi
  done
  mariadb -e "CREATE USER IF NOT EXISTS 'archway_test'@'localhost' IDENTIFIED BY 'archway_test';
CREATE USER IF NOT EXISTS 'archway_test'@'127.0.0.1' IDENTIFIED BY 'archway_test';
GRANT ALL PRIVILEGES ON \`archway\\_test\\_%\`.* TO 'archway_test'@'localhost';
GRANT ALL PRIVILEGES ON \`archway\\_test\\_%\`.* TO 'archway_test'@'127.0.0.1';
SET GLOBAL max_connections = 1000;"
}

start_postgres() {
  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
    pg_createcluster "$version" main >&2
  fi
  if ! pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $4}' | grep -qx online; then
    log "starting PostgreSQL $version"
    pg_ctlcluster "$version" main start >&2
  fi
  for _ in $(seq 1 60); do
    runuser -u postgres -- psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.5
  done
  psql_postgres() { runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA "$@"; }
  for service in keystone glance; do
    local password
    password="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DBPASS"
    if [ -z "$(psql_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$service'")" ]; then
      psql_postgres -c "CREATE ROLE $service LOGIN PASSWORD '$password'"
    fi
    if [ -z "$(psql_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$service'")" ]; then
      psql_postgres -c "CREATE DATABASE $service OWNER $service"
    fi
  done
  if [ -z "$(psql_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'archway_test'")" ]; then
    psql_postgres -c "CREATE ROLE archway_test LOGIN PASSWORD 'archway_test' CREATEDB"
  fi
}

start_mariadb
start_postgres
echo "export ARCHWAY_TEST_MYSQL_URL='mysql+pymysql://archway_test:archway_test@127.0.0.1:3306/archway_test'"
echo "export ARCHWAY_TEST_POSTGRES_URL='postgresql://archway_test:archway_test@127.0.0.1:5432/archway_test'"
