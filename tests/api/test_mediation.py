"""The dispute register and mediation work (docs/mediation.md): API tests on SQLite and PostgreSQL."""
import re
import secrets
import subprocess

from casekit import CaseWorld, error_of, expect_field, make_case
from placekit import building, house, household, id_number, resident, wrong_check
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


def test_walk_in_to_agreement_to_follow_up(mw, tmp_path):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    did = d["id"]
    r = api.post(f"/api/v1/disputes/{did}/mediators", json={"self": True})
    assert r.status_code == 200, r.text
    assert r.json()["warning"] is None
    assert r.json()["dispute"]["state"] == "mediating"
    assert r.json()["dispute"]["lead_mediator"]["name"]
    r = api.post(f"/api/v1/disputes/{did}/sessions",
                 json={"place": "社区调解室", "attendance": "张三、李四、调解员", "minutes": "双方陈述，同意赔偿。"})
    assert r.status_code == 201, r.text
    assert r.json()["sessions"][0]["held"] is True
    # the desk: my open dispute, and a session scheduled today
    r = api.post(f"/api/v1/disputes/{did}/sessions", json={"place": "社区调解室", "held": False})
    assert r.status_code == 201, r.text
    desk = api.get("/api/v1/mediation/desk").json()
    assert did in [x["id"] for x in desk["mine"]]
    assert did in [x["dispute_id"] for x in desk["sessions_today"]]
    body = {"facts": "楼上住户卫生间漏水致楼下天花板受损。", "terms": ["李四于十日内修复防水层", "李四赔偿张三维修费1500元"],
            "performance": "现金支付", "performance_due": "2026-12-20", "signed_on": "2026-12-05",
            "party_signatures": ["张三", "李四"], "mediator_signature": "王调解",
            "followup_days": ["2026-12-21"]}
    r = api.put(f"/api/v1/disputes/{did}/agreement", json=body)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["outcome"] == "success" and d["state"] == "closed"
    assert d["agreement"]["terms"] == body["terms"] and d["agreement"]["copies"] == 3
    assert [f["due_on"] for f in d["followups"]] == ["2026-12-21"]
    # the PDF renders with the parties (ID masked), terms and signatures
    pdf = api.get(f"/api/v1/disputes/{did}/agreement.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"].startswith("application/pdf")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for needle in ["人民调解协议书", "张三", "李四", "李四于十日内修复防水层", "李四赔偿张三维修费1500元",
                   "调解员签名", "王调解", "本协议一式3份", d["agreement"]["number"]]:
        assert needle in text, (needle, text)
    masked = d["parties"][0]["id_number"]
    assert masked in text
    # the follow-up result
    fid = d["followups"][0]["id"]
    r = api.post(f"/api/v1/disputes/{did}/followups/{fid}", json={"result": "performed", "note": "已赔付"})
    assert r.status_code == 200, r.text
    assert r.json()["followups"][0]["result"] == "performed"
    # judicial confirmation
    r = api.post(f"/api/v1/disputes/{did}/judicial", json={"requested": True, "on": "2026-12-08",
                                                           "outcome": "confirmed"})
    assert r.status_code == 200 and r.json()["judicial"]["outcome"] == "confirmed"
    actions = [e["action"] for e in r.json()["timeline"]]
    assert actions == ["register", "assign", "session", "session_scheduled", "agreement", "followup", "judicial"]
    # the desk shows it no more (closed), the measures count it
    m = api.get("/api/v1/mediation/measures", params={"unit_id": mw.community}).json()
    items = {i["code"]: i for i in m["items"]}
    assert items["success_rate"]["numerator"] >= 1 and items["success_rate"]["formula"]["zh"]
    by = api.get("/api/v1/mediation/measures", params={"unit_id": mw.community, "by": "mediator"}).json()
    lead = d["lead_mediator"]["id"]
    row = [b for b in by["breakdown"] if b["key"] == str(lead)][0]
    assert row["counts"]["success"] >= 1 and row["counts"]["performed"] >= 1


