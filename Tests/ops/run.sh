#!/usr/bin/env bash
# Operations pack tests (issue 8): the Grafana dashboard, the Prometheus alert rules, the systemd
# units, the logrotate snippet and the Prometheus/Grafana configuration, each checked statically
# and against a live swiftcorn (the built binary) and a real prometheus (Debian's package).
#
#   Tests/ops/run.sh            (make test runs it after `swift test`)
#
# Needs: .build/debug/swiftcorn (or $SWIFTCORN_BIN), python3, curl, promtool, prometheus,
# systemd-analyze, logrotate, gzip (`make deps` installs them). Uses 127.0.0.1 only, cleans up
# everything it started. Prints PASS/FAIL lines and exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
BIN="${SWIFTCORN_BIN:-$ROOT/.build/debug/swiftcorn}"
DASHBOARD="Dashboards/swiftcorn-overview.json"
ALERTS="Dashboards/alerts.yml"
HELPER="Tests/ops/dashboard.py"

# Dashboard queries that are empty in a healthy system (keep in step with docs/operations.md,
# "Queries that are empty in a healthy system"). "Panel title/refId".
ALLOWED_EMPTY=(
    "5xx ratio by route/A"          # no 5xx response in the rate window: no series to divide
    "Log file rotations/A"          # no file sink rotates (journald/stdout, or logrotate does it)
    "statsd packets and errors/A"   # statsd not configured (--statsd-host)
    "statsd packets and errors/B"   # statsd not configured (--statsd-host)
)

PASSED=0
FAILED=0
PIDS=()
TMP="$(mktemp -d "${TMPDIR:-/tmp}/swiftcorn-ops.XXXXXX")"
START_TIME=$SECONDS

pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    if [ "${KEEP_TMP:-0}" = 1 ] || [ "$FAILED" -gt 0 ]; then
        echo "ops test files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap "exit 130" INT TERM

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.1 s until it succeeds;
# returns 1 (and says what it waited for) at the deadline.
wait_until() {
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "  timed out after ${seconds}s waiting for: $what"
            return 1
        fi
        sleep 0.1
    done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_swiftcorn DIR PORT METRICS_PORT ARGS...: starts the server in the background, records its
# pid and waits until the side port answers /healthz.
start_swiftcorn() {
    local dir=$1 port=$2 mport=$3
    shift 3
    mkdir -p "$dir"
    "$BIN" -w 2 -b "127.0.0.1:$port" --metrics-bind "127.0.0.1:$mport" "$@" \
        >"$dir/stdout.log" 2>"$dir/stderr.log" </dev/null &
    PIDS+=("$!")
    LAST_PID=$!
    local deadline=$((SECONDS + 30))
    until curl -sf "http://127.0.0.1:$mport/healthz" >/dev/null 2>&1; do
        if ! kill -0 "$LAST_PID" 2>/dev/null; then
            echo "  swiftcorn exited before serving /healthz (log: $dir/stderr.log)"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "  timed out after 30s waiting for swiftcorn /healthz on 127.0.0.1:$mport"
            return 1
        fi
        sleep 0.1
    done
}

# metric_sum METRICS_PORT NAME: sum of every sample of NAME on the side port.
metric_sum() {
    curl -sf "http://127.0.0.1:$1/metrics" \
        | awk -v name="$2" '$1 == name || index($1, name "{") == 1 { sum += $NF } END { printf "%d\n", sum }'
}

# hit PORT PATH COUNT [RATE]: COUNT GET requests on one keep-alive connection (at most RATE a
# second, e.g. 200/s); prints one status a line.
hit() {
    local rate=()
    [ -n "${4:-}" ] && rate=(--rate "$4")
    curl -s "${rate[@]}" -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$1$2$( [[ $2 == *\?* ]] && echo '&' || echo '?')n=[1-$3]"
}

echo "== ops tests (binary: $BIN, files: $TMP)"
for tool in python3 curl promtool prometheus systemd-analyze logrotate gzip; do
    command -v "$tool" >/dev/null || PATH="$PATH:/usr/sbin:/sbin"
    command -v "$tool" >/dev/null || { fail "required tool $tool is not installed (make deps)"; exit 1; }
done
wait_until 300 "the swiftcorn binary at $BIN (it may be being relinked)" test -x "$BIN" \
    || { fail "no executable swiftcorn at $BIN: build it first (swift build)"; exit 1; }

# ------------------------------------------------------------------------------ dashboard, static
if problems="$(python3 "$HELPER" check "$DASHBOARD")"; then
    pass "dashboard JSON parses; schemaVersion >= 39; datasource/job/instance variables; unique panel ids; every panel has a query and a description; no hard-coded datasource uid"
else
    fail "dashboard static checks:"
    echo "$problems" | sed 's/^/     /'
fi
# The checker itself must catch what it claims to: a duplicate id, a missing description, a fixed uid.
python3 - "$DASHBOARD" "$TMP/broken.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
panels = [p for p in d["panels"] if p["type"] != "row"]
panels[1]["id"] = panels[0]["id"]
panels[2]["description"] = ""
panels[3]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
json.dump(d, open(sys.argv[2], "w"))
EOF
broken="$(python3 "$HELPER" check "$TMP/broken.json" || true)"
if grep -q "panel id" <<<"$broken" && grep -q "no description" <<<"$broken" && grep -q "hard-coded datasource uid" <<<"$broken"; then
    pass "dashboard checker rejects a duplicate panel id, a missing description and a hard-coded datasource uid"
else
    fail "dashboard checker missed a planted defect: $broken"
fi

# ------------------------------------------------------------------------------ PromQL, promtool
if out="$(promtool check rules "$ALERTS" 2>&1)"; then
    pass "promtool check rules $ALERTS ($(grep -o '[0-9]* rules found' <<<"$out"))"
else
    fail "promtool check rules $ALERTS:"; echo "$out" | sed 's/^/     /'
fi
count="$(python3 "$HELPER" rules "$DASHBOARD" "$TMP/dashboard-rules.yml")"
if out="$(promtool check rules "$TMP/dashboard-rules.yml" 2>&1)"; then
    pass "promtool check rules on the $count dashboard expressions (template variables substituted)"
else
    fail "promtool check rules on the dashboard expressions ($TMP/dashboard-rules.yml):"; echo "$out" | sed 's/^/     /'
fi
if out="$(cd Dashboards && promtool test rules alerts.test.yml 2>&1)"; then
    pass "promtool test rules Dashboards/alerts.test.yml (every alert fires and stays quiet)"
else
    fail "promtool test rules Dashboards/alerts.test.yml:"; echo "$out" | sed 's/^/     /'
fi
alerts_in_rules="$(grep -c '^ *- alert:' "$ALERTS")"
alerts_tested="$(grep -o 'alertname: [A-Za-z0-9]*' Dashboards/alerts.test.yml | sort -u | wc -l)"
if [ "$alerts_in_rules" = "$alerts_tested" ]; then
    pass "every alert of $ALERTS ($alerts_in_rules) has test cases"
else
    fail "$ALERTS has $alerts_in_rules alerts, alerts.test.yml tests $alerts_tested"
fi
missing_docs=""
for alert in $(grep -o 'alert: [A-Za-z0-9]*' "$ALERTS" | cut -d' ' -f2); do
    grep -q "$alert" docs/operations.md || missing_docs="$missing_docs $alert"
done
for query in "${ALLOWED_EMPTY[@]}"; do
    grep -qF "${query%/*}" docs/operations.md || missing_docs="$missing_docs '${query%/*}'"
done
if [ -z "$missing_docs" ]; then
    pass "docs/operations.md explains every alert and lists every query allowed to be empty"
else
    fail "docs/operations.md does not mention:$missing_docs"
fi

# ------------------------------------------------------------------------------ configuration files
if out="$("$BIN" -c Config/systemd/swiftcorn.yaml --check-config 2>&1)"; then
    pass "swiftcorn --check-config accepts Config/systemd/swiftcorn.yaml"
else
    fail "swiftcorn --check-config Config/systemd/swiftcorn.yaml:"; echo "$out" | tail -5 | sed 's/^/     /'
fi
if out="$("$BIN" -c Config/swiftcorn.yaml --check-config 2>&1)"; then
    pass "swiftcorn --check-config accepts Config/swiftcorn.yaml"
else
    fail "swiftcorn --check-config Config/swiftcorn.yaml:"; echo "$out" | tail -5 | sed 's/^/     /'
fi
for file in Config/grafana/provisioning/datasources/swiftcorn.yaml Config/grafana/provisioning/dashboards/swiftcorn.yaml; do
    if python3 -c 'import sys, yaml' 2>/dev/null; then
        python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); assert d["apiVersion"] == 1 and (d.get("datasources") or d.get("providers"))' "$file" \
            && pass "$file parses (apiVersion 1)" || fail "$file does not parse as Grafana provisioning"
    else
        grep -q '^apiVersion: 1' "$file" && pass "$file has apiVersion 1 (no PyYAML to parse it)" || fail "$file: no apiVersion 1"
    fi
