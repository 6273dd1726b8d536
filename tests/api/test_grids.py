"""Grids on the map (issue 5, items 3 and 4): creating grids and micro-grids with validated polygons and
15-digit codes, restructuring with history, point-in-grid lookup, scope, assignments and the two staffing
queries.  Runs against the real binary on SQLite and PostgreSQL like every API test.

Every test draws in an area of its own (Area below), because polygons are checked against every active
grid of the database, and the session's database is shared by all test modules.
"""
import json
import os
import secrets
import shutil
import time

import pytest

from conftest import IS_PG, Api, Server, assert_clean_log, error_of

# ---- helpers ----

_next_area = [0]


class Area:
    """A 0.04° x 0.04° box of its own, west to east across the test session, for one community."""

    def __init__(self):
        k = _next_area[0]
        _next_area[0] += 1
        self.x0, self.y0 = round(100.0 + 0.05 * k, 6), 30.0
        self.x1, self.y1 = round(self.x0 + 0.04, 6), 30.04

    def box(self, fx0, fy0, fx1, fy1):
        """A rectangle given as fractions of the area."""
        w, h = self.x1 - self.x0, self.y1 - self.y0
        return box(self.x0 + fx0 * w, self.y0 + fy0 * h, self.x0 + fx1 * w, self.y0 + fy1 * h)

    def point(self, fx, fy):
        return {"lat": round(self.y0 + fy * (self.y1 - self.y0), 8), "lng": round(self.x0 + fx * (self.x1 - self.x0), 8)}

    def strips(self, n, fy0=0.0, fy1=1.0):
        """n vertical strips covering the area from fy0 to fy1, sharing their borders."""
        return [self.box(i / n, fy0, (i + 1) / n, fy1) for i in range(n)]


def box(x0, y0, x1, y1):
    r = lambda v: round(v, 8)
    x0, y0, x1, y1 = r(x0), r(y0), r(x1), r(y1)
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


class Geo:
    """A street of the session's world with communities created on demand, each in an Area of its own."""

    def __init__(self, world):
        self.world = world
        self.api = world.admin.api
        self.street = world.unit("geo_street", "county", "street", "测试街道")
        self.street_code = self.api.get(f"/api/v1/units/{self.street}").json()["code"]
        self.n = 0

    def community(self, boundary=True, street=None):
        self.n += 1
        key = f"geo_community_{self.n}"
        cid = self.world.unit(key, street or "geo_street", "community", f"测试社区{self.n}")
        area = Area()
        if boundary:
            r = self.api.request("PUT", f"/api/v1/units/{cid}/geometry", json={"geometry": area.box(0, 0, 1, 1)})
            assert r.status_code == 200, r.text
        code = self.api.get(f"/api/v1/units/{cid}").json()["code"]
        return cid, code, area

    def grid(self, parent_id, name, geometry, api=None, **extra):
        body = dict(parent_id=parent_id, name=name, geometry=geometry, **extra)
        return (api or self.api).post("/api/v1/grids", json=body)

    def new_grid(self, parent_id, name, geometry, **extra):
        r = self.grid(parent_id, name, geometry, **extra)
        assert r.status_code == 201, r.text
        return r.json()


@pytest.fixture(scope="module")
def geo(world):
    return Geo(world)


def locate(api, point):
    return api.get("/api/v1/locate", params=point)


def bad(r, status, field, *words):
    """r is an error with status, naming field, its message containing every word."""
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["field"] == field, err
    for w in words:
        assert w in err["message"], err
    return err


def add_households(server, grid_id, n):
    """n households in n houses of a new building of the grid, written straight into the places tables
    (0005_places.sql) — the places API is not what is under test here."""
    path = server.sql(f"SELECT path FROM unit WHERE id = {int(grid_id)}")[0][0]
    code, token = "T" + secrets.token_hex(4), secrets.token_hex(8)
    server.sql(f"INSERT INTO building (grid_id, unit_path, code, name, created_at, updated_at) "
               f"VALUES ({int(grid_id)}, '{path}', '{code}', 'test {code}', 0, 0)")
    bid = int(server.sql(f"SELECT id FROM building WHERE grid_id = {int(grid_id)} AND code = '{code}'")[0][0])
    server.sql(f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {int(n)}) "
               f"INSERT INTO house (building_id, unit_path, house_code, qr_token, room, created_at, updated_at) "
               f"SELECT {bid}, '{path}', '{code}-' || i, '{token}' || i, 'R' || i, 0, 0 FROM s")
    server.sql(f"INSERT INTO household (house_id, unit_path, created_at, updated_at) "
               f"SELECT id, unit_path, 0, 0 FROM house WHERE building_id = {bid}")
    return bid


# ---- creating grids ----

def test_grids_get_15_digit_codes_from_their_community(geo):
    cid, ccode, area = geo.community()
    g1 = geo.new_grid(cid, "第一网格", area.box(0, 0, 0.5, 0.5))
    assert g1["code"] == ccode + "001" and len(g1["code"]) == 15
    assert g1["level"] == "grid" and g1["parent_id"] == cid and g1["retired_at"] is None
    assert g1["parent"]["code"] == ccode and g1["parent"]["level"] == "community"
    g2 = geo.new_grid(cid, "第二网格", area.box(0.5, 0, 1, 0.5))
    assert g2["code"] == ccode + "002"
    g5 = geo.new_grid(cid, "第五网格", area.box(0, 0.5, 0.5, 1), code=ccode + "005")
    assert g5["code"] == ccode + "005"
    g6 = geo.new_grid(cid, "第六网格", area.box(0.5, 0.5, 1, 1))
    assert g6["code"] == ccode + "006"  # after the highest serial ever used

    r = geo.api.get(f"/api/v1/grids/{g1['id']}")
    assert r.status_code == 200
    g = r.json()
    assert g["geometry"]["type"] == "Polygon" and g["geometry"]["coordinates"][0][0] == [area.x0, area.y0]
    assert area.y0 < g["centroid"]["lat"] < area.y1 and area.x0 < g["centroid"]["lng"] < area.x0 + 0.02
    assert 3.5e6 < g["area_m2"] < 4.5e6  # 0.02° x 0.02° at 30° N: about 4 km²
    assert g["households"] == 0 and g["version"] == 1

    items = geo.api.get("/api/v1/grids", params={"parent_id": cid}).json()["items"]
    assert [i["code"] for i in items] == [ccode + s for s in ("001", "002", "005", "006")]
    assert all(i["geometry"]["type"] == "Polygon" for i in items)
    fc = geo.api.get("/api/v1/grids", params={"parent_id": cid, "format": "geojson"}).json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 4
    f = fc["features"][0]
    assert f["type"] == "Feature" and f["geometry"]["type"] == "Polygon" and f["properties"]["code"] == ccode + "001"
    # created grids are audited
    rows = geo.api.get("/api/v1/audit", params={"action": "grid.create", "limit": 10}).json()["items"]
    assert any(row["object_id"] == str(g6["id"]) for row in rows)


