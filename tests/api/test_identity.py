"""Identity and access (issue 4): roles granted at units, scope, escalation, login throttling, CSRF,
sessions, personal data, validation.  Drives the real binary; every assertion is on what a user of the
API sees (status, body, headers) or on what is left in the database.

Most tests share the session server and its `world` (conftest.World): a unit tree
province > city > county > streets A and B > communities > grids, and one account per role.
Tests that count failed logins per client address, or stop the server, get a server of their own.
"""
import hashlib
import os
import secrets
import statistics
import subprocess
import time

import pytest
import requests
from requests.adapters import HTTPAdapter

from conftest import (IS_PG, OWN_PASSWORD, ROOT_PASSWORD, ROOT_USER, TEMP_PASSWORD, Api, Server, add_root_admin,
                      assert_clean_log, bearer, child_code, error_of, login)

ROLES = {
    "admin", "dispatcher", "department", "grid_worker", "community", "mediator", "centre", "petition",
    "counsellor", "assessor", "leader", "resident",
}


def last_seq(world):
    """The newest audit sequence number, as the root administrator sees it."""
    items = world.admin.api.get("/api/v1/audit?limit=1").json()["items"]
    return items[0]["seq"] if items else 0


def audit_since(world, seq, **filters):
    """Audit rows newer than seq (all pages), oldest first, optionally filtered (action=, account_id=)."""
    rows, before = [], 0
    while True:
        params = dict(filters, limit=200)
        if before:
            params["before"] = before
        r = world.admin.api.get("/api/v1/audit", params=params)
        assert r.status_code == 200, r.text
        page = [i for i in r.json()["items"] if i["seq"] > seq]
        rows += page
        if not r.json()["next"] or len(page) < len(r.json()["items"]):
            break
        before = int(r.json()["next"])
    return sorted(rows, key=lambda i: i["seq"])


def grants_of(world, account_id):
    r = world.admin.api.get(f"/api/v1/accounts/{account_id}")
    assert r.status_code == 200, r.text
    return [(g["role"], g["unit_id"]) for g in r.json()["grants"]]


def version_of(world, account_id):
    return world.admin.api.get(f"/api/v1/accounts/{account_id}").json()["version"]


def all_account_ids(api, **params):
    """Every account id a caller's GET /accounts returns, following the cursor."""
    ids, after = [], None
    while True:
        q = dict(params, limit=2)
        if after:
            q["after"] = after
        r = api.get("/api/v1/accounts", params=q)
        assert r.status_code == 200, r.text
        ids += [a["id"] for a in r.json()["items"]]
        after = r.json()["next"]
        if not after:
            return ids


# ---------------------------------------------------------------------------------------------------------
# 1. The role × endpoint matrix (docs/api.md).  Each role acts from its unit; the object of the account
#    endpoints is `target` (an account of grid A with no role), the unit endpoints use grid A.
#    403: in scope, but the role may not do it.  404: outside the role's scope (existence not revealed).
# ---------------------------------------------------------------------------------------------------------

ENDPOINTS = ("GET /me", "GET /roles", "GET /accounts", "POST /accounts", "PATCH /accounts/{target}",
             "POST /accounts/{target}/grants", "GET /audit", "GET /units/{grid_a}", "POST /units")
MATRIX = {
    # role          (home / grant)      me  roles list create patch grant audit unit  unit-new
    "admin":        (200, 200, 200, 201, 200, 201, 200, 200, 201),  # admin at the root
    "street_admin": (200, 200, 200, 201, 200, 201, 200, 200, 201),  # admin at street A
    "dispatcher":   (200, 200, 200, 403, 403, 403, 403, 200, 403),  # street A
    "department":   (200, 200, 200, 404, 404, 404, 403, 200, 403),  # home dept A, role at street A
    "grid_worker":  (200, 200, 200, 404, 404, 404, 403, 200, 403),  # grid A
    "community":    (200, 200, 200, 403, 403, 403, 403, 200, 403),  # community A1
    "mediator":     (200, 200, 200, 404, 404, 404, 403, 200, 403),  # street A
    "leader":       (200, 200, 200, 403, 403, 403, 403, 200, 403),  # county
    "resident":     (200, 200, 200, 404, 404, 404, 403, 404, 404),  # grid A
}
# who finds `target` in GET /accounts (account.read over grid A); the others get a list without it
SEES_TARGET_IN_LIST = {"admin", "street_admin", "dispatcher", "community", "leader"}


def call_endpoint(world, role, endpoint):
    """Make the request; for a success also check the body; return the response."""
    me = world.accounts[role]
    api = me.api
    target = world.accounts["target"]
    grid_a = world.units["grid_a"]
    if endpoint == "GET /me":
        r = api.get("/api/v1/me")
        if r.ok:
            body = r.json()
            assert body["id"] == me.id and body["username"] == me.username
            assert body["must_change_password"] is False
            assert body["grants"] and {g["role"] for g in body["grants"]} <= ROLES
            assert isinstance(body["permissions"], list)
            assert "csrf_token" not in body  # Bearer session
    elif endpoint == "GET /roles":
        r = api.get("/api/v1/roles")
        if r.ok:
            items = r.json()["items"]
            assert {i["code"] for i in items} == ROLES
            assert all(i["name"] and i["name_en"] and isinstance(i["permissions"], list) for i in items)
    elif endpoint == "GET /accounts":
        r = api.get("/api/v1/accounts", params={"limit": 200})
        if r.ok:
            ids = {a["id"] for a in r.json()["items"]}
            assert (target.id in ids) == (role in SEES_TARGET_IN_LIST), (role, ids)
    elif endpoint == "POST /accounts":
        username = f"m_{role}_{secrets.token_hex(3)}"
        r = api.post("/api/v1/accounts", json={"username": username, "display_name": "矩阵测试",
                                               "password": TEMP_PASSWORD, "home_unit_id": grid_a})
        if r.ok:
            body = r.json()
            assert body["username"] == username and body["home_unit"]["id"] == grid_a
            assert body["must_change_password"] is True and body["status"] == "active"
            assert r.headers["Location"] == f"/api/v1/accounts/{body['id']}"
            assert "password" not in body and "password_hash" not in body
        else:
            # nothing was created
            assert all_account_ids(world.admin.api, q=username) == []
    elif endpoint == "PATCH /accounts/{target}":
        new_name = f"改名 {role}"
        r = api.patch(f"/api/v1/accounts/{target.id}",
                      json={"display_name": new_name, "version": version_of(world, target.id)})
        if r.ok:
            assert r.json()["display_name"] == new_name and r.json()["id"] == target.id
        else:
            assert world.admin.api.get(f"/api/v1/accounts/{target.id}").json()["display_name"] != new_name
    elif endpoint == "POST /accounts/{target}/grants":
        r = api.post(f"/api/v1/accounts/{target.id}/grants", json={"role": "grid_worker", "unit_id": grid_a})
        if r.ok:
            body = r.json()
            assert body["account_id"] == target.id and body["role"] == "grid_worker" and body["unit_id"] == grid_a
            assert ("grid_worker", grid_a) in grants_of(world, target.id)
            # and the same caller can take it back (so the next row of the matrix starts clean)
            d = api.delete(f"/api/v1/accounts/{target.id}/grants/{body['id']}")
            assert d.status_code == 204, d.text
        assert grants_of(world, target.id) == []
    elif endpoint == "GET /audit":
        r = api.get("/api/v1/audit?limit=5")
        if r.ok:
            items = r.json()["items"]
            assert items and all({"seq", "at", "action", "unit_id", "detail"} <= set(i) for i in items)
    elif endpoint == "GET /units/{grid_a}":
        r = api.get(f"/api/v1/units/{grid_a}")
        if r.ok:
            body = r.json()
            assert body["id"] == grid_a and body["level"] == "grid"
            assert body["parent_id"] == world.units["community_a1"]
    elif endpoint == "POST /units":
        code = child_code(world.admin.api, grid_a, "micro_grid")
        r = api.post("/api/v1/units", json={"parent_id": grid_a, "level": "micro_grid", "code": code,
                                            "name": f"微网格 {role}"})
        if r.ok:
            body = r.json()
            assert body["code"] == code and body["parent_id"] == grid_a and body["level"] == "micro_grid"
            assert r.headers["Location"] == f"/api/v1/units/{body['id']}"
    else:
        raise AssertionError(endpoint)
    return r


@pytest.mark.parametrize("role,endpoint,expected", [
    pytest.param(role, ep, row[i], id=f"{role}-{ep}-{row[i]}")
    for role, row in MATRIX.items() for i, ep in enumerate(ENDPOINTS)])
def test_role_matrix(world, role, endpoint, expected):
    r = call_endpoint(world, role, endpoint)
    assert r.status_code == expected, f"{role} {endpoint}: {r.status_code} {r.text}"
    if expected == 403:
        assert error_of(r)["code"] == "forbidden"
    elif expected == 404:
        err = error_of(r)
        assert err["code"] == "not_found"
        if endpoint == "POST /accounts":
            assert err["field"] == "home_unit_id"
        elif endpoint == "POST /units":
            assert err["field"] == "parent_id"