def test_bad_input_names_the_field(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    did = d["id"]
    r = api.put(f"/api/v1/disputes/{did}/agreement", json={"facts": "事实", "terms": []})
    expect_field(r, 400, "terms")
    r = api.put(f"/api/v1/disputes/{did}/agreement", json={"facts": "事实", "terms": ["  "]})
    expect_field(r, 400, "terms")
    r = api.put(f"/api/v1/disputes/{did}/agreement",
                json={"facts": "事实", "terms": ["赔偿"], "signed_on": "2026-12-05", "followup_days": ["2026-12-01"]})
    expect_field(r, 400, "followup_days[0]", "before_agreement")
    r = api.post(f"/api/v1/disputes/{did}/followups", json={"due_on": "2026-12-10"})
    assert r.status_code == 409, r.text  # no agreement yet
    r = api.put(f"/api/v1/disputes/{did}/agreement", json={"facts": "事实", "terms": ["赔偿"], "signed_on": "2026-12-05"})
    assert r.status_code == 200, r.text
    r = api.post(f"/api/v1/disputes/{did}/followups", json={"due_on": "2026-12-04"})
    expect_field(r, 400, "due_on", "before_agreement")
    r = api.post(f"/api/v1/disputes/{did}/followups", json={"due_on": "2026-12-05"})
    assert r.status_code == 201, r.text
    body = dispute_body(mw.community, type="aliens")
    expect_field(api.post("/api/v1/disputes", json=body), 400, "type")
    body = dispute_body(mw.community, parties=[])
    expect_field(api.post("/api/v1/disputes", json=body), 400, "parties")
    body = dispute_body(mw.community)
    body["parties"][1]["phone"] = "12"
    expect_field(api.post("/api/v1/disputes", json=body), 400, "parties[1].phone")


def test_a_dispute_from_a_case(world):
    cw = CaseWorld(world)
    r = make_case(cw, api=cw.api("dispatcher"), channel="walk_in", category_id=cw.category["community"],
                  description="邻居装修噪音扰民引发争吵", unit_id=cw.community)
    case_id = r["id"] if isinstance(r, dict) else r
    mediator = world.account(cw.community, "mediator", prefix="cmed")
    body = dispute_body(cw.community, source="case", case_id=case_id)
    r = mediator.api.post("/api/v1/disputes", json=body)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["source"] == "case" and d["case"]["id"] == case_id and d["case"]["number"].startswith("GG")
    assert d["timeline"][0]["detail"]["case_id"] == case_id
    # the case page finds it
    items = mediator.api.get("/api/v1/disputes", params={"case_id": case_id}).json()["items"]
    assert [i["id"] for i in items] == [d["id"]]
    # source case without a case id, or a case outside scope
    expect_field(mediator.api.post("/api/v1/disputes", json=dispute_body(cw.community, source="case")), 400,
                 "case_id")
    other = world.account(world.units["community_b1"], "mediator", prefix="omed")
    r = other.api.post("/api/v1/disputes", json=dispute_body(world.units["community_b1"], source="case",
                                                               case_id=case_id))
    expect_field(r, 400, "case_id", "not_found")


def test_escalation_from_community_to_street(mw):
    cm, sm = mw.api("community_mediator"), mw.api("street_mediator")
    d = make_dispute(cm, mw.community, title="宅基地边界纠纷", type="land_housing")
    did = d["id"]
    r = cm.post(f"/api/v1/disputes/{did}/escalate", json={"note": "社区调解未果，提请街道联调"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["unit"]["id"] == mw.street and d["escalated"] is True
    ev = d["timeline"][-1]
    assert ev["action"] == "escalate" and ev["detail"]["to_unit_id"] == mw.street
    # the community keeps read, not the work; the street mediates now
    assert cm.get(f"/api/v1/disputes/{did}").status_code == 200
    assert cm.get(f"/api/v1/disputes/{did}").json()["may_manage"] is False
    r = cm.post(f"/api/v1/disputes/{did}/sessions", json={"minutes": "再次调解"})
    assert r.status_code == 403, r.text
    r = sm.post(f"/api/v1/disputes/{did}/sessions", json={"minutes": "街道联调"})
    assert r.status_code == 201, r.text
    # street → county, and the county is the top
    r = sm.post(f"/api/v1/disputes/{did}/escalate", json={})
    assert r.status_code == 200 and r.json()["unit"]["id"] == mw.county
    km = mw.api("county_mediator")
    r = km.post(f"/api/v1/disputes/{did}/escalate", json={})
    assert r.status_code == 409, r.text
    # the rollup moved with it: counted once in the county, no more in the community
    before = mw.admin.api.get("/api/v1/mediation/measures", params={"unit_id": mw.community}).json()
    assert all(True for _ in before["items"])
    # hand-over to a professional committee
    c = km.post("/api/v1/committees", json={"name": "土地房屋纠纷人民调解委员会", "kind": "industry",
                                            "speciality": "land_housing", "unit_id": mw.county})
    assert c.status_code == 201, c.text
    r = km.post(f"/api/v1/disputes/{did}/escalate", json={"committee_id": c.json()["id"]})
    assert r.status_code == 200 and r.json()["committee"]["id"] == c.json()["id"]
    assert r.json()["timeline"][-1]["action"] == "hand_over"


def test_failed_mediation_referred_to_litigation(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community, title="劳务费拖欠纠纷", type="labour")
    did = d["id"]
    r = api.post(f"/api/v1/disputes/{did}/outcome", json={"outcome": "litigation"})
    expect_field(r, 400, "outcome_text")
    r = api.post(f"/api/v1/disputes/{did}/outcome",
                 json={"outcome": "litigation", "outcome_text": "对方拒不到场，引导申请人向法院起诉"})
    assert r.status_code == 200, r.text
    assert r.json()["outcome"] == "litigation" and r.json()["state"] == "closed"
    assert r.json()["method"] == "litigation_mediation"
    r = api.post(f"/api/v1/disputes/{did}/sessions", json={"minutes": "x"})
    assert r.status_code == 409
    m = mw.api("leader").get("/api/v1/mediation/measures", params={"unit_id": mw.community, "failures": 1}).json()
    fails = {f["id"]: f for f in m["failures"]}
    assert fails[did]["outcome_text"] == "对方拒不到场，引导申请人向法院起诉"
    assert m["counts"]["litigation"] >= 1


def test_scope_a_community_mediator_sees_nothing_of_the_next_street(mw):
    d = make_dispute(mw.api("community_mediator"), mw.community)
    other = mw.api("other_mediator")
    assert other.get(f"/api/v1/disputes/{d['id']}").status_code == 404
    assert d["id"] not in [i["id"] for i in other.get("/api/v1/disputes").json()["items"]]
    assert other.get("/api/v1/mediation/measures", params={"unit_id": mw.community}).status_code == 404
    assert other.get("/api/v1/mediation/measures", params={"unit_id": mw.street}).status_code == 404
    r = other.post(f"/api/v1/disputes/{d['id']}/sessions", json={"minutes": "x"})
    assert r.status_code == 404
    r = other.post("/api/v1/disputes", json=dispute_body(mw.community))
    assert r.status_code in (400, 403, 404)
    # a leader reads but may not mediate
    leader = mw.api("leader")
    assert leader.get(f"/api/v1/disputes/{d['id']}").json()["may_manage"] is False
    assert leader.post(f"/api/v1/disputes/{d['id']}/sessions", json={"minutes": "x"}).status_code == 403
    assert leader.post("/api/v1/disputes", json=dispute_body(mw.community)).status_code == 403


def test_conflict_of_interest_warns_on_assignment(mw, world):
    admin = world.admin.api
    grid = world.unit(f"med_grid_{secrets.token_hex(2)}", mw.community_key, "grid", "调解网格")
    bld = building(admin, grid, "1栋")
    h = house(admin, bld["id"], "101")
    head_id = id_number()
    head = resident(admin, "赵大", id_number=head_id, house_id=h["id"])
    k = household(admin, h["id"], head["id"])
    sib = resident(admin, "赵二", household_id=k["id"], relation="sibling")
    r2 = type("R", (), {"json": lambda self: sib})()
    # the mediator 赵二 lives in the household of party 赵大 (linked by the ID number)
    med = mw.api("community_mediator").post("/api/v1/mediators", json={
        "name": "赵二", "kind": "people_mediator", "unit_id": mw.community, "resident_id": r2.json()["id"],
        "specialities": ["neighbour"]})
    assert med.status_code == 201, med.text
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community, parties=[party("赵大", id_number=head_id), party("钱三")])
    r = api.post(f"/api/v1/disputes/{d['id']}/mediators", json={"mediator_id": med.json()["id"]})
    assert r.status_code == 200, r.text
    assert r.json()["warning"] == {"code": "coi_household", "party": "赵大"}
    assert r.json()["dispute"]["mediators"][0]["coi_warning"]
    # a mediator without such a tie: no warning
    other = api.post("/api/v1/mediators", json={"name": "孙法官", "kind": "retired_judge", "unit_id": mw.community})
    r = api.post(f"/api/v1/disputes/{d['id']}/mediators", json={"mediator_id": other.json()["id"], "role": "assist"})
    assert r.json()["warning"] is None
    # the roster shows workload
    roster = api.get("/api/v1/mediators", params={"unit_id": mw.community}).json()["items"]
    mine = {x["id"]: x for x in roster}
    assert mine[med.json()["id"]]["workload"]["open"] == 1


def test_the_news_figures_1515_disputes_1509_successful(world, server):
    admin = world.admin
    tag = secrets.token_hex(2)
    county = world.unit(f"news_county_{tag}", "city", "county", f"新闻区{tag}")
    street = world.unit(f"news_street_{tag}", f"news_county_{tag}", "street", f"新闻街道{tag}")
    for i in range(3):
        world.unit(f"news_comm_{tag}_{i}", f"news_street_{tag}", "community", f"新闻社区{tag}{i}")
    # 1,515 mediated, 1,509 successfully, and all 1,509 agreements found performed at follow-up;
    # 2 referred to litigation, 4 failed
    server.cli("demo-disputes", "--unit", str(county), "--count", "1515", "--success", "1509",
               "--performed", "1509", "--litigation", "2", "--days", "30")
    m = admin.api.get("/api/v1/mediation/measures", params={"unit_id": county, "by": "child", "failures": 1})
    assert m.status_code == 200, m.text
    m = m.json()
    items = {i["code"]: i for i in m["items"]}
    assert m["counts"]["registered"] == 1515 and m["counts"]["mediated"] == 1515
    assert (items["success_rate"]["numerator"], items["success_rate"]["denominator"]) == (1509, 1515)
    assert items["success_rate"]["value"] == 99.6
    assert (items["performance_rate"]["numerator"], items["performance_rate"]["denominator"]) == (1509, 1515)
    assert items["performance_rate"]["value"] == 99.6
    assert items["mediation_rate"]["value"] == 100.0
    assert m["rounding"] == "half_up_1_decimal"
    assert "÷" in items["success_rate"]["formula"]["zh"] and "/" in items["success_rate"]["formula"]["en"]
    assert [b["counts"]["registered"] for b in m["breakdown"]] == [1515]
    assert len(m["failures"]) == 6
    # the same figures by type add up
    t = admin.api.get("/api/v1/mediation/measures", params={"unit_id": county, "by": "type"}).json()
    assert sum(b["counts"]["success"] for b in t["breakdown"]) == 1509
    # the general measures (/measures, section 矛盾纠纷调解) give the same two figures over a period that holds
    # every one of the 30 days
    import datetime
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    period = {"unit_id": county, "from": (today - datetime.timedelta(days=40)).isoformat(), "to": today.isoformat()}
    g = admin.api.get("/api/v1/measures", params=period)
    assert g.status_code == 200, g.text
    g = {i["code"]: i for i in g.json()["items"]}
    s, p = g["mediation_success_rate"], g["mediation_performance_rate"]
    assert s["group"] == p["group"] == "mediation" and g["closure_rate"]["group"] == "cases"
    assert (s["numerator"], s["denominator"], s["value"]) == (1509, 1515, 99.6)
    assert (p["numerator"], p["denominator"], p["value"]) == (1509, 1515, 99.6)
    assert s["name_zh"] == "调解成功率" and "÷" in s["formula"]["zh"] and s["base_data"] is False
    assert s["previous"]["has_value"] is False  # nothing registered in the 41 days before
    # a department's staff have dashboard.read but no dispute.read: no mediation rows in their list
    dept = world.account(f"news_street_{tag}", "department").api
    d = dept.get("/api/v1/measures", params=dict(period, unit_id=street))
    assert d.status_code == 200, d.text
    codes = {i["code"] for i in d.json()["items"]}
    assert "closure_rate" in codes and not any(c.startswith("mediation_") for c in codes)


def test_rollup_matches_a_rebuild(world, server):
    """The rollup kept write by write equals the one rebuilt from the disputes (SQLite: the CLI rebuild)."""
    county = world.units["county"]
    a = world.admin.api.get("/api/v1/mediation/measures", params={"unit_id": county}).json()["counts"]
    assert a["registered"] >= 1


def test_periods_mix_month_and_day_rows_exactly(world, server):
    tag = secrets.token_hex(2)
    county = world.unit(f"per_county_{tag}", "city", "county", f"期间区{tag}")
    world.unit(f"per_street_{tag}", f"per_county_{tag}", "street", f"期间街道{tag}")
    world.unit(f"per_comm_{tag}", f"per_street_{tag}", "community", f"期间社区{tag}")
    server.cli("demo-disputes", "--unit", str(county), "--count", "400", "--success", "300", "--days", "120")
    api = world.admin.api
    import datetime
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date()
    periods = [(None, None), (today - datetime.timedelta(days=70), today - datetime.timedelta(days=5)),
               (today.replace(day=1), today), (today - datetime.timedelta(days=100), today - datetime.timedelta(days=95))]
    for f, t in periods:
        params = {"unit_id": county}
        if f:
            params.update({"from": f.isoformat(), "to": t.isoformat()})
        m = api.get("/api/v1/mediation/measures", params=params).json()
        listed = api.get("/api/v1/disputes", params={**params, "limit": 1, "total": 1}).json()
        assert m["counts"]["registered"] == listed["total"], (f, t, m["counts"], listed.get("total"))


# ---- editing the register, 撤销, the reveal (docs/mediation.md "Editing the register") ----

def test_edit_items_and_a_party_with_the_version(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    did, v = d["id"], d["version"]
    p0 = d["parties"][0]
    new_id = id_number()
    r = api.patch(f"/api/v1/disputes/{did}", json={
        "version": v, "title": "楼上漏水赔偿纠纷", "type": "property_management", "risk_level": "high",
        "scale": "medium", "place": "桂林北路14号", "occurred_on": "2026-11-28", "summary": "漏水两次。",
        "parties": [{"id": p0["id"], "name": "张三丰", "phone": "13900001111", "id_number": new_id,
                     "address": "桂林北路14号2单元"}]})
    assert r.status_code == 200, r.text
    e = r.json()
    assert (e["title"], e["type"], e["risk_level"], e["scale"], e["place"], e["occurred_on"], e["summary"]) == \
        ("楼上漏水赔偿纠纷", "property_management", "high", "medium", "桂林北路14号", "2026-11-28", "漏水两次。")
    assert e["version"] == v + 1
    q = e["parties"][0]
    assert q["name"] == "张三丰" and q["address"] == "桂林北路14号2单元"
    assert q["phone"] == "139****1111" and q["id_number"].endswith(new_id[-4:]) and "*" in q["id_number"]
    # the timeline names what changed, never a party's ID number or phone
    ev = e["timeline"][-1]
    assert ev["action"] == "edit"
    fields = {c["field"]: c for c in ev["detail"]["changed"]}
    assert fields["title"]["from"] == "楼上漏水邻里纠纷" and fields["title"]["to"] == "楼上漏水赔偿纠纷"
    assert "from" not in fields["summary"]
    assert ev["detail"]["parties"][0]["fields"] == ["name", "id_number", "phone", "address"]
    assert new_id not in r.text.replace(q["id_number"], "") and "13900001111" not in r.text
    audit = mw.admin.api.get("/api/v1/audit", params={"action": "dispute.edit", "limit": 5}).json()["items"]
    assert any(a["object_id"] == str(did) for a in audit)
    # the measures follow the new type
    by = api.get("/api/v1/mediation/measures", params={"unit_id": mw.community, "by": "type"}).json()
    keys = {b["key"]: b["counts"]["registered"] for b in by["breakdown"]}
    assert keys.get("property_management", 0) >= 1
    # a stale version is 409 naming version; nothing changed
    r = api.patch(f"/api/v1/disputes/{did}", json={"version": v, "title": "旧版本的改动"})
    assert expect_field(r, 409, "version")["code"] == "version_conflict"
    assert api.get(f"/api/v1/disputes/{did}").json()["title"] == "楼上漏水赔偿纠纷"


def test_edit_refusals_name_the_field(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    did, v, pid = d["id"], d["version"], d["parties"][1]["id"]
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"version": v, "parties": [
        {"id": pid, "id_number": wrong_check(id_number())}]}), 400, "parties[0].id_number")
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"version": v, "type": "aliens"}), 400, "type")
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"version": v, "title": "  "}), 400, "title")
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"version": v, "occurred_on": "2026-13-01"}), 400,
                 "occurred_on")
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"version": v, "parties": [
        {"id": pid}, {"id": 99999999}]}), 400, "parties[1].id", "not_found")
    expect_field(api.patch(f"/api/v1/disputes/{did}", json={"title": "x"}), 400, "version")
    assert api.get(f"/api/v1/disputes/{did}").json()["version"] == v
    # a reader who may not mediate: 403; outside scope: 404
    assert mw.api("leader").patch(f"/api/v1/disputes/{did}", json={"version": v, "title": "x"}).status_code == 403
    assert mw.api("other_mediator").patch(f"/api/v1/disputes/{did}",
                                          json={"version": v, "title": "x"}).status_code == 404
    # concluded: 409
    r = api.post(f"/api/v1/disputes/{did}/outcome", json={"outcome": "failure", "outcome_text": "双方不同意"})
    assert r.status_code == 200, r.text
    r = api.patch(f"/api/v1/disputes/{did}", json={"version": r.json()["version"], "title": "结案后改"})
    assert r.status_code == 409 and error_reason(r) == "dispute_closed"


