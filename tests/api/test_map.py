"""The maps' tile source (map_tiles*, docs/operations.md "Map tiles"): none by default — no request leaves for a
tile server and the page's CSP lets images come from no other host — or OpenStreetMap, 天地图 or a self-hosted
tile server, told to the web app by GET /api/v1/map/tiles and reflected in the CSP img-src.  A setting that cannot
work stops the server at start-up with a message naming the key."""
import os
import subprocess

import requests

from conftest import BINARY, Server

TIANDITU = ("https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec"
            "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=0123abcd")
TIANDITU_LABELS = TIANDITU.replace("vec_w", "cva_w").replace("LAYER=vec", "LAYER=cva")


def img_src(server):
    csp = requests.get(server.url("/")).headers["Content-Security-Policy"]
    return next(d.strip() for d in csp.split(";") if d.strip().startswith("img-src"))


def test_no_tiles_by_default(server):
    r = requests.get(server.url("/api/v1/map/tiles"))  # no login: the map settings are not secret
    assert r.status_code == 200 and r.json() == {"mode": "none"}
    assert img_src(server) == "img-src 'self' data: blob:"


def test_tianditu_with_its_key_and_labels_layer(tmp_path):
    s = Server(tmp_path, fast_hash=True, env={
        "GRIDGOV_MAP_TILES": TIANDITU, "GRIDGOV_MAP_TILES_OVERLAY": TIANDITU_LABELS,
        "GRIDGOV_MAP_TILES_SUBDOMAINS": "01234567", "GRIDGOV_MAP_TILES_ATTRIBUTION": "天地图 GS(2024)0568号",
        "GRIDGOV_MAP_TILES_MAX_ZOOM": "18"})
    try:
        assert requests.get(s.url("/api/v1/map/tiles")).json() == {
            "mode": "tiles", "url": TIANDITU, "overlay": TIANDITU_LABELS, "subdomains": "01234567",
            "attribution": "天地图 GS(2024)0568号", "max_zoom": 18}
        # {s} in the first label of the host: the CSP wildcard covers every server
        assert img_src(s) == "img-src 'self' data: blob: https://*.tianditu.gov.cn https://*.tianditu.gov.cn"
        # JSON never renders: its policy stays the shortest
        assert "default-src 'none'" in requests.get(s.url("/api/v1/map/tiles")).headers["Content-Security-Policy"]
    finally:
        s.stop()


def test_osm_preset_and_a_self_hosted_server(tmp_path):
    (tmp_path / "osm").mkdir()
    (tmp_path / "own").mkdir()
    s = Server(tmp_path / "osm", fast_hash=True, env={"GRIDGOV_MAP_TILES": "osm"})
    try:
        body = requests.get(s.url("/api/v1/map/tiles")).json()
        assert body["url"] == "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png" and body["subdomains"] == "abc"
        assert "OpenStreetMap" in body["attribution"] and body["max_zoom"] == 19 and body["overlay"] is None
        assert img_src(s) == "img-src 'self' data: blob: https://*.tile.openstreetmap.org"
    finally:
        s.stop()
    s = Server(tmp_path / "own", fast_hash=True, env={"GRIDGOV_MAP_TILES": "http://10.1.2.3:8081/tiles/{z}/{x}/{y}.png"})
    try:
        assert requests.get(s.url("/api/v1/map/tiles")).json()["subdomains"] == ""
        assert img_src(s) == "img-src 'self' data: blob: http://10.1.2.3:8081"
    finally:
        s.stop()


def serve_with(tmp_path, **env):
    return subprocess.run([BINARY, "serve", "--data-dir", str(tmp_path / "bad"), "--listen", "127.0.0.1:0"],
                          capture_output=True, text=True, timeout=30, env=dict(os.environ, **env))


def test_a_tile_setting_that_cannot_work_stops_the_server_naming_the_key(tmp_path):
    for value, words in [
        ("ftp://tiles.example.cn/{z}/{x}/{y}.png", "https://"),
        ("https://tiles.example.cn/{z}/{x}.png", "{y}"),
        ("https://tiles.example.cn/{z}/{x}/{y}.png?k={key}", "placeholders"),
        ("https://tiles.example.cn/{z}/{x}/{y}.png; script-src *", "';'"),
        ("https://a.{s}.example.cn/{z}/{x}/{y}.png", "first part"),
    ]:
        r = serve_with(tmp_path, GRIDGOV_MAP_TILES=value)
        assert r.returncode == 2 and "GRIDGOV_MAP_TILES:" in r.stderr and words in r.stderr, (value, r.stderr)
    r = serve_with(tmp_path, GRIDGOV_MAP_TILES="https://{s}.tiles.example.cn/{z}/{x}/{y}.png")
    assert r.returncode == 2 and "map_tiles_subdomains" in r.stderr, r.stderr
    r = serve_with(tmp_path, GRIDGOV_MAP_TILES="osm", GRIDGOV_MAP_TILES_SUBDOMAINS="a,b")
    assert r.returncode == 2 and "GRIDGOV_MAP_TILES_SUBDOMAINS" in r.stderr, r.stderr
    r = serve_with(tmp_path, GRIDGOV_MAP_TILES="osm", GRIDGOV_MAP_TILES_MAX_ZOOM="30")
    assert r.returncode == 2 and "GRIDGOV_MAP_TILES_MAX_ZOOM" in r.stderr, r.stderr
    r = serve_with(tmp_path, GRIDGOV_MAP_TILES_OVERLAY=TIANDITU_LABELS, GRIDGOV_MAP_TILES_SUBDOMAINS="0123")
    assert r.returncode == 2 and "map_tiles_overlay needs map_tiles" in r.stderr, r.stderr
