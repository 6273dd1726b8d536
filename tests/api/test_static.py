"""The built web app as browsers fetch it: the precompressed siblings scripts/build-web.sh leaves (NAME.br,
NAME.gz) are sent by Accept-Encoding, each encoding its own representation (ETag, Vary), with byte ranges
and HEAD answered from the representation chosen.  A web directory of its own makes the bytes known."""
import gzip
import http.client
import os
import shutil
import subprocess
import time

import pytest

from conftest import Server

SCRIPT = ("/* app */ " + "const greeting = '你好，网格员'; console.log(greeting);\n" * 400).encode()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    web = root / "dist"
    (web / "assets").mkdir(parents=True)
    (web / "index.html").write_text("<!doctype html><title>网格</title><script src=/assets/app.js></script>")
    js = web / "assets" / "app.js"
    js.write_bytes(SCRIPT)
    (web / "assets" / "app.js.gz").write_bytes(gzip.compress(SCRIPT, 9))
    if shutil.which("brotli"):
        subprocess.run(["brotli", "-q", "11", "-k", str(js)], check=True)
    else:  # Debian's brotli is installed by scripts/bootstrap.sh web; fake a distinct representation
        (web / "assets" / "app.js.br").write_bytes(gzip.compress(SCRIPT, 1))
    # a stale sibling (older than its file, left by an earlier build) must never be sent
    (web / "assets" / "old.js").write_bytes(b"let fresh = 1;\n" * 100)
    (web / "assets" / "old.js.gz").write_bytes(gzip.compress(b"let stale = 1;\n" * 100))
    past = time.time() - 3600
    os.utime(web / "assets" / "old.js.gz", (past, past))
    s = Server(root, extra_args=["--web-dir", str(web)])
    s.files = {name: (web / "assets" / name).read_bytes() for name in ("app.js", "app.js.gz", "app.js.br")}
    yield s
    s.stop()


def fetch(server, path, method="GET", **headers):
    """(status, headers as a dict with lower-case names, body bytes as sent: no decoding)."""
    c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    c.request(method, path, headers=headers)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


@pytest.mark.parametrize("accept, coding", [
    (None, None),
    ("gzip", "gzip"),
    ("gzip, deflate, br", "br"),  # what browsers send: the smaller one
    ("br;q=1.0, gzip;q=0.5", "br"),
    ("gzip;q=1, br;q=0.5", "gzip"),
    ("br;q=0, gzip;q=0", None),
    ("identity", None),
    ("identity;q=0, gzip", "gzip"),
    ("*", "br"),
    ("*;q=0.5, gzip;q=0.8", "gzip"),
    ("deflate", None),
    ("GZIP ; Q=0.9", "gzip"),
])
def test_the_encoding_the_client_prefers_is_sent(site, accept, coding):
    status, h, body = fetch(site, "/assets/app.js", **({"Accept-Encoding": accept} if accept else {}))
    assert status == 200
    assert h["content-type"] == "text/javascript; charset=utf-8"
    assert h["vary"] == "Accept-Encoding"
    assert h.get("content-encoding") == coding
    want = {None: "app.js", "gzip": "app.js.gz", "br": "app.js.br"}[coding]
    assert body == site.files[want]
    assert int(h["content-length"]) == len(site.files[want])
    if coding == "gzip":
        assert gzip.decompress(body) == SCRIPT


def test_each_encoding_has_its_own_etag(site):
    tags = {}
    for accept in ("identity", "gzip", "br"):
        tags[accept] = fetch(site, "/assets/app.js", **{"Accept-Encoding": accept})[1]["etag"]
    assert len(set(tags.values())) == 3, tags
    # revalidation: 304 only for the representation the client would get now
    status, h, body = fetch(site, "/assets/app.js", **{"Accept-Encoding": "br", "If-None-Match": tags["br"]})
    assert status == 304 and body == b"" and h["etag"] == tags["br"] and h["vary"] == "Accept-Encoding"
    status, _, body = fetch(site, "/assets/app.js", **{"Accept-Encoding": "br", "If-None-Match": tags["gzip"]})
    assert status == 200 and body == site.files["app.js.br"]
    status, _, _ = fetch(site, "/assets/app.js", **{"Accept-Encoding": "gzip",
                                                    "If-None-Match": f'{tags["br"]}, W/{tags["gzip"]}'})
    assert status == 304


def test_head_tells_the_size_of_the_representation_without_a_body(site):
    status, h, body = fetch(site, "/assets/app.js", "HEAD", **{"Accept-Encoding": "gzip"})
    assert status == 200 and body == b""
    assert h["content-encoding"] == "gzip" and int(h["content-length"]) == len(site.files["app.js.gz"])


def test_byte_ranges_are_served_from_the_chosen_representation(site):
    gz, plain = site.files["app.js.gz"], site.files["app.js"]
    status, h, body = fetch(site, "/assets/app.js", **{"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert status == 206 and body == gz[:10]
    assert h["content-range"] == f"bytes 0-9/{len(gz)}" and h["content-encoding"] == "gzip"
    status, h, body = fetch(site, "/assets/app.js", Range="bytes=-5")
    assert status == 206 and body == plain[-5:] and h["content-range"] == f"bytes {len(plain) - 5}-{len(plain) - 1}/{len(plain)}"
    status, h, body = fetch(site, "/assets/app.js", Range="bytes=100-")
    assert status == 206 and body == plain[100:]
    status, h, body = fetch(site, "/assets/app.js", Range=f"bytes={len(plain)}-")
    assert status == 416 and h["content-range"] == f"bytes */{len(plain)}"
    # several ranges, or a range for a representation that changed (If-Range), get the whole file
    assert fetch(site, "/assets/app.js", Range="bytes=0-1,5-6")[0] == 200
    etag = fetch(site, "/assets/app.js")[1]["etag"]
    assert fetch(site, "/assets/app.js", Range="bytes=0-1", **{"If-Range": etag})[0] == 206
    assert fetch(site, "/assets/app.js", Range="bytes=0-1", **{"If-Range": '"other"'})[0] == 200
    assert fetch(site, "/assets/app.js", "HEAD", Range="bytes=0-1")[1]["content-length"] == "2"


def test_a_stale_sibling_is_never_sent(site):
    status, h, body = fetch(site, "/assets/old.js", **{"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in h and b"fresh" in body


def test_files_without_siblings_and_the_spa_fallback_still_work(site):
    status, h, body = fetch(site, "/cases/12", **{"Accept-Encoding": "gzip, br"})
    assert status == 200 and h["content-type"].startswith("text/html") and "content-encoding" not in h
    assert "vary" not in h and "网格".encode() in body