def test_every_role_has_its_documented_permissions(world):
    roles = {i["code"]: set(i["permissions"]) for i in world.admin.api.get("/api/v1/roles").json()["items"]}
    assert {"grant.manage", "audit.read", "account.manage", "unit.manage", "pii.read"} <= roles["admin"]
    assert roles["resident"] == {"case.report_own", "legal.book_own"}
    assert "pii.read" in roles["grid_worker"] and "account.read" not in roles["grid_worker"]
    assert "pii.read" not in roles["dispatcher"] and "account.read" in roles["dispatcher"]
    assert {"account.read", "participation.manage"} <= roles["community"]
    write = {p for p in roles["leader"] if not p.endswith(".read")}
    assert write == set(), f"leader is read-only but has {write}"
    for role, perms in roles.items():
        if role != "admin":
            assert "grant.manage" not in perms and "audit.read" not in perms, role
    # /me lists exactly the permissions of the caller's roles
    me = world.accounts["community"].api.get("/api/v1/me").json()
    assert set(me["permissions"]) == roles["community"]
    assert [(g["role"], g["unit_id"], g["role_name"]) for g in me["grants"]] == \
        [("community", world.units["community_a1"], "社区工作者")]


def test_new_account_must_change_password_first(world):
    username = f"fresh_{secrets.token_hex(3)}"
    r = world.admin.api.post("/api/v1/accounts", json={"username": username, "display_name": "新人",
                                                       "password": TEMP_PASSWORD,
                                                       "home_unit_id": world.units["grid_a"],
                                                       "role": "grid_worker"})
    assert r.status_code == 201
    r = login(world.server, username, TEMP_PASSWORD)
    assert r.status_code == 200 and r.json()["account"]["must_change_password"] is True
    api = Api(world.server, r.json()["token"])
    # only /me, /me/password and logout answer until the password is changed
    assert api.get("/api/v1/me").status_code == 200
    for method, path in [("GET", "/api/v1/roles"), ("GET", "/api/v1/accounts"),
                         ("GET", f"/api/v1/units/{world.units['grid_a']}")]:
        refused = api.request(method, path)
        assert refused.status_code == 403 and error_of(refused)["code"] == "password_change_required"
    # the policy applies to the new password
    for bad, why in [("short-1A", "at least 10"), ("alllowercaseletters", "three of"),
                     (f"X-{username}-99", "user name"), (TEMP_PASSWORD, "differ")]:
        r = api.post("/api/v1/me/password", json={"current_password": TEMP_PASSWORD, "new_password": bad})
        assert r.status_code == 400, bad
        assert error_of(r)["field"] == "new_password" and why in error_of(r)["message"]
    r = api.post("/api/v1/me/password", json={"current_password": "Wrong-Pass-2026", "new_password": OWN_PASSWORD})
    assert r.status_code == 400 and error_of(r)["field"] == "current_password"
    r = api.post("/api/v1/me/password", json={"current_password": TEMP_PASSWORD, "new_password": OWN_PASSWORD})
    assert r.status_code == 204
    assert api.get("/api/v1/roles").status_code == 200  # the same session goes on
    assert login(world.server, username, TEMP_PASSWORD).status_code == 401
    assert login(world.server, username, OWN_PASSWORD).json()["account"]["must_change_password"] is False


def test_admin_can_give_a_resident_the_resident_role(world):
    # an administrator holds every permission a resident has (reporting for anyone includes reporting one's
    # own), so setting up a resident's account is not an escalation
    res = world.accounts["resident"]
    assert grants_of(world, res.id) == [("resident", world.units["grid_a"])]
    assert world.accounts["resident"].api.get("/api/v1/me").json()["permissions"] == ["case.report_own", "legal.book_own"]


# ---------------------------------------------------------------------------------------------------------
# 2. Scope: a role covers its unit's subtree and nothing else; outside it objects answer 404, like objects
#    that do not exist, so their existence does not leak.
# ---------------------------------------------------------------------------------------------------------

def same_404(r_hidden, r_missing, hidden_id, missing_id):
    """Hidden and missing objects get the same answer (modulo the id the caller sent)."""
    assert r_hidden.status_code == r_missing.status_code == 404
    assert error_of(r_hidden) == {**error_of(r_missing),
                                  "message": error_of(r_missing)["message"].replace(str(missing_id), str(hidden_id))}


def test_grid_worker_gets_404_for_the_neighbouring_grid(world):
    gw = world.accounts["grid_worker"].api
    grid_a, grid_b = world.units["grid_a"], world.units["grid_b"]
    missing = 987654321
    assert gw.get(f"/api/v1/units/{grid_a}").status_code == 200
    same_404(gw.get(f"/api/v1/units/{grid_b}"), gw.get(f"/api/v1/units/{missing}"), grid_b, missing)
    # children: of its own grid yes, of grid B 404 (not an empty list)
    assert gw.get(f"/api/v1/units/{grid_a}/children").status_code == 200
    same_404(gw.get(f"/api/v1/units/{grid_b}/children"), gw.get(f"/api/v1/units/{missing}/children"),
             grid_b, missing)
    # the community above is not its scope either, and children of it are not listed
    assert gw.get(f"/api/v1/units/{world.units['community_a1']}/children").status_code == 404
    # an account homed in grid B
    gw_b = world.accounts["grid_worker_b"]
    same_404(gw.get(f"/api/v1/accounts/{gw_b.id}"), gw.get(f"/api/v1/accounts/{missing}"), gw_b.id, missing)
    assert gw_b.id not in all_account_ids(gw)
    # while its own account is always readable
    r = gw.get(f"/api/v1/accounts/{world.accounts['grid_worker'].id}")
    assert r.status_code == 200 and r.json()["username"] == world.accounts["grid_worker"].username
    # and grid B's worker is in the same position the other way round
    assert gw_b.api.get(f"/api/v1/units/{grid_a}").status_code == 404
    assert gw_b.api.get(f"/api/v1/units/{grid_b}").status_code == 200


def test_community_staff_sees_its_community_only(world):
    cs = world.accounts["community"].api
    assert cs.get(f"/api/v1/accounts/{world.accounts['grid_worker_b'].id}").status_code == 200
    r = cs.get(f"/api/v1/accounts/{world.accounts['resident_street_b'].id}")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    kids = cs.get(f"/api/v1/units/{world.units['community_a1']}/children").json()["items"]
    assert {u["id"] for u in kids} >= {world.units["grid_a"], world.units["grid_b"]}
    assert cs.get(f"/api/v1/units/{world.units['street_a']}").status_code == 404


def test_street_dispatcher_sees_nothing_of_the_next_street(world):
    d = world.accounts["dispatcher"].api
    for key in ("street_b", "community_b1", "grid_b1", "county"):
        r = d.get(f"/api/v1/units/{world.units[key]}")
        assert r.status_code == 404 and error_of(r)["code"] == "not_found", key
        assert d.get(f"/api/v1/units/{world.units[key]}/children").status_code == 404
    kids = {u["id"] for u in d.get(f"/api/v1/units/{world.units['street_a']}/children").json()["items"]}
    assert world.units["community_a1"] in kids and world.units["dept_a"] in kids
    assert not kids & world.street_b_units
    # account list: street A's people, none of street B's
    ids = set(all_account_ids(d))
    a = world.accounts
    assert {a[k].id for k in ("grid_worker", "grid_worker_b", "community", "target", "resident")} <= ids
    assert a["dispatcher_street_b"].id not in ids and a["resident_street_b"].id not in ids
    assert a["leader"].id not in ids and a["admin"].id not in ids  # homed above the street
    r = d.get("/api/v1/accounts", params={"q": a["dispatcher_street_b"].username, "total": 1})
    assert r.json() == {"items": [], "next": None, "total": 0}
    r = d.get("/api/v1/accounts", params={"total": 1, "limit": 200})
    assert r.json()["total"] == len(r.json()["items"]) == len(ids)
    r = d.get(f"/api/v1/accounts/{a['dispatcher_street_b'].id}")
    assert r.status_code == 404
    # the leader of the county sees both streets
    ids = set(all_account_ids(a["leader"].api))
    assert a["dispatcher_street_b"].id in ids and a["grid_worker"].id in ids


def test_street_auditor_reads_only_its_streets_audit_rows(world):
    # make sure street B has fresh rows (an account created there, a login there)
    world.account("community_b1", "community", prefix="b_staff")
    sa = world.accounts["street_admin"].api
    seen_units, before = set(), 0
    while True:
        r = sa.get("/api/v1/audit", params={"limit": 200, **({"before": before} if before else {})})
        assert r.status_code == 200, r.text
        seen_units |= {i["unit_id"] for i in r.json()["items"]}
        if not r.json()["next"]:
            break
        before = int(r.json()["next"])
    assert None not in seen_units, "rows without a unit are for auditors at the root"
    assert world.street_a_units & seen_units
    assert not seen_units & world.street_b_units
    # not vacuous: the root administrator does see street B's rows
    root_units = {i["unit_id"] for i in world.admin.api.get("/api/v1/audit?limit=200").json()["items"]}
    assert root_units & world.street_b_units
    # everything the street admin saw is inside street A (walk up from each unit to the street)
    for uid in seen_units:
        while uid not in (world.units["street_a"], world.units["root"]):
            uid = world.admin.api.get(f"/api/v1/units/{uid}").json()["parent_id"]
        assert uid == world.units["street_a"]


