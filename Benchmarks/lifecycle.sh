#!/usr/bin/env bash
# Zero-downtime operations under load: throughput and failures while the master reloads, and
# while it recycles workers, each against the same server left alone, measured in the same round.
#
# Each round measures these rows, one after the other, with `wrk -t1 -c$CONNECTIONS -d$DURATION`:
#   steady   -w $WORKERS, no events (three times: before, between and after the two event rows)
#   reload   the same, with a HUP every RELOAD_EVERY seconds (every worker replaced each time)
#   recycle  -w $WORKERS --max-requests $MAX_REQUESTS --max-requests-jitter $JITTER
#   recycle-exec  the same with --worker-start exec (each worker executed, not forked by the fork
#            server): not judged, it shows what the fork server saves
# The order is steady, reload, steady, recycle, steady, recycle-exec: each event row is compared
# with the mean of the steady rows just before and just after it, so a machine that speeds up or
# slows down during a round (shared machines do, by a tenth and more within minutes) moves both
# sides of a ratio alike instead of only one.
# The verdicts are the medians over rounds of reload/steady and recycle/steady requests per
# second (target >= 0.9 each) and the failures of every event run: socket errors plus non-2xx
# responses (target 0).
#
# Environment (all optional): ROUNDS=3 DURATION=30s CONNECTIONS=64 WORKERS=2 RELOAD_EVERY=5
#   MAX_REQUESTS=1000 JITTER=100 BIN=.build/release/swiftcorn BASE_PORT=18380
# Only 127.0.0.1 is contacted. Writes Benchmarks/results/lifecycle-<date>.json.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=Benchmarks/lib.sh
source Benchmarks/lib.sh
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-64}
WORKERS=${WORKERS:-2}
RELOAD_EVERY=${RELOAD_EVERY:-5}
MAX_REQUESTS=${MAX_REQUESTS:-1000}
JITTER=${JITTER:-100}
BIN=${BIN:-.build/release/swiftcorn}
BASE_PORT=${BASE_PORT:-18380}
RESULTS_DIR=Benchmarks/results
SECONDS_TOTAL=${DURATION%s}

[[ -x $BIN ]] || { echo "no $BIN: run 'make build-release' first" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is missing (apt-get install wrk)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/swiftcorn-lifecycle.XXXXXX)
SERVER_PID=""
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# start_server PORT EXTRA_ARGS...: starts the master in its own session, waits for "Hello".
start_server() {
    local port=$1
    shift
    setsid "$BIN" -w "$WORKERS" -b "127.0.0.1:$port" --access-logfile none --metrics-bind none "$@" \
        >"$WORK/server-$port.log" 2>&1 &
    SERVER_PID=$!
    local deadline=$((SECONDS + 30))
    until [[ $(curl -s "http://127.0.0.1:$port/" 2>/dev/null) == Hello ]]; do
        ((SECONDS < deadline)) || { echo "server on $port did not answer" >&2; cat "$WORK/server-$port.log" >&2; exit 1; }
        sleep 0.1
    done
}

# measure PORT: prints "requests_per_second failures" of one wrk run.
measure() {
    local out
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$1/")
    local rps errors non2xx
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    errors=$( (grep -oE '(connect|read|write|timeout) [0-9]+' <<<"$out" || true) | awk '{s += $2} END {print s + 0}')
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
    echo "$rps $((errors + ${non2xx:-0}))"
}

# run_events PORT: HUPs the current server every RELOAD_EVERY seconds while wrk measures it.
measure_with_reloads() {
    local port=$1 master=$SERVER_PID
    (
        for ((t = RELOAD_EVERY; t < SECONDS_TOTAL; t += RELOAD_EVERY)); do
            sleep "$RELOAD_EVERY"
            kill -HUP "$master" 2>/dev/null || exit 0
        done
    ) &
    local reloader=$!
    measure "$port"
    wait "$reloader" 2>/dev/null || true
}

declare -a PER_RECYCLE STEADY RELOAD RECYCLE RECYCLE_EXEC FAILURES RELOAD_RATIOS RECYCLE_RATIOS RECYCLE_EXEC_RATIOS
NO_EVENTS=0  # rounds whose event run saw no reload or no recycling: their ratio proves nothing
# measure_steady PORT: prints the requests per second of a server left alone.
measure_steady() {
    start_server "$1"
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$1/" >/dev/null  # warm-up
    measure "$1" | awk '{print $1}'
    stop_server
}
mean_of() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (a + b) / 2}'; }