done
provider_path="$(awk '/path:/ { print $2 }' Config/grafana/provisioning/dashboards/swiftcorn.yaml)"
if grep -q "$provider_path" Config/grafana/provisioning/dashboards/swiftcorn.yaml && grep -q "$provider_path" docs/operations.md; then
    pass "dashboard provider path $provider_path is the one docs/operations.md installs the dashboard to"
else
    fail "dashboard provider path $provider_path is not documented in docs/operations.md"
fi

# ------------------------------------------------------------------------------ documented swiftcorn-logs commands
# Every `swiftcorn-logs ... --journal...` command in docs/operations.md and the alert runbooks
# must parse (argument errors exit 64); run against an empty journal directory.
LOGS_BIN="$(dirname "$BIN")/swiftcorn-logs"
if [ -x "$LOGS_BIN" ]; then
    mkdir -p "$TMP/empty-journal"
    bad_commands=""
    checked=0
    while IFS= read -r command; do
        command="${command//--journal-dir \/var\/log\/journal\/remote/--journal-dir $TMP/empty-journal}"
        command="$(sed -E "s#--journal( |\$)#--journal-dir $TMP/empty-journal\1#" <<<"$command")"
        checked=$((checked + 1))
        set +e
        eval "\"$LOGS_BIN\" ${command#swiftcorn-logs }" </dev/null >/dev/null 2>"$TMP/logs-command.err"
        rc=$?
        set -e
        if [ "$rc" = 64 ]; then bad_commands="$bad_commands
     $command: $(head -1 "$TMP/logs-command.err")"; fi
    done < <(python3 -c '
import re, sys
seen = set()
for path in sys.argv[1:]:
    for match in re.finditer(r"swiftcorn-logs [^`\n#|]*", open(path).read()):
        command = match.group(0).strip()
        if "--journal" in command and command not in seen:
            seen.add(command)
            print(command)' docs/operations.md "$ALERTS")
    if [ -z "$bad_commands" ] && [ "$checked" -gt 0 ]; then
        pass "the $checked documented swiftcorn-logs journal commands parse"
    else
        fail "documented swiftcorn-logs commands that do not parse:$bad_commands"
    fi
else
    echo "  (no $LOGS_BIN: documented swiftcorn-logs commands not checked)"
fi

# ------------------------------------------------------------------------------ systemd units
units="$TMP/units"
mkdir -p "$units"
# Render the shipped units with ExecStart pointing at the built binary and the repo's config.
sed -e "s#/usr/local/bin/swiftcorn#$BIN#g" -e "s#/etc/swiftcorn/swiftcorn.yaml#$ROOT/Config/systemd/swiftcorn.yaml#g" \
    Config/systemd/swiftcorn.service >"$units/swiftcorn.service"
cp Config/systemd/swiftcorn.socket "$units/swiftcorn.socket"
exec_start="$(sed -n 's/^ExecStart=//p' "$units/swiftcorn.service")"
if [[ "$exec_start" == "$BIN "* ]]; then
    pass "rendered ExecStart runs the built binary: $exec_start"
else
    fail "rendered ExecStart does not start with $BIN: $exec_start"
fi
# systemd-analyze verify exits 0 on unknown keys and bad values (it only warns): any output fails.
if out="$(cd "$units" && systemd-analyze verify ./swiftcorn.service ./swiftcorn.socket 2>&1)" && [ -z "$out" ]; then
    pass "systemd-analyze verify swiftcorn.service swiftcorn.socket (no warnings)"
else
    fail "systemd-analyze verify:"; echo "$out" | sed 's/^/     /'
fi
required=(Type=notify NotifyAccess=main KillMode=mixed 'ExecReload=/bin/kill -HUP $MAINPID' WatchdogSec= User=
          NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes ProtectHome=yes LogRateLimitIntervalSec=0
          RuntimeDirectory=swiftcorn Requires=swiftcorn.socket)
missing=""
for line in "${required[@]}"; do grep -qF -- "$line" Config/systemd/swiftcorn.service || missing="$missing $line"; done
if [ -z "$missing" ]; then pass "swiftcorn.service has notify/kill/reload/watchdog/hardening/rate-limit settings"; else fail "swiftcorn.service lacks:$missing"; fi
# The rendered command line itself is valid: its flags and config parse.
read -r -a exec_argv <<<"$exec_start"
if out="$("${exec_argv[@]}" --check-config 2>&1)"; then
    pass "rendered ExecStart command line passes --check-config"
else
    fail "rendered ExecStart command line fails --check-config:"; echo "$out" | tail -5 | sed 's/^/     /'
fi
# The pid file of ExecStart is where the logrotate snippet sends USR1.
pidfile="$(grep -o -- '--pid [^ ]*' Config/systemd/swiftcorn.service | cut -d' ' -f2)"
if [ -n "$pidfile" ] && grep -qF "$pidfile" Config/logrotate/swiftcorn; then
    pass "logrotate postrotate signals the pid file the unit writes ($pidfile)"
else
    fail "Config/logrotate/swiftcorn does not use the unit's pid file ($pidfile)"
fi

# ------------------------------------------------------------------------------ live: swiftcorn + prometheus
live="$TMP/live"
mkdir -p "$live/prometheus-data"
PORT=$(free_port); MPORT=$(free_port); PPORT=$(free_port); SPORT=$(free_port)
# statsd to a port where nobody listens and a small log_max_size, so the statsd and rotation
# panels have data here (they are empty in a healthy system without statsd or rotation).
if start_swiftcorn "$live" "$PORT" "$MPORT" --enable-fault-endpoints --timeout 30s \
    --access-logfile "$live/access.log" --error-logfile "$live/error.log" --log-max-size 8KiB --log-keep 3 \
    --statsd-host "127.0.0.1:$SPORT"; then
    pass "swiftcorn -w 2 started (app 127.0.0.1:$PORT, side port 127.0.0.1:$MPORT)"
else
    fail "swiftcorn did not start:"; head -5 "$live/stderr.log" | sed 's/^/     /'; exit 1
fi
# Before any traffic: the timeout gauge says --timeout 30s, every worker has an in-flight gauge,
# and both rotating files have a rotation counter at 0 (the rotation panel is not empty).
new_series_exported() {
    start_metrics="$(curl -sf "http://127.0.0.1:$MPORT/metrics")" || return 1
    [ "$(grep -cE '^swiftcorn_worker_in_flight_requests\{worker="[12]"\} [0-9]' <<<"$start_metrics")" = 2 ] \
        && grep -q '^swiftcorn_log_rotations_total{file=".*/error.log"}' <<<"$start_metrics"
}
start_metrics=""
wait_until 10 "both workers' in-flight gauges and the rotation counters" new_series_exported || true
if grep -qx 'swiftcorn_worker_timeout_seconds 30' <<<"$start_metrics"; then
    pass "swiftcorn_worker_timeout_seconds is 30 for --timeout 30s"
else
    fail "swiftcorn_worker_timeout_seconds is not 30: $(grep '^swiftcorn_worker_timeout_seconds' <<<"$start_metrics" || echo missing)"
fi
if [ "$(grep -cE '^swiftcorn_worker_in_flight_requests\{worker="[12]"\} [0-9]' <<<"$start_metrics")" = 2 ]; then
    pass "swiftcorn_worker_in_flight_requests has a series for each of the 2 workers"
else
    fail "swiftcorn_worker_in_flight_requests per worker: $(grep '^swiftcorn_worker_in_flight_requests' <<<"$start_metrics" | tr '\n' ' ')"
fi
if grep -qxF "swiftcorn_log_rotations_total{file=\"$live/access.log\"} 0" <<<"$start_metrics" \
    && grep -qxF "swiftcorn_log_rotations_total{file=\"$live/error.log\"} 0" <<<"$start_metrics"; then
    pass "swiftcorn_log_rotations_total is exported at 0 for both rotating log files before any rotation"
else
    fail "no zero swiftcorn_log_rotations_total for the rotating files: $(grep '^swiftcorn_log_rotations_total' <<<"$start_metrics" | tr '\n' ' ')"
fi
# Prometheus runs with the shipped Config/prometheus/prometheus.yml, rendered: 1 s scrapes, the
# side port as target, the shipped alert rules.
sed -e 's/scrape_interval: 15s/scrape_interval: 1s/' -e 's/scrape_timeout: 10s/scrape_timeout: 1s/' \
    -e 's/evaluation_interval: 15s/evaluation_interval: 1s/' \
    -e "s#/etc/prometheus/rules/swiftcorn-alerts.yml#$ROOT/$ALERTS#" -e "s#127.0.0.1:9464#127.0.0.1:$MPORT#" \
    Config/prometheus/prometheus.yml >"$live/prometheus.yml"
if out="$(promtool check config "$live/prometheus.yml" 2>&1)"; then
    pass "promtool check config on Config/prometheus/prometheus.yml (rendered: target and rule path)"
else
    fail "promtool check config:"; echo "$out" | sed 's/^/     /'
fi
prometheus --config.file="$live/prometheus.yml" --storage.tsdb.path="$live/prometheus-data" \
    --web.listen-address="127.0.0.1:$PPORT" >"$live/prometheus.log" 2>&1 </dev/null &
PIDS+=("$!")
PROM="http://127.0.0.1:$PPORT"
prom_value() {  # prom_value PROMQL: the first sample's value, or nothing
    curl -sf --get "$PROM/api/v1/query" --data-urlencode "query=$1" \
        | python3 -c 'import json, sys; r = json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}
prom_at_least() { local v; v="$(prom_value "$1")"; [ -n "$v" ] && python3 -c "import sys; sys.exit(0 if float('$v') >= $2 else 1)"; }
if wait_until 30 "prometheus ready" curl -sf "$PROM/-/ready" \
    && wait_until 30 "first scrape of the side port (up == 1)" prom_at_least 'up{job="swiftcorn"}' 1; then
    pass "prometheus scrapes the side port with the shipped scrape config (up{job=\"swiftcorn\"} == 1)"
else
    fail "prometheus did not scrape the side port:"; tail -5 "$live/prometheus.log" | sed 's/^/     /'; exit 1
fi

# Mixed traffic while Prometheus scrapes: 2xx, 4xx, 5xx, slow requests and a crashed worker.
statuses="$TMP/live/statuses"
: >"$statuses"
traffic() {
    hit "$PORT" /status/404 20
    hit "$PORT" /status/500 10
    hit "$PORT" /route/7/503 5
    hit "$PORT" /route/8/201 10
    hit "$PORT" / 100
}
traffic >>"$statuses"
slow_pids=()
for _ in 1 2 3; do
    hit "$PORT" "/delay?ms=300" 2 >>"$statuses" &
    slow_pids+=("$!")
done
wait "${slow_pids[@]}"   # only these: a bare `wait` would wait for swiftcorn and prometheus too
crash_before="$(metric_sum "$MPORT" swiftcorn_worker_restarts_total || echo "?")"
curl -s -o /dev/null -m 5 "http://127.0.0.1:$PORT/fault/crash" || true
crash_replaced() {
    local metrics
    metrics="$(curl -sf "http://127.0.0.1:$MPORT/metrics")" || return 1
    grep -Eq '^swiftcorn_worker_restarts_total\{reason="crash"\} [1-9]' <<<"$metrics" \
        && grep -q '^swiftcorn_workers{state="alive"} 2$' <<<"$metrics"
}
if wait_until 20 "the crashed worker to be counted and replaced" crash_replaced; then
    pass "a /fault/crash killed a worker; the master counted reason=crash and replaced it"
else
    fail "no crash restart counted after /fault/crash (restarts before: $crash_before)"
fi
traffic >>"$statuses"
hit "$PORT" "/delay?ms=300" 3 >>"$statuses"
served=$(grep -c . "$statuses")
codes="$(sort "$statuses" | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
echo "  traffic: $served requests: $codes"
if grep -q '^2' "$statuses" && grep -q '^4' "$statuses" && grep -q '^5' "$statuses"; then
    pass "mixed traffic served: 2xx, 4xx and 5xx responses"
else
    fail "traffic did not produce 2xx, 4xx and 5xx: $codes"
fi
wait_until 20 "prometheus to have scraped all $served requests and the crash" \
    prom_at_least 'sum(http_server_request_duration_seconds_count{job="swiftcorn"})' "$served" \
    || fail "prometheus did not see the $served requests"
wait_until 10 "the crash restart in prometheus" prom_at_least 'sum(swiftcorn_worker_restarts_total{reason="crash"})' 1 || true

# Every dashboard query, through Prometheus's HTTP API.
if python3 "$HELPER" live "$DASHBOARD" "$PROM" "127.0.0.1:$MPORT" 20 "${ALLOWED_EMPTY[@]}" >"$TMP/live-queries.txt"; then
    live_ok=1
else
    live_ok=0
fi
while IFS= read -r line; do
    case "$line" in
        PASS*) pass "${line#PASS }" ;;
        FAIL*) fail "${line#FAIL }" ;;
        *) echo "$line" ;;
    esac
