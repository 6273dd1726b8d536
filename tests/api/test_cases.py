"""The case loop's intake, reading, boxes, export and public tracking (docs/cases.md), on SQLite and PostgreSQL
like every API test: every channel makes a routed case, numbers are unique and well formed, 随手办 writes its
whole timeline, duplicates are flagged both ways, visibility is by area, task and reporter, bad input names its
field and leaves nothing behind, and the public tracking page needs the right secret."""
import csv
import io
import re
import secrets
import zipfile

import requests

from casekit import (CODE, count, cw, wrong_code, expect_field, make_case, public_case, upload_photo,  # noqa: F401  (cw: fixture)
                     upload_public_photo)
from conftest import Server, add_root_admin, assert_clean_log, error_of

NUMBER = re.compile(r"GG\d{8}\d{6}")


def get_case(api, case_id, status=200):
    r = api.get(f"/api/v1/cases/{case_id}")
    assert r.status_code == status, r.text
    return r.json() if status == 200 else r


def events(api, case_id):
    r = api.get(f"/api/v1/cases/{case_id}/events")
    assert r.status_code == 200, r.text
    return r.json()["items"]


# ---- channels and routing ----

def test_walk_in_at_a_point_is_routed_to_its_grid_and_dispatched(cw):
    k = make_case(cw, reporter_name="张三丰", reporter_phone="13912345678", address="事件社区 3 号楼旁")
    assert NUMBER.fullmatch(k["number"]), k["number"]
    assert k["unit_id"] == cw.grid_a and k["owner_unit_id"] == cw.community
    assert k["state"] == "dispatched" and k["handler_unit"]["id"] == cw.grid_a
    assert k["channel"] == "walk_in" and k["category"]["code"] == "exposed_rubbish"
    assert re.fullmatch(CODE, k["secret"])
    assert k["reporter"] == {"name": "张**", "phone": "139****5678", "masked": True}
    assert k["limits"] == {"response_limit": 1, "response_unit": "working_hours", "handling_limit": 4,
                           "handling_unit": "working_hours"}
    assert k["due_at"] and k["yellow_at"] and k["response_due_at"] and k["registered_at"]
    assert k["yellow_at"] < k["due_at"] or k["yellow_at"] <= k["due_at"]
    assert k["remaining"]["clock"] == "handling" and k["remaining"]["mark"] in ("none", "yellow", "red")
    full = get_case(cw.api("dispatcher"), k["id"])
    assert [t["unit"]["id"] for t in full["tasks"]] == [cw.grid_a]
    assert full["tasks"][0]["role"] == "lead" and full["tasks"][0]["state"] == "open"
    assert "secret" not in full
    assert [e["action"] for e in events(cw.api("dispatcher"), k["id"])] == ["report", "register", "dispatch"]


def test_each_first_handler_kind_routes_its_own_way(cw):
    d = cw.api("dispatcher")
    grid = make_case(cw, point=cw.point_b)
    assert (grid["unit_id"], grid["state"], grid["owner_unit_id"]) == (cw.grid_b, "dispatched", cw.community)
    comm = make_case(cw, category_id=cw.category["community"])
    assert (comm["state"], comm["owner_unit_id"], comm["handler_unit"]) == ("registered", cw.community, None)
    disp = make_case(cw, category_id=cw.category["dispatcher"])
    assert (disp["state"], disp["owner_unit_id"]) == ("registered", cw.street)
    line = d.get("/api/v1/hotline-lines").json()["items"]
    hot = make_case(cw, channel="hotline", category_id=cw.category["dispatcher"], external_no="12345-0001",
                    reporter_name="李四", reporter_phone="0594-8251825")
    assert hot["state"] == "reported" and hot["external_no"] == "12345-0001" and hot["owner_unit_id"] == cw.street
    assert hot["due_at"] is None and hot["response_due_at"] and hot["remaining"]["clock"] == "response"
    assert isinstance(line, list)


