"""Reports (docs/reports.md): the monthly report job schedules last month's report of every county and street
on the 1st (Asia/Shanghai, on a test clock as test_scheduler.py drives it) and generates it; a report asked
for on demand goes pending → done; its PDF (read back with pdftotext) names the unit and the figures, its
XLSX has the same figures; outside dashboard.read over the unit everything is 404.  And the XLSX export of
list endpoints (?format=xlsx, api/export.c): header row and row counts."""
import datetime
import io
import os
import shutil
import subprocess
import time
import zipfile

import pytest

from conftest import Server, World, assert_clean_log, bearer, error_of
from livekit import act, category, new_case

openpyxl = pytest.importorskip("openpyxl")


def ms(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp() * 1000)


class Clock:
    def __init__(self, path):
        self.path = path

    def at(self, unix_ms):
        with open(self.path, "w") as f:
            f.write(str(int(unix_ms)))


ENV = {"GRIDGOV_SESSION_HOURS": "720", "GRIDGOV_SESSION_IDLE_MINUTES": "10080"}


@pytest.fixture(scope="module")
def rep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reports")
    clock = Clock(str(tmp / "clock"))
    clock.at(ms("2026-11-28T09:00:00+08:00"))
    s = Server(tmp, fast_hash=True, env=dict(ENV, GRIDGOV_TEST_CLOCK=clock.path))
    w = World(s)
    cat = category(w.admin.api)
    d = w.accounts["dispatcher"].api
    # November: three cases in street A (one closed at once), one in street B
    cases = [new_case(d, cat, w.units["grid_a"]) for _ in range(3)]
    act(d, cases[0], "close", note="已电话答复")
    new_case(w.accounts["dispatcher_street_b"].api, cat, w.units["grid_b1"])
    yield s, w, clock
    if s.proc:
        assert s.stop() == 0
    assert_clean_log(s.read_log())


def wait_for(fn, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.3)
    return fn()


def pdf_text(content):
    assert content[:4] == b"%PDF"
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=content, capture_output=True, check=True)
    return out.stdout.decode().replace(" ", "")


def reports_of(api, unit_id, subtree=1):
    r = api.get(f"/api/v1/reports?unit_id={unit_id}&subtree={subtree}")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_schedule_on_the_first_generates_last_month(rep):
    s, w, clock = rep
    leader = w.accounts["leader"].api
    assert reports_of(leader, w.units["county"]) == []
    clock.at(ms("2026-12-01T00:05:00+08:00"))
    # the job notices the new month at its next tick (the process schedules once per month)
    s.stop()
    s.start()

    def all_done():
        items = reports_of(leader, w.units["county"])
        return items if len(items) == 3 and all(i["status"] == "done" for i in items) else None

    items = all_done() or wait_for(all_done)
    assert items, reports_of(leader, w.units["county"])
    assert {i["unit"]["id"] for i in items} == {w.units["county"], w.units["street_a"], w.units["street_b"]}
    assert all(i["period"] == "2026-11" and i["origin"] == "schedule" for i in items)
    county = next(i for i in items if i["unit"]["id"] == w.units["county"])
    assert county["files"]["pdf"]["url"] == f"/api/v1/reports/{county['id']}/pdf"

    r = leader.get(county["files"]["pdf"]["url"])
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
    assert "attachment" in r.headers["Content-Disposition"]
    text = pdf_text(r.content)
    assert "下陆区" in text and "2026年11月" in text
    assert "本月受理事件4件，办结1件，其中按期办结1件，按期办结率100.0%" in text
    assert "团城山街道" in text and "新下陆街道" in text  # by child unit
    assert "热线" in text  # by channel
    # names, never codes: the category's name, the channel as the app names it
    cat_name = w.admin.api.get("/api/v1/categories").json()["items"]
    assert any(c["name"] in text for c in cat_name if c["name"].startswith("实时测试"))
    assert not [code for code in RAW_CODES if code in text], text
    assert "五、考核指标" in text and "考核指标暂无法计算" not in text

    x = leader.get(county["files"]["xlsx"]["url"])
    assert x.status_code == 200 and zipfile.is_zipfile(io.BytesIO(x.content))
    wb = openpyxl.load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames == ["概况", "按事项分类", "按上报渠道", "按下级单位", "考核指标"]
    measures = {row[1]: row for row in list(wb["考核指标"].iter_rows(values_only=True))[1:]}
    assert "closure_rate" in measures and "on_time_rate" in measures  # domain/measures, the month's figures
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True)}
    assert summary["单位"] == "下陆区" and summary["统计月份"] == "2026-11"
    assert summary["受理事件"] == 4 and summary["办结事件"] == 1
    kids = {row[0]: row[1] for row in list(wb["按下级单位"].iter_rows(values_only=True))[1:]}
    assert kids["团城山街道"] == 3 and kids["新下陆街道"] == 1

    # a restart in the same month schedules nothing twice
    s.stop()
    s.start()
    time.sleep(3)
    assert len(reports_of(leader, w.units["county"])) == 3


