"""The one window (一窗受理): a matter registered once and routed, its one number, escalation a level up,
the director's overview, counselling content for the counsellor only (docs/centres.md)."""
import re

import pytest
import requests

from casekit import CaseWorld, count, expect_field


@pytest.fixture(scope="module")
def mw(world):
    cw = CaseWorld(world)
    desk = world.account(cw.community, "centre", prefix="desk")
    street_desk = world.account(cw.street, "centre", prefix="sdesk")
    counsellor = world.account(cw.street, "counsellor", prefix="coun")
    return world, cw, desk, street_desk, counsellor


def intake(api, unit, status=201, **kw):
    body = {"unit_id": unit, "visitor_name": "陈来访", "visitor_phone": "13812345678", "summary": "楼上漏水",
            "route": "case"}
    body.update(kw)
    r = api.post("/api/v1/matters", json=body)
    assert r.status_code == status, r.text
    return r.json()


def test_intake_to_the_case_loop_and_tracking(mw, world):
    _, cw, desk, _, _ = mw
    m = intake(desk.api, cw.community, category_id=cw.category["community"], summary="楼上漏水影响我家")
    assert m["number"].startswith("YC") and m["route"] == "case" and m["status"] == "routed"
    assert m["target"]["type"] == "case" and m["target"]["number"].startswith("GG")
    assert m["visitor"] == {"name": "陈**", "phone": "*******5678"}
    assert [e["kind"] for e in m["events"]] == ["registered", "routed"]
    case = world.admin.api.get(f"/api/v1/cases/{m['target']['id']}").json()
    assert case["channel"] == "walk_in"
    # the one number and its tracking code (shown once, to give the visitor) track it publicly: status only
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", m["secret"])
    assert "secret" not in desk.api.get(f"/api/v1/matters/{m['id']}").json()
    r = public_track(world, m["number"], m["secret"])
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["status"] == "routed" and t["target"]["status"] == case["state"]
    assert "陈" not in r.text and "5678" not in r.text and "漏水" not in r.text and "id" not in t


def public_track(world, number, secret=None):
    params = {"secret": secret} if secret is not None else {}
    return requests.get(world.server.url(f"/api/v1/public/matters/{number}"), params=params)


def test_public_tracking_by_yc_number_and_code(mw, world):
    _, cw, desk, _, _ = mw
    m = intake(desk.api, cw.community, route="mediation", summary="邻居装修噪音扰民", visitor_name="周来访",
               visitor_phone="13812348888", id_number="420204198001010018", dispute_type="neighbour")
    # typed as people type it: lower case, no dash
    r = public_track(world, m["number"], m["secret"].lower().replace("-", ""))
    assert r.status_code == 200, r.text
    t = r.json()
    assert t["number"] == m["number"] and t["status"] == "routed" and t["route"] == "mediation"
    assert t["unit_name"] and t["target"]["type"] == "dispute" and t["target"]["number"].startswith("TJ")
    assert t["target"]["status"] == "registered" and "id" not in t["target"]
    assert [e["kind"] for e in t["events"]] == ["registered", "routed"]
    assert all(set(e) == {"kind", "at"} for e in t["events"])
    for personal in ("周来访", "周", "8888", "噪音", "420204"):
        assert personal not in r.text, personal
    # a wrong code, no code, a wrong number: one and the same answer
    wrong = "0000-0000" if m["secret"] != "0000-0000" else "1111-1111"
    answers = [public_track(world, m["number"], wrong), public_track(world, m["number"]),
               public_track(world, "YC20990101000001", m["secret"])]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1, [a.text for a in answers]


