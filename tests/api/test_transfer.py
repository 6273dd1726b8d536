"""Bulk import and export (issue 5, item 7): residents and houses from CSV and XLSX with a row-by-row error
report (each row all or nothing), templates, dry runs, scope, masked and audited export, upload limits —
on SQLite and PostgreSQL.
"""
import csv
import io
import os
import urllib.parse
from datetime import date

import pytest

from conftest import Server, assert_clean_log, error_of
from placekit import (all_items, audit_since, building, expect_error, house, id_number, last_seq, mask_id,
                      mask_phone, mobile, resident, wrong_check)

openpyxl = pytest.importorskip("openpyxl")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RES_HEAD = ["姓名", "身份证号", "性别", "出生日期", "手机号", "人员类型", "房屋编码", "标签"]


def csv_bytes(rows, bom=True):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        w.writerow(r)
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def upload(api, path, data, ctype="text/csv", **params):
    return api.post(path, params=params, data=data, headers={"Content-Type": ctype}, timeout=300)


def count_residents(api, unit_id):
    r = api.get("/api/v1/residents", params={"unit_id": unit_id, "total": 1, "limit": 1})
    assert r.status_code == 200, r.text
    return r.json()["total"]


def read_csv(resp):
    body = resp.content
    assert body.startswith(b"\xef\xbb\xbf"), "CSV exports start with a UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))


def read_xlsx(content):
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    ws = wb.worksheets[0]
    return [[("" if v is None else str(v)) for v in row] for row in ws.iter_rows(values_only=True)]


@pytest.fixture(scope="module")
def place(world):
    """A building with two houses in grid A, made by its grid worker."""
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "导入楼")
    return {"building": b, "h1": house(gw, b["id"], "101", entrance="1"), "h2": house(gw, b["id"], "102",
                                                                                           entrance="1")}


def thousand_rows(place):
    """1,000 data rows of which exactly 7 are bad; returns (rows, {spreadsheet row: field})."""
    rows = [RES_HEAD]
    for i in range(1000):
        code = place["h1"]["house_code"] if i % 50 == 0 else ""
        tag = "独居老人" if i % 100 == 1 else ("低保、minor" if i % 100 == 2 else "")
        # an old sheet may list 未成年人 (minor): it follows from the birth date and is taken from there
        n = id_number(birth="2014-05-05") if i % 100 == 2 else id_number()
        rows.append([f"居民{i:04d}", n, "", "", mobile(), "户籍" if i % 3 else "流动", code, tag])
    bad = {}

    def set_bad(i, col, value, field):
        rows[i][RES_HEAD.index(col)] = value
        bad[i + 1] = field  # rows[i] is spreadsheet row i + 1 (the header is row 1)

    set_bad(101, "身份证号", wrong_check(rows[101][1]), "id_number")
    set_bad(202, "姓名", "", "name")
    set_bad(303, "手机号", "12345", "phone")
    rows[404][1] = ""  # no ID number: the date and gender come from the row, and the date is impossible
    rows[404][2] = "女"
    set_bad(404, "出生日期", "1990-13-45", "birth_date")
    set_bad(505, "标签", "外星人", "tags")
    set_bad(606, "房屋编码", "NO-SUCH-HOUSE", "house_code")
    set_bad(707, "身份证号", rows[10][1], "id_number")  # the same person as row 11
    return rows, bad


