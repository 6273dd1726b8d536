"""Household visits (入户走访, docs/visits.md; domain/visits/visit.c, api/visits/visits.c): recording one with
photos and whom was met, scope (404 across grids), bad input naming the field, an Idempotency-Key replay making
one, the author's correction within 24 hours, 转为事件 (a patrol case from the needs), the coverage figure and
the 待走访 list on hand-made data."""
import datetime
import secrets

from casekit import cw, expect_field, upload_photo  # noqa: F401  (cw: the module's fixture)
from conftest import error_of
from placekit import building, house, household, id_number, resident

CST = datetime.timezone(datetime.timedelta(hours=8))


def at(days_ago=0.0, hours_ago=0.0):
    t = datetime.datetime.now(CST) - datetime.timedelta(days=days_ago, hours=hours_ago)
    return t.replace(microsecond=0).isoformat()


def home(api, grid, room=None, name="王秀兰", tags=None):
    """A house in grid with one household whose head is a new resident: (house, household, resident)."""
    b = building(api, grid, f"走访楼{secrets.token_hex(2)}")
    h = house(api, b["id"], room or str(100 + secrets.randbelow(800)))
    body = {"unit_id": grid, "id_number": id_number(birth="1948-03-02", gender="female")}
    if tags:
        body["tags"] = tags
    p = resident(api, name, **body)
    k = household(api, h["id"], p["id"])
    return h, k, p


def visit(api, status=201, key=None, **body):
    body.setdefault("kind", "routine")
    body.setdefault("met", True)
    headers = {"Idempotency-Key": key} if key else {}
    r = api.post("/api/v1/visits", json=body, headers=headers)
    assert r.status_code == status, r.text
    return r.json()


def test_record_a_visit_with_photos_and_read_it_back(cw):
    gw = cw.api("grid_worker_a")
    h, k, p = home(gw, cw.grid_a, tags=["elderly_alone"])
    photos = [upload_photo(gw, "门口.png"), upload_photo(gw, "室内.png", color=(0, 255, 0))]
    r = gw.post("/api/v1/visits", json={
        "household_id": k["id"], "kind": "special_care", "met": True, "met_resident_ids": [p["id"]],
        "visited_at": at(hours_ago=2), "findings": "老人身体尚好，\n独自居住，冰箱里有菜。",
        "needs": "希望有人每周上门量血压", "attachment_ids": photos})
    assert r.status_code == 201, r.text
    v = r.json()
    assert r.headers["Location"] == f"/api/v1/visits/{v['id']}"
    assert v["house"]["id"] == h["id"] and v["household"]["id"] == k["id"] and v["household"]["head_name"] == "王秀兰"
    assert v["grid"]["id"] == cw.grid_a and v["account"]["id"] == cw.account("grid_worker_a").id
    assert v["kind"] == "special_care" and v["met"] is True
    assert v["met_residents"] == [{"id": p["id"], "name": "王秀兰"}]
    assert v["findings"] == "老人身体尚好，\n独自居住，冰箱里有菜。" and v["needs"] == "希望有人每周上门量血压"
    assert sorted(x["id"] for x in v["photos"]) == sorted(photos) and v["case"] is None
    assert v["visited_at"].endswith("+08:00")
    # the same through GET, the household's history and the filtered list
    assert gw.get(f"/api/v1/visits/{v['id']}").json() == v
    hist = gw.get(f"/api/v1/households/{k['id']}/visits").json()["items"]
    assert [x["id"] for x in hist] == [v["id"]]
    assert [x["id"] for x in gw.get("/api/v1/visits", params={"house_id": h["id"]}).json()["items"]] == [v["id"]]
    assert gw.get("/api/v1/visits", params={"house_id": h["id"], "kind": "policy"}).json()["items"] == []
    # the photos are the visit's now: its readers see them
    comm = cw.api("community")
    assert comm.get(f"/api/v1/attachments/{photos[0]}").status_code == 200
    # the findings are stored encrypted
    raw = cw.world.server.sql(f"SELECT findings_enc FROM visit WHERE id = {v['id']}")[0][0]
    assert "血压" not in raw and "独自" not in raw


def test_nobody_home_is_a_visit_of_the_house(cw):
    gw = cw.api("grid_worker_a")
    h, k, _ = home(gw, cw.grid_a)
    v = visit(gw, house_id=h["id"], met=False, findings="敲门无人应答，留了联系卡")
    assert v["household"] is None and v["house"]["id"] == h["id"] and v["met"] is False
    # a house with a household named must be the household's house
    other, _, _ = home(gw, cw.grid_a)
    expect_field(gw.post("/api/v1/visits", json={"house_id": other["id"], "household_id": k["id"],
                                                 "kind": "routine", "met": True}), 400, "house_id", "not_in_house")


