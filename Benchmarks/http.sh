#!/usr/bin/env bash
# HTTP throughput benchmark: swiftcorn against its peers (Hummingbird 2, gunicorn+uvicorn, nginx,
# nginx with a JSON access log), against itself in other modes (metrics off, logging on) and, for
# the logging modes, against a C loop feeding journald.
# The `swiftcorn` row runs as shipped, metrics on (its Prometheus side port listens on
# 127.0.0.1:0, a port the OS picks; nothing scrapes it here), with logging off like the peers.
#
# Each server is started on its own loopback port, warmed up, measured with
# `wrk -t1 -c$CONNECTIONS -d$DURATION --latency`, and stopped before the next one starts.
# This is repeated for ROUNDS rounds, every round measuring every server once in the same order,
# so that a slow period of the (shared, noisy) machine hits all servers alike.
# Prints per row the median requests/s (with min and max) and median p99 latency over the
# rounds, the ratios of those medians, and the per-round ratios (both rows measured in the same
# round) with their median, which decides "met"/"MISSED".
# Writes the same, with every round's values, as one-line JSON to
# Benchmarks/results/http-<date>.json.
#
# Environment (all optional):
#   ROUNDS=3              rounds; each round measures every server once
#   DURATION=10s          measured wrk run per server and round
#   CONNECTIONS=64        wrk connections
#   WARMUP=2s             wrk warm-up run per server and round (not measured)
#   SERVERS="swiftcorn hummingbird gunicorn nginx"   which servers, in that order; also
#                         nginx-json (nginx writing a JSON access log to a file) and
#                         journald-c-loop (added after swiftcorn by itself for the log-journald mode)
#   SWIFTCORN_BIN=.build/release/swiftcorn
#   BASELINE_BIN=         another swiftcorn build (e.g. the commit before a change): the server
#                         "baseline" in SERVERS runs it in every SWIFTCORN_MODES mode, and each
#                         swiftcorn row is reported against its baseline row of the same round
#   SWIFTCORN_WORKERS=2   -w for swiftcorn; also the worker count of every peer
#   SWIFTCORN_MODES=default   see "swiftcorn modes hook" below; e.g. "default metrics-off"
#   NGINX_JSON_BUFFER=    nginx-json's access_log buffer size (e.g. 64k, flushed every 1s);
#                         empty (default): unbuffered, one write per request
#   BENCH_VENV=/tmp/swiftcorn-bench-venv   Python venv for gunicorn/uvicorn
#   BASE_PORT=18080       ports BASE_PORT+1 ... are used, one per server (+100 per round)
#   STARTUP_TIMEOUT=30    seconds a server gets to answer GET / with "Hello"
#
# Only 127.0.0.1 is ever contacted. One wrk (or journal-loop) runs at a time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=1
WARMUP=${WARMUP:-2s}
SERVERS=${SERVERS:-swiftcorn hummingbird gunicorn nginx}
SWIFTCORN_BIN=${SWIFTCORN_BIN:-.build/release/swiftcorn}
BASELINE_BIN=${BASELINE_BIN:-}
WORKERS=${SWIFTCORN_WORKERS:-2}
BENCH_VENV=${BENCH_VENV:-/tmp/swiftcorn-bench-venv}
BASE_PORT=${BASE_PORT:-18080}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}
NGINX_JSON_BUFFER=${NGINX_JSON_BUFFER:-}
HOST=127.0.0.1
HB_PACKAGE=Benchmarks/hummingbird-hello
HB_BIN=$HB_PACKAGE/.build/release/HelloHB
RESULTS_DIR=Benchmarks/results

if ! [[ $ROUNDS =~ ^[0-9]+$ ]] || ((ROUNDS < 1)); then
    echo "ROUNDS must be a positive integer, not '$ROUNDS'" >&2
    exit 2
fi
ROUND=1  # the round being measured (1 ... ROUNDS)

# Targets: swiftcorn req/s divided by the peer's req/s must be at least this (every swiftcorn row).
declare -A TARGET=([hummingbird]=1.2 [gunicorn]=1.8 [nginx]=0.6)
declare -A PEER_LABEL=([hummingbird]="Hummingbird 2" [gunicorn]="gunicorn+uvicorn" [nginx]="nginx"
    [swiftcorn]="swiftcorn (metrics on, logging off)" [nginx-json]="nginx JSON access_log"
    [journald-c-loop]="C sd_journal_send loop")
# How a row is named on the left of a ratio (the row's label when not listed).
declare -A ROW_LABEL=([swiftcorn]="swiftcorn (metrics on)")
# Targets between rows other than the peers above, "ROW PEER TARGET": ROW req/s / PEER req/s (or
# records/s) >= TARGET. Reported when both rows are in the run.
ROW_TARGETS=(
    # Metrics: recording every request into shared memory costs at most 5% (SWIFTCORN_MODES="default metrics-off").
    "swiftcorn swiftcorn[metrics-off] 0.95"
    # Logging (issue 5).
    "swiftcorn[log-json-file] swiftcorn 0.85"
    "swiftcorn[log-json-file] nginx-json 0.9"
    # A small log queue (--log-queue-size 64) must not throttle the server.
    "swiftcorn[log-json-file-q64] swiftcorn[log-json-file] 0.9"
    "swiftcorn[log-journald] journald-c-loop 0.8"
)
JOURNAL_IDENTIFIER=swiftcorn-bench    # swiftcorn's SYSLOG_IDENTIFIER in the log-journald mode
JOURNAL_LOOP_IDENTIFIER=swiftcorn-bench-c