def test_a_self_intersecting_polygon_is_refused_naming_the_problem(geo):
    cid, _, area = geo.community()
    bow_tie = {"type": "Polygon", "coordinates": [[[area.x0, area.y0], [area.x0 + 0.01, area.y0 + 0.01],
                                                   [area.x0 + 0.01, area.y0], [area.x0, area.y0 + 0.01],
                                                   [area.x0, area.y0]]]}
    err = bad(geo.grid(cid, "蝴蝶结", bow_tie), 400, "geometry", "Self-intersection", "crosses itself")
    assert err["code"] == "validation_failed"
    assert geo.api.get("/api/v1/grids", params={"parent_id": cid}).json()["items"] == []


def test_a_grid_outside_its_community_is_refused(geo):
    cid, ccode, area = geo.community()
    # half of it east of the community's border
    r = geo.grid(cid, "出界网格", box(area.x1 - 0.01, area.y0, area.x1 + 0.01, area.y0 + 0.01))
    err = bad(r, 400, "geometry", "not inside its community", ccode)
    assert err["reason"] == "not_inside_parent" and err["params"]["name"], err
    # wholly elsewhere
    bad(geo.grid(cid, "远方网格", box(120, 40, 120.01, 40.01)), 400, "geometry", "not inside")
    # sticking out by less than the ~1 m tolerance is digitising noise, not an error
    ok = geo.grid(cid, "贴边网格", box(area.x0 - 0.000005, area.y0, area.x0 + 0.01, area.y0 + 0.01))
    assert ok.status_code == 201, ok.text
    # a community's boundary cannot be redrawn to leave its grid outside
    r = geo.api.request("PUT", f"/api/v1/units/{cid}/geometry", json={"geometry": box(area.x0 + 0.02, area.y0, area.x1, area.y1)})
    err = bad(r, 400, "geometry", "贴边网格", "outside the new border")
    assert err["reason"] == "child_outside" and err["params"]["name"].startswith("贴边网格（"), err


