"""Staff notifications (docs/api.md "Notifications"): written with the case step that causes them — a
dispatch tells the handling unit's staff, a return the owner unit's, a supervision the handler — listed,
counted, marked read one by one or all at once, and only by their own account."""
from conftest import bearer
from livekit import act, category, dispatched


def kinds(api, unread=False):
    r = api.get("/api/v1/notifications" + ("?unread=1" if unread else ""))
    assert r.status_code == 200, r.text
    return r.json()["items"]


def count(api):
    r = api.get("/api/v1/notifications/count")
    assert r.status_code == 200, r.text
    return r.json()["unread"]


def test_dispatch_return_and_read(server, world):
    a = world.accounts
    dept = a["department"].api
    disp = a["dispatcher"].api
    cat = category(world.admin.api)
    before = count(dept)
    k = dispatched(disp, cat, world.units["grid_a"], world.units["dept_a"])
    items = kinds(dept, unread=True)
    mine = [n for n in items if n["case_id"] == k["id"]]
    assert [n["kind"] for n in mine] == ["new_task"], items
    n = mine[0]
    assert n["params"]["number"] == k["number"] and n["params"]["action"] == "dispatch"
    assert n["read_at"] is None and n["created_at"]
    assert count(dept) == before + 1
    # the actor is never told of its own step; an outsider is not told at all
    assert not [x for x in kinds(disp) if x["case_id"] == k["id"]]
    assert not [x for x in kinds(a["grid_worker"].api) if x["case_id"] == k["id"]]

    # another's notification is missing to the caller
    r = disp.post(f"/api/v1/notifications/{n['id']}/read")
    assert r.status_code == 404, r.text
    r = dept.post(f"/api/v1/notifications/{n['id']}/read")
    assert r.status_code == 200 and r.json()["unread"] == before, r.text
    assert count(dept) == before
    assert kinds(dept)[0]["read_at"] is not None
    r = dept.post(f"/api/v1/notifications/{n['id']}/read")  # twice: still fine
    assert r.status_code == 200

    # the handler returns it: the dispatcher's unit is told
    d = dept.get(f"/api/v1/cases/{k['id']}").json()
    act(dept, d, "return", reason="不属于本单位职责")
    got = [x for x in kinds(disp, unread=True) if x["case_id"] == k["id"]]
    assert [x["kind"] for x in got] == ["returned"]
    r = disp.post("/api/v1/notifications/read-all")
    assert r.status_code == 200 and r.json()["unread"] == 0
    assert count(disp) == 0 and kinds(disp, unread=True) == []


def test_supervise_tells_the_handler_and_paging(server, world):
    a = world.accounts
    dept, disp = a["department"].api, a["dispatcher"].api
    cat = category(world.admin.api)
    k = dispatched(disp, cat, world.units["grid_a"], world.units["dept_a"])
    d = act(dept, dept.get(f"/api/v1/cases/{k['id']}").json(), "receive")
    act(disp, disp.get(f"/api/v1/cases/{k['id']}").json(), "supervise", note="请加快办理")
    got = [x["kind"] for x in kinds(dept) if x["case_id"] == k["id"]]
    assert got[0] == "supervised" and "new_task" in got, got
    # cursor paging: newest first, after= the last id of a page
    r = dept.get("/api/v1/notifications?limit=1")
    page = r.json()
    assert len(page["items"]) == 1 and page["next"]
    r2 = dept.get(f"/api/v1/notifications?limit=1&after={page['next']}")
    assert r2.json()["items"][0]["id"] < page["items"][0]["id"]
    assert d["state"] == "in_progress"


def test_needs_a_session(server):
    import requests
    assert requests.get(server.url("/api/v1/notifications"), timeout=5).status_code == 401
    assert requests.get(server.url("/api/v1/stream"), timeout=5).status_code == 401


def test_an_unsatisfied_rating_tells_the_owner_unit(server, world):
    import requests
    from livekit import new_case
    a = world.accounts
    dept, disp = a["department"].api, a["dispatcher"].api
    cat = category(world.admin.api)
    k0 = new_case(disp, cat, world.units["grid_a"])
    secret = k0["secret"]
    k = act(disp, k0, "accept")
    k = act(disp, k, "register")
    k = act(disp, k, "dispatch", unit_id=world.units["dept_a"], note="请处置")
    k = act(dept, dept.get(f"/api/v1/cases/{k['id']}").json(), "receive")
    k = act(dept, k, "feedback", note="已处理")
    k = act(disp, disp.get(f"/api/v1/cases/{k['id']}").json(), "verify_pass")
    r = requests.post(server.url(f"/api/v1/public/cases/{k['number']}/rate"),
                      json={"secret": secret, "rating": "unsatisfied", "comment": "没有修好"}, timeout=10)
    assert r.status_code == 200, r.text
    got = [x["kind"] for x in kinds(disp) if x["case_id"] == k["id"]]
    assert got == ["rated"], got