done <"$TMP/live-queries.txt"
[ "$live_ok" = 1 ] || fail "some dashboard queries returned no data (see above)"
# The shipped alert rules load and evaluate without errors against the live series.
rules_health="$(curl -sf "$PROM/api/v1/rules" | python3 -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
bad = [str(r.get("name")) + ": " + str(r.get("lastError")) for r in rules if r.get("health") != "ok"]
print(len(rules), "; ".join(bad))')"
if [ "${rules_health%% *}" = "$(grep -c '^ *- alert:' "$ALERTS")" ] && [ -z "${rules_health#* }" ]; then
    pass "live prometheus loaded the ${rules_health%% *} alert rules and evaluates them without errors"
else
    fail "alert rules in live prometheus: $rules_health"
fi
firing="$(curl -sf "$PROM/api/v1/alerts" | python3 -c '
import json, sys
print(" ".join(sorted({a["labels"]["alertname"] for a in json.load(sys.stdin)["data"]["alerts"] if a["state"] == "firing"})))')"
case " $firing " in
    *" SwiftcornTargetDown "*|*" SwiftcornWorkersBelowDesired "*|*" SwiftcornHeartbeatNearTimeout "*)
        fail "alerts firing on a server that is up with all workers alive: $firing" ;;
    *) pass "no target-down, workers-below-desired or heartbeat alert fires on the live server (firing: ${firing:-none})" ;;