# ---------------------------------------------------------------------------------------------------------
# 3. Privilege escalation fails, and every refused attempt is on the audit log.
# ---------------------------------------------------------------------------------------------------------

def assert_denied(world, seq, action, actor, object_id, status):
    rows = audit_since(world, seq, action=action, account_id=actor.id)
    assert len(rows) == 1, rows
    row = rows[0]
    assert row["username"] == actor.username and row["client_ip"] == "127.0.0.1"
    assert row["object_type"] == "account" and row["object_id"] == str(object_id)
    assert row["detail"]["status"] == status and row["detail"]["refused"]


def test_street_admin_cannot_make_itself_admin_at_the_root(world):
    sa = world.accounts["street_admin"]
    seq = last_seq(world)
    r = sa.api.post(f"/api/v1/accounts/{sa.id}/grants", json={"role": "admin", "unit_id": world.units["root"]})
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found" and error_of(r)["field"] == "unit_id"
    assert grants_of(world, sa.id) == [("admin", world.units["street_a"])]
    assert [g["unit_id"] for g in sa.api.get("/api/v1/me").json()["grants"]] == [world.units["street_a"]]
    assert_denied(world, seq, "grant.denied", sa, sa.id, 404)
    # nor at the county above its street
    seq = last_seq(world)
    r = sa.api.post(f"/api/v1/accounts/{sa.id}/grants", json={"role": "admin", "unit_id": world.units["county"]})
    assert r.status_code == 404 and error_of(r)["field"] == "unit_id"
    assert_denied(world, seq, "grant.denied", sa, sa.id, 404)


def test_street_admin_cannot_grant_in_the_next_street(world):
    sa = world.accounts["street_admin"]
    target = world.accounts["target"]
    seq = last_seq(world)
    # a role at a unit of street B for an account of street A
    r = sa.api.post(f"/api/v1/accounts/{target.id}/grants",
                    json={"role": "grid_worker", "unit_id": world.units["grid_b1"]})
    assert r.status_code == 404 and error_of(r)["field"] == "unit_id"
    assert_denied(world, seq, "grant.denied", sa, target.id, 404)
    # a role in street A for an account of street B
    other = world.accounts["resident_street_b"]
    seq = last_seq(world)
    r = sa.api.post(f"/api/v1/accounts/{other.id}/grants",
                    json={"role": "grid_worker", "unit_id": world.units["grid_a"]})
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    assert_denied(world, seq, "grant.denied", sa, other.id, 404)
    assert grants_of(world, target.id) == [] and grants_of(world, other.id) == [("resident", world.units["grid_b1"])]


def test_admin_at_a_street_who_can_see_the_county_still_cannot_grant_there(world):
    # admin at street A and leader (read-only) at the county: the county is visible, so the answer is 403
    sal = world.account("street_a", "admin", grants=[("leader", "county")], prefix="sa_leader")
    target = world.accounts["target"]
    seq = last_seq(world)
    r = sal.api.post(f"/api/v1/accounts/{target.id}/grants",
                     json={"role": "leader", "unit_id": world.units["county"]})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert_denied(world, seq, "grant.denied", sal, target.id, 403)
    # and cannot upgrade its own leader grant to admin at the county
    seq = last_seq(world)
    r = sal.api.post(f"/api/v1/accounts/{sal.id}/grants", json={"role": "admin", "unit_id": world.units["county"]})
    assert r.status_code == 403
    assert_denied(world, seq, "grant.denied", sal, sal.id, 403)
    assert sorted(grants_of(world, sal.id)) == sorted([("admin", world.units["street_a"]),
                                                       ("leader", world.units["county"])])
    # nor remove a grant made at the county (the leader's own one)
    gid = [g["id"] for g in sal.api.get("/api/v1/me").json()["grants"] if g["role"] == "leader"][0]
    seq = last_seq(world)
    r = sal.api.delete(f"/api/v1/accounts/{sal.id}/grants/{gid}")
    assert r.status_code == 403
    assert_denied(world, seq, "grant.remove.denied", sal, sal.id, 403)
    # within its street it may grant
    r = sal.api.post(f"/api/v1/accounts/{target.id}/grants", json={"role": "leader", "unit_id": world.units["grid_a"]})
    assert r.status_code == 201
    assert sal.api.delete(f"/api/v1/accounts/{target.id}/grants/{r.json()['id']}").status_code == 204


def test_district_admin_cannot_take_over_an_account_that_also_holds_a_role_above_the_district(world):
    """An account homed in 下陆区 that is also administrator at the root: an administrator of 下陆区 reads it,
    but may not reset its password, disable, rename or unlock it, nor touch its roles — each a 403 that names
    the account and nothing of the root, and audited.  The root administrator still may."""
    county_admin = world.account("county", "admin", prefix="county_admin")
    big = world.account("county", grants=[("admin", "root")], prefix="big")
    root = world.admin.api.get(f"/api/v1/units/{world.units['root']}").json()
    before = world.admin.api.get(f"/api/v1/accounts/{big.id}").json()
    seen = county_admin.api.get(f"/api/v1/accounts/{big.id}")
    assert seen.status_code == 200 and seen.json()["may"] == {"manage": False, "grant": False}
    # the grant above the district shows its role, not its unit (outside the county administrator's scope)
    assert [(g["role"], g["unit_id"], g["unit_name"], g["outside_scope"]) for g in seen.json()["grants"]] == \
        [("admin", None, None, True)]
    assert root["name"] not in seen.text and root["code"] not in seen.text
    assert [(g["unit_id"], g["outside_scope"]) for g in world.admin.api.get(f"/api/v1/accounts/{big.id}").json()["grants"]] == \
        [(world.units["root"], False)]
    assert world.admin.api.get(f"/api/v1/accounts/{big.id}").json()["may"] == {"manage": True, "grant": True}

    def refused(r, action):
        seq_rows = audit_since(world, seq, action=action, account_id=county_admin.id)
        assert r.status_code == 403, r.text
        err = error_of(r)
        assert err["code"] == "forbidden" and big.username in err["message"], err
        assert root["name"] not in err["message"] and root["code"] not in err["message"], err
        assert len(seq_rows) == 1 and seq_rows[0]["object_id"] == str(big.id), seq_rows

    attempts = [
        ("account.password.denied", lambda: county_admin.api.post(f"/api/v1/accounts/{big.id}/password",
                                                                  json={"password": "Taken-Over-2026!"})),
        ("account.update.denied", lambda: county_admin.api.patch(f"/api/v1/accounts/{big.id}",
                                                                 json={"status": "disabled", "version": before["version"]})),
        ("account.update.denied", lambda: county_admin.api.patch(f"/api/v1/accounts/{big.id}",
                                                                 json={"display_name": "hijacked", "version": before["version"]})),
        ("account.unlock.denied", lambda: county_admin.api.post(f"/api/v1/accounts/{big.id}/unlock")),
        ("grant.denied", lambda: county_admin.api.post(f"/api/v1/accounts/{big.id}/grants",
                                                       json={"role": "leader", "unit_id": world.units["county"]})),
    ]
    for action, attempt in attempts:
        seq = last_seq(world)
        refused(attempt(), action)
    # an in-district grant of the account cannot be removed either (the root one is out of reach anyway)
    g = world.admin.api.post(f"/api/v1/accounts/{big.id}/grants", json={"role": "leader", "unit_id": world.units["county"]})
    assert g.status_code == 201, g.text
    before = world.admin.api.get(f"/api/v1/accounts/{big.id}").json()
    seq = last_seq(world)
    refused(county_admin.api.delete(f"/api/v1/accounts/{big.id}/grants/{g.json()['id']}"), "grant.remove.denied")
    assert world.admin.api.get(f"/api/v1/accounts/{big.id}").json() == before
    assert login(world.server, big.username, "Taken-Over-2026!").status_code == 401
    assert big.api.get("/api/v1/me").status_code == 200  # not disabled, its session not ended
    # the district administrator keeps every power over an account wholly inside the district
    plain = world.account("county", "leader", prefix="plain")
    assert county_admin.api.get(f"/api/v1/accounts/{plain.id}").json()["may"] == {"manage": True, "grant": True}
    r = county_admin.api.post(f"/api/v1/accounts/{plain.id}/password", json={"password": "Reset-By-County-26!"})
    assert r.status_code == 204, r.text
    # and the root administrator over the big one
    r = world.admin.api.post(f"/api/v1/accounts/{big.id}/password", json={"password": "Reset-By-Root-2026!"})
    assert r.status_code == 204, r.text


