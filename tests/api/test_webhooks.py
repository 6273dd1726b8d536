"""Outbox and webhooks (docs/api.md "Webhooks"): a case step writes its outbox row in the same transaction; the
delivery worker POSTs it, signed, to every matching subscription; a failing endpoint is retried with backoff and
goes dead after webhook_max_attempts; an administrator retries a dead delivery; subscriptions filter on a unit
subtree.  The receiver is a fake remote (fakeremote.py)."""
import os
import shutil
import time

import pytest

from casekit import cw, make_case  # noqa: F401  (cw: the module's case world)
from conftest import IS_PG, Server, assert_clean_log, error_of
from fakeremote import FakeRemote, verify


@pytest.fixture(scope="module")
def fast(server):
    """Backoff in tens of milliseconds and three tries, so the test sees a delivery die."""
    for k, v in (("webhook_backoff_ms", "200"), ("webhook_max_attempts", "3"), ("webhook_timeout_ms", "3000")):
        server.sql(f"INSERT INTO app_setting (key, value, updated_at) VALUES ('{k}', '{v}', 0) "
                   f"ON CONFLICT (key) DO UPDATE SET value = '{v}'")
    yield
    server.sql("DELETE FROM app_setting WHERE key LIKE 'webhook_%'")


@pytest.fixture
def fake():
    f = FakeRemote()
    yield f
    f.close()


