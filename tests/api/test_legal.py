"""Legal services (法治超市): counters, professionals, slots, a resident's booking, a double booking refused by
the database itself, the walk-in queue and consultation records (docs/centres.md)."""
import datetime
import sqlite3

import pytest

from casekit import expect_field
from conftest import IS_PG


def instant(days, hour, minute=0):
    d = datetime.date.today() + datetime.timedelta(days=days)
    return f"{d.isoformat()}T{hour:02d}:{minute:02d}:00+08:00"


@pytest.fixture(scope="module")
def lw(world):
    centre = world.account("street_a", "centre")
    api = centre.api
    r = api.post("/api/v1/legal/counters", json={"unit_id": world.units["street_a"], "name": "法律服务窗口"})
    assert r.status_code == 201, r.text
    counter = r.json()["id"]
    r = api.post("/api/v1/legal/professionals", json={"counter_id": counter, "name": "张律师", "kind": "lawyer",
                                                      "org": "楚天律师事务所"})
    assert r.status_code == 201, r.text
    pro = r.json()["id"]
    slots = []
    for i in range(3):
        r = api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": instant(2, 9 + i),
                                                  "ends_at": instant(2, 9 + i, 45)})
        assert r.status_code == 201, r.text
        slots.append(r.json()["id"])
    return world, centre, counter, pro, slots


def test_resident_books_and_a_second_booking_is_refused(lw):
    world, centre, counter, pro, slots = lw
    resident = world.accounts["resident"].api
    free = resident.get("/api/v1/legal/slots", params={"professional_id": pro, "free": 1}).json()["items"]
    assert [s["id"] for s in free] == slots
    r = resident.post("/api/v1/legal/appointments", json={"slot_id": slots[0], "topic": "劳动合同纠纷咨询"})
    assert r.status_code == 201, r.text
    mine = resident.get("/api/v1/legal/appointments", params={"mine": 1}).json()["items"]
    assert [(a["slot_id"], a["status"], a["professional"]["name"]) for a in mine] == [(slots[0], "booked", "张律师")]
    # someone else (another resident, or the desk for a walk-in) cannot book the same slot
    other = world.accounts["resident_street_b"].api
    expect_field(other.post("/api/v1/legal/appointments", json={"slot_id": slots[0], "topic": "咨询"}), 409,
                 "slot_id", "slot_taken")
    expect_field(centre.api.post("/api/v1/legal/appointments", json={"slot_id": slots[0], "topic": "咨询",
                                                                      "visitor_name": "来访者"}), 409, "slot_id",
                 "slot_taken")
    # the slot now shows booked; the other resident sees nothing of who booked it
    all_ = other.get("/api/v1/legal/slots", params={"professional_id": pro}).json()["items"]
    assert [s["booked"] for s in all_] == [True, False, False]
    assert other.get("/api/v1/legal/appointments", params={"mine": 1}).json()["items"] == []
    # cancel frees the slot, and it can be booked again
    aid = mine[0]["id"]
    assert other.post(f"/api/v1/legal/appointments/{aid}/cancel").status_code == 404
    assert resident.post(f"/api/v1/legal/appointments/{aid}/cancel").status_code == 204
    r = other.post("/api/v1/legal/appointments", json={"slot_id": slots[0], "topic": "再约"})
    assert r.status_code == 201, r.text


def test_the_database_refuses_a_double_booking(lw):
    """Behind the server's back: the partial unique index itself refuses a second booked row."""
    world, centre, counter, pro, slots = lw
    s = world.server
    r = centre.api.post("/api/v1/legal/appointments", json={"slot_id": slots[1], "topic": "咨询", "visitor_name": "甲"})
    assert r.status_code == 201, r.text
    insert = (f"INSERT INTO legal_appointment (slot_id, visitor_name, topic, status, created_at) "
              f"VALUES ({slots[1]}, '乙', '咨询', 'booked', 1)")
    if IS_PG:
        import subprocess
        with pytest.raises(subprocess.CalledProcessError) as e:
            s.sql(insert)
        assert "legal_appointment_booked" in e.value.stderr
    else:
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            s.sql(insert)
    # a cancelled row beside the booked one is fine
    s.sql(insert.replace("'booked'", "'cancelled'"))
    assert int(s.sql(f"SELECT count(*) FROM legal_appointment WHERE slot_id = {slots[1]} AND status = 'booked'")[0][0]) == 1


