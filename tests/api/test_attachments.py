"""Attachments: streamed uploads with a size limit, types sniffed against an allow-list, content kept once
per sha256 outside the web root, served with Content-Disposition and nosniff to the uploader only while
unlinked, anonymous uploads with an upload token and a rate limit, and the purge of unclaimed uploads."""
import os
import struct
import time
import zlib

import pytest
import requests

from casekit import cw, make_case, public_case  # noqa: F401  (cw is a fixture)
from conftest import Server, assert_clean_log, error_of

LIMIT = 8 * 1024 * 1024


# ---- tiny real files, made here ----

def png_bytes(color=(255, 0, 0)):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00" + bytes(color)  # one row: filter byte + one RGB pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def jpeg_bytes():
    # a JFIF header (APP0), a quantisation table, a frame header and the end marker: what a camera's file
    # starts with; libmagic reads the markers
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 1, 1, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + dqt + sof + b"\xff\xd9"


WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")  # 1x1 lossless
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

FILES = [("photo.jpg", "image/jpeg", jpeg_bytes()), ("pixel.png", "image/png", png_bytes()),
         ("p.webp", "image/webp", WEBP), ("IMG_0001.HEIC", "image/heic", HEIC), ("报告.pdf", "application/pdf", PDF)]


def upload(api, data, name=None, content_type="application/octet-stream", path="/api/v1/attachments", **params):
    if name is not None:
        params["name"] = name
    return api.post(path, data=data, params=params, headers={"Content-Type": content_type})


def stored(server, sha):
    return os.path.join(server.data_dir, "attachments", sha[:2], sha[2:4], sha)


def files_under(*dirs):
    out = []
    for d in dirs:
        for root, _, names in os.walk(d):
            out += [os.path.join(root, n) for n in names]
    return out


# ---- uploads ----

@pytest.mark.parametrize("name,mime,data", FILES, ids=[f[1] for f in FILES])
def test_allowed_types_are_accepted_and_kept_by_hash(world, server, name, mime, data):
    api = world.accounts["grid_worker"].api
    r = upload(api, data, name=name, content_type=mime)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["mime"] == mime and body["size"] == len(data) and body["name"] == name
    assert r.headers["Location"] == f"/api/v1/attachments/{body['id']}"
    import hashlib
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    path = stored(server, body["sha256"])
    with open(path, "rb") as f:
        assert f.read() == data
    assert os.stat(path).st_mode & 0o077 == 0  # private to the server's user
    # outside the web root: the content is never a static file
    for guess in (f"/attachments/{body['sha256']}", f"/attachments/{body['sha256'][:2]}/{body['sha256'][2:4]}/{body['sha256']}"):
        r = requests.get(server.url(guess), timeout=10)
        assert r.content != data  # 404, or the web app's index.html for a path without an extension


def test_a_text_file_named_jpg_is_refused_naming_what_it_is(world):
    r = upload(world.accounts["grid_worker"].api, b"just some text, honestly\n", name="photo.jpg",
               content_type="image/jpeg")
    err = error_of(r)
    assert r.status_code == 415 and err["field"] == "file" and err["reason"] == "type_not_allowed"
    assert err["params"]["name"] == "text/plain"
    r = upload(world.accounts["grid_worker"].api, b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
               name="x.svg", content_type="image/svg+xml")
    assert r.status_code == 415 and error_of(r)["reason"] == "type_not_allowed"


def test_the_sniffed_type_wins_over_the_declared_one(world):
    r = upload(world.accounts["grid_worker"].api, png_bytes(), name="really-a-png.jpg", content_type="image/jpeg")
    assert r.status_code == 201, r.text
    assert r.json()["mime"] == "image/png"


def test_empty_body(world):
    r = upload(world.accounts["grid_worker"].api, b"", name="nothing.jpg", content_type="image/jpeg")
    err = error_of(r)
    assert r.status_code == 400 and err["field"] == "file" and err["reason"] == "empty"