def test_community_boundaries_follow_the_same_rules(geo):
    c1, code1, area1 = geo.community()
    c2, _, area2 = geo.community(boundary=False)
    # a community may not take in its neighbour's area
    r = geo.api.request("PUT", f"/api/v1/units/{c2}/geometry", json={"geometry": box(area1.x0 + 0.01, area1.y0, area2.x1, area2.y1)})
    bad(r, 400, "geometry", "overlaps community", code1)
    r = geo.api.request("PUT", f"/api/v1/units/{c2}/geometry", json={"geometry": area2.box(0, 0, 1, 1), "version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["level"] == "community" and r.json()["geometry"] == area2.box(0, 0, 1, 1)
    g = geo.new_grid(c2, "边界网格", area2.box(0, 0, 0.5, 0.5))
    r = geo.api.request("PUT", f"/api/v1/units/{g['id']}/geometry", json={"geometry": area2.box(0, 0, 0.4, 0.4)})
    bad(r, 400, None, "PATCH /api/v1/grids")
    bad(geo.api.request("PUT", f"/api/v1/units/{c2}/geometry", json={}), 400, "geometry", "required")
    bad(geo.api.patch(f"/api/v1/grids/{g['id']}", json={}), 400, None, "nothing to change")
    assert geo.api.request("PUT", "/api/v1/units/99999999/geometry", json={"geometry": area2.box(0, 0, 1, 1)}).status_code == 404
    # an editor reads the border and its version back from the unit (not in plain reads: borders can be big)
    plain = geo.api.get(f"/api/v1/units/{c2}").json()
    assert "geometry" not in plain and "version" not in plain
    u = geo.api.get(f"/api/v1/units/{c2}", params={"geometry": 1}).json()
    assert u["geometry"] == area2.box(0, 0, 1, 1) and u["code"] == plain["code"]
    bad(geo.api.get(f"/api/v1/units/{c2}", params={"geometry": 2}), 400, "geometry")
    assert geo.api.get(f"/api/v1/units/{c1 + 10**6}", params={"geometry": 1}).status_code == 404
    # the version guards a redraw from overwriting someone else's
    stale = geo.api.request("PUT", f"/api/v1/units/{c2}/geometry", json={"geometry": area2.box(0, 0, 1, 0.9),
                                                                          "version": u["version"] - 1})
    bad(stale, 409, "version")
    r = geo.api.request("PUT", f"/api/v1/units/{c2}/geometry", json={"geometry": area2.box(0, 0, 1, 0.9),
                                                                      "version": u["version"]})
    assert r.status_code == 200, r.text
    assert geo.api.get(f"/api/v1/units/{c2}", params={"geometry": 1}).json()["version"] == u["version"] + 1


def test_overlapping_an_active_grid_is_refused_naming_it(geo):
    cid, ccode, area = geo.community()
    first = geo.new_grid(cid, "东网格", area.box(0, 0, 0.5, 1))
    r = geo.grid(cid, "侵入网格", area.box(0.4, 0, 1, 1))
    err = bad(r, 400, "geometry", "overlaps", "东网格", first["code"])
    # the UI says it in Chinese from the reason, naming the grid in the way
    assert err["reason"] == "overlaps" and err["params"]["name"] == f"东网格（{first['code']}）", err
    # touching along the shared border is fine
    assert geo.grid(cid, "西网格", area.box(0.5, 0, 1, 1)).status_code == 201
    # a grid inside another is an overlap too
    bad(geo.grid(cid, "岛网格", area.box(0.1, 0.1, 0.2, 0.2)), 400, "geometry", "东网格")


def test_overlap_with_a_grid_outside_the_callers_scope_does_not_name_it(geo):
    """A street administrator drawing on a border learns that something outside their scope is in the way,
    but not its name or code; grids they can see are still named."""
    world = geo.world
    other_street = f"geo_street_{secrets.token_hex(2)}"
    world.unit(other_street, "county", "street", "邻街道")
    theirs, _, area = geo.community(boundary=False, street=other_street)
    hidden = geo.new_grid(theirs, "前进社区第1网格", area.box(0, 0, 0.5, 1))
    ours = world.unit(f"geo_c_{secrets.token_hex(2)}", "geo_street", "community", "本街社区")
    street_admin = world.account("geo_street", "admin")
    visible = geo.new_grid(ours, "本街网格", area.box(0.5, 0, 1, 0.5))
    r = geo.grid(ours, "越界网格", area.box(0.4, 0.6, 0.6, 0.9), api=street_admin.api)
    err = bad(r, 400, "geometry", "overlaps", "outside your scope")
    assert err["reason"] == "overlaps_hidden" and "params" not in err, err
    for secret in (hidden["name"], hidden["code"], str(hidden["id"])):
        assert secret not in err["message"], err
    # a grid of the caller's own street is named as before
    r = geo.grid(ours, "重叠网格", area.box(0.6, 0.1, 0.9, 0.4), api=street_admin.api)
    bad(r, 400, "geometry", "overlaps", visible["name"], visible["code"])
    # the root administrator sees both and is told which
    bad(geo.grid(ours, "越界网格", area.box(0.4, 0.6, 0.6, 0.9)), 400, "geometry", hidden["name"], hidden["code"])


@pytest.mark.parametrize("geometry, field, words", [
    ("POLYGON((0 0, 1 0, 1 1, 0 0))", "geometry", ["must be an object"]),
    ({"type": "Point", "coordinates": [100, 30]}, "geometry.type", ["Point"]),
    ({"type": "Polygon"}, "geometry.coordinates", ["missing"]),
    ({"type": "Polygon", "coordinates": [[[100, 30], [100.01, 30], [100.01, 30.01], [100, 30.01]]]},
     "geometry.coordinates[0]", ["not closed"]),
    ({"type": "Polygon", "coordinates": [[[100, 30], [100.01, 30], [100, 30]]]},
     "geometry.coordinates[0]", ["at least 4 positions"]),
    ({"type": "Polygon", "coordinates": [[[30, 100], [30.01, 100], [30.01, 100.01], [30, 100]]]},
     "geometry.coordinates[0][0]", ["latitude 100", "[longitude, latitude]"]),
    ({"type": "Polygon", "coordinates": [[[100, 30], [100.01, "30"], [100.01, 30.01], [100, 30]]]},
     "geometry.coordinates[0][1]", ["numbers"]),
    ({"type": "Polygon", "coordinates": [[[100, 30], [100.01, 30], [100.01, 30.01], [100, 30]]], "style": 1},
     "geometry", ["unknown member"]),
])
def test_bad_geojson_is_a_400_naming_the_field(geo, geometry, field, words):
    cid, _, _ = geo.community(boundary=False)
    bad(geo.grid(cid, "坏网格", geometry), 400, field, *words)


def test_bad_bodies_name_the_field(geo):
    cid, _, area = geo.community()
    g = area.box(0, 0, 0.1, 0.1)
    bad(geo.api.post("/api/v1/grids", json={"name": "x", "geometry": g}), 400, "parent_id", "required")
    bad(geo.api.post("/api/v1/grids", json={"parent_id": cid, "geometry": g}), 400, "name", "required")
    bad(geo.api.post("/api/v1/grids", json={"parent_id": cid, "name": "x"}), 400, "geometry", "required")
    bad(geo.api.post("/api/v1/grids", json={"parent_id": cid, "name": "  ", "geometry": g}), 400, "name")
    bad(geo.grid(cid, "x", g, colour="red"), 400, "colour", "unknown")
    bad(geo.grid(cid, "x" * 101, g), 400, "name", "too long")


def test_wrong_codes_are_refused(geo):
    cid, ccode, area = geo.community()
    g = area.box(0, 0, 0.5, 0.5)
    bad(geo.grid(cid, "码", g, code="abc"), 400, "code", ccode + "001")
    bad(geo.grid(cid, "码", g, code="420204001001001" if not ccode.startswith("420204001001") else "1" * 15),
        400, "code", "3-digit serial")
    bad(geo.grid(cid, "码", g, code=ccode + "01"), 400, "code")
    bad(geo.grid(cid, "码", g, code=ccode + "0001"), 400, "code")
    bad(geo.grid(cid, "码", g, code=ccode + "00a"), 400, "code")
    bad(geo.grid(cid, "码", g, code=ccode + "000"), 400, "code", "000")
    assert geo.grid(cid, "码", g, code=ccode + "010").status_code == 201
    err = bad(geo.grid(cid, "码2", area.box(0.5, 0.5, 1, 1), code=ccode + "010"), 409, "code", ccode + "010")
    assert err["code"] == "conflict"


def test_a_grid_made_without_a_border_still_gets_a_grid_code(geo):
    # POST /units can register a grid whose border is drawn later (PATCH /grids/{id}); its code follows the same rule as
    # POST /grids (community code + 3-digit serial), so no 12-digit "grid" slips in that way.
    cid, ccode, area = geo.community()

    def unit(code, level="grid", parent=cid):
        return geo.api.post("/api/v1/units", json={"parent_id": parent, "level": level, "code": code, "name": "待画网格"})

    bad(unit(str(10**11 + secrets.randbelow(9 * 10**11))), 400, "code", ccode + "001")
    bad(unit(ccode + "000"), 400, "code", "000")
    r = unit(ccode + "123")
    assert r.status_code == 201, r.text
    assert r.json()["level"] == "grid"
    bad(unit(ccode + "123" + "01", "micro_grid", r.json()["id"]), 400, "code", "3-digit serial")
    m = unit(ccode + "123" + "001", "micro_grid", r.json()["id"])
    assert m.status_code == 201 and len(m.json()["code"]) == 18, m.text
    # drawn later, and then it is found by location
    put = geo.api.patch(f"/api/v1/grids/{r.json()['id']}", json={"geometry": area.box(0, 0, 0.5, 0.5)})
    assert put.status_code == 200, put.text
    assert locate(geo.api, area.point(0.25, 0.25)).json()["grid"]["code"] == ccode + "123"


def test_grids_hang_under_communities_and_micro_grids_under_grids(geo):
    cid, ccode, area = geo.community()
    # not under a street
    bad(geo.grid(geo.street, "街道网格", area.box(0, 0, 0.5, 0.5)), 400, "parent_id", "community")
    bad(geo.grid(99999999, "无主网格", area.box(0, 0, 0.5, 0.5)), 404, "parent_id")
    grid = geo.new_grid(cid, "有微网格的网格", area.box(0, 0, 0.5, 0.5))
    micro = geo.new_grid(grid["id"], "微网格一", area.box(0.1, 0.1, 0.2, 0.2))
    assert micro["level"] == "micro_grid" and micro["code"] == grid["code"] + "001" and len(micro["code"]) == 18
    bad(geo.grid(grid["id"], "出界微网格", area.box(0.4, 0.4, 0.6, 0.6)), 400, "geometry", "not inside its grid")
    bad(geo.grid(grid["id"], "叠微网格", area.box(0.15, 0.15, 0.3, 0.3)), 400, "geometry", "微网格一")
    # the micro-grid wins over its grid; elsewhere in the grid, the grid
    hit = locate(geo.api, area.point(0.15, 0.15)).json()
    assert hit["id"] == micro["id"] and hit["level"] == "micro_grid"
    assert hit["grid"]["id"] == grid["id"] and hit["community"]["id"] == cid
    hit = locate(geo.api, area.point(0.3, 0.3)).json()
    assert hit["id"] == grid["id"] and hit["level"] == "grid"
    # redrawing the grid may not leave its micro-grid outside
    r = geo.api.patch(f"/api/v1/grids/{grid['id']}", json={"geometry": area.box(0.3, 0, 0.5, 0.5)})
    bad(r, 400, "geometry", "微网格一")


def test_rename_and_redraw_with_version_and_history(geo):
    cid, _, area = geo.community()
    g = geo.new_grid(cid, "旧名", area.box(0, 0, 0.5, 0.5))
    r = geo.api.patch(f"/api/v1/grids/{g['id']}", json={"name": "新名", "version": 1})
    assert r.status_code == 200 and r.json()["name"] == "新名" and r.json()["version"] == 2
    r = geo.api.patch(f"/api/v1/grids/{g['id']}", json={"name": "又一名", "version": 1})
    assert r.status_code == 409 and error_of(r)["code"] == "version_conflict"
    # redraw: bigger, found at the new place at once, the old border kept in the lineage
    assert locate(geo.api, area.point(0.7, 0.2)).status_code == 404
    r = geo.api.patch(f"/api/v1/grids/{g['id']}", json={"geometry": area.box(0, 0, 0.8, 0.5), "version": 2})
    assert r.status_code == 200, r.text
    assert r.json()["bbox"][2] == pytest.approx(area.x0 + 0.032)
    assert locate(geo.api, area.point(0.7, 0.2)).json()["id"] == g["id"]
    items = geo.api.get(f"/api/v1/grids/{g['id']}/lineage").json()["items"]
    assert len(items) == 1 and items[0]["operation"] == "redraw"
    assert items[0]["old"]["id"] == items[0]["new"]["id"] == g["id"]
    assert items[0]["old_geometry"] == area.box(0, 0, 0.5, 0.5)
    bad(geo.api.patch(f"/api/v1/grids/{g['id']}", json={"geometry": {"type": "Polygon"}}), 400,
        "geometry.coordinates")
    assert geo.api.patch("/api/v1/grids/99999999", json={"name": "x"}).status_code == 404


# ---- restructuring ----

def test_split_then_merge_keeps_history_and_old_grids_readable(geo, world, server):
    cid, ccode, area = geo.community()
    old = geo.new_grid(cid, "大网格", area.box(0, 0, 1, 1))
    worker = world.account(old["id"], "grid_worker")
    r = geo.api.post(f"/api/v1/grids/{old['id']}/assignments", json={"duty": "grid_worker", "account_id": worker.id})
    assert r.status_code == 201, r.text

    # split 1 -> 3
    strips = area.strips(3)
    r = geo.api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [old["id"]], "note": "网格优化调整",
        "create": [{"name": f"新网格{i + 1}", "geometry": s} for i, s in enumerate(strips)]})
    assert r.status_code == 201, r.text
    split = r.json()
    assert split["operation"] == "split" and split["retired"] == [old["id"]]
    new = split["created"]
    assert [g["code"] for g in new] == [ccode + "002", ccode + "003", ccode + "004"]
    assert {(l["old"]["id"], l["new"]["id"]) for l in split["lineage"]} == {(old["id"], g["id"]) for g in new}
    assert split["ended_assignments"] == 1

    # the old grid is retired but still readable, also by the worker whose grant is there
    g = geo.api.get(f"/api/v1/grids/{old['id']}").json()
    assert g["retired_at"] is not None and g["geometry"] == area.box(0, 0, 1, 1)
    r = worker.api.get(f"/api/v1/grids/{old['id']}")
    assert r.status_code == 200 and r.json()["retired_at"] is not None
    me = worker.api.get("/api/v1/me").json()
    assert [gr["unit_id"] for gr in me["grants"]] == [old["id"]]
    # its assignment was ended, not removed
    items = geo.api.get(f"/api/v1/grids/{old['id']}/assignments", params={"include_ended": 1}).json()["items"]
    assert len(items) == 1 and items[0]["current"] is False and items[0]["ends_on"]
    # lists leave retired grids out unless asked
    codes = [i["code"] for i in geo.api.get("/api/v1/grids", params={"parent_id": cid}).json()["items"]]
    assert codes == [g["code"] for g in new]
    codes = [i["code"] for i in geo.api.get("/api/v1/grids", params={"parent_id": cid, "include_retired": 1}).json()["items"]]
    assert ccode + "001" in codes
    # the same server finds the new grids at once
    for i, gg in enumerate(new):
        assert locate(geo.api, area.point((i + 0.5) / 3, 0.5)).json()["id"] == gg["id"]

    # merge 2 -> 1
    r = geo.api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [new[0]["id"], new[1]["id"]],
        "create": [{"name": "合并网格", "geometry": area.box(0, 0, 2 / 3, 1)}]})
    assert r.status_code == 201, r.text
    merge = r.json()
    assert merge["operation"] == "merge"
    merged = merge["created"][0]
    assert merged["code"] == ccode + "005"
    assert locate(geo.api, area.point(0.1, 0.5)).json()["id"] == merged["id"]
    assert locate(geo.api, area.point(0.9, 0.5)).json()["id"] == new[2]["id"]

    # history from either end: the merged grid goes back to the first grid, the first grid forward to all
    back = geo.api.get(f"/api/v1/grids/{merged['id']}/lineage").json()["items"]
    pairs = {(l["old"]["code"], l["new"]["code"], l["operation"]) for l in back}
    assert (ccode + "002", ccode + "005", "merge") in pairs and (ccode + "003", ccode + "005", "merge") in pairs
    assert (ccode + "001", ccode + "002", "split") in pairs
    forward = geo.api.get(f"/api/v1/grids/{old['id']}/lineage").json()["items"]
    fpairs = {(l["old"]["code"], l["new"]["code"]) for l in forward}
    assert {(ccode + "001", ccode + s) for s in ("002", "003", "004")} <= fpairs
    assert (ccode + "002", ccode + "005") in fpairs
    assert all(l["by"]["username"] == world.admin.username for l in forward)

    # a retired grid is not retired twice, nor edited
    r = geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid, "retire": [old["id"]], "create": []})
    bad(r, 400, "retire[0]", "already retired")
    bad(geo.api.patch(f"/api/v1/grids/{old['id']}", json={"name": "复活"}), 400, None, "retired")
    rows = geo.api.get("/api/v1/audit", params={"action": "grid.restructure", "limit": 5}).json()["items"]
    assert rows[0]["unit_id"] == cid and rows[0]["detail"]["operation"] == "merge"