def test_routes_petition_consultation_counselling_legal_aid(mw):
    world, cw, desk, street_desk, counsellor = mw
    p = intake(desk.api, cw.community, route="petition", summary="反映征地补偿问题", petition_kind="visit")
    assert p["target"]["type"] == "petition" and p["target"]["number"].startswith("XF")
    assert p["due_at"] is not None
    # the desk does not see the petitioner again (the petition role does)
    assert p["visitor"] == {"name": "***", "phone": "***"}
    petition = desk.api.get(f"/api/v1/petitions/{p['target']['id']}").json()
    assert petition["petitioner"]["visible"] is False and petition["matter_id"] == p["id"]
    la = intake(desk.api, cw.community, route="legal_aid", summary="申请法律援助")
    assert la["target"] is None
    c = intake(desk.api, cw.community, route="counselling", summary="长期失眠、情绪低落")
    assert c["target"]["type"] == "referral"
    rid = c["target"]["id"]
    # the desk and even the administrator see that a referral exists, not its content
    for api in (desk.api, world.admin.api):
        r = api.get(f"/api/v1/counselling/referrals/{rid}")
        assert r.status_code == 200 and r.json()["content_visible"] is False and "失眠" not in r.text
    assert world.admin.api.patch(f"/api/v1/counselling/referrals/{rid}", json={"status": "closed"}).status_code == 403
    r = counsellor.api.get(f"/api/v1/counselling/referrals/{rid}")
    assert r.status_code == 200 and r.json()["reason"] == "长期失眠、情绪低落"
    r = counsellor.api.patch(f"/api/v1/counselling/referrals/{rid}", json={"status": "in_progress", "notes": "首次面谈"})
    assert r.status_code == 200 and r.json()["notes"] == "首次面谈"
    assert "首次面谈" not in desk.api.get("/api/v1/counselling/referrals").text


