"""Crash test (DESIGN §4, §5): concurrent clients report cases and take them through the loop (receive,
feedback, verify_pass), every request with its own Idempotency-Key, while the server is killed with SIGKILL
at random moments, several times.  After the restarts:
  - every acknowledged (2xx) case and event is there;
  - every case's timeline is consistent: events in order, the case's state is its last event's to_state, and
    its version is the creation's plus one per action (workflow: each action bumps it once);
  - retrying each unacknowledged request with its key makes exactly one of each (the key and the write commit
    together or not at all, domain/idempotency.c), and a second retry replays it.
Nothing is acknowledged before its commit (group commit on SQLite, db/group.c).  Runs on the database
conftest picks (GG_TEST_DATABASE): a SQLite file, or PostgreSQL."""
import random
import secrets
import threading
import time

import requests

from casekit import CaseWorld
from conftest import Server, World, assert_clean_log

CLIENTS = 6
KILLS = 3
STEPS = [("receive", "grid_worker_a", {}), ("feedback", "grid_worker_a", {"note": "已清理"}),
         ("verify_pass", "dispatcher", {})]


class Ledger:
    """What the clients sent and heard back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.cases = {}  # creation key -> case id (acknowledged)
        self.descriptions = {}  # creation key -> description
        self.acked_actions = []  # (case id, action)
        self.unacked = []  # (role, path, body, key): no answer, or a 5xx, before the kill

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                getattr(self, k).append(v) if isinstance(getattr(self, k), list) else getattr(self, k).update(v)


def client(srv, tokens, cw, rnd, k, ledger, stop):
    sessions = {}
    for role, token in tokens.items():
        s = requests.Session()
        s.headers["Authorization"] = "Bearer " + token
        sessions[role] = s

    def post(role, path, body, key):
        """The answer's JSON, or None when the request was not acknowledged (recorded for the retry)."""
        try:
            r = sessions[role].post(srv.url(path), json=body, headers={"Idempotency-Key": key}, timeout=10)
        except requests.RequestException:
            ledger.add(unacked=(role, path, body, key))
            return None
        if r.status_code >= 500:
            ledger.add(unacked=(role, path, body, key))
            return None
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        return r.json()

    n = 0
    try:
        while not stop.is_set():
            key = f"c-{rnd}-{k}-{n}-{secrets.token_hex(3)}"
            n += 1
            desc = f"崩溃测试 {key}"
            body = {"channel": "walk_in", "category_id": cw.category["grid"], "description": desc, **cw.point_a}
            with ledger.lock:
                ledger.descriptions[key] = desc
            case = post("dispatcher", "/api/v1/cases", body, key)
            if case is None:
                return
            ledger.add(cases={key: case["id"]})
            for action, role, extra in STEPS:
                if stop.is_set():
                    return
                akey = f"{key}-{action}"
                got = post(role, f"/api/v1/cases/{case['id']}/actions/{action}",
                           {"version": case["version"], **extra}, akey)
                if got is None:
                    return
                ledger.add(acked_actions=(case["id"], action))
                case = got
    finally:
        for s in sessions.values():
            s.close()


def timelines(srv):
    """case id -> its events (id, at, action, from_state, to_state) in id order, in one query."""
    out = {}
    for case_id, *e in srv.sql("SELECT case_id, id, at, action, from_state, to_state FROM case_event ORDER BY id"):
        out.setdefault(int(case_id), []).append(tuple(e))
    return out


MIN_ACKS_PER_ROUND = 8  # acknowledged cases and actions before the round's kill: > 20 of each over the rounds


def wait_for_acks(ledger, n, deadline):
    with ledger.lock:
        start = (len(ledger.cases), len(ledger.acked_actions))
    while time.time() < deadline:
        with ledger.lock:
            if len(ledger.cases) - start[0] >= n and len(ledger.acked_actions) - start[1] >= n:
                return
        time.sleep(0.05)