def test_too_large_is_413_and_leaves_no_temp_file(world, server):
    api = world.accounts["grid_worker"].api
    big = b"\xff\xd8\xff\xe0" + os.urandom(10 * 1000 * 1000)  # a 10 MB "photo"
    r = upload(api, big, name="huge.jpg", content_type="image/jpeg")
    err = error_of(r)
    assert r.status_code == 413 and err["field"] == "file" and err["reason"] == "too_large"
    assert err["params"]["max"] == LIMIT
    # the connection was answered cleanly and stays usable
    assert api.get("/api/v1/me").status_code == 200
    # sent chunked, without a length: stopped at the limit all the same
    r = api.post("/api/v1/attachments", data=(big[i:i + 65536] for i in range(0, len(big), 65536)),
                 headers={"Content-Type": "image/jpeg"})
    assert r.status_code == 413 and error_of(r)["reason"] == "too_large"
    # exactly at the limit is fine
    at = png_bytes() + b"\x00" * (LIMIT - len(png_bytes()))
    r = upload(api, at, name="at-limit.png", content_type="image/png")
    assert r.status_code == 201, r.text
    leftovers = [p for p in files_under(os.path.join(server.data_dir, "tmp"),
                                        os.path.join(server.data_dir, "attachments", "tmp"))]
    assert leftovers == []
    # and no nameless spool file is still held open (O_TMPFILE or unlinked: only /proc sees it)
    def held():
        fd_dir, out = f"/proc/{server.proc.pid}/fd", []
        for fd in os.listdir(fd_dir):
            try:
                out.append(os.readlink(os.path.join(fd_dir, fd)))
            except OSError:
                pass
        return [t for t in out if t.startswith(os.path.join(server.data_dir, "tmp"))]
    deadline = time.time() + 5  # the server closes a request's spool file just after the answer has gone
    while held() and time.time() < deadline:
        time.sleep(0.05)
    assert held() == []


def test_a_declared_length_far_over_the_limit_is_answered_before_the_body(world, server):
    import json
    import socket
    token = world.accounts["grid_worker"].api.token
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall((f"POST /api/v1/attachments?name=x.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      f"Authorization: Bearer {token}\r\nContent-Type: image/jpeg\r\n"
                      f"Content-Length: {50 * 1024 * 1024}\r\n\r\n").encode())
        sock.sendall(b"\xff\xd8\xff" * 1000)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 413"), head
    err = json.loads(body[:body.rindex(b"}") + 1])["error"]
    assert err["field"] == "file" and err["reason"] == "too_large"


def test_same_content_twice_is_one_file(world, server):
    data = png_bytes((1, 2, 3))
    a = upload(world.accounts["grid_worker"].api, data, name="a.png").json()
    b = upload(world.accounts["community"].api, data, name="b.png").json()
    assert a["id"] != b["id"] and a["sha256"] == b["sha256"]
    same = [p for p in files_under(os.path.join(server.data_dir, "attachments")) if p.endswith(a["sha256"])]
    assert same == [stored(server, a["sha256"])]


def test_who_may_upload(world, server):
    assert upload(world.accounts["resident"].api, png_bytes(), name="r.png").status_code == 201  # case.report_own
    assert upload(world.accounts["department"].api, png_bytes(), name="d.png").status_code == 201  # case.handle
    r = upload(world.accounts["mediator"].api, png_bytes(), name="m.png")
    assert r.status_code == 403
    r = requests.post(server.url("/api/v1/attachments"), data=png_bytes(), timeout=10)
    assert r.status_code == 401


def test_file_names_are_cleaned(world):
    r = upload(world.accounts["grid_worker"].api, png_bytes(), name='C:\\fakepath\\a"b<>.png')
    assert r.status_code == 201 and r.json()["name"] == "a_b__.png"
    r = upload(world.accounts["grid_worker"].api, png_bytes(), name="a\r\nb.png")  # control characters
    assert r.status_code == 400 and error_of(r)["field"] == "query"
    r = upload(world.accounts["grid_worker"].api, png_bytes())
    assert r.status_code == 201 and r.json()["name"] is None


# ---- reading ----

def test_served_with_safe_headers_to_the_uploader_only(world, server):
    owner = world.accounts["grid_worker"].api
    a = upload(owner, png_bytes((9, 9, 9)), name="垃圾 堆放.png", content_type="image/png").json()
    meta = owner.get(f"/api/v1/attachments/{a['id']}")
    assert meta.status_code == 200, meta.text
    assert meta.json()["sha256"] == a["sha256"] and meta.json()["linked"] is False
    r = owner.get(f"/api/v1/attachments/{a['id']}/content")
    assert r.status_code == 200 and r.content == png_bytes((9, 9, 9))
    assert r.headers["Content-Type"] == "image/png"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"] == \
        "inline; filename=\"__ __.png\"; filename*=UTF-8''%E5%9E%83%E5%9C%BE%20%E5%A0%86%E6%94%BE.png"
    assert r.headers["Cache-Control"].startswith("private")
    assert r.headers["ETag"] == f'"{a["sha256"]}"'
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    r304 = owner.get(f"/api/v1/attachments/{a['id']}/content", headers={"If-None-Match": r.headers["ETag"]})
    assert r304.status_code == 304
    part = owner.get(f"/api/v1/attachments/{a['id']}/content", headers={"Range": "bytes=0-7"})
    assert part.status_code == 206 and part.content == b"\x89PNG\r\n\x1a\n"
    # anyone else: as if it did not exist
    for other in ("grid_worker_b", "community", "admin", "resident"):
        api = world.accounts[other].api
        assert api.get(f"/api/v1/attachments/{a['id']}").status_code == 404
        assert api.get(f"/api/v1/attachments/{a['id']}/content").status_code == 404
    assert owner.get("/api/v1/attachments/999999999").status_code == 404
    assert requests.get(server.url(f"/api/v1/attachments/{a['id']}/content"), timeout=10).status_code == 401


