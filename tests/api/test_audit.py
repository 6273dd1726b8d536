"""The audit log (issue 4): what a row records, GET /api/v1/audit (filters, pages, scope), and tamper
detection by `gridgov verify-audit` — a changed, removed or forged row makes it exit 1 naming the row; an
untouched log exits 0."""
import os
import re
import secrets

import pytest

from conftest import (IS_PG, ROOT_PASSWORD, ROOT_USER, TEMP_PASSWORD, add_root_admin, bearer, error_of, login,
                      unit_code)

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def test_a_row_records_who_what_which_object_when_and_from_where(world):
    admin = world.admin
    username = f"audited_{secrets.token_hex(3)}"
    r = admin.api.post("/api/v1/accounts", json={"username": username, "display_name": "审计对象",
                                                 "password": TEMP_PASSWORD, "home_unit_id": world.units["grid_b"],
                                                 "role": "grid_worker"})
    assert r.status_code == 201
    acc_id = r.json()["id"]
    rows = admin.api.get("/api/v1/audit", params={"account_id": admin.id, "limit": 2}).json()["items"]
    grant, create = rows  # newest first: the grant was written after the account, in the same transaction
    assert create["action"] == "account.create" and grant["action"] == "grant.add"
    assert grant["seq"] == create["seq"] + 1
    for row in rows:
        assert row["account_id"] == admin.id and row["username"] == admin.username
        assert row["client_ip"] == "127.0.0.1"
        assert row["object_type"] == "account" and row["object_id"] == str(acc_id)
        assert row["unit_id"] == world.units["grid_b"]
        assert RFC3339.match(row["at"]), row["at"]
    assert create["detail"] == {"username": username, "display_name": "审计对象"}
    code = admin.api.get(f"/api/v1/units/{world.units['grid_b']}").json()["code"]
    assert grant["detail"] == {"role": "grid_worker", "unit": code}
    # a change records before and after of the sensitive fields
    v = admin.api.get(f"/api/v1/accounts/{acc_id}").json()["version"]
    admin.api.patch(f"/api/v1/accounts/{acc_id}",
                    json={"display_name": "改过的名字", "status": "disabled", "version": v})
    row = admin.api.get("/api/v1/audit", params={"action": "account.update", "limit": 1}).json()["items"][0]
    assert row["object_id"] == str(acc_id)
    assert row["detail"] == {"display_name_before": "审计对象", "display_name_after": "改过的名字",
                             "status_before": "active", "status_after": "disabled", "phone": "unchanged"}
    # a failed login of an unknown user has no account and no unit: only auditors at the root see it
    login(world.server, f"ghost_{secrets.token_hex(3)}", "Nope-nope-123")
    row = admin.api.get("/api/v1/audit", params={"action": "login.failed", "limit": 1}).json()["items"][0]
    assert row["account_id"] is None and row["unit_id"] is None and row["username"].startswith("ghost_")


def test_filters_and_pages(world):
    api = world.admin.api
    # exact action, and a prefix when it ends with "."
    rows = api.get("/api/v1/audit", params={"action": "login", "limit": 200}).json()["items"]
    assert rows and {r["action"] for r in rows} == {"login"}
    rows = api.get("/api/v1/audit", params={"action": "account.", "limit": 200}).json()["items"]
    actions = {r["action"] for r in rows}
    assert {"account.create", "account.password"} <= actions and all(a.startswith("account.") for a in actions)
    rows = api.get("/api/v1/audit", params={"action": "account", "limit": 200}).json()["items"]
    assert rows == []  # no action is called just "account"
    # by account
    gw = world.accounts["grid_worker"]
    rows = api.get("/api/v1/audit", params={"account_id": gw.id, "limit": 200}).json()["items"]
    assert rows and {r["account_id"] for r in rows} == {gw.id}
    assert {"login", "account.password"} <= {r["action"] for r in rows}
    # about an object: what others did to the account, which the account's own filter does not show
    rows = api.get("/api/v1/audit", params={"object_type": "account", "object_id": gw.id, "limit": 200}).json()
    rows = rows["items"]
    assert rows and {(r["object_type"], r["object_id"]) for r in rows} == {("account", str(gw.id))}
    created = [r for r in rows if r["action"] == "account.create"]
    assert len(created) == 1 and created[0]["account_id"] == world.admin.id
    assert api.get("/api/v1/audit", params={"object_type": "account", "object_id": "999999999"}).json()["items"] == []
    for q, field in [("object_type=account", "object_id"), (f"object_id={gw.id}", "object_type"),
                     ("object_type=" + "x" * 33 + "&object_id=1", "object_type")]:
        r = api.get("/api/v1/audit?" + q)
        assert r.status_code == 400 and error_of(r)["field"] == field, (q, r.text)
    # pages: newest first, the cursor continues exactly where the page ended
    whole = api.get("/api/v1/audit", params={"limit": 30}).json()["items"]
    # start just above the newest row seen: whatever is written meanwhile (other tests' background
    # work, a session's housekeeping) lands above it and does not shift the pages compared
    seqs, before = [], str(whole[0]["seq"] + 1)
    while len(seqs) < 30:
        params = {"limit": 7, "before": before}
        page = api.get("/api/v1/audit", params=params).json()
        seqs += [r["seq"] for r in page["items"]]
        before = page["next"]
        assert before == str(page["items"][-1]["seq"])
    assert seqs[:30] == [r["seq"] for r in whole]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    # bad parameters name themselves
    for q, field in [("limit=0", "limit"), ("limit=201", "limit"), ("before=abc", "before"),
                     ("account_id=-1", "account_id"), ("action=" + "x" * 65, "action")]:
        r = api.get("/api/v1/audit?" + q)
        assert r.status_code == 400 and error_of(r)["field"] == field, q