def test_probing_id_numbers_outside_the_scope_is_rationed_audited_and_flagged(world):
    """A dry-run import answers "already registered outside your scope" for ID numbers registered anywhere.
    Each account gets 20 such answers an hour (dry runs and single creates alike); after that every ID
    number outside its scope — known elsewhere or not — is refused alike, and its administrators see the
    account flagged, with the hits in the audit log."""
    admin = world.admin.api
    elsewhere = [id_number() for _ in range(25)]
    rows = [RES_HEAD] + [[f"外街居民{i}", n, "", "", "", "户籍", "", ""] for i, n in enumerate(elsewhere)]
    r = upload(admin, "/api/v1/imports/residents", csv_bytes(rows), unit_id=world.units["grid_b1"])
    assert r.status_code == 200 and r.json()["imported"] == 25, r.text
    prober = world.account("grid_a", "grid_worker", prefix="prober")
    fresh = [id_number() for _ in range(5)]
    rows = [RES_HEAD] + [[f"试探{i}", n, "", "", "", "户籍", "", ""] for i, n in enumerate(elsewhere + fresh)]
    seq = last_seq(world)
    r = upload(prober.api, "/api/v1/imports/residents", csv_bytes(rows), unit_id=world.units["grid_a"], dry_run=1)
    assert r.status_code == 200, r.text
    errors = {e["row"]: e for e in r.json()["errors"]}
    assert r.json()["imported"] == 0 and set(errors) == set(range(2, 32))
    told = [row for row, e in errors.items() if "outside your scope" in e["message"] and "already" in e["message"]]
    assert told == list(range(2, 22))  # the first 20 numbers known elsewhere are answered …
    refused = [errors[row] for row in range(22, 32)]  # … then known and unknown numbers alike are refused
    assert all(e["field"] == "id_number" and "too many" in e["message"] for e in refused), refused
    assert len({e["message"] for e in refused}) == 1
    # a single create outside the rationed answers is refused the same way, for a number nobody has
    r = prober.api.post("/api/v1/residents", json={"name": "新人", "unit_id": world.units["grid_a"],
                                                   "id_number": id_number()})
    expect_error(r, 429, "id_number", "too_many_requests")
    # a number the prober may see is still answered (nothing to hide): the duplicate is named
    n = id_number()
    known = world.accounts["grid_worker"].api.post("/api/v1/residents", json={
        "name": "本格", "unit_id": world.units["grid_a"], "id_number": n})
    assert known.status_code == 201, known.text
    r = prober.api.post("/api/v1/residents", json={"name": "重复", "unit_id": world.units["grid_a"], "id_number": n})
    assert str(known.json()["id"]) in expect_error(r, 409, "id_number", "conflict")["message"]
    # the dry run wrote no residents, but the hits were kept: audited, and the account is flagged
    rows_ = audit_since(world, seq, account_id=prober.id)
    probes = [x for x in rows_ if x["action"] == "resident.id_probe"]
    assert sum(x["detail"]["hits"] for x in probes) == 20 and probes[-1]["detail"]["hits_in_window"] == 20
    assert [x["action"] for x in rows_].count("account.flagged") == 1
    for who in (world.admin, world.accounts["street_admin"]):
        acc = who.api.get(f"/api/v1/accounts/{prober.id}").json()
        assert acc["id_probe"]["hits"] == 20 and acc["id_probe"]["flagged_at"] and acc["id_probe"]["last_hit_at"]
        listed = [a for a in all_items(who.api, "/api/v1/accounts", q=prober.username) if a["id"] == prober.id]
        assert listed[0]["id_probe"]["flagged_at"] == acc["id_probe"]["flagged_at"]
    # not shown to the account itself, nor to those who only read accounts
    assert "id_probe" not in prober.api.get(f"/api/v1/accounts/{prober.id}").json()
    assert "id_probe" not in world.accounts["dispatcher"].api.get(f"/api/v1/accounts/{prober.id}").json()
    # another account is not affected
    other = world.accounts["grid_worker"].api
    r = other.post("/api/v1/residents", json={"name": "他人", "unit_id": world.units["grid_a"], "id_number": elsewhere[0]})
    expect_error(r, 409, "id_number", "conflict", "outside your scope")


