"""The live stream (docs/api.md "Stream"): GET /api/v1/stream answers Server-Sent Events — the case changes
within the caller's scope and the caller's unread notification count — resumes after Last-Event-ID, beats
every 20 s, reaches clients of any node on PostgreSQL, and holds thousands of idle streams without threads."""
import os
import resource
import shutil
import socket
import time

import pytest
import requests

from conftest import IS_PG, Server, assert_clean_log, bearer
from livekit import Sse, act, category, dispatched, new_case


def token(acc):
    return acc.api.token


def test_a_step_reaches_the_dispatcher_not_an_outsider(server, world):
    a = world.accounts
    disp, dept = a["dispatcher"], a["department"]
    cat = category(world.admin.api)
    s_disp = Sse(server, token(disp))
    s_out = Sse(server, token(a["dispatcher_street_b"]))   # another street: out of scope
    s_dept = Sse(server, token(dept))
    try:
        first = s_disp.next("notifications")
        assert first is not None and "unread" in first["data"]
        assert s_disp.status == 200 and s_disp.headers["content-type"].startswith("text/event-stream")
        assert s_disp.headers.get("cache-control") == "no-cache"
        k = new_case(disp.api, cat, world.units["grid_a"])
        ev = s_disp.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
        assert ev is not None and ev["data"]["type"] == "case.created" and int(ev["id"]) > 0
        k = act(disp.api, k, "accept")
        ev2 = s_disp.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
        assert ev2["data"]["action"] == "accept" and int(ev2["id"]) > int(ev["id"])
        # the department gets the dispatch, and its unread count goes up
        k = act(disp.api, k, "register")
        k = act(disp.api, k, "dispatch", unit_id=world.units["dept_a"], note="请处置")
        d = s_dept.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"] and e["data"]["action"] == "dispatch")
        assert d is not None
        c = s_dept.next("notifications", where=lambda e: e["data"]["unread"] > 0)
        assert c is not None
        assert s_out.next("case", timeout=1.0, where=lambda e: e["data"]["case"]["id"] == k["id"]) is None
    finally:
        for s in (s_disp, s_out, s_dept):
            s.close()


def test_last_event_id_resumes(server, world):
    disp = world.accounts["dispatcher"]
    cat = category(world.admin.api)
    s = Sse(server, token(disp))
    k = new_case(disp.api, cat, world.units["grid_a"])
    ev = s.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
    s.close()
    # missed while away: two steps
    k = act(disp.api, k, "accept")
    k = act(disp.api, k, "register")
    s2 = Sse(server, token(disp), last_event_id=ev["id"])
    try:
        got = [s2.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"]) for _ in range(2)]
        assert [g["data"]["action"] for g in got] == ["accept", "register"]
        assert int(got[0]["id"]) > int(ev["id"])
        # a malformed id is refused
        r = disp.api.get("/api/v1/stream", headers={"Last-Event-ID": "abc"})
        assert r.status_code == 400
    finally:
        s2.close()


@pytest.mark.skipif(not IS_PG, reason="several nodes need PostgreSQL")
def test_a_step_on_node_a_reaches_a_stream_on_node_b(server, world, tmp_path):
    # node B shares the database and the key file of node A
    shutil.copytree(server.data_dir, os.path.join(tmp_path, "data"), ignore=shutil.ignore_patterns("tmp", "attachments"))
    b = Server(tmp_path, database=server.database, fast_hash=True)
    try:
        disp = world.accounts["dispatcher"]
        s = Sse(b, token(disp))
        assert s.next("notifications") is not None
        cat = category(world.admin.api)
        # node B's hub hears of node A's commits through LISTEN/NOTIFY, not its 2 s safety-net poll
        for _ in range(3):
            t0 = time.time()
            k = new_case(disp.api, cat, world.units["grid_a"])  # on node A
            ev = s.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
            assert ev is not None
            assert time.time() - t0 < 1.0, f"node B got node A's event after {time.time() - t0:.2f} s"
        s.close()
    finally:
        assert b.stop() == 0
    assert_clean_log(b.read_log())


def threads_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])


