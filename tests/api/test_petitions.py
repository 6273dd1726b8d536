"""Petitions (信访): statutory limits over the real holidays, the petitioner's identity visible to the
petition role only, duplicates linked, the reply and review (docs/centres.md).

A server of this module's own with the real chinese-days calendar imported (like test_calendar.py):
国庆节 2024-10-01..07 off (Saturday 10-12 a 调休 workday); 春节 2025-01-28..02-04 off (Saturday 02-08 a workday).
"""
import os

import pytest

from casekit import expect_field
from conftest import ROOT, Server, World

SOURCE = os.path.join(ROOT, ".cache", "chinese-days", "package", "dist")


@pytest.fixture(scope="module")
def pw(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("petitions"), fast_hash=True)
    world = World(s)
    s.cli("import-calendar", "--from", SOURCE)
    s.stop()
    s.start()
    world.petition = world.account("street_a", "petition")
    world.centre = world.account("street_a", "centre")
    yield s, world
    s.stop()


def register(api, world, status=201, **kw):
    body = {"unit_id": world.units["street_a"], "kind": "visit", "name": "王信访", "id_number": "420204198001010018",
            "phone": "13800001111", "subject": "拆迁补偿", "content": "反映拆迁补偿款未到位。"}
    body.update(kw)
    r = api.post("/api/v1/petitions", json=body)
    assert r.status_code == status, r.text
    return r.json()


def test_accept_limit_over_national_day(pw):
    s, world = pw
    p = register(world.petition.api, world, received_on="2024-09-20")
    # 09-20 + 15 days = 10-05, inside 国庆节 (10-01..07): the limit moves to the next working day, 10-08
    assert p["accept_due"] == "2024-10-08", p
    assert p["status"] == "registered" and p["number"].startswith("XF")
    # an ordinary period: 2024-10-10 + 15 = 10-25 (a Friday) stays
    q = register(world.petition.api, world, received_on="2024-10-10", id_number=None, phone="13900002222",
                 name="李四")
    assert q["accept_due"] == "2024-10-25"
    # 2024-09-27 + 15 = 10-12: a Saturday but a 调休 working day, so it stays
    r = register(world.petition.api, world, received_on="2024-09-27", id_number=None, phone="13900003333", name="赵六")
    assert r["accept_due"] == "2024-10-12"


