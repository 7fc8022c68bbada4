#!/usr/bin/env bash
# HTTP throughput benchmark: swiftcorn against its peers (Hummingbird 2, gunicorn+uvicorn, nginx).
#
# Each server is started on its own loopback port, warmed up, measured with
# `wrk -t1 -c$CONNECTIONS -d$DURATION --latency`, and stopped before the next one starts.
# This is repeated for ROUNDS rounds, every round measuring every server once in the same order,
# so that a slow period of the (shared, noisy) machine hits all servers alike.
# Prints per server the median requests/s (with min and max) and median p99 latency over the
# rounds, the swiftcorn/peer ratios of those medians, and the per-round ratios swiftcorn/peer
# (both measured in the same round) with their median, which decides "met"/"MISSED".
# Writes the same, with every round's values, as one-line JSON to
# Benchmarks/results/http-<date>.json.
#
# Environment (all optional):
#   ROUNDS=3              rounds; each round measures every server once
#   DURATION=10s          measured wrk run per server and round
#   CONNECTIONS=64        wrk connections
#   WARMUP=2s             wrk warm-up run per server and round (not measured)
#   SERVERS="swiftcorn hummingbird gunicorn nginx"   which servers, in that order
#   SWIFTCORN_BIN=.build/release/swiftcorn
#   SWIFTCORN_WORKERS=2   -w for swiftcorn; also the worker count of every peer
#   SWIFTCORN_MODES=default   see "swiftcorn modes hook" below
#   BENCH_VENV=/tmp/swiftcorn-bench-venv   Python venv for gunicorn/uvicorn
#   BASE_PORT=18080       ports BASE_PORT+1 ... are used, one per server (+100 per round)
#   STARTUP_TIMEOUT=30    seconds a server gets to answer GET / with "Hello"
#
# Only 127.0.0.1 is ever contacted. One wrk runs at a time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=1
WARMUP=${WARMUP:-2s}
SERVERS=${SERVERS:-swiftcorn hummingbird gunicorn nginx}
SWIFTCORN_BIN=${SWIFTCORN_BIN:-.build/release/swiftcorn}
WORKERS=${SWIFTCORN_WORKERS:-2}
BENCH_VENV=${BENCH_VENV:-/tmp/swiftcorn-bench-venv}
BASE_PORT=${BASE_PORT:-18080}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-30}
HOST=127.0.0.1
HB_PACKAGE=Benchmarks/hummingbird-hello
HB_BIN=$HB_PACKAGE/.build/release/HelloHB
RESULTS_DIR=Benchmarks/results

if ! [[ $ROUNDS =~ ^[0-9]+$ ]] || ((ROUNDS < 1)); then
    echo "ROUNDS must be a positive integer, not '$ROUNDS'" >&2
    exit 2
fi
ROUND=1  # the round being measured (1 ... ROUNDS)

# Targets: swiftcorn req/s divided by the peer's req/s must be at least this.
declare -A TARGET=([hummingbird]=1.2 [gunicorn]=1.8 [nginx]=0.6)
declare -A PEER_LABEL=([hummingbird]="Hummingbird 2" [gunicorn]="gunicorn+uvicorn" [nginx]="nginx")

# --- swiftcorn modes hook ----------------------------------------------------------------------
# Every mode listed in SWIFTCORN_MODES is measured as its own row: "swiftcorn" for the mode
# `default`, "swiftcorn[MODE]" for the others, and each row gets its own ratios to the peers.
# To add a mode (logging off / JSON access log to a file / journald, once those flags exist):
# add a case below that prints the extra command-line arguments, one per line, then run e.g.
#   SWIFTCORN_MODES="default log-off log-json-file log-journald" Benchmarks/http.sh
# "$WORK" is the run's temp dir, for files a mode writes (it is removed at exit).
swiftcorn_mode_args() {
    case "$1" in
        # The peers log nothing, so the default row logs nothing either.
        default) printf '%s\n' --access-logfile none ;;
        log-json-file) printf '%s\n' --access-logfile "$WORK/access.log" ;;
        log-stdout) printf '%s\n' --access-logfile - ;;  # the server's stdout goes to its log file
        # log-journald)  printf '%s\n' --access-logfile journald ;;  # with the journald sink
        *) echo "unknown swiftcorn mode '$1' (add it to swiftcorn_mode_args in $0)" >&2; return 1 ;;
    esac
}
SWIFTCORN_MODES=${SWIFTCORN_MODES:-default}
# -----------------------------------------------------------------------------------------------

LOG_ROUND=""  # "round 2/3" while the rounds run
log() { printf '[http.sh]%s %s\n' "${LOG_ROUND:+ $LOG_ROUND:}" "$*" >&2; }

