#!/usr/bin/env python3
"""Checks for Dashboards/swiftcorn-overview.json, used by Tests/ops/run.sh. Standard library only.

  dashboard.py check DASHBOARD              static checks; prints one line per problem
  dashboard.py rules DASHBOARD OUT.yml      writes every query (template variables substituted)
                                            as a recording rule, for `promtool check rules`
  dashboard.py live DASHBOARD PROM_URL INSTANCE DEADLINE_S [ALLOWED_EMPTY ...]
                                            evaluates every query through Prometheus's HTTP API
                                            until each returns data (ALLOWED_EMPTY: "Panel title/refId"
                                            of queries documented to be empty in a healthy system)

Template substitution: $__rate_interval -> 1m, $__range -> 5m, $__interval -> 15s,
$job -> swiftcorn (the job of Config/prometheus/prometheus.yml), $instance -> INSTANCE.
"""
import json
import math
import re
import sys
import time
import urllib.parse
import urllib.request


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def all_panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        for inner in panel.get("panels", []) or []:
            yield inner


def queries(dashboard):
    """(panel id, panel title, refId, expr) of every panel target."""
    for panel in all_panels(dashboard):
        for target in panel.get("targets", []) or []:
            if target.get("expr"):
                yield panel["id"], panel["title"], target.get("refId", "?"), target["expr"]


def substitute(expr, instance="127.0.0.1:9464", job="swiftcorn"):
    values = {"__rate_interval": "1m", "__range": "5m", "__interval": "15s", "job": job, "instance": instance}
    def repl(match):
        name = match.group(1) or match.group(2)
        if name not in values:
            raise ValueError(f"unknown template variable ${name} in {expr}")
        return values[name]
    # ${1} (label_replace capture groups) is PromQL, not a Grafana variable: leave digits alone.
    return re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)", repl, expr)


def check(path):
    problems = []
    try:
        dashboard = load(path)
    except (OSError, ValueError) as error:
        return [f"does not parse as JSON: {error}"]
    if not isinstance(dashboard.get("schemaVersion"), int) or dashboard["schemaVersion"] < 39:
        problems.append(f"schemaVersion {dashboard.get('schemaVersion')!r} < 39")
    if dashboard.get("uid") or dashboard.get("id"):
        problems.append("dashboard has a fixed uid/id (import would clash)")
    variables = {v.get("name"): v for v in dashboard.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource" or variables["datasource"].get("query") != "prometheus":
        problems.append("no `datasource` variable of type datasource/prometheus")
    for name in ("job", "instance"):
        if name not in variables:
            problems.append(f"no `{name}` template variable")
    ids = {}
    for panel in all_panels(dashboard):
        pid = panel.get("id")
        if not isinstance(pid, int):
            problems.append(f"panel {panel.get('title')!r} has no integer id")
        elif pid in ids:
            problems.append(f"panel id {pid} used by {ids[pid]!r} and {panel.get('title')!r}")
        else:
            ids[pid] = panel.get("title")
        if panel.get("type") == "row":
            continue  # a row is a layout container: no query, no description needed
        title = panel.get("title") or f"panel {pid}"
        if not (panel.get("description") or "").strip():
            problems.append(f"{title!r} has no description")
        exprs = [t.get("expr", "").strip() for t in panel.get("targets", []) or []]
        if not exprs or not all(exprs):
            problems.append(f"{title!r} has a target without an expr (or no target)")
    # No data source may be named by a fixed uid: only the ${datasource} variable (or Grafana's
    # own built-in annotation source).
    def walk(node, where):
        if isinstance(node, dict):
            ds = node.get("datasource")
            if isinstance(ds, dict):
                uid = ds.get("uid")
                if uid not in ("${datasource}", "$datasource", "-- Grafana --"):
                    problems.append(f"hard-coded datasource uid {uid!r} in {where}")
            elif isinstance(ds, str) and ds not in ("${datasource}", "$datasource"):
                problems.append(f"hard-coded datasource {ds!r} in {where}")
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}[{index}]")
    walk(dashboard, "dashboard")
    for _, title, ref, expr in queries(dashboard):
        try:
            substitute(expr)
        except ValueError as error:
            problems.append(f"{title}/{ref}: {error}")
    return problems


def rules(path, out):
    dashboard = load(path)
    lines = ["# generated by Tests/ops/dashboard.py from " + path, "groups:", "  - name: dashboard", "    rules:"]
    exprs = [(f"panel {pid} {title}/{ref}", expr) for pid, title, ref, expr in queries(dashboard)]
    for index, annotation in enumerate(dashboard.get("annotations", {}).get("list", [])):
        if annotation.get("expr"):
            exprs.append((f"annotation {annotation.get('name')}", annotation["expr"]))
    for index, (name, expr) in enumerate(exprs):
        lines.append(f"      # {name}")
        lines.append(f"      - record: dashboard:query_{index}")
        lines.append("        expr: " + json.dumps(substitute(expr)))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return len(exprs)


def query(prometheus, expr):
    url = prometheus.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"{body.get('errorType')}: {body.get('error')}")
    data = body["data"]
    if data["resultType"] == "vector":
        return [(s["metric"], float(s["value"][1])) for s in data["result"]]
    if data["resultType"] == "scalar":
        return [({}, float(data["result"][1]))]
    raise RuntimeError(f"result type {data['resultType']}")


def live(path, prometheus, instance, deadline_s, allowed_empty):
    dashboard = load(path)
    pending = {}
    for pid, title, ref, expr in queries(dashboard):
        pending[f"{title}/{ref}"] = substitute(expr, instance=instance)
    unknown = [name for name in allowed_empty if name not in pending]
    results = {}
    deadline = time.monotonic() + deadline_s
    while True:
        for name, expr in list(pending.items()):
            try:
                samples = query(prometheus, expr)
            except Exception as error:  # noqa: BLE001 - reported below
                results[name] = ("error", str(error))
                continue
            finite = [s for s in samples if not math.isnan(s[1])]
            if finite:
                results[name] = ("data", f"{len(samples)} series, e.g. {finite[0][0]} = {finite[0][1]:g}")
                del pending[name]
            else:
                results[name] = ("empty", "no series" if not samples else f"{len(samples)} series, all NaN")
        waiting = [n for n in pending if n not in allowed_empty]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    failed = 0
    for name, (state, detail) in results.items():
        if state == "data":
            print(f"PASS dashboard query returns data: {name} ({detail})")
        elif state == "empty" and name in allowed_empty:
            print(f"PASS dashboard query empty, documented as empty in a healthy system: {name}")
        else:
            failed += 1
            print(f"FAIL dashboard query {state}: {name}: {detail}\n     {pending.get(name)}")
    for name in unknown:
        failed += 1
        print(f"FAIL allowed-empty entry names no dashboard query: {name}")
    return failed


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        problems = check(argv[1])
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    if len(argv) == 3 and argv[0] == "rules":
        print(rules(argv[1], argv[2]))
        return 0
    if len(argv) >= 5 and argv[0] == "live":
        return 1 if live(argv[1], argv[2], argv[3], float(argv[4]), set(argv[5:])) else 0
    if len(argv) == 2 and argv[0] == "titles":
        for _, title, ref, _ in queries(load(argv[1])):
            print(f"{title}/{ref}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
