"""bench/create_setup.py BASE TOKEN — for bench/run.sh's creation rates: a unit chain down to one grid
(province > city > county > street > community > grid) made through the API; prints the ids as
`grid=<id> community=<id> category=<id>` (category: the seeded 暴露垃圾, handled by the grid, or 0)."""
import json
import random
import sys
import urllib.request

base, token = sys.argv[1], sys.argv[2]


def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


me = call("GET", "/api/v1/me")
parent = me["grants"][0]["unit_id"]
ids = {}
for level, name in (("province", "湖北省"), ("city", "黄石市"), ("county", "下陆区"), ("street", "团城山街道"),
                    ("community", "桂林社区"), ("grid", "桂林社区第一网格")):
    if level == "grid":
        code = call("GET", f"/api/v1/units/{parent}")["code"] + "001"
    else:
        code = str(10**11 + random.randrange(9 * 10**11))
    parent = call("POST", "/api/v1/units", {"parent_id": parent, "level": level, "name": name, "code": code})["id"]
    ids[level] = parent
cats = {c["code"]: c["id"] for c in call("GET", "/api/v1/categories")["items"]}
print(f"grid={ids['grid']} community={ids['community']} category={cats.get('exposed_rubbish', 0)}")