def test_queue_and_consultation(lw):
    world, centre, counter, pro, slots = lw
    api = centre.api
    t1 = api.post(f"/api/v1/legal/counters/{counter}/queue", json={"name": "刘"}).json()
    t2 = api.post(f"/api/v1/legal/counters/{counter}/queue").json()
    assert t2["seq"] == t1["seq"] + 1 and t1["status"] == "waiting"
    n1 = api.post(f"/api/v1/legal/counters/{counter}/queue/next").json()
    assert n1["id"] == t1["id"] and n1["status"] == "called"
    n2 = api.post(f"/api/v1/legal/counters/{counter}/queue/next").json()
    assert n2["id"] == t2["id"]
    expect_field(api.post(f"/api/v1/legal/counters/{counter}/queue/next"), 404, "counter_id", "queue_empty")
    q = api.get(f"/api/v1/legal/counters/{counter}/queue").json()["items"]
    assert [t["status"] for t in q[-2:]] == ["done", "called"]
    r = api.post("/api/v1/legal/consultations", json={"counter_id": counter, "professional_id": pro,
                                                      "ticket_id": t2["id"], "question": "欠薪怎么办",
                                                      "advice": "可申请劳动仲裁"})
    assert r.status_code == 201, r.text
    # a resident cannot run the counter
    assert world.accounts["resident"].api.post(f"/api/v1/legal/counters/{counter}/queue").status_code == 403


def test_bad_input_names_the_field(lw):
    world, centre, counter, pro, slots = lw
    api = centre.api
    expect_field(api.post("/api/v1/legal/professionals", json={"counter_id": counter, "name": "x", "kind": "priest"}),
                 400, "kind")
    expect_field(api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": "tomorrow",
                                                       "ends_at": instant(3, 10)}), 400, "starts_at")
    expect_field(api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": instant(3, 10),
                                                       "ends_at": instant(3, 9)}), 400, "ends_at")
    expect_field(api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": instant(2, 9),
                                                       "ends_at": instant(2, 9, 30)}), 409, "starts_at", "slot_exists")
    resident = world.accounts["resident"].api
    expect_field(resident.post("/api/v1/legal/appointments", json={"slot_id": 999999999, "topic": "x"}), 404, "slot_id")
    expect_field(resident.post("/api/v1/legal/appointments", json={"slot_id": slots[2]}), 400, "topic")
    # a resident cannot book for someone else
    assert resident.post("/api/v1/legal/appointments", json={"slot_id": slots[2], "topic": "x",
                                                             "visitor_name": "别人"}).status_code == 403
    expect_field(resident.get("/api/v1/legal/appointments"), 400, "counter_id")


def test_counters_say_who_may_serve_them(lw):
    """Every signed-in account lists the counters (a resident picks one); may_serve tells the web whether to
    offer the desk's pages: the centre's staff at their unit, not a resident, not another street's desk."""
    world, centre, counter, pro, slots = lw
    def flag(api):
        items = api.get("/api/v1/legal/counters").json()["items"]
        return next(k["may_serve"] for k in items if k["id"] == counter)
    assert flag(centre.api) is True
    assert flag(world.accounts["resident"].api) is False
    assert flag(world.account("street_b", "centre").api) is False