def test_unit_and_house_routing(cw, world):
    k = make_case(cw, unit_id=cw.grid_b, category_id=cw.category["community"])
    assert k["unit_id"] == cw.grid_b and k["owner_unit_id"] == cw.community
    k = make_case(cw, unit_id=cw.community)
    assert k["unit_id"] == cw.community and k["state"] == "registered"  # no grid: the community dispatches
    gw = cw.api("grid_worker_b")
    b = gw.post("/api/v1/buildings", json={"grid_id": cw.grid_b, "name": "事件楼"}).json()
    h = gw.post(f"/api/v1/buildings/{b['id']}/houses", json={"room": "101"}).json()
    k = make_case(cw, place_id=h["id"])
    assert k["unit_id"] == cw.grid_b and k["place_id"] == h["id"]
    p = public_case(cw, qr_token=h["qr_token"])
    assert NUMBER.fullmatch(p["number"]) and p["secret"]
    assert int(world.server.sql(f"SELECT unit_id FROM case_item WHERE number = '{p['number']}'")[0][0]) == cw.grid_b


def test_patrol_defaults_to_the_workers_grid_and_handled_on_spot_writes_the_whole_timeline(cw):
    gw = cw.api("grid_worker_a")
    k = make_case(cw, api=gw, channel="patrol")
    assert k["unit_id"] == cw.grid_a and k["state"] == "dispatched"
    before = [upload_photo(gw, "before1.png"), upload_photo(gw, "before2.png", (0, 255, 0))]
    after = [upload_photo(gw, "after.png", (0, 0, 255))]
    k = make_case(cw, api=gw, channel="patrol", handled_on_spot=True, attachment_ids=before,
                  after_attachment_ids=after, note="已清理")
    assert k["state"] == "closed" and k["closed_at"] and k["handler_account_id"] == cw.account("grid_worker_a").id
    ev = events(gw, k["id"])
    assert [e["action"] for e in ev] == ["report", "register", "dispatch", "receive", "feedback", "verify_pass"]
    assert [(a["id"], a["role"]) for a in ev[0]["attachments"]] == [(before[0], "report"), (before[1], "report")]
    assert [(a["id"], a["role"]) for a in ev[4]["attachments"]] == [(after[0], "after")]
    assert ev[1]["attachments"] == []
    assert ev[4]["note"] == "已清理" and ev[-1]["to_state"] == "closed"
    assert get_case(gw, k["id"])["tasks"][0]["state"] == "reported"
    # only a patrol may be handled on the spot
    r = cw.api("dispatcher").post("/api/v1/cases", json={"channel": "walk_in", "category_id": cw.category["grid"],
                                                          "description": "x", "handled_on_spot": True, **cw.point_a})
    expect_field(r, 400, "handled_on_spot")


def test_numbers_are_unique_and_of_today(cw):
    nums = [make_case(cw)["number"] for _ in range(5)]
    assert len(set(nums)) == 5 and len({n[:10] for n in nums}) == 1
    serials = sorted(int(n[10:]) for n in nums)
    assert serials == list(range(serials[0], serials[0] + 5))


def test_numbers_stay_unique_when_created_at_once(cw):
    from concurrent.futures import ThreadPoolExecutor

    apis = [cw.api("dispatcher"), cw.api("community"), cw.api("grid_worker_a")]

    def one(i):
        api = apis[i % 3]
        body = {"channel": "patrol" if i % 3 == 2 else "walk_in", "category_id": cw.category["community"],
                "description": f"并发 {i}", **cw.point_a}
        r = api.post("/api/v1/cases", json=body)
        assert r.status_code == 201, r.text
        return r.json()["number"]

    with ThreadPoolExecutor(8) as pool:
        nums = list(pool.map(one, range(24)))
    assert len(set(nums)) == 24 and all(NUMBER.fullmatch(n) for n in nums)


