"""bench/mediation_setup.py BASE TOKEN — a county with 3 streets of 10 communities each for the mediation
bench (bench/run.sh "Mediation measures"); prints the county's id.  The disputes are then loaded with
`gridgov demo-disputes` (bulk) and GET /api/v1/mediation/measures?unit_id=COUNTY is measured."""
import json
import sys
import urllib.request

base, token = sys.argv[1], sys.argv[2]


def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


root = call("GET", "/api/v1/me")["grants"][0]["unit_id"]
province = call("POST", "/api/v1/units", {"parent_id": root, "level": "province", "code": "910000000000", "name": "调解省"})
city = call("POST", "/api/v1/units", {"parent_id": province["id"], "level": "city", "code": "910100000000", "name": "调解市"})
county = call("POST", "/api/v1/units", {"parent_id": city["id"], "level": "county", "code": "910102000000", "name": "调解区"})
for s in range(1, 4):
    street = call("POST", "/api/v1/units", {"parent_id": county["id"], "level": "street",
                                           "code": f"910102{s:03d}000", "name": f"调解街道{s}"})
    for c in range(1, 11):
        call("POST", "/api/v1/units", {"parent_id": street["id"], "level": "community",
                                       "code": f"910102{s:03d}{c:03d}", "name": f"调解社区{s}-{c}"})
print(county["id"])
