"""Idempotency-Key (DESIGN §5, §6 rule 8; domain/idempotency.c, api/write.c): a retried POST returns what
the first one answered and makes nothing new — also when the retries race — on SQLite and PostgreSQL.
Driven on an existing create endpoint (POST /api/v1/buildings: each call makes a building with a fresh
code, so a duplicate would show), and on POST /api/v1/cases once that endpoint exists."""
import secrets
import threading
import time

import pytest
import requests

from conftest import Server, assert_clean_log, error_of


def key():
    return "t-" + secrets.token_hex(12)


def buildings_named(server, name):
    return server.sql(f"SELECT id FROM building WHERE name = '{name}'")


def test_same_key_twice_makes_one_building_and_the_same_answer(server, world):
    gw = world.accounts["grid_worker"].api
    name = "幂等楼 " + secrets.token_hex(3)
    body = {"grid_id": world.units["grid_a"], "name": name}
    k = key()
    r1 = gw.post("/api/v1/buildings", json=body, headers={"Idempotency-Key": k})
    assert r1.status_code == 201, r1.text
    assert "Idempotent-Replayed" not in r1.headers
    r2 = gw.post("/api/v1/buildings", json=body, headers={"Idempotency-Key": k})
    assert r2.status_code == 201, r2.text
    assert r2.headers["Idempotent-Replayed"] == "true"
    assert r2.json() == r1.json()
    assert r2.headers["Location"] == r1.headers["Location"]
    assert len(buildings_named(server, name)) == 1
    # without a key the same body is a new request (and makes a second building)
    r3 = gw.post("/api/v1/buildings", json=body)
    assert r3.status_code == 201 and r3.json()["id"] != r1.json()["id"]
    # the key belongs to its caller: another account with the same key makes its own
    staff = world.accounts["community"].api
    r4 = staff.post("/api/v1/buildings", json=body, headers={"Idempotency-Key": k})
    assert r4.status_code == 201, r4.text
    assert r4.json()["id"] not in (r1.json()["id"], r3.json()["id"])
    assert len(buildings_named(server, name)) == 3
    stored = server.sql(f"SELECT method, path, status, result_id FROM idempotency_key WHERE key = '{k}' "
                        "ORDER BY caller")
    assert sorted(tuple(str(v) for v in row) for row in stored) == sorted(
        [("POST", "/api/v1/buildings", "201", str(r1.json()["id"])),
         ("POST", "/api/v1/buildings", "201", str(r4.json()["id"]))])


def test_racing_retries_make_one_building(server, world):
    gw_token = world.accounts["grid_worker"].api.token
    name = "抢跑楼 " + secrets.token_hex(3)
    body = {"grid_id": world.units["grid_a"], "name": name}
    k = key()
    barrier = threading.Barrier(8)
    answers = [None] * 8

    def go(i):
        s = requests.Session()
        barrier.wait()
        answers[i] = s.post(server.url("/api/v1/buildings"), json=body, timeout=30,
                            headers={"Idempotency-Key": k, "Authorization": "Bearer " + gw_token})

    threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a.status_code == 201 for a in answers), [(a.status_code, a.text) for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(1 for a in answers if "Idempotent-Replayed" not in a.headers) == 1
    assert len(buildings_named(server, name)) == 1


def test_same_key_for_another_request_is_422(world):
    gw = world.accounts["grid_worker"].api
    k = key()
    body = {"grid_id": world.units["grid_a"], "name": "一号 " + secrets.token_hex(3)}
    assert gw.post("/api/v1/buildings", json=body, headers={"Idempotency-Key": k}).status_code == 201
    r = gw.post("/api/v1/buildings", json=dict(body, name="另一个"), headers={"Idempotency-Key": k})
    assert r.status_code == 422, r.text
    err = error_of(r)
    assert err["code"] == "idempotency_key_reused" and err["field"] == "Idempotency-Key"
    # another path with the same key and body
    b = gw.get(r"/api/v1/buildings?grid_id=%d" % world.units["grid_a"])
    assert b.status_code == 200
    bid = b.json()["items"][0]["id"]
    r = gw.post(f"/api/v1/buildings/{bid}/houses", json=body, headers={"Idempotency-Key": k})
    assert r.status_code in (400, 422), r.text  # the body check may refuse it first
    r = gw.post(f"/api/v1/buildings/{bid}/houses", json={"room": "9" + secrets.token_hex(2)},
                headers={"Idempotency-Key": k})
    assert r.status_code == 422 and error_of(r)["code"] == "idempotency_key_reused"


def test_a_refused_request_keeps_no_key(world):
    gw = world.accounts["grid_worker"].api
    k = key()
    r = gw.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": ""},
                headers={"Idempotency-Key": k})
    assert r.status_code == 400
    r = gw.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": "改正后 " + k[-4:]},
                headers={"Idempotency-Key": k})
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("bad", ["", "x" * 129, "has space", "tab\there", "非ascii"])
def test_bad_key_is_400_naming_the_header(world, bad):
    gw = world.accounts["grid_worker"].api
    r = gw.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": "坏键"},
                headers={"Idempotency-Key": bad.encode("utf-8")})
    assert r.status_code == 400, r.text
    err = error_of(r)
    assert err["field"] == "Idempotency-Key" and err["code"] == "validation_failed"


