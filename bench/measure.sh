#!/usr/bin/env bash
# measure.sh IDENTITY_URL IMAGE_URL OUT.tsv "SERVER_PIDS"
#
# Drives the same load against any Keystone v3 + Glance v2 pair on loopback and writes one TSV row per measurement:
#   scenario  conns  rps  p50_ms  p99_ms  non2xx  cpu_s_per_1000  rss_mib  socket_errors
# (socket_errors: wrk's connect/read/write/timeout errors; a server that closes the connection after each response,
# as uwsgi does here, shows every request as a read error although its status was 2xx.)
# (cpu_s_per_1000: CPU seconds the server process trees spent per 1,000 requests; rss_mib: their largest resident
# memory during the measurement; for big uploads/downloads rps holds MiB/s; for `cli` p50_ms holds the median wall
# time of `openstack token issue`.) run.sh calls it once for Archway and once for real Keystone/Glance.
#
# Credentials from the environment: OS_USERNAME OS_PASSWORD OS_PROJECT_NAME (domain Default) and
# DEMO_USERNAME DEMO_PASSWORD DEMO_PROJECT_NAME (created with role DEMO_ROLE when missing, as the guide does).
# Tunables: CONNS="8 32" THREADS=2 DURATION=10 WARMUP=3 PASSWORD_WARMUP=20 PASSWORD_DURATION=30 (seconds, every
#           wrk run bounded by timeout)
#           BIG_MB=1024 BIG_RUNS=3 CLI_RUNS=3 SKIP_IMAGE=1 SKIP_BIG=1 SKIP_CLI=1 SKIP_REVOCATIONS=1
#           REVOCATIONS=10000 REVOKE_SECONDS=300 (revocation events created before token_validate is measured again)
#           REVOCATION_ROUNDS=3 (10 s windows per revocation row, before and after the events; the median is kept)
#           BENCH_STATE=/var/tmp/archway-bench (where the big file is kept between runs)
# Yardsticks beside the big upload and download, when set (run.sh sets them):
#   HASH_BENCH="dotnet .../Archway.Benchmarks.dll": md5+sha512 over the big file in one .NET process
#   NGINX_FILE_DIR=DIR: the server's image store (DIR/<image id>); nginx serves the file just downloaded from there
set -euo pipefail
export LC_ALL=C.UTF-8
here=$(cd "$(dirname "$0")" && pwd)
export BENCH_LUA=$here/lua

