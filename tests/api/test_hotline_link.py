"""The 12345 platform link (docs/api.md "12345 platform link"): a signed work-order push makes a routed hotline
case through the ordinary creation; a bad signature or an old timestamp is refused naming the header; a
duplicate push answers the same case; acceptance, return (退单), extension, completion (办结) and the rating
reach the fake platform's callback URL as signed outbox deliveries."""
import json
import secrets
import time

import pytest
import requests

from casekit import cw  # noqa: F401
from conftest import error_of
from fakeremote import FakeRemote, sign, verify

SECRET = "test-12345-platform-secret-" + "x" * 90  # longer than 64: the whole secret signs


@pytest.fixture(scope="module")
def platform():
    f = FakeRemote()
    yield f
    f.close()


@pytest.fixture(scope="module")
def line(cw, world, platform):
    r = cw.admin.api.post("/api/v1/hotline-lines", json={"name": "12345 测试县", "number": "12345-" +
                                                          str(secrets.randbelow(9000) + 1000),
                                                          "unit_id": world.units["county"]})
    assert r.status_code == 201, r.text
    lid = r.json()["id"]
    assert cw.api("dispatcher").put(f"/api/v1/hotline-lines/{lid}/link", json={"secret": SECRET}).status_code == 403
    r = cw.admin.api.put(f"/api/v1/hotline-lines/{lid}/link",
                         json={"secret": SECRET, "callback_url": platform.url("/callback")})
    assert r.status_code == 200, r.text
    assert r.json()["callback_url"] == platform.url("/callback") and r.json()["secret"] == SECRET
    assert "secret" not in cw.admin.api.get(f"/api/v1/hotline-lines/{lid}/link").json()
    return lid


def push(cw, line, order, secret=SECRET, t=None, signature=None):
    body = json.dumps(order, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json", "X-Gridgov-Line": str(line),
               "X-Gridgov-Signature": signature or sign(secret, body, t)}
    return requests.post(cw.world.server.url("/api/v1/hotline/orders"), data=body, headers=headers, timeout=30)


def order(cw, category="exposed_rubbish", **kw):
    o = {"external_no": "GD" + secrets.token_hex(5), "category_code": category,
         "description": "市民来电反映：小区门口垃圾堆积", "caller_name": "李先生", "caller_phone": "13800001234",
         "address": "测试路1号", "lat": cw.point_a["lat"], "lon": cw.point_a["lon"],
         "deadline": "2026-12-10T18:00:00+08:00"}
    o.update(kw)
    return o


def callbacks(platform, external_no, kind, count=1):
    return platform.wait(lambda r: (r["json"].get("hotline") or {}).get("external_no") == external_no and
                         r["json"]["hotline"]["callback"] == kind, count=count)


def test_a_signed_push_makes_a_routed_hotline_case(cw, line, platform):
    o = order(cw)
    r = push(cw, line, o)
    assert r.status_code == 201, r.text
    ack = r.json()
    assert ack["accepted"] and not ack["duplicate"] and ack["external_no"] == o["external_no"]
    k = cw.api("dispatcher").get(f"/api/v1/cases/{ack['case_id']}").json()
    assert k["number"] == ack["case_number"] and k["channel"] == "hotline"
    assert k["unit_id"] == cw.grid_a and k["external_no"] == o["external_no"]
    assert "13800001234" not in json.dumps(k)  # the caller's phone is masked (and stored encrypted)
    got = callbacks(platform, o["external_no"], "accepted")[0]
    assert verify(SECRET, got["headers"]["X-Gridgov-Signature"], got["body"])
    assert got["json"]["hotline"]["case_number"] == ack["case_number"]
    # the same work order again: the same case, no second one
    r = push(cw, line, o)
    assert r.status_code == 200 and r.json()["duplicate"] and r.json()["case_id"] == ack["case_id"], r.text
    assert "tracking_secret" not in r.json()
    n = cw.world.server.sql(f"SELECT COUNT(*) FROM case_item WHERE external_no = '{o['external_no']}'")
    assert int(n[0][0]) == 1