def test_duplicates_are_flagged_both_ways(cw):
    near = {"lat": cw.point_a["lat"] + 0.0003, "lon": cw.point_a["lon"]}  # ~33 m north
    first = make_case(cw, category_id=cw.category["grid"], point={"lat": cw.point_a["lat"], "lon": cw.point_a["lon"] - 0.005})
    second = make_case(cw, category_id=cw.category["grid"],
                       point={"lat": cw.point_a["lat"] + 0.0003, "lon": cw.point_a["lon"] - 0.005})
    far = make_case(cw, category_id=cw.category["grid"], point={"lat": near["lat"] + 0.01, "lon": cw.point_a["lon"] - 0.005})
    d = cw.api("dispatcher")
    assert second["id"] in [x["id"] for x in get_case(d, first["id"])["possible_duplicates"]]
    assert first["id"] in [x["id"] for x in get_case(d, second["id"])["possible_duplicates"]]
    assert first["id"] not in [x["id"] for x in get_case(d, far["id"])["possible_duplicates"]]


# ---- visibility ----

def test_visibility_by_area_task_and_reporter(cw):
    a = make_case(cw, point=cw.point_a)
    b = make_case(cw, point=cw.point_b)
    gwa, gwb = cw.api("grid_worker_a"), cw.api("grid_worker_b")
    assert get_case(gwa, a["id"])["id"] == a["id"]
    assert "receive" in get_case(gwa, a["id"])["actions"]  # the grid's worker handles it (helper workflow's table)
    r = get_case(gwa, b["id"], 404)
    assert error_of(r)["code"] == "not_found"
    assert gwa.get(f"/api/v1/cases/{b['id']}/events").status_code == 404
    assert get_case(gwb, b["id"])["id"] == b["id"]
    # a department sees only what was dispatched to it (here: nothing yet)
    dept = cw.api("department")
    assert get_case(dept, a["id"], 404).status_code == 404
    assert dept.get("/api/v1/cases").json()["items"] == []
    # a task for the department (written as a dispatch would) makes it visible
    server = cw.world.server
    path = server.sql(f"SELECT path FROM unit WHERE id = {cw.department}")[0][0]
    server.sql(f"INSERT INTO case_task (case_id, unit_id, unit_path, role, state, created_at) "
               f"VALUES ({a['id']}, {cw.department}, '{path}', 'assist', 'open', 0)")
    assert get_case(dept, a["id"])["id"] == a["id"]
    assert [k["id"] for k in dept.get("/api/v1/cases").json()["items"]] == [a["id"]]
    assert [k["id"] for k in dept.get("/api/v1/cases", params={"box": "mine"}).json()["items"]] == [a["id"]]
    # the leader reads the county; the resident only their own
    assert get_case(cw.api("leader"), b["id"])["id"] == b["id"]
    assert get_case(cw.api("resident"), b["id"], 404).status_code == 404


def test_a_resident_reports_and_tracks(cw):
    res = cw.api("resident")
    p = public_case(cw, api=res, name="王五", phone="13800001111")
    mine = res.get("/api/v1/me/cases").json()["items"]
    assert [k["number"] for k in mine] == [p["number"]]
    k = get_case(res, mine[0]["id"])
    assert k["reporter_account_id"] == cw.account("resident").id and k["staff"] is False
    ev = events(res, k["id"])
    assert ev and all(e["public"] for e in ev) and "actor" not in ev[0]
    # tracking: right secret, wrong secret, unknown number
    url = cw.world.server.url(f"/api/v1/public/cases/{p['number']}")
    t = requests.get(url, params={"secret": p["secret"]}, timeout=30)
    assert t.status_code == 200, t.text
    body = t.json()
    assert body["number"] == p["number"] and body["state"] == "dispatched" and body["events"]
    assert "reporter" not in body and "secret" not in body
    wrong = requests.get(url, params={"secret": wrong_code(p["secret"])}, timeout=30)
    unknown = requests.get(cw.world.server.url("/api/v1/public/cases/GG20000101000001"),
                           params={"secret": p["secret"]}, timeout=30)
    assert wrong.status_code == unknown.status_code == 404
    # the code as people type it back: lower case, without the dash, with spaces
    typed = p["secret"].lower().replace("-", " ")
    assert requests.get(url, params={"secret": typed}, timeout=30).status_code == 200
    # nor does another case's code open this one
    other = public_case(cw)
    assert requests.get(url, params={"secret": other["secret"]}, timeout=30).status_code == 404
    assert error_of(wrong)["message"] == error_of(unknown)["message"]
    # anonymous, without a login, with photos uploaded under one upload token
    pid, token = upload_public_photo(cw.world.server)
    anon = public_case(cw, anonymous=True, attachment_ids=[pid], upload_token=token)
    assert anon["state"] == "dispatched"
    t = requests.get(cw.world.server.url(f"/api/v1/public/cases/{anon['number']}"), params={"secret": anon["secret"]},
                     timeout=30).json()
    assert [a["id"] for a in t["events"][0]["attachments"]] == [pid]
    # a token that did not upload it cannot claim it
    pid2, _ = upload_public_photo(cw.world.server)
    r = requests.post(cw.world.server.url("/api/v1/public/cases"),
                      json={"category_id": cw.category["grid"], "description": "x", "attachment_ids": [pid2],
                            "upload_token": token, **cw.point_a}, timeout=30)
    expect_field(r, 400, "attachment_ids", "not_yours")


