#!/usr/bin/env bash
# bench/run.sh: Archway and real Keystone 22 / Glance 25 under the same load, one after the other on the same ports
# (127.0.0.1:5000 and :9292), then a table of both with the ratio Archway/real, appended to bench/RESULTS.md.
#
#   bench/run.sh                  both (real needs REAL_UP, default ../shared/anchors/openstack-real/up.sh)
#   TARGETS=archway bench/run.sh  Archway only (no ratios)
#   ENGINES="sqlite mysql postgres" bench/run.sh
#                                 Archway once per database engine (MariaDB and PostgreSQL started and given fresh
#                                 databases by tests/databases/start.sh; root needed); on the extra engines only the
#                                 token, project, catalog and image-list scenarios run
#
# Tunables pass through to measure.sh (CONNS, DURATION, WARMUP, BIG_MB, BIG_RUNS, CLI_RUNS, REVOCATIONS,
# REVOKE_SECONDS, SKIP_*). BENCH_STATE (default /var/tmp/archway-bench) holds the published Archway, its data directory,
# the big file and the raw results; IDENTITY_PORT and IMAGE_PORT (default 5000 and 9292) move Archway's ports (the real
# services always take 5000 and 9292).
# Run it on an otherwise idle machine: every number is a whole-machine measurement.
set -euo pipefail
export LC_ALL=C.UTF-8
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
TARGETS=${TARGETS:-archway real}
ENGINES=${ENGINES:-sqlite}
REAL_UP=${REAL_UP:-$repo/../shared/anchors/openstack-real/up.sh}
REAL_DOWN=${REAL_DOWN:-$(dirname "$REAL_UP")/down.sh}
REAL_ENV=${REAL_ENV:-/tmp/anchors/real-openstack.env}
state=${BENCH_STATE:-/var/tmp/archway-bench}
export BENCH_STATE=$state
IDENTITY_PORT=${IDENTITY_PORT:-5000}
IMAGE_PORT=${IMAGE_PORT:-9292}
results=$state/results-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }

for tool in wrk jq curl openstack; do
  if ! command -v "$tool" >/dev/null; then
    [ "$(id -u)" = 0 ] || { echo "bench: $tool is missing (apt-get install wrk jq curl python3-openstackclient)" >&2; exit 1; }
    # A fresh machine has no package lists yet.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk jq curl python3-openstackclient >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk jq curl python3-openstackclient >/dev/null; }
    break
  fi
done

# wait_ready PORT PATH SECONDS: until GET PATH on 127.0.0.1:PORT answers 2xx or 3xx. Each try is a GET over bash's
# own /dev/tcp and each pause a read timeout, so polling starts no process: the start-up timing polled with curl, grep
# and date every 20 ms before, which took about 0.2 s of CPU from Archway's start on a 2-core machine (~0.95 s measured
# that way, ~0.75 s this way, same build, same data).
wait_ready() {
  local deadline=$((SECONDS + $3)) status nap
  exec {nap}<> <(:)
  while ((SECONDS < deadline)); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
      printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
      status=
      IFS= read -r -t 2 status <&3 || :
      exec 3<&- 3>&-
      if [[ $status =~ ^HTTP/1\.[01]\ [23] ]]; then
        exec {nap}<&-
        return 0
      fi
    fi
    read -r -t 0.005 -u "$nap" || :
  done
  exec {nap}<&-
  return 1
}

# fresh_databases ENGINE: empty keystone and glance databases for the bench; prints their two SQLAlchemy URLs
fresh_databases() {
  eval "$("$repo/tests/databases/start.sh" 2>/dev/null)"
  local service
  for service in keystone glance; do
    if [ "$1" = mysql ]; then
      mariadb -e "DROP DATABASE IF EXISTS archway_test_bench_$service; CREATE DATABASE archway_test_bench_$service;"
      echo "mysql+pymysql://archway_test:archway_test@127.0.0.1:3306/archway_test_bench_$service"
    else
      runuser -u postgres -- psql -qtA -c "DROP DATABASE IF EXISTS archway_test_bench_$service" -c "CREATE DATABASE archway_test_bench_$service OWNER archway_test" >/dev/null
      echo "postgresql://archway_test:archway_test@127.0.0.1:5432/archway_test_bench_$service"
    fi
  done
}

# The md5+sha512 yardstick for uploads (measure.sh runs it beside the plain copy): built once, in Release.
if [ "${SKIP_BIG:-0}" != 1 ]; then
  log "building the md5+sha512 yardstick (bench/Archway.Benchmarks)"
  dotnet build "$here/Archway.Benchmarks/Archway.Benchmarks.csproj" -c Release -o "$state/benchmarks" -v quiet -nologo >&2
  export HASH_BENCH="dotnet $state/benchmarks/Archway.Benchmarks.dll"
fi

run_archway() {
  log "building Archway"
  # As run.sh runs it: ReadyToRun, framework-dependent.
  dotnet publish "$repo/src/Archway/Archway.csproj" -c Release -r "$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')" \
    --self-contained false -p:PublishReadyToRun=true -o "$state/archway" -v quiet -nologo >&2
  local engine
  for engine in $ENGINES; do run_archway_on "$engine"; done
}