def test_two_thousand_idle_streams(server, world):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 4200:
        pytest.skip(f"needs 4200 file descriptors, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4200), hard))
    disp = world.accounts["dispatcher"]
    pid = server.proc.pid
    before = threads_of(pid)
    t0 = time.time()
    requests.get(server.url("/healthz"), timeout=5)
    base_ms = (time.time() - t0) * 1000
    host, port = "127.0.0.1", server.port
    req = (f"GET /api/v1/stream HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token(disp)}\r\n\r\n").encode()
    socks = []
    try:
        for i in range(2000):
            s = socket.create_connection((host, port), timeout=10)
            s.sendall(req)
            socks.append(s)
        # every stream got its head (read a little of each)
        ok = 0
        for s in socks:
            s.settimeout(10)
            if s.recv(64).startswith(b"HTTP/1.1 200"):
                ok += 1
        assert ok == 2000
        t0 = time.time()
        for _ in range(20):
            assert requests.get(server.url("/healthz"), timeout=5).status_code == 200
        per = (time.time() - t0) * 1000 / 20
        assert per < max(50.0, base_ms * 10), f"/healthz took {per:.1f} ms with 2,000 streams"
        after = threads_of(pid)
        assert after <= before + 2, f"threads {before} -> {after}"
    finally:
        for s in socks:
            s.close()


def test_heartbeats_keep_a_stream_and_end_it_with_its_session(server, world):
    acc = world.accounts["grid_worker"]
    s = Sse(server, token(acc))
    gone = bearer(server, acc.username, acc.password)  # a session of its own, logged out below
    s2 = Sse(server, gone.token)
    try:
        assert s.next("notifications") is not None and s2.next("notifications") is not None
        assert gone.delete("/api/v1/session").status_code in (200, 204)
        end = time.time() + 25
        while s.comments == 0 and time.time() < end:
            time.sleep(0.2)
        assert s.comments >= 1 and not s.closed  # ": hb" within ~20 s, the stream still open
        ev = s2.next("reset", timeout=3)
        assert ev is not None and ev["data"]["reason"] == "session_ended"
        end = time.time() + 3
        while not s2.closed and time.time() < end:
            time.sleep(0.1)
        assert s2.closed
    finally:
        s.close()
        s2.close()


def test_a_reporter_sees_only_the_public_steps_of_their_case(server, world):
    from casekit import CaseWorld, public_case
    cw = CaseWorld(world)
    res = cw.accounts["resident"]
    s = Sse(server, token(res))
    try:
        p = public_case(cw, api=cw.api("resident"))
        mine_id = cw.api("resident").get("/api/v1/me/cases").json()["items"][0]["id"]
        k = cw.api("dispatcher").get(f"/api/v1/cases/{mine_id}").json()
        assert k["number"] == p["number"]
        mine = s.next("case", where=lambda e: e["data"]["case"]["id"] == k["id"])
        assert mine is not None and mine["data"]["action"] == "report"
        act(cw.api("dispatcher"), k, "note", note="内部备注：联系物业", public=False)
        k = cw.api("dispatcher").get(f"/api/v1/cases/{k['id']}").json()
        act(cw.api("dispatcher"), k, "note", note="已联系物业，近日处理", public=True)
        got = []
        while True:
            e = s.next("case", timeout=1.5, where=lambda e: e["data"]["case"]["id"] == k["id"])
            if e is None:
                break
            got.append(e["data"])
        notes = [g for g in got if g["action"] == "note"]
        assert len(notes) == 1 and notes[0]["note"] == "已联系物业，近日处理", got
        # an outsider resident sees none of it
        other = Sse(server, token(world.accounts["resident_street_b"]))
        try:
            assert other.next("case", timeout=1.0, where=lambda e: e["data"]["case"]["id"] == k["id"]) is None
        finally:
            other.close()
    finally:
        s.close()