def test_scope_other_grids_get_404(cw):
    gw = cw.api("grid_worker_a")
    h, k, p = home(gw, cw.grid_a)
    v = visit(gw, household_id=k["id"], attachment_ids=[upload_photo(gw)])
    photo = v["photos"][0]["id"]
    other = cw.api("grid_worker_b")
    r = other.get(f"/api/v1/visits/{v['id']}")
    assert r.status_code == 404 and str(k["id"]) not in r.text
    assert other.get(f"/api/v1/households/{k['id']}/visits").status_code == 404
    assert other.get(f"/api/v1/attachments/{photo}").status_code == 404
    assert v["id"] not in [x["id"] for x in other.get("/api/v1/visits", params={"limit": 200}).json()["items"]]
    assert other.patch(f"/api/v1/visits/{v['id']}", json={"version": 1, "findings": "x"}).status_code == 404
    expect_field(other.post("/api/v1/visits", json={"household_id": k["id"], "kind": "routine", "met": True}),
                 400, "household_id", "not_found")
    expect_field(other.post("/api/v1/visits", json={"house_id": h["id"], "kind": "routine", "met": True}),
                 400, "house_id", "not_found")
    # the community and the street see their area's; the leader reads but may not record one
    for role in ("community", "dispatcher", "leader"):
        assert cw.api(role).get(f"/api/v1/visits/{v['id']}").status_code == 200, role
    assert cw.api("leader").post("/api/v1/visits", json={"household_id": k["id"], "kind": "routine",
                                                         "met": True}).status_code == 403
    assert cw.api("resident").get(f"/api/v1/visits/{v['id']}").status_code == 404


def test_bad_input_names_the_field(cw):
    gw = cw.api("grid_worker_a")
    h, k, p = home(gw, cw.grid_a)
    _, k2, p2 = home(gw, cw.grid_a)
    base = {"household_id": k["id"], "kind": "routine", "met": True}
    cases = [
        ({"kind": None}, "kind"),
        ({"kind": "chat"}, "kind"),
        ({"met": None}, "met"),
        ({"met": "yes"}, "met"),
        ({"household_id": None}, "household_id"),
        ({"household_id": "abc"}, "household_id"),
        ({"findings": "很" * 2001}, "findings"),
        ({"needs": "要" * 2001}, "needs"),
        ({"findings": "bell\x07"}, "findings"),
        ({"visited_at": "yesterday"}, "visited_at"),
        ({"visited_at": "2026-02-30T10:00:00+08:00"}, "visited_at"),
        ({"visited_at": at(days_ago=-1)}, "visited_at"),
        ({"visited_at": at(days_ago=45)}, "visited_at"),
        ({"met_resident_ids": [p2["id"]]}, "met_resident_ids[0]"),
        ({"met_resident_ids": [p["id"], p["id"]]}, "met_resident_ids"),
        ({"met": False, "met_resident_ids": [p["id"]]}, "met_resident_ids"),
        ({"met_resident_ids": "x"}, "met_resident_ids"),
        ({"attachment_ids": list(range(1, 11))}, "attachment_ids"),
        ({"attachment_ids": [0]}, "attachment_ids[0]"),
    ]
    for change, field in cases:
        body = {**base, **change}
        body = {key: val for key, val in body.items() if val is not None}
        r = gw.post("/api/v1/visits", json=body)
        assert 400 <= r.status_code < 500, (change, r.status_code, r.text)
        assert error_of(r)["field"] == field, (change, r.text)
    # nothing was kept
    assert gw.get(f"/api/v1/households/{k['id']}/visits").json()["items"] == []
    # the exact limit is fine
    assert visit(gw, **{**base, "findings": "很" * 2000})["findings"] == "很" * 2000