def test_the_log_cannot_be_changed_through_the_api(world):
    api = world.admin.api
    seq = api.get("/api/v1/audit?limit=1").json()["items"][0]["seq"]
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        r = api.request(method, "/api/v1/audit", json={})
        assert r.status_code == 405 and "POST" not in r.headers["Allow"], method
        assert {m.strip() for m in r.headers["Allow"].split(",")} <= {"GET", "HEAD"}
        assert api.request(method, f"/api/v1/audit/{seq}", json={}).status_code in (404, 405)


# ---------------------------------------------------------------------------------------------------------
# Tamper detection.  Each test has a server of its own with a little history, stops it, changes the
# database behind its back and runs `gridgov verify-audit`.
# ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def history(fresh_server):
    """A server whose log holds some ordinary work: units, accounts, grants, logins, a failed login."""
    admin = add_root_admin(fresh_server)
    parent = admin.home_unit_id
    for level, name in [("province", "Province"), ("city", "City"), ("county", "County"),
                        ("street", "TamperStreet")]:
        r = admin.api.post("/api/v1/units", json={"parent_id": parent, "level": level, "code": unit_code(),
                                                  "name": name})
        assert r.status_code == 201
        parent = r.json()["id"]
    for i in range(3):
        r = admin.api.post("/api/v1/accounts", json={"username": f"worker{i}", "display_name": f"Worker {i}",
                                                     "password": TEMP_PASSWORD, "home_unit_id": parent,
                                                     "role": "dispatcher", "phone": f"1391234567{i}"})
        assert r.status_code == 201
        assert login(fresh_server, f"worker{i}", TEMP_PASSWORD).status_code == 200
    assert login(fresh_server, "worker0", "Wrong-Password-1").status_code == 401
    assert fresh_server.stop() == 0
    return fresh_server


def verify(server):
    r = server.cli("verify-audit", check=False)
    return r.returncode, r.stdout + r.stderr


def rows(server):
    return int(server.sql("SELECT count(*) FROM audit_log")[0][0])


def assert_broken_at(server, seq, reason):
    code, out = verify(server)
    assert code == 1, out
    assert f"BROKEN at row {seq}:" in out, out
    assert reason in out, out


def test_an_untouched_log_verifies(history):
    n = rows(history)
    assert n >= 15
    code, out = verify(history)
    assert code == 0, out
    assert out.strip() == f"verify-audit: ok, {n} rows, chain intact, anchored up to row {n}"


def sql_text(v):
    return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"


def one_char_changed(v):
    """v with its last character replaced by another one (one byte, for ASCII text)."""
    v = str(v)
    return v[:-1] + ("0" if v[-1] != "0" else "1")


# every column of a row is covered by the hash: changing any one of them breaks the chain at that row
COLUMNS = ["at", "account_id", "username", "client_ip", "action", "object_type", "object_id", "unit_id", "detail",
           "prev_hash", "hash"]