def test_a_resident_may_pick_only_resident_selectable_categories(cw):
    api = cw.admin.api
    cid = cw.category["community"]
    k = api.get(f"/api/v1/categories/{cid}").json()
    r = api.patch(f"/api/v1/categories/{cid}", json={"resident_selectable": False, "version": k["version"]})
    assert r.status_code == 200, r.text
    try:
        r = requests.post(cw.world.server.url("/api/v1/public/cases"),
                          json={"category_id": cid, "description": "x", **cw.point_a}, timeout=30)
        expect_field(r, 400, "category_id", "not_resident_selectable")
        make_case(cw, category_id=cid)  # staff may
    finally:
        k = api.get(f"/api/v1/categories/{cid}").json()
        api.patch(f"/api/v1/categories/{cid}", json={"resident_selectable": None, "version": k["version"]})


def test_a_retired_category_is_refused(cw):
    api = cw.admin.api
    cid = cw.categories["family_dispute"]["id"]
    k = api.get(f"/api/v1/categories/{cid}").json()
    assert api.post(f"/api/v1/categories/{cid}/retire", json={"version": k["version"]}).status_code == 200
    try:
        r = cw.api("dispatcher").post("/api/v1/cases", json={"channel": "walk_in", "category_id": cid,
                                                              "description": "x", **cw.point_a})
        expect_field(r, 400, "category_id", "retired")
    finally:
        k = api.get(f"/api/v1/categories/{cid}").json()
        assert api.post(f"/api/v1/categories/{cid}/restore", json={"version": k["version"]}).status_code == 200


# ---- bad input ----

def test_bad_input_names_the_field_and_writes_nothing(cw):
    server = cw.world.server
    before = {t: count(server, t) for t in ("case_item", "case_event", "case_task", "case_duplicate")}
    d = cw.api("dispatcher")
    ok = {"channel": "walk_in", "category_id": cw.category["grid"], "description": "路边垃圾", **cw.point_a}

    def bad(field, reason=None, status=400, **change):
        body = {k: v for k, v in {**ok, **change}.items() if v is not None}
        return expect_field(d.post("/api/v1/cases", json=body), status, field, reason)

    bad("category_id", "required", category_id=None)
    bad("category_id", "not_found", category_id=999999)
    bad("description", "required", description=None)
    e = bad("description", "too_long", description="长" * 20000)
    assert e["params"]["max"] == 5000
    bad("location", "outside_grids", **cw.point_outside)
    bad("lat", None, lat=91)
    bad("lon", "required", lon=None)
    bad("reporter_phone", None, reporter_phone="12345")
    bad("attachment_ids", "too_many", attachment_ids=list(range(1, 11)))
    bad("attachment_ids[0]", None, attachment_ids=["a"])
    bad("attachment_ids", "not_yours", attachment_ids=[upload_photo(cw.api("grid_worker_b"))])
    bad("channel", None, channel="fax")
    bad("channel", None, channel="app")
    bad("unit_id", "not_found", lat=None, lon=None, unit_id=999999)
    bad("line_id", "not_found", channel="hotline", line_id=999999)
    bad("location", "required", lat=None, lon=None)
    # a grid worker may not report in another grid
    r = cw.api("grid_worker_a").post("/api/v1/cases", json={**ok, "channel": "patrol", **cw.point_b})
    assert r.status_code == 403, r.text
    after = {t: count(server, t) for t in before}
    assert after == before


