"""Helpers of the mediation API tests: a street with two communities, mediators of each level, a dispute
builder and the party bodies (tests/api/test_mediation*.py)."""
import secrets

import pytest

from placekit import id_number, mobile


class MedWorld:
    def __init__(self, world):
        self.world = world
        self.admin = world.admin
        tag = secrets.token_hex(2)
        self.county = world.units["county"]
        self.street = world.unit(f"med_street_{tag}", "county", "street", f"调解街道{tag}")
        self.community = world.unit(f"med_comm_{tag}", f"med_street_{tag}", "community", f"调解社区{tag}")
        self.other_street = world.unit(f"med_street2_{tag}", "county", "street", f"邻街道{tag}")
        self.other_community = world.unit(f"med_comm2_{tag}", f"med_street2_{tag}", "community", f"邻社区{tag}")
        acc = self.accounts = {}
        acc["community_mediator"] = world.account(self.community, "mediator", prefix="mcm")
        acc["street_mediator"] = world.account(self.street, "mediator", prefix="msm")
        acc["county_mediator"] = world.account(self.county, "mediator", prefix="mkm")
        acc["other_mediator"] = world.account(self.other_community, "mediator", prefix="mom")
        acc["leader"] = world.account(self.county, "leader", prefix="mld")
        acc["community"] = world.account(self.community, "community", prefix="mcs")
        acc["dispatcher"] = world.account(self.street, "dispatcher", prefix="mdp")

    def api(self, role):
        return self.accounts[role].api


def party(name="张三", **kw):
    body = {"kind": "person", "name": name, "id_number": id_number(), "phone": mobile()}
    body.update(kw)
    return body


def dispute_body(unit_id, **kw):
    body = {"unit_id": unit_id, "title": "楼上漏水邻里纠纷", "type": "neighbour",
            "summary": "楼上住户卫生间漏水，楼下住户要求赔偿。", "source": "walk_in",
            "occurred_on": "2026-11-30", "place": "桂林北路12号",
            "parties": [party("张三", role="applicant"), party("李四", role="respondent")]}
    body.update(kw)
    return body


def make_dispute(api, unit_id, status=201, **kw):
    r = api.post("/api/v1/disputes", json=dispute_body(unit_id, **kw))
    assert r.status_code == status, r.text
    return r.json()


@pytest.fixture(scope="module")
def mw(world):
    return MedWorld(world)