esac
kill -TERM "$LAST_PID" 2>/dev/null || true

# ------------------------------------------------------------------------------ logrotate on a live file sink
lr="$TMP/logrotate"
logs="$lr/logs"    # only the file sink's files: the snippet rotates *.log there
mkdir -p "$logs"
chmod 0755 "$lr" "$logs"   # logrotate refuses a log directory writable by group or others
LPORT=$(free_port); LMPORT=$(free_port)
if start_swiftcorn "$lr" "$LPORT" "$LMPORT" --access-logfile "$logs/access.log" --error-logfile "$logs/error.log" --pid "$lr/swiftcorn.pid"; then
    pass "swiftcorn with a file sink and --pid started for the logrotate test"
else
    fail "swiftcorn for the logrotate test did not start:"; head -5 "$lr/stderr.log" | sed 's/^/     /'; exit 1
fi
wait_until 10 "pid file $lr/swiftcorn.pid" test -s "$lr/swiftcorn.pid" || fail "no pid file written"
# The shipped snippet, rendered for the test's directory, pid file and user.
sed -e "s#/var/log/swiftcorn/#$logs/#g" -e "s#/run/swiftcorn/swiftcorn.pid#$lr/swiftcorn.pid#g" \
    -e "s#su swiftcorn swiftcorn#su $(id -un) $(id -gn)#" -e "s#create 0640 swiftcorn swiftcorn#create 0640 $(id -un) $(id -gn)#" \
    Config/logrotate/swiftcorn >"$lr/logrotate.conf"
