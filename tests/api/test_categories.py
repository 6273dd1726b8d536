"""Matter categories (事项分类): the seeded catalogue, inherited policies, frozen versions, validation,
access and audit, retire/restore and what residents may pick."""
import secrets

from placekit import audit_since, expect_error, last_seq

FULL = {"response_limit": 2, "response_unit": "working_hours", "handling_limit": 5, "handling_unit": "working_days",
        "first_handler": "grid", "priority": "normal", "resident_selectable": True}


def code():
    return "t_" + secrets.token_hex(4)


def tree(api, **params):
    r = api.get("/api/v1/categories", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def by_code(items, c):
    return next(i for i in items if i["code"] == c)


def make(api, parent_id=None, **fields):
    body = dict(fields, code=fields.get("code") or code(), name=fields.get("name", "测试分类"))
    if parent_id:
        body["parent_id"] = parent_id
    r = api.post("/api/v1/categories", json=body)
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"/api/v1/categories/{r.json()['id']}"
    return r.json()


def test_seeded_catalogue_has_the_12345_limits_and_inherits_them(world):
    items = tree(world.accounts["grid_worker"].api)  # everyone logged in may read the catalogue
    limits = {c: (by_code(items, c)["effective"]["handling_limit"], by_code(items, c)["effective"]["handling_unit"])
              for c in ("consultation", "help", "complaint", "exposed_rubbish")}
    assert limits == {"consultation": (2, "working_days"), "help": (10, "working_days"),
                      "complaint": (15, "working_days"), "exposed_rubbish": (4, "working_hours")}
    assert {by_code(items, c)["name"] for c in ("city_appearance", "street_vending", "manhole_cover",
                                                  "neighbour_dispute", "fire_lane_blocked")} == \
        {"市容环境", "占道经营", "井盖缺损", "邻里纠纷", "消防通道堵塞"}
    rubbish = by_code(items, "exposed_rubbish")
    assert rubbish["own"]["first_handler"] is None
    assert rubbish["effective"]["first_handler"] == "grid"
    assert rubbish["effective_from"]["first_handler"]["name"] == "投诉"
    assert rubbish["effective_from"]["first_handler"]["inherited"] is True
    assert rubbish["effective"]["department_kind"] == "城管"
    assert rubbish["effective_from"]["department_kind"]["name"] == "市容环境"
    assert rubbish["effective_from"]["handling_limit"]["id"] == rubbish["id"]
    assert rubbish["effective_from"]["handling_limit"]["inherited"] is False
    # street vending takes its limits from 街面秩序 (4 working hours), its closing condition is its own
    vending = by_code(items, "street_vending")
    assert (vending["effective"]["handling_limit"], vending["effective"]["handling_unit"]) == (4, "working_hours")
    assert vending["effective_from"]["handling_limit"]["name"] == "街面秩序"
    # depth first: every node comes after its parent, and every node has a complete effective policy
    seen = set()
    for i in items:
        assert i["parent_id"] is None or i["parent_id"] in seen, i
        seen.add(i["id"])
        for f in FULL:
            assert i["effective"][f] is not None, (i["code"], f)
        assert i["policy_version"]["seq"] >= 1


def test_policy_edits_write_versions_and_never_change_an_old_one(world):
    admin = world.admin.api
    top = make(admin, **FULL)
    child = make(admin, parent_id=top["id"], name="子项")
    assert child["effective"]["handling_limit"] == 5 and child["effective_from"]["handling_limit"]["id"] == top["id"]
    frozen = child["policy_version"]
    assert frozen["seq"] == 1

    r = admin.patch(f"/api/v1/categories/{top['id']}", json={"handling_limit": 8, "version": top["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == top["version"] + 1
    after = admin.get(f"/api/v1/categories/{child['id']}").json()
    assert after["effective"]["handling_limit"] == 8
    assert after["policy_version"]["seq"] == 2 and after["policy_version"]["id"] != frozen["id"]
    versions = admin.get(f"/api/v1/categories/{child['id']}/versions").json()["items"]
    assert [(v["seq"], v["policy"]["handling_limit"]) for v in versions] == [(2, 8), (1, 5)]
    assert versions[1]["id"] == frozen["id"]

    # a child that sets its own limit no longer follows the parent; a name change writes no version
    r = admin.patch(f"/api/v1/categories/{child['id']}",
                    json={"handling_limit": 3, "handling_unit": "working_days", "version": after["version"]})
    assert r.status_code == 200, r.text
    child2 = r.json()
    assert child2["own"]["handling_limit"] == 3 and child2["effective_from"]["handling_limit"]["inherited"] is False
    r = admin.patch(f"/api/v1/categories/{top['id']}",
                    json={"handling_limit": 9, "name": "改名", "version": top["version"] + 1})
    assert r.status_code == 200, r.text
    child3 = admin.get(f"/api/v1/categories/{child['id']}").json()
    assert child3["effective"]["handling_limit"] == 3 and child3["policy_version"] == child2["policy_version"]
    # clearing the own limit (null) inherits again
    r = admin.patch(f"/api/v1/categories/{child['id']}",
                    json={"handling_limit": None, "handling_unit": None, "version": child3["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["effective"]["handling_limit"] == 9 and r.json()["policy_version"]["seq"] == 4


def test_bad_input_is_a_400_naming_the_field(world):
    admin = world.admin.api
    post = lambda **b: admin.post("/api/v1/categories", json=dict({"code": code(), "name": "x"}, **b))
    expect_error(post(**dict(FULL, response_unit="hours")), 400, "response_unit")
    expect_error(post(**dict(FULL, first_handler="mayor")), 400, "first_handler")
    expect_error(post(**dict(FULL, priority="now")), 400, "priority")
    expect_error(post(**dict(FULL, handling_limit=0)), 400, "handling_limit")
    expect_error(post(**dict(FULL, handling_limit=300, handling_unit="working_hours")), 400, "handling_limit")
    expect_error(post(**dict(FULL, handling_limit=121)), 400, "handling_limit")
    expect_error(post(**dict(FULL, response_limit=6, response_unit="working_days")), 400, "response_limit")
    expect_error(post(**{k: v for k, v in FULL.items() if k != "handling_unit"}), 400, "handling_unit")
    expect_error(post(**{k: v for k, v in FULL.items() if k != "priority"}), 400, "priority")
    expect_error(post(**dict(FULL, code="Bad Code")), 400, "code")
    expect_error(admin.post("/api/v1/categories", json={"code": code()}), 400, "name")
    expect_error(post(parent_id=987654321), 400, "parent_id")
    top = make(admin, **FULL)
    child = make(admin, parent_id=top["id"], name="下级" + secrets.token_hex(2))
    expect_error(post(parent_id=top["id"], code=child["code"]), 400, "code")
    # no cycles: a node cannot move under itself or below itself
    for parent in (top["id"], child["id"]):
        expect_error(admin.patch(f"/api/v1/categories/{top['id']}", json={"parent_id": parent, "version": 1}),
                     400, "parent_id")
    # a node moved to the top must then set the whole policy itself
    expect_error(admin.patch(f"/api/v1/categories/{child['id']}", json={"parent_id": None, "version": 1}),
                 400, "response_limit")
    expect_error(admin.patch(f"/api/v1/categories/{top['id']}", json={"priority": None, "version": 1}),
                 400, "priority")
    # an edit above a node must not leave the node with a response limit longer than its handling limit
    r = admin.patch(f"/api/v1/categories/{child['id']}",
                    json={"response_limit": 3, "response_unit": "working_days", "version": 1})
    assert r.status_code == 200, r.text
    err = expect_error(admin.patch(f"/api/v1/categories/{top['id']}",
                                   json={"handling_limit": 2, "version": 1}), 400, "response_limit")
    assert child["name"] in err["message"]
    assert admin.get(f"/api/v1/categories/{top['id']}").json()["effective"]["handling_limit"] == 5  # rolled back
    r = admin.patch(f"/api/v1/categories/{top['id']}", json={"name": "新名", "version": 1})
    assert r.status_code == 200, r.text
    expect_error(admin.patch(f"/api/v1/categories/{top['id']}", json={"name": "旧", "version": 1}), 409, "version")
    assert admin.get("/api/v1/categories/987654321").status_code == 404
    assert admin.get("/api/v1/categories/987654321/versions").status_code == 404
    expect_error(admin.get("/api/v1/categories", params={"resident": "2"}), 400, "resident")


def test_only_settings_managers_write_and_every_write_is_audited(world):
    admin = world.admin.api
    seq = last_seq(world)
    top = make(admin, **FULL)
    for who in ("street_admin", "grid_worker", "dispatcher"):
        api = world.accounts[who].api
        assert api.post("/api/v1/categories", json=dict(FULL, code=code(), name="x")).status_code == 403, who
        assert api.patch(f"/api/v1/categories/{top['id']}", json={"name": "x", "version": 1}).status_code == 403
        assert api.post(f"/api/v1/categories/{top['id']}/retire", json={"version": 1}).status_code == 403
    r = admin.patch(f"/api/v1/categories/{top['id']}", json={"handling_limit": 6, "version": 1})
    assert r.status_code == 200
    assert admin.post(f"/api/v1/categories/{top['id']}/retire", json={"version": 2}).status_code == 200
    assert admin.post(f"/api/v1/categories/{top['id']}/restore", json={"version": 3}).status_code == 200
    rows = [a for a in audit_since(world, seq) if a["object_type"] == "category" and a["object_id"] == str(top["id"])]
    assert [a["action"] for a in rows] == ["category.create", "category.update", "category.retire",
                                           "category.restore"]


def test_retired_subtrees_and_what_residents_may_pick(world):
    admin = world.admin.api
    top = make(admin, **FULL)
    open_child = make(admin, parent_id=top["id"])
    staff_only = make(admin, parent_id=top["id"], resident_selectable=False)
    picks = {i["id"] for i in tree(world.accounts["resident"].api, resident=1)}
    assert {top["id"], open_child["id"]} <= picks and staff_only["id"] not in picks
    assert by_code(tree(admin), "complaint")["id"] in picks

    r = admin.post(f"/api/v1/categories/{top['id']}/retire", json={"version": 1})
    assert r.status_code == 200 and r.json()["retired"] is True
    picks = {i["id"] for i in tree(admin, resident=1)}
    assert top["id"] not in picks and open_child["id"] not in picks
    c = by_code(tree(admin), open_child["code"])
    assert c["retired"] is True and c["retired_at"] is None  # retired with its parent
    expect_error(admin.post(f"/api/v1/categories/{top['id']}/retire", json={"version": 2}), 409, None)
    expect_error(admin.post("/api/v1/categories", json={"code": code(), "name": "x", "parent_id": top["id"]}),
                 409, "parent_id")
    r = admin.post(f"/api/v1/categories/{open_child['id']}/retire", json={"version": 1})
    assert r.status_code == 200
    expect_error(admin.post(f"/api/v1/categories/{open_child['id']}/restore", json={"version": 2}), 409,
                 "parent_id")
    assert admin.post(f"/api/v1/categories/{top['id']}/restore", json={"version": 2}).status_code == 200
    assert admin.post(f"/api/v1/categories/{open_child['id']}/restore", json={"version": 2}).status_code == 200
    assert open_child["id"] in {i["id"] for i in tree(admin, resident=1)}
