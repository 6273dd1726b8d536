"""Assessment (考核): a plan like 哈密's programme — 128 tasks, 21 of them hard indicators — created in one
request, activated over a county's streets, scored (computed from the measures, manual with evidence and
review: approve, return, resubmit), ranked with A–E grades, a failed hard indicator capping the grade at C,
the period comparison, the history of every score change, XLSX sheets, scope and bad input.
docs/assessment.md is the contract."""
import io
import zipfile

import pytest

from placekit import audit_since, expect_error, last_seq

CATEGORIES = ["网格化服务管理", "矛盾纠纷排查化解", "平安建设", "基层党建引领", "社会治安防控", "公共安全监管",
              "信访维稳", "特殊人群服务管理", "综治中心建设", "法治宣传教育"]
ITEMS = ["网格员日常巡查走访", "网格事件按时上报", "矛盾纠纷月度排查", "重点人员帮扶台账", "综治中心规范化运行",
         "平安创建宣传入户", "群防群治队伍建设", "出租屋流动人口登记", "安全隐患排查整改", "信访积案化解"]
# four computed tasks (worth 5 each): in a county of its own with no cases, counts are 0 (超期在办 0 ≤ 0: met)
# and the three rates have no denominator — 无数据, not scored, left out of the total with their weights
# (docs/assessment.md rule 2)
COMPUTED = [("事件超期在办件数", "measure:overdue_open", "le", 0), ("事件结案率", "measure:closure_rate", "ge", 90),
            ("群众满意率", "measure:satisfaction_rate", "ge", 85), ("按期结案率", "measure:on_time_rate", "ge", 90)]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def programme():
    """128 tasks: 1–4 computed (weight 5), 5–8 manual hard (weight 5), 9–128 manual (weight 0.5), 17 of
    them hard — 21 hard in all, weights adding up to 100."""
    tasks = []
    for i, (title, source, cmp, target) in enumerate(COMPUTED):
        tasks.append({"seq": i + 1, "title": title, "category": "网格化服务管理", "weight": 5, "target": target,
                      "comparison": cmp, "source": source, "responsible": "区综治中心"})
    for i in range(4):
        tasks.append({"seq": 5 + i, "title": f"{['命案', '重大群体性事件', '重大安全生产事故', '进京非访'][i]}发生数",
                      "category": "平安建设", "weight": 5, "is_hard": True, "target": 0, "comparison": "le",
                      "source": "manual", "responsible": "各街道"})
    hard_left = 17
    for k in range(120):
        seq = 9 + k
        hard = hard_left > 0 and k % 7 == 0
        hard_left -= hard
        tasks.append({"seq": seq, "title": f"{ITEMS[k % len(ITEMS)]}（第{k // len(ITEMS) + 1}项）",
                      "category": CATEGORIES[k % len(CATEGORIES)], "weight": 0.5, "is_hard": hard,
                      "target": 100, "comparison": "ge", "source": "manual", "responsible": "各街道、社区"})
    assert len(tasks) == 128 and sum(t.get("is_hard", False) for t in tasks) == 21
    assert abs(sum(t["weight"] for t in tasks) - 100) < 1e-9
    return tasks


class Ctx:
    pass


@pytest.fixture(scope="module")
def az(world):
    """A county of its own with three streets, its assessment office, the streets' dispatchers (assess.score)
    and leaders at the county, at one street, and in another county."""
    c = Ctx()
    c.world = world
    c.county = world.unit("az_county", "city", "county", "考核测试区")
    c.x1 = world.unit("az_x1", "az_county", "street", "东城街道")
    c.x2 = world.unit("az_x2", "az_county", "street", "西城街道")
    c.x3 = world.unit("az_x3", "az_county", "street", "南城街道")
    world.unit("az_x1_c", "az_x1", "community", "东城社区")  # a community: not assessed by a street plan
    c.assessor = world.account("az_county", "assessor").api
    c.d1 = world.account("az_x1", "dispatcher").api
    c.d2 = world.account("az_x2", "dispatcher").api
    c.leader = world.account("az_county", "leader").api
    c.leader_x1 = world.account("az_x1", "leader").api
    c.leader_other = world.accounts["leader"].api  # leader of 下陆区, another county
    c.dispatcher_other = world.accounts["dispatcher"].api
    return c