def test_thousand_rows_with_seven_bad_ones(world, place):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    rows, bad = thousand_rows(place)
    data = csv_bytes(rows)
    before = count_residents(gw, grid_a)

    # a dry run validates everything and writes nothing
    seq = last_seq(world)
    r = upload(gw, "/api/v1/imports/residents", data, unit_id=grid_a, dry_run=1)
    assert r.status_code == 200, r.text
    dry = r.json()
    assert (dry["dry_run"], dry["format"], dry["read"], dry["imported"], dry["failed"]) == (True, "csv", 1000, 993, 7)
    assert count_residents(gw, grid_a) == before
    assert audit_since(world, seq) == []

    r = upload(gw, "/api/v1/imports/residents", data, unit_id=grid_a)
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["dry_run"], res["read"], res["imported"], res["updated"], res["failed"]) == (False, 1000, 993, 0, 7)
    assert {e["row"]: e["field"] for e in res["errors"]} == bad
    assert [e["row"] for e in res["errors"]] == sorted(bad)
    assert res["more_errors"] == 0
    by_row = {e["row"]: e for e in res["errors"]}
    assert by_row[102]["column"] == "身份证号"
    # a row's problem as codes too, for the UI to say it in Chinese
    assert (by_row[102]["reason"], by_row[405]["reason"]) == ("id_checksum", "not_a_date")
    assert "row 11" in by_row[708]["message"]  # the duplicate names the first occurrence
    assert all(e["message"] for e in res["errors"])
    # the dry run reported what the import then did
    assert {e["row"]: e["field"] for e in dry["errors"]} == bad
    # exactly 993 new residents, the good rows' details intact
    assert count_residents(gw, grid_a) == before + 993
    got = gw.get("/api/v1/residents", params={"id_number": rows[1][1]}).json()["items"]
    assert [(p["name"], p["house"]["house_code"]) for p in got] == [("居民0000", place["h1"]["house_code"])]
    tagged = gw.get("/api/v1/residents", params={"id_number": rows[3][1]}).json()["items"][0]
    assert sorted((t["code"], t["derived"]) for t in tagged["tags"]) == [("minor", True), ("subsistence", False)]
    # the bad rows left nothing behind: not the good parts of a bad row either
    assert gw.get("/api/v1/residents", params={"id_number": rows[303][1]}).json()["items"] == []
    assert gw.get("/api/v1/residents", params={"q": rows[505][0]}).json()["items"] == []
    # one audit row for the import, with counts and no personal data
    imports = audit_since(world, seq, action="import.residents")
    assert len(imports) == 1
    assert imports[0]["detail"] == {"format": "csv", "read": 1000, "imported": 993, "updated": 0, "failed": 7}
    assert rows[1][1] not in str(imports[0])

    # importing the same file again updates instead of duplicating
    r = upload(gw, "/api/v1/imports/residents", data, unit_id=grid_a)
    assert (r.json()["imported"], r.json()["updated"], r.json()["failed"]) == (0, 993, 7), r.text
    assert count_residents(gw, grid_a) == before + 993


