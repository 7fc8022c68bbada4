#!/usr/bin/env bash
# Metrics scrape benchmark: how long the master takes to answer GET /metrics on its side port when
# many workers each hold many series, idle and while the workers serve at full speed.
#
# Starts swiftcorn (the demo app) with WORKERS workers, logging off, metrics on
# 127.0.0.1:BASE_PORT+2, and populates ROUTES × STATUSES series: wrk with
# Benchmarks/scrape-routes.lua cycles over GET /route/N/CODE (route label /route/N, status CODE),
# reconnecting every few requests so that every worker sees every path, until one scrape shows all
# ROUTES × STATUSES http_server_request_duration_seconds_count samples and /stats shows every
# worker with at least POPULATE_MIN_REQUESTS requests. Then it measures SCRAPES sequential
# scrapes, each `curl -s -o /dev/null -w '%{time_total}'` (curl's own timing: connect, request,
# whole answer; not curl's process start), in two phases:
#   idle    nothing else runs;
#   loaded  `wrk -t1 -cCONNECTIONS` drives the same route script at full speed (keep-alive),
#           started LOAD_WARMUP seconds before the first scrape and stopped after the last.
# Prints per phase p50, p90, p99 and max (ms), per scrape the master's CPU time and the run-queue
# wait (time runnable but not running, from /proc/PID/task/*/schedstat) of its side-port threads
# (NIO-ELT-* and TP-*: the event loop and the render thread) and of all its threads, and the
# load's req/s; the scrape's size (plain and with Accept-Encoding: gzip), its series lines, one
# OpenMetrics scrape (Accept: application/openmetrics-text), the ratio p99(loaded) / p99(idle),
# and "p99 < TARGET_MS ms: met/MISSED" per phase. Writes the same, with every scrape's time, as
# one-line JSON to Benchmarks/results/scrape-<date>.json.
#
# Environment (all optional):
#   SCRAPES=300            sequential scrapes per phase
#   WORKERS=16             swiftcorn -w
#   ROUTES=200             routes /route/0 ... /route/ROUTES-1
#   STATUSES="200 201 404 500 503"   statuses per route (series per worker: ROUTES × statuses)
#   CONNECTIONS=32         wrk connections in the loaded phase
#   LOAD_WARMUP=2          seconds of load before the loaded phase's first scrape
#   POPULATE_DURATION=10s  one populating wrk run (-c64, a reconnect every POPULATE_CLOSE_EVERY)
#   POPULATE_CLOSE_EVERY=20   every this many requests of the populating run close the connection
#   POPULATE_TRIES=4       populating runs at most, until every series and worker is seen
#   POPULATE_MIN_REQUESTS= requests every worker must have served (default 10 × series: with
#                          the paths in turn, a worker then has seen each one about 10 times)
#   TARGET_MS=10           the p99 target per phase
#   ACCEPT_ENCODING=       empty: the timed scrapes are plain text; gzip: they send
#                          Accept-Encoding: gzip, as Prometheus does (the master then compresses)
#   SWIFTCORN_BIN=.build/release/swiftcorn
#   BASE_PORT=19080        the app on BASE_PORT+1, the side port on BASE_PORT+2
#   STARTUP_TIMEOUT=30     seconds the server gets to answer and have every worker up
#
# Only 127.0.0.1 is ever contacted. Nothing else of this script's runs at the same time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh

SCRAPES=${SCRAPES:-300}
WORKERS=${WORKERS:-16}
ROUTES=${ROUTES:-200}
STATUSES=${STATUSES:-200 201 404 500 503}
CONNECTIONS=${CONNECTIONS:-32}
LOAD_WARMUP=${LOAD_WARMUP:-2}
POPULATE_DURATION=${POPULATE_DURATION:-10s}
POPULATE_CLOSE_EVERY=${POPULATE_CLOSE_EVERY:-20}
POPULATE_TRIES=${POPULATE_TRIES:-4}
TARGET_MS=${TARGET_MS:-10}
ACCEPT_ENCODING=${ACCEPT_ENCODING:-}
SWIFTCORN_BIN=${SWIFTCORN_BIN:-.build/release/swiftcorn}
BASE_PORT=${BASE_PORT:-19080}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}
# swiftcorn reads SWIFTCORN_* environment variables as its configuration and refuses unknown ones:
# keep this script's own out of the server's environment.
export -n SWIFTCORN_BIN
HOST=127.0.0.1
APP_PORT=$((BASE_PORT + 1))
METRICS_PORT=$((BASE_PORT + 2))
APP_URL="http://$HOST:$APP_PORT"
METRICS_URL="http://$HOST:$METRICS_PORT/metrics"
LUA=Benchmarks/scrape-routes.lua
RESULTS_DIR=Benchmarks/results
read -r -a STATUS_LIST <<<"$STATUSES"
SERIES=$((ROUTES * ${#STATUS_LIST[@]}))
POPULATE_MIN_REQUESTS=${POPULATE_MIN_REQUESTS:-$((10 * SERIES))}

for knob in SCRAPES WORKERS ROUTES CONNECTIONS LOAD_WARMUP POPULATE_TRIES POPULATE_CLOSE_EVERY TARGET_MS; do
    if ! [[ ${!knob} =~ ^[0-9]+$ ]] || ((${!knob} < 1)); then
        echo "$knob must be a positive integer, not '${!knob}'" >&2
        exit 2
    fi
done
((SERIES > 0)) || { echo "STATUSES is empty" >&2; exit 2; }

log() { printf '[scrape.sh] %s\n' "$*" >&2; }

WORK=$(mktemp -d /tmp/swiftcorn-scrape.XXXXXX)
SERVER_PID=""
WRK_PID=""

stop_wrk() {
    local pid=$WRK_PID
    [[ -n $pid ]] || return 0
    WRK_PID=""
    kill -INT "$pid" 2>/dev/null || true  # wrk prints its summary on SIGINT
    local deadline=$((SECONDS + 5))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_wrk
    stop_server
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools ------------------------------------------------------------------------------------
need_apt=()
for tool in wrk curl jq; do command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool"); done
install_packages "${need_apt[@]}"
if [[ ! -x $SWIFTCORN_BIN ]]; then
    log "no executable at $SWIFTCORN_BIN (build with: make build-release)"
    exit 1
fi


# http_code URL [CURL ARGS...]: the status of GET URL, 000 when there is no answer.
http_code() {
    local url=$1
    shift
    curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$@" "$url" 2>/dev/null || true
}

# The master's pid is the server's pid (setsid execs it); its workers are in its process group.
start_server() {
    local port
    for port in "$APP_PORT" "$METRICS_PORT"; do
        if port_in_use "$port"; then log "port $port is already in use (set BASE_PORT)"; return 1; fi
    done
    log "starting $SWIFTCORN_BIN -w $WORKERS -b $HOST:$APP_PORT --access-logfile none --metrics-bind $HOST:$METRICS_PORT"
    setsid "$SWIFTCORN_BIN" -w "$WORKERS" -b "$HOST:$APP_PORT" --access-logfile none \
        --metrics-bind "$HOST:$METRICS_PORT" >"$WORK/server.log" 2>&1 </dev/null &
    SERVER_PID=$!
    # Ready: the app answers (on a path of the set, so that it adds no series of its own), the side
    # port answers, and every worker is alive.
    local deadline=$((SECONDS + STARTUP_TIMEOUT)) alive
    while ((SECONDS < deadline)); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "the server exited during startup; last lines of its log:"
            tail -n 20 "$WORK/server.log" >&2 || true
            return 1
        fi
        if [[ $(http_code "$APP_URL/route/0/${STATUS_LIST[0]}") == "${STATUS_LIST[0]}" ]]; then
            alive=$(curl -fs --max-time 2 "http://$HOST:$METRICS_PORT/stats" 2>/dev/null | jq -r '.master.workers_alive' 2>/dev/null || true)
            [[ $alive == "$WORKERS" ]] && return 0
        fi
        sleep 0.2
    done
    log "the server was not ready within ${STARTUP_TIMEOUT}s (workers alive: ${alive:-?}); last lines of its log:"
    tail -n 20 "$WORK/server.log" >&2 || true
    return 1
}

# cpu_ticks PID: the user + system CPU time of PID so far, in clock ticks.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
# run_delay_ns PID [COMM_PATTERN]: nanoseconds the threads of PID (those whose name matches the
# glob COMM_PATTERN) have waited on a run queue so far (threads that ended are not counted; 0
# where the kernel has no schedstat).
run_delay_ns() {
    local task name total=0 wait
    for task in /proc/"$1"/task/*; do
        name=$(cat "$task/comm" 2>/dev/null) || continue
        # shellcheck disable=SC2053  # a glob on purpose
        [[ -z ${2:-} || $name == $2 ]] || continue
        wait=$(awk '{ print $2 }' "$task/schedstat" 2>/dev/null) || continue
        total=$((total + ${wait:-0}))
    done
    echo "$total"
}
SIDE_PORT_THREADS='@(NIO-ELT-*|TP-*)'
shopt -s extglob
SCRAPE_HEADERS=()
[[ -z $ACCEPT_ENCODING ]] || SCRAPE_HEADERS=(-H "Accept-Encoding: $ACCEPT_ENCODING")

# count_samples FILE: the http_server_request_duration_seconds_count samples in a scrape.
count_samples() { grep -c '^http_server_request_duration_seconds_count{' "$1" || true; }

# --- populate -----------------------------------------------------------------------------------
start_server || exit 1
log "populating $ROUTES routes × ${#STATUS_LIST[@]} statuses = $SERIES series per worker"
populated="" samples=0 min_requests=0 max_requests=0 workers_seen=0 populate_requests=0
for ((try = 1; try <= POPULATE_TRIES; try++)); do
    log "populate $try/$POPULATE_TRIES: wrk -t1 -c64 -d$POPULATE_DURATION -s $LUA $APP_URL -- $ROUTES '$STATUSES' $POPULATE_CLOSE_EVERY"
    wrk -t1 -c64 -d"$POPULATE_DURATION" -s "$LUA" "$APP_URL" -- "$ROUTES" "$STATUSES" "$POPULATE_CLOSE_EVERY" \
        >"$WORK/populate-$try.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || { log "wrk failed:"; cat "$WORK/populate-$try.txt" >&2; WRK_PID=""; exit 1; }
    WRK_PID=""
    populate_requests=$((populate_requests + $(awk '/ requests in / { print $1 }' "$WORK/populate-$try.txt")))
    curl -fs --max-time 10 -o "$WORK/populated.txt" "$METRICS_URL"
    curl -fs --max-time 10 -o "$WORK/stats.json" "http://$HOST:$METRICS_PORT/stats"
    samples=$(count_samples "$WORK/populated.txt")
    read -r workers_seen min_requests max_requests < <(jq -r '[.workers[].requests] | "\(length) \(min) \(max)"' "$WORK/stats.json")
    log "  $samples of $SERIES count samples; $workers_seen workers, requests per worker $min_requests ... $max_requests"
    if ((samples == SERIES && workers_seen == WORKERS && min_requests >= POPULATE_MIN_REQUESTS)); then
        populated=1
        break
    fi
done
if [[ -z $populated ]]; then
    log "not populated after $POPULATE_TRIES runs: $samples of $SERIES series, $workers_seen of $WORKERS workers," \
        "fewest requests $min_requests (wanted $POPULATE_MIN_REQUESTS); measuring anyway"
fi
dropped=$(awk '/^swiftcorn_metrics_dropped_series_total / { print $2 }' "$WORK/populated.txt")
route_samples=$(grep -c '^http_server_request_duration_seconds_count{.*http_route="/route/' "$WORK/populated.txt" || true)

# --- scrape size ---------------------------------------------------------------------------------
curl -fs --max-time 10 -o "$WORK/plain.txt" "$METRICS_URL"
size_plain=$(stat -c %s "$WORK/plain.txt")
series_lines=$(grep -vc -e '^#' -e '^$' "$WORK/plain.txt" || true)
all_lines=$(wc -l <"$WORK/plain.txt")
gzip_info=$(curl -s --max-time 10 -H 'Accept-Encoding: gzip' -D "$WORK/gzip.headers" -o "$WORK/gzip.bin" \
    -w '%{size_download}' "$METRICS_URL")
size_gzip=$gzip_info
if ! grep -qi '^content-encoding: *gzip' "$WORK/gzip.headers"; then
    log "the answer to Accept-Encoding: gzip was not gzip-encoded"
    size_gzip=null
fi
om_line=$(curl -s --max-time 10 -H 'Accept: application/openmetrics-text; version=1.0.0; charset=utf-8' \
    -o "$WORK/openmetrics.txt" -w '%{http_code}\t%{content_type}\t%{size_download}\t%{time_total}' "$METRICS_URL")
IFS=$'\t' read -r om_code om_type om_size om_time <<<"$om_line"
om_ms=$(awk -v t="$om_time" 'BEGIN { printf "%.3f\n", t * 1000 }')
om_eof=false
[[ $(tail -n 1 "$WORK/openmetrics.txt") == "# EOF" ]] && om_eof=true
om_series=$(grep -vc -e '^#' -e '^$' "$WORK/openmetrics.txt" || true)

# --- scrape latency ------------------------------------------------------------------------------
# scrape_phase PHASE: SCRAPES sequential scrapes, "HTTP_CODE SECONDS" per line to $WORK/PHASE.txt;
# the master's CPU ticks over them in CPU_TICKS[PHASE].
declare -A CPU_TICKS WALL_S WAIT_NS SIDE_WAIT_NS
scrape_phase() {
    local phase=$1 out="$WORK/$1.txt" i before after start wait_before side_before
    : >"$out"
    before=$(cpu_ticks "$SERVER_PID")
    wait_before=$(run_delay_ns "$SERVER_PID")
    side_before=$(run_delay_ns "$SERVER_PID" "$SIDE_PORT_THREADS")
    start=$(date +%s.%N)
    for ((i = 0; i < SCRAPES; i++)); do
        curl -s -o /dev/null --max-time 10 "${SCRAPE_HEADERS[@]}" -w '%{http_code} %{time_total}\n' "$METRICS_URL" \
            >>"$out" 2>/dev/null || true
    done
    after=$(cpu_ticks "$SERVER_PID")
    WAIT_NS[$phase]=$(($(run_delay_ns "$SERVER_PID") - wait_before))
    SIDE_WAIT_NS[$phase]=$(($(run_delay_ns "$SERVER_PID" "$SIDE_PORT_THREADS") - side_before))
    CPU_TICKS[$phase]=$((after - before))
    WALL_S[$phase]=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", e - s }')
}

# summary PHASE: "n errors p50 p90 p99 max mean" in ms (nearest rank) of the phase's 200 answers.
summary() {
    awk '$1 == 200 { print $2 * 1000; next } { errors++ } END { print "E", errors + 0 }' "$WORK/$1.txt" |
        sort -g | awk '
        $1 == "E" { errors = $2; next }
        { v[++n] = $1; sum += $1 }
        function rank(q,   r) { r = int(q * n); if (r < q * n) r++; if (r < 1) r = 1; return v[r] }
        END {
            if (n == 0) { printf "0 %d null null null null null\n", errors; exit }
            printf "%d %d %.3f %.3f %.3f %.3f %.3f\n", n, errors, rank(0.5), rank(0.9), rank(0.99), v[n], sum / n
        }'
}

log "idle: $SCRAPES sequential scrapes of $METRICS_URL"
sleep 1
for ((i = 0; i < 5; i++)); do curl -s -o /dev/null --max-time 10 "${SCRAPE_HEADERS[@]}" "$METRICS_URL" || true; done  # warm-up
scrape_phase idle

log "loaded: wrk -t1 -c$CONNECTIONS -s $LUA $APP_URL, ${LOAD_WARMUP}s before $SCRAPES sequential scrapes"
wrk -t1 -c"$CONNECTIONS" -d1h -s "$LUA" "$APP_URL" -- "$ROUTES" "$STATUSES" 0 >"$WORK/load.txt" 2>&1 &
WRK_PID=$!
sleep "$LOAD_WARMUP"
scrape_phase loaded
if ! kill -0 "$WRK_PID" 2>/dev/null; then
    log "wrk ended before the last scrape:"; cat "$WORK/load.txt" >&2
fi
stop_wrk
load_rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/load.txt")
load_rps=${load_rps:-null}
load_sockerr=$(awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }' "$WORK/load.txt")
load_sockerr=${load_sockerr:-0}

# Per-worker requests after everything, for the record.
curl -fs --max-time 10 -o "$WORK/stats-end.json" "http://$HOST:$METRICS_PORT/stats" || true
stop_server

# --- report -------------------------------------------------------------------------------------
read -r idle_n idle_err idle_p50 idle_p90 idle_p99 idle_max idle_mean < <(summary idle)
read -r load_n load_err load_p50 load_p90 load_p99 load_max load_mean < <(summary loaded)
cpu_per_scrape() {  # PHASE N: the master's CPU ms per scrape
    awk -v t="${CPU_TICKS[$1]}" -v hz="$CLK_TCK" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f\n", t * 1000 / hz / n; else print "null" }'
}
idle_cpu=$(cpu_per_scrape idle "$SCRAPES")
load_cpu=$(cpu_per_scrape loaded "$SCRAPES")
per_scrape_ms() {  # NANOSECONDS N: ms per scrape
    awk -v w="$1" -v n="$2" 'BEGIN { if (n > 0) printf "%.2f\n", w / 1e6 / n; else print "null" }'
}
idle_wait=$(per_scrape_ms "${WAIT_NS[idle]}" "$SCRAPES")
load_wait=$(per_scrape_ms "${WAIT_NS[loaded]}" "$SCRAPES")
idle_side_wait=$(per_scrape_ms "${SIDE_WAIT_NS[idle]}" "$SCRAPES")
load_side_wait=$(per_scrape_ms "${SIDE_WAIT_NS[loaded]}" "$SCRAPES")
ratio=$(awk -v a="$load_p99" -v b="$idle_p99" 'BEGIN { if (a == "null" || b == "null" || b == 0) print "null"; else printf "%.2f\n", a / b }')
verdict() { awk -v p="$1" -v t="$TARGET_MS" 'BEGIN { if (p == "null") print "n/a"; else if (p + 0 < t + 0) print "met"; else print "MISSED" }'; }
idle_verdict=$(verdict "$idle_p99")
load_verdict=$(verdict "$load_p99")
met_json() { case "$1" in met) echo true ;; MISSED) echo false ;; *) echo null ;; esac; }

echo
echo "GET /metrics on the side port: $WORKERS workers, $ROUTES routes × ${#STATUS_LIST[@]} statuses" \
    "($STATUSES) = $SERIES series per worker, $SCRAPES sequential curl scrapes per phase," \
    "$(nproc) CPUs, $(date -u +%FT%TZ)"
if [[ -n $ACCEPT_ENCODING ]]; then
    echo "timed scrapes: Accept-Encoding: $ACCEPT_ENCODING"
else
    echo "timed scrapes: plain text (no Accept-Encoding)"
fi
echo "populated: $samples http_server_request_duration_seconds_count samples ($route_samples under /route/N)," \
    "$workers_seen workers with $min_requests ... $max_requests requests each" \
    "(wanted >= $POPULATE_MIN_REQUESTS), $populate_requests populating requests, dropped series ${dropped:-?}"
echo "scrape: $size_plain bytes plain, $size_gzip bytes gzip, $series_lines series lines ($all_lines lines)"
echo "openmetrics: HTTP $om_code, $om_type, $om_size bytes, $om_series series lines, ends with # EOF: $om_eof, ${om_ms} ms"
echo
row='%-8s %8s %7s %9s %9s %9s %9s %9s %8s %10s %9s %12s\n'
# shellcheck disable=SC2059  # the format is ours
printf "$row" phase scrapes errors "p50 ms" "p90 ms" "p99 ms" "max ms" "mean ms" "cpu ms" "side wait" "all wait" "load req/s"
# shellcheck disable=SC2059
printf "$row" idle "$idle_n" "$idle_err" "$idle_p50" "$idle_p90" "$idle_p99" "$idle_max" "$idle_mean" "$idle_cpu" \
    "$idle_side_wait" "$idle_wait" -
# shellcheck disable=SC2059
printf "$row" loaded "$load_n" "$load_err" "$load_p50" "$load_p90" "$load_p99" "$load_max" "$load_mean" "$load_cpu" \
    "$load_side_wait" "$load_wait" "$load_rps"
echo "(per scrape, over the phase: cpu ms, the master's user+system CPU time; side wait and all wait, ms its"
echo " side-port threads and all its threads were runnable but waited for a CPU; wall time idle ${WALL_S[idle]} s, loaded ${WALL_S[loaded]} s; load: wrk -t1 -c$CONNECTIONS keep-alive," \
    "socket errors $load_sockerr)"
echo
echo "p99(loaded) / p99(idle): ${ratio}x"
echo "p99 < $TARGET_MS ms (idle):   $idle_verdict"
echo "p99 < $TARGET_MS ms (loaded): $load_verdict"

times_json() { awk '$1 == 200 { printf "%s%.3f", (n++ ? "," : ""), $2 * 1000 }' "$WORK/$1.txt"; }
phase_json() {  # PHASE N ERRORS P50 P90 P99 MAX MEAN CPU SIDE_WAIT WAIT VERDICT
    printf '{"scrapes":%s,"errors":%s,"p50_ms":%s,"p90_ms":%s,"p99_ms":%s,"max_ms":%s,"mean_ms":%s,"master_cpu_ms_per_scrape":%s,"side_port_wait_ms_per_scrape":%s,"master_wait_ms_per_scrape":%s,"wall_s":%s,"p99_met":%s,"times_ms":[%s]' \
        "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}" "${11}" "${WALL_S[$1]}" "$(met_json "${12}")" "$(times_json "$1")"
}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/scrape-$stamp.json"
{
    printf '{"benchmark":"scrape","date":"%s","commit":"%s","cpus":%s,"workers":%s,"routes":%s,"statuses":[%s],"series_per_worker":%s' \
        "$stamp" "$commit" "$(nproc)" "$WORKERS" "$ROUTES" "$(IFS=,; echo "${STATUS_LIST[*]}")" "$SERIES"
    printf ',"accept_encoding":"%s"' "$ACCEPT_ENCODING"
    printf ',"populated":{"ok":%s,"count_samples":%s,"workers":%s,"min_requests":%s,"max_requests":%s,"requests":%s,"dropped_series":%s}' \
        "$([[ -n $populated ]] && echo true || echo false)" "$samples" "$workers_seen" "$min_requests" "$max_requests" \
        "$populate_requests" "${dropped:-null}"
    printf ',"size_bytes":%s,"size_gzip_bytes":%s,"series_lines":%s,"lines":%s' "$size_plain" "$size_gzip" "$series_lines" "$all_lines"
    printf ',"openmetrics":{"http_code":%s,"content_type":"%s","size_bytes":%s,"series_lines":%s,"eof":%s,"time_ms":%s}' \
        "$om_code" "$om_type" "$om_size" "$om_series" "$om_eof" "$om_ms"
    printf ',"target_p99_ms":%s,"idle":' "$TARGET_MS"
    phase_json idle "$idle_n" "$idle_err" "$idle_p50" "$idle_p90" "$idle_p99" "$idle_max" "$idle_mean" "$idle_cpu" "$idle_side_wait" "$idle_wait" "$idle_verdict"
    printf '},"loaded":'
    phase_json loaded "$load_n" "$load_err" "$load_p50" "$load_p90" "$load_p99" "$load_max" "$load_mean" "$load_cpu" "$load_side_wait" "$load_wait" "$load_verdict"
    printf ',"load_connections":%s,"load_rps":%s,"load_socket_errors":%s}' "$CONNECTIONS" "$load_rps" "$load_sockerr"
    printf ',"p99_ratio_loaded_idle":%s}\n' "$ratio"
} >"$out"
jq -e . "$out" >/dev/null 2>&1 || log "warning: $out is not valid JSON"
echo
echo "results: $out"