# --- swiftcorn modes hook ----------------------------------------------------------------------
# Every mode listed in SWIFTCORN_MODES is measured as its own row: "swiftcorn" for the mode
# `default`, "swiftcorn[MODE]" for the others, and each row gets its own ratios to the peers.
# To add a mode: add a case to swiftcorn_mode_args that prints the extra command-line arguments,
# one per line (and to swiftcorn_mode_stdout if the server's stdout must go elsewhere), then run
#   SWIFTCORN_MODES="default log-json-file log-journald log-stdout-devnull" Benchmarks/http.sh
# "$WORK" is the run's temp dir, for files a mode writes (it is removed at exit); ROUND is set.
# Metrics are on by default in swiftcorn (side port 127.0.0.1:9464): every mode but metrics-off
# keeps them on, on port 0 (the OS picks a free one, so no fixed port can be taken; nothing
# scrapes), and so pays for recording every request into shared memory, as in production.
METRICS_ON=127.0.0.1:0
swiftcorn_mode_args() {
    case "$1" in
        # The peers log nothing, so the default row logs nothing either: metrics on, logging off.
        default) printf '%s\n' --access-logfile none --metrics-bind "$METRICS_ON" ;;
        # The same without metrics: the workers record nothing, the master has no side port.
        metrics-off) printf '%s\n' --access-logfile none --metrics-bind none ;;
        log-json-file) printf '%s\n' --access-logfile "$WORK/access-r$ROUND.log" --metrics-bind "$METRICS_ON" ;;
        # The same with a 64-record queue: the writer must not make producers wait on its timer.
        log-json-file-q64)
            printf '%s\n' --access-logfile "$WORK/access-r$ROUND.log" --log-queue-size 64 --metrics-bind "$METRICS_ON" ;;
        # The server's stdout goes to its log file.
        log-stdout) printf '%s\n' --access-logfile - --metrics-bind "$METRICS_ON" ;;
        log-journald)
            printf '%s\n' --access-logfile journald --journal-identifier "$JOURNAL_IDENTIFIER" \
                --metrics-bind "$METRICS_ON" ;;
        # stdout to /dev/null, see below.
        log-stdout-devnull) printf '%s\n' --access-logfile - --metrics-bind "$METRICS_ON" ;;
        *) echo "unknown swiftcorn mode '$1' (add it to swiftcorn_mode_args in $0)" >&2; return 1 ;;
    esac
}
# What MODE's row is, for the note column of the table.
swiftcorn_mode_note() {
    case "$1" in
        default) echo "metrics on, logging off" ;;
        metrics-off) echo "metrics off, logging off" ;;
        *) echo "metrics on" ;;
    esac
}
# Where the server's stdout goes in MODE: empty for its log file ($WORK/LABEL-rROUND.log, which
# also gets its stderr), or a path. Only log-stdout-devnull sends it elsewhere: the cost of
# formatting and writing the records, without the cost of storing them.
swiftcorn_mode_stdout() {
    case "$1" in
        log-stdout-devnull) echo /dev/null ;;
        *) echo "" ;;
    esac
}
SWIFTCORN_MODES=${SWIFTCORN_MODES:-default}
# swiftcorn reads SWIFTCORN_* environment variables as its configuration and refuses unknown ones
# ("unknown option 'SWIFTCORN_MODES'"): keep this script's own knobs out of the servers' environment.
export -n SWIFTCORN_MODES SWIFTCORN_BIN SWIFTCORN_WORKERS
# -----------------------------------------------------------------------------------------------

LOG_ROUND=""  # "round 2/3" while the rounds run
log() { printf '[http.sh]%s %s\n' "${LOG_ROUND:+ $LOG_ROUND:}" "$*" >&2; }

WORK=$(mktemp -d /tmp/swiftcorn-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers may run as an unprivileged user
SERVER_PID=""
SERVER_STDOUT=""  # when set, start_server sends the server's stdout there instead of its log file
WRK_PID=""

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $WRK_PID ]]; then
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    stop_server
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- tools ------------------------------------------------------------------------------------
need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need_apt+=(nginx-light)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if [[ " $SWIFTCORN_MODES " == *" log-journald "* || " $SERVERS " == *" journald-c-loop "* ]]; then
    [[ -e /usr/include/systemd/sd-journal.h ]] || need_apt+=(libsystemd-dev)  # for journal-loop.c
fi
install_packages "${need_apt[@]}"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)


# Poll GET / until it answers "Hello", the process dies, or the deadline passes.
wait_ready() {
    local port=$1 deadline=$((SECONDS + STARTUP_TIMEOUT)) body
    while ((SECONDS < deadline)); do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "server process exited during startup"
            return 1
        fi
        if body=$(curl -fsS --max-time 1 "http://$HOST:$port/" 2>/dev/null) && [[ $body == Hello* ]]; then
            return 0
        fi
        sleep 0.2
    done
    log "server did not answer on $HOST:$port within ${STARTUP_TIMEOUT}s"
    return 1
}