def error_reason(r):
    return error_of(r).get("reason")


def test_parties_added_and_removed_before_the_first_session(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    did = d["id"]
    r = api.post(f"/api/v1/disputes/{did}/parties", json={"version": d["version"], **party("王五", role="party")})
    assert r.status_code == 201, r.text
    d = r.json()
    assert [p["name"] for p in d["parties"]] == ["张三", "李四", "王五"]
    assert d["timeline"][-1]["action"] == "party_add"
    expect_field(api.post(f"/api/v1/disputes/{did}/parties",
                          json={"version": d["version"], **party("赵六", id_number=wrong_check(id_number()))}),
                 400, "id_number")
    expect_field(api.post(f"/api/v1/disputes/{did}/parties", json={"version": d["version"] - 1, **party("赵六")}),
                 409, "version")
    wang = d["parties"][2]["id"]
    r = api.delete(f"/api/v1/disputes/{did}/parties/{wang}", params={"version": d["version"]})
    assert r.status_code == 200, r.text
    d = r.json()
    assert [p["name"] for p in d["parties"]] == ["张三", "李四"]
    assert d["timeline"][-1]["action"] == "party_remove" and d["timeline"][-1]["detail"]["name"] == "王五"
    assert api.delete(f"/api/v1/disputes/{did}/parties/{wang}",
                      params={"version": d["version"]}).status_code == 404
    # after a session held: the parties are settled
    r = api.post(f"/api/v1/disputes/{did}/sessions", json={"minutes": "双方到场陈述。"})
    assert r.status_code == 201, r.text
    d = r.json()
    r = api.post(f"/api/v1/disputes/{did}/parties", json={"version": d["version"], **party("赵六")})
    assert r.status_code == 409 and error_reason(r) == "session_held"
    r = api.delete(f"/api/v1/disputes/{did}/parties/{d['parties'][1]['id']}", params={"version": d["version"]})
    assert r.status_code == 409 and error_reason(r) == "session_held"
    # but a party's phone can still be corrected
    r = api.patch(f"/api/v1/disputes/{did}", json={"version": d["version"], "parties": [
        {"id": d["parties"][1]["id"], "phone": "13700002222"}]})
    assert r.status_code == 200 and r.json()["parties"][1]["phone"] == "137****2222"


def test_the_last_party_stays(mw):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community, parties=[party("孤")])
    r = api.delete(f"/api/v1/disputes/{d['id']}/parties/{d['parties'][0]['id']}", params={"version": d["version"]})
    assert r.status_code == 409 and error_reason(r) == "last_party"


