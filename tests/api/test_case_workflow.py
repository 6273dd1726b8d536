"""The case loop's transitions: POST /api/v1/cases/{id}/actions/{action} and the reporter's public rate and
reopen (docs/cases.md "States and transitions", docs/api.md "Case actions").

A server of this module's own, on a test clock (GRIDGOV_TEST_CLOCK: the file holds the Unix ms the server's
clock reads, advancing in real time from the moment it is written), with the real 2026 calendar imported:
中秋 2026-09-25..27 and 国庆 2026-10-01..07 are holidays, Sunday 2026-09-20 and Saturday 2026-10-10 are 调休
working days; office hours 08:30-12:00 and 14:30-18:00 (7 working hours a day).
"""
import datetime
import os
import struct
import zlib

import pytest
import requests

from casekit import CaseWorld, public_case
from conftest import ROOT, Server, World, assert_clean_log, bearer, error_of

SOURCE = os.path.join(ROOT, ".cache", "chinese-days", "package", "dist")
CST = datetime.timezone(datetime.timedelta(hours=8))


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


def parse(text):
    return datetime.datetime.fromisoformat(text)


class Wf:
    def __init__(self, server, world, clock):
        self.s, self.w, self.clock = server, world, clock
        self._apis = {}

    def at(self, iso):
        """Move the server's clock to iso (and log everyone in again: sessions age with the clock)."""
        with open(self.clock, "w") as f:
            f.write(str(ms(iso)))
        self._apis = {}

    def api(self, name):
        if name not in self._apis:
            a = self.w.accounts[name]
            self._apis[name] = bearer(self.s, a.username, a.password)
        return self._apis[name]

    def new_case(self, category, unit="grid_a", channel="hotline", by="dispatcher"):
        r = self.api(by).post("/api/v1/cases", json={"channel": channel, "category_id": self.categories[category],
                                                     "description": "路灯不亮，晚上看不清路", "unit_id": self.w.units[unit]})
        assert r.status_code == 201, r.text
        return r.json()

    def get(self, case, by="dispatcher"):
        r = self.api(by).get(f"/api/v1/cases/{case['id']}")
        assert r.status_code == 200, r.text
        return r.json()

    def act(self, case, action, by, **body):
        body.setdefault("version", case["version"])
        return self.api(by).post(f"/api/v1/cases/{case['id']}/actions/{action}", json=body)

    def ok(self, case, action, by, **body):
        r = self.act(case, action, by, **body)
        assert r.status_code == 200, f"{action} by {by}: {r.text}"
        return r.json()


