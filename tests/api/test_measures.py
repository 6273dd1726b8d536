"""The case rollups and the measures (docs/measures.md): GET /api/v1/measures and /measures/series, and
`gridgov rollup-check`.

A server of this module's own on a test clock (GRIDGOV_TEST_CLOCK; the scheduler every second, so overdue
marks happen as the clock moves) with the real 2026 calendar: office hours 08:30-12:00 and 14:30-18:00.

 - a random workload of transitions (rework, return, suspend, merge, reopen, rate, escalate, extensions,
   scheduler marks …) and then rollup-check finds the rollups equal to a recomputation from the raw rows;
   a tampered row is found, --fix rewrites it;
 - every measure on a hand-made set of cases in an area of its own, with the expected value written here;
 - scope: a street's dispatcher or leader cannot read another street's figures or its children's ranking.
"""
import datetime
import os
import random
import secrets

import pytest
import requests

from casekit import CaseWorld, box
from conftest import IS_PG, ROOT, Server, World, assert_clean_log, bearer, error_of

SOURCE = os.path.join(ROOT, ".cache", "chinese-days", "package", "dist")


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


class Env:
    def __init__(self, server, world, clock):
        self.s, self.w, self.clock = server, world, clock
        self._apis = {}

    def at(self, iso):
        with open(self.clock, "w") as f:
            f.write(str(ms(iso)))
        self._apis = {}

    def api(self, acc):
        if acc.username not in self._apis:
            self._apis[acc.username] = bearer(self.s, acc.username, acc.password)
        return self._apis[acc.username]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("measures")
    clock = str(tmp / "clock")
    with open(clock, "w") as f:
        f.write(str(ms("2026-09-01T08:40:00+08:00")))
    s = Server(tmp, fast_hash=True, env={"GRIDGOV_TEST_CLOCK": clock, "GRIDGOV_SESSION_HOURS": "720",
                                          "GRIDGOV_SESSION_IDLE_MINUTES": "10080", "GRIDGOV_SCHEDULER_SECONDS": "1"})
    s.cli("import-calendar", "--from", SOURCE)
    s.stop()
    s.start()
    world = World(s)
    yield Env(s, world, clock)
    if s.proc:
        assert s.stop() == 0
    assert_clean_log(s.read_log())


def rollup_check(s, *args):
    return s.cli("rollup-check", *args, check=False)


def measures(api, unit, frm, to):
    r = api.get("/api/v1/measures", params={"unit_id": unit, "from": frm, "to": to})
    assert r.status_code == 200, r.text
    body = r.json()
    return body, {m["code"]: m for m in body["items"]}


# ---- the rollups equal a recomputation after a random workload ----

# how often a step is picked among those allowed: moving the case on more than annotating it
WEIGHT = {"receive": 8, "feedback": 8, "verify_pass": 6, "dispatch": 8, "register": 6, "accept": 4, "rate": 6,
          "verify_fail": 3, "return": 3, "suspend": 2, "resume": 4, "merge": 3, "reopen": 3, "reassign": 1,
          "extend_request": 1, "extend_approve": 2, "escalate": 1, "close": 1, "reject": 1, "note": 0.2,
          "supervise": 0.3, "assist_report": 2}

