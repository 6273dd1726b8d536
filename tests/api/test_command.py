"""The command centre (docs/command.md): GET /command/summary (counters, children's load, top categories and
channels), GET /command/markers (server-side clusters whose counts add up), the hotspots (高发点: a hand-made
cluster found, scattered cases not), repeats (重复诉求: one caller, one address), rising grids, the case list's
ids= filter the items link to, the stream's `counters` event — and the scope: dashboard.read over the unit, a
404 for another street."""
import time

import pytest

from casekit import CaseWorld, make_case
from conftest import IS_PG, error_of
from livekit import Sse


@pytest.fixture(scope="module")
def cw(world):
    return CaseWorld(world)


@pytest.fixture(scope="module")
def hw(world):
    return CaseWorld(world)


@pytest.fixture(scope="module")
def outsider(world):
    """A leader of another street (dashboard.read there only)."""
    return world.account(world.units["street_b"], "leader", prefix="cmdlead")


def at(cw, dx, dy):
    return {"lat": round(cw.y0 + dy, 6), "lon": round(cw.x0 + dx, 6)}


@pytest.fixture(scope="module")
def seeded(cw):
    """Three open cases in grid A, two in grid B, at points apart from each other."""
    ks = [make_case(cw, point=at(cw, 0.004 + 0.004 * i, 0.01 + 0.008 * i)) for i in range(3)]
    ks += [make_case(cw, point=at(cw, 0.024 + 0.006 * i, 0.01 + 0.01 * i)) for i in range(2)]
    return ks


def test_summary_counts_and_children(cw, seeded):
    disp = cw.api("dispatcher")
    r = disp.get("/api/v1/command/summary", params={"unit_id": cw.street})
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["unit"]["id"] == cw.street and s["unit"]["level"] == "street"
    k = s["counters"]
    assert k["open"] == 5 and k["reported_today"] == 5 and k["closed_today"] == 0
    assert k["overdue"] == 0
    assert k["on_time_month"] == {"has_value": False, "value": None, "numerator": 0, "denominator": 0}
    kids = {c["id"]: c for c in s["children"]}
    assert kids[cw.community]["open"] == 5
    assert s["geometry"]["borders"] == f"/api/v1/units/{cw.street}/borders"
    assert sum(c["count"] for c in s["top_channels"]) == 5
    assert s["top_channels"][0]["channel"] == "walk_in"
    assert sum(c["count"] for c in s["top_categories"]) == 5
    # one level down: the community's grids, for the map's colours
    r = disp.get("/api/v1/command/summary", params={"unit_id": cw.community})
    kids = {c["id"]: c for c in r.json()["children"]}
    assert kids[cw.grid_a]["open"] == 3 and kids[cw.grid_b]["open"] == 2
    assert kids[cw.grid_a]["centroid"] is not None
    # the breadcrumb holds the ancestors the caller may open: the street, not the county
    assert [a["id"] for a in r.json()["ancestors"]] == [cw.street]


def test_summary_reads_the_gauge_and_the_rollups(cw, seeded, server):
    """The counters are the rollups' (domain/measures): the same figures as GET /measures; a closure counts
    in 今日办结 at once."""
    disp = cw.api("dispatcher")
    s = disp.get("/api/v1/command/summary", params={"unit_id": cw.street}).json()
    m = {x["code"]: x for x in disp.get("/api/v1/measures", params={"unit_id": cw.street}).json()["items"]}
    assert s["counters"]["overdue"] == m["overdue_open"]["value"]
    if "open" in m:
        assert s["counters"]["open"] == m["open"]["value"]
    # the markers' overdue: running and past due_at
    k = make_case(cw, point=at(cw, 0.012, 0.034))
    server.sql(f"UPDATE case_item SET due_at = 1000 WHERE id = {k['id']}")
    mk = disp.get("/api/v1/command/markers", params={"unit_id": cw.street, "zoom": 18}).json()
    assert [i["overdue"] for i in mk["items"] if i.get("id") == k["id"]] == [1]
    server.sql(f"UPDATE case_item SET due_at = NULL WHERE id = {k['id']}")
    # a case handled on the spot is closed in its creation: closed today goes up by one, here and above
    before = disp.get("/api/v1/command/summary", params={"unit_id": cw.street}).json()["counters"]
    r = cw.api("grid_worker_a").post("/api/v1/cases", json={
        "channel": "patrol", "category_id": cw.category["grid"], "description": "随手办测试",
        "handled_on_spot": True, "note": "已清理", **at(cw, 0.013, 0.035)})
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "closed"
    after = disp.get("/api/v1/command/summary", params={"unit_id": cw.street}).json()["counters"]
    assert after["closed_today"] == before["closed_today"] + 1
    assert after["reported_today"] == before["reported_today"] + 1 and after["open"] == before["open"]
    assert after["on_time_month"]["denominator"] == before["on_time_month"]["denominator"] + 1
    leader = cw.api("leader").get("/api/v1/command/summary", params={"unit_id": cw.community}).json()
    assert leader["counters"]["closed_today"] >= 1