run_archway_on() {
  local engine=$1 data=$state/archway-data pid configs=() tsv=$results/archway.tsv
  rm -rf "$data"; mkdir -p "$data"
  export OS_USERNAME=admin OS_PASSWORD=ADMIN_PASS OS_PROJECT_NAME=admin
  if [ "$engine" != sqlite ]; then
    local urls
    mapfile -t urls < <(fresh_databases "$engine")
    printf '[database]\nconnection = %s\n' "${urls[0]}" > "$data/keystone.conf"
    printf '[database]\nconnection = %s\n' "${urls[1]}" > "$data/glance-api.conf"
    configs=(--config "$data/keystone.conf" --image-config "$data/glance-api.conf")
    tsv=$results/archway-$engine.tsv
  fi
  log "Archway on $engine"
  start_archway() {
    dotnet "$state/archway/archway.dll" up --data-dir "$data" "${configs[@]}" --bootstrap-password ADMIN_PASS \
      --identity-port "$IDENTITY_PORT" --image-port "$IMAGE_PORT" > "$results/archway-$engine.log" 2>&1 &
    pid=$!
  }
  start_archway
  wait_ready "$IDENTITY_PORT" /v3 120 || { log "Archway did not start"; cat "$results/archway-$engine.log" >&2; exit 1; }
  kill -TERM "$pid"; wait "$pid" || true
  # Start-up on an existing data directory, to the first answer on /v3 (the issue's ≤ 1 s target).
  local run startups=()
  for run in 1 2 3; do
    local t0 t1
    t0=$EPOCHREALTIME; start_archway; wait_ready "$IDENTITY_PORT" /v3 60; t1=$EPOCHREALTIME
    startups+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')")
    [ "$run" = 3 ] || { kill -TERM "$pid"; wait "$pid" || true; }
  done
  wait_ready "$IMAGE_PORT" / 60
  sleep 2
  local endpoints=("http://127.0.0.1:$IDENTITY_PORT" "http://127.0.0.1:$IMAGE_PORT")
  if [ "$engine" = sqlite ]; then
    # nginx serves the big image's file from Archway's file store, beside Archway's own download of it.
    NGINX_FILE_DIR=$data/images "$here/measure.sh" "${endpoints[@]}" "$tsv" "$pid"
    if [ "${SKIP_REVOCATIONS:-0}" != 1 ] && command -v sqlite3 >/dev/null; then
      log "revocation events in Archway's database: $(sqlite3 "$data/keystone.db" 'SELECT count(*) FROM revocation_event' 2>&1)"
    fi
  else
    SKIP_BIG=1 SKIP_CLI=1 SKIP_REVOCATIONS=1 "$here/measure.sh" "${endpoints[@]}" "$tsv" "$pid"
  fi
  printf 'startup_ms\t1\t-\t%s\t-\t-\t-\t-\n' "$(printf '%s\n' "${startups[@]}" | sort -n | sed -n 2p)" >> "$tsv"
  kill -TERM "$pid"; wait "$pid" || true
}

run_real() {
  [ -x "$REAL_UP" ] || { log "no real OpenStack starter at $REAL_UP; skipping the baseline"; return; }
  log "starting real Keystone and Glance"
  "$REAL_UP" > "$results/real-up.log" 2>&1
  # shellcheck disable=SC1090
  . "$REAL_ENV"
  local pids
  pids="$(cat /run/openstack-anchor/keystone.pid) $(cat /run/openstack-anchor/glance-api.pid) $(cat /run/openstack-anchor/memcached.pid)"
  sleep 5
  NGINX_FILE_DIR=/var/lib/glance-anchor/images "$here/measure.sh" http://127.0.0.1:5000 http://127.0.0.1:9292 "$results/real.tsv" "$pids" || true
  "$REAL_DOWN" >/dev/null 2>&1 || true
}

for target in $TARGETS; do "run_$target"; done

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
{
  echo
  echo "## $(date -u +%Y-%m-%d) · commit $commit · $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') × $(nproc) · $(free -g | awk '/Mem:/ { print $2 }') GiB"
  echo
  echo "Archway: $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), ReadyToRun, file store, databases: ${ENGINES// /, } (SQLite unless the table says otherwise). Real: $(dpkg-query -W -f='keystone ${Version}, glance ' keystone 2>/dev/null)$(dpkg-query -W -f='${Version}' glance 2>/dev/null) (4 uwsgi workers, memcached, SQLite). wrk threads ${THREADS:-2}, ${DURATION:-10} s per measurement after ${WARMUP:-3} s warm-up. Load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) (anything but an idle machine skews every figure)."
  echo
  if [ -f "$results/archway.tsv" ]; then
    python3 "$here/compare.py" "$results/archway.tsv" "$results/real.tsv"
  fi
  for engine in $ENGINES; do
    [ "$engine" != sqlite ] || continue
    echo
    echo "Archway on $engine (the database server's own CPU is not counted in Archway's columns) against the same real run:"
    echo
    python3 "$here/compare.py" "$results/archway-$engine.tsv" "$results/real.tsv"
  done
} | tee -a "$here/RESULTS.md"
log "raw results in $results"