def test_longest_key_is_fine(world):
    gw = world.accounts["grid_worker"].api
    r = gw.post("/api/v1/buildings", json={"grid_id": world.units["grid_a"], "name": "长键 " + secrets.token_hex(2)},
                headers={"Idempotency-Key": "k" * 128})
    assert r.status_code == 201, r.text


def test_keys_older_than_a_day_are_purged(tmp_path):
    """Housekeeping (worker/housekeeping.c) deletes keys older than 24 hours; it runs every second here."""
    srv = Server(tmp_path, fast_hash=True, env={"GRIDGOV_HOUSEKEEPING_SECONDS": "1"})
    try:
        now = int(time.time() * 1000)
        for k, age_h in (("old", 25), ("young", 23)):
            srv.sql("INSERT INTO idempotency_key (caller, key, method, path, request_hash, status, result_id, "
                    f"created_at) VALUES ('a:1', '{k}', 'POST', '/x', 'h', 201, 1, {now - age_h * 3600 * 1000})")
        deadline = time.time() + 15
        while time.time() < deadline:
            keys = sorted(k for (k,) in srv.sql("SELECT key FROM idempotency_key"))
            if keys == ["young"]:
                break
            time.sleep(0.2)
        assert keys == ["young"]
        assert "expired idempotency keys" in srv.read_log()
    finally:
        code = srv.stop()
        assert_clean_log(srv.read_log())
        assert code == 0


# ---- cases (POST /api/v1/cases, POST /api/v1/cases/{id}/actions/{action}) ----

from casekit import cw  # noqa: E402,F401  (the module's CaseWorld fixture)


def case_body(cw, desc):
    return {"channel": "walk_in", "category_id": cw.category["grid"], "description": desc, **cw.point_a}


def cases_described(server, desc):
    return server.sql(f"SELECT id FROM case_item WHERE description = '{desc}'")


def test_case_created_twice_with_one_key_is_one_case(server, cw):
    disp = cw.api("dispatcher")
    desc = "幂等事件 " + secrets.token_hex(4)
    k = key()
    r1 = disp.post("/api/v1/cases", json=case_body(cw, desc), headers={"Idempotency-Key": k})
    assert r1.status_code == 201, r1.text
    assert r1.json()["secret"]
    r2 = disp.post("/api/v1/cases", json=case_body(cw, desc), headers={"Idempotency-Key": k})
    assert r2.status_code == 201 and r2.headers["Idempotent-Replayed"] == "true"
    a, b = r1.json(), r2.json()
    assert b["id"] == a["id"] and b["number"] == a["number"] and b["state"] == a["state"]
    assert b["secret"] == a["secret"]  # kept encrypted with the key for the retry of a lost answer
    stored = server.sql(f"SELECT result_secret FROM idempotency_key WHERE key = '{k}'")[0][0]
    assert stored and a["secret"] not in stored
    assert r2.headers["Location"] == r1.headers["Location"] == f"/api/v1/cases/{a['id']}"
    assert len(cases_described(server, desc)) == 1
    assert int(server.sql(f"SELECT count(*) FROM case_event WHERE case_id = {a['id']}")[0][0]) == 3