def test_bad_signatures_are_refused(cw, line):
    o = order(cw)
    r = push(cw, line, o, secret="another-secret-entirely")
    assert r.status_code == 401 and error_of(r)["field"] == "X-Gridgov-Signature", r.text
    assert error_of(r)["reason"] == "bad_signature"
    r = push(cw, line, o, t=time.time() - 600)
    assert r.status_code == 400 and error_of(r)["field"] == "X-Gridgov-Signature", r.text
    assert error_of(r)["reason"] == "stale"
    r = push(cw, line, o, signature="v1=deadbeef")
    assert r.status_code == 400 and error_of(r)["reason"] == "malformed", r.text
    r = push(cw, 999999, o)
    assert r.status_code == 401, r.text
    n = cw.world.server.sql(f"SELECT COUNT(*) FROM case_item WHERE external_no = '{o['external_no']}'")
    assert int(n[0][0]) == 0


def act(cw, case_id, action, by, **body):
    k = cw.api("dispatcher").get(f"/api/v1/cases/{case_id}").json()
    body.setdefault("version", k["version"])
    r = cw.api(by).post(f"/api/v1/cases/{case_id}/actions/{action}", json=body)
    assert r.status_code == 200, f"{action}: {r.text}"
    return r.json()


def test_callbacks_extension_completion_rating(cw, line, platform):
    o = order(cw)
    ack = push(cw, line, o).json()
    cid = ack["case_id"]
    k = cw.api("dispatcher").get(f"/api/v1/cases/{cid}").json()
    if k["state"] == "registered":
        act(cw, cid, "dispatch", "dispatcher", unit_id=cw.grid_a)
    act(cw, cid, "receive", "grid_worker_a")
    act(cw, cid, "extend_request", "grid_worker_a", reason="需要协调清运车辆", days=2)
    act(cw, cid, "extend_approve", "dispatcher")
    ext = callbacks(platform, o["external_no"], "extended")[0]
    assert ext["json"]["hotline"]["due_at"]
    act(cw, cid, "feedback", "grid_worker_a", note="垃圾已清运完毕")
    act(cw, cid, "verify_pass", "dispatcher")
    done = callbacks(platform, o["external_no"], "completed")[0]
    assert done["json"]["hotline"]["reply"] == "垃圾已清运完毕"
    r = requests.post(cw.world.server.url(f"/api/v1/public/cases/{ack['case_number']}/rate"),
                      json={"secret": ack["tracking_secret"], "rating": "satisfied", "comment": "很快"}, timeout=30)
    assert r.status_code == 200, r.text
    rated = callbacks(platform, o["external_no"], "rated")[0]
    assert rated["json"]["hotline"]["rating"] == "satisfied" and rated["json"]["hotline"]["comment"] == "很快"
    for got in (ext, done, rated):
        assert verify(SECRET, got["headers"]["X-Gridgov-Signature"], got["body"])
    # the acceptance is told once
    time.sleep(0.5)
    assert len(callbacks(platform, o["external_no"], "accepted")) == 1


def test_return_with_a_reason(cw, line, platform):
    o = order(cw, category="consultation", description="咨询：不属于本地事项")
    ack = push(cw, line, o).json()
    k = cw.api("dispatcher").get(f"/api/v1/cases/{ack['case_id']}").json()
    assert k["state"] in ("reported", "accepted"), k["state"]
    act(cw, ack["case_id"], "reject", "dispatcher", reason="非本辖区事项，请平台改派")
    got = callbacks(platform, o["external_no"], "returned")[0]
    assert got["json"]["hotline"]["reason"] == "非本辖区事项，请平台改派"


def test_staff_intake_of_a_pushed_work_order_is_refused(cw, line):
    o = order(cw)
    ack = push(cw, line, o).json()
    r = cw.api("dispatcher").post("/api/v1/cases", json={
        "channel": "hotline", "line_id": line, "external_no": o["external_no"], "category_id": cw.category["grid"],
        "description": "重复登记", **cw.point_a})
    assert r.status_code == 409 and error_of(r)["field"] == "external_no", r.text
    assert error_of(r)["reason"] == "work_order_taken" and ack["case_number"] in r.text