def subscribe(cw, fake, path="/hook", **body):
    body.setdefault("name", "test hook")
    body.setdefault("url", fake.url(path))
    body.setdefault("event_types", ["case.*"])
    body.setdefault("unit_id", cw.street)
    r = cw.admin.api.post("/api/v1/webhooks", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def deactivate(cw, sub):
    cur = cw.admin.api.get(f"/api/v1/webhooks/{sub['id']}").json()
    r = cw.admin.api.patch(f"/api/v1/webhooks/{sub['id']}", json={"active": False, "version": cur["version"]})
    assert r.status_code == 200, r.text


def test_only_administrators_manage_webhooks(cw, fake):
    r = cw.api("dispatcher").get("/api/v1/webhooks")
    assert r.status_code == 403, r.text
    r = cw.api("dispatcher").post("/api/v1/webhooks", json={"name": "x", "url": fake.url(), "event_types": ["*"]})
    assert r.status_code == 403, r.text
    r = cw.admin.api.post("/api/v1/webhooks", json={"name": "x", "url": "ftp://example.org/x", "event_types": ["*"]})
    assert r.status_code == 400 and error_of(r)["field"] == "url", r.text
    r = cw.admin.api.post("/api/v1/webhooks", json={"name": "x", "url": fake.url(), "event_types": ["bogus"]})
    assert r.status_code == 400 and error_of(r)["field"] == "event_types[0]", r.text


def test_a_case_step_is_delivered_signed(cw, fake, fast):
    sub = subscribe(cw, fake)
    assert sub["secret"].startswith("whsec_") and sub["event_types"] == ["case.*"]
    assert "secret" not in cw.admin.api.get(f"/api/v1/webhooks/{sub['id']}").json()
    k = make_case(cw)
    got = fake.wait(lambda r: r["json"]["case"]["id"] == k["id"] and r["json"]["type"] == "case.created")[0]
    assert verify(sub["secret"], got["headers"]["X-Gridgov-Signature"], got["body"])
    assert got["headers"]["X-Gridgov-Event"] == "case.created"
    assert got["json"]["case"]["number"] == k["number"]
    assert "reporter_phone" not in got["body"].decode()
    # a later step: its own event type
    k = cw.api("dispatcher").get(f"/api/v1/cases/{k['id']}").json()
    r = cw.api("dispatcher").post(f"/api/v1/cases/{k['id']}/actions/note",
                                  json={"version": k["version"], "note": "现场已核实", "public": True})
    assert r.status_code == 200, r.text
    got = fake.wait(lambda r: r["json"]["case"]["id"] == k["id"] and r["json"]["type"] == "case.note")[0]
    assert got["json"]["note"] == "现场已核实"
    assert verify(sub["secret"], got["headers"]["X-Gridgov-Signature"], got["body"])
    deadline = time.time() + 10
    while True:  # the receiver answered before the worker wrote down its answer
        ds = cw.admin.api.get(f"/api/v1/webhooks/{sub['id']}/deliveries").json()["items"]
        mine = [d for d in ds if d["event_type"] in ("case.created", "case.note")]
        if (mine and all(d["state"] == "delivered" for d in mine)) or time.time() > deadline:
            break
        time.sleep(0.1)
    assert mine and all(d["state"] == "delivered" and d["last_status"] == 200 for d in mine), mine
    deactivate(cw, sub)


def test_a_failing_endpoint_is_retried_then_dead_then_retried_by_hand(cw, fake, fast):
    sub = subscribe(cw, fake, path="/failing", event_types=["case.created"])
    fake.statuses = [500, 503, 500]
    k = make_case(cw)
    tries = fake.wait(lambda r: r["path"] == "/failing" and r["json"]["case"]["id"] == k["id"], count=3)
    gaps = [b["at"] - a["at"] for a, b in zip(tries, tries[1:])]
    assert all(g >= 0.09 for g in gaps), gaps  # 200 ms × 2^n with jitter of 50–100 %
    deadline = time.time() + 10
    while True:
        ds = cw.admin.api.get(f"/api/v1/webhooks/{sub['id']}/deliveries", params={"state": "dead"}).json()["items"]
        if ds or time.time() > deadline:
            break
        time.sleep(0.1)
    assert len(ds) == 1 and ds[0]["attempts"] == 3 and ds[0]["last_status"] == 500, ds
    time.sleep(1)
    assert len(fake.matching(lambda r: r["path"] == "/failing")) == 3  # dead: no fourth try
    assert cw.api("dispatcher").post(f"/api/v1/webhook-deliveries/{ds[0]['id']}/retry").status_code == 403
    r = cw.admin.api.post(f"/api/v1/webhook-deliveries/{ds[0]['id']}/retry")
    assert r.status_code == 200 and r.json()["state"] == "pending", r.text
    fake.wait(lambda r: r["path"] == "/failing" and r["status"] == 200)
    deadline = time.time() + 10
    while cw.admin.api.get(f"/api/v1/webhooks/{sub['id']}/deliveries").json()["items"][0]["state"] != "delivered":
        assert time.time() < deadline
        time.sleep(0.1)
    r = cw.admin.api.post(f"/api/v1/webhook-deliveries/{ds[0]['id']}/retry")
    assert r.status_code == 409 and error_of(r)["reason"] == "already_delivered", r.text
    deactivate(cw, sub)


def test_the_unit_subtree_filters(cw, world, fake, fast):
    other = world.unit("wh_other_street", "county", "street", "别的街道")
    mine = subscribe(cw, fake, path="/mine", event_types=["case.created"])
    theirs = subscribe(cw, fake, path="/theirs", event_types=["case.created"], unit_id=other)
    k = make_case(cw)
    fake.wait(lambda r: r["path"] == "/mine" and r["json"]["case"]["id"] == k["id"])
    time.sleep(1.5)
    assert not fake.matching(lambda r: r["path"] == "/theirs")
    deactivate(cw, mine)
    deactivate(cw, theirs)


def test_fails_twice_then_delivered_exactly_once(cw, fake, fast):
    sub = subscribe(cw, fake, path="/twice", event_types=["case.created"])
    fake.statuses = [500, 502]
    k = make_case(cw)
    ok = fake.wait(lambda r: r["path"] == "/twice" and r["json"]["case"]["id"] == k["id"] and r["status"] == 200)
    assert verify(sub["secret"], ok[0]["headers"]["X-Gridgov-Signature"], ok[0]["body"])
    time.sleep(1.5)
    tries = fake.matching(lambda r: r["path"] == "/twice" and r["json"]["case"]["id"] == k["id"])
    assert [t["status"] for t in tries] == [500, 502, 200]
    assert len({t["headers"]["X-Gridgov-Delivery"] for t in tries}) == 1  # one delivery, three tries
    deactivate(cw, sub)


def test_a_crash_mid_delivery_is_retried_after_restart(cw, server, fake, fast):
    """The server dies (SIGKILL) while the receiver holds its request: the delivery's lease runs out after the
    restart and it is sent again — at least once, never lost."""
    server.sql("UPDATE app_setting SET value = '2000' WHERE key = 'webhook_timeout_ms'")
    try:
        sub = subscribe(cw, fake, path="/crash", event_types=["case.created"])
        fake.delays = [4]
        k = make_case(cw)
        deadline = time.time() + 10
        while not fake.arrived and time.time() < deadline:
            time.sleep(0.02)
        assert fake.arrived, "the first try never arrived"
        server.stop(sig="KILL")
        server.start()
        got = fake.wait(lambda r: r["path"] == "/crash" and r["json"]["case"]["id"] == k["id"], count=2, timeout=30)
        assert verify(sub["secret"], got[-1]["headers"]["X-Gridgov-Signature"], got[-1]["body"])
        deactivate(cw, sub)
    finally:
        server.sql("UPDATE app_setting SET value = '3000' WHERE key = 'webhook_timeout_ms'")


@pytest.mark.skipif(not IS_PG, reason="several nodes share a PostgreSQL database")
def test_two_nodes_deliver_each_event_once(cw, server, fake, fast, tmp_path):
    """A second gridgov on the same database (and key file) runs its own delivery worker: each delivery is
    claimed by one node (SKIP LOCKED and a lease), so every event arrives exactly once."""
    os.makedirs(tmp_path / "data", mode=0o700)
    shutil.copy(os.path.join(server.data_dir, "gridgov.key"), tmp_path / "data" / "gridgov.key")
    os.chmod(tmp_path / "data" / "gridgov.key", 0o600)
    node_b = Server(tmp_path, database=server.database, fast_hash=True)
    try:
        sub = subscribe(cw, fake, path="/nodes", event_types=["case.created"])
        ids = [make_case(cw)["id"] for _ in range(12)]
        fake.wait(lambda r: r["path"] == "/nodes", count=len(ids), timeout=30)
        time.sleep(1.5)
        got = [r["json"]["case"]["id"] for r in fake.matching(lambda r: r["path"] == "/nodes")]
        assert sorted(got) == sorted(ids), got
        deactivate(cw, sub)
    finally:
        node_b.stop()
        assert_clean_log(node_b.read_log())
