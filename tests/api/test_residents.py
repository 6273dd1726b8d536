"""Residents (issue 5): registration with GB/T 31000-style fields and GB 11643 ID-number checks, encrypted
ID numbers and phones with exact blind-index search, masking and audited reveal, scope, tags, and no plaintext
personal data anywhere in the database — on SQLite and PostgreSQL.
"""
import os
import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest

from conftest import IS_PG, error_of
from placekit import (all_items, audit_since, building, check_char, expect_error, house, household, id_number,
                      last_seq, mask_id, mask_phone, mobile, new_unit, post_ok, resident, wrong_check)


@pytest.fixture(scope="module")
def staff_b(world):
    """Community staff of community B1, in the next street."""
    return world.account("community_b1", "community", prefix="rcs_b")


def test_grid_worker_registers_a_resident(world):
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    b = building(gw, grid_a, "登记楼")
    h = house(gw, b["id"], "601", entrance="3")
    n, phone = id_number(birth="1958-11-03", gender="female"), mobile("138")
    r = gw.post("/api/v1/residents", json={
        "name": "刘桂兰", "id_number": n, "phone": phone, "ethnicity": "汉", "house_id": h["id"],
        "registered_address": "湖北省黄石市下陆区团城山街道", "education": "junior_secondary",
        "marital_status": "widowed", "party_member": True, "tags": ["elderly_alone", "subsistence"]})
    assert r.status_code == 201, r.text
    p = r.json()
    assert r.headers["Location"] == f"/api/v1/residents/{p['id']}"
    # birth date and gender come from the ID number; the ethnicity is normalised to its GB/T 3304 name
    assert (p["gender"], p["birth_date"], p["ethnicity"], p["nationality"]) == ("female", "1958-11-03", "汉族", "CHN")
    assert p["age"] >= 67
    # masked: 4 + 10 + 4 and 3 + 4 + 4
    assert p["id_number"] == mask_id(n) and p["id_number_masked"] is True
    assert p["phone"] == mask_phone(phone) and p["phone_masked"] is True
    assert p["id_number"].count("*") == 10 and p["phone"].count("*") == 4
    assert (p["resident_type"], p["household_registration_matches"], p["id_type"]) == ("registered", True,
                                                                                       "resident_id")
    assert p["house"] == {"id": h["id"], "house_code": h["house_code"], "address": "登记楼 3单元 601室"}
    assert p["unit"]["id"] == grid_a and p["household"] is None
    # the hand-set tags, then 老年人, which follows from the birth date
    assert [(t["code"], t["derived"]) for t in p["tags"]] == [("elderly_alone", False), ("subsistence", False),
                                                              ("elderly", True)]
    assert p["tags"][0]["name"] == "独居老人"
    assert p["party_member"] is True and p["volunteer"] is False and p["version"] == 1
    # the same record read back
    got = gw.get(f"/api/v1/residents/{p['id']}").json()
    assert got == p


def test_reveal_needs_pii_read_and_is_audited(world):
    gw = world.accounts["grid_worker"]
    n, phone = id_number(), mobile()
    p = resident(gw.api, "孙丽", unit_id=world.units["grid_a"], id_number=n, phone=phone)
    path = f"/api/v1/residents/{p['id']}"
    seq = last_seq(world)
    r = gw.api.get(path, params={"reveal": "id_number,phone"})
    assert r.status_code == 200, r.text
    assert (r.json()["id_number"], r.json()["phone"]) == (n, phone)
    assert r.json()["id_number_masked"] is False and r.json()["phone_masked"] is False
    rows = audit_since(world, seq, action="pii.read")
    assert len(rows) == 1
    row = rows[0]
    assert (row["account_id"], row["object_type"], row["object_id"], row["unit_id"]) == \
        (gw.id, "resident", str(p["id"]), world.units["grid_a"])
    assert row["detail"] == {"fields": ["id_number", "phone"]}
    assert n not in str(row) and phone not in str(row)
    # one field only
    seq = last_seq(world)
    r = gw.api.get(path, params={"reveal": "phone"})
    assert r.json()["phone"] == phone and r.json()["id_number"] == mask_id(n)
    assert [x["detail"] for x in audit_since(world, seq, action="pii.read")] == [{"fields": ["phone"]}]
    # a dispatcher reads residents of its street, masked, but may not unmask (no pii.read): 403, not audited
    d = world.accounts["dispatcher"].api
    assert d.get(path).json()["id_number"] == mask_id(n)
    seq = last_seq(world)
    r = d.get(path, params={"reveal": "id_number"})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"
    assert audit_since(world, seq, action="pii.read") == []
    # lists never unmask, and an unknown reveal is a 400 naming the parameter
    listed = gw.api.get("/api/v1/residents", params={"id_number": n}).json()["items"]
    assert [(x["id_number"], x["phone"]) for x in listed] == [(mask_id(n), mask_phone(phone))]
    expect_error(gw.api.get(path, params={"reveal": "name"}), 400, "reveal")


@pytest.mark.parametrize("case", [
    "checksum", "length", "letters", "bad_date", "future", "too_old", "province", "gender", "birth_date"])