def test_buildings_and_their_people_move_with_the_land(geo, world):
    # After a split each located building stands in the new grid that contains it, with its houses and
    # residents (their scope follows); an unlocated one stays and is counted; a merge takes everything.
    from placekit import building, house, resident
    cid, ccode, area = geo.community()
    old = geo.new_grid(cid, "待拆网格", area.box(0, 0, 1, 1))
    api = world.admin.api
    west = building(api, old["id"], "西楼", location=area.point(0.1, 0.5))
    east = building(api, old["id"], "东楼", location=area.point(0.9, 0.5))
    nowhere = building(api, old["id"], "无坐标楼")
    h = house(api, west["id"], "101")
    p = resident(api, "迁移人", house_id=h["id"])
    r = api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [old["id"]],
        "create": [{"name": f"拆{i + 1}", "geometry": s} for i, s in enumerate(area.strips(3))]})
    assert r.status_code == 201, r.text
    out = r.json()
    new = [g["id"] for g in out["created"]]
    assert (out["buildings_moved"], out["buildings_in_retired"]) == (2, 1)
    assert api.get(f"/api/v1/buildings/{west['id']}").json()["grid"]["id"] == new[0]
    assert api.get(f"/api/v1/buildings/{east['id']}").json()["grid"]["id"] == new[2]
    assert api.get(f"/api/v1/buildings/{nowhere['id']}").json()["grid"]["id"] == old["id"]
    assert api.get(f"/api/v1/houses/{h['id']}").json()["grid_id"] == new[0]
    # the new grid's worker sees the resident; nobody was left behind in the old grid's scope
    worker = world.account(new[0], "grid_worker")
    assert worker.api.get(f"/api/v1/residents/{p['id']}").status_code == 200
    moved = audit_rows(api, "building.move")
    assert {m["object_id"] for m in moved[:2]} == {str(west["id"]), str(east["id"])}
    # a merge has one place to go: the unlocated building of a merged grid moves too
    loose = building(api, new[1], "中楼无坐标")
    r = api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [new[0], new[1]], "create": [{"name": "合", "geometry": area.box(0, 0, 2 / 3, 1)}]})
    assert r.status_code == 201, r.text
    merged = r.json()["created"][0]["id"]
    assert (r.json()["buildings_moved"], r.json()["buildings_in_retired"]) == (2, 0)
    assert api.get(f"/api/v1/buildings/{loose['id']}").json()["grid"]["id"] == merged
    assert api.get(f"/api/v1/buildings/{west['id']}").json()["grid"]["id"] == merged