def test_a_change_to_any_column_names_that_row(history):
    # SQLite through Python's sqlite3 module, PostgreSQL through psql: an UPDATE behind the server's back
    n = rows(history)
    for column in COLUMNS:
        # a row in the middle that has a value in this column
        seq = int(history.sql(f"SELECT max(seq) FROM audit_log WHERE seq < {n - 2} AND {column} IS NOT NULL")[0][0])
        old = history.sql(f"SELECT {column} FROM audit_log WHERE seq = {seq}")[0][0]
        if column in ("at", "account_id", "unit_id"):
            new = str(int(old) + 1)
        else:
            new = sql_text(one_char_changed(old))
        history.sql(f"UPDATE audit_log SET {column} = {new} WHERE seq = {seq}")
        why = "does not point at the hash of the row before it" if column == "prev_hash" else \
            "was changed after it was written"
        assert_broken_at(history, seq, f"row {seq} {why}")
        # put it back: intact again
        history.sql(f"UPDATE audit_log SET {column} = {sql_text(old)} WHERE seq = {seq}")
        assert verify(history)[0] == 0, column


@pytest.mark.skipif(IS_PG, reason="edits the bytes of the SQLite database file; the PostgreSQL variant is "
                                  "test_a_change_to_any_column_names_that_row, which UPDATEs rows with psql")
