"""The deadline scheduler's later steps (docs/cases.md "Deadlines"), on a test clock that starts on a Friday:
an unanswered extension request lapses after case_extension_expiry_hours of WORKING time (a weekend and a
local holiday do not count); a case still overdue after case_overdue_reminder_hours working hours gets one
overdue reminder (the handler and the owner's dispatchers are told); one nobody acted on for
case_escalate_after_overdue_hours is escalated one level up once, by the system, and the new owner's
dispatchers are told — once each across a restart; and housekeeping trims delivered outbox rows past
outbox_keep_days."""
import datetime
import time

import pytest

from conftest import Server, World, assert_clean_log, bearer
from livekit import act, category, dispatched


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


ENV = {"GRIDGOV_SESSION_HOURS": "720", "GRIDGOV_SESSION_IDLE_MINUTES": "10080", "GRIDGOV_SCHEDULER_SECONDS": "1",
       "GRIDGOV_HOUSEKEEPING_SECONDS": "1"}


class Clock:
    def __init__(self, path):
        self.path = path

    def at(self, unix_ms):
        with open(self.path, "w") as f:
            f.write(str(int(unix_ms)))


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loop_scheduler")
    clock = Clock(str(tmp / "clock"))
    clock.at(ms("2026-10-16T16:00:00+08:00"))  # a Friday
    s = Server(tmp, fast_hash=True, env=dict(ENV, GRIDGOV_TEST_CLOCK=clock.path))
    w = World(s)
    w.accounts["county_dispatcher"] = w.account("county", "dispatcher")
    cat = category(w.admin.api)
    yield s, w, clock, cat
    if s.proc:
        assert s.stop() == 0
    assert_clean_log(s.read_log())


def wait_for(fn, timeout=8.0):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


def count(s, case_id, action):
    return int(s.sql(f"SELECT COUNT(*) FROM case_event WHERE case_id = {case_id} AND action = '{action}'")[0][0])


def notified(s, case_id, kind):
    return sorted(str(r[0]) for r in s.sql(f"SELECT account_id FROM notification WHERE case_id = {case_id} "
                                           f"AND kind = '{kind}'"))


def setting(s, key, value):
    s.sql(f"UPDATE app_setting SET value = '{value}', updated_at = 1 WHERE key = '{key}'")


def test_extension_lapses_after_working_hours_not_wall_hours(loop):
    s, w, clock, cat = loop
    a = w.accounts
    assert s.sql("SELECT value FROM app_setting WHERE key = 'case_extension_expiry_hours'")[0][0] == "8"
    # Monday 2026-10-19 is a local holiday: with the weekend, no office time from Friday 18:00 to Tuesday 08:30
    r = a["admin"].api.put("/api/v1/calendar/days/2026-10-19", json={"kind": "holiday", "name": "地方休假"})
    assert r.status_code == 204, r.text
    disp, dept = a["dispatcher"].api, a["department"].api
    k = dispatched(disp, cat, w.units["grid_a"], w.units["dept_a"])
    k = act(dept, dept.get(f"/api/v1/cases/{k['id']}").json(), "receive")
    act(dept, k, "extend_request", days=1, reason="需要协调施工队")
    # Friday 16:00 + 8 working hours = 2 h on Friday + 3.5 h + 2.5 h on Tuesday = Tuesday 17:00
    clock.at(ms("2026-10-19T20:00:00+08:00"))  # 52 wall hours later: the old rule would have lapsed it
    time.sleep(2.5)
    assert count(s, k["id"], "extend_expire") == 0
    clock.at(ms("2026-10-20T16:50:00+08:00"))
    time.sleep(2.5)
    assert count(s, k["id"], "extend_expire") == 0
    clock.at(ms("2026-10-20T17:01:00+08:00"))
    assert wait_for(lambda: count(s, k["id"], "extend_expire") == 1)
    time.sleep(2)
    assert count(s, k["id"], "extend_expire") == 1
    assert str(s.sql(f"SELECT extension_pending FROM case_item WHERE id = {k['id']}")[0][0]) == "0"
    assert str(a["department"].id) in notified(s, k["id"], "extension_expired")
    # whatever happens to this case later is not this test's
    s.sql(f"UPDATE case_item SET state = 'closed' WHERE id = {k['id']}")


def fresh(s, acc):
    return bearer(s, acc.username, acc.password)


def deadline(api, frm, hours):
    r = api.get("/api/v1/calendar/deadline", params={"from": frm, "hours": hours})
    assert r.status_code == 200, r.text
    return ms(r.json()["deadline"])


def iso(unix_ms):
    return datetime.datetime.fromtimestamp(unix_ms / 1000, datetime.timezone.utc).isoformat()


