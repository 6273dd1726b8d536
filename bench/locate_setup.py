"""bench/locate_setup.py BASE_URL TOKEN GRIDS_JSON — put the 1,000 bench grids into a running server.

GRIDS_JSON is what `bench_locate --emit` writes: the 40 x 25 lattice, column by column.  Each column of 25
grids goes into a community of its own (serials stay within 001-999), all created by ONE restructure call
on the street, as an operator would set a street up.  Prints how long that call took.
"""
import json
import sys
import time
import urllib.request

base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]


def call(method, url, body):
    req = urllib.request.Request(base + url, method=method, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
    with urllib.request.urlopen(req, timeout=300) as r:
        return json.load(r)


def unit(parent, level, code, name):
    return call("POST", "/api/v1/units", {"parent_id": parent, "level": level, "code": code, "name": name})["id"]


grids = json.load(open(path))
province = unit(1, "province", "420000000000", "湖北省")
city = unit(province, "city", "420200000000", "黄石市")
county = unit(city, "county", "420204000000", "下陆区")
street = unit(county, "street", "420204001000", "团城山街道")
communities = [unit(street, "community", f"420204001{c + 1:03d}", f"社区{c + 1}") for c in range(40)]
create = [{"parent_id": communities[k // 25], "name": f"网格{k % 25 + 1}", "geometry": g} for k, g in enumerate(grids)]
t0 = time.time()
out = call("POST", "/api/v1/grids/restructure", {"parent_id": street, "create": create})
print(f"bench: created {len(out['created'])} grids in one call in {time.time() - t0:.2f} s", file=sys.stderr)
