#!/usr/bin/env python3
"""Writes N Swiftcorn access-log records (schema v1) to stdout, deterministic for a given seed.

Usage: gen-access-log.py LINES [SEED]
"""
import random
import sys

def main():
    lines = int(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    routes = [("/", None), ("/healthz", None), ("/api/users/:id", "/api/users/{}"), ("/api/orders/:id", "/api/orders/{}"),
              ("/api/search", None), ("/static/app.js", None), ("/static/style.css", None), ("/api/login", None),
              ("/api/cart", None), ("/api/products/:id", "/api/products/{}")]
    methods = ["GET"] * 8 + ["POST", "PUT"]
    agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
              "curl/8.5.0", "Prometheus/2.53.0", "python-requests/2.32.3", "Go-http-client/1.1",
              "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"]
    clients = ["10.0.%d.%d" % (i // 250, i % 250 + 1) for i in range(600)]
    base = 1795800000  # 2026-11-28T16:00:00Z
    out = sys.stdout
    buf = []
    for i in range(lines):
        t = base + i * 3600.0 / lines
        sec = int(t)
        micro = int((t - sec) * 1e6)
        days, rem = divmod(sec, 86400)
        h, rem = divmod(rem, 3600)
        m, s = divmod(rem, 60)
        ts = "2026-11-28T%02d:%02d:%02d.%06dZ" % (h, m, s, micro)
        route, template = routes[rng.randrange(len(routes))]
        path = template.format(rng.randrange(1, 5000)) if template else route
        r = rng.random()
        status = 200 if r < 0.9 else (404 if r < 0.96 else (500 if r < 0.985 else (503 if r < 0.995 else 302)))
        dur = rng.lognormvariate(2.5, 1.0)
        method = methods[rng.randrange(len(methods))]
        route_part = ',"route":"%s"' % route if template else ""
        buf.append('{"ts":"%s","level":"info","event":"access","method":"%s","path":"%s","query":"%s"%s,"status":%d,'
                   '"duration_ms":%.3f,"bytes_in":%d,"bytes_out":%d,"remote_addr":"%s","user_agent":"%s","referer":"%s",'
                   '"request_id":"%032x","http_version":"1.1","host":"shop.example.com","worker":%d,"pid":%d}\n' % (
                       ts, method, path, "page=%d" % rng.randrange(10) if rng.random() < 0.3 else "", route_part, status,
                       dur, 0 if method == "GET" else rng.randrange(100, 5000), rng.randrange(200, 50000),
                       clients[rng.randrange(len(clients))], agents[rng.randrange(len(agents))],
                       "https://shop.example.com/" if rng.random() < 0.5 else "", rng.getrandbits(128),
                       rng.randrange(1, 9), 4000 + rng.randrange(1, 9)))
        if len(buf) >= 10000:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))

main()