def random_walk(env, cw, cases, rnd, steps, staff, create, clock):
    """steps random workflow steps on cases [(case, secret)] by staff or the public, with time passing
    (deadlines run out, the scheduler marks yellow and red); every 20th step a new case (create()).
    Returns ({action: times done}, inputs) — inputs(action, case) makes a step's body."""
    def inputs(action, k):
        b = {"version": k["version"]}
        if action in ("reject", "return", "escalate", "verify_fail", "suspend", "extend_reject", "reopen"):
            b["reason"] = "随机原因"
        if action in ("close", "feedback", "assist_report", "supervise", "note"):
            b["note"] = "随机说明"
        if action in ("dispatch", "reassign"):
            b["unit_id"] = rnd.choice([cw.grid_a, cw.grid_b, cw.department])
        if action == "extend_request":
            b["reason"], b["days"] = "需要更多时间", 1
        if action == "merge":
            same = [c for c, _ in cases if c["id"] != k["id"] and c.get("category_id") == k.get("category_id")]
            if not same:
                return None
            b["into_case_id"] = rnd.choice(same)["id"]
        return b

    pub = requests.Session()
    done = {}
    for step in range(steps):
        if step % 20 == 19:
            create()
        if step % 15 == 14:  # let time pass: deadlines run out, the scheduler marks yellow and red
            clock += rnd.choice([2, 5, 26]) * 3600_000
            with open(env.clock, "w") as f:
                f.write(str(clock))
            env._apis = {}
        k, secret = rnd.choice(cases)
        acc = rnd.choice(staff)
        r = env.api(acc).get(f"/api/v1/cases/{k['id']}")
        if r.status_code != 200:
            continue
        cur = r.json()
        base = env.s.url(f"/api/v1/public/cases/{cur['number']}")
        public = pub.get(base, params={"secret": secret}, timeout=30).json().get("actions", [])
        choices = [(a, acc) for a in cur["actions"]] + [(a, None) for a in public]
        if not choices:
            continue
        weights = [WEIGHT.get(a, 2) for a, _ in choices]
        action, who = rnd.choices(choices, weights)[0]
        if who is None:
            body = {"secret": secret}
            if action == "rate":
                body["rating"] = rnd.choice(["satisfied", "basically_satisfied", "unsatisfied"])
            else:
                body["reason"] = "还没解决"
            r = pub.post(f"{base}/{action}", json=body, timeout=30)
        else:
            b = inputs(action, cur)
            if b is None:
                continue
            r = env.api(who).post(f"/api/v1/cases/{cur['id']}/actions/{action}", json=b)
        assert r.status_code in (200, 400, 409), f"{action}: {r.text}"
        if r.status_code == 200:
            done[action] = done.get(action, 0) + 1
    return done, inputs