def test_one_byte_changed_in_the_sqlite_file_is_found(history):
    path = history.sqlite_path
    seq = int(history.sql("SELECT seq FROM audit_log WHERE action = 'unit.create' "
                          "AND detail LIKE '%TamperStreet%'")[0][0])
    history.sql("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the main file
    with open(path, "rb") as f:
        data = f.read()
    needle = b'"name":"TamperStreet","level":"street"}'  # the row's detail; the unit table has no JSON
    assert data.count(needle) == 1, data.count(needle)
    at = data.index(needle) + needle.index(b"TamperStreet")
    with open(path, "r+b") as f:
        f.seek(at)
        f.write(b"D")  # TamperStreet -> DamperStreet
    assert not os.path.exists(path + "-wal") or os.path.getsize(path + "-wal") == 0
    assert history.sql(f"SELECT detail FROM audit_log WHERE seq = {seq}")[0][0].count("DamperStreet") == 1
    assert_broken_at(history, seq, f"row {seq} was changed after it was written")


def test_removing_the_newest_row_is_found(history):
    n = rows(history)
    history.sql(f"DELETE FROM audit_log WHERE seq = {n}")
    assert_broken_at(history, n, f"the log ends at row {n - 1} but {n} rows were written")


def cut_tail(server, keep):
    """Delete every row after `keep` and set audit_head back to row `keep`: a shorter chain, intact in itself."""
    head = server.sql(f"SELECT hash FROM audit_log WHERE seq = {keep}")[0][0]
    server.sql(f"DELETE FROM audit_log WHERE seq > {keep}")
    server.sql(f"UPDATE audit_head SET seq = {keep}, hash = '{head}' WHERE id = 1")


def test_cutting_off_the_newest_rows_and_setting_the_head_back_is_found(history):
    n = rows(history)
    cut_tail(history, n - 3)
    assert_broken_at(history, n - 2, f"the log ends at row {n - 3} but row {n} was anchored in audit-anchor.log")


def test_the_anchor_file_cannot_be_edited_to_match_a_cut(history):
    n = rows(history)
    cut_tail(history, n - 3)
    path = os.path.join(history.data_dir, "audit-anchor.log")
    with open(path) as f:
        lines = f.read().splitlines()
    assert lines and lines[-1].split()[0] == str(n)
    head = history.sql(f"SELECT hash FROM audit_log WHERE seq = {n - 3}")[0][0]
    # a made-up newest line pointing at the new end: its MAC needs the key file
    with open(path, "a") as f:
        f.write(f"{n - 3} {head} {'0' * 64}\n")
    assert_broken_at(history, n - 2, f"line {len(lines) + 1} of audit-anchor.log is not genuine")


def test_removing_a_row_in_the_middle_is_found(history):
    history.sql("DELETE FROM audit_log WHERE seq = 7")
    assert_broken_at(history, 7, "row 7 is missing: row 8 follows row 6")


def test_a_forged_row_is_found(history):
    n = rows(history)
    last_hash = history.sql(f"SELECT hash FROM audit_log WHERE seq = {n}")[0][0]
    history.sql("INSERT INTO audit_log (seq, at, account_id, username, client_ip, action, object_type, object_id, "
                "unit_id, detail, prev_hash, hash) VALUES "
                f"({n + 1}, 1795000000000, 1, 'root_admin', '127.0.0.1', 'grant.add', 'account', '2', 1, "
                f"'{{\"role\":\"admin\",\"unit\":\"000000000000\"}}', '{last_hash}', '{'ab' * 32}')")
    assert_broken_at(history, n + 1, f"row {n + 1} was changed after it was written")


def test_the_server_goes_on_appending_to_an_intact_chain(history):
    # a restart continues the same chain
    history.start()
    admin_api = bearer(history, ROOT_USER, ROOT_PASSWORD)
    root = admin_api.get("/api/v1/me").json()["grants"][0]["unit_id"]
    r = admin_api.post("/api/v1/units", json={"parent_id": root, "level": "province", "code": unit_code(),
                                              "name": "After restart"})
    assert r.status_code == 201
    history.stop()
    code, out = verify(history)
    assert code == 0 and "chain intact" in out, out


def test_the_whole_log_exports_as_a_csv_streamed_page_by_page(fresh_server):
    import csv
    import io

    import requests

    srv = fresh_server
    admin = add_root_admin(srv)
    # what a spreadsheet would run as a formula is written as text
    login(srv, "=HYPERLINK(\"http://evil.example\")", "wrong-password-1")
    # more rows than one page (200) of the export, written behind the server's back
    srv.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 450) "
            "INSERT INTO audit_log (seq, at, account_id, username, client_ip, action, object_type, object_id, "
            "unit_id, detail, prev_hash, hash) SELECT 1000000 + i, 1795000000000 + i, NULL, 'bulk', '10.0.0.1', "
            "'bulk.test', NULL, NULL, NULL, NULL, 'x', 'y' FROM n")

    r = admin.api.get("/api/v1/audit.csv", stream=True)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Transfer-Encoding"] == "chunked"  # streamed, not built in memory first
    assert r.headers["Content-Disposition"].startswith('attachment; filename="audit-')
    body = r.raw.read().decode("utf-8")
    assert body.startswith("\ufeff")  # Excel in a Chinese locale reads UTF-8 only with the mark
    table = list(csv.reader(io.StringIO(body[1:])))
    assert table[0] == ["序号", "时间", "账号ID", "用户名", "客户端地址", "操作", "对象类型", "对象ID", "单位ID", "详情"]
    data = table[1:]
    total = int(srv.sql("SELECT count(*) FROM audit_log")[0][0])
    assert len(data) == total and total > 450
    seqs = [int(row[0]) for row in data]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == total  # newest first, none twice
    assert sum(row[5] == "bulk.test" for row in data) == 450
    # the export itself is on record, before its first row left
    exports = [row for row in data if row[5] == "audit.export"]
    assert len(exports) == 1 and exports[0][3] == ROOT_USER and RFC3339.match(exports[0][1])
    assert any(row[3] == "'=HYPERLINK(\"http://evil.example\")" for row in data)

    # HEAD tells the type without a body; a client that leaves mid-stream leaves the server serving
    r = admin.api.request("HEAD", "/api/v1/audit.csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8" and r.content == b""
    r = admin.api.get("/api/v1/audit.csv", stream=True)
    assert r.raw.read(100).startswith("\ufeff".encode())
    r.close()
    assert admin.api.get("/api/v1/audit?limit=1").status_code == 200

    # the filters of GET /audit apply
    r = admin.api.get("/api/v1/audit.csv", params={"action": "login.failed"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    assert rows and {row[5] for row in rows} == {"login.failed"}
    r = admin.api.get("/api/v1/audit.csv", params={"account_id": "abc"})
    assert r.status_code == 400 and error_of(r)["field"] == "account_id"

    # only auditors: a grid worker is refused, an anonymous caller too
    srv.cli("user", "add", "plain_user", "--password-stdin", input="Plain-user-2026!\n")
    plain = bearer(srv, "plain_user", "Plain-user-2026!")
    r = plain.get("/api/v1/audit.csv")
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert requests.get(srv.url("/api/v1/audit.csv")).status_code == 401


def test_a_head_of_the_export_leaves_nothing_on_the_connection_for_the_next_response(fresh_server):
    """HEAD of a streamed response, then another request: what comes after the HEAD's headers is the next
    response (libmicrohttpd 0.9.75 writes a chunked body's last chunk even for HEAD)."""
    import socket

    srv = fresh_server
    admin = add_root_admin(srv)
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(f"HEAD /api/v1/audit.csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {admin.api.token}"
                  "\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"text/csv" in head
    # Either the next response follows at once, or the HEAD's answer said the connection closes (a client
    # reads nothing more from it) and nothing else was answered on it.
    closes = b"\r\nconnection: close" in head.lower()
    assert rest.startswith(b"HTTP/1.1 ") or (closes and b"HTTP/1.1" not in rest), rest[:40]