@pytest.fixture(scope="module")
def wf(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workflow")
    clock = str(tmp / "clock")
    with open(clock, "w") as f:
        f.write(str(ms("2026-09-01T09:00:00+08:00")))
    s = Server(tmp, fast_hash=True, env={"GRIDGOV_TEST_CLOCK": clock, "GRIDGOV_SESSION_HOURS": "720",
                                          "GRIDGOV_SESSION_IDLE_MINUTES": "10080"})
    s.cli("import-calendar", "--from", SOURCE)
    s.stop()
    s.start()
    world = World(s)
    world.unit("dept_b", "street_a", "department", "团城山市场监管所")
    a = world.accounts
    a["dept"] = world.account("dept_a", "department")
    a["dept_b"] = world.account("dept_b", "department")
    a["county_dispatcher"] = world.account("county", "dispatcher")
    cw = CaseWorld(world)  # an area with grid borders, for the public intake (a point in grid A)
    for role in ("grid_worker_a", "community"):
        a["cw_" + role] = cw.account(role)
    x = Wf(s, world, clock)
    x.cw = cw
    x.categories = {}
    for code, first in (("wf_dispatch", "dispatcher"), ("wf_community", "community"), ("wf_grid", "grid")):
        r = world.admin.api.post("/api/v1/categories", json={
            "code": code, "name": f"流程测试{code[3:]}", "response_limit": 1, "response_unit": "working_days",
            "handling_limit": 5, "handling_unit": "working_days", "first_handler": first, "priority": "normal",
            "resident_selectable": True})
        assert r.status_code == 201, r.text
        x.categories[code] = r.json()["id"]
    yield x
    assert s.stop() == 0
    assert_clean_log(s.read_log())


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def events(wf, case, by="dispatcher"):
    r = wf.api(by).get(f"/api/v1/cases/{case['id']}/events")
    assert r.status_code == 200, r.text
    return [e["action"] for e in r.json()["items"]]


# ---- the happy path ----

def test_report_to_rating(wf):
    wf.at("2026-09-01T09:30:00+08:00")
    k = wf.new_case("wf_dispatch")
    assert k["state"] == "reported" and k["owner_unit_id"] == wf.w.units["street_a"]
    k = wf.ok(k, "accept", "dispatcher")
    assert k["state"] == "accepted" and "register" in k["actions"]
    k = wf.ok(k, "register", "dispatcher")
    # registered Tuesday 09:30: five working days from the next day → Tuesday 09-08 at the close of office
    assert k["state"] == "registered" and k["due_at"] == "2026-09-08T18:00:00+08:00"
    assert "dispatch" in k["actions"]
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"], note="请城管中队处置")
    assert k["state"] == "dispatched"
    assert wf.s.sql(f"SELECT handler_unit_id FROM case_item WHERE id = {k['id']}")[0][0] in (
        wf.w.units["dept_a"], str(wf.w.units["dept_a"]))
    d = wf.get(k, "dept")
    assert "receive" in d["actions"] and "dispatch" not in d["actions"]
    k = wf.ok(d, "receive", "dept")
    assert k["state"] == "in_progress"
    k = wf.ok(k, "feedback", "dept", note="已更换灯泡")
    assert k["state"] == "awaiting_verification"
    k = wf.ok(wf.get(k), "verify_pass", "dispatcher")
    assert k["state"] == "closed" and k["closed_at"]
    # the logged-in reporter rates
    wf.s.sql(f"UPDATE case_item SET reporter_account_id = {wf.w.accounts['resident'].id} WHERE id = {k['id']}")
    mine = wf.get(k, "resident")
    assert mine["actions"] == ["rate", "reopen"]
    k = wf.ok(mine, "rate", "resident", rating="satisfied", comment="很快")
    assert k["state"] == "rated" and k["rating"] == "satisfied"
    assert events(wf, k) == ["report", "accept", "register", "dispatch", "receive", "feedback", "verify_pass",
                             "rate"]
    # the dispatcher's instruction stays internal, the handler's result is for the public
    flags = dict(wf.s.sql(f"SELECT action, public FROM case_event WHERE case_id = {k['id']}"))
    assert int(flags["dispatch"]) == 0 and int(flags["feedback"]) == 1 and int(flags["accept"]) == 1
    audit = wf.w.admin.api.get("/api/v1/audit", params={"action": "case.transition"}).json()["items"]
    assert any(e["object_id"] == str(k["id"]) for e in audit)


# ---- side paths ----

def test_reject_needs_a_reason(wf):
    wf.at("2026-09-02T10:00:00+08:00")
    k = wf.new_case("wf_dispatch")
    r = wf.act(k, "reject", "dispatcher")
    assert r.status_code == 400
    e = error_of(r)
    assert e["field"] == "reason" and e["reason"] == "required"
    k = wf.ok(k, "reject", "dispatcher", reason="不属于受理范围")
    assert k["state"] == "rejected" and k["actions"] == []
    r = wf.act(k, "note", "dispatcher", note="补记")
    assert r.status_code == 409 and error_of(r)["code"] == "illegal_transition"
    assert r.json()["error"]["allowed"] == []


def test_close_directly_and_return(wf):
    wf.at("2026-09-02T11:00:00+08:00")
    k = wf.new_case("wf_dispatch")
    r = wf.act(k, "close", "dispatcher")
    assert r.status_code == 400 and error_of(r)["field"] == "note"
    k = wf.ok(k, "close", "dispatcher", note="已电话答复：周末正常开放")
    assert k["state"] == "closed"
    # return: the department gives it back, its task is withdrawn
    k = wf.new_case("wf_dispatch")
    k = wf.ok(k, "register", "dispatcher")
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"])
    r = wf.act(wf.get(k, "dept"), "return", "dept")
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    k = wf.ok(wf.get(k, "dept"), "return", "dept", reason="不属于本部门职责")
    assert k["state"] == "registered"
    rows = wf.s.sql(f"SELECT state FROM case_task WHERE case_id = {k['id']}")
    assert [r[0] for r in rows] == ["withdrawn"]
    # no longer the department's: it may still read what it once held (case.py's visibility counts withdrawn
    # tasks), but may do nothing with it
    r = wf.api("dept").get(f"/api/v1/cases/{k['id']}")
    assert r.status_code == 404 or r.json()["actions"] == []
    r = wf.act(k, "receive", "dept")
    assert r.status_code in (404, 409)


def test_verify_fail_counts_rework(wf):
    wf.at("2026-09-03T09:00:00+08:00")
    k = wf.new_case("wf_grid")
    assert k["state"] == "dispatched"
    k = wf.ok(wf.get(k, "grid_worker"), "receive", "grid_worker")
    k = wf.ok(k, "feedback", "grid_worker", note="已处理")
    k = wf.ok(wf.get(k, "community"), "verify_fail", "community", reason="现场仍有垃圾")
    assert k["state"] == "in_progress" and k["rework_count"] == 1
    # the photo of the rework goes with the feedback (linked to its event); someone else's upload does not
    photo = wf.api("grid_worker").post("/api/v1/attachments", data=png_bytes(), params={"name": "after.png"},
                                       headers={"Content-Type": "image/png"})
    assert photo.status_code == 201, photo.text
    theirs = wf.api("community").post("/api/v1/attachments", data=png_bytes(), params={"name": "x.png"},
                                      headers={"Content-Type": "image/png"}).json()["id"]
    r = wf.act(wf.get(k, "grid_worker"), "feedback", "grid_worker", note="已再次清理", attachment_ids=[theirs])
    assert r.status_code == 400 and error_of(r)["field"] == "attachment_ids"
    k = wf.ok(wf.get(k, "grid_worker"), "feedback", "grid_worker", note="已再次清理",
              attachment_ids=[photo.json()["id"]])
    links = wf.s.sql(f"SELECT l.role, e.action FROM attachment_link l JOIN case_event e ON e.id = l.owner_id "
                     f"WHERE l.owner_type = 'case_event' AND e.case_id = {k['id']}")
    assert [tuple(x) for x in links] == [("after", "feedback")]
    k = wf.ok(wf.get(k, "community"), "verify_pass", "community")
    assert k["state"] == "closed" and k["rework_count"] == 1


def test_joint_dispatch_waits_for_the_assisting_units(wf):
    wf.at("2026-09-03T10:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"],
              assist_unit_ids=[wf.w.units["dept_b"], wf.w.units["grid_b"]])
    tasks = wf.s.sql(f"SELECT role, unit_id FROM case_task WHERE case_id = {k['id']} ORDER BY id")
    assert [r[0] for r in tasks] == ["lead", "assist", "assist"]
    k = wf.ok(wf.get(k, "dept"), "receive", "dept")
    r = wf.act(k, "feedback", "dept", note="主办完成")
    assert r.status_code == 409 and error_of(r)["code"] == "assists_pending"
    assert "团城山市场监管所" in error_of(r)["params"]["name"]
    b = wf.get(k, "dept_b")
    assert b["actions"] == ["assist_report", "note"]
    wf.ok(b, "assist_report", "dept_b", note="证照已核查")
    r = wf.act(wf.get(k, "dept"), "feedback", "dept", note="主办完成")
    assert r.status_code == 409 and "第二网格" in error_of(r)["params"]["name"]
    wf.ok(wf.get(k, "grid_worker_b"), "assist_report", "grid_worker_b", note="已劝离")
    # an assisting unit reports once
    r = wf.act(wf.get(k, "dept_b"), "assist_report", "dept_b", note="again")
    assert r.status_code in (404, 409)
    k = wf.ok(wf.get(k, "dept"), "feedback", "dept", note="主办完成")
    assert k["state"] == "awaiting_verification"