def test_the_desk_records_whether_the_visitor_came(lw):
    """签到 from an hour before the slot, 爽约 once it began; once only; the desk's alone (the resident who booked
    is refused, another resident sees nothing); the consultation record still ends a checked-in appointment."""
    world, centre, counter, pro, slots = lw
    api = centre.api
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=30)
    r = api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": soon.isoformat(timespec="seconds"),
                                              "ends_at": (soon + datetime.timedelta(minutes=30)).isoformat(timespec="seconds")})
    assert r.status_code == 201, r.text
    slot_soon = r.json()["id"]
    resident = world.accounts["resident"].api
    r = resident.post("/api/v1/legal/appointments", json={"slot_id": slot_soon, "topic": "借款合同纠纷"})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    # the one far ahead (slots[2], two days on) is too early for either
    far = api.post("/api/v1/legal/appointments", json={"slot_id": slots[2], "topic": "咨询", "visitor_name": "丙"}).json()["id"]
    expect_field(api.post(f"/api/v1/legal/appointments/{far}/attendance", json={"attendance": "checked_in"}), 400,
                 "attendance", "too_early")
    expect_field(api.post(f"/api/v1/legal/appointments/{aid}/attendance", json={"attendance": "no_show"}), 400,
                 "attendance", "too_early")
    expect_field(api.post(f"/api/v1/legal/appointments/{aid}/attendance", json={"attendance": "late"}), 400,
                 "attendance")
    assert resident.post(f"/api/v1/legal/appointments/{aid}/attendance",
                         json={"attendance": "checked_in"}).status_code == 403
    assert world.accounts["resident_street_b"].api.post(f"/api/v1/legal/appointments/{aid}/attendance",
                                                        json={"attendance": "checked_in"}).status_code == 404
    r = api.post(f"/api/v1/legal/appointments/{aid}/attendance", json={"attendance": "checked_in"})
    assert r.status_code == 204, r.text
    expect_field(api.post(f"/api/v1/legal/appointments/{aid}/attendance", json={"attendance": "checked_in"}), 409,
                 "status", "wrong_state")
    mine = {a["id"]: a for a in resident.get("/api/v1/legal/appointments", params={"mine": 1}).json()["items"]}
    assert mine[aid]["attendance"] == "checked_in" and mine[aid]["checked_in_at"] and mine[aid]["status"] == "booked"
    r = api.post("/api/v1/legal/consultations", json={"counter_id": counter, "professional_id": pro, "appointment_id": aid,
                                                      "question": "借款未还", "advice": "可起诉"})
    assert r.status_code == 201, r.text
    listed = {a["id"]: a for a in api.get("/api/v1/legal/appointments", params={"counter_id": counter}).json()["items"]}
    assert listed[aid]["status"] == "done" and listed[far]["attendance"] is None
    # a done appointment takes no attendance any more
    expect_field(api.post(f"/api/v1/legal/appointments/{aid}/attendance", json={"attendance": "no_show"}), 409,
                 "status", "wrong_state")
    # 爽约 once the slot has begun (moved into the past behind the server's back: a booking needs a future slot)
    later = soon + datetime.timedelta(hours=2)
    r = api.post("/api/v1/legal/slots", json={"professional_id": pro, "starts_at": later.isoformat(timespec="seconds"),
                                              "ends_at": (later + datetime.timedelta(minutes=30)).isoformat(timespec="seconds")})
    missed = api.post("/api/v1/legal/appointments", json={"slot_id": r.json()["id"], "topic": "咨询",
                                                          "visitor_name": "丁"}).json()["id"]
    world.server.sql(f"UPDATE legal_slot SET starts_at = starts_at - 3 * 3600000, ends_at = ends_at - 3 * 3600000 "
                     f"WHERE id = {r.json()['id']}")
    r = api.post(f"/api/v1/legal/appointments/{missed}/attendance", json={"attendance": "no_show"})
    assert r.status_code == 204, r.text
    rows = world.server.sql(f"SELECT attendance, checked_in_at FROM legal_appointment WHERE id = {missed}")
    assert rows[0][0] == "no_show" and rows[0][1] in (None, "")