def test_a_retired_micro_grid_gives_its_buildings_back_to_its_grid(geo, world):
    # Micro-grids subdivide a grid's land: when one is retired with nothing new in its place, or its
    # buildings lie outside every new micro-grid, they go back to the grid instead of staying stranded.
    from placekit import building
    cid, ccode, area = geo.community()
    grid = geo.new_grid(cid, "有楼的网格", area.box(0, 0, 1, 1))
    m1 = geo.new_grid(grid["id"], "微一", area.box(0, 0, 0.5, 0.5))
    m2 = geo.new_grid(grid["id"], "微二", area.box(0.5, 0.5, 1, 1))
    api = world.admin.api
    a = building(api, m1["id"], "微一楼", location=area.point(0.25, 0.25))
    b = building(api, m1["id"], "微一无坐标楼")
    c = building(api, m2["id"], "微二楼", location=area.point(0.75, 0.75))
    r = api.post("/api/v1/grids/restructure", json={"parent_id": grid["id"], "retire": [m1["id"]], "create": []})
    assert r.status_code == 201, r.text
    assert (r.json()["buildings_moved"], r.json()["buildings_in_retired"]) == (2, 0)
    for x in (a, b):
        assert api.get(f"/api/v1/buildings/{x['id']}").json()["grid"]["id"] == grid["id"]
    # split m2 into two micro-grids covering only its lower half: the building above goes to the grid
    r = api.post("/api/v1/grids/restructure", json={
        "parent_id": grid["id"], "retire": [m2["id"]],
        "create": [{"parent_id": grid["id"], "name": f"微二{i}", "geometry": g}
                   for i, g in enumerate([area.box(0.5, 0.5, 0.75, 0.6), area.box(0.75, 0.5, 1, 0.6)])]})
    assert r.status_code == 201, r.text
    assert r.json()["buildings_moved"] == 1
    assert api.get(f"/api/v1/buildings/{c['id']}").json()["grid"]["id"] == grid["id"]
    # the grid's worker now reads what the micro-grids held
    worker = world.account(grid["id"], "grid_worker")
    assert worker.api.get(f"/api/v1/buildings/{b['id']}").status_code == 200


def audit_rows(api, action):
    r = api.get("/api/v1/audit", params={"action": action, "limit": 20})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_a_restructure_is_all_or_nothing(geo):
    cid, _, area = geo.community()
    old = geo.new_grid(cid, "原网格", area.box(0, 0, 1, 1))
    bow_tie = {"type": "Polygon", "coordinates": [[[area.x0, area.y0], [area.x1, area.y1], [area.x1, area.y0],
                                                   [area.x0, area.y1], [area.x0, area.y0]]]}
    r = geo.api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [old["id"]],
        "create": [{"name": "好", "geometry": area.box(0, 0, 0.5, 1)}, {"name": "坏", "geometry": bow_tie}]})
    bad(r, 400, "create[1].geometry", "Self-intersection")
    # two new grids that overlap each other
    r = geo.api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "retire": [old["id"]],
        "create": [{"name": "甲", "geometry": area.box(0, 0, 0.6, 1)}, {"name": "乙", "geometry": area.box(0.5, 0, 1, 1)}]})
    bad(r, 400, "create[1].geometry", "甲")
    # a new grid overlapping the old one that is NOT retired
    r = geo.api.post("/api/v1/grids/restructure", json={
        "parent_id": cid, "create": [{"name": "丙", "geometry": area.box(0, 0, 0.5, 1)}]})
    bad(r, 400, "create[0].geometry", "原网格")
    bad(geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid, "retire": ["x"]}), 400, "retire[0]")
    bad(geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid, "retire": [old["id"], old["id"]]}), 400,
        "retire[1]", "twice")
    bad(geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid}), 400, "create", "nothing to do")
    bad(geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid, "create": [{"name": "丁"}]}), 400,
        "create[0].geometry", "required")
    bad(geo.api.post("/api/v1/grids/restructure", json={"parent_id": cid, "create": [{"name": "戊", "geometry": area.box(0, 0, 1, 1), "x": 1}]}),
        400, "create[0].x", "unknown")
    # nothing happened
    g = geo.api.get(f"/api/v1/grids/{old['id']}").json()
    assert g["retired_at"] is None
    assert [i["id"] for i in geo.api.get("/api/v1/grids", params={"parent_id": cid, "include_retired": 1}).json()["items"]] == [old["id"]]
    assert locate(geo.api, area.point(0.5, 0.5)).json()["id"] == old["id"]


def test_a_street_goes_from_207_to_378_grids_in_one_call(geo):
    """The restructuring the news reported, as one API call: 9 communities, 23 grids each -> 42 each."""
    street = geo.world.unit("geo_street_big", "county", "street", "大调整街道")
    comms = [geo.community(street="geo_street_big") for _ in range(9)]

    def strips_for(n):
        return [{"parent_id": cid, "name": f"网格{i + 1}", "geometry": g}
                for cid, _, area in comms for i, g in enumerate(area.strips(n))]

    r = geo.api.post("/api/v1/grids/restructure", json={"parent_id": street, "create": strips_for(23)})
    assert r.status_code == 201, r.text
    assert r.json()["operation"] == "create"
    old = [g["id"] for g in r.json()["created"]]
    assert len(old) == 207

    t0 = time.time()
    r = geo.api.post("/api/v1/grids/restructure", json={"parent_id": street, "retire": old, "create": strips_for(42)},
                     timeout=300)
    took = time.time() - t0
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["operation"] == "restructure" and len(out["created"]) == 378 and len(out["retired"]) == 207
    print(f"\n207 -> 378 grids in one call: {took:.2f} s")
    assert took < 60  # seconds even under the sanitizers; a few hundred ms in a release build
    # every old grid has heirs, every heir an ancestor
    olds = {l["old"]["id"] for l in out["lineage"]}
    news = {l["new"]["id"] for l in out["lineage"] if l["new"]}
    assert olds == set(old) and news == {g["id"] for g in out["created"]}
    # codes continue each community's serials
    cid, ccode, area = comms[4]
    mine = [g for g in out["created"] if g["parent_id"] == cid]
    assert [g["code"] for g in mine] == [ccode + f"{23 + i + 1:03d}" for i in range(42)]
    # and the lookup follows
    for i in (0, 17, 41):
        assert locate(geo.api, area.point((i + 0.5) / 42, 0.5)).json()["id"] == mine[i]["id"]
    assert geo.api.get("/api/v1/grids", params={"unit_id": street, "limit": 1000, "geometry": 0}).json()["next"] is None
    assert len(geo.api.get("/api/v1/grids", params={"unit_id": street, "limit": 1000, "geometry": 0}).json()["items"]) == 378