# start_server PORT LOGFILE CMD... : run CMD in its own session (process group = its pid), its
# stdout and stderr to LOGFILE, or its stdout to SERVER_STDOUT when that is set.
start_server() {
    local port=$1 logfile=$2
    shift 2
    if port_in_use "$port"; then
        log "port $port is already in use"
        return 1
    fi
    if [[ -n $SERVER_STDOUT ]]; then
        setsid "$@" >"$SERVER_STDOUT" 2>"$logfile" </dev/null &
    else
        setsid "$@" >"$logfile" 2>&1 </dev/null &
    fi
    SERVER_PID=$!
    if ! wait_ready "$port"; then
        log "last lines of $logfile:"
        tail -n 20 "$logfile" >&2 || true
        stop_server
        return 1
    fi
}

# Convert a wrk latency such as 850.00us, 1.23ms, 2.00s, 1.00m to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (match(v, /^[0-9.]+/)) { n = substr(v, 1, RLENGTH); u = substr(v, RLENGTH + 1) } else { print "null"; exit }
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0) { print "null"; exit }
        printf "%.3f\n", n * f
    }'
}

# wrk duration (10, 10s, 2m, 1h) to whole seconds, for the safety timeout around wrk.
to_seconds() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "" || u == "s") ? 1 : (u == "m") ? 60 : (u == "h") ? 3600 : 1
        printf "%d\n", n * f + 1
    }'
}

declare -a ROWS=()           # labels in run order
declare -A IS_ROW=()         # label -> 1 once it is in ROWS
# Per round, keyed "LABEL@ROUND": STATUS ok|failed, RPS req/s, P99 ms (or null), ERRS count,
# REQS requests wrk completed (warm-up + measured; records sent for journald-c-loop) and, for
# the rows that log, LOGGED records found afterwards (see count_records).
# NOTE is per label (the last note set in any round).
declare -A STATUS RPS P99 ERRS REQS LOGGED NOTE

# add_row LABEL: LABEL is measured (a row of the report), kept in first-run order.
add_row() {
    [[ -n ${IS_ROW[$1]:-} ]] && return 0
    IS_ROW[$1]=1
    ROWS+=("$1")
}

# run_wrk DURATION [ARGS...] URL: wrk in the background + wait, so that INT/TERM reach the
# traps at once instead of after wrk finishes; a timeout bounds a wrk that hangs.
run_wrk() {
    local d=$1
    shift
    timeout $(($(to_seconds "$d") + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$d" "$@" &
    WRK_PID=$!
    local rc=0
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

# run_wrk_like DURATION CMD...: CMD (which runs for about DURATION) in the background + wait, like
# run_wrk, for journal-loop.
run_wrk_like() {
    local d=$1
    shift
    timeout $(($(to_seconds "$d") + 30)) "$@" &
    WRK_PID=$!
    local rc=0
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

# measure LABEL PORT: warm-up + measured wrk run against the running server, for round ROUND.
measure() {
    local label=$1 port=$2 out="$WORK/wrk-$1-r$ROUND.txt" url="http://$HOST:$2/" key="$1@$ROUND"
    local warm="$WORK/warmup-$1-r$ROUND.txt"
    log "$label: warm-up ${WARMUP}"
    run_wrk "$WARMUP" "$url" >"$warm" 2>&1 || true
    log "$label: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $url"
    if ! run_wrk "$DURATION" --latency "$url" >"$out" 2>&1; then
        log "$label: wrk failed"; cat "$out" >&2 || true
        STATUS[$key]=failed; NOTE[$label]="wrk failed"
        return 0
    fi
    local rps p99 non2xx sockerr
    rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
    p99=$(awk '$1 == "99%" {print $2}' "$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
    sockerr=$(awk '/Socket errors:/ {s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s}' "$out")
    if [[ -z $rps ]]; then
        log "$label: could not parse wrk output"; cat "$out" >&2
        STATUS[$key]=failed; NOTE[$label]="unparsable wrk output"
        return 0
    fi
    STATUS[$key]=ok
    RPS[$key]=$rps
    P99[$key]=$( [[ -n $p99 ]] && to_ms "$p99" || echo null )
    ERRS[$key]=$(( ${non2xx:-0} + ${sockerr:-0} ))
    REQS[$key]=$(awk '/ requests in / { n += $1 } END { print n + 0 }' "$warm" "$out")
    log "$label: $rps req/s, p99 ${p99:-?}, errors ${ERRS[$key]}"
}

# count_records LABEL COUNT: COUNT records of LABEL's round ROUND were found where it logs them,
# to compare with the requests served (a mode that silently logs nothing would look fast).
# Readiness probes and requests in flight when wrk stops can make COUNT a little larger.
count_records() {
    local key="$1@$ROUND"
    [[ ${STATUS[$key]:-failed} == ok ]] || return 0
    LOGGED[$key]=$2
    log "$1: $2 records logged for ${REQS[$key]:-?} requests"
}

# line_count FILE...: the lines of the FILEs that exist, together.
line_count() {
    local n=0 f
    for f in "$@"; do
        if [[ -f $f ]]; then n=$((n + $(wc -l <"$f"))); fi
    done
    echo "$n"
}

# journal_count IDENTIFIER SINCE: access records with SYSLOG_IDENTIFIER=IDENTIFIER in the journal
# since SINCE (seconds since the epoch, fractional), once journald has caught up.
journal_count() {
    local n=-1 prev=-2 tries=0
    while ((n != prev && tries < 10)); do  # journald may still be draining its socket
        prev=$n
        sleep 0.5
        n=$(journalctl -q --no-pager -o cat "SYSLOG_IDENTIFIER=$1" SWIFTCORN_EVENT=access --since "@$2" \
            2>/dev/null | wc -l)
        tries=$((tries + 1))
    done
    echo "${n:-0}"
}

# fail LABEL NOTE: LABEL failed in round ROUND.
fail() { STATUS[$1@$ROUND]=failed; NOTE[$1]=$2; log "$1: FAILED ($2)"; }

# --- servers ------------------------------------------------------------------------------------
# A fresh set of ports per round (+100 each), as per swiftcorn mode: no TIME_WAIT reuse.
port_of() {
    local base=$((BASE_PORT + 100 * (ROUND - 1)))
    case "$1" in
        swiftcorn) echo $((base + 1)) ;;
        nginx) echo $((base + 2)) ;;
        gunicorn) echo $((base + 3)) ;;
        hummingbird) echo $((base + 4)) ;;
        nginx-json) echo $((base + 5)) ;;
    esac
}