def test_community_staff_cannot_grant_anything(world):
    cs = world.accounts["community"]
    seq = last_seq(world)
    for account, role in [(world.accounts["target"], "resident"), (cs, "community"), (cs, "admin")]:
        r = cs.api.post(f"/api/v1/accounts/{account.id}/grants",
                        json={"role": role, "unit_id": world.units["community_a1"]})
        assert r.status_code == 403 and error_of(r)["code"] == "forbidden", r.text
    rows = audit_since(world, seq, action="grant.denied", account_id=cs.id)
    assert [r["object_id"] for r in rows] == [str(world.accounts["target"].id), str(cs.id), str(cs.id)]
    assert grants_of(world, cs.id) == [("community", world.units["community_a1"])]
    # nor create accounts in its community
    seq = last_seq(world)
    r = cs.api.post("/api/v1/accounts", json={"username": f"by_cs_{secrets.token_hex(3)}", "display_name": "x",
                                              "password": TEMP_PASSWORD, "home_unit_id": world.units["grid_a"]})
    assert r.status_code == 403
    rows = audit_since(world, seq, action="account.create.denied", account_id=cs.id)
    assert len(rows) == 1 and rows[0]["detail"]["status"] == 403


def test_editing_an_account_of_another_unit_is_404_and_audited(world):
    sa = world.accounts["street_admin"]
    other = world.accounts["dispatcher_street_b"]
    before = world.admin.api.get(f"/api/v1/accounts/{other.id}").json()
    seq = last_seq(world)
    r = sa.api.patch(f"/api/v1/accounts/{other.id}", json={"display_name": "hijacked", "version": before["version"]})
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    assert_denied(world, seq, "account.update.denied", sa, other.id, 404)
    seq = last_seq(world)
    r = sa.api.patch(f"/api/v1/accounts/{other.id}", json={"status": "disabled", "version": before["version"]})
    assert r.status_code == 404
    assert_denied(world, seq, "account.update.denied", sa, other.id, 404)
    seq = last_seq(world)
    r = sa.api.post(f"/api/v1/accounts/{other.id}/password", json={"password": "Taken-Over-2026!"})
    assert r.status_code == 404
    assert_denied(world, seq, "account.password.denied", sa, other.id, 404)
    after = world.admin.api.get(f"/api/v1/accounts/{other.id}").json()
    assert after == before
    assert login(world.server, other.username, "Taken-Over-2026!").status_code == 401
    assert other.api.get("/api/v1/me").status_code == 200  # its session was not ended either


def test_editing_with_read_but_not_manage_is_403_and_audited(world):
    d = world.accounts["dispatcher"]  # account.read over street A, no account.manage
    target = world.accounts["grid_worker_b"]
    before = world.admin.api.get(f"/api/v1/accounts/{target.id}").json()
    assert d.api.get(f"/api/v1/accounts/{target.id}").status_code == 200
    seq = last_seq(world)
    r = d.api.patch(f"/api/v1/accounts/{target.id}", json={"display_name": "x", "version": before["version"]})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert_denied(world, seq, "account.update.denied", d, target.id, 403)
    seq = last_seq(world)
    r = d.api.post(f"/api/v1/accounts/{target.id}/password", json={"password": "Taken-Over-2026!"})
    assert r.status_code == 403
    assert_denied(world, seq, "account.password.denied", d, target.id, 403)
    assert world.admin.api.get(f"/api/v1/accounts/{target.id}").json() == before


def test_people_may_edit_their_own_name_and_phone_but_not_their_status(world):
    me = world.account("grid_a", "grid_worker", prefix="selfedit")
    v = version_of(world, me.id)
    r = me.api.patch(f"/api/v1/accounts/{me.id}", json={"display_name": "王小明", "phone": "13912340000",
                                                         "version": v})
    assert r.status_code == 200 and r.json()["display_name"] == "王小明" and r.json()["phone"] == "139****0000"
    r = me.api.patch(f"/api/v1/accounts/{me.id}", json={"status": "disabled", "version": v + 1})
    assert r.status_code == 403
    # an administrator cannot disable itself (it would lock itself out)
    admin = world.admin
    r = admin.api.patch(f"/api/v1/accounts/{admin.id}",
                        json={"status": "disabled", "version": version_of(world, admin.id)})
    assert r.status_code == 400 and error_of(r)["field"] == "status"
    # stale version
    r = me.api.patch(f"/api/v1/accounts/{me.id}", json={"display_name": "again", "version": v})
    assert r.status_code == 409 and error_of(r)["code"] == "version_conflict" and error_of(r)["field"] == "version"


# ---------------------------------------------------------------------------------------------------------
# 4. Brute force: per-account lockout after 5 failures, per-address lockout after 50.  Own servers: the
#    address counter is shared by every test that logs in from 127.0.0.1.
# ---------------------------------------------------------------------------------------------------------

class FromAddress(HTTPAdapter):
    """Connect from another loopback address (127.0.0.2 …), to act as a second client machine."""

    def __init__(self, source, **kw):
        self.source = source
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.source, 0)
        return super().init_poolmanager(*args, **kw)


def client_at(address):
    s = requests.Session()
    s.mount("http://", FromAddress(address))
    return s


@pytest.fixture
def lone(fresh_server):
    """A server of its own with the root administrator and two ordinary users (made with the CLI)."""
    admin = add_root_admin(fresh_server)
    for name in ("alice", "bob"):
        fresh_server.cli("user", "add", name, "--password-stdin", "--unit", "root", input=OWN_PASSWORD + "\n")
    return fresh_server, admin


def test_sixth_login_attempt_is_locked_out_even_with_the_right_password(lone):
    server, admin = lone
    first = None
    for i in range(5):
        r = login(server, "alice", f"Wrong-Guess-{i}!")
        assert r.status_code == 401, (i, r.text)
        assert error_of(r)["code"] == "invalid_credentials"
        first = first or r.json()
        assert r.json() == first  # the same answer every time
        assert "Retry-After" not in r.headers
    r = login(server, "alice", "Wrong-Guess-6!")
    assert r.status_code == 429
    err = error_of(r)
    assert err["code"] == "too_many_attempts"
    assert isinstance(err["retry_after"], int) and 0 < err["retry_after"] <= 15 * 60
    assert r.headers["Retry-After"] == str(err["retry_after"])
    assert str(err["retry_after"]) in err["message"]  # "try again in N seconds"
    # the right password is refused during the lockout too, and says so the same way
    r = login(server, "alice", OWN_PASSWORD)
    assert r.status_code == 429 and error_of(r)["code"] == "too_many_attempts"
    assert 0 < error_of(r)["retry_after"] <= err["retry_after"]
    r = login(server, "alice", OWN_PASSWORD, mode="cookie")
    assert r.status_code == 429 and "Set-Cookie" not in r.headers
    # the lock is per account: bob, from the same address, logs in
    r = login(server, "bob", OWN_PASSWORD)
    assert r.status_code == 200 and r.json()["account"]["username"] == "bob"
    # the log shows the failures and the refusals
    rows = admin.api.get("/api/v1/audit", params={"limit": 50}).json()["items"]
    alice = [(i["action"], i["detail"]) for i in reversed(rows) if i["username"] == "alice"]
    assert [a for a, _ in alice] == ["login.failed"] * 5 + ["login.refused"] * 3
    assert alice[4][1] == {"reason": "wrong password or unknown user", "locked": True}
    assert alice[5][1] == {"reason": "locked after too many failed attempts"}
    assert all(i["client_ip"] == "127.0.0.1" for i in rows if i["username"] == "alice")
    assert admin.api.get("/api/v1/audit?action=login.refused").json()["items"][0]["username"] == "alice"


def test_lockout_is_temporary(lone):
    server, _ = lone
    for i in range(5):
        assert login(server, "alice", f"Wrong-Guess-{i}!").status_code == 401
    assert login(server, "alice", OWN_PASSWORD).status_code == 429
    # let the lockout run out (15 minutes) by moving its end into the past
    server.sql(f"UPDATE login_throttle SET locked_until = {int(time.time() * 1000) - 1} WHERE key LIKE '%:alice%'")
    r = login(server, "alice", OWN_PASSWORD)
    assert r.status_code == 200, r.text
    # and a success clears the count: four more failures do not lock
    for i in range(4):
        assert login(server, "alice", f"Wrong-Again-{i}!").status_code == 401
    assert login(server, "alice", OWN_PASSWORD).status_code == 200