def test_id_number_errors_name_the_field(world, case):
    gw = world.accounts["grid_worker"].api
    good = id_number(birth="1990-03-07", gender="male")
    body = {"name": "校验", "unit_id": world.units["grid_a"]}
    first = "420204"
    if case == "checksum":
        body["id_number"], field, msg = wrong_check(good), "id_number", "check character"
    elif case == "length":
        body["id_number"], field, msg = good[:17], "id_number", "18 characters"
    elif case == "letters":
        body["id_number"], field, msg = good[:10] + "A" + good[11:], "id_number", "digits"
    elif case == "bad_date":
        f17 = first + "19900230" + "123"
        body["id_number"], field, msg = f17 + check_char(f17), "id_number", "not a real date"
    elif case == "future":
        f17 = first + "20990101" + "123"
        body["id_number"], field, msg = f17 + check_char(f17), "id_number", "future"
    elif case == "too_old":
        f17 = first + "18000101" + "123"
        body["id_number"], field, msg = f17 + check_char(f17), "id_number", "early"
    elif case == "province":
        f17 = "990204" + "19900307" + "123"
        body["id_number"], field, msg = f17 + check_char(f17), "id_number", "province"
    elif case == "gender":  # the 17th digit is odd: a man
        body.update(id_number=good, gender="female")
        field, msg = "gender", "does not match"
    else:
        body.update(id_number=good, birth_date="1990-03-08")
        field, msg = "birth_date", "does not match"
    r = gw.post("/api/v1/residents", json=body)
    expect_error(r, 400, field, "validation_failed", msg)
    # nothing was stored
    assert gw.get("/api/v1/residents", params={"id_number": body["id_number"]}).json()["items"] == []


def test_id_numbers_with_x_and_lower_case(world):
    gw = world.accounts["grid_worker"].api
    n = id_number(check="X", gender="female")
    p = resident(gw, "钱多多", unit_id=world.units["grid_a"], id_number=n.lower(), gender="female")
    assert p["id_number"].endswith(n[-4:]) and p["id_number"][-1] == "X"
    assert gw.get(f"/api/v1/residents/{p['id']}", params={"reveal": "id_number"}).json()["id_number"] == n
    # found by either spelling
    for q in (n, n.lower(), n[:6] + " " + n[6:14] + " " + n[14:]):
        assert [x["id"] for x in gw.get("/api/v1/residents", params={"id_number": q}).json()["items"]] == [p["id"]]


@pytest.mark.parametrize("body,field,fragment", [
    ({}, "name", "required"),
    ({"name": "x" * 51}, "name", "too long"),
    ({"name": "无证件", "gender": "male"}, "birth_date", "required"),
    ({"name": "无证件", "birth_date": "1990-01-01"}, "gender", "required"),
    ({"name": "无证件", "birth_date": "1990-13-01", "gender": "male"}, "birth_date", "YYYY-MM-DD"),
    ({"name": "无证件", "birth_date": "2099-01-01", "gender": "male"}, "birth_date", "future"),
    ({"name": "无证件", "birth_date": "1990-01-01", "gender": "m"}, "gender", "male"),
    ({"name": "电话", "phone": "12345"}, "phone", "mobile"),
    ({"name": "电话", "phone": "1381234567a"}, "phone", "digits"),
    ({"name": "民族", "ethnicity": "火星族"}, "ethnicity", "GB/T 3304"),
    ({"name": "类型", "resident_type": "tourist"}, "resident_type", "registered"),
    ({"name": "流动", "resident_type": "migrant", "household_registration_matches": True},
     "household_registration_matches", "elsewhere"),
    ({"name": "境外", "resident_type": "foreign"}, "nationality", "required"),
    ({"name": "国籍", "nationality": "RUS"}, "nationality", "foreign"),
    ({"name": "国籍", "resident_type": "foreign", "nationality": "ru"}, "nationality", "ISO"),
    ({"name": "护照", "resident_type": "foreign", "nationality": "RUS", "id_type": "passport",
      "id_number": "E1", "gender": "male", "birth_date": "1980-01-01"}, "id_number", "passport"),
    ({"name": "学历", "education": "phd"}, "education", "bachelor"),
    ({"name": "婚姻", "marital_status": "complicated"}, "marital_status", "married"),
    ({"name": "多余", "shoe_size": 42}, "shoe_size", "unknown field"),
    ({"name": "标签", "tags": ["no_such_tag"]}, "tags[0]", "no tag"),
    ({"name": "标签", "tags": "elderly_alone"}, "tags", "array"),
    ({"name": "地址", "registered_address": "x" * 201}, "registered_address", "too long"),
    ({"name": "关系", "relation": "spouse", "household_id": 987654321}, "household_id", None),
])
def test_resident_validation_names_the_field(world, body, field, fragment):
    gw = world.accounts["grid_worker"].api
    body = {"unit_id": world.units["grid_a"], **body}
    if "id_number" not in body and "birth_date" not in body and "gender" not in body and "name" in body:
        body["id_number"] = id_number()
    r = gw.post("/api/v1/residents", json=body)
    status = 404 if field == "household_id" else 400
    expect_error(r, status, field, None, fragment)


