"""The dispute register and mediation work (docs/mediation.md): API tests on SQLite and PostgreSQL."""
import re

from casekit import expect_field
from placekit import wrong_check
from medkit import dispute_body, make_dispute, mw, party  # noqa: F401


def test_create_and_get_a_walk_in_dispute(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    assert re.fullmatch(r"TJ\d{14}", d["number"])
    assert d["state"] == "registered" and d["source"] == "walk_in" and d["unit"]["id"] == mw.community
    assert [p["name"] for p in d["parties"]] == ["张三", "李四"]
    assert all("*" in p["id_number"] and p["masked"] for p in d["parties"])
    assert d["timeline"][0]["action"] == "register"
    got = api.get(f"/api/v1/disputes/{d['id']}")
    assert got.status_code == 200 and got.json()["number"] == d["number"]


def test_party_with_an_invalid_id_number_names_the_field(mw):
    body = dispute_body(mw.community)
    body["parties"][0]["id_number"] = wrong_check(body["parties"][0]["id_number"])
    r = mw.api("community_mediator").post("/api/v1/disputes", json=body)
    expect_field(r, 400, "parties[0].id_number")