WORK=$(mktemp -d /tmp/swiftcorn-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers may run as an unprivileged user
SERVER_PID=""
WRK_PID=""

# Stop the running server: TERM to its main process, then KILL to its whole process group
# (each server runs in its own session, so the group holds its workers too).
stop_server() {
    local pid=$SERVER_PID
    [[ -n $pid ]] || return 0
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Workers that outlived their master (same process group): give them a moment, then insist.
    deadline=$((SECONDS + 5))
    while kill -0 -- "-$pid" 2>/dev/null && ((SECONDS < deadline)); do
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.1
    done
}

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
if ((${#need_apt[@]})); then
    SUDO=""
    ((EUID == 0)) || SUDO=sudo
    log "installing ${need_apt[*]} with apt-get"
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${need_apt[@]}"
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

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

# start_server PORT LOGFILE CMD... : run CMD in its own session (process group = its pid).
start_server() {
    local port=$1 logfile=$2
    shift 2
    if port_in_use "$port"; then
        log "port $port is already in use"
        return 1
    fi
    setsid "$@" >"$logfile" 2>&1 </dev/null &
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
# Per round, keyed "LABEL@ROUND": STATUS ok|failed, RPS req/s, P99 ms (or null), ERRS count.
# NOTE is per label (the last note set in any round).
declare -A STATUS RPS P99 ERRS NOTE

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

# measure LABEL PORT: warm-up + measured wrk run against the running server, for round ROUND.
measure() {
    local label=$1 port=$2 out="$WORK/wrk-$1-r$ROUND.txt" url="http://$HOST:$2/" key="$1@$ROUND"
    log "$label: warm-up ${WARMUP}"
    run_wrk "$WARMUP" "$url" >/dev/null 2>&1 || true
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
    log "$label: $rps req/s, p99 ${p99:-?}, errors ${ERRS[$key]}"
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
    esac
}

run_swiftcorn() {
    local port mode label i=0 extra
    port=$(port_of swiftcorn)
    for mode in $SWIFTCORN_MODES; do
        label=swiftcorn
        [[ $mode == default ]] || label="swiftcorn[$mode]"
        add_row "$label"
        port=$(( $(port_of swiftcorn) + 10 * i )); i=$((i + 1))  # a fresh port per mode (no TIME_WAIT reuse)
        if [[ ! -x $SWIFTCORN_BIN ]]; then
            fail "$label" "no executable at $SWIFTCORN_BIN (build with: swift build -c release)"; continue
        fi
        if ! extra=$(swiftcorn_mode_args "$mode"); then fail "$label" "unknown mode"; continue; fi
        local -a args=()
        [[ -z $extra ]] || mapfile -t args <<<"$extra"
        log "$label: starting $SWIFTCORN_BIN -w $WORKERS -b $HOST:$port ${args[*]}"
        if start_server "$port" "$WORK/$label-r$ROUND.log" "$SWIFTCORN_BIN" -w "$WORKERS" -b "$HOST:$port" "${args[@]}"; then
            measure "$label" "$port"
        else
            fail "$label" "did not start"
        fi
        stop_server
    done
}

run_nginx() {
    local port dir=$WORK/nginx
    port=$(port_of nginx)
    add_row nginx
    mkdir -p "$dir/logs" && chmod 755 "$dir"
    cat >"$dir/nginx.conf" <<EOF
worker_processes $WORKERS;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
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
    log "nginx: starting $NGINX -c $dir/nginx.conf -p $dir"
    if start_server "$port" "$WORK/nginx-r$ROUND.log" "$NGINX" -c "$dir/nginx.conf" -p "$dir/"; then
        measure nginx "$port"
    else
        fail nginx "did not start"
    fi
    stop_server
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
declare -a RUN_SERVERS=()
for server in $SERVERS; do
    case "$server" in
        swiftcorn | nginx | gunicorn | hummingbird) RUN_SERVERS+=("$server") ;;
        *) log "unknown server '$server' (known: swiftcorn hummingbird gunicorn nginx)" ;;
    esac
done

# Rounds: every round runs every server once, in the same order, so servers are interleaved
# in time and a slow period of the machine affects them all alike.
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    LOG_ROUND="round $ROUND/$ROUNDS"
    for server in "${RUN_SERVERS[@]}"; do
        "run_$server"
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

# Per label over the rounds: median/min/max req/s, median p99, total errors, per-round lists.
declare -A OK_ROUNDS MED_RPS MIN_RPS MAX_RPS MED_P99 SUM_ERRS RPS_LIST P99_LIST ERRS_LIST NOTE_ALL
for label in "${ROWS[@]}"; do
    rps_vals=() p99_vals=() rps_list=() p99_list=() errs_list=() failed_rounds=() errs=0
    for ((r = 1; r <= ROUNDS; r++)); do
        key="$label@$r"
        if [[ ${STATUS[$key]:-failed} == ok ]]; then
            rps_vals+=("${RPS[$key]}"); rps_list+=("${RPS[$key]}")
            [[ ${P99[$key]} == null ]] || p99_vals+=("${P99[$key]}")
            p99_list+=("${P99[$key]}"); errs_list+=("${ERRS[$key]}")
            errs=$((errs + ${ERRS[$key]}))
        else
            failed_rounds+=("$r"); rps_list+=(null); p99_list+=(null); errs_list+=(null)
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
    note=${NOTE[$label]:-}
    if ((${#failed_rounds[@]} && ${#rps_vals[@]})); then
        note="failed in round(s) $(join , "${failed_rounds[@]}")${note:+: $note}"
    fi
    NOTE_ALL[$label]=$note
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (warm-up $WARMUP), $ROUNDS round(s) with the servers" \
    "interleaved, $WORKERS workers each, $(nproc) CPUs, $(date -u +%FT%TZ)"
echo "median over the rounds (min and max req/s alongside); errors are the total over the rounds:"
printf '%-24s %12s %12s %12s %10s %8s  %s\n' server "requests/s" min max "p99 ms" errors note
for label in "${ROWS[@]}"; do
    if ((${OK_ROUNDS[$label]})); then
        printf '%-24s %12s %12s %12s %10s %8s  %s\n' "$label" "${MED_RPS[$label]}" "${MIN_RPS[$label]}" \
            "${MAX_RPS[$label]}" "${MED_P99[$label]}" "${SUM_ERRS[$label]}" "${NOTE_ALL[$label]}"
    else
        printf '%-24s %12s %12s %12s %10s %8s  %s\n' "$label" failed - - - - "${NOTE_ALL[$label]}"
    fi
done

if ((ROUNDS > 1)); then
    echo
    echo "per round (req/s | p99 ms), round 1 first:"
    for label in "${ROWS[@]}"; do
        rps_line=${RPS_LIST[$label]//,/ } p99_line=${P99_LIST[$label]//,/ }
        printf '  %-22s %s | %s\n' "$label" "${rps_line//null/-}" "${p99_line//null/-}"
    done
fi

echo
echo "ratios swiftcorn req/s / peer req/s: per round (same round), their median (decides the verdict),"
echo "and the ratio of the medians above:"
ratios_json=""
for sc in "${ROWS[@]}"; do
    [[ $sc == swiftcorn* ]] || continue
    for peer in hummingbird gunicorn nginx; do
        [[ -n ${IS_ROW[$peer]:-} ]] || continue  # peer not in this run
        key="$sc/$peer" r=null of_medians=null met=null verdict="n/a" per_round=()
        for ((i = 1; i <= ROUNDS; i++)); do
            if [[ ${STATUS[$sc@$i]:-failed} == ok && ${STATUS[$peer@$i]:-failed} == ok ]]; then
                per_round+=("$(ratio "${RPS[$sc@$i]}" "${RPS[$peer@$i]}")")
            else
                per_round+=(null)
            fi
        done
        valid=()
        for x in "${per_round[@]}"; do [[ $x == null ]] || valid+=("$x"); done
        r=$(median '%.2f' "${valid[@]}")
        if [[ $r != null ]]; then
            if meets "$r" "${TARGET[$peer]}"; then met=true verdict=met; else met=false verdict=MISSED; fi
        fi
        if ((${OK_ROUNDS[$sc]} && ${OK_ROUNDS[$peer]})); then
            of_medians=$(ratio "${MED_RPS[$sc]}" "${MED_RPS[$peer]}")
        fi
        rounds_line=$(join ' ' "${per_round[@]}")
        printf '  %-36s rounds %-20s median %6s  (medians %6s)  target >= %sx  %s\n' \
            "$sc / ${PEER_LABEL[$peer]}" "${rounds_line//null/-}" \
            "$([[ $r == null ]] && echo n/a || echo "${r}x")" \
            "$([[ $of_medians == null ]] && echo n/a || echo "${of_medians}x")" "${TARGET[$peer]}" "$verdict"
        ratios_json+="${ratios_json:+,}$(json_str "$key"):{\"ratio\":$r,\"ratio_rounds\":[$(join , "${per_round[@]}")]"
        ratios_json+=",\"ratio_of_medians\":$of_medians,\"target\":${TARGET[$peer]},\"met\":$met}"
    done
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
    [[ -z ${NOTE_ALL[$label]} ]] || entry+=",\"note\":$(json_str "${NOTE_ALL[$label]}")"
    servers_json+="${servers_json:+,}$(json_str "$label"):{$entry}"
done

stamp=$(date -u +%Y%m%dT%H%M%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/http-$stamp.json"
printf '{"benchmark":"http","date":"%s","commit":"%s","rounds":%s,"duration":"%s","warmup":"%s","connections":%s,"threads":%s,"workers":%s,"cpus":%s,"servers":{%s},"ratios":{%s}}\n' \
    "$stamp" "$commit" "$ROUNDS" "$DURATION" "$WARMUP" "$CONNECTIONS" "$THREADS" "$WORKERS" "$(nproc)" \
    "$servers_json" "$ratios_json" >"$out"
echo
echo "results: $out"
