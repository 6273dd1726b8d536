"""The working calendar (工作日历): import from chinese-days, the year view, local overrides, deadlines.

A server of this module's own: `gridgov import-calendar` writes the database from the CLI and `serve` loads
the calendar when it starts, so the module imports and then restarts its server once.  Dates are the real
2024 calendar: 国庆节 2024-10-01..07 off, Sunday 09-29 and Saturday 10-12 are 调休 working days.
"""
import json
import os
import subprocess
import time

import pytest

from conftest import BINARY, ROOT, Server, World, error_of

SOURCE = os.path.join(ROOT, ".cache", "chinese-days", "package", "dist")


@pytest.fixture(scope="module")
def cal(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("calendar"), fast_hash=True)
    world = World(s)
    first = s.cli("import-calendar", "--from", SOURCE).stdout
    s.stop()
    s.start()
    yield s, world, first
    s.stop()


def days_of(resp):
    assert resp.status_code == 200, resp.text
    return {d["date"]: d for d in resp.json()["days"]}


def test_year_from_the_package(cal):
    s, world, first = cal
    assert "import-calendar:" in first
    r = world.admin.api.get("/api/v1/calendar", params={"year": 2024})
    body = r.json()
    assert body["coverage"] == "chinese-days"
    assert body["office_hours"] == "08:30-12:00,14:30-18:00"
    days = days_of(r)
    assert days["2024-10-01"]["kind"] == "holiday" and days["2024-10-01"]["name"] == "国庆节"
    assert days["2024-09-29"]["kind"] == "workday" and days["2024-10-12"]["kind"] == "workday"
    assert days["2024-10-01"]["source"] == "chinese-days" and days["2024-10-01"]["updated_by"] is None
    assert "2024-10-14" not in days  # an ordinary Monday is not listed
    # every signed-in account reads it (case forms show deadlines)
    assert world.accounts["grid_worker"].api.get("/api/v1/calendar", params={"year": 2024}).status_code == 200


def test_year_without_data_falls_back(cal):
    s, world, _ = cal
    r = world.admin.api.get("/api/v1/calendar", params={"year": 2150})
    assert r.status_code == 200 and r.json()["coverage"] == "fallback" and r.json()["days"] == []
    r = world.admin.api.get("/api/v1/calendar/deadline", params={"from": "2150-10-02T10:00:00+08:00", "days": 1})
    assert r.status_code == 200, r.text
    assert r.json()["fallback"] is True
    assert r.json()["deadline"] == "2150-10-05T18:00:00+08:00"  # Friday → Monday, by Mon–Fri alone


def test_deadlines_across_national_day(cal):
    s, world, _ = cal
    api = world.accounts["dispatcher"].api
    r = api.get("/api/v1/calendar/deadline", params={"from": "2024-09-30T10:00:00+08:00", "days": 5})
    assert r.status_code == 200, r.text
    assert r.json()["deadline"] == "2024-10-12T18:00:00+08:00" and r.json()["fallback"] is False
    r = api.get("/api/v1/calendar/deadline", params={"from": "2024-09-30T08:00:00Z", "hours": 8})
    assert r.json()["deadline"] == "2024-10-08T17:00:00+08:00"
    assert r.json()["working_minutes"] == 8 * 60


@pytest.mark.parametrize("params,field", [
    ({"days": "0"}, "days"), ({"days": "x"}, "days"), ({"hours": "20001"}, "hours"),
    ({"days": 1, "hours": 1}, "hours"), ({}, "days"),
    ({"from": "2024-09-30 10:00", "days": 1}, "from"), ({"from": "2024-02-30T10:00:00Z", "days": 1}, "from"),
])
def test_deadline_bad_input(cal, params, field):
    s, world, _ = cal
    r = world.admin.api.get("/api/v1/calendar/deadline", params=params)
    assert r.status_code == 400, r.text
    assert error_of(r)["field"] == field


def test_year_bad_input(cal):
    s, world, _ = cal
    for year in ("abc", "1800", "20245"):
        r = world.admin.api.get("/api/v1/calendar", params={"year": year})
        assert r.status_code == 400 and error_of(r)["field"] == "year"


