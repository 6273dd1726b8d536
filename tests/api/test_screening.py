"""Grid screening (矛盾纠纷排查): a grid's report of a month or its zero report, once per grid and period, and
the street's view of which grids have not reported."""
import datetime

from casekit import expect_field


def period_now():
    return (datetime.datetime.utcnow() + datetime.timedelta(hours=8)).strftime("%Y-%m")


def test_reports_and_status(world):
    p = period_now()
    gw = world.accounts["grid_worker"].api
    r = gw.post("/api/v1/screening/reports", json={"grid_id": world.units["grid_a"], "period": p,
                                                   "items": [{"title": "邻里噪音", "summary": "楼上装修"}]})
    assert r.status_code == 201, r.text
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": world.units["grid_a"], "period": p,
                                                            "zero": True}), 409, "period", "already_reported")
    gb = world.accounts["grid_worker_b"].api
    assert gb.post("/api/v1/screening/reports", json={"grid_id": world.units["grid_b"], "period": p,
                                                      "zero": True}).status_code == 201
    st = world.accounts["dispatcher"].api.get("/api/v1/screening/status",
                                              params={"unit_id": world.units["street_a"], "period": p})
    assert st.status_code == 200, st.text
    body = st.json()
    by = {x["grid"]["id"]: x for x in body["items"]}
    assert by[world.units["grid_a"]]["reported"] and by[world.units["grid_a"]]["found"] == 1
    assert by[world.units["grid_a"]]["disputes"][0]["title"] == "邻里噪音"
    assert by[world.units["grid_b"]]["zero"] is True
    # grids of other communities created by other tests may be missing; grid_b1 is another street's
    assert world.units["grid_b1"] not in by
    assert body["missing"] == body["grids"] - body["reported"]
    # a grid that reported has nothing left to report
    assert all(x["may_report"] is False for x in body["items"] if x["reported"])
    # the grid worker may report their own grid's next month only while it is missing
    own = gw.get("/api/v1/screening/status", params={"unit_id": world.units["grid_a"], "period": p}).json()["items"]
    assert [(x["grid"]["id"], x["may_report"]) for x in own] == [(world.units["grid_a"], False)]
    past = gw.get("/api/v1/screening/status", params={"unit_id": world.units["grid_a"], "period": "2024-06"}).json()
    assert [(x["grid"]["id"], x["may_report"]) for x in past["items"]] == [(world.units["grid_a"], True)]
    # a leader reads the status and may report nothing
    leader = world.account("street_a", "leader")
    st = leader.api.get("/api/v1/screening/status", params={"unit_id": world.units["street_a"], "period": "2024-06"})
    assert st.status_code == 200 and not any(x["may_report"] for x in st.json()["items"])
    stb = world.accounts["dispatcher_street_b"].api.get("/api/v1/screening/status",
                                                        params={"unit_id": world.units["street_b"], "period": p}).json()
    assert {x["grid"]["id"]: x["reported"] for x in stb["items"]}[world.units["grid_b1"]] is False


def test_bad_input(world):
    gw = world.accounts["grid_worker"].api
    g = world.units["grid_a"]
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": g, "period": "2026-13"}), 400, "period")
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": g, "period": "2099-01", "zero": True}), 400,
                 "period", "in_future")
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": g, "period": "2025-01"}), 400, "items")
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": g, "period": "2025-01", "zero": True,
                                                            "items": [{"title": "x"}]}), 400, "items")
    expect_field(gw.post("/api/v1/screening/reports", json={"grid_id": world.units["community_a1"], "period": "2025-01",
                                                            "zero": True}), 404, "grid_id")
    # another grid's worker cannot report for grid_a
    expect_field(world.accounts["grid_worker_b"].api.post("/api/v1/screening/reports", json={
        "grid_id": g, "period": "2025-02", "zero": True}), 404, "grid_id")
    expect_field(world.accounts["dispatcher"].api.get("/api/v1/screening/status", params={"period": "2025-01"}), 400,
                 "unit_id")