# ---- locate ----

def test_locate_names_the_grid_its_community_and_street(geo):
    cid, ccode, area = geo.community()
    g = geo.new_grid(cid, "定位网格", area.box(0, 0, 0.5, 0.5))
    r = locate(geo.api, area.point(0.25, 0.25))
    assert r.status_code == 200, r.text
    hit = r.json()
    assert hit["id"] == g["id"] and hit["code"] == g["code"] and hit["name"] == "定位网格"
    assert hit["community"] == {"id": cid, "code": ccode, "name": hit["community"]["name"]}
    assert hit["street"]["id"] == geo.street and hit["street"]["code"] == geo.street_code
    assert hit["county"]["id"] == geo.world.units["county"]
    # on the border: still this grid
    assert locate(geo.api, area.point(0.5, 0.25)).json()["id"] == g["id"]
    # nobody's grid
    r = locate(geo.api, area.point(0.75, 0.75))
    assert r.status_code == 404
    assert "no grid" in error_of(r)["message"]
    assert locate(geo.api, {"lat": 1.5, "lng": 1.5}).status_code == 404


@pytest.mark.parametrize("params, field", [
    ({"lat": "abc", "lng": "114.9"}, "lat"), ({"lat": "30.2"}, "lng"), ({"lng": "114.9"}, "lat"),
    ({"lat": "91", "lng": "114.9"}, "lat"), ({"lat": "30.2", "lng": "-181"}, "lng"), ({"lat": "nan", "lng": "1"}, "lat"),
    ({"lat": "30.2", "lng": "1e999"}, "lng"), ({"lat": "", "lng": "114.9"}, "lat"),
])
def test_locate_names_a_bad_coordinate(geo, params, field):
    bad(geo.api.get("/api/v1/locate", params=params), 400, field)


def test_locate_needs_a_login(server):
    r = Api(server).get("/api/v1/locate", params={"lat": 30.2, "lng": 114.9})
    assert r.status_code == 401


def test_another_node_sees_grid_changes_within_seconds(geo, server, tmp_path):
    """Two servers on one database: a grid made on one is found by the other (it checks the grid
    generation at most once a second), and so is a restructure."""
    os.makedirs(tmp_path / "data", mode=0o700)
    shutil.copy(os.path.join(server.data_dir, "gridgov.key"), tmp_path / "data" / "gridgov.key")
    os.chmod(tmp_path / "data" / "gridgov.key", 0o600)
    other = Server(tmp_path, database=server.database, fast_hash=True)
    try:
        there = Api(other, token=geo.api.token)  # sessions live in the database: any node knows them
        cid, _, area = geo.community()
        p = area.point(0.25, 0.25)
        assert locate(there, p).status_code == 404
        g = geo.new_grid(cid, "异地网格", area.box(0, 0, 0.5, 0.5))

        def seen_there(want):
            deadline = time.time() + 10
            while time.time() < deadline:
                r = locate(there, p)
                if r.status_code == 200 and r.json()["id"] == want:
                    return time.time()
                time.sleep(0.1)
            return None

        t0 = time.time()
        assert seen_there(g["id"]) is not None
        # now restructure on the other node; this node sees it too
        r = there.post("/api/v1/grids/restructure", json={"parent_id": cid, "retire": [g["id"]], "create": [
            {"name": "甲", "geometry": area.box(0, 0, 0.5, 0.3)}, {"name": "乙", "geometry": area.box(0, 0.3, 0.5, 0.5)}]})
        assert r.status_code == 201, r.text
        want = r.json()["created"][0]["id"]
        deadline = time.time() + 10
        while time.time() < deadline and locate(geo.api, p).json().get("id") != want:
            time.sleep(0.1)
        assert locate(geo.api, p).json()["id"] == want
        print(f"\nother node saw the new grid after {time.time() - t0:.2f} s")
    finally:
        other.stop()
        assert_clean_log(other.read_log())


# ---- scope ----

def test_a_grid_worker_of_grid_a_gets_404_for_grid_b(geo, world):
    cid, _, area = geo.community()
    a = geo.new_grid(cid, "A网格", area.box(0, 0, 0.5, 1))
    b = geo.new_grid(cid, "B网格", area.box(0.5, 0, 1, 1))
    worker = world.account(a["id"], "grid_worker")
    assert worker.api.get(f"/api/v1/grids/{a['id']}").status_code == 200
    for path in (f"/api/v1/grids/{b['id']}", f"/api/v1/grids/{b['id']}/lineage", f"/api/v1/grids/{b['id']}/assignments"):
        r = worker.api.get(path)
        assert r.status_code == 404, (path, r.text)
    missing = worker.api.get("/api/v1/grids/99999998")
    assert missing.status_code == 404 and error_of(missing)["message"].replace("99999998", "X") == \
        error_of(worker.api.get(f"/api/v1/grids/{b['id']}"))["message"].replace(str(b["id"]), "X")
    bad(worker.api.get("/api/v1/grids", params={"unit_id": cid}), 404, "unit_id")
    assert [i["id"] for i in worker.api.get("/api/v1/grids").json()["items"]] == [a["id"]]
    assert locate(worker.api, area.point(0.25, 0.5)).json()["id"] == a["id"]
    assert locate(worker.api, area.point(0.75, 0.5)).status_code == 404
    # a grid worker cannot draw grids or restructure
    assert geo.api.get(f"/api/v1/grids/{b['id']}").status_code == 200
    assert worker.api.patch(f"/api/v1/grids/{a['id']}", json={"name": "改名"}).status_code == 403
    r = worker.api.post(f"/api/v1/grids/{b['id']}/assignments", json={"duty": "grid_worker", "account_id": worker.id})
    assert r.status_code == 404


def test_community_staff_draw_only_in_their_own_community(geo, world):
    c1, _, area1 = geo.community()
    c2, _, area2 = geo.community()
    manager = world.account(c1, "admin")  # administrator of community 1 only
    staff = world.account(c1, "community")  # community staff: may read, may not draw
    r = geo.grid(c1, "自己的网格", area1.box(0, 0, 0.5, 0.5), api=manager.api)
    assert r.status_code == 201, r.text
    bad(geo.grid(c2, "别人的网格", area2.box(0, 0, 0.5, 0.5), api=manager.api), 404, "parent_id")
    r = manager.api.post("/api/v1/grids/restructure", json={"parent_id": c2, "create": [
        {"name": "x", "geometry": area2.box(0, 0, 0.5, 0.5)}]})
    bad(r, 404, "parent_id")
    # a restructure under one's own community cannot reach into the next one
    r = manager.api.post("/api/v1/grids/restructure", json={"parent_id": c1, "create": [
        {"parent_id": c2, "name": "x", "geometry": area2.box(0, 0, 0.5, 0.5)}]})
    bad(r, 404, "create[0].parent_id")
    r = geo.grid(c1, "员工的网格", area1.box(0.5, 0.5, 1, 1), api=staff.api)
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert staff.api.get("/api/v1/grids", params={"parent_id": c1}).status_code == 200
    assert staff.api.get("/api/v1/grids", params={"parent_id": c2}).status_code == 404
    assert staff.api.request("PUT", f"/api/v1/units/{c1}/geometry", json={"geometry": area1.box(0, 0, 1, 1)}).status_code == 403


