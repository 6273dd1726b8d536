"""Open311 GeoReport v2 at /open311/v2/ (docs/api.md "Open311"), driven as a real client does: form-encoded
POSTs with attribute[...], jurisdiction_id in the query string, JSON and XML, a missing, wrong or revoked
api_key; every answer checked against the GeoReport v2 field rules (ids and codes strings, datetimes with an
offset, the spec's error documents); keys limited to a subtree; the rate limit; no personal data anywhere."""
import re
import secrets
import time
import xml.etree.ElementTree as ET

import pytest
import requests

from casekit import CaseWorld, png_bytes  # noqa: F401

RUBBISH = "complaint.city_appearance.exposed_rubbish"
VENDING = "complaint.street_order.street_vending"
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")
PERSONAL = ("张小三", "李", "13812345678", "zs.open311@example.com")


@pytest.fixture(scope="module")
def cw(world):
    return CaseWorld(world)


@pytest.fixture(scope="module")
def o3(cw):
    """Keys: one for the whole county (the test world's root of its streets), one for cw's street only."""
    admin = cw.admin.api
    county = cw.world.units["county"]

    def key(name, unit, rate=1000):
        r = admin.post("/api/v1/open311-keys", json={"name": name, "unit_id": unit, "rate_per_minute": rate})
        assert r.status_code == 201, r.text
        return r.json()
    return {"county": key(f"市民通 {secrets.token_hex(2)}", county),
            "street": key(f"街道小程序 {secrets.token_hex(2)}", cw.street),
            "other_street": key(f"别的街道 {secrets.token_hex(2)}", cw.world.units["street_b"])}


def url(cw, path):
    return cw.world.server.url("/open311/v2/" + path)


def get(cw, path, **params):
    return requests.get(url(cw, path), params=params, timeout=30)


def post(cw, key, fmt="json", params=None, **form):
    data = dict(form)
    if key is not None:
        data["api_key"] = key
    return requests.post(url(cw, f"requests.{fmt}"), data=data, params=params or {}, timeout=30)


def rubbish_form(cw, point=None, **extra):
    p = point or cw.point_a
    form = {"service_code": RUBBISH, "lat": str(p["lat"]), "long": str(p["lon"]),
            "description": f"路边垃圾堆 {secrets.token_hex(3)}", "attribute[rubbish_type]": "household"}
    form.update(extra)
    return form