def measures_of(api, unit):
    m = api.get("/api/v1/mediation/measures", params={"unit_id": unit}).json()
    return {i["code"]: i for i in m["items"]}


def test_revoke_leaves_the_counts(mw):
    api = mw.api("community_mediator")
    before = measures_of(api, mw.community)["mediation_rate"]["denominator"]
    d = make_dispute(api, mw.community)
    assert measures_of(api, mw.community)["mediation_rate"]["denominator"] == before + 1
    did = d["id"]
    expect_field(api.post(f"/api/v1/disputes/{did}/revoke", json={"version": d["version"]}), 400, "reason")
    expect_field(api.post(f"/api/v1/disputes/{did}/revoke", json={"version": d["version"] + 5, "reason": "重复登记"}),
                 409, "version")
    r = api.post(f"/api/v1/disputes/{did}/revoke", json={"version": d["version"], "reason": "重复登记"})
    assert r.status_code == 200, r.text
    e = r.json()
    assert e["state"] == "revoked" and e["revoked"]["reason"] == "重复登记" and e["outcome"] is None
    assert e["timeline"][-1]["action"] == "revoke" and e["timeline"][-1]["note"] == "重复登记"
    # still readable, in the register under 已撤销, out of the open list and of the counts
    assert api.get(f"/api/v1/disputes/{did}").status_code == 200
    ids = lambda **p: [x["id"] for x in api.get("/api/v1/disputes", params={"unit_id": mw.community, **p}).json()["items"]]  # noqa: E731
    assert did in ids(state="revoked") and did not in ids(state="open") and did not in ids(state="closed")
    assert measures_of(api, mw.community)["mediation_rate"]["denominator"] == before
    # every further write is 409
    r = api.post(f"/api/v1/disputes/{did}/notes", json={"note": "补充"})
    assert r.status_code == 409 and error_reason(r) == "dispute_revoked"
    audit = mw.admin.api.get("/api/v1/audit", params={"action": "dispute.revoke", "limit": 5}).json()["items"]
    assert any(a["object_id"] == str(did) for a in audit)