def test_local_override_survives_import_and_is_audited(cal):
    s, world, _ = cal
    api = world.admin.api
    # the county declares 10-08 a local holiday: the deadline moves at once (snapshot rebuilt after commit)
    r = api.put("/api/v1/calendar/days/2024-10-08", json={"kind": "holiday", "name": "地方休假"})
    assert r.status_code == 204, r.text
    d = days_of(api.get("/api/v1/calendar", params={"year": 2024}))["2024-10-08"]
    assert d["source"] == "local" and d["kind"] == "holiday" and d["name"] == "地方休假"
    assert d["updated_by"]["id"] == world.admin.id
    r = api.get("/api/v1/calendar/deadline", params={"from": "2024-09-30T10:00:00+08:00", "days": 1})
    assert r.json()["deadline"] == "2024-10-09T18:00:00+08:00"
    # a local edit that hides a package day says so, and a second import leaves it alone
    r = api.put("/api/v1/calendar/days/2024-10-12", json={"kind": "holiday", "name": "不调休"})
    assert r.status_code == 204
    s.cli("import-calendar", "--from", SOURCE)
    days = days_of(api.get("/api/v1/calendar", params={"year": 2024}))
    assert days["2024-10-12"]["source"] == "local" and days["2024-10-12"]["overrides_package"] is True
    assert days["2024-10-08"]["source"] == "local"
    # deleting the override brings the package's answer back
    assert api.delete("/api/v1/calendar/days/2024-10-12").status_code == 204
    d = days_of(api.get("/api/v1/calendar", params={"year": 2024}))["2024-10-12"]
    assert d["source"] == "chinese-days" and d["kind"] == "workday"
    assert api.delete("/api/v1/calendar/days/2024-10-08").status_code == 204
    r = api.get("/api/v1/calendar/deadline", params={"from": "2024-09-30T10:00:00+08:00", "days": 1})
    assert r.json()["deadline"] == "2024-10-08T18:00:00+08:00"
    assert api.delete("/api/v1/calendar/days/2024-10-08").status_code == 404
    rows = s.sql("SELECT action, object_id FROM audit_log WHERE action IN ('calendar.put', 'calendar.delete') ORDER BY seq")
    assert [tuple(r) for r in rows] == [("calendar.put", "2024-10-08"), ("calendar.put", "2024-10-12"),
                                        ("calendar.delete", "2024-10-12"), ("calendar.delete", "2024-10-08")]


def test_a_cli_import_while_serving_is_seen(cal, tmp_path):
    """A newer package imported by the CLI while the server runs: the import bumps the calendar generation,
    which the server compares at most once a second, so its deadlines follow without a restart."""
    s, world, _ = cal
    api = world.admin.api
    newer = tmp_path / "years"
    newer.mkdir()
    with open(os.path.join(SOURCE, "years", "2024.json"), encoding="utf-8") as f:
        year = json.load(f)
    year["holidays"]["2024-10-08"] = "Test Day,测试假日,1"
    (newer / "2024.json").write_text(json.dumps(year, ensure_ascii=False), encoding="utf-8")
    params = {"from": "2024-09-30T10:00:00+08:00", "days": 1}
    assert api.get("/api/v1/calendar/deadline", params=params).json()["deadline"] == "2024-10-08T18:00:00+08:00"
    s.cli("import-calendar", "--from", str(tmp_path))
    until = time.time() + 5
    while True:
        deadline = api.get("/api/v1/calendar/deadline", params=params).json()["deadline"]
        if deadline != "2024-10-08T18:00:00+08:00" or time.time() > until:
            break
        time.sleep(0.2)
    assert deadline == "2024-10-09T18:00:00+08:00"
    assert days_of(api.get("/api/v1/calendar", params={"year": 2024}))["2024-10-08"]["name"] == "测试假日"
    s.cli("import-calendar", "--from", SOURCE)  # the real package again: 10-08 is an ordinary Tuesday
    until = time.time() + 5
    while api.get("/api/v1/calendar/deadline", params=params).json()["deadline"] != "2024-10-08T18:00:00+08:00":
        assert time.time() < until, "the server did not pick up the second import"
        time.sleep(0.2)


def test_only_settings_manage_at_root_edits(cal):
    s, world, _ = cal
    for who in ("street_admin", "dispatcher", "grid_worker"):
        r = world.accounts[who].api.put("/api/v1/calendar/days/2024-11-01", json={"kind": "holiday", "name": "x"})
        assert r.status_code == 403, (who, r.text)
    assert "2024-11-01" not in days_of(world.admin.api.get("/api/v1/calendar", params={"year": 2024}))
    # the page offers editing only to those who may
    assert world.admin.api.get("/api/v1/calendar").json()["can_edit"] is True
    assert world.accounts["street_admin"].api.get("/api/v1/calendar").json()["can_edit"] is False
    refused = s.sql("SELECT count(*) FROM audit_log WHERE action = 'calendar.put.refused'")
    assert int(refused[0][0]) == 3  # reaching for a shared setting is on record


@pytest.mark.parametrize("date,body,field", [
    ("2024-02-30", {"kind": "holiday", "name": "x"}, "date"),
    ("20241001", {"kind": "holiday", "name": "x"}, "date"),
    ("2024-10-01", {"kind": "weekend", "name": "x"}, "kind"),
    ("2024-10-01", {"kind": "holiday", "name": "   "}, "name"),
    ("2024-10-01", {"kind": "holiday", "name": "长" * 33}, "name"),
    ("2024-10-01", {"kind": "holiday"}, "name"),
])
def test_put_bad_input(cal, date, body, field):
    s, world, _ = cal
    r = world.admin.api.put(f"/api/v1/calendar/days/{date}", json=body)
    assert r.status_code == 400, r.text
    assert error_of(r)["field"] == field


def test_bad_office_hours_stop_the_server(tmp_path):
    r = subprocess.run([BINARY, "serve", "--office-hours", "08:30-12:00,11:00-18:00", "--data-dir",
                        str(tmp_path), "--database", f"sqlite:{tmp_path}/x.db"], capture_output=True, text=True,
                       timeout=30)
    assert r.returncode != 0
    assert "office_hours" in r.stderr or "office-hours" in r.stderr