def test_where_a_resident_lives_is_checked(world):
    gw = world.accounts["grid_worker"].api
    r = gw.post("/api/v1/residents", json={"name": "无处", "id_number": id_number()})
    expect_error(r, 400, "unit_id", "validation_failed", "house_id")
    r = world.admin.api.post("/api/v1/residents", json={"name": "街道", "id_number": id_number(),
                                                        "unit_id": world.units["street_a"]})
    expect_error(r, 400, "unit_id", "validation_failed", "community, grid or micro-grid")
    r = gw.post("/api/v1/residents", json={"name": "他格", "id_number": id_number(), "unit_id": world.units["grid_b"]})
    expect_error(r, 404, "unit_id", "not_found")
    r = gw.post("/api/v1/residents", json={"name": "无房", "id_number": id_number(), "house_id": 987654321})
    expect_error(r, 404, "house_id", "not_found")
    # a community's staff may register a resident at the community before a house is known
    cs = world.accounts["community"].api
    p = resident(cs, "未落户", unit_id=world.units["community_a1"])
    assert p["unit"]["id"] == world.units["community_a1"] and p["house"] is None


def test_duplicate_id_number_is_409(world, staff_b):
    gw = world.accounts["grid_worker"].api
    n = id_number(check="X")
    first = resident(gw, "甲", unit_id=world.units["grid_a"], id_number=n)
    r = gw.post("/api/v1/residents", json={"name": "乙", "unit_id": world.units["grid_a"], "id_number": n})
    err = expect_error(r, 409, "id_number", "conflict")
    assert str(first["id"]) in err["message"]  # the caller may see the other record: it is named
    r = gw.post("/api/v1/residents", json={"name": "乙", "unit_id": world.units["grid_a"], "id_number": n.lower()})
    expect_error(r, 409, "id_number", "conflict")
    # someone who may not see the other record learns only that the number is taken
    r = staff_b.api.post("/api/v1/residents", json={"name": "丙", "unit_id": world.units["grid_b1"], "id_number": n})
    err = expect_error(r, 409, "id_number", "conflict", "outside your scope")
    assert str(first["id"]) not in err["message"]
    # and PATCHing another resident onto the number is refused the same way
    other = resident(gw, "丁", unit_id=world.units["grid_a"])
    r = gw.patch(f"/api/v1/residents/{other['id']}", json={"id_number": n, "version": other["version"]})
    expect_error(r, 409, "id_number", "conflict")


def test_search_by_id_number_phone_and_name(world):
    cs = world.accounts["community"].api
    com = world.units["community_a1"]
    tag = f"搜{os.getpid() % 1000}"
    n1, n2, phone = id_number(), id_number(), mobile("137")
    a = resident(cs, f"欧阳{tag}锋", unit_id=world.units["grid_a"], id_number=n1, phone=phone, tags=["veteran"])
    b = resident(cs, f"欧阳{tag}克", unit_id=world.units["grid_b"], id_number=n2, resident_type="migrant")
    c = resident(cs, f"黄{tag}蓉", unit_id=world.units["grid_b"], household_registration_matches=False)
    ids = lambda **p: [x["id"] for x in cs.get("/api/v1/residents", params=p).json()["items"]]
    # exact, through the blind index: the whole number finds one, a part finds nothing
    assert ids(id_number=n1) == [a["id"]] and ids(id_number=n2) == [b["id"]]
    assert ids(id_number=n1[:17]) == [] and ids(id_number=n1[:6]) == []
    assert ids(phone=phone) == [a["id"]] and ids(phone=phone[:7]) == []
    # by name fragment (wildcards in the fragment are literal)
    assert ids(q=f"欧阳{tag}") == [a["id"], b["id"]] and ids(q=f"{tag}蓉") == [c["id"]]
    assert ids(q="%") == [] and ids(q="_") == []
    # filters, alone and combined
    assert ids(q=tag, type="migrant") == [b["id"]]
    assert ids(q=tag, tag="veteran") == [a["id"]]
    assert ids(q=tag, separated=1) == [b["id"], c["id"]]  # the migrant and the registered resident living elsewhere
    assert ids(q=tag, separated=0) == [a["id"]]
    assert ids(q=tag, unit_id=world.units["grid_b"]) == [b["id"], c["id"]]
    assert ids(q=tag, unit_id=com) == [a["id"], b["id"], c["id"]]
    # paging and the total
    r = cs.get("/api/v1/residents", params={"q": tag, "limit": 2, "total": 1}).json()
    assert [x["id"] for x in r["items"]] == [a["id"], b["id"]] and r["total"] == 3 and r["next"] == str(b["id"])
    r = cs.get("/api/v1/residents", params={"q": tag, "limit": 2, "after": r["next"]}).json()
    assert [x["id"] for x in r["items"]] == [c["id"]] and r["next"] is None
    # bad filters name themselves
    expect_error(cs.get("/api/v1/residents", params={"type": "tourist"}), 400, "type")
    expect_error(cs.get("/api/v1/residents", params={"tag": "no_such_tag"}), 400, "tag")
    expect_error(cs.get("/api/v1/residents", params={"separated": "yes"}), 400, "separated")
    expect_error(cs.get("/api/v1/residents", params={"limit": 500}), 400, "limit")
    expect_error(cs.get("/api/v1/residents", params={"unit_id": world.units["grid_b1"]}), 404, "unit_id")