def test_rollups_equal_a_recomputation_after_a_random_workload(env):
    rnd = random.Random(20261205)
    env.at("2026-09-01T09:00:00+08:00")
    cw = CaseWorld(env.w)
    disp, comm = cw.account("dispatcher"), cw.account("community")
    gwa, gwb, dept = cw.account("grid_worker_a"), cw.account("grid_worker_b"), cw.account("department")
    staff = [disp, comm, gwa, gwb, dept]
    cases = []  # (case, secret)

    def create(kind=None):
        kind = kind or rnd.choice(["grid", "community", "dispatcher", "patrol", "spot", "hotline"])
        body = {"description": f"随机事件 {secrets.token_hex(3)}"}
        api = env.api(disp)
        if kind in ("patrol", "spot"):
            body.update(channel="patrol", category_id=cw.category["grid"])
            if kind == "spot":
                body["handled_on_spot"] = True
            api = env.api(rnd.choice([gwa, gwb]))
        else:
            body.update(channel="hotline" if kind == "hotline" else "walk_in",
                        category_id=cw.category["dispatcher" if kind == "hotline" else kind])
            body.update(rnd.choice([cw.point_a, cw.point_b]))
        r = api.post("/api/v1/cases", json=body)
        assert r.status_code == 201, r.text
        cases.append((r.json(), r.json()["secret"]))

    for _ in range(24):
        create()

    done, inputs = random_walk(env, cw, cases, rnd, 260, staff, create, ms("2026-09-01T09:00:00+08:00"))
    pub = requests.Session()
    # every kind of step the issue names, at least once: where the walk did not take one, on a case
    # that allows it now (a fresh case walked there for a reopen)
    def step_on(k, secret, action):
        for acc in staff + [None]:
            if acc is None:
                base = env.s.url(f"/api/v1/public/cases/{k['number']}")
                if action in pub.get(base, params={"secret": secret}, timeout=30).json().get("actions", []):
                    b = {"secret": secret, **({"rating": "basically_satisfied"} if action == "rate" else
                                              {"reason": "又坏了"})}
                    r = pub.post(f"{base}/{action}", json=b, timeout=30)
                    return r.status_code == 200
                continue
            cur = env.api(acc).get(f"/api/v1/cases/{k['id']}")
            if cur.status_code == 200 and action in cur.json()["actions"]:
                b = inputs(action, cur.json())
                if b is None:
                    continue
                r = env.api(acc).post(f"/api/v1/cases/{k['id']}/actions/{action}", json=b)
                return r.status_code == 200
        return False

    for action in ("return", "verify_fail", "suspend", "merge", "reopen", "rate"):
        if done.get(action):
            continue
        for k, secret in cases:
            if step_on(k, secret, action):
                done[action] = 1
                break
        if not done.get(action) and action in ("reopen", "rate"):
            create("grid")
            k, secret = cases[-1]
            while k["state"] not in ("closed", "rated"):
                nxt = {"registered": "dispatch", "dispatched": "receive", "in_progress": "feedback",
                       "awaiting_verification": "verify_pass", "reported": "register", "accepted": "register"}
                if k["state"] not in nxt or not step_on(k, secret, nxt[k["state"]]):
                    raise AssertionError(f"could not walk {k['state']}")
                k = env.api(disp).get(f"/api/v1/cases/{k['id']}").json()
            if step_on(k, secret, action):
                done[action] = 1
    # the kinds of step the issue names happened
    for a in ("dispatch", "feedback", "verify_pass", "return", "verify_fail", "suspend", "merge", "reopen", "rate"):
        assert done.get(a), (a, done)
    env.s.stop()
    try:
        out = rollup_check(env.s)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "equal" in out.stdout
        # a changed row is a difference, exit 1; --fix rewrites the rollups from the recomputation
        env.s.sql(f"UPDATE case_rollup SET closed = closed + 1 WHERE unit_id = {cw.street} AND category_id = 0")
        out = rollup_check(env.s)
        assert out.returncode == 1 and "closed stored" in out.stdout, out.stdout
        out = rollup_check(env.s, "--fix")
        assert out.returncode == 0, out.stdout + out.stderr
        assert rollup_check(env.s).returncode == 0
    finally:
        env.s.start()
    # the upkeep kept going after the restart
    for _ in range(3):
        create()
    env.s.stop()
    try:
        out = rollup_check(env.s)
        assert out.returncode == 0, out.stdout
    finally:
        env.s.start()
    print("steps done:", done)


def test_the_workload_covered_rework_return_suspend_merge_reopen(env):
    """The random workload above is seeded; this checks its cover on the timeline (the same seed on both
    databases gives the same steps)."""
    rows = env.s.sql("SELECT DISTINCT action FROM case_event")
    seen = {r[0] for r in rows}
    for a in ("verify_fail", "return", "suspend", "merge", "reopen", "rate", "mark_red"):
        assert a in seen, (a, sorted(seen))


# ---- a grid restructuring moves cases, and their rollups with them ----