def test_escalate_close_and_overview(mw):
    world, cw, desk, street_desk, _ = mw
    m = intake(desk.api, cw.community, route="legal_aid", summary="邻里纠纷社区调不了")
    r = desk.api.post(f"/api/v1/matters/{m['id']}/escalate", json={"note": "提请街道联调"})
    assert r.status_code == 200, r.text
    assert r.json()["unit"]["id"] == cw.street and r.json()["level"] == "street"
    assert r.json()["events"][-1]["kind"] == "escalated"
    # the street's desk has it now and closes it
    r = street_desk.api.post(f"/api/v1/matters/{m['id']}/close", json={"note": "已办结"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    expect_field(street_desk.api.post(f"/api/v1/matters/{m['id']}/close"), 409, "status")
    ov = street_desk.api.get("/api/v1/centres/overview", params={"unit_id": cw.street}).json()
    levels = {lv["level"]: lv for lv in ov["levels"]}
    assert levels["street"]["closed"] == 1
    assert levels["community"]["received"] >= 3
    routes = {x["route"]: x for x in levels["community"]["routes"]}
    assert routes["case"]["received"] >= 1 and routes["counselling"]["received"] >= 1
    # another street's desk sees none of it
    other = world.account("street_b", "centre")
    assert other.api.get(f"/api/v1/matters/{m['id']}").status_code == 404
    assert other.api.get("/api/v1/centres/overview", params={"unit_id": cw.street}).status_code == 404


def test_centres_and_bad_input(mw):
    world, cw, desk, _, _ = mw
    r = world.admin.api.put("/api/v1/centres", json={"unit_id": cw.street, "areas": ["command", "petition", "legal",
                                                                                    "mediation", "grid", "counselling"]})
    assert r.status_code == 200, r.text
    items = world.admin.api.get("/api/v1/centres", params={"unit_id": cw.street}).json()["items"]
    assert items[0]["areas"] == ["command", "petition", "legal", "mediation", "grid", "counselling"]
    expect_field(world.admin.api.put("/api/v1/centres", json={"unit_id": cw.street, "areas": ["bar"]}), 400, "areas")
    expect_field(desk.api.post("/api/v1/matters", json={"unit_id": cw.community, "summary": "x", "route": "moon"}),
                 400, "route")
    expect_field(desk.api.post("/api/v1/matters", json={"unit_id": cw.community, "route": "case"}), 400, "summary")
    expect_field(desk.api.post("/api/v1/matters", json={"unit_id": cw.community, "summary": "x", "route": "case"}),
                 400, "category_id")
    expect_field(desk.api.post("/api/v1/matters", json={"unit_id": cw.community, "summary": "x", "route": "legal_aid",
                                                        "visitor_phone": "12"}), 400, "visitor_phone")
    expect_field(desk.api.post("/api/v1/matters", json={"unit_id": cw.community, "summary": "x", "route": "petition"}),
                 400, "visitor_name")
    # a resident has no window
    assert world.accounts["resident"].api.post("/api/v1/matters", json={
        "unit_id": cw.community, "summary": "x", "route": "legal_aid"}).status_code == 404
    expect_field(desk.api.get("/api/v1/centres/overview"), 400, "unit_id")


def test_intake_to_mediation_creates_a_dispute(mw, world):
    _, cw, desk, _, _ = mw
    mediator = world.account(cw.community, "mediator", prefix="med")
    other = world.account("street_b", "mediator", prefix="medb")
    m = intake(desk.api, cw.community, route="mediation", summary="邻居装修噪音扰民，多次协商未果",
               visitor_name="陈来访", visitor_phone="13812345678", id_number="420204198001010018",
               dispute_type="neighbour")
    assert m["route"] == "mediation" and m["status"] == "routed"
    t = m["target"]
    assert t["type"] == "dispute" and t["number"].startswith("TJ") and t["status"] == "registered"
    assert m["due_at"] is not None
    # the mediator of the unit has it in the register, with the visitor as the applicant, masked
    d = mediator.api.get(f"/api/v1/disputes/{t['id']}")
    assert d.status_code == 200, d.text
    d = d.json()
    assert d["number"] == t["number"] and d["source"] == "window" and d["matter_id"] == m["id"]
    assert d["summary"] == "邻居装修噪音扰民，多次协商未果" and d["type"] == "neighbour"
    assert d["unit"]["id"] == cw.community and d["may_manage"] is True
    [p] = d["parties"]
    assert p["name"] == "陈来访" and p["role"] == "applicant"
    assert p["phone"] != "13812345678" and p["phone"].endswith("5678")
    assert p["id_number"] != "420204198001010018"
    listed = mediator.api.get("/api/v1/disputes", params={"source": "window"}).json()["items"]
    assert t["id"] in [x["id"] for x in listed]
    # stored encrypted like other parties
    row = world.server.sql(f"SELECT phone_enc, id_number_enc FROM dispute_party WHERE dispute_id = {t['id']}")[0]
    assert "13812345678" not in str(row) and "420204198001010018" not in str(row)
    # a mediator of another street sees none of it
    assert other.api.get(f"/api/v1/disputes/{t['id']}").status_code == 404
    assert t["id"] not in [x["id"] for x in other.api.get("/api/v1/disputes").json()["items"]]
    # the dispute's state follows on the matter
    r = mediator.api.post(f"/api/v1/disputes/{t['id']}/mediators", json={"self": True})
    assert r.status_code in (200, 201), r.text
    state = mediator.api.get(f"/api/v1/disputes/{t['id']}").json()["state"]
    assert desk.api.get(f"/api/v1/matters/{m['id']}").json()["target"]["status"] == state


def test_mediation_route_refusals_name_the_matter_fields(mw):
    world, cw, desk, _, _ = mw
    base = {"unit_id": cw.community, "summary": "合同纠纷", "route": "mediation"}
    before = count(world.server, "matter"), count(world.server, "dispute")
    expect_field(desk.api.post("/api/v1/matters", json=base), 400, "visitor_name")
    expect_field(desk.api.post("/api/v1/matters", json={**base, "visitor_name": "李", "dispute_type": "moon"}),
                 400, "dispute_type")
    expect_field(desk.api.post("/api/v1/matters", json={**base, "visitor_name": "李", "id_number": "420204198001010019"}),
                 400, "id_number")
    # nothing was left behind by the refused intakes: the matter and the dispute share one transaction
    assert (count(world.server, "matter"), count(world.server, "dispute")) == before