def test_racing_case_creations_with_one_key_make_one_case(server, cw):
    token = cw.api("dispatcher").token
    desc = "抢跑事件 " + secrets.token_hex(4)
    k = key()
    barrier = threading.Barrier(8)
    answers = [None] * 8

    def go(i):
        with requests.Session() as s:
            barrier.wait()
            answers[i] = s.post(server.url("/api/v1/cases"), json=case_body(cw, desc), timeout=30,
                                headers={"Idempotency-Key": k, "Authorization": "Bearer " + token})

    threads = [threading.Thread(target=go, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(a.status_code == 201 for a in answers), [(a.status_code, a.text) for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(1 for a in answers if "Idempotent-Replayed" not in a.headers) == 1
    assert len(cases_described(server, desc)) == 1


def test_case_key_with_another_body_is_422(cw):
    disp = cw.api("dispatcher")
    k = key()
    assert disp.post("/api/v1/cases", json=case_body(cw, "一 " + k), headers={"Idempotency-Key": k}).status_code == 201
    r = disp.post("/api/v1/cases", json=case_body(cw, "二 " + k), headers={"Idempotency-Key": k})
    assert r.status_code == 422 and error_of(r)["code"] == "idempotency_key_reused"


def test_an_action_retried_with_its_key_happens_once(server, cw):
    disp, gw = cw.api("dispatcher"), cw.api("grid_worker_a")
    case = disp.post("/api/v1/cases", json=case_body(cw, "动作 " + key())).json()
    assert case["state"] == "dispatched"
    k = key()
    path = f"/api/v1/cases/{case['id']}/actions/receive"
    r1 = gw.post(path, json={"version": case["version"]}, headers={"Idempotency-Key": k})
    assert r1.status_code == 200, r1.text
    assert r1.json()["state"] == "in_progress" and r1.json()["version"] == case["version"] + 1
    # the same request again (its answer was lost): the same outcome, no second event, no version conflict
    r2 = gw.post(path, json={"version": case["version"]}, headers={"Idempotency-Key": k})
    assert r2.status_code == 200 and r2.headers["Idempotent-Replayed"] == "true"
    assert r2.json()["state"] == "in_progress" and r2.json()["version"] == r1.json()["version"]
    n = server.sql(f"SELECT count(*) FROM case_event WHERE case_id = {case['id']} AND action = 'receive'")
    assert int(n[0][0]) == 1
    # without the key the stale version is what it is
    r3 = gw.post(path, json={"version": case["version"]})
    assert r3.status_code == 409 and error_of(r3)["code"] == "version_conflict"


def test_public_case_retried_with_its_key_is_one_case_and_the_same_secret(server, cw):
    desc = "居民幂等 " + secrets.token_hex(4)
    body = {"category_id": cw.category["grid"], "description": desc, **cw.point_a}
    k = key()
    r1 = requests.post(server.url("/api/v1/public/cases"), json=body, headers={"Idempotency-Key": k}, timeout=30)
    assert r1.status_code == 201, r1.text
    r2 = requests.post(server.url("/api/v1/public/cases"), json=body, headers={"Idempotency-Key": k}, timeout=30)
    assert r2.status_code == 201 and r2.headers["Idempotent-Replayed"] == "true", r2.text
    a, b = r1.json(), r2.json()
    assert (b["number"], b["secret"], b["tracking_url"]) == (a["number"], a["secret"], a["tracking_url"])
    assert len(cases_described(server, desc)) == 1
    # the key is the client address's: another body under it is refused
    r3 = requests.post(server.url("/api/v1/public/cases"), json=dict(body, description="别的"),
                       headers={"Idempotency-Key": k}, timeout=30)
    assert r3.status_code == 422 and error_of(r3)["code"] == "idempotency_key_reused"
    assert server.sql(f"SELECT caller FROM idempotency_key WHERE key = '{k}'")[0][0] == "ip:127.0.0.1"
    r4 = requests.post(server.url("/api/v1/public/cases"), json=body, headers={"Idempotency-Key": "bad key"},
                       timeout=30)
    assert r4.status_code == 400 and error_of(r4)["field"] == "Idempotency-Key"