# ---- assignments ----

def test_assignments_with_dates_people_and_chiefs(geo, world, server):
    cid, _, area = geo.community()
    g = geo.new_grid(cid, "任务网格", area.box(0, 0, 0.5, 0.5))
    other = geo.new_grid(cid, "另一网格", area.box(0.5, 0, 1, 0.5))
    w1 = world.account(cid, "grid_worker")
    w2 = world.account(cid, "grid_worker")
    path = f"/api/v1/grids/{g['id']}/assignments"
    r = geo.api.post(path, json={"duty": "grid_worker", "account_id": w1.id})
    assert r.status_code == 201, r.text
    a1 = r.json()
    assert a1["current"] is True and a1["account"]["username"] == w1.username and a1["ends_on"] is None
    assert a1["grid"]["id"] == g["id"] and len(a1["starts_on"]) == 10
    bad(geo.api.post(path, json={"duty": "grid_worker", "account_id": w1.id}), 409, "account_id", "already")
    assert geo.api.post(path, json={"duty": "grid_worker", "account_id": w2.id}).status_code == 201
    assert geo.api.post(path, json={"duty": "grid_leader", "account_id": w2.id}).status_code == 201
    bad(geo.api.post(path, json={"duty": "grid_leader", "account_id": w1.id}), 409, "account_id", "grid leader")
    # a building chief without an account: name and phone, the phone stored encrypted and shown masked
    bid = add_households(server, g["id"], 2)
    r = geo.api.post(path, json={"duty": "building_chief", "person_name": "王大妈", "person_phone": "13812345678",
                                 "building_id": bid, "starts_on": "2020-01-01", "ends_on": "2099-01-01"})
    assert r.status_code == 201, r.text
    chief = r.json()
    assert chief["account"] is None and chief["person_name"] == "王大妈" and chief["building"]["id"] == bid
    assert chief["person_phone"] == "138****5678"
    rows = server.sql(f"SELECT person_phone_enc FROM grid_assignment WHERE id = {chief['id']}")
    assert rows and "13812345678" not in str(rows[0][0])
    # refusals name the field
    bad(geo.api.post(path, json={"duty": "janitor", "account_id": w1.id}), 400, "duty")
    bad(geo.api.post(path, json={"duty": "grid_worker", "person_name": "张三"}), 400, "account_id", "account")
    bad(geo.api.post(path, json={"duty": "unit_chief"}), 400, "person_name")
    bad(geo.api.post(path, json={"duty": "unit_chief", "person_name": "李四", "person_phone": "12345"}), 400,
        "person_phone")
    bad(geo.api.post(path, json={"duty": "unit_chief", "account_id": w1.id, "person_name": "李四"}), 400, "person_name")
    bad(geo.api.post(path, json={"duty": "grid_worker", "account_id": 99999999}), 404, "account_id")
    bad(geo.api.post(path, json={"duty": "unit_chief", "person_name": "李四", "starts_on": "2026-02-30"}), 400,
        "starts_on")
    bad(geo.api.post(path, json={"duty": "unit_chief", "person_name": "李四", "starts_on": "2026-03-01",
                                 "ends_on": "2026-02-01"}), 400, "ends_on")
    other_bid = add_households(server, other["id"], 1)
    bad(geo.api.post(path, json={"duty": "building_chief", "person_name": "赵五", "building_id": other_bid}), 400,
        "building_id", "does not stand in")
    # ending: effective at once, kept as history, not twice
    r = geo.api.post(f"/api/v1/assignments/{a1['id']}/end")
    assert r.status_code == 200, r.text
    assert r.json()["current"] is False and r.json()["ends_on"] == a1["starts_on"]
    bad(geo.api.post(f"/api/v1/assignments/{a1['id']}/end"), 409, None, "already ended")
    current = geo.api.get(path).json()["items"]
    assert {(i["duty"], (i["account"] or {}).get("id")) for i in current} == {
        ("grid_worker", w2.id), ("grid_leader", w2.id), ("building_chief", None)}
    everything = geo.api.get(path, params={"include_ended": 1}).json()["items"]
    assert len(everything) == 4 and everything[-1]["id"] == a1["id"]  # current ones first
    # the same person may serve again after the end
    assert geo.api.post(path, json={"duty": "grid_worker", "account_id": w1.id}).status_code == 201
    # refusals: outside scope 404, in scope without the permission 403
    outsider = world.account(other["id"], "grid_worker")
    assert outsider.api.post(path, json={"duty": "grid_worker", "account_id": outsider.id}).status_code == 404
    assert outsider.api.post(f"/api/v1/assignments/{a1['id']}/end").status_code == 404
    assert w2.api.post(path, json={"duty": "unit_chief", "person_name": "钱六"}).status_code == 403
    assert geo.api.post("/api/v1/assignments/99999999/end").status_code == 404
    rows = geo.api.get("/api/v1/audit", params={"action": "grid_assignment.", "limit": 20}).json()["items"]
    assert {"grid_assignment.create", "grid_assignment.end"} <= {row["action"] for row in rows}
    assert all("13812345678" not in json.dumps(row["detail"]) for row in rows)