def test_xlsx_import_with_numbers_and_dates(world, place):
    gw = world.accounts["grid_worker"].api
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["name", "id_number", "gender", "birth_date", "phone", "与户主关系", "房屋编码", "党员"])
    n1, n2 = id_number(), id_number(birth="1985-06-15", gender="male")
    p1 = mobile()
    ws.append(["王芳", n1, None, None, int(p1), "户主", place["h2"]["house_code"], "是"])
    ws.append(["李强", n2, "男", date(1985, 6, 15), None, "配偶", place["h2"]["house_code"], "否"])
    ws.append(["赵六", None, "男", "1970/3/5", None, None, None, None])
    ws.append(["坏日期", None, "男", "1970-02-30", None, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    # the bytes decide, not the header: an XLSX sent as octet-stream is still an XLSX
    r = upload(gw, "/api/v1/imports/residents", buf.getvalue(), "application/octet-stream",
               unit_id=world.units["grid_a"])
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["format"], res["read"], res["imported"], res["failed"]) == ("xlsx", 4, 3, 1), res
    assert [(e["row"], e["field"]) for e in res["errors"]] == [(5, "birth_date")]
    head = gw.get("/api/v1/residents", params={"id_number": n1}).json()["items"][0]
    assert head["phone"] == mask_phone(p1) and head["party_member"] is True
    assert head["household"]["relation"] == "head"
    spouse = gw.get("/api/v1/residents", params={"id_number": n2}).json()["items"][0]
    assert spouse["household"] == {"id": head["household"]["id"], "relation": "spouse"}
    zhao = gw.get("/api/v1/residents", params={"q": "赵六"}).json()["items"][0]
    assert zhao["birth_date"] == "1970-03-05"


def test_template_filled_in_and_imported(world):
    gw = world.accounts["grid_worker"].api
    r = gw.get("/api/v1/imports/templates/residents.xlsx")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == XLSX_TYPE
    assert "filename*=UTF-8''" + urllib.parse.quote("居民导入模板") + ".xlsx" in r.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["居民", "说明"]
    head = [c.value for c in wb["居民"][1]]
    assert head[:3] == ["姓名*", "身份证号", "性别"]
    assert any("独居老人" in str(c.value) for row in wb["说明"].iter_rows() for c in row)
    ws = wb["居民"]
    ws.delete_rows(2)  # the example row
    n = id_number()
    ws.append(["模板填写人", n])
    buf = io.BytesIO()
    wb.save(buf)
    r = upload(gw, "/api/v1/imports/residents", buf.getvalue(), XLSX_TYPE, unit_id=world.units["grid_a"])
    assert (r.status_code, r.json()["imported"], r.json()["failed"]) == (200, 1, 0), r.text
    # the CSV template: BOM, header and a valid example row
    r = gw.get("/api/v1/imports/templates/residents.csv")
    rows = read_csv(r)
    assert rows[0][0] == "姓名" and rows[0][1] == "身份证号" and len(rows) == 2
    assert gw.get("/api/v1/imports/templates/people.csv").status_code == 404


def test_scope_of_imports(world):
    staff_b = world.account("community_b1", "community", prefix="xfer_b")
    data = csv_bytes([["姓名", "身份证号"], ["越界", id_number()]])
    # into another community: as if it did not exist
    r = upload(staff_b.api, "/api/v1/imports/residents", data, unit_id=world.units["community_a1"])
    expect_error(r, 404, "unit_id")
    # a grid worker into the neighbouring grid
    r = upload(world.accounts["grid_worker"].api, "/api/v1/imports/residents", data, unit_id=world.units["grid_b"])
    expect_error(r, 404, "unit_id")
    # a dispatcher sees the street's residents but may not write them
    r = upload(world.accounts["dispatcher"].api, "/api/v1/imports/residents", data,
               unit_id=world.units["grid_a"])
    assert r.status_code == 403, r.text
    # no target at all
    expect_error(upload(staff_b.api, "/api/v1/imports/residents", data), 400, "unit_id")
    # a resident registered elsewhere (outside the caller's scope) is reported, not taken over
    n = id_number()
    resident(world.accounts["grid_worker"].api, "甲地居民", unit_id=world.units["grid_a"], id_number=n)
    r = upload(staff_b.api, "/api/v1/imports/residents", csv_bytes([["姓名", "身份证号"], ["乙地", n]]),
               unit_id=world.units["community_b1"])
    assert r.status_code == 200 and r.json()["failed"] == 1, r.text
    err = r.json()["errors"][0]
    assert (err["row"], err["field"]) == (2, "id_number") and "outside your scope" in err["message"]


def test_a_gbk_csv_from_excel_is_read_as_chinese(world, place):
    # Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK: names must arrive as written, not refused or garbled.
    gw = world.accounts["grid_worker"].api
    n = id_number()
    text = "姓名,身份证号,房屋编码,标签\r\n" + f"欧阳蕾,{n},{place['h1']['house_code']},\r\n"
    r = upload(gw, "/api/v1/imports/residents", text.encode("gbk"), unit_id=world.units["grid_a"])
    assert r.status_code == 200, r.text
    assert (r.json()["imported"], r.json()["failed"]) == (1, 0), r.text
    got = gw.get("/api/v1/residents", params={"id_number": n}).json()["items"]
    assert [p["name"] for p in got] == ["欧阳蕾"]
    # bytes that are neither UTF-8 nor GBK are still refused, naming the line
    r = upload(gw, "/api/v1/imports/residents", "姓名,身份证号\r\n".encode() + b"\xff\xfe\xff,1\r\n",
               unit_id=world.units["grid_a"])
    err = expect_error(r, 400, "file")
    assert "line 2" in err["message"] and "UTF-8" in err["message"], err


def test_bad_files_are_refused_naming_the_file(world):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    for data in (os.urandom(3000) + b"\x00", b"%PDF-1.4\n\x00\x01binary", b"PK\x03\x04" + os.urandom(200),
                 b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), b""):
        r = upload(gw, "/api/v1/imports/residents", data, unit_id=grid_a)
        err = expect_error(r, 400, "file")
        assert err["code"] == "validation_failed"
    # an unknown column, a missing required column
    expect_error(upload(gw, "/api/v1/imports/residents", csv_bytes([["姓名", "星座"], ["张三", "白羊"]]),
                        unit_id=grid_a), 400, "file", message="星座")
    expect_error(upload(gw, "/api/v1/imports/residents", csv_bytes([["身份证号"], [id_number()]]),
                        unit_id=grid_a), 400, "file", message="姓名")
    # a form post instead of the file
    r = gw.post("/api/v1/imports/residents", params={"unit_id": grid_a}, files={"f": ("a.csv", b"x")})
    expect_error(r, 415, "file")
    # an XLSX whose sheet XML is broken or hostile
    import zipfile
    for sheet in (b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>x</t></is></c>",
                  b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><worksheet><sheetData/></worksheet>"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='a' sheetId='1' r:id='rId1' "
                                          "xmlns:r='r'/></sheets></workbook>")
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        expect_error(upload(gw, "/api/v1/imports/residents", buf.getvalue(), XLSX_TYPE, unit_id=grid_a), 400,
                     "file")


