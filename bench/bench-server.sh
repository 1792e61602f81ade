#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# bench-server.sh QUDAO_SERVER [DATA_DIR]
#
# Loads a real qudao-server over loopback with wrk and prints figures (never judges):
#   /health (the baseline of the same run), order.submit one per request with 32
#   connections, order.submit in batches of 100, the change feed of a dealer over the
#   100k-product / 1M-order-line data set (changes/s to one client), an empty incremental
#   poll with 64 clients (p99; also with 10 ms think time, beside /health paced alike, and
#   with 8 clients), and the server's peak RSS (VmHWM).
# Every figure is also a line "figure: what | value | unit" for tools/run-bench.sh.
# Durations: BENCH_SECONDS (default 10). Scale: BENCH_PRODUCTS, BENCH_LINES.
# BENCH_WRITES_ONLY=1 stops after the write part (to compare write changes quickly).
set -euo pipefail

bin=${1:?usage: bench-server.sh QUDAO_SERVER [DATA_DIR]}
root=${2:-$(mktemp -d "${TMPDIR:-/var/tmp}/qudao-bench.XXXXXX")}
secs=${BENCH_SECONDS:-10}
products=${BENCH_PRODUCTS:-100000}
lines=${BENCH_LINES:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
py=/usr/bin/python3
command -v wrk >/dev/null || { echo "bench-server: wrk is not installed" >&2; exit 1; }

pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$root"
}
trap cleanup EXIT

figure() { printf 'figure: %s | %s | %s\n' "$1" "$2" "$3"; }

# start DATA_DIR ARGS… : starts the server, sets $pid and $url (waits for its line, 300 s).
start() {
  local dir=$1; shift
  mkdir -p "$dir"
  "$bin" --data-dir "$dir" --listen 127.0.0.1:0 "$@" >"$dir/stdout" 2>"$dir/stderr" &
  pid=$!
  for _ in $(seq 1 3000); do
    url=$(sed -n 's/^listening on //p' "$dir/stdout")
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/stderr" >&2; exit 1; }
    sleep 0.1 # polling the server's stdout for its listening line; bounded at 300 s
  done
  [ -n "$url" ] || { echo "bench-server: the server did not start" >&2; exit 1; }
  cat "$dir/stderr" >&2
}

stop() {
  kill -TERM "$pid"; wait "$pid" || true; pid=""
}

api() { # METHOD PATH TOKEN [BODY]
  curl -sS -X "$1" "$url$2" ${3:+-H "Authorization: Bearer $3"} ${4:+-d "$4"}
}

json() { $py -c "import sys, json; d = json.load(sys.stdin); print($1)"; }

login() { api POST /api/v1/session "" "{\"username\":\"$1\",\"password\":\"$2\"}" | json 'd["token"]'; }

# wrk_run CONNECTIONS THREADS SCRIPT URL → the script's "qd:" line
wrk_run() {
  wrk -c "$1" -t "$2" -d "${secs}s" --timeout 30s -s "$here/$3" "$4" | sed -n 's/^qd: //p'
}

field() { echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p;}"; }

