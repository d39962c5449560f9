#!/bin/bash
# bench/keystoneauth.sh: what Archway.KeystoneAuth costs per request, against a real Identity (`archway up`).
#
# A minimal endpoint (GET /ping, bench/KeystoneAuth) is loaded with wrk in three set-ups, one at a time:
#   none  no middleware (the baseline)
#   warm  the middleware, token_cache_time 300, one valid token: validated once, then from the in-process cache
#   cold  the middleware, caching off (token_cache_time -1), a random one of COLD_TOKENS tokens per request: every
#         request is a GET /v3/auth/tokens to Identity over HTTP
#   identity  no service of ours: Identity's own GET /v3/auth/tokens with the cold tokens (what `cold` waits for)
# each with 1 connection (latency: the p50 difference to `none` is what the middleware adds) and with CONNS
# connections (throughput). Each measurement lasts DURATION seconds after a WARMUP-second warm-up.
#
# Env: DURATION=10 WARMUP=3 CONNS=16 THREADS=2 COLD_TOKENS=64. Prints a Markdown table for bench/RESULTS.md.
set -euo pipefail
export LC_ALL=C.UTF-8
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNS=${CONNS:-16}
THREADS=${THREADS:-2}
COLD_TOKENS=${COLD_TOKENS:-64}
ADMIN_PASSWORD=bench-admin
GLANCE_PASSWORD=bench-glance

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "[bench] building (Release)" >&2
dotnet build "$ROOT/src/Archway/Archway.csproj" -c Release -v q -nologo >&2
dotnet build "$HERE/KeystoneAuth/KeystoneAuthBench.csproj" -c Release -v q -nologo >&2
ARCHWAY="$ROOT/src/Archway/bin/Release/net10.0/archway.dll"
BENCH="$HERE/KeystoneAuth/bin/Release/net10.0/KeystoneAuthBench.dll"

WORK=$(mktemp -d /tmp/keystoneauth-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# wait_for FILE TEXT: until the server's log says it is ready (60 s at most).
wait_for() {
  for _ in $(seq 600); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "not ready: $1" >&2; cat "$1" >&2; exit 1
}

IDENTITY_PORT=$(free_port)
IMAGE_PORT=$(free_port)
IDENTITY="http://127.0.0.1:$IDENTITY_PORT"
dotnet "$ARCHWAY" up --data-dir "$WORK/archway" --host 127.0.0.1 --identity-port "$IDENTITY_PORT" \
  --image-port "$IMAGE_PORT" --bootstrap-password "$ADMIN_PASSWORD" >"$WORK/archway.log" 2>&1 &
PIDS+=($!)
wait_for "$WORK/archway.log" "Archway ready"
# The guide's glance user: admin on the service project.
dotnet "$ARCHWAY" bootstrap --data-dir "$WORK/archway" --bootstrap-username glance \
  --bootstrap-password "$GLANCE_PASSWORD" --bootstrap-project-name service >/dev/null 2>&1

issue_token() {
  curl -sf -o /dev/null -D - -H 'Content-Type: application/json' "$IDENTITY/v3/auth/tokens" -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"},\"password\":\"$ADMIN_PASSWORD\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}" \
    | awk 'tolower($1) == "x-subject-token:" { sub(/\r$/, "", $2); print $2 }'
}
issue_token >"$WORK/one-token"
for _ in $(seq "$COLD_TOKENS"); do issue_token; done >"$WORK/cold-tokens"

# measure MODE CONNECTIONS TOKENS_FILE: one wrk run, its RESULT line.
measure() {
  local threads=$THREADS
  [ "$2" -lt "$threads" ] && threads=$2
  TOKENS_FILE=$3 wrk -t"$threads" -c"$2" -d"${DURATION}s" --timeout 10s -s "$HERE/KeystoneAuth/tokens.lua" "$URL" | grep '^RESULT'
}

declare -A RESULTS
for mode in none warm cold; do
  port=$(free_port)
  URL="http://127.0.0.1:$port/ping"
  dotnet "$BENCH" "$mode" "$port" "$IDENTITY" "$GLANCE_PASSWORD" >"$WORK/$mode.log" 2>&1 &
  pid=$!
  PIDS+=($pid)
  wait_for "$WORK/$mode.log" "ready:"
  tokens="$WORK/one-token"
  [ "$mode" = cold ] && tokens="$WORK/cold-tokens"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $(head -1 "$tokens")" "$URL")
  [ "$status" = 200 ] || { echo "$mode: GET /ping answered $status" >&2; cat "$WORK/$mode.log" >&2; exit 1; }
  DURATION=$WARMUP measure "$mode" "$CONNS" "$tokens" >/dev/null
  for conns in 1 "$CONNS"; do
    RESULTS[$mode,$conns]=$(measure "$mode" "$conns" "$tokens")
    echo "[bench] $mode c=$conns load=$(cut -d' ' -f1-3 /proc/loadavg): ${RESULTS[$mode,$conns]}" >&2
  done
  kill "$pid"
  wait "$pid" 2>/dev/null || true
done
URL="$IDENTITY/v3/auth/tokens"
export SERVICE_TOKEN
SERVICE_TOKEN=$(head -1 "$WORK/one-token")
for conns in 1 "$CONNS"; do
  RESULTS[identity,$conns]=$(measure identity "$conns" "$WORK/cold-tokens")
  echo "[bench] identity c=$conns load=$(cut -d' ' -f1-3 /proc/loadavg): ${RESULTS[identity,$conns]}" >&2
done

field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

echo
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ${DURATION} s per measurement, wrk -t$THREADS"
echo
echo "| set-up | req/s (c=$CONNS) | vs none | p50 µs (c=$CONNS) | p99 µs (c=$CONNS) | req/s (c=1) | µs/request (c=1) | added µs/request | p50 µs (c=1) | p99 µs (c=1) | non-2xx |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
base_rps=$(field "${RESULTS[none,$CONNS]}" rps)
base_us=$(awk -v r="$(field "${RESULTS[none,1]}" rps)" 'BEGIN { printf "%.1f", 1e6 / r }')
for mode in none warm cold identity; do
  many=${RESULTS[$mode,$CONNS]}
  one=${RESULTS[$mode,1]}
  # With one connection a request's service time is 1/throughput; the difference to `none` is what the middleware adds.
  per=$(awk -v r="$(field "$one" rps)" 'BEGIN { printf "%.1f", 1e6 / r }')
  added=$(awk -v a="$per" -v b="$base_us" 'BEGIN { printf "%.1f", a - b }')
  ratio=$(awk -v a="$(field "$many" rps)" -v b="$base_rps" 'BEGIN { printf "%.3f", a / b }')
  echo "| $mode | $(field "$many" rps) | $ratio | $(field "$many" p50_us) | $(field "$many" p99_us) | $(field "$one" rps) | $per | $added | $(field "$one" p50_us) | $(field "$one" p99_us) | $(( $(field "$many" non2xx) + $(field "$one" non2xx) )) |"
done
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on this machine makes the numbers noisy)."