# codes a table cell must never print: the channels, the case states (the app's names stand in their place)
RAW_CODES = ["hotline", "walk_in", "patrol", "open311", "video_alarm", "registered", "dispatched", "in_progress",
             "awaiting_verification", "closed", "rejected", "merged"]


def test_on_demand_report_and_its_progress(rep):
    s, w, clock = rep
    d = w.accounts["dispatcher"].api
    r = d.post("/api/v1/reports", json={"unit_id": w.units["street_a"]})  # this month so far
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    assert r.json()["status"] in ("pending", "running", "done") and r.json()["period"] == "2026-12"
    done = wait_for(lambda: d.get(f"/api/v1/reports/{rid}").json()["status"] == "done")
    assert done
    text = pdf_text(d.get(f"/api/v1/reports/{rid}/pdf").content)
    assert "团城山街道" in text and "本月受理事件0件" in text
    # December: a walk-in and a hotline case, one closed at once; the report's tables name the channels
    # as the app does (来访, 热线), the category by its name; no code in any cell
    cat = category(w.admin.api)
    walk = d.post("/api/v1/cases", json={"channel": "walk_in", "category_id": cat, "description": "来访反映路灯不亮",
                                         "unit_id": w.units["grid_a"]})
    assert walk.status_code == 201, walk.text
    act(d, new_case(d, cat, w.units["grid_a"]), "close", note="已电话答复")
    r = d.post("/api/v1/reports", json={"unit_id": w.units["street_a"]})
    assert r.status_code == 202, r.text
    assert wait_for(lambda: d.get(f"/api/v1/reports/{rid}").json()["status"] == "done")
    text = pdf_text(d.get(f"/api/v1/reports/{rid}/pdf").content)
    assert "本月受理事件2件" in text
    assert "来访" in text and "热线" in text
    name = next(c["name"] for c in w.admin.api.get("/api/v1/categories").json()["items"] if c["id"] == cat)
    assert name in text
    assert not [code for code in RAW_CODES if code in text], text
    # the case export (the table of cases) names the channel and the state too
    rows = sheet_rows(d.get("/api/v1/cases/export", params={"format": "xlsx", "q": "来访反映路灯不亮"}))
    assert rows[0][1:4] == ["渠道", "事项分类", "状态"]
    assert rows[1][1:4] == ["来访", name, "已立案"], rows[1]
    # asking again for last month starts the scheduled one over, same row
    again = d.post("/api/v1/reports", json={"unit_id": w.units["street_a"], "period": "2026-11"})
    assert again.status_code == 202
    assert wait_for(lambda: d.get(f"/api/v1/reports/{again.json()['id']}").json()["status"] == "done")
    one = d.get(f"/api/v1/reports/{again.json()['id']}").json()
    assert one["origin"] == "request" and one["period"] == "2026-11"
    audit = s.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'report.request'")
    assert int(audit[0][0]) == 3  # this month twice, last month once


def test_bad_requests(rep):
    s, w, clock = rep
    d = w.accounts["dispatcher"].api
    for period in ("2026-13", "26-11", "2026/11"):
        r = d.post("/api/v1/reports", json={"unit_id": w.units["street_a"], "period": period})
        assert r.status_code == 400 and error_of(r)["field"] == "period", r.text
    r = d.post("/api/v1/reports", json={"unit_id": w.units["street_a"], "period": "2027-01"})
    assert r.status_code == 400 and error_of(r)["field"] == "period"
    r = d.get("/api/v1/reports")
    assert r.status_code == 400 and error_of(r)["field"] == "unit_id"


def test_scope(rep):
    s, w, clock = rep
    leader = w.accounts["leader"].api
    other = w.accounts["dispatcher_street_b"].api
    items = reports_of(leader, w.units["county"])
    street_a = next(i for i in items if i["unit"]["id"] == w.units["street_a"])
    for path in ("", "/pdf", "/xlsx"):
        assert other.get(f"/api/v1/reports/{street_a['id']}{path}").status_code == 404
    assert other.get(f"/api/v1/reports?unit_id={w.units['street_a']}").status_code == 404
    assert other.post("/api/v1/reports", json={"unit_id": w.units["street_a"]}).status_code == 404
    # its own street's report it sees, and nothing of street A in its list
    mine = reports_of(other, w.units["street_b"])
    assert mine and all(i["unit"]["id"] == w.units["street_b"] for i in mine)
    # a resident has no dashboard.read at all
    assert w.accounts["resident"].api.get(f"/api/v1/reports/{street_a['id']}").status_code == 404
    # the street's dispatcher lists only its own subtree below the county
    assert other.get(f"/api/v1/reports?unit_id={w.units['county']}").status_code == 404


def test_no_report_files_before_done(rep):
    s, w, clock = rep
    d = w.accounts["dispatcher"].api
    rid = s.sql("SELECT MAX(id) FROM report")[0][0]
    s.sql(f"UPDATE report SET status = 'running' WHERE id = {rid}")
    assert d.get(f"/api/v1/reports/{rid}/pdf").status_code in (404,)
    s.sql(f"UPDATE report SET status = 'done' WHERE id = {rid}")


