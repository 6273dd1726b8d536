"""Nothing acknowledged is lost: kill -9 the server in the middle of concurrent
writes, restart it on the same database, and find every write that got a 2xx.
The audit chain must still verify after the crash."""
import random
import threading
import time

import requests

from conftest import Server


def test_kill_9_loses_no_acknowledged_write(tmp_path):
    s = Server(tmp_path, extra_args=["--argon2-mem-kib", "8192", "--argon2-ops", "1"])
    s.cli("user", "add", "crash_admin", "--password-stdin", input="Crash-test-2026!\n")
    s.cli("user", "grant", "crash_admin", "admin", "root")
    r = requests.post(s.url("/api/v1/session"),
                      json={"username": "crash_admin", "password": "Crash-test-2026!", "mode": "bearer"})
    token = r.json()["token"]
    hdr = {"Authorization": "Bearer " + token}
    base = random.randint(10, 99) * 10**10
    acked = []  # (id, code) of units whose creation was answered 201
    lock = threading.Lock()
    stop = threading.Event()

    def writer(k):
        n = 0
        with requests.Session() as http:
            while not stop.is_set():
                code = str(base + k * 10**6 + n)
                n += 1
                try:
                    resp = http.post(s.url("/api/v1/units"), headers=hdr, timeout=5,
                                     json={"parent_id": 1, "level": "province", "code": code, "name": f"省{code}"})
                except requests.RequestException:
                    return  # the server died under us: this write was not acknowledged
                if resp.status_code == 201:
                    with lock:
                        acked.append((resp.json()["id"], code))

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    # kill once enough writes were answered, at a moment that depends on the machine's speed, not a fixed time
    deadline = time.time() + 120
    while time.time() < deadline:
        with lock:
            if len(acked) > 25:
                break
        time.sleep(0.02)
    time.sleep(random.uniform(0, 0.3))
    s.stop(sig="KILL")
    stop.set()
    for t in threads:
        t.join()
    assert len(acked) > 20, f"too few writes before the kill ({len(acked)}) to prove anything"

    s.start()
    try:
        with requests.Session() as http:
            for unit_id, code in acked:
                r = http.get(s.url(f"/api/v1/units/{unit_id}"), headers=hdr)
                assert r.status_code == 200, f"acknowledged unit {unit_id} ({code}) is gone after kill -9"
                assert r.json()["code"] == code
        v = s.cli("verify-audit", check=False)
        assert v.returncode == 0 and "chain intact" in v.stdout, v.stdout + v.stderr
    finally:
        s.stop()