def test_markers_cluster_and_add_up(cw, seeded):
    disp = cw.api("dispatcher")
    # far out: the whole street is one or two cells
    r = disp.get("/api/v1/command/markers", params={"unit_id": cw.street, "zoom": 5})
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["total"] >= 5 and sum(i["count"] for i in m["items"]) == m["total"]
    assert len(m["items"]) <= 2 and all(i["kind"] == "cluster" for i in m["items"] if i["count"] > 1)
    c = max(m["items"], key=lambda i: i["count"])
    w, s_, e, n = c["bounds"]
    assert w <= c["lng"] <= e and s_ <= c["lat"] <= n
    # close in: every case alone in its cell, with its number and category
    m = disp.get("/api/v1/command/markers", params={"unit_id": cw.street, "zoom": 18}).json()
    assert sum(i["count"] for i in m["items"]) == m["total"]
    singles = [i for i in m["items"] if i["kind"] == "case"]
    ids = {k["id"] for k in seeded}
    assert ids <= {i["id"] for i in singles}
    one = next(i for i in singles if i["id"] == seeded[0]["id"])
    assert one["number"] == seeded[0]["number"] and one["category"]["code"] and one["count"] == 1
    assert one["state"] == seeded[0]["state"]
    # a bbox over grid A only (the west half)
    xm = round((cw.x0 + cw.x1) / 2, 6)
    m = disp.get("/api/v1/command/markers",
                 params={"unit_id": cw.street, "zoom": 18, "bbox": f"{cw.x0},{cw.y0},{xm},{cw.y1}"}).json()
    got = {i.get("id") for i in m["items"]}
    assert {k["id"] for k in seeded[:3]} <= got and not ({k["id"] for k in seeded[3:]} & got)
    # malformed bbox
    r = disp.get("/api/v1/command/markers", params={"unit_id": cw.street, "bbox": "1,2,3"})
    assert r.status_code == 400 and error_of(r)["field"] == "bbox"


def test_scope(cw, seeded, outsider, world):
    for path in ("/api/v1/command/summary", "/api/v1/command/markers", "/api/v1/hotspots",
                 "/api/v1/hotspots/repeats", "/api/v1/hotspots/rising"):
        # a leader of another street: the unit does not exist for them
        r = outsider.api.get(path, params={"unit_id": cw.street})
        assert r.status_code == 404, (path, r.text)
        # a grid worker reads cases but holds no dashboard.read
        r = cw.api("grid_worker_a").get(path, params={"unit_id": cw.grid_a})
        assert r.status_code == 404, (path, r.text)
        # the county leader sees it
        assert cw.api("leader").get(path, params={"unit_id": cw.street}).status_code == 200, path
        r = cw.api("leader").get(path)
        assert r.status_code == 400 and error_of(r)["field"] == "unit_id"
    # and their own street works
    assert outsider.api.get("/api/v1/command/summary",
                            params={"unit_id": world.units["street_b"]}).status_code == 200


def test_hotspot_found_scattered_not(hw, server):
    disp = hw.api("dispatcher")
    cat = hw.category["grid"]
    centre = (0.01, 0.02)
    near = [make_case(hw, category_id=cat, point=at(hw, centre[0] + dx, centre[1] + dy))
            for dx, dy in ((0, 0), (0.0004, 0), (0, 0.0004), (-0.0003, -0.0002))]
    far = [make_case(hw, category_id=cat, point=at(hw, dx, dy))
           for dx, dy in ((0.002, 0.002), (0.018, 0.036), (0.003, 0.03))]
    r = disp.get("/api/v1/hotspots", params={"unit_id": hw.street, "days": 30, "radius_m": 100, "min_cases": 3})
    assert r.status_code == 200, r.text
    items = [h for h in r.json()["items"] if h["category"]["id"] == cat]
    assert len(items) == 1, items
    h = items[0]
    assert h["count"] == 4 and sorted(h["case_ids"]) == sorted(k["id"] for k in near)
    assert h["open"] == 4 and 0 < h["radius_m"] < 100
    assert abs(h["lat"] - (hw.y0 + centre[1])) < 0.001 and abs(h["lng"] - (hw.x0 + centre[0])) < 0.001
    assert not ({k["id"] for k in far} & set(h["case_ids"]))
    # a larger radius takes in nothing more (the others are kilometres away); a higher bar drops it
    r = disp.get("/api/v1/hotspots", params={"unit_id": hw.street, "radius_m": 100, "min_cases": 5})
    assert not [h for h in r.json()["items"] if h["category"]["id"] == cat]
    # the link: the case list's ids= filter gives exactly its cases
    r = disp.get("/api/v1/cases", params={"ids": ",".join(str(i) for i in h["case_ids"])})
    assert r.status_code == 200, r.text
    assert sorted(k["id"] for k in r.json()["items"]) == sorted(h["case_ids"])
    r = disp.get("/api/v1/cases", params={"ids": "1,x"})
    assert r.status_code == 400 and error_of(r)["field"] == "ids"
    # out of the period: moved back 60 days, they are no hotspot of the last 30
    ids = ",".join(str(k["id"]) for k in near)
    server.sql(f"UPDATE case_item SET created_at = created_at - {60 * 86400 * 1000} WHERE id IN ({ids})")
    r = disp.get("/api/v1/hotspots", params={"unit_id": hw.street, "days": 30, "radius_m": 100, "min_cases": 3})
    assert not [h for h in r.json()["items"] if h["category"]["id"] == cat]
    r = disp.get("/api/v1/hotspots", params={"unit_id": hw.street, "days": 90, "radius_m": 100, "min_cases": 3})
    assert [h["count"] for h in r.json()["items"] if h["category"]["id"] == cat] == [4]
    server.sql(f"UPDATE case_item SET created_at = created_at + {60 * 86400 * 1000} WHERE id IN ({ids})")