def test_a_guesser_elsewhere_locks_only_their_own_address_and_merely_slows_the_rest(lone):
    """Five wrong passwords for an administrator from one machine lock that machine out of the account for
    15 minutes, not the administrator at their own desk; guessing on from further machines only adds a
    growing delay (seconds, not a lockout)."""
    server, admin = lone
    url = server.url("/api/v1/session")
    guesser = client_at("127.0.0.2")
    for i in range(5):
        assert guesser.post(url, json={"username": ROOT_USER, "password": f"Guess-{i}-Xx!"}).status_code == 401
    r = guesser.post(url, json={"username": ROOT_USER, "password": ROOT_PASSWORD})
    assert r.status_code == 429 and error_of(r)["retry_after"] > 10 * 60  # that machine: locked for 15 min
    # the owner, from their own address, logs in at once
    r = login(server, ROOT_USER, ROOT_PASSWORD)
    assert r.status_code == 200, r.text
    # more machines guessing on (each locked out of the account after five): past five wrong passwords for
    # the account, each one makes the next attempt from anywhere wait longer …
    second, third = client_at("127.0.0.3"), client_at("127.0.0.4")
    for i in range(5):
        assert second.post(url, json={"username": ROOT_USER, "password": f"Again-{i}-Xx!"}).status_code == 401
    assert login(server, ROOT_USER, ROOT_PASSWORD).status_code == 200  # five: no delay yet
    for i in range(5):
        assert third.post(url, json={"username": ROOT_USER, "password": f"Third-{i}-Xx!"}).status_code == 401
    assert second.post(url, json={"username": ROOT_USER, "password": ROOT_PASSWORD}).status_code == 429
    other = client_at("127.0.0.5")
    waits = []
    for i in range(4):
        assert other.post(url, json={"username": ROOT_USER, "password": f"More-{i}-Xx!"}).status_code == 401
        r = login(server, ROOT_USER, ROOT_PASSWORD)
        assert r.status_code == 429 and error_of(r)["code"] == "too_many_attempts", r.text
        waits.append(error_of(r)["retry_after"])
        assert int(r.headers["Retry-After"]) == waits[-1]
        # … a few seconds, never the 15-minute lockout; let this delay pass (moving it into the past)
        server.sql(f"UPDATE login_throttle SET locked_until = {int(time.time() * 1000) - 1} "
                   f"WHERE key = 'u:{ROOT_USER}'")
    assert all(1 <= w <= 64 for w in waits) and waits[-1] > 4, waits  # 1, 2, 4, 8 s
    r = login(server, ROOT_USER, ROOT_PASSWORD)
    assert r.status_code == 200, r.text
    # the first machine is still locked out; the account shows the lock, and an unlock lifts it
    assert guesser.post(url, json={"username": ROOT_USER, "password": ROOT_PASSWORD}).status_code == 429
    me = admin.api.get(f"/api/v1/accounts/{admin.id}").json()
    assert me["locked_until"]
    assert admin.api.post(f"/api/v1/accounts/{admin.id}/unlock").status_code == 204
    assert admin.api.get(f"/api/v1/accounts/{admin.id}").json()["locked_until"] is None
    assert guesser.post(url, json={"username": ROOT_USER, "password": ROOT_PASSWORD}).status_code == 200
    refused = admin.api.get("/api/v1/audit?action=login.refused", params={"limit": 20}).json()["items"]
    assert {"reason": "slowed after failed attempts on the account"} in [i["detail"] for i in refused]


def test_unknown_user_and_wrong_password_look_the_same(lone):
    server, _ = lone
    wrong = login(server, "alice", "Not-Her-Password-1")
    unknown = login(server, "nobody_here", "Not-Her-Password-1")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"error": {"code": "invalid_credentials",
                                                        "message": "wrong user name or password", "field": None}}
    assert wrong.headers.get("Content-Type") == unknown.headers.get("Content-Type")
    # an unknown name is locked out like a real one, so the lockout does not tell names apart either
    for i in range(4):
        assert login(server, "nobody_here", f"Guess-{i}-Xx").status_code == 401
    r = login(server, "nobody_here", "Guess-5-Xx")
    assert r.status_code == 429 and error_of(r)["code"] == "too_many_attempts"


def test_unknown_user_costs_as_much_as_a_wrong_password(lone):
    # the hash is verified whether or not the user exists; against a hash of the same cost, or the time
    # of the answer tells which user names exist
    server, _ = lone
    login(server, "warm_up_user", "Xx-warm-up-1")  # first use builds the stand-in hash

    def timed(user, password):
        t = time.perf_counter()
        assert login(server, user, password).status_code == 401
        return time.perf_counter() - t

    wrong, unknown = [], []
    for i in range(6):  # interleaved, so load on the machine hits both alike; 3 failures each stay below the lock
        wrong.append(timed("alice" if i % 2 else "bob", f"Wrong-Guess-{i}!"))
        unknown.append(timed(f"ghost_{i}", f"Wrong-Guess-{i}!"))
    w, u = statistics.median(wrong), statistics.median(unknown)
    # generous bounds against noise; a stand-in hash of another cost differs several times over
    assert u < 3 * w + 0.02 and w < 3 * u + 0.02, f"wrong password {w * 1000:.1f} ms, unknown user {u * 1000:.1f} ms"


def test_fifty_failures_lock_the_client_address(lone):
    server, admin = lone
    mallory = client_at("127.0.0.2")
    url = server.url("/api/v1/session")
    # a password-spraying client: a different user name each time, so no account reaches its limit
    for i in range(50):
        r = mallory.post(url, json={"username": f"spray{i}", "password": "Summer-2026-!"})
        assert r.status_code == 401, (i, r.text)
    r = mallory.post(url, json={"username": "alice", "password": OWN_PASSWORD})
    assert r.status_code == 429 and error_of(r)["retry_after"] > 0 and int(r.headers["Retry-After"]) > 0
    # other addresses are not affected, nor is alice's account
    r = login(server, "alice", OWN_PASSWORD)
    assert r.status_code == 200
    refused = admin.api.get("/api/v1/audit?action=login.refused").json()["items"]
    assert refused[0]["username"] == "alice" and refused[0]["client_ip"] == "127.0.0.2"


# ---------------------------------------------------------------------------------------------------------
# 5. CSRF: cookie sessions need the X-CSRF-Token header on every state-changing request.
# ---------------------------------------------------------------------------------------------------------

