"""QR house codes and registration through them (issue 5, item 6): SVG and PNG codes per house and a printable
sheet per building, the public page's API (no login, rate-limited, revealing nothing about occupants), and the
grid worker's approval or rejection — on SQLite and PostgreSQL.

The module runs its own server (with its own World) so that it can set public_url and the rate limits; the
rate-limit test starts a further, tiny server with very low limits.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib

import pytest
import requests

from conftest import Server, World, add_root_admin, assert_clean_log, child_code, error_of
from placekit import (all_items, audit_since, building, expect_error, house, id_number, last_seq, mask_id,
                      mask_phone, mobile, resident, wrong_check)

PUBLIC_URL = "https://grid.example.gov.cn/gg"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def qr_server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("qr"), fast_hash=True,
               extra_args=["--public-url", PUBLIC_URL + "/", "--public-max-per-address", "100000",
                           "--registration-max-per-address", "100000", "--registration-max-per-house", "50"])
    yield s
    code = s.stop()
    log = s.read_log()
    assert_clean_log(log)
    assert code == 0, log[-3000:]


@pytest.fixture(scope="module")
def qw(qr_server):
    return World(qr_server)


def anon(server):
    return requests.Session()


def pub_get(server, token):
    return requests.get(server.url(f"/api/v1/public/houses/{token}"), timeout=30)


def pub_post(server, token, body):
    return requests.post(server.url(f"/api/v1/public/houses/{token}/registrations"), json=body, timeout=30)


def person(**kw):
    body = {"name": "王小明", "id_number": id_number(), "phone": mobile(), "relation": "head"}
    body.update(kw)
    return body


# ---- decoding what we serve ----

def png_chunks(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:8]
    pos, chunks = 8, []
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc, f"bad CRC in {kind}"
        chunks.append((kind, body))
        pos += 12 + n
    assert pos == len(data)
    return chunks


def png_modules(data, scale):
    """The module matrix (without the quiet zone) of one of our PNGs."""
    chunks = png_chunks(data)
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    w, h, depth, colour, comp, filt, inter = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (w, depth, colour, comp, filt, inter) == (h, 8, 0, 0, 0, 0)
    raw = zlib.decompress(chunks[1][1])
    assert len(raw) == h * (w + 1)
    assert w % scale == 0
    side = w // scale
    rows = [raw[y * (w + 1):(y + 1) * (w + 1)] for y in range(h)]
    assert all(r[0] == 0 for r in rows)  # filter type none on every line
    grid = [[1 if rows[y * scale + scale // 2][1 + x * scale + scale // 2] == 0 else 0 for x in range(side)]
            for y in range(side)]
    q = 4
    # the quiet zone is white all round
    assert not any(grid[y][x] for y in range(side) for x in range(side)
                   if y < q or x < q or y >= side - q or x >= side - q)
    return [row[q:side - q] for row in grid[q:side - q]]


def svg_modules(text, module=8):
    root = ET.fromstring(text.encode())
    assert root.tag == SVG + "svg"
    path = root.find(SVG + "path").get("d")
    vb = [int(v) for v in root.get("viewBox").split()]
    side = vb[2] // module
    width = side - 8
    grid = [[0] * width for _ in range(width)]
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v\d+h-\d+z", path):
        mx, my = int(x) // module - 4, int(y) // module - 4
        for i in range(int(run) // module):
            grid[my][mx + i] = 1
    return root, grid


def qr_width_ok(w):
    return 21 <= w <= 177 and (w - 17) % 4 == 0


# ---- codes ----

@pytest.fixture(scope="module")
def place(qw):
    """A building of grid A with three houses (grid worker of grid A)."""
    gw = qw.accounts["grid_worker"].api
    b = building(gw, qw.units["grid_a"], "桂林小区 8栋", address="桂林北路 8 号")
    hs = [house(gw, b["id"], room, entrance="1") for room in ("101", "102", "201")]
    return {"building": b, "houses": hs}


def test_svg_and_png_of_a_house_carry_the_same_symbol_and_scope(qw, qr_server, place):
    gw = qw.accounts["grid_worker"].api
    h = place["houses"][0]
    r = gw.get(f"/api/v1/houses/{h['id']}/qr.svg")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("image/svg+xml")
    assert r.headers["Content-Disposition"] == f'inline; filename="house-{h["house_code"]}.svg"'
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    root, svg_grid = svg_modules(r.text)
    assert qr_width_ok(len(svg_grid)), len(svg_grid)
    caption = root.find(SVG + "text")
    assert caption is not None and caption.text == "桂林小区 8栋 1单元 101室"

    r = gw.get(f"/api/v1/houses/{h['id']}/qr.png", params={"scale": 5})
    assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
    assert r.headers["Content-Disposition"] == f'inline; filename="house-{h["house_code"]}.png"'
    png_grid = png_modules(r.content, 5)
    assert png_grid == svg_grid  # one symbol, two drawings
    # the default scale is 8 pixels per module
    r = gw.get(f"/api/v1/houses/{h['id']}/qr.png")
    (w,) = struct.unpack(">I", r.content[16:20])
    assert w == (len(svg_grid) + 8) * 8

    # what a phone reads: the public URL with the house's token (decoded by zbarimg when installed)
    if shutil.which("zbarimg"):
        path = os.path.join(qr_server.tmpdir, "house.png")
        with open(path, "wb") as f:
            f.write(r.content)
        out = subprocess.run(["zbarimg", "--raw", "-q", path], capture_output=True, text=True, check=True)
        assert out.stdout.strip() == f"{PUBLIC_URL}/r/{h['qr_token']}"

    expect_error(gw.get(f"/api/v1/houses/{h['id']}/qr.png", params={"scale": 0}), 400, "scale")
    # scope: another grid's worker and the next street's staff get 404; a leader above reads the house but
    # does not print its labels (the code is a key to registering people there): 403
    for who in ("grid_worker_b", "dispatcher_street_b"):
        for kind in ("qr.svg", "qr.png"):
            r = qw.accounts[who].api.get(f"/api/v1/houses/{h['id']}/{kind}")
            assert r.status_code == 404, (who, kind, r.status_code)
    assert qw.accounts["leader"].api.get(f"/api/v1/houses/{h['id']}/qr.svg").status_code == 403
    assert requests.get(qr_server.url(f"/api/v1/houses/{h['id']}/qr.svg"), timeout=30).status_code == 401
    assert gw.get("/api/v1/houses/999999999/qr.svg").status_code == 404


def test_building_sheet_lists_every_live_house(qw, place):
    gw = qw.accounts["grid_worker"].api
    b = place["building"]
    extra = house(gw, b["id"], "301", entrance="1")
    gone = house(gw, b["id"], "302", entrance="1")
    r = gw.patch(f"/api/v1/houses/{gone['id']}", json={"retired": True, "version": gone["version"]})
    assert r.status_code == 200, r.text
    r = gw.get(f"/api/v1/buildings/{b['id']}/qr-sheet")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Content-Disposition"] == f'inline; filename="qr-sheet-{b["code"]}.html"'
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    html = r.text
    assert "<script" not in html.lower() and not re.search(r"\son[a-z]+=", html)  # no script, no handlers
    assert "@media print" in html
    ids = [int(i) for i in re.findall(r'<figure class="label" data-house-id="(\d+)"', html)]
    live = place["houses"] + [extra]
    assert sorted(ids) == sorted(h["id"] for h in live)
    for h in live:
        assert h["house_code"] in html
    assert gone["house_code"] not in html
    assert html.count("<svg") == len(live)
    assert "桂林小区 8栋 1单元 301室" in html
    # outside the scope: 404
    assert qw.accounts["dispatcher_street_b"].api.get(f"/api/v1/buildings/{b['id']}/qr-sheet").status_code == 404
    # an empty building still prints a page that says so
    empty = building(gw, qw.units["grid_a"], "空楼")
    r = gw.get(f"/api/v1/buildings/{empty['id']}/qr-sheet")
    assert r.status_code == 200 and "<figure" not in r.text and "No houses" in r.text


# ---- the public page ----

def test_public_lookup_shows_only_the_door(qw, qr_server, place):
    gw = qw.accounts["grid_worker"].api
    h = place["houses"][1]
    resident(gw, "李秘密", house_id=h["id"], phone=mobile())
    r = pub_get(qr_server, h["qr_token"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body == {"house": {"community": "桂林社区", "building": "桂林小区 8栋", "entrance": "1",
                              "room": "102", "label": "桂林小区 8栋 1单元 102室"}}
    assert "李秘密" not in r.text and h["house_code"] not in r.text
    assert r.headers["Cache-Control"] == "no-store"
    # unknown, malformed and (below) rotated tokens: one and the same answer
    unknown = pub_get(qr_server, "A" * 43)
    malformed = pub_get(qr_server, "not-a-token")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json() == malformed.json()
    assert error_of(unknown)["code"] == "not_found"
    r = pub_post(qr_server, "A" * 43, person())
    assert r.status_code == 404 and r.json() == unknown.json()


def test_submission_errors_name_the_field(qw, qr_server, place):
    token = place["houses"][0]["qr_token"]
    cases = [
        ({"id_number": wrong_check(id_number())}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"phone": "12345"}, "phone"),
        ({"phone": ""}, "phone"),
        ({"relation": "boss"}, "relation"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"note": "n" * 201}, "note"),
        ({"extra": 1}, "extra"),
    ]
    for change, field in cases:
        r = pub_post(qr_server, token, person(**change))
        expect_error(r, 400, field)
    r = pub_post(qr_server, token, {k: v for k, v in person().items() if k != "name"})
    expect_error(r, 400, "name")
    r = requests.post(qr_server.url(f"/api/v1/public/houses/{token}/registrations"), data="name=x",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert r.status_code == 415
    # nothing was stored
    assert qw.accounts["grid_worker"].api.get("/api/v1/registrations",
                                               params={"house_id": place["houses"][0]["id"]}).json()["items"] == []


def test_rotation_kills_the_old_code(qw, qr_server, place):
    gw = qw.accounts["grid_worker"].api
    h = place["houses"][2]
    old_svg = gw.get(f"/api/v1/houses/{h['id']}/qr.svg").text
    assert pub_get(qr_server, h["qr_token"]).status_code == 200
    # reading is not enough to rotate
    r = qw.accounts["leader"].api.post(f"/api/v1/houses/{h['id']}/qr-token/rotate")
    assert r.status_code == 403, r.text
    assert qw.accounts["dispatcher_street_b"].api.post(f"/api/v1/houses/{h['id']}/qr-token/rotate").status_code == 404
    seq = last_seq(qw)
    r = gw.post(f"/api/v1/houses/{h['id']}/qr-token/rotate")
    assert r.status_code == 200, r.text
    new = r.json()
    assert new["id"] == h["id"] and new["house_code"] == h["house_code"]
    assert new["qr_token"] != h["qr_token"] and re.fullmatch(r"[A-Za-z0-9_-]{43}", new["qr_token"])
    assert gw.get(f"/api/v1/houses/{h['id']}").json()["qr_token"] == new["qr_token"]
    dead = pub_get(qr_server, h["qr_token"])
    assert dead.status_code == 404 and dead.json() == pub_get(qr_server, "B" * 43).json()
    assert pub_post(qr_server, h["qr_token"], person()).status_code == 404
    assert pub_get(qr_server, new["qr_token"]).status_code == 200
    assert gw.get(f"/api/v1/houses/{h['id']}/qr.svg").text != old_svg
    rows = audit_since(qw, seq, action="house.qr_rotate")
    assert len(rows) == 1 and h["qr_token"] not in json.dumps(rows) and new["qr_token"] not in json.dumps(rows)
    h["qr_token"] = new["qr_token"]


# ---- approval ----

def test_approval_creates_resident_and_household(qw, qr_server):
    gw = qw.accounts["grid_worker"].api
    b = building(gw, qw.units["grid_a"], "桂林小区 9栋")
    h = house(gw, b["id"], "501", entrance="2")
    seq = last_seq(qw)
    head = person(name="赵大海", relation="head", note="刚搬来")
    r = pub_post(qr_server, h["qr_token"], head)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "received"
    assert head["id_number"] not in r.text and "赵大海" not in r.text
    # the same person again replaces the pending registration (a typo fixed), no second row
    head["phone"] = mobile()
    assert pub_post(qr_server, h["qr_token"], head).status_code == 202
    spouse = person(name="钱小花", relation="spouse")
    assert pub_post(qr_server, h["qr_token"], spouse).status_code == 202

    pending = gw.get("/api/v1/registrations", params={"status": "pending", "house_id": h["id"]}).json()["items"]
    assert [p["name"] for p in pending] == ["赵大海", "钱小花"]
    first = pending[0]
    assert first["id_number"] == mask_id(head["id_number"]) and first["id_number_masked"] is True
    assert first["phone"] == mask_phone(head["phone"]) and first["phone_masked"] is True
    assert first["house"] == {"id": h["id"], "house_code": h["house_code"], "address": "桂林小区 9栋 2单元 501室"}
    assert first["relation"] == "head" and first["note"] == "刚搬来" and first["status"] == "pending"
    assert first["decided_by"] is None and first["resident_id"] is None
    assert first["version"] == 2  # resubmitted once
    # scope: the next grid's worker sees none of them
    other = qw.accounts["grid_worker_b"].api
    assert all(i["house"]["id"] != h["id"] for i in all_items(other, "/api/v1/registrations"))
    assert other.get(f"/api/v1/registrations/{first['id']}").status_code == 404
    assert other.post(f"/api/v1/registrations/{first['id']}/approve").status_code == 404

    # reveal: pii.read, audited
    r = gw.get(f"/api/v1/registrations/{first['id']}", params={"reveal": "id_number,phone"})
    assert r.status_code == 200, r.text
    assert r.json()["id_number"] == head["id_number"] and r.json()["phone"] == head["phone"]
    assert r.json()["known_resident"] is None
    expect_error(gw.get(f"/api/v1/registrations/{first['id']}", params={"reveal": "name"}), 400, "reveal")
    # a leader reads but may not decide
    assert qw.accounts["leader"].api.post(f"/api/v1/registrations/{first['id']}/approve").status_code == 403

    # the spouse first: the house has no household yet, so it is created and the first approved heads it
    r = gw.post(f"/api/v1/registrations/{pending[1]['id']}/approve", json={"note": "电话核实"})
    assert r.status_code == 200, r.text
    sp = r.json()
    assert sp["status"] == "approved" and sp["resident_id"] and sp["household_id"]
    assert sp["decided_by"]["id"] == qw.accounts["grid_worker"].id and sp["decision_note"] == "电话核实"
    hh = gw.get(f"/api/v1/households/{sp['household_id']}").json()
    assert hh["house"]["id"] == h["id"] and hh["head"]["name"] == "钱小花"
    # the registrant who claims to be head now needs the worker's relation: the household has a head
    r = gw.post(f"/api/v1/registrations/{first['id']}/approve", json={})
    expect_error(r, 409, "relation", "conflict")
    r = gw.post(f"/api/v1/registrations/{first['id']}/approve", json={"relation": "spouse", "version": 99})
    expect_error(r, 409, "version", "version_conflict")
    r = gw.post(f"/api/v1/registrations/{first['id']}/approve",
                json={"relation": "spouse", "version": first["version"]})
    assert r.status_code == 200, r.text
    hd = r.json()
    assert hd["household_id"] == sp["household_id"]
    # approving twice is refused
    expect_error(gw.post(f"/api/v1/registrations/{first['id']}/approve"), 409, "status", "conflict")

    # the residents are there for the grid worker, in the house and its household
    people = all_items(gw, "/api/v1/residents", house_id=h["id"])
    assert sorted(p["name"] for p in people) == ["赵大海", "钱小花"]
    zhao = gw.get(f"/api/v1/residents/{hd['resident_id']}", params={"reveal": "id_number,phone"}).json()
    assert zhao["id_number"] == head["id_number"] and zhao["phone"] == head["phone"]
    assert zhao["household"] == {"id": sp["household_id"], "relation": "spouse"}
    assert zhao["gender"] and zhao["birth_date"] == f"{head['id_number'][6:10]}-{head['id_number'][10:12]}-{head['id_number'][12:14]}"
    hh = gw.get(f"/api/v1/households/{sp['household_id']}").json()
    assert hh["member_count"] == 2
    # the public page still says nothing about them
    assert "赵大海" not in pub_get(qr_server, h["qr_token"]).text

    # the audit log: submissions without personal data, the decisions, the reveal
    rows = audit_since(qw, seq)
    text = json.dumps(rows, ensure_ascii=False)
    for secret in (head["id_number"], spouse["id_number"], head["phone"], spouse["phone"]):
        assert secret not in text
    subs = [r for r in rows if r["action"] == "registration.submit"]
    assert len(subs) == 3 and all(r["account_id"] is None and "赵大海" not in json.dumps(r, ensure_ascii=False)
                                  for r in subs)
    assert any(r["action"] == "pii.read" and r["object_type"] == "registration" for r in rows)
    approvals = [r for r in rows if r["action"] == "registration.approve"]
    assert len(approvals) == 2
    assert {"resident.create", "household.create", "household.member.in"} <= {r["action"] for r in rows}
    # and the database holds no plaintext either
    stored = qr_server.sql(f"SELECT id_number_enc, phone_enc FROM registration WHERE house_id = {h['id']}")
    assert stored and all(head["id_number"] not in str(row) and head["phone"] not in str(row) for row in stored)


def test_known_person_is_updated_not_duplicated(qw, qr_server):
    gw = qw.accounts["grid_worker"].api
    b = building(gw, qw.units["grid_a"], "桂林小区 10栋")
    h = house(gw, b["id"], "101")
    known = resident(gw, "孙旧名", unit_id=qw.units["grid_a"], phone=mobile())
    idn = gw.get(f"/api/v1/residents/{known['id']}", params={"reveal": "id_number"}).json()["id_number"]
    new_phone = mobile()
    assert pub_post(qr_server, h["qr_token"], person(name="孙新名", id_number=idn, phone=new_phone,
                                                     relation="head")).status_code == 202
    reg = gw.get("/api/v1/registrations", params={"house_id": h["id"]}).json()["items"][0]
    detail = gw.get(f"/api/v1/registrations/{reg['id']}").json()
    assert detail["known_resident"] == {"id": known["id"], "name": "孙旧名"}
    r = gw.post(f"/api/v1/registrations/{reg['id']}/approve")
    assert r.status_code == 200, r.text
    assert r.json()["resident_id"] == known["id"]
    same = gw.get("/api/v1/residents", params={"id_number": idn}).json()["items"]
    assert [p["id"] for p in same] == [known["id"]]
    after = gw.get(f"/api/v1/residents/{known['id']}", params={"reveal": "phone"}).json()
    assert after["name"] == "孙新名" and after["phone"] == new_phone
    assert after["house"]["id"] == h["id"] and after["household"]["relation"] == "head"

    # a person registered in another street cannot be taken over from here
    far = resident(qw.admin.api, "周远方", unit_id=qw.units["grid_b1"])
    far_idn = qw.admin.api.get(f"/api/v1/residents/{far['id']}", params={"reveal": "id_number"}).json()["id_number"]
    h2 = house(gw, b["id"], "102")
    assert pub_post(qr_server, h2["qr_token"], person(id_number=far_idn)).status_code == 202
    reg2 = gw.get("/api/v1/registrations", params={"house_id": h2["id"]}).json()["items"][0]
    assert gw.get(f"/api/v1/registrations/{reg2['id']}").json()["known_resident"] is None
    expect_error(gw.post(f"/api/v1/registrations/{reg2['id']}/approve"), 409, "id_number", "conflict")
    assert len(qw.admin.api.get("/api/v1/residents", params={"id_number": far_idn}).json()["items"]) == 1


def test_reject_needs_a_reason_and_is_final(qw, qr_server, place):
    gw = qw.accounts["grid_worker"].api
    h = place["houses"][0]
    body = person(name="假登记", relation="other")
    assert pub_post(qr_server, h["qr_token"], body).status_code == 202
    reg = [i for i in gw.get("/api/v1/registrations", params={"house_id": h["id"], "status": "pending"}).json()["items"]
           if i["name"] == "假登记"][0]
    seq = last_seq(qw)
    expect_error(gw.post(f"/api/v1/registrations/{reg['id']}/reject", json={}), 400, "reason")
    expect_error(gw.post(f"/api/v1/registrations/{reg['id']}/reject", json={"reason": "  "}), 400, "reason")
    r = gw.post(f"/api/v1/registrations/{reg['id']}/reject", json={"reason": "核实无此人"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "rejected" and r.json()["decision_note"] == "核实无此人"
    assert r.json()["resident_id"] is None
    expect_error(gw.post(f"/api/v1/registrations/{reg['id']}/approve"), 409, "status")
    assert gw.get("/api/v1/residents", params={"id_number": body["id_number"]}).json()["items"] == []
    rejected = gw.get("/api/v1/registrations", params={"status": "rejected"}).json()["items"]
    assert reg["id"] in [i["id"] for i in rejected]
    expect_error(gw.get("/api/v1/registrations", params={"status": "maybe"}), 400, "status")
    rows = audit_since(qw, seq, action="registration.reject")
    assert len(rows) == 1 and body["id_number"] not in json.dumps(rows)
    # the person may submit again after a rejection (a new pending row)
    assert pub_post(qr_server, h["qr_token"], body).status_code == 202


def test_public_endpoints_are_rate_limited(tmp_path):
    s = Server(tmp_path, fast_hash=True,
               extra_args=["--public-max-per-address", "12", "--registration-max-per-house", "2",
                           "--registration-max-per-address", "3"])
    try:
        admin = add_root_admin(s)
        api = admin.api
        ids = {}
        for key, parent, level in (("p", admin.home_unit_id, "province"), ("c", "p", "city"),
                                   ("co", "c", "county"), ("s", "co", "street"), ("cm", "s", "community"),
                                   ("g", "cm", "grid")):
            parent_id = ids.get(parent, parent)
            r = api.post("/api/v1/units", json={"parent_id": parent_id, "level": level,
                                                "code": child_code(api, parent_id, level), "name": level})
            assert r.status_code == 201, r.text
            ids[key] = r.json()["id"]
        b = building(api, ids["g"], "一栋")
        h1, h2 = house(api, b["id"], "1"), house(api, b["id"], "2")
        # per house: two accepted, the third refused with the time to wait
        assert pub_post(s, h1["qr_token"], person()).status_code == 202
        assert pub_post(s, h1["qr_token"], person()).status_code == 202
        r = pub_post(s, h1["qr_token"], person())
        assert r.status_code == 429, r.text
        err = error_of(r)
        assert err["code"] == "too_many_requests" and 1 <= err["retry_after"] <= 3600
        assert r.headers["Retry-After"] == str(err["retry_after"])
        # per address: the third accepted submission from here used the last one
        assert pub_post(s, h2["qr_token"], person()).status_code == 202
        assert pub_post(s, h2["qr_token"], person()).status_code == 429
        # every public request counts against the address: lookups (also of dead codes) run out too
        codes = [pub_get(s, "C" * 43).status_code for _ in range(10)]
        assert codes[-1] == 429 and 404 in codes, codes
        r = pub_get(s, h2["qr_token"])
        assert r.status_code == 429 and error_of(r)["retry_after"] >= 1
        # logged-in work is not affected
        assert api.get(f"/api/v1/houses/{h1['id']}/qr.svg").status_code == 200
        assert len(api.get("/api/v1/registrations").json()["items"]) == 3
    finally:
        s.stop()
        assert_clean_log(s.read_log())


def test_public_url_is_validated(tmp_path):
    for bad in ("ftp://x", "http://", "https://a b", "https://x/?q=1", "https://u@x"):
        r = subprocess.run([os.environ.get("GG_BINARY", ""), "serve", "--public-url", bad, "--database",
                            f"sqlite:{tmp_path}/x.db", "--data-dir", str(tmp_path)], capture_output=True, text=True,
                           timeout=30)
        assert r.returncode != 0 and "public_url" in r.stderr, (bad, r.stderr)