def test_a_restructuring_moves_the_cases_rollups_with_them(env):
    """Cases in grid A, walked at random; then grid A is split north/south: its located cases move to the
    new grid their point lies in, with their rollups in the same transaction (rollup-check finds nothing to
    fix); then the two halves are merged back into one with grid B: every case moves there."""
    rnd = random.Random(20261206)
    env.at("2026-09-03T09:00:00+08:00")  # a Thursday: the admin session made on 1 September still holds
    cw = CaseWorld(env.w)
    disp, comm = cw.account("dispatcher"), cw.account("community")
    gwa, gwb, dept = cw.account("grid_worker_a"), cw.account("grid_worker_b"), cw.account("department")
    staff = [disp, comm, gwa, gwb, dept]
    xm = round((cw.x0 + cw.x1) / 2, 6)
    ym = round((cw.y0 + cw.y1) / 2, 6)
    cases = []

    def create():
        kind = rnd.choice(["grid", "grid", "community", "dispatcher", "patrol", "spot"])
        body = {"description": f"调整前事件 {secrets.token_hex(3)}"}
        api = env.api(disp)
        if kind in ("patrol", "spot"):  # a patrol without a point: at the worker's grid A
            body.update(channel="patrol", category_id=cw.category["grid"])
            if kind == "spot":
                body["handled_on_spot"] = True
            api = env.api(gwa)
        else:  # a point anywhere in grid A (west half), north or south of the coming cut
            body.update(channel="walk_in", category_id=cw.category[kind],
                        lat=round(rnd.uniform(cw.y0 + 0.002, cw.y1 - 0.002), 6),
                        lon=round(rnd.uniform(cw.x0 + 0.002, xm - 0.002), 6))
        r = api.post("/api/v1/cases", json=body)
        assert r.status_code == 201, r.text
        cases.append((r.json(), r.json()["secret"]))

    for _ in range(20):
        create()
    random_walk(env, cw, cases, rnd, 120, staff, create, ms("2026-09-03T09:00:00+08:00"))
    admin, leader = env.w.admin.api, env.api(env.w.accounts["leader"])
    period = ("2026-09-01", "2026-12-31")

    def recount(unit):
        """reported, closed and open of unit from the cases themselves, as the API shows them"""
        rows = [env.api(disp).get(f"/api/v1/cases/{k['id']}").json() for k, _ in cases]
        mine = [k for k in rows if k["unit_id"] == unit]
        closed = sum(k["state"] in ("closed", "rated") for k in mine)
        open_ = sum(k["state"] not in ("closed", "rated", "rejected", "merged") for k in mine)
        return len(mine), closed, open_

    def figures(unit):
        _, m = measures(leader, unit, *period)
        return m["reported"]["value"], m["closed"]["value"], m["open"]["value"]

    def check_rollups():
        env.s.stop()
        try:
            out = rollup_check(env.s)
            assert out.returncode == 0, out.stdout + out.stderr
        finally:
            env.s.start()
        env._apis = {}

    before = figures(cw.community)
    assert figures(cw.grid_a) == recount(cw.grid_a) and before[0] == len(cases)
    # split grid A at ym: north and south
    r = admin.post("/api/v1/grids/restructure", json={
        "parent_id": cw.community, "retire": [cw.grid_a], "note": "拆分",
        "create": [{"name": "北半格", "geometry": box(cw.x0, ym, xm, cw.y1)},
                   {"name": "南半格", "geometry": box(cw.x0, cw.y0, xm, ym)}]})
    assert r.status_code == 201, r.text
    split = r.json()
    north, south = (g["id"] for g in split["created"])
    located = sum(1 for k, _ in cases if k.get("lat") is not None)
    assert split["cases_moved"] == located and split["cases_in_retired"] == len(cases) - located
    assert 0 < located < len(cases)
    check_rollups()
    for unit in (cw.grid_a, north, south):
        assert figures(unit) == recount(unit), unit
    assert figures(cw.community) == before
    assert recount(north)[0] and recount(south)[0]
    # merge north, south and grid B into one: every case, with a point or not, moves there
    r = admin.post("/api/v1/grids/restructure", json={
        "parent_id": cw.community, "retire": [north, south, cw.grid_b], "note": "合并",
        "create": [{"name": "合并网格", "geometry": box(cw.x0, cw.y0, cw.x1, cw.y1)}]})
    assert r.status_code == 201, r.text
    merged = r.json()["created"][0]["id"]
    assert r.json()["cases_in_retired"] == 0
    check_rollups()
    for unit in (cw.grid_a, north, south, cw.grid_b, merged):
        assert figures(unit) == recount(unit), unit
    assert figures(merged)[0] == located
    assert figures(cw.community) == before


# ---- every measure on hand-made cases ----