def error_json(r, status, mention=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    body = r.json()
    assert isinstance(body, list) and len(body) == 1, body
    assert body[0]["code"] == status and isinstance(body[0]["description"], str) and body[0]["description"]
    if mention:
        assert mention in body[0]["description"], body
    return body[0]


def error_xml(r, status, mention=None):
    assert r.status_code == status, r.text
    assert r.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(r.content)
    assert root.tag == "errors"
    e = root.find("error")
    assert e.findtext("code") == str(status)
    if mention:
        assert mention in e.findtext("description"), r.text
    return e


def check_request_json(q):
    """The GeoReport v2 rules of one service request."""
    for k in ("service_request_id", "status", "service_code", "service_name", "requested_datetime",
              "updated_datetime", "agency_responsible", "media_url", "status_notes", "address"):
        assert k in q, (k, q)
        assert q[k] is None or isinstance(q[k], str), (k, q)
    assert q["status"] in ("open", "closed")
    for k in ("requested_datetime", "updated_datetime"):
        assert TIME_RE.match(q[k]) and q[k].endswith("+08:00"), q[k]
    if q.get("expected_datetime"):
        assert TIME_RE.match(q["expected_datetime"])
    assert isinstance(q["lat"], float) and isinstance(q["long"], float)


def no_personal(text):
    for p in PERSONAL[:1] + PERSONAL[2:]:
        assert p not in text, f"personal data {p!r} in an Open311 answer: {text[:500]}"


def case_of(cw, number):
    rows = cw.world.server.sql(f"SELECT id FROM case_item WHERE number = '{number}'")
    return cw.api("dispatcher").get(f"/api/v1/cases/{rows[0][0]}").json()


def test_discovery_json_and_xml(cw):
    r = get(cw, "discovery.json")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json; charset=utf-8"
    d = r.json()
    ep = d["endpoints"][0]
    assert ep["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert ep["url"].endswith("/open311/v2") and set(ep["formats"]) == {"text/xml", "application/json"}
    assert r.headers["Access-Control-Allow-Origin"] == "*"  # public reads for pages of other sites
    r = get(cw, "discovery.xml")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(r.content)
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_json_xml_and_definition(cw):
    r = get(cw, "services.json")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json; charset=utf-8"
    svcs = {s["service_code"]: s for s in r.json()}
    s = svcs[RUBBISH]
    assert s["service_name"] == "暴露垃圾" and s["metadata"] is True and s["type"] == "realtime"
    assert s["group"] == "市容环境" and "垃圾" in s["keywords"]
    assert all(isinstance(x["service_code"], str) for x in svcs.values())
    assert svcs["complaint.city_appearance.dirty_road"]["metadata"] is False
    root = ET.fromstring(get(cw, "services.xml").content)
    assert root.tag == "services"
    xs = {e.findtext("service_code"): e for e in root.findall("service")}
    assert set(xs) == set(svcs)
    assert xs[RUBBISH].findtext("metadata") == "true" and xs[RUBBISH].findtext("group") == "市容环境"

    d = get(cw, f"services/{RUBBISH}.json").json()
    assert d["service_code"] == RUBBISH
    attrs = {a["code"]: a for a in d["attributes"]}
    t = attrs["rubbish_type"]
    assert t["datatype"] == "singlevaluelist" and t["required"] is True and t["variable"] is True
    assert {v["key"] for v in t["values"]} == {"household", "construction", "bulky"}
    assert attrs["volume_m3"]["datatype"] == "number" and attrs["seen_at"]["datatype"] == "datetime"
    assert [a["order"] for a in d["attributes"]] == sorted(a["order"] for a in d["attributes"])
    x = ET.fromstring(get(cw, f"services/{VENDING}.xml").content)
    assert x.tag == "service_definition" and x.findtext("service_code") == VENDING
    goods = [a for a in x.find("attributes") if a.findtext("code") == "goods"][0]
    assert goods.findtext("datatype") == "multivaluelist"
    assert [v.findtext("key") for v in goods.find("values")] == ["food", "fruit", "other"]
    error_json(get(cw, "services/no.such.service.json"), 404, "service_code")
    error_xml(get(cw, "services/no.such.service.xml"), 404, "service_code")


def test_post_creates_a_routed_open311_case(cw, o3):
    form = rubbish_form(cw, **{"attribute[volume_m3]": "2.5", "attribute[seen_at]": "2026-12-04T08:30:00+08:00",
                               "first_name": "张小三", "last_name": "李", "phone": "13812345678",
                               "email": "zs.open311@example.com", "address_string": "桂林路 12 号旁"})
    r = post(cw, o3["county"]["key"], params={"jurisdiction_id": "anything-when-unset"}, **form)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"
    body = r.json()
    assert isinstance(body, list) and len(body) == 1
    sr = body[0]
    assert isinstance(sr["service_request_id"], str) and sr["account_id"] is None and sr["service_notice"]
    no_personal(r.text)
    k = case_of(cw, sr["service_request_id"])
    assert k["channel"] == "open311" and k["unit_id"] == cw.grid_a and k["state"] == "dispatched"
    answers = cw.api("dispatcher").get(f"/api/v1/cases/{k['id']}/attributes").json()["items"]
    assert {a["code"]: a["value"] for a in answers} == {"rubbish_type": "household", "volume_m3": "2.5",
                                                        "seen_at": "2026-12-04T08:30:00+08:00"}
    # with the question's text and a list value's name (the staff case page shows them)
    assert len(answers) == 3
    by = {a["code"]: a for a in answers}
    assert by["rubbish_type"]["question"] and by["rubbish_type"]["value_name"]
    assert by["volume_m3"]["question"] and by["volume_m3"]["value_name"] is None
    # the contact is stored encrypted like any reporter's
    raw = cw.world.server.sql(f"SELECT reporter_phone_enc FROM case_item WHERE id = {k['id']}")[0][0]
    assert raw and "13812345678" not in raw
    email = cw.world.server.sql(f"SELECT email_enc FROM open311_request WHERE case_id = {k['id']}")[0][0]
    assert email and "example.com" not in email
    # the token names the request
    t = get(cw, f"tokens/{sr['token']}.json")
    assert t.status_code == 200 and t.json()[0]["service_request_id"] == sr["service_request_id"]
    tx = ET.fromstring(get(cw, f"tokens/{sr['token']}.xml").content)
    assert tx.findtext("request/service_request_id") == sr["service_request_id"]
    error_json(get(cw, "tokens/nope.json"), 404)
    # a page of another site may post (the key authenticates, never a cookie) and read the answer
    r = requests.post(url(cw, "requests.json"), data={**rubbish_form(cw), "api_key": o3["county"]["key"]},
                      headers={"Origin": "https://portal.example.gov.cn"}, timeout=30)
    assert r.status_code == 201 and r.headers["Access-Control-Allow-Origin"] == "*", r.text
    # XML answer to an XML POST, multivaluelist with attribute[CODE][]
    r = requests.post(url(cw, "requests.xml"), timeout=30,
                      data=[("api_key", o3["county"]["key"]), ("service_code", VENDING),
                            ("lat", str(cw.point_b["lat"])), ("long", str(cw.point_b["lon"])),
                            ("attribute[goods][]", "food"), ("attribute[goods][]", "fruit")])
    assert r.status_code == 201 and r.headers["Content-Type"] == "text/xml; charset=utf-8", r.text
    root = ET.fromstring(r.content)
    number = root.findtext("request/service_request_id")
    k2 = case_of(cw, number)
    assert k2["unit_id"] == cw.grid_b and k2["channel"] == "open311"
    vals = cw.api("dispatcher").get(f"/api/v1/cases/{k2['id']}/attributes").json()["items"]
    assert sorted(a["value"] for a in vals if a["code"] == "goods") == ["food", "fruit"]


def test_keys_missing_wrong_revoked(cw, o3):
    error_json(post(cw, None, **rubbish_form(cw)), 403, "api_key")
    error_json(post(cw, "not-a-key", **rubbish_form(cw)), 403, "api_key")
    error_xml(post(cw, None, fmt="xml", **rubbish_form(cw)), 403, "api_key")
    admin = cw.admin.api
    k = admin.post("/api/v1/open311-keys", json={"name": "作废测试", "unit_id": cw.street}).json()
    assert len(k["key"]) == 43 and k["key"].startswith(k["key_prefix"])
    assert post(cw, k["key"], **rubbish_form(cw)).status_code == 201
    r = admin.post(f"/api/v1/open311-keys/{k['id']}/revoke")
    assert r.status_code == 200 and r.json()["revoked"] is True and "key" not in r.json()
    error_json(post(cw, k["key"], **rubbish_form(cw)), 403, "api_key")
    listed = {x["id"]: x for x in admin.get("/api/v1/open311-keys").json()["items"]}
    assert listed[k["id"]]["revoked"] and all("key" not in x for x in listed.values())
    assert not any(k["key"] in str(row) for row in cw.world.server.sql("SELECT key_hash FROM open311_key"))
    # only settings.manage at the root
    assert cw.api("dispatcher").get("/api/v1/open311-keys").status_code == 403
    r = cw.api("dispatcher").post("/api/v1/open311-keys", json={"name": "x", "unit_id": cw.street})
    assert r.status_code == 403
    actions = {e["action"] for e in admin.get("/api/v1/audit", params={"limit": 50}).json()["items"]}
    assert {"open311_key.create", "open311_key.revoke"} <= actions


def test_bad_requests_name_the_parameter(cw, o3):
    key = o3["county"]["key"]
    error_json(post(cw, key, **rubbish_form(cw, **{"attribute[rubbish_type]": "plutonium"})), 400,
               "attribute[rubbish_type]")
    f = rubbish_form(cw)
    del f["attribute[rubbish_type]"]
    error_json(post(cw, key, **f), 400, "attribute[rubbish_type]")
    error_json(post(cw, key, **rubbish_form(cw, **{"attribute[volume_m3]": "lots"})), 400, "attribute[volume_m3]")
    error_json(post(cw, key, **rubbish_form(cw, **{"attribute[seen_at]": "yesterday"})), 400, "attribute[seen_at]")
    error_json(post(cw, key, **rubbish_form(cw, **{"attribute[colour]": "red"})), 400, "attribute[colour]")
    error_json(post(cw, key, **rubbish_form(cw, service_code="no.such")), 400, "service_code")
    error_xml(post(cw, key, fmt="xml", **rubbish_form(cw, point=cw.point_outside)), 400, "lat")
    error_json(post(cw, key, **rubbish_form(cw, lat="north")), 400, "lat")
    f = rubbish_form(cw)
    del f["lat"], f["long"]
    error_json(post(cw, key, **f), 400, "lat")
    error_json(post(cw, key, **rubbish_form(cw, phone="12")), 400, "phone")
    # not form-encoded
    r = requests.post(url(cw, "requests.json"), json=rubbish_form(cw, api_key=key), timeout=30)
    error_json(r, 400, "x-www-form-urlencoded")
    # a malformed body
    r = requests.post(url(cw, "requests.json"), data="api_key=%zz", timeout=30,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    error_json(r, 400, "body")


def test_key_subtree_limits_create_and_read(cw, o3):
    # the street key files in cw's street; the other street's key may not
    ok = post(cw, o3["street"]["key"], **rubbish_form(cw))
    assert ok.status_code == 201
    number = ok.json()[0]["service_request_id"]
    error_json(post(cw, o3["other_street"]["key"], **rubbish_form(cw)), 400, "lat")
    # reading with a key shows its subtree only
    assert get(cw, f"requests/{number}.json", api_key=o3["street"]["key"]).status_code == 200
    error_json(get(cw, f"requests/{number}.json", api_key=o3["other_street"]["key"]), 404)
    listed = get(cw, "requests.json", api_key=o3["other_street"]["key"]).json()
    assert number not in {q["service_request_id"] for q in listed}
    assert number in {q["service_request_id"] for q in get(cw, "requests.json").json()}
    error_json(get(cw, "requests.json", api_key="wrong"), 403, "api_key")


def test_jurisdiction_id(cw, o3):
    srv = cw.world.server
    srv.sql("INSERT INTO app_setting (key, value, updated_at) VALUES ('open311_jurisdiction_id', 'gridgov.test', 0)")
    try:
        assert get(cw, "services.json", jurisdiction_id="gridgov.test").status_code == 200
        error_json(get(cw, "services.json", jurisdiction_id="elsewhere.gov"), 404, "jurisdiction_id")
        error_json(post(cw, o3["county"]["key"], params={"jurisdiction_id": "elsewhere.gov"},
                        **rubbish_form(cw)), 404, "jurisdiction_id")
        assert post(cw, o3["county"]["key"], jurisdiction_id="gridgov.test", **rubbish_form(cw)).status_code == 201
    finally:
        srv.sql("DELETE FROM app_setting WHERE key = 'open311_jurisdiction_id'")


def step(cw, role, case, action, **body):
    k = cw.api("dispatcher").get(f"/api/v1/cases/{case['id']}").json()
    r = cw.api(role).post(f"/api/v1/cases/{case['id']}/actions/{action}", json={"version": k["version"], **body})
    assert r.status_code == 200, r.text
    return r.json()


def test_request_by_id_with_status_notes_and_media(cw, o3):
    r = post(cw, o3["county"]["key"], **rubbish_form(cw, first_name="张小三", phone="13812345678"))
    number = r.json()[0]["service_request_id"]
    q = get(cw, f"requests/{number}.json").json()
    assert len(q) == 1
    check_request_json(q[0])
    assert q[0]["status"] == "open" and q[0]["service_code"] == RUBBISH and q[0]["media_url"] == ""
    k = case_of(cw, number)
    assert q[0]["agency_responsible"] == k["handler_unit_name"] if "handler_unit_name" in k else True
    # the grid worker receives and reports back with a photo; the community verifies
    worker = cw.api("grid_worker_a")
    up = worker.post("/api/v1/attachments", data=png_bytes(), params={"name": "after.png"},
                     headers={"Content-Type": "image/png"})
    assert up.status_code == 201, up.text
    step(cw, "grid_worker_a", k, "receive")
    step(cw, "grid_worker_a", k, "feedback", note="垃圾已清运完毕", attachment_ids=[up.json()["id"]])
    q = get(cw, f"requests/{number}.json").json()[0]
    assert q["status"] == "open" and q["status_notes"] == "垃圾已清运完毕"
    assert re.search(r"/open311/v2/media/\d+$", q["media_url"]), q
    m = requests.get(q["media_url"].replace(re.match(r"https?://[^/]+", q["media_url"]).group(0),
                                            cw.world.server.base), timeout=30)
    assert m.status_code == 200 and m.headers["Content-Type"] == "image/png" and m.content == png_bytes()
    step(cw, "community", k, "verify_pass")
    q = get(cw, f"requests/{number}.json").json()[0]
    assert q["status"] == "closed"
    x = get(cw, f"requests/{number}.xml")
    assert x.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(x.content)
    assert root.tag == "service_requests"
    e = root.find("request")
    assert e.findtext("service_request_id") == number and e.findtext("status") == "closed"
    assert e.findtext("status_notes") == "垃圾已清运完毕" and TIME_RE.match(e.findtext("requested_datetime"))
    assert e.findtext("agency_responsible")
    no_personal(x.text)
    error_json(get(cw, "requests/GG00000000000000.json"), 404, "service_request_id")
    error_xml(get(cw, "requests/GG00000000000000.xml"), 404)
    # a case of another channel is not an Open311 request
    other = cw.api("dispatcher").post("/api/v1/cases", json={"channel": "walk_in", "category_id": cw.category["grid"],
                                                             "description": "窗口登记", **cw.point_a}).json()
    error_json(get(cw, f"requests/{other['number']}.json"), 404)


def test_list_filters_and_defaults(cw, o3):
    key = o3["county"]["key"]
    made = []
    for code, extra in ((RUBBISH, {}), (VENDING, {}), (RUBBISH, {})):
        f = rubbish_form(cw) if code == RUBBISH else {"service_code": VENDING, "lat": str(cw.point_b["lat"]),
                                                      "long": str(cw.point_b["lon"]), "description": "流动摊贩"}
        r = post(cw, key, **f)
        assert r.status_code == 201, r.text
        made.append(r.json()[0]["service_request_id"])
    ids = ",".join(made)
    got = get(cw, "requests.json", service_request_id=ids).json()
    assert {q["service_request_id"] for q in got} == set(made)
    for q in got:
        check_request_json(q)
        no_personal(str(q))
    got = get(cw, "requests.json", service_request_id=ids, service_code=VENDING).json()
    assert [q["service_request_id"] for q in got] == [made[1]]
    got = get(cw, "requests.json", service_request_id=ids, service_code=f"{RUBBISH},{VENDING}").json()
    assert len(got) == 3
    assert get(cw, "requests.json", service_request_id=ids, service_code="no.such").json() == []
    # status
    k = case_of(cw, made[0])
    step(cw, "dispatcher", k, "close", note="已处理") if k["state"] in ("registered",) else None
    step(cw, "grid_worker_a", k, "receive")
    step(cw, "grid_worker_a", k, "feedback", note="已清理")
    step(cw, "community", k, "verify_pass")
    # the same question asked again after the change sees it (a kept listing lasts only until a case changes)
    again = {q["service_request_id"]: q["status"] for q in get(cw, "requests.json", service_request_id=ids).json()}
    assert again[made[0]] == "closed", again
    closed = {q["service_request_id"] for q in get(cw, "requests.json", service_request_id=ids, status="closed").json()}
    opened = {q["service_request_id"] for q in get(cw, "requests.json", service_request_id=ids, status="open").json()}
    assert closed == {made[0]} and opened == set(made[1:])
    error_json(get(cw, "requests.json", status="pending"), 400, "status")
    # dates: move the third one 100 days back
    old_ms = int(time.time() * 1000) - 100 * 86400000
    cw.world.server.sql(f"UPDATE case_item SET created_at = {old_ms} WHERE number = '{made[2]}'")
    default = {q["service_request_id"] for q in get(cw, "requests.json").json()}
    assert made[0] in default and made[2] not in default  # the last 90 days by default
    old = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(old_ms / 1000 + 8 * 3600 - 86400))
    older = time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(old_ms / 1000 + 8 * 3600 + 86400))
    got = {q["service_request_id"] for q in get(cw, "requests.json", start_date=old, end_date=older).json()}
    assert got == {made[2]}
    got = {q["service_request_id"] for q in get(cw, "requests.json", start_date=old).json()}
    assert set(made) <= got
    # an id list is not limited to 90 days
    assert len(get(cw, "requests.json", service_request_id=made[2]).json()) == 1
    error_json(get(cw, "requests.json", start_date="last week"), 400, "start_date")
    # XML listing
    root = ET.fromstring(get(cw, "requests.xml", service_request_id=ids).content)
    assert root.tag == "service_requests" and len(root.findall("request")) == 3


def test_rate_limit_per_key(cw):
    k = cw.admin.api.post("/api/v1/open311-keys", json={"name": "限流", "unit_id": cw.street,
                                                          "rate_per_minute": 2}).json()
    assert post(cw, k["key"], **rubbish_form(cw)).status_code == 201
    assert post(cw, k["key"], **rubbish_form(cw)).status_code == 201
    r = post(cw, k["key"], **rubbish_form(cw))
    error_json(r, 429, "api_key")
    assert int(r.headers["Retry-After"]) >= 1
    error_xml(post(cw, k["key"], fmt="xml", **rubbish_form(cw)), 429)


def test_at_most_1000(cw, o3):
    """The listing stops at 1000 requests: copies of one request made behind the server's back."""
    srv = cw.world.server
    r = post(cw, o3["county"]["key"], **rubbish_form(cw))
    number = r.json()[0]["service_request_id"]
    cols = ("secret_hash, channel, category_id, category_version_id, priority, description, unit_id, unit_path, "
            "owner_unit_id, owner_unit_path, state, response_limit, response_unit, handling_limit, handling_unit, "
            "updated_at")
    srv.sql(f"INSERT INTO case_item (number, created_at, {cols}) "
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1005) "
            f"SELECT 'BULK' || CAST(n.i AS TEXT), c.created_at - n.i, {', '.join('c.' + x.strip() for x in cols.split(','))} "
            f"FROM case_item c, n WHERE c.number = '{number}'")
    try:
        got = get(cw, "requests.json").json()
        assert len(got) == 1000
        assert got[0]["service_request_id"] == number  # newest first
    finally:
        srv.sql("DELETE FROM case_item WHERE number LIKE 'BULK%'")
