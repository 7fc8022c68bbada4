#!/usr/bin/env bash
# Log-analysis benchmark: `swiftcorn-logs summary` against GoAccess and a jq pipeline.
#
# Generates a 1,000,000-line access log in the schema-v1 format (~430 MB; Benchmarks/gen-access-log.py,
# deterministic), warms the page cache, then for ROUNDS rounds runs each tool once on the same file,
# in the same order, under `/usr/bin/time -v`:
#   swiftcorn   swiftcorn-logs summary --format json FILE
#   goaccess    goaccess FILE with a JSON --log-format template, JSON report to a temp file
#   jq          jq -r .status FILE | sort | uniq -c
#   journal     swiftcorn-logs summary --journal-dir DIR (only when TOOLS lists it): the same records
#               as journal entries (MESSAGE = the JSON line, plus the indexed fields the journald sink
#               writes), converted once with systemd-journal-remote into LOG_FILE.journal/
# Prints per tool the median wall time, lines/s, MB/s and peak RSS (max over rounds); per peer the
# ratio peer time / swiftcorn time of every round and their median, which decides met/MISSED
# against the targets (>= 10x GoAccess, >= 7x jq; journal >= 0.5x the file source; <= 200 MB RSS);
# and checks that all tools counted the same number of requests. Writes the same as one-line JSON
# to Benchmarks/results/logs-<date>.json.
#
# Environment (all optional):
#   LINES=1000000         lines to generate
#   ROUNDS=3              rounds; each measures every tool once
#   TOOLS="swiftcorn goaccess jq"   add "journal" for the journal source (needs systemd-journal-remote)
#   LOG_FILE=/tmp/swiftcorn-bench-access.log   regenerated when missing or of another size
#   SWIFTCORN_LOGS_BIN=.build/release/swiftcorn-logs   built with `swift build -c release` when missing
#
# Needs goaccess (Debian package `goaccess`), jq and GNU time. Nothing is sent over any network.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

LINES=${LINES:-1000000}
ROUNDS=${ROUNDS:-3}
TOOLS=${TOOLS:-swiftcorn goaccess jq}
LOG_FILE=${LOG_FILE:-/tmp/swiftcorn-bench-access.log}
BIN=${SWIFTCORN_LOGS_BIN:-.build/release/swiftcorn-logs}
RESULTS_DIR=Benchmarks/results
WORK=$(mktemp -d /tmp/swiftcorn-logs-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

declare -A TARGET=([goaccess]=10 [jq]=7 [journal]=0.5)
declare -A LABEL=([swiftcorn]="swiftcorn-logs summary" [journal]="swiftcorn-logs --journal-dir" [goaccess]="GoAccess $(goaccess --version 2>/dev/null | head -1 | grep -o '[0-9.]*[0-9]' || echo '?')" [jq]="jq | sort | uniq -c")
MAX_RSS_MB=200

for tool in /usr/bin/time jq goaccess python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install time jq goaccess python3)" >&2; exit 2; }
done

if [[ ! -x $BIN ]]; then
    echo "building swiftcorn-logs (release) ..." >&2
    swift build -c release --product swiftcorn-logs >&2
fi

if [[ ! -f $LOG_FILE ]] || [[ $(wc -l <"$LOG_FILE") -ne $LINES ]]; then
    echo "generating $LINES lines into $LOG_FILE ..." >&2
    python3 Benchmarks/gen-access-log.py "$LINES" >"$LOG_FILE.tmp"
    mv "$LOG_FILE.tmp" "$LOG_FILE"