def test_grids_without_a_worker_and_workers_with_too_many_households(geo, world, server):
    cid, _, area = geo.community()
    g1, g2, g3 = (geo.new_grid(cid, f"配置网格{i}", s) for i, s in enumerate(area.strips(3), 1))
    w1 = world.account(cid, "grid_worker")
    w2 = world.account(cid, "grid_worker")
    add_households(server, g1["id"], 200)
    add_households(server, g2["id"], 150)
    add_households(server, g3["id"], 40)

    def unassigned():
        r = geo.api.get("/api/v1/grids/unassigned", params={"unit_id": cid})
        assert r.status_code == 200, r.text
        return [(i["id"], i["households"]) for i in r.json()["items"]]

    assert unassigned() == [(g1["id"], 200), (g2["id"], 150), (g3["id"], 40)]
    a = geo.api.post(f"/api/v1/grids/{g1['id']}/assignments", json={"duty": "grid_worker", "account_id": w1.id}).json()
    geo.api.post(f"/api/v1/grids/{g2['id']}/assignments", json={"duty": "grid_worker", "account_id": w1.id})
    geo.api.post(f"/api/v1/grids/{g3['id']}/assignments", json={"duty": "grid_worker", "account_id": w2.id})
    # a leader is not a worker
    geo.api.post(f"/api/v1/grids/{g3['id']}/assignments", json={"duty": "grid_leader", "account_id": w1.id})
    assert unassigned() == []

    def overloaded(**params):
        r = geo.api.get("/api/v1/assignments/overloaded", params=dict(unit_id=cid, **params))
        assert r.status_code == 200, r.text
        return [(i["account"]["id"], i["grids"], i["households"]) for i in r.json()["items"]]

    assert overloaded() == [(w1.id, 2, 350)]  # default: more than 300 households
    assert overloaded(max_households=30) == [(w1.id, 2, 350), (w2.id, 1, 40)]
    assert overloaded(max_households=350) == []
    # ending w1's assignment to g1 leaves g1 without a worker and w1 with 150 households
    assert geo.api.post(f"/api/v1/assignments/{a['id']}/end").status_code == 200
    assert unassigned() == [(g1["id"], 200)]
    assert overloaded(max_households=100) == [(w1.id, 1, 150)]
    # a dissolved household no longer counts
    server.sql(f"UPDATE household SET dissolved_at = 1 WHERE id = (SELECT min(h.id) FROM household h "
               f"JOIN house ho ON ho.id = h.house_id JOIN building b ON b.id = ho.building_id WHERE b.grid_id = {g2['id']})")
    assert overloaded(max_households=100) == [(w1.id, 1, 149)]
    # scope: someone whose grant is at g3 only sees g3's corner of the questions
    w3 = world.account(g3["id"], "grid_worker")
    assert w3.api.get("/api/v1/grids/unassigned", params={"unit_id": cid}).status_code == 404
    r = w3.api.get("/api/v1/grids/unassigned")
    assert r.status_code == 200 and r.json()["items"] == []
    r = w3.api.get("/api/v1/assignments/overloaded", params={"max_households": 0})
    assert r.status_code == 200 and [i["account"]["id"] for i in r.json()["items"]] == [w2.id]
    bad(geo.api.get("/api/v1/assignments/overloaded", params={"max_households": "lots"}), 400, "max_households")
    bad(geo.api.get("/api/v1/grids/unassigned", params={"unit_id": "x"}), 400, "unit_id")


def test_household_counts_of_every_grid_of_a_map_in_one_request(geo, world, server):
    cid, _, area = geo.community()
    g1, g2, g3 = (geo.new_grid(cid, f"户数网格{i}", s) for i, s in enumerate(area.strips(3), 1))
    micro = geo.new_grid(g1["id"], "户数微网格", area.box(0, 0, 0.1, 0.1))
    add_households(server, g1["id"], 12)
    add_households(server, micro["id"], 3)
    add_households(server, g2["id"], 5)

    def counts(api=geo.api, **params):
        r = api.get("/api/v1/grids/households", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    body = counts(unit_id=cid)
    assert body["next"] is None
    # a grid counts its micro-grids' households too, as GET /grids/{id} does
    assert [(i["id"], i["households"]) for i in body["items"]] == [
        (g1["id"], 15), (g2["id"], 5), (g3["id"], 0), (micro["id"], 3)]
    for g in (g1, g2, g3):
        assert geo.api.get(f"/api/v1/grids/{g['id']}").json()["households"] == \
            next(i["households"] for i in body["items"] if i["id"] == g["id"])
    # paged by id like the grid list
    first = counts(unit_id=cid, limit=2)
    assert [i["id"] for i in first["items"]] == [g1["id"], g2["id"]] and first["next"] == str(g2["id"])
    assert [i["id"] for i in counts(unit_id=cid, limit=2, after=first["next"])["items"]] == [g3["id"], micro["id"]]
    # retired grids are not on the map
    server.sql(f"UPDATE unit SET retired_at = 1 WHERE id = {int(g3['id'])}")
    assert g3["id"] not in [i["id"] for i in counts(unit_id=cid)["items"]]
    # scope: a grid worker of g2 sees g2 only, and the community is a 404 naming unit_id
    w = world.account(g2["id"], "grid_worker")
    assert [(i["id"], i["households"]) for i in counts(w.api)["items"]] == [(g2["id"], 5)]
    assert [(i["id"], i["households"]) for i in counts(w.api, unit_id=g2["id"])["items"]] == [(g2["id"], 5)]
    bad(w.api.get("/api/v1/grids/households", params={"unit_id": cid}), 404, "unit_id")
    bad(geo.api.get("/api/v1/grids/households", params={"unit_id": "x"}), 400, "unit_id")
    bad(geo.api.get("/api/v1/grids/households", params={"unit_id": cid, "limit": 0}), 400, "limit")
    assert Api(server).get("/api/v1/grids/households").status_code == 401


def test_unit_borders_around_a_unit_in_one_response(geo, world, server):
    api = geo.api
    street = world.unit("borders_street", "county", "street", "边界街道")
    other_street = world.unit("borders_street_2", "county", "street", "邻近街道")
    area = Area()
    put = lambda uid, g: api.request("PUT", f"/api/v1/units/{uid}/geometry", json={"geometry": g})
    assert put(street, area.box(0, 0, 1, 1)).status_code == 200
    c1, _, c1_area = geo.community(boundary=False, street="borders_street")
    c2, _, _ = geo.community(boundary=False, street="borders_street")
    c3, _, _ = geo.community(boundary=False, street="borders_street")  # no border: nothing to draw
    assert put(c1, area.box(0, 0, 0.5, 1)).status_code == 200
    assert put(c2, area.box(0.5, 0, 1, 1)).status_code == 200
    grid = geo.new_grid(c1, "边界网格", area.box(0.1, 0.1, 0.4, 0.4))  # grids are the map's own layer

    def borders(uid, who=api):
        r = who.get(f"/api/v1/units/{uid}/borders")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["unit_id"] == uid
        return {i["id"]: i for i in body["items"]}

    around_c1 = borders(c1)
    assert {k: v["relation"] for k, v in around_c1.items()} == {street: "parent", c1: "self", c2: "sibling"}
    assert around_c1[c1]["geometry"] == area.box(0, 0, 0.5, 1)
    assert around_c1[c1]["name"] == "测试社区" + str(geo.n - 2) and around_c1[c1]["level"] == "community"
    assert around_c1[c1]["centroid"]["lng"] == pytest.approx((area.x0 + (area.x0 + area.x1) / 2) / 2, abs=1e-6)
    around_street = borders(street)
    assert {k: v["relation"] for k, v in around_street.items()} == {street: "self", c1: "child", c2: "child"}
    # a street without a border, a grid and a community without a border are not in it
    assert other_street not in around_street and grid["id"] not in around_street and c3 not in around_street
    # scope: community staff of c1 see c1 only — not the street, not the neighbour
    staff = world.account(c1, "community")
    assert {k: v["relation"] for k, v in borders(c1, staff.api).items()} == {c1: "self"}
    r = staff.api.get(f"/api/v1/units/{c2}/borders")
    missing = staff.api.get("/api/v1/units/99999997/borders")
    assert r.status_code == 404 and missing.status_code == 404
    assert error_of(r)["message"].replace(str(c2), "X") == error_of(missing)["message"].replace("99999997", "X")
    # a grid worker's map: their grid has no children to draw, the community is out of their scope
    w = world.account(grid["id"], "grid_worker")
    assert borders(grid["id"], w.api) == {}
    # a retired community is not drawn
    server.sql(f"UPDATE unit SET retired_at = 1 WHERE id = {int(c2)}")
    assert set(borders(street)) == {street, c1}