def test_every_measure_on_hand_made_cases(env):
    env.at("2026-09-01T09:00:00+08:00")
    cw = CaseWorld(env.w)
    disp, comm = env.api(cw.account("dispatcher")), env.api(cw.account("community"))
    gwa = env.api(cw.account("grid_worker_a"))
    pub = requests.Session()

    def new(api=disp, **body):
        body.setdefault("channel", "walk_in")
        body.setdefault("category_id", cw.category["grid"])
        body.setdefault("description", "手工事件")
        if body["channel"] != "patrol":
            body.update(cw.point_a)
        r = api.post("/api/v1/cases", json=body)
        assert r.status_code == 201, r.text
        return r.json()

    def act(api, k, action, **body):
        cur = api.get(f"/api/v1/cases/{k['id']}").json()
        body["version"] = cur["version"]
        r = api.post(f"/api/v1/cases/{k['id']}/actions/{action}", json=body)
        assert r.status_code == 200, f"{action}: {r.text}"
        return r.json()

    def rate(k, rating):
        r = pub.post(env.s.url(f"/api/v1/public/cases/{k['number']}/rate"),
                     json={"secret": k["secret"], "rating": rating}, timeout=30)
        assert r.status_code == 200, r.text

    # A: 暴露垃圾 (the grid handles it), reported Tuesday 09:00, closed 11:00 (2 working hours), 满意
    a = new()
    # B: returned once, dispatched again, failed verification once (rework), closed 15:30
    #    (09:00-12:00 + 14:30-15:30 = 4 working hours), 不满意
    b = new()
    # C: 邻里纠纷 (the community dispatches it), left open, waiting for dispatch (days to go: no card)
    c = new(category_id=cw.category["community"])
    # D: a 12345 consultation, reported, rejected as not ours
    d = new(channel="hotline", category_id=cw.category["dispatcher"])
    # E: a grid worker's patrol handled on the spot (随手办), closed at once (0 working hours)
    e = new(api=gwa, channel="patrol", handled_on_spot=True)
    act(disp, d, "reject", reason="不属于受理范围")
    act(gwa, b, "return", reason="不属于本网格")
    act(comm, b, "dispatch", unit_id=cw.grid_a)
    for k in (a, b):
        act(gwa, k, "receive")
    act(gwa, a, "feedback", note="已清理")
    env.at("2026-09-01T11:00:00+08:00")
    act(comm, a, "verify_pass")
    act(gwa, b, "feedback", note="已清理")
    act(comm, b, "verify_fail", reason="没有清理干净")
    act(gwa, b, "feedback", note="已清理干净")
    env.at("2026-09-01T15:30:00+08:00")
    disp, comm, gwa = env.api(cw.account("dispatcher")), env.api(cw.account("community")), \
        env.api(cw.account("grid_worker_a"))
    act(comm, b, "verify_pass")
    rate(a, "satisfied")
    rate(b, "unsatisfied")

    leader = env.api(env.w.accounts["leader"])
    body, m = measures(leader, cw.street, "2026-09-01", "2026-09-01")
    assert body["unit"] == {"id": cw.street, "name": body["unit"]["name"], "level": "street"}
    assert body["period"] == {"from": "2026-09-01", "to": "2026-09-01"}
    assert body["previous"] == {"from": "2026-08-31", "to": "2026-08-31"}
    expected = {
        # code: (value, numerator, denominator)
        "reported": (5, 5, 0),
        "closed": (3, 3, 0),                       # A, B, E
        "closure_rate": (60.0, 3, 5),
        "on_time_rate": (100.0, 3, 3),             # none went overdue
        "rework_rate": (33.3, 1, 3),               # B
        "return_rate": (33.3, 1, 3),               # B of A, B, E (C and D were never dispatched)
        "response_rate": (100.0, 5, 5),            # registered at once, D rejected at once
        "resolution_rate": (66.7, 2, 3),           # A and E; B rated unsatisfied
        "satisfaction_rate": (50.0, 1, 2),         # A of A, B
        "valid_report_rate": (80.0, 4, 5),         # D rejected
        "avg_handling_hours": (2.0, 360, 3),       # (2 h + 4 h + 0 h) / 3, numerator in working minutes
        "overdue": (0, 0, 0),
        "patrol_reports": (1, 1, 0),
        "self_handled_share": (100.0, 1, 1),
        "open": (1, 1, 0),                         # C
        "overdue_open": (0, 0, 0),
        "yellow_open": (0, 0, 0),
        "special_groups": (0, 0, 0),
    }
    for code, (value, num, den) in expected.items():
        got = m[code]
        assert (got["value"], got["numerator"], got["denominator"]) == (value, num, den), (code, got)
        assert got["has_value"] is True and got["formula"]["zh"] and got["formula"]["en"], code
    # no residents here: the rate has no denominator, so no value ("—"), not 0 %
    assert m["separated_rate"]["has_value"] is False and m["separated_rate"]["value"] is None
    assert m["closure_rate"]["unit_kind"] == "percent" and m["avg_handling_hours"]["unit_kind"] == "hours"
    assert "上报件数" in m["closure_rate"]["formula"]["zh"] and "reported" in m["closure_rate"]["formula"]["en"]
    # the grid of the cases: A, B, C, D at grid A; E at the worker's grid A
    _, g = measures(leader, cw.grid_a, "2026-09-01", "2026-09-01")
    assert (g["closure_rate"]["numerator"], g["closure_rate"]["denominator"]) == (3, 5)
    _, g = measures(leader, cw.grid_b, "2026-09-01", "2026-09-01")
    assert g["reported"]["value"] == 0 and g["closure_rate"]["has_value"] is False
    # the next day, compared with this one
    _, nxt = measures(leader, cw.street, "2026-09-02", "2026-09-02")
    assert nxt["closure_rate"]["has_value"] is False
    assert nxt["closure_rate"]["previous"] == {"has_value": True, "value": 60.0, "numerator": 3, "denominator": 5}
    # a measure is computed the same from a county (every ancestor keeps its own rows) — at least these five
    _, county = measures(leader, env.w.units["county"], "2026-09-01", "2026-09-01")
    assert county["reported"]["value"] >= 5
    # series: by child (the street's community), by day, by category, by channel
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.street, "from": "2026-09-01",
                                                      "to": "2026-09-01", "by": "child"})
    assert r.status_code == 200, r.text
    rows = {x["key"]: x for x in r.json()["items"]}
    assert rows[str(cw.community)]["reported"] == 5 and rows[str(cw.community)]["closed"] == 3
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.street, "from": "2026-08-31",
                                                      "to": "2026-09-02", "by": "day"})
    assert [(x["key"], x["reported"]) for x in r.json()["items"]] == [("2026-09-01", 5)]
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.street, "from": "2026-09-01",
                                                      "to": "2026-09-01", "by": "channel"})
    assert {x["key"]: x["reported"] for x in r.json()["items"]} == {"walk_in": 3, "hotline": 1, "patrol": 1}
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.community, "from": "2026-09-01",
                                                      "to": "2026-09-01", "by": "channel"})
    assert r.status_code == 200, r.text
    assert {x["key"]: x["reported"] for x in r.json()["items"]} == {"walk_in": 3, "hotline": 1, "patrol": 1}
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.community, "from": "2026-09-01",
                                                      "to": "2026-09-01", "by": "category"})
    assert sum(x["reported"] for x in r.json()["items"]) == 5
    # a reopened case leaves the closed count of its report day
    rr = pub.post(env.s.url(f"/api/v1/public/cases/{b['number']}/reopen"),
                  json={"secret": b["secret"], "reason": "又有垃圾了"}, timeout=30)
    assert rr.status_code == 200, rr.text
    _, m = measures(leader, cw.street, "2026-09-01", "2026-09-01")
    # (B reopened: not closed now, its rating cleared, reworked and returned still)
    assert (m["closed"]["value"], m["resolution_rate"]["numerator"], m["satisfaction_rate"]["denominator"]) == (2, 2, 1)
    assert (m["rework_rate"]["numerator"], m["rework_rate"]["denominator"]) == (0, 2)
    assert m["open"]["value"] == 2


