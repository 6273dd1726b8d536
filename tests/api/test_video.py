"""Video alarms (docs/api.md "Video alarms"): a fake camera platform signs alarms with its source's secret; an
alarm opens a video_alarm case in the camera's grid with the snapshot attached; a replayed nonce, a bad
signature and an old timestamp are refused; ten alarms of one camera and type within the window make one case
with a count; after the window a new case opens."""
import base64
import json
import secrets
import time

import pytest
import requests

from casekit import cw, png_bytes  # noqa: F401
from conftest import error_of
from fakeremote import sign


@pytest.fixture(scope="module")
def platform(cw):
    api = cw.admin.api
    assert cw.api("dispatcher").post("/api/v1/video/sources", json={"name": "x"}).status_code == 403
    r = api.post("/api/v1/video/sources", json={"name": "雪亮工程测试平台"})
    assert r.status_code == 201, r.text
    src = r.json()
    cam_id = "3501" + secrets.token_hex(4)
    r = api.post("/api/v1/cameras", json={"source_id": src["id"], "external_id": cam_id, "name": "社区东门",
                                          "lat": cw.point_b["lat"], "lon": cw.point_b["lon"]})
    assert r.status_code == 201, r.text
    r = api.post("/api/v1/video/alarm-types", json={"alarm_type": "garbage_overflow",
                                                    "category_id": cw.category["grid"]})
    assert r.status_code == 200 or r.status_code == 204, r.text
    assert any(c["external_id"] == cam_id for c in api.get("/api/v1/cameras").json()["items"])
    return {"source": src["id"], "secret": src["secret"], "camera": cam_id}


def send(cw, platform, secret=None, t=None, nonce=None, **kw):
    body = {"nonce": nonce or secrets.token_hex(8), "camera_id": platform["camera"], "alarm_type": "garbage_overflow",
            "occurred_at": "2026-12-04T10:00:00+08:00"}
    body.update(kw)
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Gridgov-Source": str(platform["source"]),
               "X-Gridgov-Signature": sign(secret or platform["secret"], raw, t)}
    return requests.post(cw.world.server.url("/api/v1/video/alarms"), data=raw, headers=headers, timeout=30)


def snapshot(color=(10, 200, 30)):
    return base64.b64encode(png_bytes(color)).decode()


def test_an_alarm_opens_a_case_in_the_cameras_grid_with_the_snapshot(cw, platform):
    r = send(cw, platform, snapshot_base64=snapshot())
    assert r.status_code == 201, r.text
    ack = r.json()
    assert not ack["added_to_open_case"] and ack["alarm_count"] == 1 and ack["snapshot_attachment_id"]
    k = cw.api("dispatcher").get(f"/api/v1/cases/{ack['case_id']}").json()
    assert k["channel"] == "video_alarm" and k["unit_id"] == cw.grid_b
    ev = cw.api("dispatcher").get(f"/api/v1/cases/{ack['case_id']}/events").json()["items"]
    atts = [a["id"] for e in ev for a in e.get("attachments", [])]
    assert ack["snapshot_attachment_id"] in atts
    # close it, so the next tests start from no open case of this camera
    cw.world.server.sql(f"UPDATE case_item SET state = 'closed' WHERE id = {ack['case_id']}")


def test_refusals(cw, platform):
    nonce = secrets.token_hex(8)
    r = send(cw, platform, nonce=nonce)
    assert r.status_code == 201, r.text
    r = send(cw, platform, nonce=nonce)
    assert r.status_code == 409 and error_of(r)["field"] == "nonce" and error_of(r)["reason"] == "replayed", r.text
    r = send(cw, platform, secret="not-the-source-secret-at-all")
    assert r.status_code == 401 and error_of(r)["reason"] == "bad_signature", r.text
    r = send(cw, platform, t=time.time() - 400)
    assert r.status_code == 400 and error_of(r)["reason"] == "stale", r.text
    r = send(cw, platform, camera_id="nope")
    assert r.status_code == 400 and error_of(r)["field"] == "camera_id", r.text
    r = send(cw, platform, snapshot_base64=base64.b64encode(b"not an image at all, just text").decode())
    assert r.status_code == 415 and error_of(r)["field"] == "snapshot_base64", r.text
    cw.world.server.sql(f"UPDATE case_item SET state = 'closed' WHERE channel = 'video_alarm'")


def test_repeated_alarms_within_the_window_make_one_case(cw, platform):
    acks = [send(cw, platform, snapshot_base64=snapshot((i, 10, 10))) for i in range(10)]
    assert [a.status_code for a in acks] == [201] + [200] * 9, [a.text for a in acks]
    ids = {a.json()["case_id"] for a in acks}
    assert len(ids) == 1
    assert acks[-1].json()["alarm_count"] == 10
    cid = ids.pop()
    row = cw.world.server.sql(f"SELECT alarm_count, last_attachment_id FROM video_case WHERE case_id = {cid}")[0]
    assert int(row[0]) == 10 and int(row[1]) == acks[-1].json()["snapshot_attachment_id"]
    # after the window (video_dedup_minutes, 30 by default): a new case
    cw.world.server.sql(f"UPDATE video_case SET last_at = last_at - 31 * 60000 WHERE case_id = {cid}")
    r = send(cw, platform)
    assert r.status_code == 201 and r.json()["case_id"] != cid, r.text
