"""The read caches of the case inbox and the case page (api/cases/case_cache.h, docs/decisions.md): a page or
an inbox a caller has just read (and so has been kept) never answers stale data after a step by another
account, a mark by the scheduler (which bumps no version), a new duplicate or its step, or — PostgreSQL — a
step on another node; its
"remaining" still moves with the clock; and another caller's grants never get a kept answer.  On a test clock
(GRIDGOV_TEST_CLOCK) that starts on a working Tuesday morning."""
import datetime
import os
import shutil
import time

import pytest

from casekit import cw, make_case  # noqa: F401  (cw: fixture)
from conftest import IS_PG, Server, World, assert_clean_log, bearer
from livekit import act, category, dispatched, new_case


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


ENV = {"GRIDGOV_SESSION_HOURS": "720", "GRIDGOV_SESSION_IDLE_MINUTES": "10080", "GRIDGOV_SCHEDULER_SECONDS": "1"}


class Clock:
    def __init__(self, path):
        self.path = path

    def at(self, unix_ms):
        with open(self.path, "w") as f:
            f.write(str(int(unix_ms)))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("case_cache")
    clock = Clock(str(tmp / "clock"))
    clock.at(ms("2026-09-01T09:00:00+08:00"))
    s = Server(tmp, fast_hash=True, env=dict(ENV, GRIDGOV_TEST_CLOCK=clock.path))
    w = World(s)
    w.accounts["county_dispatcher"] = w.account("county", "dispatcher")
    cat = category(w.admin.api)
    yield s, w, clock, cat
    if s.proc:
        assert s.stop() == 0
    assert_clean_log(s.read_log())


def page(api, case_id):
    r = api.get(f"/api/v1/cases/{case_id}?include=events")
    assert r.status_code == 200, r.text
    return r.json()


def box(api, name):
    r = api.get(f"/api/v1/cases?box={name}&limit=200")
    assert r.status_code == 200, r.text
    return {k["id"]: k for k in r.json()["items"]}


def kept(fn):
    """Read twice: the first read keeps the answer, the second comes from the cache and must agree."""
    first = fn()
    second = fn()
    return first, second


def without_remaining(j):
    j = dict(j)
    j.pop("remaining", None)
    return j


def test_a_kept_page_and_inbox_follow_another_accounts_steps(env):
    s, w, clock, cat = env
    a = w.accounts
    disp, county = a["dispatcher"].api, a["county_dispatcher"].api
    k = new_case(disp, cat, w.units["grid_a"])
    p1, p2 = kept(lambda: page(disp, k["id"]))
    assert without_remaining(p1) == without_remaining(p2) and p2["state"] == "reported"
    b1, b2 = kept(lambda: box(disp, "dispatch"))
    assert k["id"] in b1 and k["id"] in b2
    # the county's dispatcher takes the case through to a department
    k2 = act(county, k, "accept")
    p = page(disp, k["id"])
    assert p["state"] == "accepted" and p["version"] == k2["version"]
    assert [e["action"] for e in p["events"]][-1] == "accept"
    assert box(disp, "dispatch")[k["id"]]["state"] == "accepted"
    k3 = act(county, act(county, k2, "register"), "dispatch", unit_id=w.units["dept_a"], note="请处置")
    assert k["id"] not in box(disp, "dispatch")
    p = page(disp, k["id"])
    assert p["state"] == "dispatched" and p["version"] == k3["version"]
    assert p["handler_unit"]["id"] == w.units["dept_a"]
    # the department's inbox has it now
    assert k["id"] in box(a["department"].api, "all")
    # a case reported by another account appears in a kept inbox at once
    kept(lambda: box(disp, "dispatch"))
    k4 = new_case(county, cat, w.units["grid_b"])
    assert k4["id"] in box(disp, "dispatch")


def test_a_kept_page_shows_the_schedulers_mark_and_its_clock_moves(env):
    s, w, clock, cat = env
    a = w.accounts
    disp = a["dispatcher"].api
    k = dispatched(disp, cat, w.units["grid_a"], w.units["dept_a"])
    y, d = (int(v) for v in s.sql(f"SELECT yellow_at, due_at FROM case_item WHERE id = {k['id']}")[0])
    p1, p2 = kept(lambda: page(disp, k["id"]))
    assert "mark_yellow" not in [e["action"] for e in p2["events"]]
    left = p2["remaining"]["working_ms"]
    # an hour of office time later the same kept page has an hour less left
    clock.at(ms("2026-09-01T10:00:00+08:00"))
    p3 = page(disp, k["id"])
    assert p3["remaining"]["working_ms"] <= left - 3_500_000, (left, p3["remaining"])
    assert without_remaining(p3) == without_remaining(p2)
    # past yellow_at the scheduler marks it (no new version): the page shows the mark as soon as it is made
    page(disp, k["id"])
    clock.at(y + 60_000)
    end = time.time() + 10
    while time.time() < end and not s.sql(f"SELECT 1 FROM case_event WHERE case_id = {k['id']} AND action = 'mark_yellow'"):
        time.sleep(0.05)
    p = page(disp, k["id"])
    assert "mark_yellow" in [e["action"] for e in p["events"]], [e["action"] for e in p["events"]]
    assert p["version"] == k["version"]
    assert p["remaining"]["mark"] == "yellow"