def test_overdue_marks_reach_the_rollups_and_the_gauge(env):
    env.at("2026-09-07T09:00:00+08:00")  # a Monday
    cw = CaseWorld(env.w)
    disp = env.api(cw.account("dispatcher"))
    r = disp.post("/api/v1/cases", json={"channel": "walk_in", "category_id": cw.category["grid"],
                                         "description": "超期测试", **cw.point_a})
    assert r.status_code == 201, r.text
    leader = env.api(env.w.accounts["leader"])
    _, m = measures(leader, cw.street, "2026-09-07", "2026-09-07")
    assert (m["open"]["value"], m["overdue_open"]["value"], m["overdue"]["value"]) == (1, 0, 0)
    env.at("2026-09-08T17:00:00+08:00")  # 4 working hours are long gone: the scheduler marks it red
    leader = env.api(env.w.accounts["leader"])
    import time
    for _ in range(80):
        _, m = measures(leader, cw.street, "2026-09-07", "2026-09-07")
        if m["overdue_open"]["value"]:
            break
        time.sleep(0.1)
    assert (m["open"]["value"], m["overdue_open"]["value"], m["overdue"]["value"]) == (1, 1, 1)
    assert m["on_time_rate"]["has_value"] is False
    r = leader.get("/api/v1/measures/series", params={"unit_id": cw.street, "from": "2026-09-07",
                                                      "to": "2026-09-07", "by": "day"})
    assert r.json()["items"][0]["overdue"] == 1


