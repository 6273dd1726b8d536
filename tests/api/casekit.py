"""Fixtures of the case loop's API tests (test_cases, test_case_workflow, test_attachments, test_crash, test_demo … use them).

CaseWorld builds, in the session's World (conftest.py), a county-level street of its own with one community whose
border is a box of its own on the map, two grids splitting it (west A, east B), a department under the street, a
物业 (property) under the community, one account per role, and a category id per first_handler kind:

    county ── street ─┬─ community ─┬─ grid A (west half)   grid_worker_a
                      │             ├─ grid B (east half)   grid_worker_b
                      │             └─ 物业 (property)       property (role department there)
                      └─ department (城管中队)               department
    accounts: dispatcher (street), community (community staff), resident (no grant but resident),
              leader (county, read-only), admin (the root administrator)

    cw = case_world(world)                      # one per test module (module-scoped fixture below)
    k = make_case(cw, point=cw.point_a)         # walk_in by the dispatcher at a point in grid A
    k = make_case(cw, api=cw.api("grid_worker_a"), channel="patrol", handled_on_spot=True)

Each CaseWorld takes a fresh area (0.04° boxes walking east from 118.0°E, 25.0°N), so several modules can share
one session database without their borders overlapping.
"""
import secrets

import pytest

from conftest import error_of

_area = [0]


def box(x0, y0, x1, y1):
    r = lambda v: round(v, 8)
    x0, y0, x1, y1 = r(x0), r(y0), r(x1), r(y1)
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


class CaseWorld:
    def __init__(self, world):
        self.world = world
        self.admin = world.admin
        api = world.admin.api
        k = _area[0]
        _area[0] += 1
        tag = secrets.token_hex(2)
        self.x0, self.y0 = round(118.0 + 0.05 * k + 0.001 * secrets.randbelow(5), 6), 25.0
        self.x1, self.y1 = round(self.x0 + 0.04, 6), 25.04
        self.street = world.unit(f"case_street_{tag}", "county", "street", f"事件街道{tag}")
        self.community = world.unit(f"case_community_{tag}", f"case_street_{tag}", "community", f"事件社区{tag}")
        r = api.put(f"/api/v1/units/{self.community}/geometry",
                    json={"geometry": box(self.x0, self.y0, self.x1, self.y1)})
        assert r.status_code == 200, r.text
        xm = round((self.x0 + self.x1) / 2, 6)
        self.grid_a = self._grid(f"事件社区{tag}第一网格", box(self.x0, self.y0, xm, self.y1))
        self.grid_b = self._grid(f"事件社区{tag}第二网格", box(xm, self.y0, self.x1, self.y1))
        world.units[f"case_grid_a_{tag}"] = self.grid_a
        world.units[f"case_grid_b_{tag}"] = self.grid_b
        self.department = world.unit(f"case_dept_{tag}", f"case_street_{tag}", "department", f"城管中队{tag}")
        self.property = world.unit(f"case_prop_{tag}", f"case_community_{tag}", "property", f"物业公司{tag}")
        # points well inside each grid, and one outside every grid
        self.point_a = {"lat": round(self.y0 + 0.02, 6), "lon": round(self.x0 + 0.01, 6)}
        self.point_b = {"lat": round(self.y0 + 0.02, 6), "lon": round(self.x0 + 0.03, 6)}
        self.point_outside = {"lat": 1.5, "lon": 1.5}
        acc = self.accounts = {"admin": world.admin}
        acc["dispatcher"] = world.account(self.street, "dispatcher", prefix="cdisp")
        acc["community"] = world.account(self.community, "community", prefix="ccomm")
        acc["grid_worker_a"] = world.account(self.grid_a, "grid_worker", prefix="cgwa")
        acc["grid_worker_b"] = world.account(self.grid_b, "grid_worker", prefix="cgwb")
        acc["department"] = world.account(self.department, "department", prefix="cdept")
        acc["property"] = world.account(self.property, "department", prefix="cprop")
        acc["resident"] = world.account(self.grid_a, "resident", prefix="cres")
        acc["leader"] = world.account(world.units["county"], "leader", prefix="clead")
        # one category per first_handler kind (from the seeded catalogue)
        cats = api.get("/api/v1/categories").json()["items"]
        self.categories = {c["code"]: c for c in cats}
        by_handler = {}
        for c in cats:
            if c["retired"] or c["depth"] < 1:
                continue
            by_handler.setdefault(c["effective"]["first_handler"], c["id"])
        self.category = {
            "grid": self.categories["exposed_rubbish"]["id"],        # 暴露垃圾: the grid handles it
            "community": self.categories["neighbour_dispute"]["id"],  # 邻里纠纷: the community
            "dispatcher": self.categories["consultation"]["id"],      # 咨询: the street's command centre
        }
        for kind, cid in by_handler.items():
            self.category.setdefault(kind, cid)

    def _grid(self, name, geometry):
        r = self.admin.api.post("/api/v1/grids", json={"parent_id": self.community, "name": name,
                                                       "geometry": geometry})
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def api(self, role):
        return self.accounts[role].api

    def account(self, role):
        return self.accounts[role]