for ((round = 1; round <= ROUNDS; round++)); do
    port=$((BASE_PORT + round * 8))
    steady_before=$(measure_steady "$port")

    port=$((port + 1))
    start_server "$port"
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/" >/dev/null
    read -r reload reload_failures < <(measure_with_reloads "$port")
    reloads=$(grep -c '"reloading: rolling the workers' "$WORK/server-$port.log" || true)
    stop_server

    port=$((port + 1))
    steady_between=$(measure_steady "$port")

    port=$((port + 1))
    start_server "$port" --max-requests "$MAX_REQUESTS" --max-requests-jitter "$JITTER"
    warm_requests=$(wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/" | awk '/requests in/ {print $1}')
    read -r recycle recycle_failures < <(measure "$port")
    recycled=$(grep -c 'served its max_requests' "$WORK/server-$port.log" || true)
    # How often the server as a whole replaced a worker: max_requests counts per worker, so
    # with W workers a recycle comes every ~max_requests / W requests served.
    per_recycle=$(awk -v w="${warm_requests:-0}" -v r="$recycle" -v t="$SECONDS_TOTAL" -v n="$recycled" \
        'BEGIN {printf "%.0f", (n > 0 ? (w + r * t) / n : 0)}')
    PER_RECYCLE+=("$per_recycle")
    if ((reloads == 0 || recycled == 0)); then NO_EVENTS=$((NO_EVENTS + 1)); fi
    stop_server

    port=$((port + 1))
    steady_after=$(measure_steady "$port")

    port=$((port + 1))
    start_server "$port" --max-requests "$MAX_REQUESTS" --max-requests-jitter "$JITTER" --worker-start exec
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port/" >/dev/null
    read -r recycle_exec _ < <(measure "$port")
    stop_server

    steady_for_reload=$(mean_of "$steady_before" "$steady_between")
    steady_for_recycle=$(mean_of "$steady_between" "$steady_after")
    reload_ratio=$(awk -v c="$reload" -v s="$steady_for_reload" 'BEGIN {printf "%.3f", c / s}')
    # The exec row comes last, right after the steady row that closes the recycle row's pair.
    recycle_exec_ratio=$(awk -v c="$recycle_exec" -v s="$steady_after" 'BEGIN {printf "%.3f", c / s}')
    RECYCLE_EXEC+=("$recycle_exec")
    RECYCLE_EXEC_RATIOS+=("$recycle_exec_ratio")
    recycle_ratio=$(awk -v c="$recycle" -v s="$steady_for_recycle" 'BEGIN {printf "%.3f", c / s}')
    STEADY+=("[$steady_before,$steady_between,$steady_after]")
    RELOAD+=("$reload")
    RECYCLE+=("$recycle")
    FAILURES+=("$((reload_failures + recycle_failures))")
    RELOAD_RATIOS+=("$reload_ratio")
    RECYCLE_RATIOS+=("$recycle_ratio")
    printf 'round %d: steady %s/%s/%s req/s | reload %s req/s (%s reloads), ratio %s, failures %s | recycle %s req/s (%s recycles, one per %s requests), ratio %s, failures %s | recycle-exec %s req/s, ratio %s\n' \
        "$round" "$steady_before" "$steady_between" "$steady_after" "$reload" "$reloads" "$reload_ratio" "$reload_failures" "$recycle" "$recycled" "$per_recycle" "$recycle_ratio" "$recycle_failures" \
        "$recycle_exec" "$recycle_exec_ratio"
done

verdict() { awk -v r="$1" -v none="$NO_EVENTS" 'BEGIN {print (r >= 0.9 && none == 0) ? "met" : "MISSED"}'; }
reload_ratio=$(median_of "${RELOAD_RATIOS[@]}")
recycle_ratio=$(median_of "${RECYCLE_RATIOS[@]}")
recycle_exec_ratio=$(median_of "${RECYCLE_EXEC_RATIOS[@]}")
total_failures=$(printf '%s\n' "${FAILURES[@]}" | awk '{s += $1} END {print s + 0}')
failure_verdict=$([[ $total_failures == 0 ]] && echo met || echo MISSED)
echo
echo "reload/steady median ratio:  $reload_ratio (HUP every ${RELOAD_EVERY}s; target >= 0.9: $(verdict "$reload_ratio"))"
per_recycle=$(median_of "${PER_RECYCLE[@]}")
echo "recycle/steady median ratio: $recycle_ratio (max_requests $MAX_REQUESTS per worker, $WORKERS workers: one recycle per $per_recycle requests served; target >= 0.9: $(verdict "$recycle_ratio"))"
echo "recycle-exec/steady median ratio: $recycle_exec_ratio (the same, workers executed instead of forked; not judged)"
echo "failed requests under events: $total_failures (target 0: $failure_verdict)"
((NO_EVENTS == 0)) || echo "$NO_EVENTS round(s) saw no reload or no recycling: the ratios are MISSED, not measured"

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
join() { local IFS=,; echo "$*"; }
printf '{"benchmark":"lifecycle","date":"%s","rounds":%d,"duration":"%s","connections":%d,"workers":%d,"reload_every_s":%d,"max_requests":%d,"requests_per_recycle":[%s],"steady":[%s],"reload":[%s],"recycle":[%s],"reload_ratios":[%s],"recycle_ratios":[%s],"recycle_exec":[%s],"recycle_exec_ratios":[%s],"recycle_exec_ratio":%s,"failures":[%s],"reload_ratio":%s,"recycle_ratio":%s,"failure_verdict":"%s"}\n' \
    "$stamp" "$ROUNDS" "$DURATION" "$CONNECTIONS" "$WORKERS" "$RELOAD_EVERY" "$MAX_REQUESTS" "$(join "${PER_RECYCLE[@]}")" \
    "$(join "${STEADY[@]}")" "$(join "${RELOAD[@]}")" "$(join "${RECYCLE[@]}")" "$(join "${RELOAD_RATIOS[@]}")" \
    "$(join "${RECYCLE_RATIOS[@]}")" "$(join "${RECYCLE_EXEC[@]}")" "$(join "${RECYCLE_EXEC_RATIOS[@]}")" "$recycle_exec_ratio" \
    "$(join "${FAILURES[@]}")" "$reload_ratio" "$recycle_ratio" "$failure_verdict" \
    >"$RESULTS_DIR/lifecycle-$stamp.json"