# CPU time (user + system) the server has used, in clock ticks: the figure that does not
# depend on how busy the (shared) machine is.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
# The same for the writer thread alone (what bounds the write rate: one thread applies all).
writer_ticks() {
  local t
  for t in /proc/$pid/task/*; do
    if [ "$(cat "$t/comm")" = qd-writer ]; then awk '{print $14 + $15}' "$t/stat"; return; fi
  done
  echo 0
}
hz=$(getconf CLK_TCK)

health_rate() {
  local out
  out=$(QD_TOKEN=none QD_PATH=/health wrk_run 32 2 wrk-get.lua "$url")
  echo $(( $(field "$out" requests) * 1000000 / $(field "$out" duration_us) ))
}

echo "# writes: demo data set, a benchmark dealer with unlimited credit"
start "$root/small" --demo
admin=$(login admin qudao-demo)
api PUT /api/v1/admin/dealers/d-bench "$admin" \
  '{"name":"压测经销商","level":"regional","region_id":"r-east","credit_limit_fen":1000000000000000}' >/dev/null
api PUT /api/v1/admin/users/u-bench "$admin" \
  '{"username":"bench","name":"压测","role":"dealer","dealer_id":"d-bench","password":"bench-password"}' >/dev/null
token=$(login bench bench-password)
read -r product pack < <(api GET "/api/v1/changes?limit=5000" "$token" | json \
  '" ".join(next((c["id"], str(c["data"]["pack_size"])) for c in d["changes"] if c["entity"] == "product" and c["data"]["active"]))')

rate=$(health_rate)
figure "GET /health, 32 connections (baseline)" "$rate" "requests/s"

c0=$(cpu_ticks); w0=$(writer_ticks)
out=$(QD_TOKEN=$token QD_PRODUCT=$product QD_QTY=$pack QD_BATCH=1 wrk_run 32 2 wrk-submit.lua "$url")
c1=$(cpu_ticks); w1=$(writer_ticks)
figure "order.submit, 1 per request: server CPU per mutation" \
  "$(( (c1 - c0) * 1000000 / hz / $(field "$out" requests) ))" "µs"
figure "order.submit, 1 per request: writer thread CPU per mutation" \
  "$(( (w1 - w0) * 1000000 / hz / $(field "$out" requests) ))" "µs"
figure "order.submit, 1 per request, 32 connections" \
  "$(( $(field "$out" requests) * 1000000 / $(field "$out" duration_us) ))" "mutations/s"
figure "order.submit, 1 per request: p99 latency" "$(( $(field "$out" p99_us) / 1000 ))" "ms"
figure "order.submit, 1 per request: rejected or failed" "$(field "$out" rejected_or_failed)" "requests"

c0=$(cpu_ticks); w0=$(writer_ticks)
out=$(QD_TOKEN=$token QD_PRODUCT=$product QD_QTY=$pack QD_BATCH=100 wrk_run 8 2 wrk-submit.lua "$url")
c1=$(cpu_ticks); w1=$(writer_ticks)
figure "order.submit, batches of 100: server CPU per mutation" \
  "$(( (c1 - c0) * 1000000 / hz / ($(field "$out" requests) * 100) ))" "µs"
figure "order.submit, batches of 100: writer thread CPU per mutation" \
  "$(( (w1 - w0) * 1000000 / hz / ($(field "$out" requests) * 100) ))" "µs"
figure "order.submit, batches of 100, 8 connections" \
  "$(( $(field "$out" requests) * 100 * 1000000 / $(field "$out" duration_us) ))" "mutations/s"
figure "order.submit, batches of 100: rejected or failed" "$(field "$out" rejected_or_failed)" "requests"
figure "peak RSS of the server (writes)" "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))" "MiB"
stop
[ "${BENCH_WRITES_ONLY:-0}" = 1 ] && exit 0

echo "# reads: --demo-products $products --demo-order-lines $lines"
t0=$(date +%s.%N)
start "$root/big" --demo-products "$products" --demo-order-lines "$lines"
t1=$(date +%s.%N)
figure "demo data set $products products / $lines order lines: start-up" \
  "$($py -c "print(round($t1 - $t0, 1))")" "s"
figure "peak RSS of the server while loading the demo data set" "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))" "MiB"
# Measure a server that only serves (the load's page cache is gone).
stop
start "$root/big"
token=$(login dealer1 qudao-demo)

rate=$(health_rate)
figure "GET /health, 32 connections (baseline, big data set)" "$rate" "requests/s"

out=$(QD_TOKEN=$token QD_LIMIT=5000 wrk_run 1 1 wrk-feed.lua "$url")
figure "change feed, dealer scope, 1 client, pages of 5,000" \
  "$(( $(field "$out" changes) * 1000000 / $(field "$out" duration_us) ))" "changes/s"

# gzip: wrk cannot decode it, so one pass of curl --compressed over the whole feed.
t0=$(date +%s.%N); n=0; cursor=""
for _ in $(seq 1 1000); do
  page=$(curl -sS --compressed "$url/api/v1/changes?limit=5000${cursor:+&since=$cursor}" \
           -H "Authorization: Bearer $token")
  n=$(( n + $(echo "$page" | grep -o '"seq":' | wc -l) ))
  cursor=$(echo "$page" | grep -o '"cursor":"[^"]*"' | tail -1 | cut -d'"' -f4)
  echo "$page" | tail -c 40 | grep -q '"has_more":true' || break
done
t1=$(date +%s.%N)
figure "change feed, dealer scope, gzip (curl, whole feed once: $n changes)" \
  "$($py -c "print(int($n / ($t1 - $t0)))")" "changes/s"

# The cursor at the end of the dealer's feed, then 64 clients polling from it.
cursor=""
for _ in $(seq 1 1000); do
  page=$(api GET "/api/v1/changes?limit=5000${cursor:+&since=$cursor}" "$token")
  cursor=$(echo "$page" | json 'd["cursor"]')
  [ "$(echo "$page" | json 'd["has_more"]')" = True ] || break
done
out=$(QD_TOKEN=$token QD_PATH="/api/v1/changes?since=$cursor" wrk_run 64 2 wrk-get.lua "$url")
figure "empty incremental poll, 64 clients" \
  "$(( $(field "$out" requests) * 1000000 / $(field "$out" duration_us) ))" "requests/s"
figure "empty incremental poll, 64 clients: p50" "$($py -c "print($(field "$out" p50_us) / 1000)")" "ms"
figure "empty incremental poll, 64 clients: p99" "$($py -c "print($(field "$out" p99_us) / 1000)")" "ms"
# The same 64 clients, each waiting 10 ms between polls (not saturating the server).
out=$(QD_DELAY_MS=10 QD_TOKEN=$token QD_PATH="/api/v1/changes?since=$cursor" wrk_run 64 2 wrk-get.lua "$url")
figure "empty incremental poll, 64 clients, 10 ms think time" \
  "$(( $(field "$out" requests) * 1000000 / $(field "$out" duration_us) ))" "requests/s"
figure "empty incremental poll, 64 clients, 10 ms think time: p50" "$($py -c "print($(field "$out" p50_us) / 1000)")" "ms"
figure "empty incremental poll, 64 clients, 10 ms think time: p99" "$($py -c "print($(field "$out" p99_us) / 1000)")" "ms"
# The baseline of that tail in the same run: /health, the cheapest answer, paced alike.
out=$(QD_DELAY_MS=10 QD_TOKEN=none QD_PATH=/health wrk_run 64 2 wrk-get.lua "$url")
figure "GET /health, 64 clients, 10 ms think time (baseline): p99" "$($py -c "print($(field "$out" p99_us) / 1000)")" "ms"
# Fewer clients: 8 pollers with think time (a tail that is not the machine's queue).
out=$(QD_DELAY_MS=10 QD_TOKEN=$token QD_PATH="/api/v1/changes?since=$cursor" wrk_run 8 2 wrk-get.lua "$url")
figure "empty incremental poll, 8 clients, 10 ms think time: p50" "$($py -c "print($(field "$out" p50_us) / 1000)")" "ms"
figure "empty incremental poll, 8 clients, 10 ms think time: p99" "$($py -c "print($(field "$out" p99_us) / 1000)")" "ms"
figure "load average (1 min) at the end: the machine is shared" "$(cut -d' ' -f1 /proc/loadavg)" ""
figure "peak RSS of the server (big data set)" "$(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 ))" "MiB"
stop