def test_public_rate_limit(tmp_path):
    s = Server(tmp_path, fast_hash=True, extra_args=["--registration-max-per-address", "3"])
    s.start()
    try:
        cats = add_root_admin(s).api.get("/api/v1/categories").json()["items"]
        codes = []
        for _ in range(5):
            r = requests.post(s.url("/api/v1/public/cases"), json={"category_id": cats[0]["id"], "description": "x",
                                                                   "lat": 1.0, "lon": 1.0}, timeout=30)
            codes.append(r.status_code)
        assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429], codes
        assert error_of(r)["retry_after"] >= 1
    finally:
        s.stop()
        assert_clean_log(s.read_log())


# ---- boxes, filters, paging, export ----

def test_boxes_filters_and_cursor(cw):
    d = cw.api("dispatcher")
    comm = cw.api("community")
    tag = secrets.token_hex(3)
    made = [make_case(cw, description=f"分页 {tag} {i}", category_id=cw.category["community"]) for i in range(5)]
    ids = [k["id"] for k in made][::-1]
    # the community dispatches its registered cases; the street's dispatcher sees them too (owner in scope)
    box = [k["id"] for k in comm.get("/api/v1/cases", params={"box": "dispatch", "q": tag}).json()["items"]]
    assert box == ids
    page = d.get("/api/v1/cases", params={"q": tag, "limit": 2, "total": 1}).json()
    assert [k["id"] for k in page["items"]] == ids[:2] and page["total"] == 5 and page["next"] == str(ids[1])
    page2 = d.get("/api/v1/cases", params={"q": tag, "limit": 2, "after": page["next"]}).json()
    assert [k["id"] for k in page2["items"]] == ids[2:4]
    assert d.get("/api/v1/cases", params={"q": tag, "state": "dispatched"}).json()["items"] == []
    assert len(d.get("/api/v1/cases", params={"q": tag, "state": "registered", "channel": "walk_in"}).json()["items"]) == 5
    top = cw.categories["help"]["id"]  # 邻里纠纷 is under 求助 > 矛盾纠纷
    assert len(d.get("/api/v1/cases", params={"q": tag, "category_id": top}).json()["items"]) == 5
    assert d.get("/api/v1/cases", params={"q": tag, "unit_id": cw.grid_b}).json()["items"] == []
    assert len(d.get("/api/v1/cases", params={"q": tag, "unit_id": cw.community}).json()["items"]) == 5
    assert d.get("/api/v1/cases", params={"q": tag, "from": "2000-01-01", "to": "2000-01-02"}).json()["items"] == []
    # mine: the grid's open tasks
    g = make_case(cw, description=f"分页 {tag} grid")
    mine = [k["id"] for k in cw.api("grid_worker_a").get("/api/v1/cases", params={"box": "mine"}).json()["items"]]
    assert g["id"] in mine and not set(ids) & set(mine)
    for b in ("verify", "supervised", "overdue", "near_due", "all"):
        assert d.get("/api/v1/cases", params={"box": b}).status_code == 200
    expect_field(d.get("/api/v1/cases", params={"box": "nope"}), 400, "box")
    expect_field(d.get("/api/v1/cases", params={"state": "nope"}), 400, "state")
    expect_field(d.get("/api/v1/cases", params={"from": "2024-13-01"}), 400, "from")