# ensure_journald: a journald to log to. When none runs (no systemd as PID 1: CI, containers),
# start /lib/systemd/systemd-journald in the background, with no arguments (an argument would be
# read as a journal namespace), as `make journald` does; it is left running, as there.
ensure_journald() {
    pgrep -x systemd-journal >/dev/null 2>&1 && return 0
    if [[ ! -x /lib/systemd/systemd-journald ]] || ((EUID != 0)); then
        log "no journald runs and /lib/systemd/systemd-journald cannot be started here"
        return 1
    fi
    log "starting /lib/systemd/systemd-journald (no journald was running; it is left running)"
    mkdir -p /run/systemd/journal /var/log/journal
    (setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &)
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -S /run/systemd/journal/socket ]] && pgrep -x systemd-journal >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    log "journald did not come up"
    return 1
}

run_swiftcorn() { run_swiftcorn_build swiftcorn "$SWIFTCORN_BIN" 0; }
run_baseline() { run_swiftcorn_build baseline "$BASELINE_BIN" 50; }

# run_swiftcorn_build NAME BINARY PORT_OFFSET: a row per mode, NAME or NAME[mode], for BINARY.
run_swiftcorn_build() {
    local name=$1 bin=$2 offset=$3 port mode label i=0 extra logfile since
    for mode in $SWIFTCORN_MODES; do
        label=$name
        [[ $mode == default ]] || label="$name[$mode]"
        add_row "$label"
        NOTE[$label]=$(swiftcorn_mode_note "$mode")
        port=$(( $(port_of swiftcorn) + offset + 10 * i )); i=$((i + 1))  # a fresh port per mode (no TIME_WAIT reuse)
        if [[ ! -x $bin ]]; then
            fail "$label" "no executable at '$bin' (build with: make build-release)"; continue
        fi
        if ! extra=$(swiftcorn_mode_args "$mode"); then fail "$label" "unknown mode"; continue; fi
        if [[ $mode == log-journald ]] && ! ensure_journald; then fail "$label" "no journald"; continue; fi
        local -a args=()
        [[ -z $extra ]] || mapfile -t args <<<"$extra"
        logfile="$WORK/$label-r$ROUND.log"
        SERVER_STDOUT=$(swiftcorn_mode_stdout "$mode")
        since=$(date +%s.%N)
        log "$label: starting $bin -w $WORKERS -b $HOST:$port ${args[*]}${SERVER_STDOUT:+ >$SERVER_STDOUT}"
        if start_server "$port" "$logfile" "$bin" -w "$WORKERS" -b "$HOST:$port" "${args[@]}"; then
            measure "$label" "$port"
        else
            fail "$label" "did not start"
        fi
        SERVER_STDOUT=""
        stop_server  # a graceful stop: swiftcorn writes every queued record before it exits
        # Count the records this round logged, then drop the (large) files.
        case "$mode" in
            log-json-file | log-json-file-q64)
                count_records "$label" "$(line_count "$WORK/access-r$ROUND".log*)"
                rm -f "$WORK/access-r$ROUND".log* ;;
            log-stdout)
                count_records "$label" "$(grep -c '"event":"access"' "$logfile" || true)"
                rm -f "$logfile" ;;
            log-journald)
                count_records "$label" "$(journal_count "$JOURNAL_IDENTIFIER" "$since")" ;;
        esac
    done
}

# nginx_server LABEL ACCESS_LOG_LINES: nginx as row LABEL, its http block holding ACCESS_LOG_LINES.
nginx_server() {
    local label=$1 access=$2 port dir=$WORK/$1
    port=$(port_of "$label")
    add_row "$label"
    mkdir -p "$dir/logs" && chmod 755 "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes $WORKERS;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
$access
    default_type text/plain;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 1000000;
    server {
        listen $HOST:$port;
        location / { return 200 "Hello"; }
    }
}
EOF
    log "$label: starting $NGINX -c $dir/nginx.conf -p $dir"
    if start_server "$port" "$WORK/$label-r$ROUND.log" "$NGINX" -c "$dir/nginx.conf" -p "$dir/"; then
        measure "$label" "$port"
    else
        fail "$label" "did not start"
    fi
    stop_server
}