# ---- the period and errors ----

def test_period_defaults_and_errors(env):
    leader = env.api(env.w.accounts["leader"])
    county = env.w.units["county"]
    r = leader.get("/api/v1/measures", params={"unit_id": county})
    assert r.status_code == 200, r.text
    p = r.json()["period"]
    assert p["from"].endswith("-01") and p["from"] <= p["to"]
    r = leader.get("/api/v1/measures", params={"unit_id": county, "from": "2026-09-10", "to": "2026-09-01"})
    assert r.status_code == 400 and error_of(r)["field"] == "to"
    r = leader.get("/api/v1/measures", params={"unit_id": county, "from": "2026-13-01"})
    assert r.status_code == 400 and error_of(r)["field"] == "from"
    r = leader.get("/api/v1/measures/series", params={"unit_id": county, "by": "colour"})
    assert r.status_code == 400 and error_of(r)["field"] == "by"
    # a month: the previous period is the month's length just before
    r = leader.get("/api/v1/measures", params={"unit_id": county, "from": "2026-09-01", "to": "2026-09-30"})
    assert r.json()["previous"] == {"from": "2026-08-02", "to": "2026-08-31"}
    # without unit_id: the caller's own dashboard unit
    r = leader.get("/api/v1/measures", params={"from": "2026-09-01", "to": "2026-09-01"})
    assert r.status_code == 200 and r.json()["unit"]["id"] == county


# ---- scope ----

def test_scope_a_street_cannot_read_another_street(env):
    w = env.w
    a, b = w.units["street_a"], w.units["street_b"]
    disp_a = env.api(w.accounts["dispatcher"])
    disp_b = env.api(w.accounts["dispatcher_street_b"])
    leader_a = env.api(w.account("street_a", "leader"))
    for api in (disp_a, leader_a):
        assert api.get("/api/v1/measures", params={"unit_id": a}).status_code == 200
        for unit in (b, w.units["community_b1"], w.units["county"]):
            r = api.get("/api/v1/measures", params={"unit_id": unit})
            assert r.status_code == 404, r.text
            for by in ("child", "day", "category"):
                r = api.get("/api/v1/measures/series", params={"unit_id": unit, "by": by})
                assert r.status_code == 404, r.text
    assert disp_b.get("/api/v1/measures", params={"unit_id": a}).status_code == 404
    # a grid worker has no dashboard.read at all
    gw = env.api(w.accounts["grid_worker"])
    assert gw.get("/api/v1/measures", params={"unit_id": w.units["grid_a"]}).status_code == 404
    assert gw.get("/api/v1/measures").status_code == 403
    # the county leader ranks the county's streets: both, and only the county's children
    leader = env.api(w.accounts["leader"])
    r = leader.get("/api/v1/measures/series", params={"unit_id": w.units["county"], "by": "child"})
    keys = {x["key"] for x in r.json()["items"]}
    assert str(a) in keys and str(b) in keys and str(w.units["county"]) not in keys
