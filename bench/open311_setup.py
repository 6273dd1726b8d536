"""bench/open311_setup.py BASE_URL TOKEN — 50 Open311 requests in a running bench server.

Makes a street of its own with one community and one grid (a box near 119.0°E, 26.0°N), an Open311 key for the
street, and files 50 requests through POST /open311/v2/requests.json as a client does (form-encoded, with an
attribute), so that GET /open311/v2/requests.json answers a page of 50.  Prints the key.
"""
import json
import sys
import urllib.parse
import urllib.request

base, token = sys.argv[1], sys.argv[2]


def call(method, url, body):
    req = urllib.request.Request(base + url, method=method, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def unit(parent, level, code, name):
    return call("POST", "/api/v1/units", {"parent_id": parent, "level": level, "code": code, "name": name})["id"]


def box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


province = unit(1, "province", "350000000000", "福建省")
city = unit(province, "city", "350300000000", "莆田市")
county = unit(city, "county", "350322000000", "仙游县")
street = unit(county, "street", "350322100000", "鲤城街道")
community = unit(street, "community", "350322100001", "东门社区")
call("PUT", f"/api/v1/units/{community}/geometry", {"geometry": box(119.0, 26.0, 119.02, 26.02)})
call("POST", "/api/v1/grids", {"parent_id": community, "name": "东门社区第一网格", "geometry": box(119.0, 26.0, 119.02, 26.02)})
key = call("POST", "/api/v1/open311-keys", {"name": "bench", "unit_id": street, "rate_per_minute": 10000})["key"]
for i in range(50):
    form = urllib.parse.urlencode({"api_key": key, "service_code": "complaint.city_appearance.exposed_rubbish",
                                   "lat": f"{26.005 + i * 0.0002:.6f}", "long": "119.01",
                                   "description": f"路边垃圾 {i}", "attribute[rubbish_type]": "household"}).encode()
    req = urllib.request.Request(base + "/open311/v2/requests.json", data=form, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req, timeout=60) as r:
        assert r.status == 201
print(key)
