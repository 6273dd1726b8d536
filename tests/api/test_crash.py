"""Crash test (DESIGN §4, §5): concurrent clients create things with Idempotency-Keys while the server is
killed with SIGKILL at random moments, several times; after each restart every acknowledged (2xx) write is
there, and retrying every unacknowledged request with its key makes exactly one of each — the key and the
write commit together or not at all (domain/idempotency.c), and nothing is acknowledged before its commit
(group commit on SQLite, db/group.c).

The workload is POST /api/v1/buildings (each call makes a building with a fresh code, so a duplicate would
show).  Runs on the database conftest picks (GG_TEST_DATABASE): SQLite file or PostgreSQL."""
import random
import secrets
import threading
import time

import requests

from conftest import Server, add_root_admin, assert_clean_log, child_code

CLIENTS = 6
KILLS = 3


class Ledger:
    """What each client sent and what it heard back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}  # key -> (body, id)
        self.unacked = {}  # key -> body: no answer (or a 5xx) before the kill

    def ack(self, key, body, rid):
        with self.lock:
            self.acked[key] = (body, rid)
            self.unacked.pop(key, None)

    def lost(self, key, body):
        with self.lock:
            if key not in self.acked:
                self.unacked[key] = body


def setup_grid(srv):
    admin = add_root_admin(srv)
    parent = admin.home_unit_id
    for level, name in (("province", "湖北省"), ("city", "黄石市"), ("county", "下陆区"), ("street", "团城山街道"),
                        ("community", "桂林社区"), ("grid", "桂林社区第一网格")):
        r = admin.api.post("/api/v1/units", json={"parent_id": parent, "level": level, "name": name,
                                                  "code": child_code(admin.api, parent, level)})
        assert r.status_code == 201, r.text
        parent = r.json()["id"]
    return admin, parent


def client(srv, token, grid, k, rnd, ledger, stop):
    n = 0
    with requests.Session() as http:
        http.headers["Authorization"] = "Bearer " + token
        while not stop.is_set():
            key = f"crash-{rnd}-{k}-{n}-{secrets.token_hex(4)}"
            body = {"grid_id": grid, "name": f"楼 {key}"}
            n += 1
            try:
                r = http.post(srv.url("/api/v1/buildings"), json=body, headers={"Idempotency-Key": key}, timeout=10)
            except requests.RequestException:
                ledger.lost(key, body)
                return  # the server is gone: this one was not acknowledged
            if r.status_code == 201:
                ledger.ack(key, body, r.json()["id"])
            elif r.status_code >= 500:
                ledger.lost(key, body)
            else:
                raise AssertionError(f"unexpected {r.status_code}: {r.text}")


def test_sigkill_loses_no_acknowledged_write_and_retries_make_one_each(tmp_path):
    t0 = time.time()
    srv = Server(tmp_path, fast_hash=True)
    try:
        admin, grid = setup_grid(srv)
        token = admin.api.token
        ledger = Ledger()
        rng = random.Random(secrets.randbits(32))
        for rnd in range(KILLS):
            stop = threading.Event()
            threads = [threading.Thread(target=client, args=(srv, token, grid, k, rnd, ledger, stop))
                       for k in range(CLIENTS)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.4, 1.5))  # a random moment
            srv.stop(sig="KILL")
            stop.set()
            for t in threads:
                t.join()
            srv.start()
        assert len(ledger.acked) > 30, f"too few acknowledged writes ({len(ledger.acked)}) to prove anything"

        with requests.Session() as http:
            http.headers["Authorization"] = "Bearer " + token
            # every acknowledged write is there, as answered
            for key, (body, rid) in ledger.acked.items():
                r = http.get(srv.url(f"/api/v1/buildings/{rid}"))
                assert r.status_code == 200, f"acknowledged building {rid} ({key}) is gone after kill -9"
                assert r.json()["name"] == body["name"]
            # retrying with the key: an acknowledged one answers the same building ...
            for key, (body, rid) in list(ledger.acked.items())[:20]:
                r = http.post(srv.url("/api/v1/buildings"), json=body, headers={"Idempotency-Key": key})
                assert r.status_code == 201 and r.json()["id"] == rid, r.text
                assert r.headers.get("Idempotent-Replayed") == "true"
            # ... and an unacknowledged one makes it now, or finds it made before the kill
            for key, body in ledger.unacked.items():
                r = http.post(srv.url("/api/v1/buildings"), json=body, headers={"Idempotency-Key": key})
                assert r.status_code == 201, r.text
                again = http.post(srv.url("/api/v1/buildings"), json=body, headers={"Idempotency-Key": key})
                assert again.json()["id"] == r.json()["id"]
        # exactly one building per request sent, acknowledged or not
        names = [body["name"] for body, _ in ledger.acked.values()] + [b["name"] for b in ledger.unacked.values()]
        rows = srv.sql("SELECT name, count(*) FROM building WHERE name LIKE '楼 crash-%' GROUP BY name")
        counts = {name: int(n) for name, n in rows}
        assert {n: counts.get(n, 0) for n in names} == {n: 1 for n in names}
        assert len(counts) == len(names), "a building nobody asked for"
        v = srv.cli("verify-audit", check=False)
        assert v.returncode == 0 and "chain intact" in v.stdout, v.stdout + v.stderr
        print(f"crash test: {len(ledger.acked)} acknowledged, {len(ledger.unacked)} retried, "
              f"{KILLS} kills, {time.time() - t0:.1f} s")
    finally:
        code = srv.stop()
        assert_clean_log(srv.read_log())
        assert code == 0