def test_dispatch_targets(wf):
    wf.at("2026-09-03T11:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    # a grid of another street is out of reach
    r = wf.act(k, "dispatch", "dispatcher", unit_id=wf.w.units["grid_b1"])
    assert r.status_code == 400 and error_of(r)["field"] == "unit_id" and error_of(r)["reason"] == "not_reachable"
    r = wf.act(k, "dispatch", "dispatcher")
    assert r.status_code == 400 and error_of(r)["field"] == "unit_id"
    # an account that cannot handle there
    r = wf.act(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"], account_id=wf.w.accounts["resident"].id)
    assert r.status_code == 400 and error_of(r)["field"] == "account_id"
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"], account_id=wf.w.accounts["dept"].id)
    # reassign: to the grid; the department's task is withdrawn
    k = wf.ok(k, "reassign", "dispatcher", unit_id=wf.w.units["grid_a"], reason="属网格职责")
    assert wf.s.sql(f"SELECT note FROM case_event WHERE case_id = {k['id']} AND action = 'reassign'")[0][0] == \
        "属网格职责"
    assert k["state"] == "dispatched"
    rows = wf.s.sql(f"SELECT state FROM case_task WHERE case_id = {k['id']} ORDER BY id")
    assert [r[0] for r in rows] == ["withdrawn", "open"]
    # community staff dispatch in their community, and a department hanging under their street
    c = wf.new_case("wf_community")
    assert c["state"] == "registered" and c["owner_unit_id"] == wf.w.units["community_a1"]
    r = wf.act(c, "dispatch", "community", unit_id=wf.w.units["street_a"])
    assert r.status_code == 400 and error_of(r)["reason"] == "not_reachable"
    c = wf.ok(c, "dispatch", "community", unit_id=wf.w.units["dept_a"])
    assert c["state"] == "dispatched"


def test_extension_request_approve_reject(wf):
    wf.at("2026-09-07T10:00:00+08:00")  # a Monday
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    assert k["due_at"] == "2026-09-14T18:00:00+08:00"
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"])
    k = wf.get(k, "dept")
    assert "extend_request" in k["actions"] and "extend_approve" not in k["actions"]
    r = wf.act(k, "extend_request", "dept", reason="需要采购配件")
    assert r.status_code == 400 and error_of(r)["field"] == "days"
    r = wf.act(k, "extend_request", "dept", reason="需要采购配件", days=2, hours=3)
    assert r.status_code == 400 and error_of(r)["field"] == "days"
    k = wf.ok(k, "extend_request", "dept", reason="需要采购配件", days=2)
    assert k["extension_pending"] is True and k["extension_ms"] == 2 * 7 * 3600 * 1000
    r = wf.act(k, "extend_request", "dept", reason="again", days=1)
    assert r.status_code == 409 and "extend_request" not in error_of(r)["allowed"]
    d = wf.get(k)
    assert "extend_approve" in d["actions"] and "extend_reject" in d["actions"]
    k = wf.ok(d, "extend_approve", "dispatcher")
    assert k["extension_pending"] is False and k["due_at"] == "2026-09-16T18:00:00+08:00"
    k = wf.ok(wf.get(k, "dept"), "extend_request", "dept", reason="再延", hours=3)
    r = wf.act(wf.get(k), "extend_reject", "dispatcher")
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    k = wf.ok(wf.get(k), "extend_reject", "dispatcher", reason="时间足够")
    assert k["extension_pending"] is False and k["due_at"] == "2026-09-16T18:00:00+08:00"


def test_suspend_stops_the_clock(wf):
    wf.at("2026-09-14T09:00:00+08:00")  # Monday
    k = wf.new_case("wf_community")
    # five working days from Tuesday: Sunday 09-20 is a 调休 working day
    assert k["due_at"] == "2026-09-20T18:00:00+08:00"
    wf.at("2026-09-14T10:00:00+08:00")
    k = wf.ok(wf.get(k, "community"), "suspend", "community", reason="等待业主回国")
    assert k["state"] == "suspended" and k["suspended_from"] == "registered"
    assert wf.get(k, "community")["actions"] == ["resume", "note"] or "resume" in wf.get(k, "community")["actions"]
    wf.at("2026-09-16T09:00:00+08:00")
    k = wf.ok(wf.get(k, "community"), "resume", "community")
    assert k["state"] == "registered" and k["suspended_from"] is None
    # suspended 10:00 Monday → 09:00 Wednesday: 5.5 + 7 + 0.5 = 13 working hours; the deadline moves by
    # exactly that working time (the calendar computes the expected value), give or take the test's own seconds
    r = wf.api("community").get("/api/v1/calendar/deadline",
                                params={"from": "2026-09-20T18:00:00+08:00", "hours": 13})
    assert r.status_code == 200, r.text
    assert r.json()["deadline"] == "2026-09-22T17:00:00+08:00"
    got = parse(k["due_at"])
    assert abs((got - parse("2026-09-22T17:00:00+08:00")).total_seconds()) <= 5, k["due_at"]


def test_supervise(wf):
    wf.at("2026-09-15T09:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    r = wf.act(k, "supervise", "grid_worker", note="x")
    assert r.status_code == 409 and error_of(r)["code"] == "illegal_transition"
    r = wf.act(k, "supervise", "dispatcher")
    assert r.status_code == 400 and error_of(r)["field"] == "note"
    r = wf.act(k, "supervise", "dispatcher", note="请加快办理", due_at="2026-09-14T18:00:00+08:00")
    assert r.status_code == 400 and error_of(r)["field"] == "due_at" and error_of(r)["reason"] == "in_the_past"
    k = wf.ok(k, "supervise", "dispatcher", note="请加快办理", due_at="2026-09-17T18:00:00+08:00")
    assert k["supervised"] is True and k["supervise_due_at"] == "2026-09-17T18:00:00+08:00"
    assert events(wf, k)[-1] == "supervise"


def test_escalate_up_to_the_county(wf):
    wf.at("2026-09-15T10:00:00+08:00")
    k = wf.new_case("wf_grid")
    assert k["owner_unit_id"] == wf.w.units["community_a1"]
    r = wf.act(wf.get(k, "grid_worker"), "escalate", "grid_worker")
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    # the grid worker (handler) passes it up: the community's matter becomes the street's
    k = wf.ok(wf.get(k, "grid_worker"), "escalate", "grid_worker", reason="超出网格处置能力")
    assert k["state"] == "registered" and k["owner_unit_id"] == wf.w.units["street_a"]
    k = wf.ok(wf.get(k), "escalate", "dispatcher", reason="需要区级协调")
    assert k["owner_unit_id"] == wf.w.units["county"]
    k = wf.get(k, "county_dispatcher")
    assert "escalate" in k["actions"]
    r = wf.act(k, "escalate", "county_dispatcher", reason="再往上")
    assert r.status_code == 409 and error_of(r)["reason"] == "at_county"
    assert "dispatch" in error_of(r)["allowed"]
    # community → street by community staff
    c = wf.new_case("wf_community")
    c = wf.ok(c, "escalate", "community", reason="涉及多个社区")
    assert c["owner_unit_id"] == wf.w.units["street_a"]


def test_merge(wf):
    wf.at("2026-09-16T10:00:00+08:00")
    a = wf.new_case("wf_dispatch")
    b = wf.new_case("wf_dispatch")
    other = wf.new_case("wf_community")
    r = wf.act(a, "merge", "dispatcher", into_case_id=other["id"])
    assert r.status_code == 400 and error_of(r)["field"] == "into_case_id"
    r = wf.act(a, "merge", "dispatcher", into_case_id=a["id"])
    assert r.status_code == 400 and error_of(r)["field"] == "into_case_id"
    r = wf.act(a, "merge", "dispatcher", into_case_id=99999999)
    assert r.status_code == 400 and error_of(r)["field"] == "into_case_id"
    a = wf.ok(a, "merge", "dispatcher", into_case_id=b["id"], note="同一路灯")
    assert a["state"] == "merged" and a["actions"] == []
    assert wf.s.sql(f"SELECT merged_into FROM case_item WHERE id = {a['id']}")[0][0] in (b["id"], str(b["id"]))
    assert events(wf, b)[-1] == "merge_in"
    # into a merged (no longer open) case: refused
    c = wf.new_case("wf_dispatch")
    r = wf.act(c, "merge", "dispatcher", into_case_id=a["id"])
    assert r.status_code == 400 and error_of(r)["field"] == "into_case_id"


def test_rate_unsatisfied_reopen_and_the_window(wf):
    wf.at("2026-09-17T09:00:00+08:00")
    # a resident reports on the public page (no login) and keeps number + secret
    made = public_case(wf.cw, description="小区门口路灯坏了")
    number, secret = made["number"], made["secret"]
    k = {"id": int(wf.s.sql(f"SELECT id FROM case_item WHERE number = '{number}'")[0][0])}
    k = wf.get(k, "cw_grid_worker_a")
    assert k["state"] == "dispatched"
    k = wf.ok(k, "receive", "cw_grid_worker_a")
    k = wf.ok(k, "feedback", "cw_grid_worker_a", note="已报修")
    k = wf.ok(wf.get(k, "cw_community"), "verify_pass", "cw_community")
    assert k["state"] == "closed"
    pub = requests.Session()  # the public steps need no session
    base = wf.s.url(f"/api/v1/public/cases/{number}")
    track = lambda: pub.get(base, params={"secret": secret}, timeout=30).json()  # noqa: E731
    assert track()["actions"] == ["rate", "reopen"]
    r = pub.post(base + "/rate", json={"secret": "wrong-secret", "rating": "unsatisfied"}, timeout=30)
    assert r.status_code == 404
    r = pub.post(wf.s.url("/api/v1/public/cases/GG20260917999999/rate"), json={"secret": secret,
                                                                            "rating": "unsatisfied"}, timeout=30)
    assert r.status_code == 404
    r = pub.post(base + "/rate", json={"secret": secret, "rating": "so-so"}, timeout=30)
    assert r.status_code == 400 and error_of(r)["field"] == "rating"
    r = pub.post(base + "/rate", json={"secret": secret, "rating": "unsatisfied", "comment": "没解决"}, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "rated"
    assert track()["actions"] == ["reopen"] and track()["rating"] == "unsatisfied"
    # rated once: rating again is not a step of a rated case
    r = pub.post(base + "/rate", json={"secret": secret, "rating": "satisfied"}, timeout=30)
    assert r.status_code == 409 and error_of(r)["allowed"] == ["reopen"]
    r = pub.post(base + "/reopen", json={"secret": secret}, timeout=30)
    assert r.status_code == 400 and error_of(r)["field"] == "reason"
    wf.at("2026-09-18T09:00:00+08:00")
    r = pub.post(base + "/reopen", json={"secret": secret, "reason": "路灯又坏了"}, timeout=30)
    assert r.status_code == 200, r.text
    k = wf.get(k, "cw_community")
    assert k["state"] == "registered" and k["reopen_count"] == 1 and k["rating"] is None
    assert k["owner_unit_id"] == wf.cw.community
    # a new clock from the reopening: 暴露垃圾 has 4 working hours, Friday 09:00 → 12:00 (3 h) + 14:30-15:30
    assert wf.cw.categories["exposed_rubbish"]["effective"]["handling_limit"] == 4
    assert k["due_at"] == "2026-09-18T15:30:00+08:00"
    assert events(wf, k, "cw_community")[-2:] == ["rate", "reopen"]
    # closed again; eight days later the window (case_reopen_days = 7) has passed
    k = wf.ok(k, "close", "cw_community", note="已修复")
    wf.at("2026-09-26T10:00:00+08:00")
    r = pub.post(base + "/reopen", json={"secret": secret, "reason": "还是不亮"}, timeout=30)
    assert r.status_code == 409 and error_of(r)["reason"] == "window_passed"
    assert error_of(r)["params"]["max"] == 7
    assert track()["actions"] == ["rate"]  # the window has passed: rating is all that is left
    r = pub.post(base + "/rate", json={"secret": secret, "rating": "satisfied"}, timeout=30)
    assert r.status_code == 200
    r = pub.post(base + "/rate", json={"secret": secret, "rating": "satisfied"}, timeout=30)
    assert r.status_code == 409 and error_of(r)["allowed"] == []  # rated, and too late to reopen
    # a satisfied rating closes the matter for good (the logged-in reporter this time)
    wf.at("2026-09-26T11:00:00+08:00")
    k2 = wf.ok(wf.new_case("wf_dispatch"), "close", "dispatcher", note="已答复")
    wf.s.sql(f"UPDATE case_item SET reporter_account_id = {wf.w.accounts['resident'].id} WHERE id = {k2['id']}")
    k2 = wf.ok(wf.get(k2, "resident"), "rate", "resident", rating="satisfied")
    assert k2["actions"] == []  # a satisfied rating leaves nothing to do
    r = wf.act(k2, "reopen", "resident", reason="想重新办理")
    assert r.status_code == 409 and error_of(r)["reason"] == "rated_satisfied"


def test_illegal_transitions_and_stale_versions(wf):
    wf.at("2026-09-21T09:00:00+08:00")
    k = wf.new_case("wf_dispatch")
    r = wf.act(k, "receive", "dispatcher")
    assert r.status_code == 409
    e = r.json()["error"]
    assert e["code"] == "illegal_transition" and e["field"] == "action"
    assert e["allowed"] == ["accept", "register", "reject", "close", "merge", "note"]
    r = wf.act(k, "fly", "dispatcher")
    assert r.status_code == 404
    # the grid worker sees the case in its grid but may do nothing with it yet
    r = wf.act(k, "accept", "grid_worker")
    assert r.status_code == 409 and r.json()["error"]["allowed"] == []
    wf.ok(k, "accept", "dispatcher")
    r = wf.act(k, "register", "dispatcher")  # k's version is the one before accept
    assert r.status_code == 409 and error_of(r)["code"] == "version_conflict"
    r = wf.act(k, "register", "dispatcher", version=None)
    assert r.status_code == 400 and error_of(r)["field"] == "version"


def test_others_see_nothing(wf):
    wf.at("2026-09-21T10:00:00+08:00")
    k = wf.new_case("wf_grid")  # dispatched to grid A
    # a department it was not dispatched to
    r = wf.act(k, "receive", "dept")
    assert r.status_code == 404
    # the grid worker of grid B
    r = wf.act(k, "receive", "grid_worker_b")
    assert r.status_code == 404
    # the other street's dispatcher
    r = wf.act(k, "note", "dispatcher_street_b", note="x")
    assert r.status_code == 404
    k = wf.ok(wf.get(k, "grid_worker"), "note", "grid_worker", note="内部备注", public=False)
    assert k["state"] == "dispatched"


def test_deadlines_cross_the_holidays(wf):
    # registered Tuesday 09-29: 09-30 is day 1, 国庆 10-01..07 off, 10-08 and 10-09 days 2 and 3, Saturday
    # 10-10 (调休) day 4, Monday 10-12 day 5
    wf.at("2026-09-29T10:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    assert k["due_at"] == "2026-10-12T18:00:00+08:00"
    assert k["calendar_fallback"] is False
    # dispatching keeps the clock that registration started
    k = wf.ok(k, "dispatch", "dispatcher", unit_id=wf.w.units["dept_a"])
    assert k["due_at"] == "2026-10-12T18:00:00+08:00"
    # registered Wednesday 09-23: 09-24 day 1, 中秋 09-25..27 off, 09-28..30 days 2-4, 国庆 off, 10-08 day 5
    wf.at("2026-09-23T15:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    assert k["due_at"] == "2026-10-08T18:00:00+08:00"
    # registered Friday 09-18: Sunday 09-20 (调休) is day 1 → Thursday 09-24
    wf.at("2026-09-18T16:00:00+08:00")
    k = wf.ok(wf.new_case("wf_dispatch"), "register", "dispatcher")
    assert k["due_at"] == "2026-09-24T18:00:00+08:00"


def test_the_docs_hold_the_generated_table():
    import subprocess

    from conftest import BINARY

    out = subprocess.run([BINARY, "workflow", "--markdown"], capture_output=True, text=True, check=True).stdout
    with open(os.path.join(ROOT, "docs", "cases.md"), encoding="utf-8") as f:
        doc = f.read()
    begin, end = "<!-- workflow-table:begin -->\n", "<!-- workflow-table:end -->"
    assert doc[doc.index(begin) + len(begin):doc.index(end)] == out
    assert "| closed, rated | `reopen` | registered | reporter | reason | 重新办理 | Reopen |" in out
    bad = subprocess.run([BINARY, "workflow"], capture_output=True, text=True)
    assert bad.returncode == 2 and "usage" in bad.stderr


def test_two_steps_at_once_one_wins(wf):
    """Two dispatchers act on the same version at the same moment: one step is taken, the other is told the
    case moved on (version_conflict, or illegal_transition when it saw the new state)."""
    from concurrent.futures import ThreadPoolExecutor

    wf.at("2026-09-22T09:00:00+08:00")
    k = wf.new_case("wf_dispatch")
    api = wf.api("dispatcher")

    def step(action):
        return api.post(f"/api/v1/cases/{k['id']}/actions/{action}", json={"version": k["version"],
                                                                             **({"reason": "重复"} if action == "reject" else {})})

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(step, ["accept", "reject", "register", "accept"]))
    codes = sorted(r.status_code for r in results)
    assert codes.count(200) == 1, [r.text for r in results]
    assert all(error_of(r)["code"] in ("version_conflict", "illegal_transition") for r in results
               if r.status_code != 200)
    n = int(wf.s.sql(f"SELECT COUNT(*) FROM case_event WHERE case_id = {k['id']}")[0][0])
    assert n == 2  # the report and the one step