def test_idempotent_replay_makes_one_visit(cw):
    gw = cw.api("grid_worker_a")
    _, k, _ = home(gw, cw.grid_a)
    key = secrets.token_hex(16)
    photo = upload_photo(gw)
    body = {"household_id": k["id"], "kind": "policy", "met": True, "findings": "宣传医保", "attachment_ids": [photo],
            "visited_at": at(hours_ago=5)}
    r1 = gw.post("/api/v1/visits", json=body, headers={"Idempotency-Key": key})
    r2 = gw.post("/api/v1/visits", json=body, headers={"Idempotency-Key": key})
    assert r1.status_code == 201 and r2.status_code == 201, (r1.text, r2.text)
    assert r2.headers.get("Idempotent-Replayed") == "true"
    assert r1.json()["id"] == r2.json()["id"]
    assert len(gw.get(f"/api/v1/households/{k['id']}/visits").json()["items"]) == 1
    # a photo is claimed once: another visit cannot take it
    expect_field(gw.post("/api/v1/visits", json={**body, "visited_at": at()}), 400, "attachment_ids", "not_yours")
    # someone else's upload is not yours either
    theirs = upload_photo(cw.api("community"))
    expect_field(gw.post("/api/v1/visits", json={"household_id": k["id"], "kind": "routine", "met": True,
                                                 "attachment_ids": [theirs]}), 400, "attachment_ids", "not_yours")


def test_author_corrects_within_24_hours_only(cw):
    gw = cw.api("grid_worker_a")
    _, k, p = home(gw, cw.grid_a)
    v = visit(gw, household_id=k["id"], findings="初记")
    r = gw.patch(f"/api/v1/visits/{v['id']}", json={"version": 1, "findings": "更正后的记录", "kind": "safety",
                                                   "met_resident_ids": [p["id"]]})
    assert r.status_code == 200, r.text
    c = r.json()
    assert c["findings"] == "更正后的记录" and c["kind"] == "safety" and c["version"] == 2
    assert [m["id"] for m in c["met_residents"]] == [p["id"]]
    expect_field(gw.patch(f"/api/v1/visits/{v['id']}", json={"version": 1, "findings": "x"}), 409, "version")
    r = cw.api("community").patch(f"/api/v1/visits/{v['id']}", json={"version": 2, "findings": "别人改"})
    assert r.status_code == 403 and error_of(r)["reason"] == "author_only"
    # a day later the record stands
    cw.world.server.sql(f"UPDATE visit SET created_at = created_at - 90000000 WHERE id = {v['id']}")
    r = gw.patch(f"/api/v1/visits/{v['id']}", json={"version": 2, "findings": "再改"})
    assert r.status_code == 409 and error_of(r)["reason"] == "correction_closed"
    assert gw.get(f"/api/v1/visits/{v['id']}").json()["findings"] == "更正后的记录"


def test_a_need_becomes_a_patrol_case(cw):
    gw = cw.api("grid_worker_a")
    h, k, _ = home(gw, cw.grid_a)
    v = visit(gw, household_id=k["id"], needs="楼道灯坏了三个月，希望修理")
    r = gw.post(f"/api/v1/visits/{v['id']}/case", json={"category_id": cw.category["grid"]})
    assert r.status_code == 201, r.text
    linked = r.json()["case"]
    assert linked and linked["number"]
    c = gw.get(f"/api/v1/cases/{linked['id']}").json()
    assert c["channel"] == "patrol" and c["description"] == "楼道灯坏了三个月，希望修理"
    assert c["number"] == linked["number"]
    # once only
    r = gw.post(f"/api/v1/visits/{v['id']}/case", json={"category_id": cw.category["grid"]})
    assert r.status_code == 409 and error_of(r)["reason"] == "already_converted"
    # a visit without needs needs a description
    plain = visit(gw, household_id=k["id"])
    expect_field(gw.post(f"/api/v1/visits/{plain['id']}/case", json={"category_id": cw.category["grid"]}),
                 400, "description", "required")
    expect_field(gw.post(f"/api/v1/visits/{plain['id']}/case", json={}), 400, "category_id")
    # another grid's worker cannot reach it
    assert cw.api("grid_worker_b").post(f"/api/v1/visits/{plain['id']}/case",
                                        json={"category_id": cw.category["grid"],
                                              "description": "x"}).status_code == 404