def test_repeats_by_caller_and_address(hw):
    disp = hw.api("dispatcher")
    cat = hw.category["community"]
    phone = "13900001111"
    same_caller = [make_case(hw, category_id=cat, channel="hotline", reporter_phone=phone, reporter_name="王五",
                             point=at(hw, 0.002 + 0.006 * i, 0.005)) for i in range(3)]
    other = make_case(hw, category_id=cat, channel="hotline", reporter_phone="13900002222", point=at(hw, 0.03, 0.03))
    addr = "团结路18号3栋"
    same_addr = [make_case(hw, category_id=cat, address=addr, point=at(hw, 0.025 + 0.001 * i, 0.01))
                 for i in range(3)]
    r = disp.get("/api/v1/hotspots/repeats", params={"unit_id": hw.street, "days": 30, "min_cases": 3})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    rep = [i for i in items if i["kind"] == "reporter" and i["category"]["id"] == cat]
    assert len(rep) == 1 and rep[0]["count"] == 3 and rep[0]["label"] is None
    assert sorted(rep[0]["case_ids"]) == sorted(k["id"] for k in same_caller)
    assert phone not in r.text and "王五" not in r.text
    assert other["id"] not in rep[0]["case_ids"]
    ad = [i for i in items if i["kind"] == "address" and i["label"] == addr]
    assert len(ad) == 1 and sorted(ad[0]["case_ids"]) == sorted(k["id"] for k in same_addr)
    r = disp.get("/api/v1/hotspots/repeats", params={"unit_id": hw.street, "min_cases": 4})
    assert not [i for i in r.json()["items"] if i["category"]["id"] == cat]


def test_rising_grids(world, server):
    rw = CaseWorld(world)
    disp = rw.api("dispatcher")
    a = [make_case(rw, point=at(rw, 0.005 + 0.002 * i, 0.01)) for i in range(3)]
    b = [make_case(rw, point=at(rw, 0.025 + 0.002 * i, 0.01)) for i in range(3)]
    # grid B had all three 40 days ago (the previous period of a 30-day one) — falling; grid A is rising
    ids = ",".join(str(k["id"]) for k in b)
    server.sql(f"UPDATE case_item SET created_at = created_at - {40 * 86400 * 1000} WHERE id IN ({ids})")
    server.cli("rollup-check", "--fix")  # the rollups from the cases as they now stand
    r = disp.get("/api/v1/hotspots/rising", params={"unit_id": rw.street, "days": 30, "min_cases": 2})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(i["unit"]["id"], i["current"], i["previous"]) for i in items] == [(rw.grid_a, 3, 0)]
    assert items[0]["unit"]["centroid"] is not None
    assert len(a) == 3


def test_counters_on_the_stream(cw, seeded, server, outsider):
    disp = cw.account("dispatcher")
    s = Sse(server, disp.api.token, path=f"/api/v1/stream?counters_unit_id={cw.street}")
    try:
        first = s.next("counters")
        assert first is not None and first["data"]["unit_id"] == cw.street
        before = first["data"]["open"]
        k = make_case(cw, point=at(cw, 0.006, 0.03))
        ev = s.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
        assert ev is not None
        c = s.next("counters", timeout=6, where=lambda e: e["data"]["open"] == before + 1)
        assert c is not None and c["data"]["reported_today"] >= 1
        # two quick changes: at most one counters event a second
        t0 = time.time()
        make_case(cw, point=at(cw, 0.007, 0.031))
        make_case(cw, point=at(cw, 0.008, 0.032))
        got = []
        while time.time() - t0 < 3:
            e = s.next("counters", timeout=0.5)
            if e:
                got.append((time.time(), e["data"]["open"]))
        assert got and got[-1][1] == before + 3
        for (t1, _), (t2, _) in zip(got, got[1:]):
            assert t2 - t1 > 0.8
    finally:
        s.close()
    # outside the scope: the stream is a 404
    o = Sse(server, outsider.api.token, path=f"/api/v1/stream?counters_unit_id={cw.street}")
    try:
        deadline = time.time() + 5
        while o.status is None and time.time() < deadline:
            time.sleep(0.05)
        assert o.status == 404
    finally:
        o.close()