def test_export_is_scoped_and_masked(world):
    gw = world.accounts["grid_worker"]
    n, p = id_number(birth="1985-01-01"), mobile()  # an adult under 60: no tag follows from the age
    resident(gw.api, "导出甲", unit_id=world.units["grid_a"], id_number=n, phone=p, tags=["veteran"])
    nb = id_number()
    resident(world.accounts["grid_worker_b"].api, "导出乙", unit_id=world.units["grid_b"], id_number=nb)
    r = gw.api.get("/api/v1/exports/residents.csv")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/csv")
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment; filename=\"residents-") and "filename*=UTF-8''" in cd
    assert urllib.parse.quote("实有人口") in cd
    rows = read_csv(r)
    head = rows[0]
    assert head[:2] == ["姓名", "身份证号"]
    mine = [x for x in rows[1:] if x[0] == "导出甲"]
    assert len(mine) == 1
    assert mine[0][1] == mask_id(n) and mine[0][head.index("手机号")] == mask_phone(p)
    assert mine[0][head.index("标签")] == "退役军人"
    assert not [x for x in rows[1:] if x[0] == "导出乙"], "grid B is outside the grid worker's scope"
    assert n not in r.text and p not in r.text
    assert int(r.headers["X-Export-Rows"]) == len(rows) - 1
    # filters: a tag, and a unit the caller cannot see
    rows = read_csv(gw.api.get("/api/v1/exports/residents.csv", params={"tag": "veteran"}))
    assert "导出甲" in [x[0] for x in rows[1:]]
    assert all("退役军人" in x[head.index("标签")] for x in rows[1:])
    expect_error(gw.api.get("/api/v1/exports/residents.csv", params={"tag": "no_such"}), 400, "tag")
    expect_error(gw.api.get("/api/v1/exports/residents.csv", params={"unit_id": world.units["grid_b"]}), 404,
                 "unit_id")
    # the street's dispatcher sees both grids; XLSX keeps the ID number as text
    d = world.accounts["dispatcher"].api
    r = d.get("/api/v1/exports/residents.xlsx", params={"q": "导出"})
    assert r.status_code == 200 and r.headers["Content-Type"] == XLSX_TYPE
    names = sorted(x[0] for x in read_xlsx(r.content)[1:] if x[0].startswith("导出"))
    assert names == ["导出乙", "导出甲"]
    # street B sees none of it
    rows = read_csv(world.accounts["dispatcher_street_b"].api.get("/api/v1/exports/residents.csv",
                                                                  params={"q": "导出"}))
    assert rows[1:] == []