def plan_body(c, tasks, **kw):
    body = {"unit_id": c.county, "name": "2026年第四季度街道综治工作考核", "period_from": "2026-10-01",
            "period_to": "2026-12-31", "target_level": "street", "tasks": tasks}
    body.update(kw)
    return body


def ranking(api, plan_id, status=200):
    r = api.get(f"/api/v1/assessment/plans/{plan_id}/ranking")
    assert r.status_code == status, r.text
    return r.json()


def card(api, plan_id, unit_id):
    r = api.get(f"/api/v1/assessment/plans/{plan_id}/units/{unit_id}")
    assert r.status_code == 200, r.text
    return r.json()


def submit(api, plan_id, task_id, unit_id, value, status=200, **kw):
    r = api.post(f"/api/v1/assessment/plans/{plan_id}/scores",
                 json=dict({"task_id": task_id, "unit_id": unit_id, "value": value}, **kw))
    assert r.status_code == status, r.text
    return r.json() if status == 200 else r


def review(api, score_id, decision, status=200, **kw):
    r = api.post(f"/api/v1/assessment/scores/{score_id}/review", json=dict({"decision": decision}, **kw))
    assert r.status_code == status, r.text
    return r.json() if status == 200 else r


@pytest.fixture(scope="module")
def previous(az):
    """Last quarter's plan of the same county (found by the period comparison without being named)."""
    c = az
    r = c.assessor.post("/api/v1/assessment/plans", json=plan_body(
        c, [{"seq": 1, "title": "网格化服务管理", "weight": 50, "target": 100, "source": "manual"},
            {"seq": 2, "title": "矛盾纠纷排查化解", "weight": 50, "target": 100, "source": "manual"}],
        name="2026年第三季度街道综治工作考核", period_from="2026-07-01", period_to="2026-09-30"))
    assert r.status_code == 201, r.text
    p = r.json()
    r = c.assessor.post(f"/api/v1/assessment/plans/{p['id']}/activate", json={"version": p["version"]})
    assert r.status_code == 200, r.text
    t1, t2 = p["tasks"]
    for task in (t1, t2):
        s = submit(c.d1, p["id"], task["id"], c.x1, 100)
        review(c.assessor, s["score"]["id"], "approve")
    s = submit(c.d2, p["id"], t1["id"], c.x2, 100)
    review(c.assessor, s["score"]["id"], "approve")
    return p


@pytest.fixture(scope="module")
def plan(az, previous):
    c = az
    seq = last_seq(c.world)
    r = c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, programme()))
    assert r.status_code == 201, r.text
    p = r.json()
    assert p["tasks_count"] == 128 and p["hard_count"] == 21 and p["weight_sum"] == 100
    assert p["status"] == "draft" and p["bands"] == {"A": 90, "B": 80, "C": 70, "D": 60} and p["hard_cap"] == "C"
    assert [t["seq"] for t in p["tasks"]] == list(range(1, 129))
    assert any(a["action"] == "assessment.plan_create" for a in audit_since(c.world, seq))
    p["seq0"] = seq
    return p