def test_sigkill_loses_no_acknowledged_case_or_event(tmp_path):
    t0 = time.time()
    srv = Server(tmp_path, fast_hash=True)
    try:
        world = World(srv)
        cw = CaseWorld(world)
        tokens = {role: cw.api(role).token for role in ("dispatcher", "grid_worker_a")}
        ledger = Ledger()
        rng = random.Random(secrets.randbits(32))
        for rnd in range(KILLS):
            stop = threading.Event()
            threads = [threading.Thread(target=client, args=(srv, tokens, cw, rnd, k, ledger, stop))
                       for k in range(CLIENTS)]
            for t in threads:
                t.start()
            # a random moment once this round has been acknowledged a few writes: how many fit in a fixed time
            # depends on how busy the machine is (make check runs the two databases' suites side by side)
            wait_for_acks(ledger, MIN_ACKS_PER_ROUND, deadline=time.time() + 120)
            time.sleep(rng.uniform(0.2, 1.0))
            srv.stop(sig="KILL")
            stop.set()
            for t in threads:
                t.join()
            srv.start()
        assert len(ledger.cases) > 20, f"too few acknowledged cases ({len(ledger.cases)}) to prove anything"
        assert len(ledger.acked_actions) > 20

        # every acknowledged case and event is there
        ids = set(ledger.cases.values())
        stored = {int(i) for (i,) in srv.sql("SELECT id FROM case_item")}
        assert ids <= stored, f"acknowledged cases gone after kill -9: {sorted(ids - stored)[:10]}"
        tl = timelines(srv)
        for case_id, action in ledger.acked_actions:
            assert action in [e[2] for e in tl.get(case_id, [])], f"acknowledged {action} of case {case_id} gone"

        # retry what got no answer, with its key: exactly one each, and the second retry replays it
        with requests.Session() as http:
            for role, path, body, key in ledger.unacked:
                hdr = {"Authorization": "Bearer " + tokens[role], "Idempotency-Key": key}
                r = http.post(srv.url(path), json=body, headers=hdr)
                assert r.status_code in (200, 201), f"retry of {path}: {r.status_code} {r.text}"
                again = http.post(srv.url(path), json=body, headers=hdr)
                assert again.status_code == r.status_code and again.headers.get("Idempotent-Replayed") == "true"
                assert again.json()["id"] == r.json()["id"]
                if path == "/api/v1/cases":
                    ledger.cases[key] = r.json()["id"]

        # exactly one case per creation sent (acknowledged, or retried just now)
        rows = srv.sql("SELECT description, count(*) FROM case_item WHERE description LIKE '崩溃测试 %' "
                       "GROUP BY description")
        counts = {d: int(n) for d, n in rows}
        sent = {ledger.descriptions[k] for k in ledger.cases}
        assert all(counts.get(d) == 1 for d in sent), {d: counts.get(d) for d in sent if counts.get(d) != 1}
        assert set(counts) == sent, "a case nobody got an answer for and nobody retried"

        # consistent timelines: the creation's events, then each action once, in order
        tl = timelines(srv)
        cases = {int(i): (st, int(v)) for i, st, v in srv.sql("SELECT id, state, version FROM case_item")}
        first = next(iter(ledger.cases.values()))
        created = [e[2] for e in tl[first]][:3]
        assert created == ["report", "register", "dispatch"], created
        for case_id in ledger.cases.values():
            ev = tl[case_id]
            actions = [e[2] for e in ev]
            assert actions == created + [a for a, _, _ in STEPS][:len(actions) - len(created)], (case_id, actions)
            assert [int(e[0]) for e in ev] == sorted(int(e[0]) for e in ev)
            assert [int(e[1]) for e in ev] == sorted(int(e[1]) for e in ev), f"events of {case_id} out of time order"
            state, version = cases[case_id]
            last = [e[4] for e in ev if e[4]][-1]
            assert state == last, (case_id, state, ev)
            assert int(version) == 1 + len(actions) - len(created), (case_id, version, actions)
        v = srv.cli("verify-audit", check=False)
        assert v.returncode == 0 and "chain intact" in v.stdout, v.stdout + v.stderr
        print(f"crash test: {len(ledger.cases)} cases, {len(ledger.acked_actions)} acknowledged actions, "
              f"{len(ledger.unacked)} retried, {KILLS} kills, {time.time() - t0:.1f} s")
    finally:
        code = srv.stop()
        assert_clean_log(srv.read_log())
        assert code == 0