def test_overdue_at_month_end_is_the_state_at_the_end(rep):
    """超期未办结 of December is the cases open and past their handling deadline on 31 December at midnight,
    whatever they became since (the last test of the module: it moves the clock into January)."""
    s, w, clock = rep
    cat = category(w.admin.api)  # handling limit 5 working days
    grid = w.units["grid_b1"]
    acc = w.accounts["dispatcher_street_b"]

    def api():
        return bearer(s, acc.username, acc.password)

    def registered(d):
        k = d.get(f"/api/v1/cases/{new_case(d, cat, grid)['id']}").json()
        for step in ("accept", "register"):
            if step in k["actions"]:
                k = act(d, k, step)
        assert k["due_at"], k
        return k

    clock.at(ms("2026-12-02T09:00:00+08:00"))  # a Wednesday: due in 5 working days, on 9 December
    d = api()
    still_open = registered(d)      # overdue on the 31st and still open: counted
    closed_later = registered(d)    # overdue on the 31st, closed on 4 January: counted
    closed_in_time = registered(d)  # closed on 3 December: not counted
    clock.at(ms("2026-12-03T10:00:00+08:00"))
    d = api()
    act(d, d.get(f"/api/v1/cases/{closed_in_time['id']}").json(), "close", note="已处理")
    clock.at(ms("2026-12-30T09:00:00+08:00"))
    d = api()
    registered(d)                   # reported on the 30th, due in January: not overdue at the end
    clock.at(ms("2027-01-04T09:00:00+08:00"))
    d = api()
    act(d, d.get(f"/api/v1/cases/{closed_later['id']}").json(), "close", note="已处理")
    late = registered(d)            # reported after the month: not counted
    assert d.get(f"/api/v1/cases/{still_open['id']}").json()["state"] not in ("closed", "rated")
    r = d.post("/api/v1/reports", json={"unit_id": w.units["street_b"], "period": "2026-12"})
    assert r.status_code == 202, r.text
    rid = r.json()["id"]
    assert wait_for(lambda: d.get(f"/api/v1/reports/{rid}").json()["status"] == "done")
    wb = openpyxl.load_workbook(io.BytesIO(d.get(f"/api/v1/reports/{rid}/xlsx").content))
    summary = {row[0]: row[1] for row in wb["概况"].iter_rows(values_only=True)}
    assert summary["超期未办结"] == 2, summary
    assert summary["办结事件"] == 1  # closed in December: closed_in_time
    assert late["id"]


# ---- ?format=xlsx on list endpoints (api/export.h) ----

def sheet_rows(resp):
    assert resp.status_code == 200, resp.text
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(resp.content), read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert int(resp.headers["X-Export-Rows"]) == len(rows) - 1
    return rows


def all_items(api, path):
    items, after = [], None
    while True:
        sep = "&" if "?" in path else "?"
        r = api.get(path + (f"{sep}after={after}" if after else ""))
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        after = r.json().get("next")
        if not after:
            return items


def test_list_exports(world):
    admin = world.admin.api
    rows = sheet_rows(admin.get("/api/v1/accounts?format=xlsx"))
    assert rows[0] == ["用户名", "姓名", "所属单位", "单位代码", "手机号", "状态", "创建时间"]
    accounts = all_items(admin, "/api/v1/accounts?limit=200")
    assert len(rows) - 1 == len(accounts)
    assert {r[0] for r in rows[1:]} == {a["username"] for a in accounts}
    # filters apply as in the list: the same query, the same rows
    one = accounts[0]["username"]
    assert len(sheet_rows(admin.get(f"/api/v1/accounts?format=xlsx&q={one}"))) - 1 == \
        len(admin.get(f"/api/v1/accounts?q={one}&limit=200").json()["items"])

    cats = sheet_rows(admin.get("/api/v1/categories?format=xlsx"))
    assert cats[0][:2] == ["代码", "名称"]
    assert len(cats) - 1 == len(admin.get("/api/v1/categories").json()["items"])

    audit = sheet_rows(admin.get("/api/v1/audit?format=xlsx"))
    assert audit[0][:4] == ["序号", "时间", "账号", "操作"] and len(audit) > 10
    assert "account.create" in {r[3] for r in audit[1:]}

    # CSV too, with the byte-order mark Excel needs
    csv = admin.get("/api/v1/categories?format=csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf") and "代码".encode() in csv.content

    # scope: a street's dispatcher exports only what its list shows
    d = world.accounts["dispatcher_street_b"].api
    mine = sheet_rows(d.get("/api/v1/notifications?format=xlsx"))
    assert mine[0] == ["类型", "事件编号", "时间", "已读时间"]
    assert len(mine) - 1 == len(all_items(d, "/api/v1/notifications"))


def test_export_format_checked(world):
    admin = world.admin.api
    r = admin.get("/api/v1/accounts?format=pdf")
    assert r.status_code == 400 and error_of(r)["field"] == "format"
    # a list's own 4xx stays JSON
    r = admin.get("/api/v1/reports?format=xlsx")
    assert r.status_code == 400 and r.headers["Content-Type"].startswith("application/json")
    # format=json is the plain list
    assert "items" in admin.get("/api/v1/accounts?format=json").json()