def test_residents_are_scoped(world, staff_b):
    a = world.accounts
    grid_a, grid_b = world.units["grid_a"], world.units["grid_b"]
    na, nb, nb1 = id_number(), id_number(), id_number()
    ra = resident(a["grid_worker"].api, "甲格居民", unit_id=grid_a, id_number=na)
    rb = resident(a["grid_worker_b"].api, "乙格居民", unit_id=grid_b, id_number=nb)
    rb1 = resident(staff_b.api, "长乐居民", unit_id=world.units["grid_b1"], id_number=nb1)
    missing = 987654321

    def hidden(api, rid):
        r, m = api.get(f"/api/v1/residents/{rid}"), api.get(f"/api/v1/residents/{missing}")
        assert r.status_code == m.status_code == 404
        assert error_of(r) == {**error_of(m), "message": error_of(m)["message"].replace(str(missing), str(rid))}

    # the next community's staff: 404 like a missing record, absent from every list and search
    for rid, n in ((ra["id"], na), (rb["id"], nb)):
        hidden(staff_b.api, rid)
        assert staff_b.api.get("/api/v1/residents", params={"id_number": n}).json()["items"] == []
        assert staff_b.api.get(f"/api/v1/residents/{rid}", params={"reveal": "id_number"}).status_code == 404
        assert staff_b.api.patch(f"/api/v1/residents/{rid}", json={"name": "x", "version": 1}).status_code == 404
        assert staff_b.api.put(f"/api/v1/residents/{rid}/tags/veteran").status_code == 404
    listed = {x["id"] for x in all_items(staff_b.api, "/api/v1/residents", limit=200)}
    assert rb1["id"] in listed and not {ra["id"], rb["id"]} & listed
    assert all(x["unit"]["id"] == world.units["grid_b1"] for x in all_items(staff_b.api, "/api/v1/residents"))
    # and community A1's staff cannot read community B1's
    hidden(a["community"].api, rb1["id"])
    assert a["community"].api.get("/api/v1/residents", params={"id_number": nb1}).json()["items"] == []
    # a grid worker sees its own grid only
    hidden(a["grid_worker"].api, rb["id"])
    mine = all_items(a["grid_worker"].api, "/api/v1/residents", limit=200)
    assert ra["id"] in {x["id"] for x in mine} and {x["unit"]["id"] for x in mine} == {grid_a}
    theirs = all_items(a["grid_worker_b"].api, "/api/v1/residents", limit=200)
    assert rb["id"] in {x["id"] for x in theirs} and ra["id"] not in {x["id"] for x in theirs}
    # community A1 sees both of its grids; the county's leader sees all three
    assert {ra["id"], rb["id"]} <= {x["id"] for x in all_items(a["community"].api, "/api/v1/residents", limit=200)}
    for rid in (ra["id"], rb["id"], rb1["id"]):
        assert a["leader"].api.get(f"/api/v1/residents/{rid}").status_code == 200
    # roles without resident.read see none
    assert a["department"].api.get(f"/api/v1/residents/{ra['id']}").status_code == 404
    assert a["resident"].api.get("/api/v1/residents").json()["items"] == []
    # a leader reads but does not write
    r = a["leader"].api.patch(f"/api/v1/residents/{ra['id']}", json={"name": "x", "version": ra["version"]})
    assert r.status_code == 403 and error_of(r)["code"] == "forbidden"


def test_update_resident_with_version_and_audit(world):
    gw = world.accounts["grid_worker"]
    n, phone, phone2 = id_number(birth="1988-06-06", gender="male"), mobile(), mobile("136")
    p = resident(gw.api, "周正", unit_id=world.units["grid_a"], id_number=n, phone=phone)
    seq = last_seq(world)
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={
        "name": "周正华", "phone": phone2, "resident_type": "migrant", "registered_address": "安徽省阜阳市",
        "volunteer": True, "occupation": "快递员", "version": p["version"]})
    assert r.status_code == 200, r.text
    q = r.json()
    assert (q["name"], q["phone"], q["resident_type"], q["household_registration_matches"], q["volunteer"]) == \
        ("周正华", mask_phone(phone2), "migrant", False, True)
    assert q["version"] == p["version"] + 1 and q["id_number"] == mask_id(n)
    rows = audit_since(world, seq, action="resident.update")
    assert len(rows) == 1
    d = rows[0]["detail"]
    assert d["name"] == {"before": "周正", "after": "周正华"}
    assert d["phone"] == "changed" and "id_number" not in d
    assert d["resident_type"] == {"before": "registered", "after": "migrant"}
    assert d["household_registration_matches"] == {"before": 1, "after": 0}
    assert phone not in str(rows[0]) and phone2 not in str(rows[0]) and n not in str(rows[0])
    # a stale version
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={"name": "旧版本", "version": p["version"]})
    expect_error(r, 409, "version", "version_conflict")
    # clearing the phone; the ID number must still agree with gender and birth date
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={"phone": None, "version": q["version"]})
    assert r.status_code == 200 and r.json()["phone"] is None and r.json()["phone_masked"] is False
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={"gender": "female", "version": r.json()["version"]})
    expect_error(r, 400, "gender", "validation_failed", "does not match")
    rows = audit_since(world, seq, action="resident.update")
    assert rows[-1]["detail"] == {"phone": "removed"}
    # moving a resident without a household into a house (and out again)
    b = building(gw.api, world.units["grid_a"], "迁居楼")
    h = house(gw.api, b["id"], "701")
    v = gw.api.get(f"/api/v1/residents/{p['id']}").json()["version"]
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={"house_id": h["id"], "version": v})
    assert r.status_code == 200 and r.json()["house"]["id"] == h["id"]
    r = gw.api.patch(f"/api/v1/residents/{p['id']}", json={"house_id": None, "version": r.json()["version"]})
    assert r.status_code == 200 and r.json()["house"] is None and r.json()["unit"]["id"] == world.units["grid_a"]
    # a household member moves with the household endpoints
    k = household(gw.api, h["id"], p["id"])
    r = gw.api.patch(f"/api/v1/residents/{p['id']}",
                     json={"house_id": None, "version": gw.api.get(f"/api/v1/residents/{p['id']}").json()["version"]})
    expect_error(r, 409, "house_id", "conflict", f"household {k['id']}")