def test_handling_limit_over_spring_festival_and_extension(pw):
    s, world = pw
    api = world.petition.api
    p = register(api, world, received_on="2024-11-20", id_number=None, phone="13700004444", name="钱七")
    # accepted on 2024-11-30: + 60 days = 2025-01-29, inside 春节 (01-28..02-04) → 2025-02-05
    r = api.post(f"/api/v1/petitions/{p['id']}/decide", json={"accept": True, "on": "2024-11-30"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "accepted" and r.json()["handle_due"] == "2025-02-05"
    # extended by 30 once: 2024-11-30 + 90 = 2025-02-28 (a Friday)
    r = api.post(f"/api/v1/petitions/{p['id']}/extend", json={"days": 30, "reason": "情况复杂"})
    assert r.status_code == 200, r.text
    assert r.json()["handle_due"] == "2025-02-28" and r.json()["extended"] is True
    expect_field(api.post(f"/api/v1/petitions/{p['id']}/extend", json={"days": 10, "reason": "再延"}), 409, "days",
                 "already_extended")
    # overdue now (the dates are in the past) and listed as such
    assert r.json()["overdue"] is True
    ids = [x["id"] for x in api.get("/api/v1/petitions", params={"overdue": 1}).json()["items"]]
    assert p["id"] in ids
    # reply, review within 30 days, close
    r = api.post(f"/api/v1/petitions/{p['id']}/reply", json={"text": "已协调补偿到位。", "on": "2025-02-20"})
    assert r.status_code == 200 and r.json()["reply"]["text"] == "已协调补偿到位。" and r.json()["reply"]["on"] == "2025-02-20"
    r = api.post(f"/api/v1/petitions/{p['id']}/review", json={"on": "2025-09-10"})
    # 2025-09-10 + 30 = 10-10: 国庆节 2025 runs 10-01..08, 10-10 is a Friday and stays
    assert r.status_code == 200 and r.json()["review_due"] == "2025-10-10", r.text
    r = api.post(f"/api/v1/petitions/{p['id']}/close", json={"result": "维持原处理意见"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    kinds = [e["kind"] for e in api.get(f"/api/v1/petitions/{p['id']}/events").json()["items"]]
    assert kinds == ["registered", "accepted", "extended", "replied", "review_requested", "closed"]


def test_identity_hidden_from_mediator_and_desk(pw):
    s, world = pw
    p = register(world.petition.api, world, name="孙保密", id_number="42020419900202001X", phone="13600005555")
    assert p["petitioner"] == {"visible": True, "name": "孙保密", "id_number": "42020419900202001X",
                               "phone": "13600005555"}
    for who in ("mediator", "dispatcher"):
        api = world.accounts[who].api
        r = api.get(f"/api/v1/petitions/{p['id']}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["petitioner"] == {"visible": False, "name": "***", "id_number": None, "phone": None}
        assert "孙保密" not in r.text and "13600005555" not in r.text and "42020419900202001X" not in r.text
        lst = api.get("/api/v1/petitions")
        assert lst.status_code == 200 and "孙保密" not in lst.text
        # searching by the petitioner does not work for them
        expect_field(api.get("/api/v1/petitions", params={"petitioner": "孙保密"}), 403, "petitioner",
                     "petition_identity")
        # and they cannot act on it
        assert api.post(f"/api/v1/petitions/{p['id']}/decide", json={"accept": True}).status_code == 403
    r = world.centre.api.get(f"/api/v1/petitions/{p['id']}")
    assert r.status_code == 200 and "孙保密" not in r.text
    # the petition role finds it by name, by ID number and by phone
    for q in ("孙保密", "42020419900202001X", "13600005555"):
        items = world.petition.api.get("/api/v1/petitions", params={"petitioner": q}).json()["items"]
        assert [x["id"] for x in items] == [p["id"]]
    # outside the scope: another street's mediator sees nothing
    other = world.account("street_b", "mediator")
    assert other.api.get(f"/api/v1/petitions/{p['id']}").status_code == 404
    # the stored row holds no clear text
    row = s.sql(f"SELECT name_enc, phone_enc FROM petition WHERE id = {p['id']}")[0]
    assert "孙保密" not in str(row) and "13600005555" not in str(row)


def test_duplicates_linked(pw):
    s, world = pw
    api = world.petition.api
    first = register(api, world, name="周重复", id_number="420204197503030014", phone="13500006666")
    second = register(api, world, name="周重复", id_number="420204197503030014", phone=None, subject="又来反映")
    third = register(api, world, name="周重复", id_number=None, phone="13500006666", subject="第三次")
    assert second["duplicate_of"] == first["id"] and third["duplicate_of"] == first["id"]
    assert first["duplicate_of"] is None
    items = api.get("/api/v1/petitions", params={"duplicates_of": first["id"]}).json()["items"]
    assert sorted(x["id"] for x in items) == sorted([first["id"], second["id"], third["id"]])
    kinds = [e["kind"] for e in api.get(f"/api/v1/petitions/{first['id']}/events").json()["items"]]
    assert kinds.count("duplicate_linked") == 2


def test_bad_input_names_the_field(pw):
    s, world = pw
    api = world.petition.api
    expect_field(api.post("/api/v1/petitions", json={"unit_id": world.units["street_a"], "kind": "fax", "name": "x",
                                                     "subject": "s", "content": "c"}), 400, "kind")
    expect_field(api.post("/api/v1/petitions", json={"unit_id": world.units["street_a"], "kind": "letter",
                                                     "subject": "s", "content": "c"}), 400, "name")
    r = api.post("/api/v1/petitions", json={"unit_id": world.units["street_a"], "kind": "letter", "name": "x",
                                            "subject": "s", "content": "c", "received_on": "2024-02-30"})
    expect_field(r, 400, "received_on")
    r = api.post("/api/v1/petitions", json={"unit_id": world.units["street_a"], "kind": "letter", "name": "x",
                                            "subject": "s", "content": "c", "id_number": "123"})
    expect_field(r, 400, "id_number")
    p = register(api, world, id_number=None, phone="13300007777", name="吴")
    expect_field(api.post(f"/api/v1/petitions/{p['id']}/extend", json={"days": 5, "reason": "x"}), 409, "status")
    api.post(f"/api/v1/petitions/{p['id']}/decide", json={"accept": True})
    expect_field(api.post(f"/api/v1/petitions/{p['id']}/extend", json={"days": 31, "reason": "x"}), 400, "days")
    # a mediator cannot register one
    assert world.accounts["mediator"].api.post("/api/v1/petitions", json={
        "unit_id": world.units["street_a"], "kind": "letter", "name": "x", "subject": "s",
        "content": "c"}).status_code == 404


def test_actions_offered_follow_the_state_and_the_role(pw):
    s, world = pw
    api = world.petition.api
    p = register(api, world, id_number=None, phone="13600005555", name="孙八")
    assert p["actions"] == ["decide"]
    # the centre's desk reads it without the identity and may do nothing to it
    assert world.centre.api.get(f"/api/v1/petitions/{p['id']}").json()["actions"] == []
    r = api.post(f"/api/v1/petitions/{p['id']}/decide", json={"accept": True})
    assert r.status_code == 200 and r.json()["actions"] == ["extend", "reply"]
    r = api.post(f"/api/v1/petitions/{p['id']}/extend", json={"days": 10, "reason": "需调查"})
    assert r.json()["actions"] == ["reply"]
    r = api.post(f"/api/v1/petitions/{p['id']}/reply", json={"text": "已答复"})
    assert r.json()["actions"] == ["review", "close"]
    r = api.post(f"/api/v1/petitions/{p['id']}/close", json={})
    assert r.json()["status"] == "closed" and r.json()["actions"] == []


def test_listing_petitions_puts_each_revealed_identity_on_record(pw):
    """A list shows the petition office the petitioners unmasked, as a detail does: one pii.read row per
    petition listed, committed before the answer; a list without the identities (a mediator's) writes none."""
    s, world = pw
    first = register(world.petition.api, world, name="吴列表", id_number=None, phone="13300007777")
    second = register(world.petition.api, world, name="郑列表", id_number=None, phone="13300008888")

    def reads(pid, username):
        return int(s.sql(f"SELECT count(*) FROM audit_log WHERE action = 'pii.read' AND object_type = 'petition' "
                         f"AND object_id = '{pid}' AND username = '{username}'")[0][0])

    petition_user = world.petition.username
    before = {p["id"]: reads(p["id"], petition_user) for p in (first, second)}
    r = world.petition.api.get("/api/v1/petitions", params={"limit": 2})
    assert r.status_code == 200, r.text
    listed = r.json()["items"]
    assert [x["id"] for x in listed] == [second["id"], first["id"]]
    assert [x["petitioner"]["name"] for x in listed] == ["郑列表", "吴列表"]
    for p in (first, second):
        assert reads(p["id"], petition_user) == before[p["id"]] + 1
    # the mediator sees *** and leaves no pii.read row
    mediator = world.accounts["mediator"]
    r = mediator.api.get("/api/v1/petitions", params={"limit": 2})
    assert r.status_code == 200 and "郑列表" not in r.text
    assert reads(second["id"], mediator.username) == 0