def test_a_kept_answer_is_never_another_callers(env):
    s, w, clock, cat = env
    a = w.accounts
    disp = a["dispatcher"].api
    k = new_case(disp, cat, w.units["grid_a"])
    kept(lambda: page(disp, k["id"]))
    kept(lambda: box(disp, "dispatch"))
    # another street's dispatcher: the same URLs, nothing of street A
    other = w.account("street_b", "dispatcher").api
    assert other.get(f"/api/v1/cases/{k['id']}?include=events").status_code == 404
    assert k["id"] not in box(other, "dispatch")
    # the same account and session moved to street B (a grant added, the old one removed): no kept answer
    acc = w.account("street_a", "dispatcher")
    kept(lambda: page(acc.api, k["id"]))
    kept(lambda: box(acc.api, "dispatch"))
    old = acc.api.get("/api/v1/me").json()["grants"]
    r = w.admin.api.post(f"/api/v1/accounts/{acc.id}/grants", json={"role": "dispatcher", "unit_id": w.units["street_b"]})
    assert r.status_code == 201, r.text
    for g in old:
        assert w.admin.api.delete(f"/api/v1/accounts/{acc.id}/grants/{g['id']}").status_code == 204
    assert acc.api.get(f"/api/v1/cases/{k['id']}?include=events").status_code == 404
    assert k["id"] not in box(acc.api, "dispatch")
    kb = new_case(other, cat, w.units["grid_b1"])
    assert kb["id"] in box(acc.api, "dispatch")


def test_a_kept_page_shows_a_new_duplicate_and_its_steps(cw):
    # a page's stamp counts its duplicates' events too: a case reported nearby later, and its steps, show
    d = cw.api("dispatcher")
    lat, lon = cw.point_a["lat"] + 0.002, cw.point_a["lon"] - 0.004
    first = make_case(cw, category_id=cw.category["grid"], point={"lat": lat, "lon": lon})
    assert kept(lambda: page(d, first["id"]))[1]["possible_duplicates"] == []
    second = make_case(cw, category_id=cw.category["grid"], point={"lat": lat + 0.0002, "lon": lon})
    dups = page(d, first["id"])["possible_duplicates"]
    assert [x["id"] for x in dups] == [second["id"]] and dups[0]["state"] == second["state"]
    # a step of the duplicate (by whoever may take one now) changes its state on the first case's page
    for role in ("grid_worker_a", "grid_worker_b", "department", "dispatcher", "community"):
        r = cw.api(role).get(f"/api/v1/cases/{second['id']}")
        view = r.json() if r.status_code == 200 else {"actions": []}
        step = next((a for a in ("receive", "accept", "register") if a in view["actions"]), None)
        if step:
            moved = act(cw.api(role), view, step)
            break
    else:
        pytest.fail(f"no step on {second['state']}")
    assert moved["state"] != second["state"]
    assert page(d, first["id"])["possible_duplicates"][0]["state"] == moved["state"]


@pytest.mark.skipif(not IS_PG, reason="several nodes need PostgreSQL")
def test_a_kept_answer_on_node_b_follows_a_step_on_node_a(server, world, tmp_path):
    shutil.copytree(server.data_dir, os.path.join(tmp_path, "data"), ignore=shutil.ignore_patterns("tmp", "attachments"))
    b = Server(tmp_path, database=server.database, fast_hash=True)
    try:
        disp = world.accounts["dispatcher"]
        on_b = bearer(b, disp.username, disp.password)
        cat = category(world.admin.api)
        for _ in range(3):
            k = new_case(disp.api, cat, world.units["grid_a"])  # on node A
            kept(lambda: page(on_b, k["id"]))
            kept(lambda: box(on_b, "dispatch"))
            k2 = act(disp.api, k, "accept")  # on node A: at once on node B, no waiting for a notification
            p = page(on_b, k["id"])
            assert p["state"] == "accepted" and p["version"] == k2["version"]
            assert box(on_b, "dispatch")[k["id"]]["state"] == "accepted"
            k3 = new_case(disp.api, cat, world.units["grid_b"])
            assert k3["id"] in box(on_b, "dispatch")
    finally:
        assert b.stop() == 0
    assert_clean_log(b.read_log())