def test_rollup_counts_what_the_disputes_say_after_revoke_and_edit(mw, server):
    api = mw.api("community_mediator")
    d = make_dispute(api, mw.community)
    assert api.post(f"/api/v1/disputes/{d['id']}/revoke",
                    json={"version": d["version"], "reason": "误登记"}).status_code == 200
    e = make_dispute(api, mw.community)
    assert api.patch(f"/api/v1/disputes/{e['id']}", json={"version": e["version"], "type": "labour"}).status_code == 200
    c = mw.community
    rolled = server.sql(f"SELECT type, SUM(registered) FROM mediation_rollup WHERE unit_id = {c} AND day = 'T' "
                        "GROUP BY type HAVING SUM(registered) <> 0 ORDER BY type")
    counted = server.sql(f"SELECT type, COUNT(*) FROM dispute WHERE unit_path LIKE '%/{c}/%' AND revoked_at IS NULL "
                         "GROUP BY type ORDER BY type")
    assert [tuple(map(str, x)) for x in rolled] == [tuple(map(str, x)) for x in counted]


def test_reveal_a_party_is_audited_and_404_for_others(mw):
    cm = mw.api("community_mediator")
    d = make_dispute(cm, mw.community)
    did, p = d["id"], d["parties"][0]
    url = f"/api/v1/disputes/{did}/parties/{p['id']}/reveal"
    # not assigned yet: a mediator of the unit has no pii.read — the reveal does not exist for them
    assert cm.post(url, json={"reason": "核实身份"}).status_code == 404
    assert d["may_reveal"] is False
    r = cm.post(f"/api/v1/disputes/{did}/mediators", json={"self": True})
    assert r.status_code == 200, r.text
    assert r.json()["dispute"]["may_reveal"] is True
    expect_field(cm.post(url, json={}), 400, "reason")
    r = cm.post(url, json={"reason": "核实身份"})
    assert r.status_code == 200, r.text
    full = r.json()
    assert "*" not in full["id_number"] and len(full["id_number"]) == 18 and full["id_number"][-4:] == p["id_number"][-4:]
    assert full["phone"][-4:] == p["phone"][-4:] and "*" not in full["phone"]
    audit = mw.admin.api.get("/api/v1/audit", params={"action": "pii.read", "limit": 20}).json()["items"]
    row = [a for a in audit if a["object_type"] == "dispute_party" and a["object_id"] == str(p["id"])]
    assert row, audit
    text = str(row[0])
    assert str(did) in text and full["id_number"] not in text and full["phone"] not in text
    # still masked everywhere else
    assert "*" in cm.get(f"/api/v1/disputes/{did}").json()["parties"][0]["id_number"]
    # others: the same 404 as a party that does not exist
    for role in ("leader", "other_mediator", "community", "dispatcher", "street_mediator"):
        assert mw.api(role).post(url, json={"reason": "看看"}).status_code == 404, role
    assert cm.post(f"/api/v1/disputes/{did}/parties/99999999/reveal", json={"reason": "x"}).status_code == 404
    other = make_dispute(cm, mw.community)
    assert cm.post(f"/api/v1/disputes/{other['id']}/parties/{p['id']}/reveal",
                   json={"reason": "x"}).status_code == 404