def cookie_login(server, username, password):
    s = requests.Session()
    r = s.post(server.url("/api/v1/session"), json={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return s, r


def test_cookie_login_sets_a_strict_httponly_cookie_and_hides_the_token(world):
    s, r = cookie_login(world.server, ROOT_USER, ROOT_PASSWORD)
    set_cookie = r.headers["Set-Cookie"]
    attrs = [a.strip() for a in set_cookie.split(";")]
    assert attrs[0].startswith("gg_session=")
    assert "HttpOnly" in attrs and "SameSite=Strict" in attrs and "Path=/" in attrs
    token = s.cookies["gg_session"]
    assert len(token) >= 43
    body = r.json()
    assert "token" not in body and token not in r.text  # script never sees the session token
    assert body["csrf_token"] and body["csrf_token"] != token
    assert body["account"]["username"] == ROOT_USER
    me = s.get(world.server.url("/api/v1/me"))
    assert me.status_code == 200 and me.json()["csrf_token"] == body["csrf_token"]
    # X-Forwarded-Proto from a client that is not a trusted proxy proves nothing: no Secure (behind a configured
    # TLS proxy the cookie is Secure: test_http.py)
    r = requests.post(world.server.url("/api/v1/session"), json={"username": ROOT_USER, "password": ROOT_PASSWORD},
                      headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in [a.strip() for a in r.headers["Set-Cookie"].split(";")]


def test_state_changing_requests_need_the_csrf_header(world):
    srv = world.server
    s, r = cookie_login(srv, ROOT_USER, ROOT_PASSWORD)
    csrf = r.json()["csrf_token"]
    target = world.accounts["target"]
    new_account = {"username": f"csrf_{secrets.token_hex(3)}", "display_name": "x", "password": TEMP_PASSWORD,
                   "home_unit_id": world.units["grid_a"]}
    attempts = [
        ("POST", "/api/v1/accounts", new_account),
        ("PATCH", f"/api/v1/accounts/{target.id}",
         {"display_name": "csrf victim", "version": version_of(world, target.id)}),
        ("POST", "/api/v1/units", {"parent_id": world.units["grid_a"], "level": "micro_grid",
                                   "code": child_code(world.admin.api, world.units["grid_a"], "micro_grid"),
                                   "name": "csrf"}),
        ("POST", "/api/v1/me/password", {"current_password": ROOT_PASSWORD, "new_password": "Csrf-Changed-2026"}),
        ("DELETE", "/api/v1/session", None),
    ]
    other, r2 = cookie_login(srv, ROOT_USER, ROOT_PASSWORD)
    for method, path, body in attempts:
        for headers in ({}, {"X-CSRF-Token": "forged-" + csrf[7:]}, {"X-CSRF-Token": r2.json()["csrf_token"]},
                        {"X-CSRF-Token": ""}):
            r = s.request(method, srv.url(path), json=body, headers=headers)
            assert r.status_code == 403, (method, path, headers, r.text)
            assert error_of(r)["code"] == "csrf_failed"
    # nothing happened
    assert all_account_ids(world.admin.api, q=new_account["username"]) == []
    assert world.admin.api.get(f"/api/v1/accounts/{target.id}").json()["display_name"] != "csrf victim"
    assert s.get(srv.url("/api/v1/me")).status_code == 200  # not logged out
    assert login(srv, ROOT_USER, ROOT_PASSWORD).status_code == 200  # password unchanged
    # with the header the same requests work
    h = {"X-CSRF-Token": csrf}
    r = s.post(srv.url("/api/v1/accounts"), json=new_account, headers=h)
    assert r.status_code == 201, r.text
    r = s.patch(srv.url(f"/api/v1/accounts/{target.id}"),
                json={"display_name": "csrf ok", "version": version_of(world, target.id)}, headers=h)
    assert r.status_code == 200 and r.json()["display_name"] == "csrf ok"
    r = s.delete(srv.url("/api/v1/session"), headers=h)
    assert r.status_code == 204
    assert s.get(srv.url("/api/v1/me")).status_code == 401
    other.delete(srv.url("/api/v1/session"), headers={"X-CSRF-Token": r2.json()["csrf_token"]})


def test_bearer_clients_need_no_csrf_header(world):
    api = bearer(world.server, ROOT_USER, ROOT_PASSWORD)
    target = world.accounts["target"]
    r = api.patch(f"/api/v1/accounts/{target.id}",
                  json={"display_name": "bearer ok", "version": version_of(world, target.id)})
    assert r.status_code == 200, r.text
    r = api.post("/api/v1/units", json={"parent_id": world.units["grid_a"], "level": "micro_grid",
                                        "code": child_code(api, world.units["grid_a"], "micro_grid"),
                                        "name": "bearer"})
    assert r.status_code == 201
    assert api.delete("/api/v1/session").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_a_form_post_from_another_site_is_refused(world):
    # a cross-site HTML form can only send form or text bodies; the API takes JSON only
    s, r = cookie_login(world.server, ROOT_USER, ROOT_PASSWORD)
    r = s.post(world.server.url("/api/v1/accounts"), data={"username": "evil", "password": "x"},
               headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert r.status_code == 415 and error_of(r)["code"] == "unsupported_media_type"


# ---------------------------------------------------------------------------------------------------------
# 6. Sessions: logout, password change, reset, disable, expiry.
# ---------------------------------------------------------------------------------------------------------

def test_me_without_a_session_is_401(world):
    anon = Api(world.server)
    for headers, cookies in [({}, {}), ({"Authorization": "Bearer " + "x" * 43}, {}),
                             ({"Authorization": "Bearer short"}, {}), ({}, {"gg_session": "y" * 43})]:
        r = anon.get("/api/v1/me", headers=headers, cookies=cookies)
        assert r.status_code == 401, r.text
        assert error_of(r)["code"] == "unauthenticated"
    r = anon.post("/api/v1/accounts", json={})
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"


def test_logout_revokes_the_session(world):
    acc = world.account("grid_a", "grid_worker", prefix="logout")
    token = acc.api.token
    assert acc.api.delete("/api/v1/session").status_code == 204
    r = Api(world.server, token).get("/api/v1/me")
    assert r.status_code == 401 and error_of(r)["code"] == "unauthenticated"
    # cookie session: logout clears the cookie, and the old cookie value no longer works
    s, lr = cookie_login(world.server, acc.username, acc.password)
    cookie = s.cookies["gg_session"]
    r = s.delete(world.server.url("/api/v1/session"), headers={"X-CSRF-Token": lr.json()["csrf_token"]})
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"] and r.headers["Set-Cookie"].startswith("gg_session=;")
    r = requests.get(world.server.url("/api/v1/me"), cookies={"gg_session": cookie})
    assert r.status_code == 401
    rows = audit_since(world, 0, action="logout", account_id=acc.id)
    assert len(rows) == 2


def test_password_change_ends_the_other_sessions_only(world):
    acc = world.account("grid_a", "grid_worker", prefix="pwchange")
    phone_session = bearer(world.server, acc.username, acc.password)
    web, _ = cookie_login(world.server, acc.username, acc.password)
    r = acc.api.post("/api/v1/me/password", json={"current_password": acc.password, "new_password": "Brand-New-2026#"})
    assert r.status_code == 204
    assert acc.api.get("/api/v1/me").status_code == 200  # the session that changed it
    assert phone_session.get("/api/v1/me").status_code == 401
    assert web.get(world.server.url("/api/v1/me")).status_code == 401
    assert login(world.server, acc.username, acc.password).status_code == 401
    assert login(world.server, acc.username, "Brand-New-2026#").status_code == 200
    rows = audit_since(world, 0, action="account.password", account_id=acc.id)
    assert [r["detail"] for r in rows] == [{"by": "self"}, {"by": "self"}]  # first login, and now


def test_administrator_reset_ends_sessions_and_forces_a_change(world):
    acc = world.account("grid_a", "grid_worker", prefix="reset")
    r = world.admin.api.post(f"/api/v1/accounts/{acc.id}/password", json={"password": "Reset-By-Admin-1"})
    assert r.status_code == 204
    assert acc.api.get("/api/v1/me").status_code == 401
    r = login(world.server, acc.username, "Reset-By-Admin-1")
    assert r.status_code == 200 and r.json()["account"]["must_change_password"] is True
    r = world.admin.api.post(f"/api/v1/accounts/{acc.id}/password", json={"password": "weak"})
    assert r.status_code == 400 and error_of(r)["field"] == "password"


def test_disabling_an_account_ends_its_sessions_and_refuses_login(world):
    acc = world.account("grid_a", "grid_worker", prefix="disable")
    web, _ = cookie_login(world.server, acc.username, acc.password)
    r = world.admin.api.patch(f"/api/v1/accounts/{acc.id}", json={"status": "disabled",
                                                                   "version": version_of(world, acc.id)})
    assert r.status_code == 200 and r.json()["status"] == "disabled"
    for resp in (acc.api.get("/api/v1/me"), web.get(world.server.url("/api/v1/me"))):
        assert resp.status_code == 401 and error_of(resp)["code"] == "unauthenticated"
    seq = last_seq(world)
    r = login(world.server, acc.username, acc.password)
    assert r.status_code == 403 and error_of(r)["code"] == "account_disabled"
    # a wrong password still gets the plain 401: being disabled is only told to the owner of the password
    r = login(world.server, acc.username, "Wrong-Pass-2026!")
    assert r.status_code == 401 and error_of(r)["code"] == "invalid_credentials"
    rows = audit_since(world, seq, account_id=acc.id)
    assert [(r["action"], r["detail"].get("reason")) for r in rows] == \
        [("login.refused", "account disabled"), ("login.failed", "wrong password or unknown user")]
    update = audit_since(world, 0, action="account.update", account_id=world.admin.id)
    row = [u for u in update if u["object_id"] == str(acc.id)][-1]
    assert row["detail"]["status_before"] == "active" and row["detail"]["status_after"] == "disabled"
    # enabled again, it logs in
    r = world.admin.api.patch(f"/api/v1/accounts/{acc.id}",
                              json={"status": "active", "version": version_of(world, acc.id)})
    assert r.status_code == 200
    assert login(world.server, acc.username, acc.password).status_code == 200


def test_a_revoked_or_new_grant_counts_from_the_next_request(world):
    # The node remembers checked sessions for a moment (session cache); a grant change made
    # through the API must still count at once, not after the cache forgets.
    acc = world.account("grid_a", "grid_worker", prefix="regrant")
    assert acc.api.get(f"/api/v1/units/{world.units['grid_a']}").status_code == 200
    assert acc.api.get(f"/api/v1/units/{world.units['grid_b']}").status_code == 404
    grants = acc.api.get("/api/v1/me").json()["grants"]
    r = world.admin.api.post(f"/api/v1/accounts/{acc.id}/grants",
                             json={"role": "grid_worker", "unit_id": world.units["grid_b"]})
    assert r.status_code == 201, r.text
    assert acc.api.get(f"/api/v1/units/{world.units['grid_b']}").status_code == 200
    assert world.admin.api.delete(f"/api/v1/accounts/{acc.id}/grants/{grants[0]['id']}").status_code == 204
    assert acc.api.get(f"/api/v1/units/{world.units['grid_a']}").status_code == 404
    assert [g["unit_id"] for g in acc.api.get("/api/v1/me").json()["grants"]] == [world.units["grid_b"]]


def test_idle_and_expired_sessions_end(world):
    acc = world.account("grid_a", "grid_worker", prefix="expiry")
    idle = bearer(world.server, acc.username, acc.password)
    old = bearer(world.server, acc.username, acc.password)
    now = int(time.time() * 1000)
    h = lambda api: hashlib.sha256(api.token.encode()).hexdigest()  # sessions are stored by token hash only
    stored = world.server.sql(f"SELECT count(*) FROM session WHERE token_hash IN ('{h(idle)}', '{h(old)}')")
    assert int(stored[0][0]) == 2
    assert world.server.sql(f"SELECT count(*) FROM session WHERE token_hash = '{idle.token}'")[0][0] in (0, "0")
    world.server.sql(f"UPDATE session SET last_seen_at = {now - 121 * 60000} WHERE token_hash = '{h(idle)}'")
    world.server.sql(f"UPDATE session SET expires_at = {now - 1} WHERE token_hash = '{h(old)}'")
    # Changed behind the server's back (as another node or the CLI would): a node may answer from
    # its session cache for session_cache_ms (1 s by default, docs/decisions.md), never longer.
    time.sleep(1.2)
    assert idle.get("/api/v1/me").status_code == 401  # 2 hours idle
    assert old.get("/api/v1/me").status_code == 401  # past its absolute end
    assert acc.api.get("/api/v1/me").status_code == 200


def test_ended_sessions_and_spent_login_throttles_are_deleted_while_the_server_runs(tmp_path):
    # Housekeeping (worker/housekeeping.c) runs every housekeeping_seconds; 1 s here instead of 5 minutes.
    srv = Server(tmp_path, fast_hash=True, env={"GRIDGOV_HOUSEKEEPING_SECONDS": "1"})
    try:
        admin = add_root_admin(srv)
        expired, idle, revoked = (bearer(srv, ROOT_USER, ROOT_PASSWORD) for _ in range(3))
        h = lambda api: hashlib.sha256(api.token.encode()).hexdigest()
        assert login(srv, ROOT_USER, "not the password").status_code == 401
        now = int(time.time() * 1000)
        srv.sql(f"UPDATE session SET expires_at = {now - 1} WHERE token_hash = '{h(expired)}'")
        srv.sql(f"UPDATE session SET last_seen_at = {now - 121 * 60000} WHERE token_hash = '{h(idle)}'")
        assert revoked.delete("/api/v1/session").status_code == 204
        # the failure's counters, their 15-minute window long past and no lock: the same as no row
        srv.sql(f"UPDATE login_throttle SET window_start = {now - 16 * 60000}, locked_until = 0")
        # a fresh failure: its counters (and the client address's, counted again) must stay
        assert login(srv, "nobody_here", "not the password").status_code == 401
        ended = "', '".join(h(a) for a in (expired, idle, revoked))
        deadline = time.time() + 15
        while time.time() < deadline:
            left = int(srv.sql(f"SELECT count(*) FROM session WHERE token_hash IN ('{ended}')")[0][0])
            keys = sorted(k for (k,) in srv.sql("SELECT key FROM login_throttle"))
            if left == 0 and not any(ROOT_USER in k for k in keys):
                break
            time.sleep(0.2)
        assert left == 0, "expired, idle and revoked sessions are still stored"
        assert keys == ["ip:127.0.0.1", "u:nobody_here", "ua:nobody_here/127.0.0.1"]
        # the live session is kept and still works
        assert int(srv.sql(f"SELECT count(*) FROM session WHERE token_hash = '{h(admin.api)}'")[0][0]) == 1
        assert admin.api.get("/api/v1/me").status_code == 200
        assert "housekeeping: deleted" in srv.read_log()
    finally:
        code = srv.stop()
        log = srv.read_log()
        assert_clean_log(log)
        assert code == 0, f"gridgov serve exited {code} on SIGTERM:\n{log[-3000:]}"


# ---------------------------------------------------------------------------------------------------------
# 8. Personal data: phones encrypted at rest, masked unless revealed, reveals audited.
# ---------------------------------------------------------------------------------------------------------

def random_mobile():
    return "138" + "".join(str(secrets.randbelow(10)) for _ in range(8))


def database_bytes(server):
    """Everything the database keeps, as bytes: the SQLite files (db, -wal, -shm) and everything else in the
    server's directory (key file, log), or a full pg_dump of the PostgreSQL database."""
    chunks = []
    if not IS_PG:
        assert os.path.exists(server.sqlite_path + "-wal")  # the newest writes live there until a checkpoint
    for root, _, files in os.walk(server.tmpdir):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                chunks.append(fh.read())
    if IS_PG:
        chunks.append(subprocess.run(["pg_dump", "--no-owner", "-d", server.database], check=True,
                                     capture_output=True).stdout)
    return b"\n".join(chunks)


def test_phone_numbers_are_not_stored_in_plaintext(world):
    phones = [random_mobile() for _ in range(4)]
    a1 = world.account("grid_a", "grid_worker", phone=phones[0], prefix="pii1")
    a2 = world.account("grid_b", phone=phones[1], prefix="pii2")
    # changed by PATCH
    r = world.admin.api.patch(f"/api/v1/accounts/{a2.id}",
                              json={"phone": phones[2], "version": version_of(world, a2.id)})
    assert r.status_code == 200 and r.json()["phone"] == phones[2][:3] + "****" + phones[2][-4:]
    # and by the CLI
    world.server.cli("user", "add", f"cli_{secrets.token_hex(3)}", "--password-stdin", "--phone", phones[3],
                     "--unit", "root", input=OWN_PASSWORD + "\n")
    # read back (decrypted) …
    assert world.admin.api.get(f"/api/v1/accounts/{a1.id}?reveal=phone").json()["phone"] == phones[0]
    # … but stored encrypted: the column holds something, just not the number
    enc = world.server.sql(f"SELECT phone_enc, phone_bidx FROM account WHERE id = {a1.id}")[0]
    assert enc[0] and enc[1] and phones[0] not in enc[0] and phones[0] not in enc[1]
    data = database_bytes(world.server)
    assert len(data) > 10000
    assert ROOT_USER.encode() in data  # the search does find what is stored in plaintext
    for p in phones:
        for form in (p, p[:3] + " " + p[3:7] + " " + p[7:], "+86" + p):
            assert form.encode() not in data, f"phone {form} found in plaintext"
        assert p.encode("utf-16-le") not in data


def test_phone_is_masked_and_reveal_is_permitted_and_audited(world):
    phone = random_mobile()
    masked = phone[:3] + "****" + phone[-4:]
    acc = world.account("grid_a", "grid_worker", phone=phone, prefix="masked")
    path = f"/api/v1/accounts/{acc.id}"
    admin = world.admin
    r = admin.api.get(path)
    assert r.json()["phone"] == masked and r.json()["phone_masked"] is True
    listed = [a for a in admin.api.get("/api/v1/accounts", params={"q": acc.username}).json()["items"]]
    assert [(a["phone"], a["phone_masked"]) for a in listed] == [(masked, True)]
    seq = last_seq(world)
    r = admin.api.get(path + "?reveal=phone")
    assert r.status_code == 200 and r.json()["phone"] == phone and r.json()["phone_masked"] is False
    rows = audit_since(world, seq, action="pii.read")
    assert len(rows) == 1
    assert rows[0]["account_id"] == admin.id and rows[0]["object_id"] == str(acc.id)
    assert rows[0]["unit_id"] == world.units["grid_a"] and rows[0]["detail"] == {"fields": ["phone"]}
    assert phone not in str(rows[0])
    # community staff hold pii.read over the community: allowed and audited
    cs = world.accounts["community"]
    seq = last_seq(world)
    r = cs.api.get(path + "?reveal=phone")
    assert r.status_code == 200 and r.json()["phone"] == phone
    assert [row["account_id"] for row in audit_since(world, seq, action="pii.read")] == [cs.id]
    # the owner may see their own number
    assert acc.api.get(path + "?reveal=phone").json()["phone"] == phone
    # the street dispatcher may read the account, but not unmasked: 403, nothing revealed, nothing logged
    d = world.accounts["dispatcher"]
    assert d.api.get(path).json()["phone"] == masked
    seq = last_seq(world)
    r = d.api.get(path + "?reveal=phone")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden" and phone not in r.text
    assert audit_since(world, seq, action="pii.read") == []
    # the leader of the county neither
    assert world.accounts["leader"].api.get(path + "?reveal=phone").status_code == 403
    # outside the scope: 404 as always
    assert world.accounts["grid_worker_b"].api.get(path + "?reveal=phone").status_code == 404
    r = admin.api.get(path + "?reveal=idcard")
    assert r.status_code == 400 and error_of(r)["field"] == "reveal"
    # the log of a phone change records that it changed, not the number
    new = random_mobile()
    r = admin.api.patch(path, json={"phone": new, "version": version_of(world, acc.id)})
    assert r.status_code == 200
    row = audit_since(world, seq, action="account.update")[-1]
    assert row["detail"]["phone"] == "changed" and new not in str(row) and phone not in str(row)
    # "" removes it
    r = admin.api.patch(path, json={"phone": "", "version": version_of(world, acc.id)})
    assert r.status_code == 200 and r.json()["phone"] is None and r.json()["phone_masked"] is False


# ---------------------------------------------------------------------------------------------------------
# 9. Validation: every bad input is a 4xx naming the field.
# ---------------------------------------------------------------------------------------------------------

def good_account(**over):
    body = {"username": f"v_{secrets.token_hex(4)}", "display_name": "校验", "password": TEMP_PASSWORD,
            "home_unit_id": None}
    body.update(over)
    return body


VALIDATION = [
    # name, path, body (dict, or raw bytes), status, code, field
    ("bad json", "/api/v1/accounts", b'{"username": "x",', 400, "validation_failed", None),
    ("not an object", "/api/v1/accounts", b'["x"]', 400, "validation_failed", None),
    # a syntax-level refusal (from the JSON parser, like bad JSON): no field, the message names the key
    ("duplicate key", "/api/v1/accounts", b'{"username":"a1","username":"a2"}', 400, "validation_failed", None),
    ("unknown field", "/api/v1/accounts", good_account(is_admin=True), 400, "validation_failed", "is_admin"),
    ("missing field", "/api/v1/accounts", {"username": "abc", "password": TEMP_PASSWORD, "home_unit_id": None},
     400, "validation_failed", "display_name"),
    ("display_name too long", "/api/v1/accounts", good_account(display_name="名" * 65), 400, "validation_failed",
     "display_name"),
    ("username with a space", "/api/v1/accounts", good_account(username="li si"), 400, "validation_failed", "username"),
    ("username too short", "/api/v1/accounts", good_account(username="x"), 400, "validation_failed", "username"),
    ("weak password", "/api/v1/accounts", good_account(password="password12"), 400, "validation_failed", "password"),
    ("short password", "/api/v1/accounts", good_account(password="Ab1-"), 400, "validation_failed", "password"),
    ("password with the user name", "/api/v1/accounts", good_account(username="zhangsan", password="Zhangsan-2026"),
     400, "validation_failed", "password"),
    ("invalid phone", "/api/v1/accounts", good_account(phone="12345678901"), 400, "validation_failed", "phone"),
    ("phone with letters", "/api/v1/accounts", good_account(phone="1381234abcd"), 400, "validation_failed", "phone"),
    ("home unit as text", "/api/v1/accounts", good_account(home_unit_id="1"), 400, "validation_failed", "home_unit_id"),
    ("home unit missing", "/api/v1/accounts", good_account(home_unit_id=99999999), 404, "not_found", "home_unit_id"),
    ("unknown role", "/api/v1/accounts", good_account(role="superuser"), 400, "validation_failed", "role"),
    ("duplicate username", "/api/v1/accounts", good_account(username=ROOT_USER), 409, "conflict", "username"),
    ("non-numeric unit code", "/api/v1/units", {"parent_id": None, "level": "micro_grid", "code": "42a0",
                                                "name": "x"}, 400, "validation_failed", "code"),
    ("empty unit code", "/api/v1/units", {"parent_id": None, "level": "micro_grid", "code": "", "name": "x"},
     400, "validation_failed", "code"),
    ("unknown level", "/api/v1/units", {"parent_id": None, "level": "galaxy", "code": "1", "name": "x"},
     400, "validation_failed", "level"),
    ("level that does not fit", "/api/v1/units", {"parent_id": None, "level": "province", "code": "1", "name": "x"},
     400, "validation_failed", "level"),
    ("unit name too long", "/api/v1/units", {"parent_id": None, "level": "micro_grid", "code": "1",
                                             "name": "x" * 101}, 400, "validation_failed", "name"),
    ("login without password", "/api/v1/session", {"username": ROOT_USER}, 400, "validation_failed", "password"),
    ("login mode", "/api/v1/session", {"username": ROOT_USER, "password": "x", "mode": "jwt"}, 400,
     "validation_failed", "mode"),
]


@pytest.mark.parametrize("name,path,body,status,code,field", VALIDATION, ids=[v[0] for v in VALIDATION])
def test_bad_input_is_a_4xx_naming_the_field(world, name, path, body, status, code, field):
    if isinstance(body, dict):
        body = dict(body)
        for k in ("home_unit_id", "parent_id"):
            if k in body and body[k] is None:
                body[k] = world.units["grid_a"]
        r = world.admin.api.post(path, json=body)
    else:
        r = world.admin.api.post(path, data=body, headers={"Content-Type": "application/json"})
    assert r.status_code == status, r.text
    err = error_of(r)
    assert err["code"] == code and err["field"] == field, err
    if status == 409:
        assert ROOT_USER in err["message"]
    if name == "duplicate key":
        assert "duplicate" in err["message"] and "username" in err["message"]


REASONS = [
    # name, body changes (None: leave the key out), field, reason, params — what a UI translates instead of the message
    ("too long", {"display_name": "名" * 65}, "display_name", "too_long", {"max": 64}),
    ("missing", {"display_name": None}, "display_name", "required", None),
    ("unknown field", {"is_admin": True}, "is_admin", "unknown_field", None),
    ("wrong type", {"home_unit_id": "1"}, "home_unit_id", "wrong_type", None),
]


@pytest.mark.parametrize("name,change,field,reason,params", REASONS, ids=[v[0] for v in REASONS])
def test_a_refused_field_says_why_in_codes(world, name, change, field, reason, params):
    body = dict(good_account(), home_unit_id=world.units["grid_a"])
    for k, v in change.items():
        if v is None:
            body.pop(k)
        else:
            body[k] = v
    r = world.admin.api.post("/api/v1/accounts", json=body)
    assert r.status_code == 400, r.text
    err = error_of(r)
    assert (err["code"], err["field"], err.get("reason")) == ("validation_failed", field, reason), err
    assert err.get("params") == params, err


def test_a_query_parameter_out_of_range_gives_its_bounds(world):
    r = world.admin.api.get("/api/v1/accounts?limit=0")
    err = error_of(r)
    assert r.status_code == 400 and (err["field"], err["reason"], err["params"]) == ("limit", "out_of_range",
                                                                                   {"min": 1, "max": 200}), err
    r = world.admin.api.get("/api/v1/audit?object_type=account")
    err = error_of(r)
    assert r.status_code == 400 and (err["field"], err["reason"]) == ("object_id", "required"), err


def test_patch_and_grant_validation(world):
    target = world.accounts["target"]
    api = world.admin.api
    path = f"/api/v1/accounts/{target.id}"
    v = version_of(world, target.id)
    for body, field in [({"display_name": "x"}, "version"), ({"status": "locked", "version": v}, "status"),
                        ({"phone": "123", "version": v}, "phone"), ({"display_name": "", "version": v}, "display_name"),
                        ({"display_name": "x" * 65, "version": v}, "display_name"), ({"version": "1"}, "version"),
                        ({"username": "renamed", "version": v}, "username")]:
        r = api.patch(path, json=body)
        assert r.status_code == 400, (body, r.text)
        assert error_of(r)["field"] == field, (body, error_of(r))
    assert version_of(world, target.id) == v  # nothing changed
    r = api.post(path + "/grants", json={"role": "emperor", "unit_id": world.units["grid_a"]})
    assert r.status_code == 400 and error_of(r)["field"] == "role"
    r = api.post(path + "/grants", json={"role": "leader", "unit_id": 99999999})
    assert r.status_code == 404 and error_of(r)["field"] == "unit_id"
    r = api.post(path + "/grants", json={"role": "leader"})
    assert r.status_code == 400 and error_of(r)["field"] == "unit_id"
    g = api.post(path + "/grants", json={"role": "leader", "unit_id": world.units["grid_a"]})
    assert g.status_code == 201
    r = api.post(path + "/grants", json={"role": "leader", "unit_id": world.units["grid_a"]})
    assert r.status_code == 409 and error_of(r)["code"] == "conflict"
    assert api.delete(f"{path}/grants/{g.json()['id']}").status_code == 204
    assert api.delete(f"{path}/grants/{g.json()['id']}").status_code == 404
    for q in ("limit=0", "limit=201", "after=x", "total=2"):
        r = api.get("/api/v1/accounts?" + q)
        assert r.status_code == 400 and error_of(r)["field"] == q.split("=")[0]
    assert api.get("/api/v1/accounts/abc").status_code == 404


def test_a_readable_signed_in_marker_comes_and_goes_with_the_session_cookie(world):
    # The web app reads gg_signed_in (no secret in it) to know whether asking /me can succeed at all.
    s, r = cookie_login(world.server, ROOT_USER, ROOT_PASSWORD)
    cookies = r.raw.headers.getlist("Set-Cookie")
    marker = [c for c in cookies if c.startswith("gg_signed_in=")]
    assert len(marker) == 1, cookies
    attrs = [a.strip() for a in marker[0].split(";")]
    assert attrs[0] == "gg_signed_in=1" and "HttpOnly" not in attrs and "Path=/" in attrs
    session_max_age = [a for a in cookies[0].split(";") if a.strip().startswith("Max-Age=")]
    assert cookies[0].startswith("gg_session=") and session_max_age[0].strip() in attrs
    r = s.delete(world.server.url("/api/v1/session"), headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert r.status_code == 204
    cleared = [c for c in r.raw.headers.getlist("Set-Cookie") if c.startswith("gg_signed_in=")]
    assert len(cleared) == 1 and cleared[0].startswith("gg_signed_in=;") and "Max-Age=0" in cleared[0]
    assert "gg_signed_in" not in s.cookies
    # bearer clients get no cookie at all
    r = requests.post(world.server.url("/api/v1/session"),
                      json={"username": ROOT_USER, "password": ROOT_PASSWORD, "mode": "bearer"})
    assert r.status_code == 200 and "Set-Cookie" not in r.headers
