"""GET /api/v1/public/categories — what a resident may pick on the public report page without a login
(src/api/cases/public_categories.c): the same nodes as GET /categories?resident=1, names only."""
import requests

from casekit import cw  # noqa: F401  (fixture)


def public_categories(cw):
    r = requests.get(cw.world.server.url("/api/v1/public/categories"), timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_without_a_login_the_resident_selectable_tree_with_names_only(cw):
    items = public_categories(cw)
    staff = cw.admin.api.get("/api/v1/categories", params={"resident": 1}).json()["items"]
    assert [x["id"] for x in items] == [x["id"] for x in staff]
    assert items and set(items[0]) == {"id", "parent_id", "code", "name", "name_en", "depth"}
    ids = {x["id"] for x in items}
    assert all(x["parent_id"] is None or x["parent_id"] in ids for x in items), "a node after its parent"


def test_a_category_residents_may_not_pick_is_left_out(cw):
    api = cw.admin.api
    cid = cw.category["community"]
    assert cid in {x["id"] for x in public_categories(cw)}
    k = api.get(f"/api/v1/categories/{cid}").json()
    r = api.patch(f"/api/v1/categories/{cid}", json={"resident_selectable": False, "version": k["version"]})
    assert r.status_code == 200, r.text
    try:
        assert cid not in {x["id"] for x in public_categories(cw)}
    finally:
        k = api.get(f"/api/v1/categories/{cid}").json()
        api.patch(f"/api/v1/categories/{cid}", json={"resident_selectable": None, "version": k["version"]})