def make_case(cw, api=None, status=201, **body):
    """POST /cases (staff intake) with defaults: walk_in by the street's dispatcher, category of the grid kind,
    at a point in grid A.  Returns the created case (with its one-time "secret")."""
    body.setdefault("channel", "walk_in")
    body.setdefault("category_id", cw.category["grid"])
    body.setdefault("description", f"测试事件 {secrets.token_hex(3)}")
    if not any(k in body for k in ("lat", "place_id", "unit_id", "point")) and body["channel"] != "patrol":
        body.update(cw.point_a)
    point = body.pop("point", None)
    if point:
        body.update(point)
    r = (api or cw.api("dispatcher")).post("/api/v1/cases", json=body)
    assert r.status_code == status, r.text
    return r.json()


def public_case(cw, api=None, status=201, **body):
    """POST /public/cases as a resident (api None: anonymous) with defaults at a point in grid A."""
    import requests

    body.setdefault("category_id", cw.category["grid"])
    body.setdefault("description", f"居民反映 {secrets.token_hex(3)}")
    if not any(k in body for k in ("lat", "place_id", "qr_token")):
        body.update(cw.point_a)
    if api is None:
        r = requests.post(cw.world.server.url("/api/v1/public/cases"), json=body, timeout=30)
    else:
        r = api.post("/api/v1/public/cases", json=body)
    assert r.status_code == status, r.text
    return r.json()


def png_bytes(color=(255, 0, 0)):
    """A real 1x1 PNG (the server sniffs uploads)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(b"\x00" + bytes(color))) + chunk(b"IEND", b""))


def upload_photo(api, name="photo.png", color=(255, 0, 0)):
    """POST /attachments as api's account: the id to quote in attachment_ids."""
    r = api.post("/api/v1/attachments", data=png_bytes(color), params={"name": name},
                 headers={"Content-Type": "image/png"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def upload_public_photo(server, upload_token=None, color=(0, 0, 255)):
    """POST /public/attachments without a login: (id, upload_token)."""
    import requests

    params = {"name": "p.png"}
    if upload_token:
        params["upload_token"] = upload_token
    r = requests.post(server.url("/api/v1/public/attachments"), data=png_bytes(color), params=params,
                      headers={"Content-Type": "image/png"}, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["upload_token"]


def expect_field(r, status, field, reason=None):
    assert r.status_code == status, f"expected {status} naming {field}: {r.status_code} {r.text}"
    err = error_of(r)
    assert err["field"] == field, err
    if reason:
        assert err.get("reason") == reason, err
    return err


def count(server, table):
    return int(server.sql(f"SELECT COUNT(*) FROM {table}")[0][0])


@pytest.fixture(scope="module")
def cw(world):
    return CaseWorld(world)


CODE = r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}"  # a tracking code (查询码) as the server writes it


def wrong_code(code):
    """The tracking code with its last character changed: well-formed, and not this case's."""
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last