if out="$(logrotate -d -s "$lr/state" "$lr/logrotate.conf" 2>&1)" && ! grep -qi '^error' <<<"$out"; then
    pass "logrotate -d accepts Config/logrotate/swiftcorn"
else
    fail "logrotate -d on the snippet:"; echo "$out" | grep -i '^error' | sed 's/^/     /'
fi
lines_in() {  # every line of access.log and its rotated files, gunzipped
    local f
    for f in "$logs"/access.log*; do
        case "$f" in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac
    done
}
line_count() { lines_in | grep -c . || true; }
N_PER_CLIENT=400
# Two clients, each N_PER_CLIENT requests, while logrotate -f runs twice.
for client in 1 2; do
    (hit "$LPORT" "/status/200?c=$client" "$N_PER_CLIENT" 200/s >"$lr/client$client.codes") &
    TRAFFIC_PIDS[$client]=$!
done
rotate_ok=1
for round in 1 2; do
    target=$((round * N_PER_CLIENT * 2 / 3))
    at_least_lines() { [ "$(line_count)" -ge "$1" ]; }
    wait_until 30 "about $target lines logged before rotation $round" at_least_lines "$target" || true
    if ! out="$(logrotate -f -s "$lr/state" "$lr/logrotate.conf" 2>&1)"; then
        rotate_ok=0; echo "$out" | sed 's/^/     /'
    fi
    # The reopen after USR1 shows as new lines in a fresh access.log.
    wait_until 10 "a fresh access.log after rotation $round" test -s "$logs/access.log" || rotate_ok=0