def test_public_tracking_photo_of_an_unknown_case_is_404(server):
    r = requests.get(server.url("/api/v1/public/cases/GG20261204000001/attachments/1"), params={"secret": "x"},
                     timeout=10)
    assert r.status_code == 404


# ---- anonymous uploads ----

def anon_upload(server, data, **params):
    return requests.post(server.url("/api/v1/public/attachments"), data=data, params=params,
                         headers={"Content-Type": "application/octet-stream"}, timeout=30)


def test_anonymous_upload_token(server):
    r = anon_upload(server, PDF, name="a.pdf")
    assert r.status_code == 201, r.text
    token = r.json()["upload_token"]
    assert len(token) >= 22
    r2 = anon_upload(server, png_bytes(), name="b.png", upload_token=token)
    assert r2.status_code == 201 and r2.json()["upload_token"] == token
    r3 = anon_upload(server, png_bytes(), upload_token="short")
    assert r3.status_code == 400 and error_of(r3)["field"] == "upload_token"
    rows = server.sql(f"SELECT uploaded_by, upload_token_hash FROM attachment WHERE id = {r.json()['id']}")
    assert rows[0][0] in (None, "") and len(rows[0][1]) == 64  # only the token's hash is kept


@pytest.fixture
def limited_server(tmp_path):
    s = Server(tmp_path, fast_hash=True, env={"GRIDGOV_PUBLIC_ATTACHMENTS_PER_ADDRESS": "3",
                                              "GRIDGOV_HOUSEKEEPING_SECONDS": "1",
                                              "GRIDGOV_ATTACHMENT_MAX_BYTES": "100000"})
    yield s
    if s.proc is not None:
        s.stop()
    assert_clean_log(s.read_log())


def test_anonymous_uploads_are_rate_limited_and_unclaimed_ones_purged(limited_server):
    s = limited_server
    ids = []
    for i in range(3):
        r = anon_upload(s, png_bytes((i, i, i)))
        assert r.status_code == 201, r.text
        ids.append(r.json())
    r = anon_upload(s, png_bytes((7, 7, 7)))
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert error_of(r)["code"] == "too_many_requests"
    # the configured limit holds for the size too
    r = anon_upload(s, b"\x89PNG" + b"\x00" * 100001)
    assert r.status_code == 413 and error_of(r)["params"]["max"] == 100000
    # two days later nobody has claimed them: the rows and files go (the files once they are an hour old)
    old = int(time.time() * 1000) - 2 * 86400 * 1000
    s.sql(f"UPDATE attachment SET created_at = {old} WHERE id IN ({ids[0]['id']}, {ids[1]['id']})")
    for a in ids[:2]:
        os.utime(stored(s, a["sha256"]), (time.time() - 7200, time.time() - 7200))
    deadline = time.time() + 10
    while time.time() < deadline and len(s.sql("SELECT id FROM attachment")) != 1:
        time.sleep(0.2)
    assert [int(r[0]) for r in s.sql("SELECT id FROM attachment")] == [ids[2]["id"]]
    assert not os.path.exists(stored(s, ids[0]["sha256"])) and not os.path.exists(stored(s, ids[1]["sha256"]))
    assert os.path.exists(stored(s, ids[2]["sha256"]))


# ---- linked to a case event: visible through the case ----

def link(server, attachment_id, event_id, role="report"):
    """What gg_attachment_claim writes, done behind the server's back (the case operations call it)."""
    server.sql(f"UPDATE attachment SET linked_at = 1 WHERE id = {attachment_id}")
    server.sql(f"INSERT INTO attachment_link (attachment_id, owner_type, owner_id, role, created_at) "
               f"VALUES ({attachment_id}, 'case_event', {event_id}, '{role}', 1)")