run_nginx() { nginx_server nginx "    access_log off;"; }

# nginx-json: every request as one JSON line in a file, close to swiftcorn's access record
# (schema v1). Differences: ts has second precision, path is $uri (decoded, normalized),
# duration_s is $request_time in seconds with ms precision, bytes_in is $request_length (the
# whole request, headers included), http_version is "HTTP/1.1", no worker index (pid only).
# Unbuffered by default (one write(2) per request, the record on disk at once); swiftcorn's
# workers hand records to a writer thread that writes whatever has queued up in one write, so it
# is also prompt. NGINX_JSON_BUFFER=64k gives nginx a 64k buffer flushed at least every second.
# shellcheck disable=SC2016  # nginx variables, not shell ones
nginx_json_format() {
    printf '%s' '{"ts":"$time_iso8601","level":"info","event":"access","method":"$request_method",' \
        '"path":"$uri","query":"$args","status":$status,"duration_s":$request_time,' \
        '"bytes_in":$request_length,"bytes_out":$body_bytes_sent,"remote_addr":"$remote_addr",' \
        '"user_agent":"$http_user_agent","referer":"$http_referer","request_id":"$request_id",' \
        '"http_version":"$server_protocol","host":"$http_host","pid":$pid}'
}
run_nginx_json() {
    local file="$WORK/nginx-json/logs/access-r$ROUND.log" buffer=""
    [[ -z $NGINX_JSON_BUFFER ]] || buffer=" buffer=$NGINX_JSON_BUFFER flush=1s"
    local format
    format=$(nginx_json_format)
    nginx_server nginx-json "    log_format json_combined escape=json '$format';
    access_log $file json_combined$buffer;"
    count_records nginx-json "$(line_count "$file")"
    rm -f "$file"
}

# journald-c-loop: not a server; Benchmarks/journal-loop.c sending access records through
# journald from WORKERS processes with sd_journal_send, as fast as journald takes them. Its
# "req/s" is records/s, measured like a server: a WARMUP run, then a DURATION run.
run_journald_c_loop() {
    local label=journald-c-loop key="journald-c-loop@$ROUND" out="$WORK/journal-loop-r$ROUND.txt"
    local since warm_sent line
    add_row "$label"
    if [[ -n $JOURNAL_LOOP_FAILED ]]; then fail "$label" "$JOURNAL_LOOP_FAILED"; return 0; fi
    if ! ensure_journald; then fail "$label" "no journald"; return 0; fi
    since=$(date +%s.%N)
    log "$label: warm-up ${WARMUP}"
    run_wrk_like "$WARMUP" "$WORK/journal-loop" "$WARMUP" "$WORKERS" "$JOURNAL_LOOP_IDENTIFIER" >"$out" 2>&1 || true
    warm_sent=$(awk '$1 == "records/s" { print $4 }' "$out")
    log "$label: $WORK/journal-loop $DURATION $WORKERS $JOURNAL_LOOP_IDENTIFIER"
    if ! run_wrk_like "$DURATION" "$WORK/journal-loop" "$DURATION" "$WORKERS" "$JOURNAL_LOOP_IDENTIFIER" >"$out" 2>&1; then
        log "$label: journal-loop failed"; cat "$out" >&2 || true
        fail "$label" "journal-loop failed"; return 0
    fi
    line=$(awk '$1 == "records/s"' "$out")
    STATUS[$key]=ok
    RPS[$key]=$(awk '{ print $2 }' <<<"$line")
    P99[$key]=null
    ERRS[$key]=$(awk '{ print $6 }' <<<"$line")
    REQS[$key]=$(( ${warm_sent:-0} + $(awk '{ print $4 }' <<<"$line") ))
    NOTE[$label]="records/s through journald, not HTTP"
    log "$label: ${RPS[$key]} records/s, errors ${ERRS[$key]}"
    count_records "$label" "$(journal_count "$JOURNAL_LOOP_IDENTIFIER" "$since")"
}

run_gunicorn() {
    local port dir=$WORK/gunicorn
    port=$(port_of gunicorn)
    add_row gunicorn
    if [[ -n $GUNICORN_SETUP_FAILED ]]; then
        fail gunicorn "$GUNICORN_SETUP_FAILED"; return 0  # don't retry pip in every round
    fi
    if ! "$BENCH_VENV/bin/python" -c 'import gunicorn, uvicorn, uvloop, httptools' 2>/dev/null; then
        log "gunicorn: setting up venv $BENCH_VENV"
        if ! { [[ -x $BENCH_VENV/bin/python ]] || python3 -m venv "$BENCH_VENV"; } ||
            ! "$BENCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
                gunicorn uvicorn uvloop httptools >&2; then
            GUNICORN_SETUP_FAILED="could not install gunicorn/uvicorn into $BENCH_VENV"
            fail gunicorn "$GUNICORN_SETUP_FAILED"; return 0
        fi
    fi
    mkdir -p "$dir"
    cat >"$dir/app.py" <<'EOF'
import asyncio
import sys

BODY = b"Hello"
START = {
    "type": "http.response.start",
    "status": 200,
    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"5")],
}
END = {"type": "http.response.body", "body": BODY}