done
wait "${TRAFFIC_PIDS[1]}" "${TRAFFIC_PIDS[2]}" || true
[ "$rotate_ok" = 1 ] && pass "logrotate -f rotated twice with the shipped snippet; swiftcorn reopened access.log on USR1" \
    || fail "logrotate -f or the reopen failed"
served=$(cat "$lr"/client*.codes | grep -c '^200$' || true)
counted_served="$(metric_sum "$LMPORT" swiftcorn_worker_requests_total || echo -1)"
settled() { [ "$(line_count)" -ge "$served" ]; }
wait_until 15 "$served lines over access.log and its rotated files" settled || true
logged=$(line_count)
files="$(cd "$logs" && for f in access.log*; do
    case "$f" in *.gz) n=$(gzip -dc "$f" | grep -c . || true) ;; *) n=$(grep -c . "$f" || true) ;; esac
    printf '%s (%s) ' "$f" "$n"
done)"
if [ "$served" -eq $((N_PER_CLIENT * 2)) ] && [ "$logged" -eq "$served" ] && [ "$counted_served" -eq "$served" ]; then
    pass "no access record lost over 2 rotations: $served requests served, $logged lines in $files, $counted_served in swiftcorn_worker_requests_total"
else
    fail "access records over rotation: $served served (of $((N_PER_CLIENT * 2))), $logged lines in $files, metrics say $counted_served"
fi
if ls "$logs"/access.log*.gz >/dev/null 2>&1; then
    pass "the older rotated file is gzip-compressed (delaycompress keeps the newest one plain)"
else
    fail "no compressed rotated file after two rotations: $files"
fi
bad_json="$(lines_in | python3 -c '
import json, sys
bad = 0
for line in sys.stdin:
    try:
        record = json.loads(line)
        assert record["event"] == "access" and record["status"] == 200
    except Exception:
        bad += 1
print(bad)')"
if [ "$bad_json" = 0 ]; then
    pass "every access log line (plain and gunzipped) parses as a JSON access record"
else
    fail "$bad_json access log lines are not JSON access records"
fi

echo "== ops tests: $((SECONDS - START_TIME)) s"
echo "ops: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