def test_linked_attachments_follow_the_case(cw):
    server = cw.world.server
    gwa, gwb, res = cw.api("grid_worker_a"), cw.api("grid_worker_b"), cw.api("resident")
    # a resident's report with a photo: the report event is public
    p = public_case(cw, api=res)
    case_id = int(server.sql(f"SELECT id FROM case_item WHERE number = '{p['number']}'")[0][0])
    report = int(server.sql(f"SELECT id FROM case_event WHERE case_id = {case_id} AND action = 'report'")[0][0])
    photo = upload(res, png_bytes((4, 5, 6)), name="现场.png").json()
    link(server, photo["id"], report)
    # an internal note of the staff with a photo
    server.sql(f"INSERT INTO case_event (case_id, at, action, public, note) VALUES ({case_id}, 2, 'note', 0, 'x')")
    note = int(server.sql(f"SELECT MAX(id) FROM case_event WHERE case_id = {case_id}")[0][0])
    inner = upload(gwa, png_bytes((6, 5, 4)), name="内部.png").json()
    link(server, inner["id"], note, "note")

    def status(api, a):
        return api.get(f"/api/v1/attachments/{a['id']}/content").status_code

    # staff who see the case see both; the reporter sees the public event's; others nothing
    assert status(gwa, photo) == 200 and status(gwa, inner) == 200
    assert status(cw.api("leader"), photo) == 200 and status(cw.api("leader"), inner) == 200
    assert status(res, photo) == 200 and status(res, inner) == 404
    assert status(gwb, photo) == 404 and status(gwb, inner) == 404
    assert status(cw.api("department"), photo) == 404
    meta = res.get(f"/api/v1/attachments/{photo['id']}").json()
    assert meta["linked"] is True
    # the tracking page: number and secret, public events only
    url = server.url(f"/api/v1/public/cases/{p['number']}/attachments/{photo['id']}")
    t = requests.get(url, params={"secret": p["secret"]}, timeout=30)
    assert t.status_code == 200 and t.content == png_bytes((4, 5, 6))
    assert t.headers["Content-Type"] == "image/png" and t.headers["X-Content-Type-Options"] == "nosniff"
    assert t.headers["Content-Disposition"].startswith("inline; ")
    assert requests.get(url, params={"secret": "x" + p["secret"][1:]}, timeout=30).status_code == 404
    inner_url = server.url(f"/api/v1/public/cases/{p['number']}/attachments/{inner['id']}")
    assert requests.get(inner_url, params={"secret": p["secret"]}, timeout=30).status_code == 404
    # another case's number with its own secret does not open this photo
    other = make_case(cw)
    other_url = server.url(f"/api/v1/public/cases/{other['number']}/attachments/{photo['id']}")
    assert requests.get(other_url, params={"secret": other["secret"]}, timeout=30).status_code == 404


def test_claimed_at_intake_only_by_their_uploader(cw):
    server = cw.world.server
    gwa, gwb, disp = cw.api("grid_worker_a"), cw.api("grid_worker_b"), cw.api("dispatcher")
    theirs = upload(gwb, png_bytes((8, 1, 8)), name="b.png").json()
    cases_before = int(server.sql("SELECT COUNT(*) FROM case_item")[0][0])
    r = disp.post("/api/v1/cases", json={"channel": "walk_in", "category_id": cw.category["grid"],
                                         "description": "有人乱倒垃圾", "attachment_ids": [theirs["id"]],
                                         **cw.point_a})
    err = error_of(r)
    assert r.status_code == 400 and err["field"] == "attachment_ids" and err["reason"] == "not_yours"
    assert int(server.sql("SELECT COUNT(*) FROM case_item")[0][0]) == cases_before  # nothing written
    assert gwb.get(f"/api/v1/attachments/{theirs['id']}").json()["linked"] is False
    # the same message for an id that does not exist: nothing said about others' uploads
    r2 = disp.post("/api/v1/cases", json={"channel": "walk_in", "category_id": cw.category["grid"],
                                          "description": "有人乱倒垃圾", "attachment_ids": [999999999], **cw.point_a})
    assert error_of(r2)["message"] == err["message"]
    # claimed by its uploader: linked once, then visible to whoever sees the case
    mine = upload(gwa, png_bytes((1, 8, 1)), name="a.png").json()
    k = make_case(cw, api=gwa, channel="patrol", attachment_ids=[mine["id"]])
    assert gwa.get(f"/api/v1/attachments/{mine['id']}").json()["linked"] is True
    assert disp.get(f"/api/v1/attachments/{mine['id']}/content").status_code == 200
    assert gwb.get(f"/api/v1/attachments/{mine['id']}/content").status_code == 404
    again = gwa.post("/api/v1/cases", json={"channel": "patrol", "category_id": cw.category["grid"],
                                            "description": "再报一次", "attachment_ids": [mine["id"]]})
    assert again.status_code == 400 and error_of(again)["reason"] == "not_yours"
    ev = gwa.get(f"/api/v1/cases/{k['id']}/events").json()["items"]
    assert [a["id"] for a in ev[0]["attachments"]] == [mine["id"]]