def test_tag_dictionary_and_tagging(world):
    admin = world.admin.api
    code = f"t_{os.getpid() % 100000}_{last_seq(world)}"
    r = admin.post("/api/v1/tags", json={"code": code, "name": "孤儿", "name_en": "Orphan", "sensitive": True})
    assert r.status_code == 201, r.text
    t = r.json()
    assert (t["code"], t["name"], t["sensitive"], t["version"]) == (code, "孤儿", True, 1)
    assert code in {x["code"] for x in world.accounts["grid_worker"].api.get("/api/v1/tags").json()["items"]}
    # the dictionary is the root's: a street administrator or community staff may not change it
    for who in ("street_admin", "community"):
        r = world.accounts[who].api.post("/api/v1/tags", json={"code": code + "x", "name": "x"})
        assert r.status_code == 403, (who, r.text)
        r = world.accounts[who].api.patch(f"/api/v1/tags/{code}", json={"name": "x", "version": 1})
        assert r.status_code == 403
    expect_error(admin.post("/api/v1/tags", json={"code": code, "name": "重复"}), 409, "code", "conflict")
    expect_error(admin.post("/api/v1/tags", json={"code": "Bad Code", "name": "x"}), 400, "code")
    expect_error(admin.post("/api/v1/tags", json={"code": "ok_code"}), 400, "name")
    r = admin.patch(f"/api/v1/tags/{code}", json={"name": "孤儿（事实无人抚养）", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    expect_error(admin.patch(f"/api/v1/tags/{code}", json={"name": "y", "version": 1}), 409, "version")
    assert admin.patch("/api/v1/tags/no_such_tag", json={"name": "y", "version": 1}).status_code == 404

    # tagging a resident: idempotent, audited when it changes something
    gw = world.accounts["grid_worker"]
    p = resident(gw.api, "小芳", unit_id=world.units["grid_a"], id_number=id_number(birth="2015-01-01"))
    seq = last_seq(world)
    assert gw.api.put(f"/api/v1/residents/{p['id']}/tags/{code}").status_code == 204
    assert gw.api.put(f"/api/v1/residents/{p['id']}/tags/{code}").status_code == 204
    got = gw.api.get(f"/api/v1/residents/{p['id']}").json()
    # hand-set tags first, then those that follow from the birth date (a child born in 2015 is a minor)
    assert [(x["code"], x["derived"]) for x in got["tags"]] == [(code, False), ("minor", True)]
    assert [x["id"] for x in gw.api.get("/api/v1/residents", params={"tag": code}).json()["items"]] == [p["id"]]
    assert gw.api.delete(f"/api/v1/residents/{p['id']}/tags/{code}").status_code == 204
    assert gw.api.delete(f"/api/v1/residents/{p['id']}/tags/{code}").status_code == 204
    assert [x["code"] for x in gw.api.get(f"/api/v1/residents/{p['id']}").json()["tags"]] == ["minor"]
    rows = audit_since(world, seq, account_id=gw.id)
    assert [(x["action"], x["detail"]["tag"]) for x in rows] == [
        ("resident.tag.add", code), ("resident.tag.remove", code)]
    r = gw.api.put(f"/api/v1/residents/{p['id']}/tags/no_such_tag")
    expect_error(r, 404, "tag_code", "not_found")
    # a dispatcher (read only) may not tag; a retired tag cannot be put on anyone
    assert world.accounts["dispatcher"].api.put(f"/api/v1/residents/{p['id']}/tags/veteran").status_code == 403
    assert admin.patch(f"/api/v1/tags/{code}", json={"retired": True, "version": 2}).status_code == 200
    assert code not in {x["code"] for x in admin.get("/api/v1/tags").json()["items"]}
    assert code in {x["code"] for x in admin.get("/api/v1/tags", params={"include_retired": 1}).json()["items"]}
    expect_error(gw.api.put(f"/api/v1/residents/{p['id']}/tags/{code}"), 409, "tag_code", "conflict")


def shanghai_today():
    return datetime.now(timezone(timedelta(hours=8))).date()  # ages count in the users' zone


def born_years_ago(years, days=0):
    """The birth date of someone exactly `years` old today, moved by `days`."""
    t = shanghai_today()
    try:
        d = t.replace(year=t.year - years)
    except ValueError:  # 29 February: of age on 1 March in other years
        d = date(t.year - years, 3, 1)
    return (d + timedelta(days=days)).isoformat()


def test_minors_and_the_elderly_follow_from_the_birth_date(world):
    """未成年人 (under 18) and 老年人 (60 and over) are derived at read time, not set by hand: the resident's
    tags, lists filtered by tag and the counts agree, on the birthday itself too."""
    admin, gw = world.admin.api, world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    dictionary = {t["code"]: t for t in gw.get("/api/v1/tags").json()["items"]}
    assert (dictionary["minor"]["derived"], dictionary["minor"]["max_age"], dictionary["minor"]["min_age"]) == \
        (True, 17, None)
    assert (dictionary["elderly"]["name"], dictionary["elderly"]["derived"], dictionary["elderly"]["min_age"]) == \
        ("老年人", True, 60)
    assert dictionary["veteran"]["derived"] is False

    people = {  # name: (birth date, derived tags expected)
        "明天满十八": (born_years_ago(18, days=1), ["minor"]),
        "今天满十八": (born_years_ago(18), []),
        "今天满六十": (born_years_ago(60), ["elderly"]),
        "明天满六十": (born_years_ago(60, days=1), []),
        "九十老人": (born_years_ago(90), ["elderly"]),
    }
    made = {}
    for name, (birth, _) in people.items():
        made[name] = resident(gw, name, unit_id=grid_a, id_number=id_number(birth=birth), tags=["veteran"])
    for name, (birth, want) in people.items():
        got = gw.get(f"/api/v1/residents/{made[name]['id']}").json()
        assert got["birth_date"] == birth
        assert [(t["code"], t["derived"]) for t in got["tags"]] == [("veteran", False)] + [(c, True) for c in want], name
        assert made[name]["tags"] == got["tags"], name  # the create answer says the same

    # lists by tag, the counts and each resident's tags agree across the grid (and everyone else in it)
    everyone = all_items(gw, "/api/v1/residents", unit_id=grid_a, limit=200)
    stats = {t["code"]: t["count"] for t in gw.get(f"/api/v1/units/{grid_a}/stats").json()["tags"]}
    for code in ("minor", "elderly"):
        listed = {r["id"] for r in all_items(gw, "/api/v1/residents", unit_id=grid_a, tag=code, limit=200)}
        tagged = {r["id"] for r in everyone if code in [t["code"] for t in r["tags"]]}
        assert listed == tagged and stats[code] == len(listed), code
        for name, (_, want) in people.items():
            assert (made[name]["id"] in listed) == (code in want), (code, name)

    # not by hand: neither on nor off, and not on a new record either (the message names the field)
    p = made["明天满十八"]
    expect_error(gw.put(f"/api/v1/residents/{p['id']}/tags/minor"), 409, "tag_code", "conflict", "birth date")
    expect_error(gw.delete(f"/api/v1/residents/{p['id']}/tags/minor"), 409, "tag_code", "conflict")
    expect_error(gw.put(f"/api/v1/residents/{made['今天满十八']['id']}/tags/elderly"), 409, "tag_code")
    r = gw.post("/api/v1/residents", json={"name": "手填老人", "unit_id": grid_a, "id_number": id_number(),
                                           "tags": ["veteran", "elderly"]})
    expect_error(r, 400, "tags[1]")
    # a corrected ID number (and so birth date) moves the person out at once, with no job to run
    v = gw.get(f"/api/v1/residents/{p['id']}").json()["version"]
    r = gw.patch(f"/api/v1/residents/{p['id']}", json={"id_number": id_number(birth=born_years_ago(30)), "version": v})
    assert r.status_code == 200, r.text
    assert [t["code"] for t in r.json()["tags"]] == ["veteran"]
    assert p["id"] not in {x["id"] for x in all_items(gw, "/api/v1/residents", unit_id=grid_a, tag="minor")}
    after = {t["code"]: t["count"] for t in gw.get(f"/api/v1/units/{grid_a}/stats").json()["tags"]}
    assert after["minor"] == stats["minor"] - 1 and after["veteran"] == stats["veteran"]


def test_register_into_a_household_in_one_step(world):
    gw = world.accounts["grid_worker"].api
    b = building(gw, world.units["grid_a"], "一步楼")
    h = house(gw, b["id"], "801")
    head = resident(gw, "赵大", house_id=h["id"])
    k = household(gw, h["id"], head["id"])
    baby = resident(gw, "赵小宝", household_id=k["id"], relation="child",
                    id_number=id_number(birth="2024-06-01", gender="male"))
    assert baby["household"] == {"id": k["id"], "relation": "child"} and baby["house"]["id"] == h["id"]
    k = gw.get(f"/api/v1/households/{k['id']}").json()
    assert [m["name"] for m in k["members"]] == ["赵大", "赵小宝"]
    r = gw.post("/api/v1/residents", json={"name": "无关系", "household_id": k["id"], "id_number": id_number()})
    expect_error(r, 400, "relation")


def test_a_resident_who_left_or_died_is_out_of_the_population_but_not_lost(world, staff_b):
    # 登记离开: the record stays (history, audit, an exact ID search), but the lists, the household and the
    # population counts no longer include the person; a mistake is undone with /return.
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    b = building(gw, grid_a, "离开楼")
    h = house(gw, b["id"], "301")
    head = resident(gw, "钱父", house_id=h["id"])
    k = household(gw, h["id"], head["id"])
    n = id_number(birth="1940-02-02", gender="male")
    old = resident(gw, "钱老爷子", household_id=k["id"], relation="parent", id_number=n, tags=["elderly_alone"])
    assert old["status"] == "present" and old["departed_on"] is None
    stats = lambda: gw.get(f"/api/v1/units/{grid_a}/stats").json()
    tag_count = lambda s: next(t["count"] for t in s["tags"] if t["code"] == "elderly_alone")
    before = stats()
    path = f"/api/v1/residents/{old['id']}"
    today = date.today().isoformat()

    # bad input names the field; nothing changes
    v = old["version"]
    expect_error(gw.post(f"{path}/departure", json={"on": today, "version": v}), 400, "reason")
    expect_error(gw.post(f"{path}/departure", json={"reason": "emigrated", "on": today, "version": v}), 400, "reason")
    expect_error(gw.post(f"{path}/departure", json={"reason": "deceased", "on": "2026-02-30", "version": v}), 400, "on")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    expect_error(gw.post(f"{path}/departure", json={"reason": "deceased", "on": tomorrow, "version": v}), 400, "on",
                 message="future")
    expect_error(gw.post(f"{path}/departure", json={"reason": "deceased", "on": "1939-01-01", "version": v}), 400,
                 "on", message="birth")
    expect_error(gw.post(f"{path}/departure", json={"reason": "deceased", "on": today, "note": "a\u0007b",
                                                   "version": v}), 400, "note")
    expect_error(gw.post(f"{path}/departure", json={"reason": "deceased", "on": today, "version": v + 7}), 409,
                 "version", "version_conflict")
    expect_error(gw.post(f"/api/v1/residents/{head['id']}/departure",
                         json={"reason": "moved_away", "on": today,
                               "version": gw.get(f"/api/v1/residents/{head['id']}").json()["version"]}),
                 409, "resident_id", "conflict", "choose another head")
    # outside the scope: as if it did not exist
    r = staff_b.api.post(f"{path}/departure", json={"reason": "deceased", "on": today, "version": v})
    assert r.status_code == 404, r.text
    assert gw.get(path).json()["version"] == v

    r = gw.post(f"{path}/departure", json={"reason": "deceased", "on": "2026-11-20", "note": "  病故 ", "version": v})
    assert r.status_code == 200, r.text
    gone = r.json()
    assert (gone["status"], gone["departed_on"], gone["departure_note"]) == ("deceased", "2026-11-20", "病故")
    assert gone["household"] is None and gone["house"] is None and gone["version"] > v
    # the household lost a member, its history kept the row
    members = gw.get(f"/api/v1/households/{k['id']}").json()["members"]
    assert [m["name"] for m in members] == ["钱父"]
    # lists: not by default, yes with status=departed|all, and an exact ID search finds the record
    ids = lambda **q: [p["id"] for p in all_items(gw, "/api/v1/residents", unit_id=grid_a, **q)]
    assert old["id"] not in ids() and old["id"] in ids(status="departed") and old["id"] in ids(status="all")
    assert head["id"] not in ids(status="departed")
    found = gw.get("/api/v1/residents", params={"id_number": n}).json()["items"]
    assert [p["status"] for p in found] == ["deceased"]
    expect_error(gw.get("/api/v1/residents", params={"status": "gone"}), 400, "status")
    # counts: one person and one elderly_alone fewer
    after = stats()
    assert after["residents"] == before["residents"] - 1
    assert tag_count(after) == tag_count(before) - 1
    # twice is a conflict; the audit has who and what
    expect_error(gw.post(f"{path}/departure", json={"reason": "moved_away", "on": today, "version": gone["version"]}),
                 409, "status", "conflict")
    row = world.admin.api.get("/api/v1/audit", params={"action": "resident.depart", "limit": 1}).json()["items"][0]
    assert row["object_id"] == str(old["id"]) and row["detail"]["departure"]["after"] == "deceased"

    # a mistake: undone, back in the population (in no house until placed again)
    r = gw.post(f"{path}/return", json={"version": gone["version"]})
    assert r.status_code == 200, r.text
    back = r.json()
    assert (back["status"], back["departed_on"], back["house"]) == ("present", None, None)
    assert stats()["residents"] == before["residents"]
    expect_error(gw.post(f"{path}/return", json={"version": back["version"]}), 409, "status", "conflict")
    assert world.admin.api.get("/api/v1/audit", params={"action": "resident.return", "limit": 1}).json()["items"][0][
        "object_id"] == str(old["id"])


def database_bytes(server):
    """Everything the database keeps, as bytes: the SQLite files (db, -wal, -shm) and the rest of the server's
    directory, or a full pg_dump of the PostgreSQL database."""
    chunks = []
    for root, _, files in os.walk(server.tmpdir):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                chunks.append(fh.read())
    if IS_PG:
        chunks.append(subprocess.run(["pg_dump", "--no-owner", "-d", server.database], check=True,
                                     capture_output=True).stdout)
    return b"\n".join(chunks)


def test_no_plaintext_id_numbers_or_phones_in_the_database(world):
    gw = world.accounts["grid_worker"].api
    numbers = [id_number(), id_number(check="X"), id_number()]
    phones = [mobile(), mobile("150"), mobile("186")]
    people = [resident(gw, f"保密{i}", unit_id=world.units["grid_a"], id_number=numbers[i], phone=phones[i])
              for i in range(2)]
    # changed by PATCH, searched for, revealed: none of it may leave a plaintext trace
    r = gw.patch(f"/api/v1/residents/{people[1]['id']}",
                 json={"id_number": numbers[2], "phone": phones[2], "version": people[1]["version"]})
    assert r.status_code == 200, r.text
    for n in numbers:
        gw.get("/api/v1/residents", params={"id_number": n})
    for p in phones:
        gw.get("/api/v1/residents", params={"phone": p})
    gw.get(f"/api/v1/residents/{people[0]['id']}", params={"reveal": "id_number,phone"})
    # stored encrypted: the columns hold something, just not the number
    row = world.server.sql(f"SELECT id_number_enc, id_number_bidx, phone_enc, phone_bidx FROM resident "
                           f"WHERE id = {people[0]['id']}")[0]
    assert all(row) and not any(numbers[0] in v or phones[0] in v for v in row)
    data = database_bytes(world.server)
    assert "保密0".encode() in data  # the scan does find what is stored in plaintext
    if not IS_PG:
        assert os.path.exists(world.server.sqlite_path + "-wal")
    for n in numbers:
        for form in (n, n.lower(), n[:6] + " " + n[6:14] + " " + n[14:], n[6:14] + n[14:17]):
            assert form.encode() not in data, f"ID number {form} found in plaintext"
        assert n.encode("utf-16-le") not in data
    for p in phones:
        for form in (p, p[:3] + " " + p[3:7] + " " + p[7:], "+86" + p):
            assert form.encode() not in data, f"phone {form} found in plaintext"


def test_masking_shapes(world):
    """The shapes of DESIGN §6: 4202**********1234 and 138****5678."""
    gw = world.accounts["grid_worker"].api
    # a birth date that makes "…1234" a valid number (sequence 123, check character 4)
    day = next(d for d in range(1, 366) if check_char(
        "420204" + (date(1990, 1, 1) + timedelta(days=d)).strftime("%Y%m%d") + "123") == "4")
    n = "420204" + (date(1990, 1, 1) + timedelta(days=day)).strftime("%Y%m%d") + "1234"
    r = gw.post("/api/v1/residents", json={"name": "掩码", "unit_id": world.units["grid_a"], "id_number": n,
                                           "phone": "13812345678"})
    assert r.status_code == 201, r.text
    assert r.json()["id_number"] == "4202**********1234"
    assert r.json()["phone"] == "138****5678"


ODD_VALUES = [None, 0, -1, 2**63 - 1, -(2**63), 1.5, "", " ", "x" * 300, "1990-02-30", "١٢٣", True, [], {},
              ["a"], {"lat": "x"}]
RESIDENT_KEYS = ["name", "gender", "birth_date", "ethnicity", "nationality", "id_type", "id_number", "phone",
                 "resident_type", "registered_address", "current_address", "household_registration_matches",
                 "party_member", "volunteer", "education", "marital_status", "occupation", "employer", "house_id",
                 "unit_id", "household_id", "relation", "tags"]


def test_odd_values_never_get_a_500(world):
    """Every field of the write endpoints with values of the wrong type, size or shape: a 4xx naming a field
    (or a success), never a server error."""
    gw = world.accounts["grid_worker"].api
    grid_a = world.units["grid_a"]
    b = building(gw, grid_a, "怪值楼")
    h = house(gw, b["id"], "1")
    p = resident(gw, "怪值", unit_id=grid_a)
    k = household(gw, h["id"], p["id"])
    q = resident(gw, "怪值离开", unit_id=grid_a)
    targets = [
        ("POST", "/api/v1/residents", {"name": "怪", "unit_id": grid_a, "id_number": None}, RESIDENT_KEYS),
        ("PATCH", f"/api/v1/residents/{p['id']}", {"version": None}, RESIDENT_KEYS[:-4] + ["unit_id", "version"]),
        ("POST", "/api/v1/buildings", {"grid_id": grid_a, "name": "怪"},
         ["grid_id", "code", "name", "address", "location", "floors", "use_type"]),
        ("PATCH", f"/api/v1/buildings/{b['id']}", {"version": 1},
         ["name", "address", "location", "floors", "use_type", "retired", "version"]),
        ("POST", f"/api/v1/buildings/{b['id']}/houses", {"room": "怪"},
         ["entrance", "floor", "room", "use_type", "area_m2"]),
        ("PATCH", f"/api/v1/houses/{h['id']}", {"version": 1},
         ["entrance", "floor", "room", "use_type", "area_m2", "retired", "version"]),
        ("POST", "/api/v1/households", {"house_id": h["id"]}, ["house_id", "kind", "head_resident_id"]),
        ("PATCH", f"/api/v1/households/{k['id']}", {"version": 1},
         ["kind", "head_resident_id", "former_head_relation", "dissolved", "version"]),
        ("POST", f"/api/v1/households/{k['id']}/members", {"resident_id": p["id"], "relation": "child"},
         ["resident_id", "relation", "date", "reason"]),
        ("POST", "/api/v1/tags", {"code": "odd_tag", "name": "怪"}, ["code", "name", "name_en", "sensitive"]),
        ("POST", f"/api/v1/residents/{q['id']}/departure",
         {"reason": "moved_away", "on": "2026-01-02", "version": q["version"]}, ["reason", "on", "note", "version"]),
        ("POST", f"/api/v1/residents/{q['id']}/return", {"version": 1}, ["version"]),
    ]
    for method, path, base, keys in targets:
        for key in keys:
            for value in ODD_VALUES:
                body = {**base, key: value}
                if body.get("version", 0) is None:
                    body["version"] = 1
                r = gw.request(method, path, json=body)
                assert r.status_code < 500, (method, path, key, value, r.text)
                if r.status_code >= 400:
                    err = error_of(r)
                    assert err["code"] != "internal", (method, path, key, value, r.text)
    assert world.server.proc.poll() is None
