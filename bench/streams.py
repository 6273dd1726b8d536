#!/usr/bin/env python3
"""bench/streams.py BASE TOKEN — the live stream under load (bench/run.sh calls it).

Measures /healthz with wrk (WRK_CMD: the command prefix, e.g. pinned with taskset) without and while N idle
SSE streams (BENCH_STREAMS, default 2,000) are open on the node, in BENCH_STREAM_ROUNDS (5) rounds (median), and the time from a case write (POST
/api/v1/cases answered) to its `event: case` on a stream, over BENCH_STREAM_WRITES (100) cases.  Prints
    rate healthz_no_streams_rps …, rate healthz_with_streams_rps …, ratio healthz_with_streams …,
    rate stream_event_p50 … ms, rate stream_event_p99 … ms
"""
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
N = int(os.environ.get("BENCH_STREAMS", "2000"))
WRITES = int(os.environ.get("BENCH_STREAM_WRITES", "100"))
DUR = os.environ.get("BENCH_SECONDS", "3")
CONNS = os.environ.get("BENCH_CONNECTIONS", "32")
WRK = os.environ.get("WRK_CMD", "").split() + ["wrk", "-t1", f"-c{CONNS}", f"-d{DUR}s"]
u = urllib.parse.urlparse(BASE)


def api(method, path, body=None):
    req = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        sys.exit(f"bench: {method} {path}: {e.code} {e.read().decode()}")


def healthz_rps():
    out = subprocess.run(WRK + [BASE + "/healthz"], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit("bench: non-2xx answers from /healthz:\n" + out)
    return float(next(line.split()[1] for line in out.splitlines() if "Requests/sec" in line))


def open_stream():
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    s.sendall(f"GET /api/v1/stream HTTP/1.1\r\nHost: {u.hostname}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode())
    return s


soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, N + 256)), hard))

# a place and a category to write cases into
me = api("GET", "/api/v1/me")
root = next(g["unit_id"] for g in me["grants"] if g["role"] == "admin")
p2 = f"{int(time.time()) % 80 + 10}"
unit = root
for level, code in (("province", "0000000000"), ("city", "0100000000"), ("county", "0102000000"),
                    ("street", "0102001000"), ("community", "0102001001")):
    unit = api("POST", "/api/v1/units", {"parent_id": unit, "level": level, "code": p2 + code, "name": f"压测{level}"})["id"]
cat = api("POST", "/api/v1/categories", {
    "code": f"bench_{int(time.time())}", "name": "压测事项", "response_limit": 1, "response_unit": "working_days",
    "handling_limit": 5, "handling_unit": "working_days", "first_handler": "dispatcher", "priority": "normal",
    "resident_selectable": False})["id"]

# Rounds of (without, with): the streams are opened and closed again in each round, and the median of the
# rounds' ratios is reported, so a drift of the machine's load moves both sides of a pair alike.
ROUNDS = int(os.environ.get("BENCH_STREAM_ROUNDS", "5"))
befores, withs, ratios = [], [], []
idle = []
for rnd in range(ROUNDS):
    for s in idle:
        s.close()
    idle = []
    time.sleep(0.3)  # the server notices the closed streams
    b = healthz_rps()
    idle = [open_stream() for _ in range(N)]
    for s in idle:
        s.recv(64)  # the head arrived: the stream is open
    w = healthz_rps()
    befores.append(b)
    withs.append(w)
    ratios.append(w / b)
before, with_streams = statistics.median(befores), statistics.median(withs)

# one reading stream: the case id of each event, with its arrival time
seen = {}
reader = open_stream()


def read():
    buf = b""
    while True:
        data = reader.recv(65536)
        if not data:
            return
        buf += data
        while b"\n\n" in buf:
            frame, buf = buf.split(b"\n\n", 1)
            for line in frame.split(b"\n"):
                if line.startswith(b"data: {") and b'"case"' in line:
                    try:
                        seen[json.loads(line[6:])["case"]["id"]] = time.perf_counter()
                    except (ValueError, KeyError):
                        pass


threading.Thread(target=read, daemon=True).start()
time.sleep(0.3)
lat = []
for i in range(WRITES):
    t0 = time.perf_counter()
    k = api("POST", "/api/v1/cases", {"channel": "hotline", "category_id": cat, "description": "压测：路灯不亮",
                                      "unit_id": unit})
    end = time.time() + 5
    while k["id"] not in seen and time.time() < end:
        time.sleep(0.0005)
    if k["id"] not in seen:
        sys.exit(f"bench: the event of case {k['id']} did not arrive within 5 s")
    lat.append((seen[k["id"]] - t0) * 1000)
lat.sort()
print(f"rate healthz_no_streams_rps {before:.0f} req_per_s")
print(f"rate healthz_with_streams_rps {with_streams:.0f} req_per_s")
print(f"ratio healthz_with_streams {statistics.median(ratios):.3f}")
print(f"rate stream_event_p50 {statistics.median(lat):.2f} ms")
print(f"rate stream_event_p99 {lat[min(len(lat) - 1, int(len(lat) * 0.99))]:.2f} ms")
for s in idle:
    s.close()
reader.close()