def test_plan_structure_edit_while_draft_and_activate(az, plan):
    c = az
    # edit while draft: a task and the plan itself
    t9 = plan["tasks"][8]
    r = c.assessor.patch(f"/api/v1/assessment/plans/{plan['id']}/tasks/{t9['id']}",
                         json=dict({k: t9[k] for k in ("seq", "title", "category", "weight", "target", "source",
                                                       "comparison", "responsible")},
                                   title="网格员日常巡查走访（每月不少于20次）", version=t9["version"]))
    assert r.status_code == 200, r.text
    assert r.json()["tasks"][8]["title"] == "网格员日常巡查走访（每月不少于20次）"
    r = c.assessor.patch(f"/api/v1/assessment/plans/{plan['id']}", json={"name": plan["name"], "version": 1})
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    # the street dispatcher may read the plan but not manage it
    assert c.d1.get(f"/api/v1/assessment/plans/{plan['id']}").status_code == 200
    r = c.d1.post(f"/api/v1/assessment/plans/{plan['id']}/activate", json={"version": version})
    assert r.status_code == 403, r.text
    r = c.assessor.post(f"/api/v1/assessment/plans/{plan['id']}/activate", json={"version": version})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "active"
    # the structure is fixed now
    r = c.assessor.post(f"/api/v1/assessment/plans/{plan['id']}/tasks",
                        json={"tasks": [{"seq": 200, "title": "x", "weight": 1, "target": 1, "source": "manual"}]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "plan_not_draft"
    # three streets assessed, not the community
    items = ranking(c.assessor, plan["id"])["items"]
    assert sorted(i["unit"]["id"] for i in items) == sorted([c.x1, c.x2, c.x3])
    plans = c.assessor.get("/api/v1/assessment/plans").json()["items"]
    assert plan["id"] in [p["id"] for p in plans]


def test_computed_tasks_follow_the_measures(az, plan):
    c = az
    k = card(c.assessor, plan["id"], c.x3)
    computed = [i for i in k["items"] if i["task"]["source"].startswith("measure:")]
    assert len(computed) == 4
    for i in computed:
        s = i["score"]
        assert s["status"] == "computed"
        # the rule of docs/assessment.md on whatever the measure said
        t = i["task"]
        if s["value"] is None:
            assert s["met"] is None and s["score"] == 0 and s["no_data"] is True
        else:
            assert s["no_data"] is False
            met = s["value"] <= t["target"] if t["comparison"] == "le" else s["value"] >= t["target"]
            assert s["met"] is met
            if met:
                assert s["score"] == t["weight"]
    # nothing of a street's own yet: 超期在办 0 is met (5 points); the three rates have no data and are left
    # out with their 15 points of weight: 5 of 85 = 5.9
    st = k["standing"]
    assert (st["score_sum"], st["weight_sum"], st["no_data"], st["total"], st["grade"]) == (5, 85, 3, 5.9, "E")
    assert k["standing"]["pending"] == 124
    r = c.assessor.post(f"/api/v1/assessment/plans/{plan['id']}/compute")
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 3


def test_manual_scores_with_evidence_review_and_history(az, plan):
    c = az
    tasks = plan["tasks"]
    first = tasks[8]  # seq 9, manual
    up = c.d1.post("/api/v1/attachments", data=PDF, params={"name": "巡查台账.pdf"},
                   headers={"Content-Type": "application/pdf"})
    assert up.status_code == 201, up.text
    att = up.json()["id"]
    s = submit(c.d1, plan["id"], first["id"], c.x1, 100, note="巡查台账见附件", attachment_ids=[att])
    assert s["score"]["status"] == "submitted" and s["score"]["score"] == 0.5 and s["score"]["met"] is True
    assert [e["id"] for e in s["score"]["evidence"]] == [att]
    sid = s["score"]["id"]
    # the evidence is the assessor's to read, not another county's dispatcher's
    assert c.assessor.get(f"/api/v1/attachments/{att}").status_code == 200
    assert c.dispatcher_other.get(f"/api/v1/attachments/{att}").status_code == 404
    assert c.d2.get(f"/api/v1/attachments/{att}").status_code == 404
    # returned with a note (required), resubmitted, approved
    r = review(c.assessor, sid, "return", status=400)
    expect_error(r, 400, "note")
    review(c.assessor, sid, "return", note="台账缺少10月记录")
    k = card(c.d1, plan["id"], c.x1)
    row = next(i for i in k["items"] if i["task"]["id"] == first["id"])
    assert row["score"]["status"] == "returned" and row["score"]["review_note"] == "台账缺少10月记录"
    assert row["can_submit"] is True and row["can_review"] is False
    submit(c.d1, plan["id"], first["id"], c.x1, 100, note="已补10月记录")
    k = card(c.assessor, plan["id"], c.x1)
    row = next(i for i in k["items"] if i["task"]["id"] == first["id"])
    assert row["can_review"] is True and row["can_submit"] is False
    a = review(c.assessor, sid, "approve", note="符合要求")
    assert a["score"]["status"] == "approved" and a["score"]["reviewed_by"]["id"]
    # approved: no more changes from the street
    r = submit(c.d1, plan["id"], first["id"], c.x1, 90, status=409)
    assert r.json()["error"]["code"] == "score_approved"
    # the history has every change, in order, with who made it
    h = c.assessor.get(f"/api/v1/assessment/scores/{sid}/history")
    assert h.status_code == 200, h.text
    rows = h.json()["items"]
    assert [r["action"] for r in rows] == ["submitted", "returned", "submitted", "approved"]
    assert rows[1]["note"] == "台账缺少10月记录" and all(r["by"]["id"] for r in rows)
    actions = [a["action"] for a in audit_since(c.world, plan["seq0"]) if a["action"].startswith("assessment.")]
    for code in ("assessment.score_submit", "assessment.score_return", "assessment.score_approve",
                 "assessment.plan_activate", "assessment.compute"):
        assert code in actions, code
    # a reviewer may adjust the score within the weight
    second = tasks[9]
    s = submit(c.d1, plan["id"], second["id"], c.x1, 100)
    r = review(c.assessor, s["score"]["id"], "approve", status=400, score=0.6)
    expect_error(r, 400, "score")
    a = review(c.assessor, s["score"]["id"], "approve", score=0.4)
    assert a["score"]["score"] == 0.4
    # the scorecard as a sheet
    r = c.assessor.get(f"/api/v1/assessment/plans/{plan['id']}/units/{c.x1}/export")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert any(n.startswith("xl/worksheets/") for n in zf.namelist())


def fill(c, api, plan, unit_id, fail_seq=None, skip=()):
    """Submit and approve every manual task of a unit still open (meeting its target), except fail_seq
    (half the target) — the whole 124-task sheet of a street."""
    k = card(c.assessor, plan["id"], unit_id)
    for i in k["items"]:
        t, s = i["task"], i["score"]
        if t["source"] != "manual" or s["status"] == "approved" or t["seq"] in skip:
            continue
        if t["seq"] == fail_seq:
            value = 1 if t["comparison"] == "le" else t["target"] * 0.4
        else:
            value = t["target"]
        got = submit(api, plan["id"], t["id"], unit_id, value)
        review(c.assessor, got["score"]["id"], "approve")


def test_ranking_grades_and_the_hard_indicator_cap(az, plan, previous):
    c = az
    # seq 9's approved at 0.5 and seq 10 at 0.4 for 东城; a failed hard indicator (seq 9+7 = 16, hard)
    fill(c, c.d1, plan, c.x1, fail_seq=16)
    fill(c, c.d2, plan, c.x2)
    r = ranking(c.assessor, plan["id"])
    items = {i["unit"]["id"]: i for i in r["items"]}
    x1, x2, x3 = items[c.x1], items[c.x2], items[c.x3]
    assert x2["total"] == 100 and x2["grade"] == "A" and not x2["capped"] and x2["rank"] == 1
    assert x2["score_sum"] == 85 and x2["weight_sum"] == 85 and x2["no_data"] == 3  # three rates: 无数据
    # 东城: 85 - 0.1 (seq 10 adjusted) - 0.3 (seq 16: 40 % of its target, 0.2 of 0.5) = 84.6 of 85 = 99.5,
    # band A, capped at C
    assert x1["score_sum"] == 84.6 and x1["total"] == 99.5
    assert x1["band_grade"] == "A" and x1["grade"] == "C" and x1["capped"] is True and x1["rank"] == 2
    assert x1["cap_reason"] == {"code": "hard_indicator_failed", "cap": "C", "failed": 1}
    assert [f["seq"] for f in x1["failed_hard"]] == [16]
    assert x3["grade"] == "E" and x3["rank"] == 3 and x3["pending"] == 124
    assert [i["unit"]["id"] for i in r["items"]] == [c.x2, c.x1, c.x3]
    # the period comparison: last quarter's plan, found by itself
    assert x1["previous"]["plan_id"] == previous["id"] and x1["previous"]["total"] == 100
    assert x1["previous"]["delta"] == -0.5 and x1["previous"]["grade"] == "A"
    assert x2["previous"]["total"] == 50 and x2["previous"]["delta"] == 50
    assert x3["previous"]["total"] == 0
    # the ranking as a sheet, with the cap's reason
    r = c.leader.get(f"/api/v1/assessment/plans/{plan['id']}/ranking/export")
    assert r.status_code == 200, r.text
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    assert "东城街道" in text and "封顶" in text


def test_the_cap_is_the_plans_own(az):
    """hard_cap is configurable per plan: with D, a failed hard indicator caps at D."""
    c = az
    r = c.assessor.post("/api/v1/assessment/plans", json=plan_body(
        c, [{"seq": 1, "title": "命案发生数", "weight": 10, "is_hard": True, "target": 0, "comparison": "le",
             "source": "manual"},
            {"seq": 2, "title": "网格化服务管理", "weight": 90, "target": 100, "source": "manual"}],
        name="专项考核", period_from="2026-12-01", period_to="2026-12-31", hard_cap="D",
        bands={"A": 95, "B": 85, "C": 75, "D": 65}))
    assert r.status_code == 201, r.text
    p = r.json()
    c.assessor.post(f"/api/v1/assessment/plans/{p['id']}/activate", json={"version": p["version"]})
    for t, v in ((p["tasks"][0], 1), (p["tasks"][1], 100)):
        s = submit(c.d1, p["id"], t["id"], c.x1, v)
        review(c.assessor, s["score"]["id"], "approve")
    x1 = next(i for i in ranking(c.assessor, p["id"])["items"] if i["unit"]["id"] == c.x1)
    # le with target 0 and value 1: not met, score 0 → 90, band B (≥ 85), capped at D
    assert x1["total"] == 90 and x1["band_grade"] == "B" and x1["grade"] == "D" and x1["capped"]


def test_a_task_without_data_is_not_scored(az):
    """无数据: a computed task whose measure has nothing to count is left out of the total with its weight (the
    others renormalised), is no failed hard indicator, and says so in the scorecard and its sheet."""
    c = az
    r = c.assessor.post("/api/v1/assessment/plans", json=plan_body(
        c, [{"seq": 1, "title": "群众满意率", "weight": 40, "is_hard": True, "target": 90,
             "source": "measure:satisfaction_rate"},
            {"seq": 2, "title": "网格化服务管理", "weight": 60, "target": 100, "source": "manual"}],
        name="无数据考核", period_from="2027-01-01", period_to="2027-01-31"))
    assert r.status_code == 201, r.text
    p = r.json()
    r = c.assessor.post(f"/api/v1/assessment/plans/{p['id']}/activate", json={"version": p["version"]})
    assert r.status_code == 200, r.text
    s = submit(c.d1, p["id"], p["tasks"][1]["id"], c.x1, 50)  # half the target: 30 of 60
    review(c.assessor, s["score"]["id"], "approve")
    k = card(c.assessor, p["id"], c.x1)
    rated = next(i for i in k["items"] if i["task"]["seq"] == 1)["score"]
    assert rated["value"] is None and rated["no_data"] is True and rated["met"] is None and rated["score"] == 0
    st = k["standing"]
    # 30 of the 60 points that could be scored: 50.0, grade E, and no cap (the hard task was not failed)
    assert (st["score_sum"], st["weight_sum"], st["no_data"], st["total"]) == (30, 60, 1, 50.0), st
    assert st["capped"] is False and st["failed_hard"] == [] and st["grade"] == "E"
    x1 = next(i for i in ranking(c.assessor, p["id"])["items"] if i["unit"]["id"] == c.x1)
    assert x1["total"] == 50.0 and x1["no_data"] == 1
    r = c.assessor.get(f"/api/v1/assessment/plans/{p['id']}/units/{c.x1}/export")
    assert r.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    text = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml"))
    assert "无数据，不计分" in text


def test_scope(az, plan):
    c = az
    t = plan["tasks"][20]
    # a street enters its own score, not its neighbour's (404, as if it did not exist)
    r = c.d2.post(f"/api/v1/assessment/plans/{plan['id']}/scores", json={"task_id": t["id"], "unit_id": c.x3,
                                                                          "value": 100})
    assert r.status_code == 404, r.text
    r = c.d2.post(f"/api/v1/assessment/plans/{plan['id']}/scores", json={"task_id": t["id"], "unit_id": c.x1,
                                                                          "value": 100})
    assert r.status_code == 404, r.text
    # the assessment office reviews but does not enter
    r = c.assessor.post(f"/api/v1/assessment/plans/{plan['id']}/scores",
                        json={"task_id": t["id"], "unit_id": c.x3, "value": 100})
    assert r.status_code == 404, r.text
    # a street dispatcher does not review
    k = card(c.d1, plan["id"], c.x1)
    any_score = k["items"][10]["score"]["id"]
    assert c.d1.post(f"/api/v1/assessment/scores/{any_score}/review",
                     json={"decision": "approve"}).status_code in (403, 404)
    # the county's leader sees every street; a street's leader only their own; another county's nothing
    assert len(ranking(c.leader, plan["id"])["items"]) == 3
    mine = ranking(c.leader_x1, plan["id"])["items"]
    assert [i["unit"]["id"] for i in mine] == [c.x1] and mine[0]["rank"] == 2  # the rank among all
    r = c.leader_x1.get(f"/api/v1/assessment/plans/{plan['id']}/units/{c.x2}")
    assert r.status_code == 404
    assert c.leader_x1.get(f"/api/v1/assessment/plans/{plan['id']}/units/{c.x2}/export").status_code == 404
    ranking(c.leader_other, plan["id"], status=404)
    assert c.leader_other.get(f"/api/v1/assessment/plans/{plan['id']}").status_code == 404
    assert plan["id"] not in [p["id"] for p in c.leader_other.get("/api/v1/assessment/plans").json()["items"]]
    assert c.leader_other.get(f"/api/v1/assessment/scores/{any_score}/history").status_code == 404
    # a leader reads, never writes
    r = c.leader.post("/api/v1/assessment/plans", json=plan_body(c, []))
    expect_error(r, 400, "unit_id")
    # another county's assessor cannot reach into this one
    other = c.world.account("county", "assessor").api
    assert other.get(f"/api/v1/assessment/plans/{plan['id']}").status_code == 404
    assert other.post(f"/api/v1/assessment/plans/{plan['id']}/compute").status_code == 404


def test_bad_input_names_the_field(az, plan, previous):
    c = az
    tasks = programme()
    bad = [dict(t) for t in tasks]
    bad[5]["weight"] = -1
    expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, bad)), 400, "tasks[5].weight")
    bad = [dict(t) for t in tasks]
    del bad[0]["target"]
    expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, bad)), 400, "tasks[0].target")
    # a 129th task with a sequence number already taken
    dup = tasks + [dict(tasks[40], title="重复的序号")]
    err = expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, dup)), 400, "tasks[128].seq")
    assert err["reason"] == "duplicate"
    bad = [dict(t) for t in tasks]
    bad[3]["source"] = "formula:1+1"
    expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, bad)), 400, "tasks[3].source")
    expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, tasks, period_to="2026-09-01")),
                 400, "period_to")
    expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, tasks, target_level="city")),
                 400, "target_level")
    expect_error(c.assessor.post("/api/v1/assessment/plans",
                                 json=plan_body(c, tasks, bands={"A": 80, "B": 90, "C": 70, "D": 60})),
                 400, "bands.A")
    too_many = [dict(tasks[0], seq=i + 1) for i in range(301)]
    err = expect_error(c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, too_many)), 400, "tasks")
    assert err["reason"] == "too_many"
    # adding to a draft: a sequence number the plan has
    r = c.assessor.post("/api/v1/assessment/plans", json=plan_body(c, tasks[:3], name="草稿"))
    assert r.status_code == 201, r.text
    draft = r.json()
    err = expect_error(c.assessor.post(f"/api/v1/assessment/plans/{draft['id']}/tasks",
                                       json={"tasks": [dict(tasks[5]), dict(tasks[1])]}), 400, "tasks[1].seq")
    assert err["reason"] == "duplicate"
    r = c.assessor.post(f"/api/v1/assessment/plans/{draft['id']}/tasks", json={"tasks": tasks[3:10]})
    assert r.status_code == 201 and r.json()["tasks_count"] == 10
    # a score on a task of another plan
    other_task = previous["tasks"][0]["id"]
    err = expect_error(c.d1.post(f"/api/v1/assessment/plans/{plan['id']}/scores",
                                 json={"task_id": other_task, "unit_id": c.x1, "value": 1}), 400, "task_id")
    assert err["reason"] == "not_in_plan"
    # a computed task is not entered
    err = expect_error(c.d1.post(f"/api/v1/assessment/plans/{plan['id']}/scores",
                                 json={"task_id": plan["tasks"][0]["id"], "unit_id": c.x1, "value": 1}),
                       400, "task_id")
    assert err["reason"] == "computed"
    expect_error(c.d1.post(f"/api/v1/assessment/plans/{plan['id']}/scores",
                           json={"task_id": plan["tasks"][50]["id"], "unit_id": c.x1}), 400, "value")
    expect_error(c.assessor.post("/api/v1/assessment/scores/1/review", json={"decision": "maybe"}), 400,
                 "decision")