def info():
    """Which event loop and HTTP parser this worker really uses (checked once by http.sh)."""
    loop = type(asyncio.get_running_loop())
    auto = sys.modules.get("uvicorn.protocols.http.auto")
    http = [m for m in ("uvicorn.protocols.http.httptools_impl", "uvicorn.protocols.http.h11_impl") if m in sys.modules]
    proto = getattr(auto, "AutoHTTPProtocol", None)
    return f"loop={loop.__module__}.{loop.__name__} http={proto.__name__ if proto else http}".encode()


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/__info":
        body = info()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": body})
        return
    await send(START)
    await send(END)
EOF
    log "gunicorn: starting gunicorn -w $WORKERS -k uvicorn.workers.UvicornWorker"
    if start_server "$port" "$WORK/gunicorn-r$ROUND.log" env -C "$dir" PYTHONWARNINGS=ignore::DeprecationWarning \
        "$BENCH_VENV/bin/gunicorn" -w "$WORKERS" -k uvicorn.workers.UvicornWorker --log-level warning \
        app:app -b "$HOST:$port"; then
        NOTE[gunicorn]=$(curl -fsS --max-time 2 "http://$HOST:$port/__info" 2>/dev/null || echo "loop/parser unknown")
        log "gunicorn: ${NOTE[gunicorn]}"
        measure gunicorn "$port"
    else
        fail gunicorn "did not start"
    fi
    stop_server
}

run_hummingbird() {
    local port
    port=$(port_of hummingbird)
    add_row hummingbird
    if [[ -n $HB_BUILD_FAILED ]]; then
        fail hummingbird "swift build failed"; return 0  # don't rebuild in every round
    fi
    if [[ ! -x $HB_BIN ]]; then
        log "hummingbird: building $HB_PACKAGE in release (takes minutes the first time)"
        if ! swift build -c release --package-path "$HB_PACKAGE" >&2; then
            HB_BUILD_FAILED=1
            fail hummingbird "swift build failed"; return 0
        fi
    fi
    log "hummingbird: starting $HB_BIN --host $HOST --port $port"
    if start_server "$port" "$WORK/hummingbird-r$ROUND.log" "$HB_BIN" --host "$HOST" --port "$port"; then
        measure hummingbird "$port"
    else
        fail hummingbird "did not start"
    fi
    stop_server
}

GUNICORN_SETUP_FAILED=""
HB_BUILD_FAILED=""
JOURNAL_LOOP_FAILED=""
# The journald-c-loop row comes with the log-journald mode, right after swiftcorn (unless SERVERS
# places it elsewhere).
WANT_JOURNAL_LOOP=""
if [[ " $SERVERS " == *" journald-c-loop "* ]]; then
    WANT_JOURNAL_LOOP=listed
elif [[ " $SERVERS " == *" swiftcorn "* && " $SWIFTCORN_MODES " == *" log-journald "* ]]; then
    WANT_JOURNAL_LOOP=auto
fi
declare -a RUN_SERVERS=()
for server in $SERVERS; do
    case "$server" in
        swiftcorn | baseline | nginx | nginx-json | gunicorn | hummingbird | journald-c-loop) RUN_SERVERS+=("$server") ;;
        *) log "unknown server '$server' (known: swiftcorn baseline hummingbird gunicorn nginx nginx-json journald-c-loop)" ;;
    esac
    if [[ $server == swiftcorn && $WANT_JOURNAL_LOOP == auto ]]; then RUN_SERVERS+=(journald-c-loop); fi
done
if [[ -n $WANT_JOURNAL_LOOP ]]; then
    log "building $WORK/journal-loop from Benchmarks/journal-loop.c"
    if ! cc -O2 -o "$WORK/journal-loop" Benchmarks/journal-loop.c -lsystemd >&2; then
        JOURNAL_LOOP_FAILED="could not build Benchmarks/journal-loop.c (needs cc and libsystemd-dev)"
        log "$JOURNAL_LOOP_FAILED"
    fi
fi

# Rounds: every round runs every server once, in the same order, so servers are interleaved
# in time and a slow period of the machine affects them all alike.
# swiftcorn and baseline trade places every other round: a row measured right after another
# server ran differs by up to ~6% from one measured first (two runs of this script with the two
# orders, 2026-12-08), which would otherwise count as a difference between the builds.
SWAP_BUILDS=""
[[ " ${RUN_SERVERS[*]} " == *" swiftcorn "* && " ${RUN_SERVERS[*]} " == *" baseline "* ]] && SWAP_BUILDS=1
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    LOG_ROUND="round $ROUND/$ROUNDS"
    for server in "${RUN_SERVERS[@]}"; do
        if [[ -n $SWAP_BUILDS ]] && ((ROUND % 2 == 0)); then
            case $server in
                swiftcorn) server=baseline ;;
                baseline) server=swiftcorn ;;
            esac
        fi
        "run_${server//-/_}"
    done
done
LOG_ROUND=""