def test_export_reveal_needs_pii_read_and_is_audited(world):
    gw = world.accounts["grid_worker"]
    n, p = id_number(), mobile()
    resident(gw.api, "揭示导出", unit_id=world.units["grid_a"], id_number=n, phone=p)
    seq = last_seq(world)
    r = gw.api.get("/api/v1/exports/residents.csv", params={"reveal": 1, "q": "揭示导出"})
    assert r.status_code == 200, r.text
    rows = read_csv(r)
    assert rows[1][1] == n and rows[1][rows[0].index("手机号")] == p
    audit = audit_since(world, seq, action="pii.export")
    assert len(audit) == 1
    assert audit[0]["account_id"] == gw.id
    assert audit[0]["detail"]["rows"] == 1 and audit[0]["detail"]["unmasked"] == 1
    assert n not in str(audit[0]) and p not in str(audit[0])
    # without pii.read: refused, nothing exported, nothing audited
    seq = last_seq(world)
    r = world.accounts["dispatcher"].api.get("/api/v1/exports/residents.csv", params={"reveal": 1})
    assert r.status_code == 403
    assert audit_since(world, seq, action="pii.export") == []
    expect_error(gw.api.get("/api/v1/exports/residents.csv", params={"reveal": "yes"}), 400, "reveal")


def test_houses_import_and_export(world):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    b = building(gw, grid_a, "房屋导入楼", code="HX1")
    data = csv_bytes([["楼栋", "单元", "楼层", "房号", "用途", "面积"],
                      ["HX1", "1", "1", "101", "自住", "88.5"],
                      ["房屋导入楼", "1", "1", "102", "出租", ""],
                      ["HX1", "1", "二", "103", "", ""],
                      ["HX1", "1", "1", "101", "", ""],
                      ["HX9", "1", "1", "104", "", ""]])
    r = upload(gw, "/api/v1/imports/houses", data, unit_id=grid_a)
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["read"], res["imported"], res["failed"]) == (5, 2, 3), res
    assert [(e["row"], e["field"]) for e in res["errors"]] == [(4, "floor"), (5, "room"), (6, "building")]
    houses = all_items(gw, f"/api/v1/buildings/{b['id']}/houses")
    assert sorted((h["room"], h["use_type"], h["area_m2"]) for h in houses) == [("101", "residence", 88.5),
                                                                                ("102", "rental", None)]
    # by building, without a 楼栋 column; an existing room is updated
    r = upload(gw, "/api/v1/imports/houses", csv_bytes([["单元", "房号", "面积"], ["1", "101", "90"],
                                                        ["2", "201", ""]]), building_id=b["id"])
    assert (r.json()["imported"], r.json()["updated"], r.json()["failed"]) == (1, 1, 0), r.text
    # houses of another street's building: 404
    expect_error(upload(world.accounts["dispatcher_street_b"].api, "/api/v1/imports/houses", data,
                        building_id=b["id"]), 404, "building_id")
    r = gw.get("/api/v1/exports/houses.xlsx", params={"building_id": b["id"]})
    assert r.status_code == 200, r.text
    rows = read_xlsx(r.content)
    assert rows[0][:4] == ["楼栋", "单元", "楼层", "房号"]
    assert sorted((x[1], x[3], x[5]) for x in rows[1:]) == [("1", "101", "90"), ("1", "102", ""),
                                                            ("2", "201", "")]
    assert gw.get("/api/v1/imports/templates/houses.csv").status_code == 200


def test_upload_limit(tmp_path):
    s = Server(tmp_path, fast_hash=True, extra_args=["--max-upload-mib", "1"])
    try:
        from conftest import add_root_admin
        admin = add_root_admin(s)
        body = b"\xef\xbb\xbf" + b"a" * (1536 * 1024)
        r = upload(admin.api, "/api/v1/imports/residents", body, unit_id=1)
        assert r.status_code == 413 and error_of(r)["code"] == "payload_too_large", r.text
        # the connection stays usable and JSON bodies keep their own 1 MiB limit
        assert admin.api.get("/api/v1/me").status_code == 200
        r = admin.api.post("/api/v1/units", data=b"{" + b" " * (1100 * 1024) + b"}",
                           headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        # no upload is left behind in the spool directory
        assert os.listdir(os.path.join(s.data_dir, "tmp")) == []
    finally:
        s.stop()
    assert_clean_log(s.read_log())