def test_overdue_reminder_and_escalation_once(loop):
    s, w, clock, cat = loop
    a = w.accounts
    setting(s, "case_overdue_reminder_hours", "4")
    setting(s, "case_escalate_after_overdue_hours", "8")
    disp, cdisp = a["dispatcher"].api, a["county_dispatcher"].api
    idle = dispatched(disp, cat, w.units["grid_a"], w.units["dept_a"])  # nobody acts once it is overdue
    busy = dispatched(disp, cat, w.units["grid_a"], w.units["dept_a"])  # the dispatcher chases it up
    assert idle["owner_unit"]["id"] == w.units["street_a"]
    due = int(s.sql(f"SELECT due_at FROM case_item WHERE id = {idle['id']}")[0][0])
    remind_at, escalate_at = deadline(disp, iso(due), 4), deadline(disp, iso(due), 8)
    assert escalate_at - remind_at > 3600_000  # working hours: at least a lunch break or a night between
    clock.at(due + 60_000)
    assert wait_for(lambda: count(s, idle["id"], "mark_red") == 1)
    disp, cdisp = fresh(s, a["dispatcher"]), fresh(s, a["county_dispatcher"])  # a week on: new sessions
    busy = disp.get(f"/api/v1/cases/{busy['id']}").json()
    act(disp, busy, "note", note="请加快处置")
    clock.at(remind_at - 10 * 60_000)
    time.sleep(2.5)
    assert count(s, idle["id"], "remind_overdue") == 0
    clock.at(remind_at + 60_000)
    assert wait_for(lambda: count(s, idle["id"], "remind_overdue") == 1 and count(s, busy["id"], "remind_overdue") == 1)
    told = notified(s, idle["id"], "overdue_reminder")
    assert str(a["department"].id) in told and str(a["dispatcher"].id) in told and len(told) == len(set(told))
    ev = s.sql(f"SELECT actor_name, account_id, public FROM case_event WHERE case_id = {idle['id']} AND action = 'remind_overdue'")
    assert str(ev[0][0]) == "system" and ev[0][1] in (None, "") and str(ev[0][2]) == "0"
    assert count(s, idle["id"], "escalate") == 0
    clock.at(escalate_at + 60_000)
    assert wait_for(lambda: count(s, idle["id"], "escalate") == 1)
    k = cdisp.get(f"/api/v1/cases/{idle['id']}", params={"include": "events"}).json()
    assert k["state"] == "registered" and k["owner_unit"]["id"] == w.units["county"]
    assert k["handler_unit"] is None and all(t["state"] == "withdrawn" for t in k["tasks"])
    esc = [e for e in k["events"] if e["action"] == "escalate"]
    assert len(esc) == 1 and esc[0]["actor"] is None and esc[0]["from_state"] == "dispatched"
    assert [str(r[0]) for r in s.sql(f"SELECT actor_name FROM case_event WHERE case_id = {idle['id']} AND action = 'escalate'")] == ["system"]
    assert str(a["county_dispatcher"].id) in notified(s, idle["id"], "escalated")
    assert "dispatch" in k["actions"]  # the county's dispatcher takes it from here
    # the case someone acted on after its deadline stays where it was
    assert count(s, busy["id"], "escalate") == 0
    assert s.sql(f"SELECT owner_unit_id FROM case_item WHERE id = {busy['id']}")[0][0] in (w.units["street_a"], str(w.units["street_a"]))
    # once, across a restart
    assert s.stop() == 0
    s.start()
    time.sleep(3)
    assert count(s, idle["id"], "escalate") == 1 and count(s, idle["id"], "remind_overdue") == 1
    assert count(s, busy["id"], "remind_overdue") == 1
    setting(s, "case_overdue_reminder_hours", "0")
    setting(s, "case_escalate_after_overdue_hours", "0")


def test_housekeeping_trims_delivered_outbox_rows(loop):
    s, w, clock, cat = loop
    old = int(s.sql("SELECT COUNT(*) FROM outbox")[0][0])
    assert old > 0
    newest = int(s.sql("SELECT MAX(id) FROM outbox")[0][0])
    # one old row still has a delivery waiting: it stays
    s.sql("INSERT INTO webhook_subscription (kind, name, url, secret_enc, event_types, created_at, updated_at) "
          "VALUES ('webhook', 'trim', 'http://127.0.0.1:9/', 'x', 'none.only', 1, 1)")
    sub = s.sql("SELECT MAX(id) FROM webhook_subscription")[0][0]
    first = s.sql("SELECT MIN(id) FROM outbox")[0][0]
    s.sql(f"INSERT INTO webhook_delivery (subscription_id, outbox_id, state, next_at, created_at) "
          f"VALUES ({sub}, {first}, 'pending', 9000000000000, 1)")
    wait_for(lambda: int(s.sql("SELECT COUNT(*) FROM outbox WHERE fanned_at IS NULL")[0][0]) == 0)
    setting(s, "outbox_keep_days", "30")  # the module's rows span about two weeks: none is 30 days old
    time.sleep(2.5)
    assert int(s.sql("SELECT COUNT(*) FROM outbox")[0][0]) >= old
    setting(s, "outbox_keep_days", "2")
    now = int(s.sql("SELECT MAX(created_at) FROM outbox")[0][0])
    clock.at(now + 3 * 86400_000)
    # all old rows go but the one waiting and the newest (ids are cursors: SQLite would reuse a top id)
    assert wait_for(lambda: [str(r[0]) for r in s.sql("SELECT id FROM outbox ORDER BY id")] == [str(first), str(newest)])
    assert int(s.sql(f"SELECT COUNT(*) FROM webhook_delivery WHERE outbox_id = {first}")[0][0]) == 1
    # new rows are kept
    a = w.accounts
    dispatched(fresh(s, a["dispatcher"]), cat, w.units["grid_a"], w.units["dept_a"])
    time.sleep(2.5)
    assert int(s.sql(f"SELECT COUNT(*) FROM outbox WHERE id > {newest}")[0][0]) > 0
    setting(s, "outbox_keep_days", "90")
