#!/usr/bin/env python3
"""Turns schema-v1 access-log lines (stdin) into journal export format (stdout) for
systemd-journal-remote: MESSAGE is the JSON line, plus the indexed fields Swiftcorn's journald
sink writes (see DESIGN.md), entry times from the records' ts, hosts web-0..web-2 round robin."""
import json
import sys
from datetime import datetime

def main():
    out = sys.stdout
    buffer = []
    for index, line in enumerate(sys.stdin):
        record = json.loads(line)
        ts = datetime.strptime(record["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
        micros = int((ts - datetime(1970, 1, 1)).total_seconds() * 1_000_000)
        fields = [
            "__REALTIME_TIMESTAMP=%d" % micros, "__MONOTONIC_TIMESTAMP=%d" % (1000 + index),
            "_BOOT_ID=0123456789abcdef0123456789abcdef", "_HOSTNAME=web-%d" % (index % 3), "PRIORITY=6",
            "SYSLOG_IDENTIFIER=swiftcorn", "SWIFTCORN_EVENT=access", "HTTP_METHOD=" + record["method"],
            "URL_PATH=" + record["path"], "HTTP_STATUS=%d" % record["status"],
            "DURATION_US=%d" % round(record["duration_ms"] * 1000), "BYTES_IN=%d" % record["bytes_in"],
            "BYTES_OUT=%d" % record["bytes_out"], "REMOTE_ADDR=" + record["remote_addr"],
            "USER_AGENT=" + record["user_agent"], "REQUEST_ID=" + record["request_id"], "WORKER=%d" % record["worker"],
            "MESSAGE=" + line.rstrip("\n"),
        ]
        if "route" in record:
            fields.append("HTTP_ROUTE=" + record["route"])
        buffer.append("\n".join(fields) + "\n\n")
        if len(buffer) >= 10000:
            out.write("".join(buffer))
            buffer = []
    out.write("".join(buffer))

main()