# --- report -------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'; }
meets() { awk -v r="$1" -v t="$2" 'BEGIN { exit !(r + 0 >= t + 0) }'; }
json_str() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
# median FORMAT VALUE...: the median (mean of the middle two for an even count), "null" if none.
median() {
    local fmt=$1
    shift
    (($#)) || { echo null; return 0; }
    printf '%s\n' "$@" | sort -g | awk -v fmt="$fmt" '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf fmt "\n", m }'
}
# join SEP VALUE...: the values separated by SEP.
join() { local sep=$1 out="" v; shift; for v in "$@"; do out+="${out:+$sep}$v"; done; printf '%s' "$out"; }

# Per label over the rounds: median/min/max req/s, median p99, total errors, per-round lists, and
# for the rows that log, the records found and the requests served (summed over the rounds).
declare -A OK_ROUNDS MED_RPS MIN_RPS MAX_RPS MED_P99 SUM_ERRS RPS_LIST P99_LIST ERRS_LIST NOTE_ALL
declare -A LOGGED_LIST REQS_LIST LOGGED_PCT
for label in "${ROWS[@]}"; do
    rps_vals=() p99_vals=() rps_list=() p99_list=() errs_list=() failed_rounds=() errs=0
    logged_list=() reqs_list=() logged_sum=0 reqs_sum=0 logs=""
    for ((r = 1; r <= ROUNDS; r++)); do
        key="$label@$r"
        if [[ ${STATUS[$key]:-failed} == ok ]]; then
            rps_vals+=("${RPS[$key]}"); rps_list+=("${RPS[$key]}")
            [[ ${P99[$key]} == null ]] || p99_vals+=("${P99[$key]}")
            p99_list+=("${P99[$key]}"); errs_list+=("${ERRS[$key]}")
            errs=$((errs + ${ERRS[$key]}))
            reqs_list+=("${REQS[$key]:-null}")
            if [[ -n ${LOGGED[$key]:-} ]]; then
                logs=1 logged_list+=("${LOGGED[$key]}")
                logged_sum=$((logged_sum + LOGGED[$key])) reqs_sum=$((reqs_sum + ${REQS[$key]:-0}))
            else
                logged_list+=(null)
            fi
        else
            failed_rounds+=("$r"); rps_list+=(null); p99_list+=(null); errs_list+=(null)
            reqs_list+=(null); logged_list+=(null)
        fi
    done
    OK_ROUNDS[$label]=${#rps_vals[@]}
    MED_RPS[$label]=$(median '%.2f' "${rps_vals[@]}")
    MIN_RPS[$label]=$( ((${#rps_vals[@]})) && printf '%s\n' "${rps_vals[@]}" | sort -g | head -n1 || echo null)
    MAX_RPS[$label]=$( ((${#rps_vals[@]})) && printf '%s\n' "${rps_vals[@]}" | sort -g | tail -n1 || echo null)
    MED_P99[$label]=$(median '%.3f' "${p99_vals[@]}")
    SUM_ERRS[$label]=$errs
    RPS_LIST[$label]=$(join , "${rps_list[@]}")
    P99_LIST[$label]=$(join , "${p99_list[@]}")
    ERRS_LIST[$label]=$(join , "${errs_list[@]}")
    REQS_LIST[$label]=$(join , "${reqs_list[@]}")
    LOGGED_LIST[$label]=""
    LOGGED_PCT[$label]=-
    note=${NOTE[$label]:-}
    if [[ -n $logs ]]; then
        LOGGED_LIST[$label]=$(join , "${logged_list[@]}")
        ((reqs_sum > 0)) && LOGGED_PCT[$label]=$(awk -v l="$logged_sum" -v q="$reqs_sum" 'BEGIN { printf "%.1f%%\n", 100 * l / q }')
        note="$logged_sum records logged for $reqs_sum requests${note:+; $note}"
    fi
    if ((${#failed_rounds[@]} && ${#rps_vals[@]})); then
        note="failed in round(s) $(join , "${failed_rounds[@]}")${note:+: $note}"
    fi
    NOTE_ALL[$label]=$note
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (warm-up $WARMUP), $ROUNDS round(s) with the servers" \
    "interleaved, $WORKERS workers each, $(nproc) CPUs, $(date -u +%FT%TZ)"
echo "median over the rounds (min and max req/s alongside); errors are the total over the rounds;"
echo "logged: records found in the log (file, stdout or journald) / requests wrk completed incl. warm-up:"
row_format='%-30s %12s %12s %12s %10s %8s %8s  %s\n'
# shellcheck disable=SC2059  # the format is ours
printf "$row_format" server "requests/s" min max "p99 ms" errors logged note
for label in "${ROWS[@]}"; do
    if ((${OK_ROUNDS[$label]})); then
        # shellcheck disable=SC2059
        printf "$row_format" "$label" "${MED_RPS[$label]}" "${MIN_RPS[$label]}" "${MAX_RPS[$label]}" \
            "${MED_P99[$label]/null/-}" "${SUM_ERRS[$label]}" "${LOGGED_PCT[$label]}" "${NOTE_ALL[$label]}"
    else
        # shellcheck disable=SC2059
        printf "$row_format" "$label" failed - - - - - "${NOTE_ALL[$label]}"
    fi
done

if ((ROUNDS > 1)); then
    echo
    echo "per round (req/s | p99 ms), round 1 first:"
    for label in "${ROWS[@]}"; do
        rps_line=${RPS_LIST[$label]//,/ } p99_line=${P99_LIST[$label]//,/ }
        printf '  %-30s %s | %s\n' "$label" "${rps_line//null/-}" "${p99_line//null/-}"
    done
fi

# report_ratio ROW PEER TARGET: ROW req/s / PEER req/s per round (both in the same round), their
# median (which decides met/MISSED against TARGET) and the ratio of the medians; printed, and
# appended to ratios_json. Nothing when either row is not in this run.
ratios_json=""
report_ratio() {
    local sc=$1 peer=$2 target=$3 key="$1/$2" r=null of_medians=null met=null verdict="n/a" i x
    local -a per_round=() valid=()
    [[ -n ${IS_ROW[$sc]:-} && -n ${IS_ROW[$peer]:-} ]] || return 0
    for ((i = 1; i <= ROUNDS; i++)); do
        if [[ ${STATUS[$sc@$i]:-failed} == ok && ${STATUS[$peer@$i]:-failed} == ok ]]; then
            per_round+=("$(ratio "${RPS[$sc@$i]}" "${RPS[$peer@$i]}")")
        else
            per_round+=(null)
        fi
    done
    for x in "${per_round[@]}"; do [[ $x == null ]] || valid+=("$x"); done
    r=$(median '%.2f' "${valid[@]}")
    if [[ $r != null ]]; then
        if meets "$r" "$target"; then met=true verdict=met; else met=false verdict=MISSED; fi
    fi
    if ((${OK_ROUNDS[$sc]} && ${OK_ROUNDS[$peer]})); then
        of_medians=$(ratio "${MED_RPS[$sc]}" "${MED_RPS[$peer]}")
    fi
    local rounds_line
    rounds_line=$(join ' ' "${per_round[@]}")
    printf '  %-56s rounds %-20s median %6s  (medians %6s)  target >= %sx  %s\n' \
        "${ROW_LABEL[$sc]:-$sc} / ${PEER_LABEL[$peer]:-$peer}" "${rounds_line//null/-}" \
        "$([[ $r == null ]] && echo n/a || echo "${r}x")" \
        "$([[ $of_medians == null ]] && echo n/a || echo "${of_medians}x")" "$target" "$verdict"
    ratios_json+="${ratios_json:+,}$(json_str "$key"):{\"ratio\":$r,\"ratio_rounds\":[$(join , "${per_round[@]}")]"
    ratios_json+=",\"ratio_of_medians\":$of_medians,\"target\":$target,\"met\":$met}"
}

echo
echo "ratios row req/s / peer req/s: per round (same round), their median (decides the verdict),"
echo "and the ratio of the medians above:"
for sc in "${ROWS[@]}"; do
    [[ $sc == swiftcorn* ]] || continue
    for peer in hummingbird gunicorn nginx; do
        report_ratio "$sc" "$peer" "${TARGET[$peer]}"
    done
    # The same mode of the baseline build: a change must cost no more than the noise (5%).
    report_ratio "$sc" "baseline${sc#swiftcorn}" 0.95
done
row_ratios_start=${#ratios_json}
for spec in "${ROW_TARGETS[@]}"; do
    read -r sc peer target <<<"$spec"
    if ((${#ratios_json} == row_ratios_start)) && [[ -n ${IS_ROW[$sc]:-} && -n ${IS_ROW[$peer]:-} ]]; then
        echo "between rows: swiftcorn modes, logging peers (journald-c-loop: records/s):"
    fi
    report_ratio "$sc" "$peer" "$target"
done
[[ -n $ratios_json ]] || echo "  none (needs swiftcorn and at least one peer in SERVERS)"

servers_json=""
for label in "${ROWS[@]}"; do
    if ((${OK_ROUNDS[$label]})); then
        entry="\"status\":\"ok\",\"rps\":${MED_RPS[$label]},\"rps_min\":${MIN_RPS[$label]},\"rps_max\":${MAX_RPS[$label]}"
        entry+=",\"p99_ms\":${MED_P99[$label]},\"errors\":${SUM_ERRS[$label]},\"ok_rounds\":${OK_ROUNDS[$label]}"
    else
        entry="\"status\":\"failed\",\"ok_rounds\":0"
    fi
    entry+=",\"rps_rounds\":[${RPS_LIST[$label]}],\"p99_ms_rounds\":[${P99_LIST[$label]}],\"errors_rounds\":[${ERRS_LIST[$label]}]"
    entry+=",\"requests_rounds\":[${REQS_LIST[$label]}]"
    [[ -z ${LOGGED_LIST[$label]} ]] || entry+=",\"logged_rounds\":[${LOGGED_LIST[$label]}]"
    [[ -z ${NOTE_ALL[$label]} ]] || entry+=",\"note\":$(json_str "${NOTE_ALL[$label]}")"
    servers_json+="${servers_json:+,}$(json_str "$label"):{$entry}"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/http-$stamp.json"
printf '{"benchmark":"http","date":"%s","commit":"%s","rounds":%s,"duration":"%s","warmup":"%s","connections":%s,"threads":%s,"workers":%s,"cpus":%s,"swiftcorn_modes":%s,"servers":{%s},"ratios":{%s}}\n' \
    "$stamp" "$commit" "$ROUNDS" "$DURATION" "$WARMUP" "$CONNECTIONS" "$THREADS" "$WORKERS" "$(nproc)" \
    "$(json_str "$SWIFTCORN_MODES")" "$servers_json" "$ratios_json" >"$out"
echo
echo "results: $out"