identity=${1%/}; identity=${identity%/v3}
image=${2%/}; image=${image%/v2}
out=$3
pids=$4
CONNS=${CONNS:-8 32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
BIG_MB=${BIG_MB:-1024}
BIG_RUNS=${BIG_RUNS:-3}
CLI_RUNS=${CLI_RUNS:-3}
export DEMO_USERNAME=${DEMO_USERNAME:-myuser} DEMO_PASSWORD=${DEMO_PASSWORD:-DEMO_PASS}
export DEMO_PROJECT_NAME=${DEMO_PROJECT_NAME:-myproject}
DEMO_ROLE=${DEMO_ROLE:-myrole}
BENCH_STATE=${BENCH_STATE:-/var/tmp/archway-bench}
work=$(mktemp -d)
nginx_pid=
trap '[ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null; rm -rf "$work"' EXIT

log() { echo "[measure $(date -u +%H:%M:%S)] $*" >&2; }
cpu() { "$here/proctree.py" cpu "$pids"; }

# token NAME PASSWORD [PROJECT] -> prints the X-Subject-Token of a password-method token
token() {
  local scope=''
  [ $# -ge 3 ] && scope=$(jq -nc --arg p "$3" '{project:{name:$p,domain:{name:"Default"}}}')
  jq -nc --arg u "$1" --arg p "$2" --argjson s "${scope:-null}" \
    '{auth:({identity:{methods:["password"],password:{user:{name:$u,domain:{name:"Default"},password:$p}}}} + (if $s then {scope:$s} else {} end))}' |
    curl -sf -m 60 -D - -o /dev/null -H 'Content-Type: application/json' -d @- "$identity/v3/auth/tokens" |
    tr -d '\r' | awk 'tolower($1) == "x-subject-token:" { print $2 }'
}
# api METHOD URL [JSON]: the response body; fails on a non-2xx status
api() {
  curl -sf -m 60 -X "$1" -H "X-Auth-Token: $ADMIN_TOKEN" -H 'Content-Type: application/json' ${3:+-d "$3"} "$2"
}

# wrk_row SCENARIO URL LUA: warm up, then measure at each connection count
wrk_row() {
  local scenario=$1 url=$2 lua=$3 conns cpu0 cpu1 result rss_file round rows count
  # WRK_WARMUP and WRK_DURATION, set for one call, override WARMUP and DURATION for that scenario; WRK_ROUNDS measures
  # it that many times after the one warm-up and keeps the row of the median req/s (every round is logged).
  local warmup=${WRK_WARMUP:-$WARMUP} duration=${WRK_DURATION:-$DURATION} rounds=${WRK_ROUNDS:-1}
  for conns in $CONNS; do
    timeout $((warmup + 30)) wrk -t"$THREADS" -c"$conns" -d"${warmup}s" -s "$BENCH_LUA/$lua" "$url" >/dev/null 2>&1 || true
    rows=
    for round in $(seq 1 "$rounds"); do
      cpu0=$(cpu)
      rss_file=$work/rss
      "$here/proctree.py" maxrss "$pids" "$duration" > "$rss_file" &
      result=$(timeout $((duration + 30)) wrk -t"$THREADS" -c"$conns" -d"${duration}s" --timeout 30s -s "$BENCH_LUA/$lua" "$url" 2>&1 |
        sed -n 's/^BENCH //p')
      wait
      cpu1=$(cpu)
      if [ -z "$result" ]; then log "$scenario c=$conns round $round: wrk gave no result"; continue; fi
      rows+=$(jq -r --arg s "$scenario" --arg c "$conns" --arg cpu0 "$cpu0" --arg cpu1 "$cpu1" --arg rss "$(cat "$rss_file")" \
        '[$s, $c, (.rps * 10 | round / 10), .p50_ms, .p99_ms, .non2xx,
          (if .requests > 0 then (((($cpu1 | tonumber) - ($cpu0 | tonumber)) * 1000 / .requests) * 1000 | round / 1000) else "-" end),
          $rss, .socket_errors] | @tsv' <<<"$result")$'\n'
    done
    count=$(awk 'NF' <<<"$rows" | wc -l)
    [ "$count" -gt 0 ] || continue
    [ "$rounds" = 1 ] || log "$scenario c=$conns: req/s in $count rounds:$(awk -F'\t' 'NF { printf " %s", $3 }' <<<"$rows"); the median's row is kept"
    awk 'NF' <<<"$rows" | sort -t$'\t' -k3,3g | sed -n "$(((count + 1) / 2))p" | tee -a "$out" >&2
  done
}

printf 'scenario\tconns\trps\tp50_ms\tp99_ms\tnon2xx\tcpu_s_per_1000\trss_mib\tsocket_errors\n' > "$out"
printf 'idle_rss\t-\t-\t-\t-\t-\t-\t%s\n' "$("$here/proctree.py" rss "$pids")" | tee -a "$out" >&2

ADMIN_TOKEN=$(token "$OS_USERNAME" "$OS_PASSWORD" "$OS_PROJECT_NAME")
[ -n "$ADMIN_TOKEN" ] || { log "no admin token from $identity"; exit 1; }
export ADMIN_TOKEN

# The guide's demo user, project and role, when missing.
domain=$(api GET "$identity/v3/domains?name=Default" | jq -r '.domains[0].id')
project=$(api GET "$identity/v3/projects?name=$DEMO_PROJECT_NAME" | jq -r '.projects[0].id // empty')
[ -n "$project" ] || project=$(api POST "$identity/v3/projects" "$(jq -nc --arg n "$DEMO_PROJECT_NAME" --arg d "$domain" '{project:{name:$n,domain_id:$d}}')" | jq -r .project.id)
user=$(api GET "$identity/v3/users?name=$DEMO_USERNAME" | jq -r '.users[0].id // empty')
[ -n "$user" ] || user=$(api POST "$identity/v3/users" "$(jq -nc --arg n "$DEMO_USERNAME" --arg d "$domain" --arg p "$DEMO_PASSWORD" '{user:{name:$n,domain_id:$d,password:$p}}')" | jq -r .user.id)
role=$(api GET "$identity/v3/roles?name=$DEMO_ROLE" | jq -r '.roles[0].id // empty')
[ -n "$role" ] || role=$(api POST "$identity/v3/roles" "$(jq -nc --arg n "$DEMO_ROLE" '{role:{name:$n}}')" | jq -r .role.id)
api PUT "$identity/v3/projects/$project/users/$user/roles/$role" >/dev/null

export AUTH_TOKEN=$ADMIN_TOKEN
SUBJECT_TOKEN=$(token "$DEMO_USERNAME" "$DEMO_PASSWORD" "$DEMO_PROJECT_NAME")
UNSCOPED_TOKEN=$(token "$DEMO_USERNAME" "$DEMO_PASSWORD")
export SUBJECT_TOKEN UNSCOPED_TOKEN
log "identity scenarios"
# A password login takes a quarter of a second of CPU, so a 10 s window holds about 80 of them at 8 connections:
# the logins in flight when it closes (done in part, counted in none) take ~3% off, and the first ~20 s after start
# are tiered JIT compiling the login path at a fifth of the CPU. The bcrypt-limit target is a steady-state figure:
# this scenario warms up for PASSWORD_WARMUP (default 20) s and measures for PASSWORD_DURATION (default 30) s.
WRK_WARMUP=${PASSWORD_WARMUP:-20} WRK_DURATION=${PASSWORD_DURATION:-30} \
  wrk_row token_issue_password "$identity/v3/auth/tokens" issue_password.lua
wrk_row token_issue_rescope "$identity/v3/auth/tokens" issue_token.lua
wrk_row token_validate "$identity/v3/auth/tokens" validate.lua
wrk_row project_list "$identity/v3/projects" get.lua
wrk_row auth_catalog "$identity/v3/auth/catalog" get.lua

if [ "${SKIP_IMAGE:-0}" != 1 ]; then
  for count in 100 1000; do
    have=$(api GET "$image/v2/images?limit=1000" | jq '.images | length')
    if [ "$have" -gt "$count" ]; then
      # Images left by an earlier run (the real services keep their database): without this the "100" row lists
      # them all, which made real Glance's image_list_100 about ten times slower than it is in runs before dfbf490.
      log "deleting $((have - count)) images left by an earlier run (have $have)"
      for id in $(api GET "$image/v2/images?limit=1000" | jq -r '.images[].id' | head -n $((have - count))); do
        api DELETE "$image/v2/images/$id" >/dev/null || true
      done
      have=$(api GET "$image/v2/images?limit=1000" | jq '.images | length')
    fi
    log "creating $((count - have)) images (have $have)"
    while [ "$have" -lt "$count" ]; do
      api POST "$image/v2/images" "{\"name\":\"bench-$have\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}" >/dev/null
      have=$((have + 1))
    done
    wrk_row "image_list_$count" "$image/v2/images?limit=1000" get.lua
  done
fi

# big_row SCENARIO MIB "CURL_STATS" CPU0 CPU1 RSS: one row of a big transfer (rps holds MiB/s, p50_ms the wall time)
big_row() {
  local code seconds
  read -r code seconds <<<"$3"
  printf '%s\t1\t%s\t%s\t-\t%s\t%s\t%s\n' "$1" "$(awk -v m="$2" -v s="$seconds" 'BEGIN { printf "%.1f", m / s }')" \
    "$(awk -v s="$seconds" 'BEGIN { printf "%.0f", s * 1000 }')" "$([ "${code:0:1}" = 2 ] && echo 0 || echo "1 ($code)")" \
    "$(awk -v a="$4" -v b="$5" 'BEGIN { printf "%.2f", b - a }')" "$6" | tee -a "${big_rows:-$out}" >&2
}
# median_rows FILE: of each scenario's rows in FILE, the one with the median MiB/s (the lower middle of an even count)
median_rows() {
  python3 -c '
import sys
rows = {}
for line in open(sys.argv[1]):
    rows.setdefault(line.split("\t")[0], []).append(line)
for lines in rows.values():
    lines.sort(key=lambda l: float(l.split("\t")[2]))
    sys.stdout.write(lines[(len(lines) - 1) // 2])
' "$1"
}
# median_of N CMD...: the median of N numbers that CMD prints, one per run
median_of() {
  local n=$1 i
  shift
  for i in $(seq 1 "$n"); do "$@"; echo; done | awk 'NF' | sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}
# download: the same curl command line for the image service and for nginx
download() { curl -s -m 600 -o /dev/null -w '%{http_code} %{time_total}' -H "X-Auth-Token: $ADMIN_TOKEN" "$1"; }

# nginx_download ID: the download yardstick the issue names: nginx (Debian package) serving the very file the image
# service stored, to the same client with the same command line. A private nginx (own prefix, pid and logs in $work,
# sendfile, no gzip, one worker as the current user) on a free loopback port, stopped afterwards.
nginx_download() {
  local id=$1 dir=$work/nginx nginx port user_line='' deadline stats cpu0 cpu1 rss_pid
  if [ ! -x /usr/sbin/nginx ] && [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq nginx >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq nginx >/dev/null 2>&1; } || true
  fi
  nginx=$(PATH=$PATH:/usr/sbin command -v nginx || true)
  [ -n "$nginx" ] || { log "nginx is missing (apt-get install nginx); no nginx yardstick"; return; }
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  [ "$(id -u)" != 0 ] || user_line="user root root;"
  cat > "$dir/nginx.conf" <<CONF
$user_line
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  gzip off;
  client_body_temp_path $dir/client_body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port;
    root $NGINX_FILE_DIR;
  }
}
CONF
  "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
  nginx_pid=$!
  deadline=$(($(date +%s) + 10))
  until curl -s -o /dev/null -m 1 "http://127.0.0.1:$port/"; do
    if [ "$(date +%s)" -ge "$deadline" ] || ! kill -0 "$nginx_pid" 2>/dev/null; then
      log "nginx did not start: $(tail -3 "$dir/error.log" 2>/dev/null)"
      kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" || true; nginx_pid=
      return
    fi
    sleep 0.05
  done
  cat "$NGINX_FILE_DIR/$id" > /dev/null
  cpu0=$("$here/proctree.py" cpu "$nginx_pid")
  "$here/proctree.py" maxrss "$nginx_pid" 5 > "$work/rss" &
  rss_pid=$!
  stats=$(download "http://127.0.0.1:$port/$id")
  wait "$rss_pid"
  cpu1=$("$here/proctree.py" cpu "$nginx_pid")
  big_row "nginx_download_${BIG_MB}mib" "$BIG_MB" "$stats" "$cpu0" "$cpu1" "$(cat "$work/rss")"
  kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" || true; nginx_pid=
}

if [ "${SKIP_BIG:-0}" != 1 ]; then
  big=$BENCH_STATE/big-${BIG_MB}m.img
  mkdir -p "$(dirname "$big")"
  [ "$(stat -c %s "$big" 2>/dev/null || echo 0)" = $((BIG_MB * 1048576)) ] || head -c $((BIG_MB * 1048576)) /dev/urandom > "$big"
  cat "$big" > /dev/null
  # The yardsticks the issue names for uploads: a plain copy of the same file to the same disk, and md5+sha512 over
  # the same bytes in one .NET process, in the same run; the target is 80% of the slower.
  # Each yardstick is the median of BIG_RUNS runs, as the uploads and downloads are.
  plain_copy() {
    local start end
    start=$(date +%s.%N); cp "$big" "$big.copy"; sync "$big.copy"; end=$(date +%s.%N); rm -f "$big.copy"
    awk -v s="$start" -v e="$end" -v m="$BIG_MB" 'BEGIN { printf "%.1f", m / (e - s) }'
  }
  copy_mibs=$(median_of "$BIG_RUNS" plain_copy)
  printf 'plain_copy_%smib\t-\t%s\t-\t-\t-\t-\t-\n' "$BIG_MB" "$copy_mibs" | tee -a "$out" >&2
  if [ -n "${HASH_BENCH:-}" ]; then
    cat "$big" > /dev/null
    # shellcheck disable=SC2086 # HASH_BENCH is a command line
    hash_mibs=$(median_of "$BIG_RUNS" timeout 300 $HASH_BENCH --hash-file "$big" 2>/dev/null || true)
    if [ -n "$hash_mibs" ]; then
      printf 'hash_md5_sha512_%smib\t-\t%s\t-\t-\t-\t-\t-\n' "$BIG_MB" "$hash_mibs" | tee -a "$out" >&2
      printf 'upload_target_%smib\t-\t%s\t-\t-\t-\t-\t-\n' "$BIG_MB" \
        "$(awk -v c="$copy_mibs" -v h="$hash_mibs" 'BEGIN { printf "%.1f", 0.8 * (c < h ? c : h) }')" | tee -a "$out" >&2
      # Not a target: the same with each chunk also written to the same disk with O_DIRECT, as the file store writes,
      # i.e. an upload without its network side. It shows what the disk's writes take from the hashes here.
      # shellcheck disable=SC2086 # HASH_BENCH is a command line
      hash_write_mibs=$(median_of "$BIG_RUNS" timeout 300 $HASH_BENCH --hash-file "$big" --write-to "$(dirname "$big")" 2>/dev/null || true)
      printf 'hash_write_md5_sha512_%smib\t-\t%s\t-\t-\t-\t-\t-\n' "$BIG_MB" "${hash_write_mibs:--}" | tee -a "$out" >&2
    else
      log "the md5+sha512 yardstick ($HASH_BENCH) gave no result"
    fi
  fi
  # Warm-up, as before every measurement: one upload and one download of the same file, not measured.
  id=$(api POST "$image/v2/images" '{"name":"bench-big-warmup","disk_format":"qcow2","container_format":"bare"}' | jq -r .id)
  curl -s -m 600 -o /dev/null -X PUT -H "X-Auth-Token: $ADMIN_TOKEN" -H 'Content-Type: application/octet-stream' -H 'Expect:' \
    -T "$big" "$image/v2/images/$id/file" || true
  download "$image/v2/images/$id/file" >/dev/null || true
  api DELETE "$image/v2/images/$id" >/dev/null || true
  # Every run's rows go to the log; the table gets each measurement's median run.
  big_rows=$work/big.tsv
  : > "$big_rows"
  for run in $(seq 1 "$BIG_RUNS"); do
    id=$(api POST "$image/v2/images" "{\"name\":\"bench-big-$run\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}" | jq -r .id)
    for op in upload download; do
      # Archway writes uploads with O_DIRECT (not into the page cache), Glance through it: every download, the
      # server's and nginx's, starts from a warm cache, so that they compare serving, not the disk.
      if [ "$op" = download ] && [ -n "${NGINX_FILE_DIR:-}" ] && [ -f "$NGINX_FILE_DIR/$id" ]; then cat "$NGINX_FILE_DIR/$id" > /dev/null; fi
      cpu0=$(cpu)
      "$here/proctree.py" maxrss "$pids" 5 > "$work/rss" &
      if [ "$op" = upload ]; then
        stats=$(curl -s -m 600 -o /dev/null -w '%{http_code} %{time_total}' -X PUT -H "X-Auth-Token: $ADMIN_TOKEN" \
          -H 'Content-Type: application/octet-stream' -H 'Expect:' -T "$big" "$image/v2/images/$id/file")
      else
        stats=$(download "$image/v2/images/$id/file")
      fi
      wait
      cpu1=$(cpu)
      big_row "${op}_${BIG_MB}mib" "$BIG_MB" "$stats" "$cpu0" "$cpu1" "$(cat "$work/rss")"
    done
    if [ -n "${NGINX_FILE_DIR:-}" ]; then
      if [ -f "$NGINX_FILE_DIR/$id" ]; then nginx_download "$id"; else log "no $NGINX_FILE_DIR/$id; no nginx yardstick"; fi
    fi
    api DELETE "$image/v2/images/$id" >/dev/null || true
  done
  median_rows "$big_rows" > "$work/big-median.tsv"
  tee -a "$out" < "$work/big-median.tsv" >&2
  nginx_mibs=$(awk -F'\t' -v s="nginx_download_${BIG_MB}mib" '$1 == s { print $3 }' "$work/big-median.tsv")
  big_rows=
  if [ -n "$nginx_mibs" ]; then
    # The download target: 90% of nginx.
    printf 'download_target_%smib\t-\t%s\t-\t-\t-\t-\t-\n' "$BIG_MB" "$(awk -v n="$nginx_mibs" 'BEGIN { printf "%.1f", 0.9 * n }')" |
      tee -a "$out" >&2
  fi
fi

if [ "${SKIP_CLI:-0}" != 1 ]; then
  times=()
  for run in $(seq 1 "$CLI_RUNS"); do
    start=$(date +%s.%N)
    env -u OS_TOKEN -u OS_CLOUD OS_AUTH_URL="$identity/v3" OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
      OS_IDENTITY_API_VERSION=3 timeout 120 openstack token issue -f value -c id >/dev/null
    end=$(date +%s.%N)
    times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", (e - s) * 1000 }')")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf 'cli_token_issue\t1\t-\t%s\t-\t-\t-\t-\n' "$median" | tee -a "$out" >&2
fi
# revoke_phase issue|revoke SECONDS: one wrk run of lua/revoke.lua, interrupted once every thread is done; prints
# its "REVOKE issued N revoked N failed N" line
revoke_phase() {
  local wrk_pid
  REVOKE_PHASE=$1 timeout $(($2 + 30)) wrk -t"$THREADS" -c$((THREADS * 4)) -d"$2s" --timeout 30s -s "$BENCH_LUA/revoke.lua" \
    "$identity/v3/auth/tokens" > "$REVOKE_DIR/$1.out" 2>&1 &
  wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do
    if [ -f "$REVOKE_DIR/done-$1" ] && [ "$(wc -l < "$REVOKE_DIR/done-$1")" -ge "$THREADS" ]; then
      kill -INT "$wrk_pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  wait "$wrk_pid" || true
  grep '^REVOKE ' "$REVOKE_DIR/$1.out" || { log "wrk ($1): $(tail -3 "$REVOKE_DIR/$1.out")"; echo "REVOKE issued 0 revoked 0 failed 0"; }
}

# Revocation does not decay (issue 7): token_validate again after REVOCATIONS tokens were issued and revoked over the
# API (one revocation event each), bounded by REVOKE_SECONDS; the row's name says how many were revoked. Last, since
# the events stay and would weigh on every later scenario of a server whose validation decays with them.
if [ "${SKIP_REVOCATIONS:-0}" != 1 ]; then
  REVOCATIONS=${REVOCATIONS:-10000}
  REVOKE_SECONDS=${REVOKE_SECONDS:-300}
  REVOKE_PER_THREAD=$(((REVOCATIONS + THREADS - 1) / THREADS)) REVOKE_DIR=$work/revoke
  export REVOKE_PER_THREAD REVOKE_DIR
  mkdir -p "$REVOKE_DIR"
  # The baseline for the row after the events, measured just before them. The first token_validate row comes ~15
  # minutes earlier; on a 2-core VM the two differed by -13% to +26% at 8 connections between runs, which would hide
  # (or fake) a decay of that size. Both rows are the median of REVOCATION_ROUNDS windows: single 10 s windows on
  # that VM moved by up to 35-50% from one to the next.
  REVOCATION_ROUNDS=${REVOCATION_ROUNDS:-3}
  WRK_ROUNDS=$REVOCATION_ROUNDS wrk_row token_validate_before_revocations "$identity/v3/auth/tokens" validate.lua
  log "issuing $((REVOKE_PER_THREAD * THREADS)) tokens, then revoking them (at most ${REVOKE_SECONDS} s in all)"
  start=$(date +%s)
  log "$(revoke_phase issue "$REVOKE_SECONDS")"
  left=$((REVOKE_SECONDS - ($(date +%s) - start)))
  summary=$(revoke_phase revoke $((left > 10 ? left : 10)))
  log "$summary"
  revoked=$(awk '{ print $5 }' <<<"$summary")
  # Keystone lists its events; Archway keeps them in its database (run.sh counts them there).
  listed=$(api GET "$identity/v3/OS-REVOKE/events" 2>/dev/null | jq '.events | length' 2>/dev/null || true)
  [ -z "$listed" ] || log "GET /v3/OS-REVOKE/events lists $listed events"
  if [ "${revoked:-0}" -ge "$REVOCATIONS" ] && [ $((REVOCATIONS % 1000)) = 0 ]; then
    WRK_ROUNDS=$REVOCATION_ROUNDS wrk_row "token_validate_$((REVOCATIONS / 1000))k_revocations" "$identity/v3/auth/tokens" validate.lua
  else
    WRK_ROUNDS=$REVOCATION_ROUNDS wrk_row "token_validate_${revoked:-0}_revocations" "$identity/v3/auth/tokens" validate.lua
  fi
fi
printf 'loaded_rss\t-\t-\t-\t-\t-\t-\t%s\n' "$("$here/proctree.py" rss "$pids")" | tee -a "$out" >&2
