"""Places (issue 5): buildings, houses with stable codes and QR tokens, households with members and move
history, and unit statistics — driven through the API as grid workers, community staff and administrators
use it, on SQLite and PostgreSQL.

The session's `world` (conftest.World) provides the unit tree: street A > community A1 > grids A and B,
street B > community B1 > grid B1, with one account per role.
"""
import re
import time

import pytest
import requests

from conftest import error_of
from placekit import (all_items, audit_since, building, expect_error, house, household, id_number, last_seq,
                      new_unit, post_ok, resident)


@pytest.fixture(scope="module")
def staff_b(world):
    """Community staff of community B1 (the next street's community)."""
    return world.account("community_b1", "community", prefix="cs_b")


def test_grid_worker_builds_up_a_building_with_houses(world):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    grid = world.admin.api.get(f"/api/v1/units/{grid_a}").json()
    b = building(gw, grid_a, "桂林小区 12栋", address="黄石市下陆区桂林北路 12 号", floors=6,
                 location={"lat": 30.2081, "lng": 115.0301})
    assert re.fullmatch(r"B\d{3}", b["code"]), b["code"]
    assert b["grid"] == {"id": grid_a, "code": grid["code"], "name": grid["name"], "path": grid["path"]}
    assert b["name"] == "桂林小区 12栋" and b["floors"] == 6 and b["use_type"] == "residential"
    assert b["location"] == {"lat": 30.2081, "lng": 115.0301}
    assert b["house_count"] == 0 and b["version"] == 1 and b["retired_at"] is None
    assert b["created_at"].endswith("+08:00")
    # a second building in the grid gets the next code; a code may also be chosen
    b2 = building(gw, grid_a, "桂林小区 13栋")
    assert b2["code"] != b["code"] and re.fullmatch(r"B\d{3}", b2["code"])
    b3 = building(gw, grid_a, "桂林小区 门面房", code="SHOP-1", use_type="commercial")
    assert b3["code"] == "SHOP-1" and b3["use_type"] == "commercial"
    r = gw.post("/api/v1/buildings", json={"grid_id": grid_a, "name": "重号", "code": "SHOP-1"})
    expect_error(r, 409, "code", "conflict")

    # houses: entrance (单元), floor, room; a stable code and a random QR token
    h1 = house(gw, b["id"], "101", entrance="1", floor=1, area_m2=89.5)
    h2 = house(gw, b["id"], "102", entrance="1", floor=1)
    h3 = house(gw, b["id"], "101", entrance="2", floor=1, use_type="rental")
    assert h1["house_code"] == f"{grid['code']}-{b['code']}-0001"
    assert [h2["house_code"][-4:], h3["house_code"][-4:]] == ["0002", "0003"]
    assert h1["address"] == "桂林小区 12栋 1单元 101室"
    assert h1["building"] == {"id": b["id"], "code": b["code"], "name": "桂林小区 12栋"}
    assert h1["grid_id"] == grid_a and h1["area_m2"] == 89.5 and h1["use_type"] == "residence"
    tokens = {h["qr_token"] for h in (h1, h2, h3)}
    assert len(tokens) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]{43}", t) for t in tokens)
    # the same entrance and room twice is refused; the same room at another entrance was fine
    r = gw.post(f"/api/v1/buildings/{b['id']}/houses", json={"room": "101", "entrance": "1"})
    expect_error(r, 409, "room", "conflict")
    assert gw.get(f"/api/v1/buildings/{b['id']}").json()["house_count"] == 3

    # renumbering a room keeps the house code and the QR token (printed labels stay valid)
    r = gw.patch(f"/api/v1/houses/{h2['id']}", json={"room": "103", "floor": 1, "version": h2["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["room"] == "103" and r.json()["house_code"] == h2["house_code"]
    assert r.json()["qr_token"] == h2["qr_token"] and r.json()["version"] == 2
    # a stale version is refused and changes nothing
    r = gw.patch(f"/api/v1/houses/{h2['id']}", json={"room": "104", "version": h2["version"]})
    expect_error(r, 409, "version", "version_conflict")
    assert gw.get(f"/api/v1/houses/{h2['id']}").json()["room"] == "103"

    # the building's houses, paginated
    page1 = gw.get(f"/api/v1/buildings/{b['id']}/houses", params={"limit": 2}).json()
    assert [h["id"] for h in page1["items"]] == [h1["id"], h2["id"]] and page1["next"] == str(h2["id"])
    page2 = gw.get(f"/api/v1/buildings/{b['id']}/houses", params={"limit": 2, "after": page1["next"]}).json()
    assert [h["id"] for h in page2["items"]] == [h3["id"]] and page2["next"] is None

    # retiring a house frees its room; a new house there gets a new serial, never a reused code
    r = gw.patch(f"/api/v1/houses/{h3['id']}", json={"retired": True, "version": h3["version"]})
    assert r.status_code == 200 and r.json()["retired_at"]
    h4 = house(gw, b["id"], "101", entrance="2")
    assert h4["house_code"].endswith("-0004")
    listed = [h["id"] for h in all_items(gw, f"/api/v1/buildings/{b['id']}/houses")]
    assert listed == [h1["id"], h2["id"], h4["id"]]
    listed = [h["id"] for h in all_items(gw, f"/api/v1/buildings/{b['id']}/houses", include_retired=1)]
    assert listed == [h1["id"], h2["id"], h3["id"], h4["id"]]
    # a room search
    found = gw.get(f"/api/v1/buildings/{b['id']}/houses", params={"q": "10"}).json()["items"]
    assert {h["id"] for h in found} == {h1["id"], h2["id"], h4["id"]}

    # editing the building: name, floors, location cleared; the code stays
    r = gw.patch(f"/api/v1/buildings/{b['id']}", json={"name": "桂林小区 12 栋", "floors": 7, "location": None,
                                                       "version": b["version"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["name"], body["floors"], body["location"], body["code"], body["version"]) == \
        ("桂林小区 12 栋", 7, None, b["code"], 2)
    # a building with live houses cannot be retired
    r = gw.patch(f"/api/v1/buildings/{b['id']}", json={"retired": True, "version": 2})
    expect_error(r, 409, "retired", "conflict")
    # the buildings of the grid, with a name search
    ids = [x["id"] for x in all_items(gw, "/api/v1/buildings", unit_id=grid_a)]
    assert {b["id"], b2["id"], b3["id"]} <= set(ids) and ids == sorted(ids)
    found = gw.get("/api/v1/buildings", params={"q": "门面", "unit_id": grid_a}).json()["items"]
    assert [x["id"] for x in found] == [b3["id"]]


def test_place_writes_are_audited(world):
    gw = world.accounts["grid_worker"]
    seq = last_seq(world)
    b = building(gw.api, world.units["grid_a"], "审计楼")
    h = house(gw.api, b["id"], "201", entrance="1")
    r = gw.api.patch(f"/api/v1/houses/{h['id']}", json={"room": "202", "version": 1})
    assert r.status_code == 200
    rows = audit_since(world, seq, account_id=gw.id)
    assert [(x["action"], x["object_id"]) for x in rows] == [
        ("building.create", str(b["id"])), ("house.create", str(h["id"])), ("house.update", str(h["id"]))]
    assert all(x["unit_id"] == world.units["grid_a"] for x in rows)
    assert rows[0]["detail"]["code"] == b["code"] and rows[1]["detail"]["house_code"] == h["house_code"]
    assert rows[2]["detail"] == {"room": {"before": "201", "after": "202"}}


@pytest.mark.parametrize("body,field,fragment", [
    ({}, "name", "required"),
    ({"name": "   "}, "name", "empty"),
    ({"name": "x" * 101}, "name", "too long"),
    ({"name": "行\n换"}, "name", "control"),
    ({"name": "A", "colour": "red"}, "colour", "unknown field"),
    ({"name": "A", "use_type": "castle"}, "use_type", "residential"),
    ({"name": "A", "floors": 0}, "floors", "between"),
    ({"name": "A", "floors": "6"}, "floors", "integer"),
    ({"name": "A", "location": {"lat": 95, "lng": 115}}, "location.lat", "between"),
    ({"name": "A", "location": {"lat": 30}}, "location.lng", "required"),
    ({"name": "A", "location": {"lat": 30, "lng": 115, "alt": 3}}, "location.alt", "unknown"),
    ({"name": "A", "code": "B 1"}, "code", "letters"),
    ({"name": "A", "code": "x" * 17}, "code", "too long"),
    ({"name": "A", "address": "x" * 201}, "address", "too long"),
])
def test_building_validation_names_the_field(world, body, field, fragment):
    r = world.accounts["grid_worker"].api.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], **body})
    expect_error(r, 400, field, "validation_failed", fragment)


def test_buildings_stand_in_grids(world):
    gw = world.admin.api
    r = gw.post("/api/v1/buildings", json={"grid_id": world.units["community_a1"], "name": "社区楼"})
    expect_error(r, 400, "grid_id", "validation_failed", "grid")
    r = gw.post("/api/v1/buildings", json={"grid_id": 987654321, "name": "无处"})
    expect_error(r, 404, "grid_id", "not_found")
    # a micro-grid is fine
    micro = new_unit(world, world.units["grid_b"], "micro_grid", "微网格 楼")
    assert building(gw, micro["id"], "微网格里的楼")["grid"]["id"] == micro["id"]


def test_a_building_moved_by_hand_takes_its_houses_and_people(world):
    a = world.accounts
    admin = world.admin.api
    b = building(a["grid_worker"].api, world.units["grid_a"], "待迁楼")
    h = house(a["grid_worker"].api, b["id"], "201")
    p = resident(a["grid_worker"].api, "随楼迁", house_id=h["id"])
    # the grid worker of A may not put it into B, which is outside their scope
    r = a["grid_worker"].api.post(f"/api/v1/buildings/{b['id']}/move", json={"grid_id": world.units["grid_b"],
                                                                             "version": b["version"]})
    expect_error(r, 404, "grid_id", "not_found")
    # wrong target kinds and stale versions are refused naming the field
    expect_error(admin.post(f"/api/v1/buildings/{b['id']}/move", json={"grid_id": world.units["community_a1"],
                                                                      "version": b["version"]}), 400, "grid_id")
    expect_error(admin.post(f"/api/v1/buildings/{b['id']}/move", json={"grid_id": world.units["grid_a"],
                                                                      "version": b["version"]}), 400, "grid_id")
    expect_error(admin.post(f"/api/v1/buildings/{b['id']}/move", json={"grid_id": world.units["grid_b"],
                                                                      "version": b["version"] + 5}), 409, "version")
    expect_error(admin.post(f"/api/v1/buildings/{b['id']}/move", json={"version": b["version"]}), 400, "grid_id")
    r = admin.post(f"/api/v1/buildings/{b['id']}/move", json={"grid_id": world.units["grid_b"], "version": b["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["grid"]["id"] == world.units["grid_b"] and r.json()["version"] == b["version"] + 1
    # the people went with it: B's worker reads the resident, A's no longer does
    assert a["grid_worker_b"].api.get(f"/api/v1/residents/{p['id']}").status_code == 200
    assert a["grid_worker"].api.get(f"/api/v1/residents/{p['id']}").status_code == 404
    assert a["grid_worker_b"].api.get(f"/api/v1/houses/{h['id']}").json()["grid_id"] == world.units["grid_b"]
    row = admin.get("/api/v1/audit", params={"action": "building.move", "limit": 1}).json()["items"][0]
    assert row["object_id"] == str(b["id"]) and row["detail"]["to_grid_id"] == world.units["grid_b"]


def test_buildings_created_at_once_get_distinct_codes(world):
    # Two dispatchers adding buildings to one grid at the same moment: each gets the next free code
    # (on PostgreSQL both read the same count; the loser takes the next code, never a 409).
    from concurrent.futures import ThreadPoolExecutor
    grid = new_unit(world, world.units["community_a1"], "grid", "并发网格")
    api = world.admin.api

    def add(i):
        return api.post("/api/v1/buildings", json={"grid_id": grid["id"], "name": f"并发楼{i}"})

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(add, range(16)))
    assert [r.status_code for r in answers] == [201] * 16, [r.text for r in answers if r.status_code != 201]
    codes = sorted(r.json()["code"] for r in answers)
    assert codes == [f"B{k:03d}" for k in range(1, 17)]
    # a code the caller chose is theirs: a clash is a 409 naming the field, not silently renumbered
    r = api.post("/api/v1/buildings", json={"grid_id": grid["id"], "name": "重号", "code": "B003"})
    expect_error(r, 409, "code", "conflict")


@pytest.mark.parametrize("body,field,fragment", [
    ({}, "room", "required"),
    ({"room": ""}, "room", "empty"),
    ({"room": "1" * 17}, "room", "too long"),
    ({"room": "101", "floor": 201}, "floor", "between"),
    ({"room": "101", "area_m2": -3}, "area_m2", "between"),
    ({"room": "101", "use_type": "palace"}, "use_type", "residence"),
    ({"room": "101", "qr_token": "mine"}, "qr_token", "unknown"),
    ({"room": "101", "house_code": "X"}, "house_code", "unknown"),
])
def test_house_validation_names_the_field(world, body, field, fragment):
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "校验楼")
    r = gw.post(f"/api/v1/buildings/{b['id']}/houses", json=body)
    expect_error(r, 400, field, "validation_failed", fragment)


def test_places_are_scoped(world, staff_b):
    a = world.accounts
    b = building(a["grid_worker"].api, world.units["grid_a"], "范围楼 A")
    h = house(a["grid_worker"].api, b["id"], "301")
    bb = building(staff_b.api, world.units["grid_b1"], "范围楼 B1")
    hb = house(staff_b.api, bb["id"], "301")
    missing = 987654321

    def same_404(api, path):
        hidden, absent = api.get(path.format(id=b["id"], hid=h["id"])), api.get(path.format(id=missing, hid=missing))
        assert hidden.status_code == absent.status_code == 404, (path, hidden.text)
        assert error_of(hidden)["code"] == error_of(absent)["code"] == "not_found"

    # community B1's staff: nothing of community A1
    for path in ("/api/v1/buildings/{id}", "/api/v1/buildings/{id}/houses", "/api/v1/houses/{hid}"):
        same_404(staff_b.api, path)
    assert staff_b.api.patch(f"/api/v1/buildings/{b['id']}", json={"name": "x", "version": 1}).status_code == 404
    assert staff_b.api.patch(f"/api/v1/houses/{h['id']}", json={"room": "x", "version": 1}).status_code == 404
    assert staff_b.api.post(f"/api/v1/buildings/{b['id']}/houses", json={"room": "999"}).status_code == 404
    r = staff_b.api.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": "越界"})
    expect_error(r, 404, "grid_id", "not_found")
    ids = {x["id"] for x in all_items(staff_b.api, "/api/v1/buildings")}
    assert bb["id"] in ids and b["id"] not in ids
    r = staff_b.api.get("/api/v1/buildings", params={"unit_id": world.units["grid_a"]})
    expect_error(r, 404, "unit_id", "not_found")
    # and the other way round
    assert a["community"].api.get(f"/api/v1/houses/{hb['id']}").status_code == 404
    assert bb["id"] not in {x["id"] for x in all_items(a["community"].api, "/api/v1/buildings")}

    # grid B's worker sees only grid B
    gwb = a["grid_worker_b"].api
    same_404(gwb, "/api/v1/buildings/{id}")
    same_404(gwb, "/api/v1/houses/{hid}")
    seen = all_items(gwb, "/api/v1/buildings")
    assert all(x["grid"]["id"] == world.units["grid_b"] or x["grid"]["id"] not in
               (world.units["grid_a"], world.units["grid_b1"]) for x in seen)
    assert b["id"] not in {x["id"] for x in seen}

    # in scope but without place.write: 403
    d = a["dispatcher"].api
    assert d.get(f"/api/v1/buildings/{b['id']}").status_code == 200
    r = d.patch(f"/api/v1/buildings/{b['id']}", json={"name": "x", "version": 1})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    r = d.post(f"/api/v1/buildings/{b['id']}/houses", json={"room": "998"})
    assert r.status_code == 403
    r = d.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": "调度楼"})
    assert r.status_code == 403
    # a resident account has no place.read at all
    assert a["resident"].api.get(f"/api/v1/buildings/{b['id']}").status_code == 404
    assert a["resident"].api.get("/api/v1/buildings").json()["items"] == []
    # the county's leader reads both streets
    assert a["leader"].api.get(f"/api/v1/houses/{h['id']}").status_code == 200
    assert a["leader"].api.get(f"/api/v1/houses/{hb['id']}").status_code == 200
    # unauthenticated
    assert requests.get(world.server.url(f"/api/v1/buildings/{b['id']}"), timeout=10).status_code == 401


def test_household_with_members_and_move_history(world):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    b = building(gw, grid_a, "户籍楼")
    h1, h2 = house(gw, b["id"], "101"), house(gw, b["id"], "102")
    dad = resident(gw, "王建国", unit_id=grid_a, id_number=id_number(birth="1970-05-01", gender="male"))
    mum = resident(gw, "李秀英", unit_id=grid_a, id_number=id_number(birth="1972-08-15", gender="female"))
    kid = resident(gw, "王小明", unit_id=grid_a, id_number=id_number(birth="2005-02-20", gender="male"))
    assert dad["house"] is None and dad["household"] is None

    k = household(gw, h1["id"], dad["id"])
    assert k["house"]["id"] == h1["id"] and k["house"]["address"] == "户籍楼 101室"
    assert k["head"] == {"resident_id": dad["id"], "name": "王建国"} and k["kind"] == "family"
    assert [m["resident_id"] for m in k["members"]] == [dad["id"]] and k["member_count"] == 1
    # members join with their relation; a date may be given (the day they moved in)
    r = gw.post(f"/api/v1/households/{k['id']}/members", json={"resident_id": mum["id"], "relation": "spouse",
                                                               "date": "2001-10-01", "reason": "结婚迁入"})
    assert r.status_code == 200, r.text
    r = gw.post(f"/api/v1/households/{k['id']}/members", json={"resident_id": kid["id"], "relation": "child",
                                                               "date": "2005-02-20", "reason": "出生"})
    assert r.status_code == 200, r.text
    k = r.json()
    assert [(m["name"], m["relation"]) for m in k["members"]] == [("王建国", "head"), ("李秀英", "spouse"),
                                                                   ("王小明", "child")]
    assert k["members"][1]["moved_in_at"] == "2001-10-01T00:00:00+08:00"
    assert k["members"][1]["in_reason"] == "结婚迁入"
    # joining moved them into the house
    r = gw.get(f"/api/v1/residents/{kid['id']}").json()
    assert r["house"]["id"] == h1["id"] and r["household"] == {"id": k["id"], "relation": "child"}
    assert r["unit"]["id"] == grid_a

    # errors name their field
    url = f"/api/v1/households/{k['id']}/members"
    r = gw.post(url, json={"resident_id": kid["id"], "relation": "child"})
    expect_error(r, 409, "resident_id", "conflict")
    assert r.json()["error"]["reason"] == "already_member"  # what the UI says in Chinese
    expect_error(gw.post(url, json={"resident_id": kid["id"], "relation": "cousin"}), 400, "relation")
    expect_error(gw.post(url, json={"resident_id": kid["id"], "relation": "head"}), 409, "relation")
    expect_error(gw.post(url, json={"resident_id": 987654321, "relation": "child"}), 404, "resident_id")
    expect_error(gw.post(url, json={"relation": "child"}), 400, "resident_id")
    lodger = resident(gw, "赵客", unit_id=grid_a)
    expect_error(gw.post(url, json={"resident_id": lodger["id"], "relation": "other", "date": "2099-01-01"}),
                 400, "date", message="future")
    expect_error(gw.post(url, json={"resident_id": lodger["id"], "relation": "other", "date": "2024-02-30"}),
                 400, "date", message="YYYY-MM-DD")
    # the head cannot leave while others remain
    r = gw.post(f"/api/v1/households/{k['id']}/members/{dad['id']}/move-out", json={})
    expect_error(r, 409, "resident_id", "conflict", "head")
    assert r.json()["error"]["reason"] == "head_with_members"

    # the child moves out (to study elsewhere)
    r = gw.post(f"/api/v1/households/{k['id']}/members/{kid['id']}/move-out",
                json={"date": "2023-09-01", "reason": "外出求学"})
    assert r.status_code == 200, r.text
    k = r.json()
    assert [m["name"] for m in k["members"]] == ["王建国", "李秀英"] and k["member_count"] == 2
    kid_row = [m for m in k["history"] if m["resident_id"] == kid["id"]]
    assert len(kid_row) == 1 and kid_row[0]["moved_out_at"] == "2023-09-01T00:00:00+08:00"
    assert kid_row[0]["out_reason"] == "外出求学"
    r = gw.get(f"/api/v1/residents/{kid['id']}").json()
    assert r["household"] is None and r["house"] is None and r["moved_out_at"] == "2023-09-01T00:00:00+08:00"
    assert r["unit"]["id"] == grid_a  # the record stays with the grid
    r = gw.post(f"/api/v1/households/{k['id']}/members/{kid['id']}/move-out", json={})
    expect_error(r, 404, "resident_id", "not_found")

    # the mother moves to a household of her own in the next house: out of the first, into the second
    k2 = household(gw, h2["id"], kind="family")
    assert k2["head"] is None and k2["members"] == []
    r = gw.post(f"/api/v1/households/{k2['id']}/members", json={"resident_id": mum["id"], "relation": "head"})
    assert r.status_code == 200, r.text
    assert r.json()["head"]["resident_id"] == mum["id"]
    k = gw.get(f"/api/v1/households/{k['id']}").json()
    assert [m["name"] for m in k["members"]] == ["王建国"]
    mum_rows = [m for m in k["history"] if m["resident_id"] == mum["id"]]
    assert mum_rows[0]["moved_out_at"] and mum_rows[0]["out_reason"] == f"moved to household {k2['id']}"
    assert gw.get(f"/api/v1/residents/{mum['id']}").json()["house"]["id"] == h2["id"]
    # she comes back (as the only member of k2 its head may leave, and k2 is left without a head) …
    r = gw.post(f"/api/v1/households/{k['id']}/members", json={"resident_id": mum["id"], "relation": "spouse"})
    assert r.status_code == 200, r.text
    k = r.json()
    # … and becomes the head; the old head becomes her spouse
    r = gw.patch(f"/api/v1/households/{k['id']}", json={"head_resident_id": mum["id"],
                                                       "former_head_relation": "spouse", "version": k["version"]})
    assert r.status_code == 200, r.text
    k = r.json()
    assert k["head"]["resident_id"] == mum["id"]
    assert {m["name"]: m["relation"] for m in k["members"]} == {"李秀英": "head", "王建国": "spouse"}
    # the full history of the first household, oldest first: dad, mum, kid, mum again
    assert [m["resident_id"] for m in k["history"]] == [dad["id"], mum["id"], kid["id"], mum["id"]]
    assert [m["moved_out_at"] is None for m in k["history"]] == [True, False, False, True]
    # k2 lost its only member and head: it can be dissolved now, and then takes no one
    k2 = gw.get(f"/api/v1/households/{k2['id']}").json()
    assert k2["head"] is None and k2["member_count"] == 0
    r = gw.patch(f"/api/v1/households/{k2['id']}", json={"dissolved": True, "version": k2["version"]})
    assert r.status_code == 200 and r.json()["dissolved_at"]
    r = gw.post(f"/api/v1/households/{k2['id']}/members", json={"resident_id": kid["id"], "relation": "head"})
    expect_error(r, 409, "household_id", "conflict")
    # a household with members cannot be dissolved
    r = gw.patch(f"/api/v1/households/{k['id']}", json={"dissolved": True, "version": k["version"]})
    expect_error(r, 409, "dissolved", "conflict")
    # relations can be corrected
    r = gw.patch(f"/api/v1/households/{k['id']}/members/{dad['id']}", json={"relation": "other"})
    assert r.status_code == 200 and {m["name"]: m["relation"] for m in r.json()["members"]}["王建国"] == "other"
    # households of the house
    assert [x["id"] for x in gw.get("/api/v1/households", params={"house_id": h1["id"]}).json()["items"]] == [k["id"]]
    listed = all_items(gw, "/api/v1/households", house_id=h2["id"], include_dissolved=1)
    assert [x["id"] for x in listed] == [k2["id"]]


def test_qr_tokens_go_only_to_those_who_print_the_labels(world):
    """A house's QR token lets anyone submit registrations for it: roles that only read places (dispatcher,
    leader) see the house but not its token, nor its QR code or the building's sheet; grid workers do."""
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "二维码楼")
    h = house(gw, b["id"], "301")
    token = h["qr_token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    for role in ("dispatcher", "leader"):
        api = world.accounts[role].api
        one = api.get(f"/api/v1/houses/{h['id']}")
        assert one.status_code == 200 and one.json()["house_code"] == h["house_code"]
        assert one.json()["qr_token"] is None
        listed = api.get(f"/api/v1/buildings/{b['id']}/houses").json()["items"]
        assert [x["id"] for x in listed] == [h["id"]] and listed[0]["qr_token"] is None
        for path in (f"/api/v1/houses/{h['id']}/qr.svg", f"/api/v1/houses/{h['id']}/qr.png",
                     f"/api/v1/buildings/{b['id']}/qr-sheet"):
            r = api.get(path)
            assert r.status_code == 403, (role, path, r.status_code)
            assert error_of(r)["code"] == "forbidden" and token not in r.text
    # the grid worker who prints them still gets everything
    assert gw.get(f"/api/v1/houses/{h['id']}").json()["qr_token"] == token
    assert gw.get(f"/api/v1/buildings/{b['id']}/houses").json()["items"][0]["qr_token"] == token
    assert gw.get(f"/api/v1/houses/{h['id']}/qr.svg").status_code == 200
    assert gw.get(f"/api/v1/buildings/{b['id']}/qr-sheet").status_code == 200


def test_household_patch_checks_former_head_relation_even_when_the_head_stays(world):
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "校验楼")
    head = resident(gw, "周正", unit_id=world.units["grid_a"])
    k = household(gw, house(gw, b["id"], "201")["id"], head["id"])
    url = f"/api/v1/households/{k['id']}"
    for body in ({"former_head_relation": "cousin"},                              # no head change at all
                 {"former_head_relation": "cousin", "head_resident_id": head["id"]},  # the same head again
                 {"former_head_relation": "head", "kind": "collective"}):
        expect_error(gw.patch(url, json={**body, "version": k["version"]}), 400, "former_head_relation",
                     "validation_failed")
    after = gw.get(url).json()
    assert after["version"] == k["version"] and after["kind"] == k["kind"]
    # a valid value with no head change is accepted (and has nothing to do)
    r = gw.patch(url, json={"former_head_relation": "spouse", "kind": "collective", "version": k["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "collective" and r.json()["head"]["resident_id"] == head["id"]


def test_households_are_scoped(world, staff_b):
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "范围户楼")
    h = house(gw, b["id"], "501")
    head = resident(gw, "户主甲", unit_id=world.units["grid_a"])
    k = household(gw, h["id"], head["id"])
    for api in (staff_b.api, world.accounts["grid_worker_b"].api):
        assert api.get(f"/api/v1/households/{k['id']}").status_code == 404
        assert k["id"] not in {x["id"] for x in all_items(api, "/api/v1/households")}
        r = api.post(f"/api/v1/households/{k['id']}/members", json={"resident_id": head["id"], "relation": "child"})
        assert r.status_code == 404
    r = staff_b.api.post("/api/v1/households", json={"house_id": h["id"]})
    expect_error(r, 404, "house_id", "not_found")
    # a dispatcher reads households of its street but changes none
    d = world.accounts["dispatcher"].api
    assert d.get(f"/api/v1/households/{k['id']}").status_code == 200
    r = d.patch(f"/api/v1/households/{k['id']}", json={"kind": "rental", "version": k["version"]})
    assert r.status_code == 403


def test_unit_stats_count_the_subtree(world, staff_b):
    admin = world.admin.api
    street_a = world.units["street_a"]
    com = new_unit(world, street_a, "community", "统计社区")
    g1 = new_unit(world, com["id"], "grid", "统计一网格")
    g2 = new_unit(world, com["id"], "grid", "统计二网格")
    new_unit(world, g1["id"], "micro_grid", "统计微网格")
    staff = world.account(com["id"], "community", prefix="stat_cs")
    gw1 = world.account(g1["id"], "grid_worker", prefix="stat_gw")
    api = staff.api
    # grid 1: two buildings, three houses, two households, five residents
    b1, b2 = building(api, g1["id"], "统计楼1"), building(api, g1["id"], "统计楼2")
    h11, h12, h21 = house(api, b1["id"], "101"), house(api, b1["id"], "102"), house(api, b2["id"], "101")
    p = [resident(api, f"居民{i}", unit_id=g1["id"], **kw) for i, kw in enumerate([
        {"tags": ["elderly_alone"], "party_member": True, "id_number": id_number(birth="1945-05-01")},
        {"resident_type": "migrant", "registered_address": "河南省信阳市", "id_number": id_number(birth="1990-01-01")},
        {"resident_type": "migrant", "id_number": id_number(birth="2015-03-01")},  # a minor by the birth date
        {"household_registration_matches": False, "volunteer": True, "id_number": id_number(birth="1988-07-07")},
        {"tags": ["elderly_alone", "disabled"], "id_number": id_number(birth="1950-02-02")},
    ])]
    household(api, h11["id"], p[0]["id"])
    k2 = household(api, h12["id"], p[1]["id"])
    post_ok(api, f"/api/v1/households/{k2['id']}/members", {"resident_id": p[2]["id"], "relation": "child"}, 200)
    # grid 2: one building, one house, one foreign resident; a retired house is not counted
    b3 = building(api, g2["id"], "统计楼3")
    house(api, b3["id"], "1")
    gone = house(api, b3["id"], "2")
    assert api.patch(f"/api/v1/houses/{gone['id']}", json={"retired": True, "version": 1}).status_code == 200
    resident(api, "Ivan Petrov", unit_id=g2["id"], resident_type="foreign", nationality="RUS",
             id_type="passport", id_number="75 1234567".replace(" ", ""), gender="male", birth_date="1985-04-12")

    r = api.get(f"/api/v1/units/{com['id']}/stats")
    assert r.status_code == 200, r.text
    s = r.json()
    assert s["unit"]["id"] == com["id"] and s["unit"]["level"] == "community"
    assert s["units"] == {"grid": 2, "micro_grid": 1}
    assert (s["active_grids"], s["buildings"], s["houses"], s["households"]) == (2, 3, 4, 2)
    assert (s["residents"], s["migrants"], s["foreigners"]) == (6, 2, 1)
    assert s["migrant_share"] == pytest.approx(2 / 6)
    # 人户分离: the two migrants, the foreigner and the one registered resident who lives elsewhere
    assert s["separated"] == 4
    assert (s["party_members"], s["volunteers"]) == (1, 1)
    tags = {t["code"]: t["count"] for t in s["tags"]}
    assert tags["elderly_alone"] == 2 and tags["minor"] == 1 and tags["disabled"] == 1 and tags["veteran"] == 0
    assert tags["elderly"] == 2  # 60 and over by the birth date: the two born in 1945 and 1950
    assert {t["code"]: t["name"] for t in s["tags"]}["elderly_alone"] == "独居老人"
    # one grid
    s = api.get(f"/api/v1/units/{g2['id']}/stats").json()
    assert (s["units"], s["active_grids"], s["buildings"], s["houses"], s["residents"], s["migrant_share"]) == \
        ({}, 1, 1, 1, 1, 0)
    # a grid worker of grid 1 asking about the community: 404 (not its scope); its own grid: counts
    assert gw1.api.get(f"/api/v1/units/{com['id']}/stats").status_code == 404
    s = gw1.api.get(f"/api/v1/units/{g1['id']}/stats").json()
    assert (s["buildings"], s["houses"], s["households"], s["residents"], s["migrants"]) == (2, 3, 2, 5, 2)
    # the next street's staff do not see it at all; the street sees the community inside its numbers
    assert staff_b.api.get(f"/api/v1/units/{com['id']}/stats").status_code == 404
    st = world.accounts["street_admin"].api.get(f"/api/v1/units/{street_a}/stats").json()
    assert st["residents"] >= 6 and st["units"]["community"] >= 2
    assert s["access"] == {"places": "all", "people": "all"}
    # a mediator (unit.read, no place.read or resident.read) is told "not permitted", never a false 0
    med = world.account(com["id"], "mediator", prefix="stat_med")
    s = med.api.get(f"/api/v1/units/{com['id']}/stats").json()
    assert s["access"] == {"places": "not_permitted", "people": "not_permitted"}
    for key in ("buildings", "houses", "households", "residents", "migrants", "foreigners", "migrant_share",
                "separated", "party_members", "volunteers"):
        assert s[key] is None, (key, s)
    assert s["tags"] == [] and (s["units"], s["active_grids"]) == ({"grid": 2, "micro_grid": 1}, 2)
    # a mediator of the street who is also staff of this community: only that part of the street, and told so
    both = world.account(street_a, "mediator", grants=[("community", com["id"])], prefix="stat_part")
    s = both.api.get(f"/api/v1/units/{street_a}/stats").json()
    assert s["access"] == {"places": "part", "people": "part"}
    assert (s["buildings"], s["houses"], s["residents"]) == (3, 4, 6)
    # numbers follow the data
    resident(api, "新居民", unit_id=g2["id"], resident_type="migrant")
    s = admin.get(f"/api/v1/units/{com['id']}/stats").json()
    assert (s["residents"], s["migrants"], s["separated"]) == (7, 3, 5)


def test_stats_are_quick_on_a_few_thousand_rows(world):
    """Not a benchmark: a sanity bound that the counts are range scans, not per-row work in the server."""
    api = world.admin.api
    t = time.time()
    r = api.get(f"/api/v1/units/{world.units['root']}/stats")
    assert r.status_code == 200 and time.time() - t < 5