def test_caller_phone_lookup_is_for_dispatchers(cw):
    phone = "1390000" + str(secrets.randbelow(9000) + 1000)
    k = make_case(cw, channel="hotline", category_id=cw.category["dispatcher"], reporter_phone=phone)
    d = cw.api("dispatcher")
    found = d.get("/api/v1/cases", params={"caller_phone": phone}).json()["items"]
    assert [x["id"] for x in found] == [k["id"]]
    assert cw.api("grid_worker_a").get("/api/v1/cases", params={"caller_phone": phone}).status_code == 403


def test_export_csv_and_xlsx(cw):
    tag = secrets.token_hex(3)
    k = make_case(cw, description=f"导出 {tag}", reporter_name="赵六", reporter_phone="13700001234")
    d = cw.api("dispatcher")
    r = d.get("/api/v1/cases/export", params={"format": "csv", "q": tag})
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "编号" and [x[0] for x in rows[1:]] == [k["number"]]
    assert "137****1234" in rows[1] and "13700001234" not in r.text
    r = d.get("/api/v1/cases/export", params={"format": "xlsx", "q": tag})
    assert r.status_code == 200 and zipfile.is_zipfile(io.BytesIO(r.content))
    # unmasked only with pii.read (the dispatcher has none; the community staff has)
    assert d.get("/api/v1/cases/export", params={"format": "csv", "q": tag, "reveal": 1}).status_code == 403
    r = cw.api("community").get("/api/v1/cases/export", params={"format": "csv", "q": tag, "reveal": 1})
    assert r.status_code == 200 and "13700001234" in r.content.decode("utf-8-sig")
    audit = cw.admin.api.get("/api/v1/audit", params={"action": "pii.export", "limit": 5}).json()["items"]
    assert any(a["object_type"] == "case" and a["detail"]["unmasked"] == 1 for a in audit), audit


def test_reveal_reporter_contact_needs_pii_read_and_is_audited(cw):
    k = make_case(cw, reporter_name="钱七", reporter_phone="13600004321")
    assert cw.api("dispatcher").get(f"/api/v1/cases/{k['id']}", params={"reveal": "phone"}).status_code == 403
    r = cw.api("community").get(f"/api/v1/cases/{k['id']}", params={"reveal": "phone"})
    assert r.status_code == 200 and r.json()["reporter"] == {"name": "钱七", "phone": "13600004321", "masked": False}
    audit = cw.admin.api.get("/api/v1/audit", params={"action": "pii.read", "limit": 5}).json()["items"]
    assert any(a["object_type"] == "case" and a["object_id"] == str(k["id"]) for a in audit)


# ---- hotline lines ----

def test_hotline_lines(cw):
    api = cw.admin.api
    r = api.post("/api/v1/hotline-lines", json={"name": "12345 政务服务便民热线", "number": "12345",
                                                 "unit_id": cw.world.units["county"]})
    assert r.status_code == 201, r.text
    line = r.json()
    assert line["retired"] is False and line["version"] == 1
    assert cw.api("dispatcher").post("/api/v1/hotline-lines", json={"name": "x", "number": "1",
                                                                     "unit_id": cw.street}).status_code == 403
    k = make_case(cw, channel="hotline", line_id=line["id"], external_no="A-1", category_id=cw.category["dispatcher"])
    assert k["line"] == {"id": line["id"], "name": "12345 政务服务便民热线"}
    r = api.patch(f"/api/v1/hotline-lines/{line['id']}", json={"retired": True, "version": 1})
    assert r.status_code == 200 and r.json()["retired"] is True
    assert line["id"] not in [x["id"] for x in api.get("/api/v1/hotline-lines").json()["items"]]
    expect_field(cw.api("dispatcher").post("/api/v1/cases", json={
        "channel": "hotline", "line_id": line["id"], "category_id": cw.category["dispatcher"], "description": "x",
        **cw.point_a}), 400, "line_id", "not_found")
