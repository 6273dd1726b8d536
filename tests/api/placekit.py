"""Helpers shared by the places and residents API tests: valid (and invalid) ID numbers and phones, and small
builders that create units, buildings, houses and residents through the API as a user would."""
import random
import secrets

from conftest import child_code, error_of

# GB 11643-1999: weights of the 17 digits and the check character for (sum mod 11)
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECKS = "10X98765432"
_issued = set()
_rng = random.Random(secrets.randbits(64))


def check_char(first17):
    return CHECKS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def id_number(birth=None, gender=None, area="420204", check=None):
    """A fresh valid ID number (unique within this test run).  birth "YYYY-MM-DD", gender "male"/"female",
    check: force the check character (e.g. "X") by choosing the sequence number."""
    for _ in range(100000):
        b = birth or f"{_rng.randint(1940, 2012)}-{_rng.randint(1, 12):02d}-{_rng.randint(1, 28):02d}"
        seq = _rng.randrange(1000)
        if gender and (seq % 2 == 1) != (gender == "male"):
            continue
        first = area + b.replace("-", "") + f"{seq:03d}"
        n = first + check_char(first)
        if check and n[-1] != check:
            continue
        if n not in _issued:
            _issued.add(n)
            return n
    raise AssertionError("ran out of ID numbers")


def wrong_check(n):
    """The same number with a wrong check character."""
    return n[:17] + ("0" if n[17] != "0" else "1")


def mobile(prefix="139"):
    while True:
        p = prefix + "".join(str(_rng.randrange(10)) for _ in range(11 - len(prefix)))
        if p not in _issued:
            _issued.add(p)
            return p


def mask_id(n):
    return n[:4] + "*" * 10 + n[-4:]


def mask_phone(p):
    return p[:3] + "****" + p[-4:]


def post_ok(api, path, body, status=201):
    r = api.post(path, json=body)
    assert r.status_code == status, f"{path}: {r.status_code} {r.text}"
    return r.json()


def new_unit(world, parent, level, name, code=None):
    r = world.admin.api.post("/api/v1/units", json={"parent_id": parent, "level": level,
                                                    "code": code or child_code(world.admin.api, parent, level),
                                                    "name": name})
    assert r.status_code == 201, r.text
    return r.json()


def building(api, grid_id, name=None, **kw):
    return post_ok(api, "/api/v1/buildings", {"grid_id": grid_id, "name": name or f"楼栋 {secrets.token_hex(2)}", **kw})


def house(api, building_id, room, **kw):
    return post_ok(api, f"/api/v1/buildings/{building_id}/houses", {"room": room, **kw})


def resident(api, name="张三", **kw):
    body = {"name": name, **kw}
    if "id_number" not in body and "birth_date" not in body:
        body["id_number"] = id_number()
    return post_ok(api, "/api/v1/residents", body)


def household(api, house_id, head_resident_id=None, **kw):
    body = {"house_id": house_id, **kw}
    if head_resident_id:
        body["head_resident_id"] = head_resident_id
    return post_ok(api, "/api/v1/households", body)


def expect_error(r, status, field, code=None, message=None):
    """r failed with status naming field (and code / a message fragment when given); returns the error."""
    assert r.status_code == status, f"expected {status} for {field}, got {r.status_code}: {r.text}"
    err = error_of(r)
    assert err["field"] == field, err
    if code:
        assert err["code"] == code, err
    if message:
        assert message in err["message"], err
    return err


def all_items(api, path, **params):
    """Every item of a cursor-paginated list."""
    items, after = [], None
    while True:
        q = dict(params)
        if after:
            q["after"] = after
        r = api.get(path, params=q)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        after = r.json()["next"]
        if not after:
            return items


def last_seq(world):
    items = world.admin.api.get("/api/v1/audit?limit=1").json()["items"]
    return items[0]["seq"] if items else 0


def audit_since(world, seq, **filters):
    """Audit rows newer than seq (as the root administrator reads them), oldest first."""
    rows, before = [], 0
    while True:
        params = dict(filters, limit=200)
        if before:
            params["before"] = before
        r = world.admin.api.get("/api/v1/audit", params=params)
        assert r.status_code == 200, r.text
        page = [i for i in r.json()["items"] if i["seq"] > seq]
        rows += page
        if not r.json()["next"] or len(page) < len(r.json()["items"]):
            break
        before = int(r.json()["next"])
    return sorted(rows, key=lambda i: i["seq"])