fi
BYTES=$(stat -c %s "$LOG_FILE")
JOURNAL_DIR=$LOG_FILE.journal
if [[ " $TOOLS " == *" journal "* ]] && [[ ! -f $JOURNAL_DIR/complete ]]; then
    REMOTE=/lib/systemd/systemd-journal-remote
    [[ -x $REMOTE ]] || { echo "journal needs $REMOTE (apt-get install systemd-journal-remote)" >&2; exit 2; }
    echo "converting $LOG_FILE into journal files in $JOURNAL_DIR ..." >&2
    rm -rf "$JOURNAL_DIR" && mkdir -p "$JOURNAL_DIR"
    python3 Benchmarks/access-log-to-journal-export.py <"$LOG_FILE" | "$REMOTE" --output="$JOURNAL_DIR/remote.journal" - >&2
    touch "$JOURNAL_DIR/complete"
fi
cat "$LOG_FILE" >/dev/null  # page cache: every tool reads from memory
[[ -d $JOURNAL_DIR ]] && cat "$JOURNAL_DIR"/* >/dev/null

GOACCESS_FORMAT='{"ts":"%dT%t.%^","method":"%m","path":"%U","query":"%q","status":"%s","duration_ms":"%L","bytes_out":"%b","remote_addr":"%h","user_agent":"%u","referer":"%R","host":"%v"}'

# run TOOL: runs it once under /usr/bin/time -v; prints "seconds rss_kb requests".
run() {
    local tool=$1 out=$WORK/$1.out timing=$WORK/$1.time requests
    case $tool in
    swiftcorn)
        /usr/bin/time -v -o "$timing" "$BIN" summary --format json "$LOG_FILE" >"$out"
        requests=$(jq '.overview.requests' "$out")
        ;;
    journal)
        /usr/bin/time -v -o "$timing" "$BIN" summary --format json --journal-dir "$JOURNAL_DIR" >"$out"
        requests=$(jq '.overview.requests' "$out")
        ;;
    goaccess)
        /usr/bin/time -v -o "$timing" goaccess "$LOG_FILE" --no-global-config --log-format="$GOACCESS_FORMAT" \
            --date-format=%Y-%m-%d --time-format=%H:%M:%S --no-progress -o "$WORK/goaccess.json" >/dev/null 2>&1
        requests=$(jq '.general.valid_requests' "$WORK/goaccess.json")
        ;;
    jq)
        /usr/bin/time -v -o "$timing" bash -c 'jq -r .status "$1" | sort | uniq -c' _ "$LOG_FILE" >"$out"
        requests=$(awk '{ total += $1 } END { print total }' "$out")
        ;;
    esac
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$timing")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$timing")
    echo "$wall $rss $requests"
}

declare -A TIMES RSS REQUESTS ROUND_TIME
for ((round = 1; round <= ROUNDS; round++)); do
    for tool in $TOOLS; do
        read -r wall rss requests < <(run "$tool")
        TIMES[$tool]+="$wall "
        ROUND_TIME[$tool,$round]=$wall
        if [[ -z ${RSS[$tool]:-} ]] || ((rss > RSS[$tool])); then RSS[$tool]=$rss; fi
        REQUESTS[$tool]=$requests
        echo "round $round/$ROUNDS  $tool: ${wall}s, peak RSS $((rss / 1024)) MB, $requests requests" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '\n%d lines, %.1f MB, %d rounds (median wall time; peak RSS is the max over rounds)\n\n' "$LINES" "$(echo "$BYTES / 1000000" | bc -l)" "$ROUNDS"
printf '%-28s %10s %14s %10s %12s %10s\n' tool seconds lines/s MB/s "peak RSS" requests
declare -A MEDIAN
json_tools=""
for tool in $TOOLS; do
    MEDIAN[$tool]=$(echo "${TIMES[$tool]}" | median)
    lps=$(echo "$LINES / ${MEDIAN[$tool]}" | bc -l)
    mbs=$(echo "$BYTES / 1000000 / ${MEDIAN[$tool]}" | bc -l)
    printf '%-28s %10.3f %14.0f %10.1f %9d MB %10s\n' "${LABEL[$tool]}" "${MEDIAN[$tool]}" "$lps" "$mbs" "$((RSS[$tool] / 1024))" "${REQUESTS[$tool]}"
    json_tools+="${json_tools:+,}\"$tool\":{\"seconds\":${MEDIAN[$tool]},\"lines_per_s\":$(printf '%.0f' "$lps"),\"mb_per_s\":$(printf '%.1f' "$mbs"),\"peak_rss_kb\":${RSS[$tool]},\"requests\":${REQUESTS[$tool]},\"rounds\":[$(echo "${TIMES[$tool]}" | xargs | tr ' ' ',')]}"
done

echo
verdicts=""
status=0
if [[ -n ${MEDIAN[swiftcorn]:-} ]]; then
    for peer in goaccess jq journal; do
        [[ -n ${MEDIAN[$peer]:-} ]] || continue
        # Per-round ratios: both tools measured in the same round share its noise.
        ratios=""
        for ((round = 1; round <= ROUNDS; round++)); do
            if [[ $peer == journal ]]; then  # journal is a swiftcorn source: its speed relative to the file
                ratios+="$(echo "${ROUND_TIME[swiftcorn,$round]} / ${ROUND_TIME[$peer,$round]}" | bc -l) "
            else
                ratios+="$(echo "${ROUND_TIME[$peer,$round]} / ${ROUND_TIME[swiftcorn,$round]}" | bc -l) "
            fi
        done
        ratio=$(echo "$ratios" | median)
        verdict=$(echo "$ratio >= ${TARGET[$peer]}" | bc -l | sed 's/1/met/;s/0/MISSED/')
        [[ $verdict == met ]] || status=1
        if [[ $peer == journal ]]; then
            printf 'journal source vs file source: %6.2fx lines/s, median of rounds (target >= %sx): %s\n' "$ratio" "${TARGET[$peer]}" "$verdict"
        else
            printf 'swiftcorn-logs vs %-22s %6.1fx lines/s, median of rounds (target >= %sx): %s\n' "${LABEL[$peer]}" "$ratio" "${TARGET[$peer]}" "$verdict"
        fi
        verdicts+="${verdicts:+,}\"$peer\":{\"ratio\":$(printf '%.2f' "$ratio"),\"ratio_rounds\":[$(echo "$ratios" | xargs printf '%.2f\n' | paste -sd,)],\"target\":${TARGET[$peer]},\"met\":$([[ $verdict == met ]] && echo true || echo false)}"
    done
    rss_mb=$((RSS[swiftcorn] / 1024))
    rss_verdict=$([[ $rss_mb -le $MAX_RSS_MB ]] && echo met || echo MISSED)
    [[ $rss_verdict == met ]] || status=1
    printf 'swiftcorn-logs peak RSS %d MB (target <= %d MB): %s\n' "$rss_mb" "$MAX_RSS_MB" "$rss_verdict"
    verdicts+="${verdicts:+,}\"rss\":{\"mb\":$rss_mb,\"target\":$MAX_RSS_MB,\"met\":$([[ $rss_verdict == met ]] && echo true || echo false)}"
fi
counts=$(for tool in $TOOLS; do echo "${REQUESTS[$tool]}"; done | sort -u | wc -l)
if ((counts == 1)); then
    echo "all tools counted ${REQUESTS[swiftcorn]:-${REQUESTS[jq]:-?}} requests"
else
    echo "request counts DIFFER: $(for tool in $TOOLS; do printf '%s=%s ' "$tool" "${REQUESTS[$tool]}"; done)"
    status=1
fi

mkdir -p "$RESULTS_DIR"
result="$RESULTS_DIR/logs-$(date -u +%Y%m%dT%H%M%SZ).json"
echo "{\"benchmark\":\"logs\",\"lines\":$LINES,\"bytes\":$BYTES,\"rounds\":$ROUNDS,\"cpus\":$(nproc),\"tools\":{$json_tools},\"verdicts\":{$verdicts}}" >"$result"
echo "wrote $result"
exit $status