def test_coverage_and_due_list_on_hand_made_data(cw):
    world = cw.world
    tag = secrets.token_hex(2)
    street_key = next(key for key, val in world.units.items() if val == cw.street)
    comm = world.unit(f"visit_comm_{tag}", street_key, "community", f"走访社区{tag}")
    gx = world.unit(f"visit_gx_{tag}", f"visit_comm_{tag}", "grid", f"走访社区{tag}第一网格")
    gy = world.unit(f"visit_gy_{tag}", f"visit_comm_{tag}", "grid", f"走访社区{tag}第二网格")
    wx = world.account(gx, "grid_worker", prefix="vgwx").api
    wy = world.account(gy, "grid_worker", prefix="vgwy").api
    staff = world.account(comm, "community", prefix="vcomm").api
    # grid X: four households, grid Y: one
    xs = [home(wx, gx, tags=["elderly_alone"] if i == 3 else None) for i in range(4)]
    alone_y = home(wy, gy, tags=["disabled"])
    # this period: X's households 0 (twice) and 1; before it: X's household 2; Y's none
    visit(wx, household_id=xs[0][1]["id"], visited_at=at(hours_ago=1))
    visit(wx, household_id=xs[0][1]["id"], visited_at=at(hours_ago=0.5))
    visit(wx, household_id=xs[1][1]["id"], met=False)
    visit(wx, household_id=xs[2][1]["id"], visited_at=at(days_ago=3))
    today = datetime.datetime.now(CST).date()
    period = {"unit_id": comm, "from": (today - datetime.timedelta(days=1)).isoformat(), "to": today.isoformat()}
    r = staff.get("/api/v1/visits/coverage", params=period)
    assert r.status_code == 200, r.text
    c = r.json()
    # expected by hand: 2 of 5 households visited → 0.4; grid X 2 of 4 → 0.5; grid Y 0 of 1 → 0
    assert (c["households"], c["visited"], c["share"]) == (5, 2, 0.4)
    by = {g["id"]: (g["households"], g["visited"], g["share"]) for g in c["grids"]}
    assert by == {gx: (4, 2, 0.5), gy: (1, 0, 0.0)}
    # the default period is this quarter: the visit three days ago counts unless the quarter began since
    q = staff.get("/api/v1/visits/coverage", params={"unit_id": comm}).json()
    first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    assert q["visited"] == (3 if today - datetime.timedelta(days=3) >= first else 2)
    # a grid worker's figure is their grid's
    r = wy.get("/api/v1/visits/coverage", params={k: v for k, v in period.items() if k != "unit_id"})
    assert r.status_code == 200 and r.json()["households"] == 1, r.text
    assert wy.get("/api/v1/visits/coverage", params={"unit_id": gx}).status_code == 404
    expect_field(staff.get("/api/v1/visits/coverage", params={"unit_id": comm, "from": "2026-13-01"}), 400, "from")
    # 待走访: special-group households not visited in 30 days — X's elderly (never) and Y's disabled (never)
    r = staff.get("/api/v1/visits/due", params={"unit_id": comm})
    assert r.status_code == 200, r.text
    due = r.json()
    assert sorted(d["household_id"] for d in due["items"]) == sorted([xs[3][1]["id"], alone_y[1]["id"]])
    assert due["total"] == 2
    tags = {d["household_id"]: d["tags"] for d in due["items"]}
    assert tags[xs[3][1]["id"]] == "独居老人" and tags[alone_y[1]["id"]] == "残疾人"
    assert all(d["last_visited_at"] is None for d in due["items"])
    # a visit takes the household off the list
    visit(wy, household_id=alone_y[1]["id"], kind="special_care")
    due = staff.get("/api/v1/visits/due", params={"unit_id": comm}).json()
    assert [d["household_id"] for d in due["items"]] == [xs[3][1]["id"]]
    # filters of the list: the grid, the account, the period
    assert len(staff.get("/api/v1/visits", params={"grid_id": gx}).json()["items"]) == 4
    assert len(staff.get("/api/v1/visits", params={"grid_id": gy}).json()["items"]) == 1
    r = staff.get("/api/v1/visits", params=dict(period, unit_id=comm))
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 4
    expect_field(staff.get("/api/v1/visits", params={"kind": "chat"}), 400, "kind")


def test_list_pages_with_the_cursor_and_visits_are_audited(cw):
    gw = cw.api("grid_worker_a")
    _, k, _ = home(gw, cw.grid_a)
    made = [visit(gw, household_id=k["id"], kind=kind)["id"] for kind in ("routine", "policy", "safety")]
    first = gw.get(f"/api/v1/households/{k['id']}/visits", params={"limit": 2}).json()
    assert [v["id"] for v in first["items"]] == made[::-1][:2] and first["next"]
    rest = gw.get(f"/api/v1/households/{k['id']}/visits", params={"limit": 2, "after": first["next"]}).json()
    assert [v["id"] for v in rest["items"]] == [made[0]] and rest["next"] is None
    rows = cw.admin.api.get("/api/v1/audit", params={"action": "visit.create", "limit": 50}).json()["items"]
    assert {str(i) for i in made} <= {r["object_id"] for r in rows if r["object_type"] == "visit"}
