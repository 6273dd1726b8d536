#!/usr/bin/env bash
# build-web.sh — builds the SPA into web/dist with `npm run build`, only when a
# source changed since the last successful build.  Prints one line; on failure
# prints the build's output and exits non-zero.
#
# Sources: web/src, web/public, web/index.html, web/vite.config.*, web/package.json,
# web/package-lock.json.  The stamp web/dist/.build-stamp carries the time the
# last successful build *started*, so an edit made during a build triggers the
# next one.  Node packages must already be installed (scripts/bootstrap.sh web
# runs `npm ci` from the lockfile).
#
# Then every compressible file of dist/ gets NAME.gz (gzip -9) and NAME.br
# (brotli, when Debian's brotli is installed) beside it, which the server sends
# to clients that accept them (src/http/static.c); a sibling that is not
# smaller than its file is not kept.  Compression runs also when the build was
# up to date, and skips files whose siblings are newer than they are.
set -euo pipefail
cd "$(dirname "$0")/../web"

precompress() {
    local f n=0
    while IFS= read -r -d '' f; do
        local size; size=$(stat -c %s "$f")
        if [ ! "$f.gz" -nt "$f" ]; then
            gzip -9 -n -c "$f" >"$f.gz.tmp" && mv "$f.gz.tmp" "$f.gz" && n=$((n + 1))
            [ "$(stat -c %s "$f.gz")" -lt "$size" ] || rm -f "$f.gz"
        fi
        if command -v brotli >/dev/null 2>&1 && [ ! "$f.br" -nt "$f" ]; then
            brotli -q 11 -c "$f" >"$f.br.tmp" && mv "$f.br.tmp" "$f.br"
            [ "$(stat -c %s "$f.br")" -lt "$size" ] || rm -f "$f.br"
        fi
    done < <(find dist -type f -size +1k \( -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' \
        -o -name '*.svg' -o -name '*.json' -o -name '*.map' -o -name '*.txt' -o -name '*.webmanifest' \
        -o -name '*.wasm' -o -name '*.ttf' \) -print0)
    [ "$n" = 0 ] || echo "build-web: precompressed $n files (gzip${BROTLI:+, brotli})"
}
command -v brotli >/dev/null 2>&1 && BROTLI=1 || BROTLI=

stamp=dist/.build-stamp
sources=(src public index.html vite.config.js vite.config.mjs package.json package-lock.json)
existing=()
for s in "${sources[@]}"; do [ -e "$s" ] && existing+=("$s"); done

if [ -f "$stamp" ] && [ -f dist/index.html ] && [ -z "$(find "${existing[@]}" -newer "$stamp" -print -quit)" ]; then
    echo "build-web: web/dist is up to date"
    precompress
    exit 0
fi

if [ ! -x node_modules/.bin/vite ]; then
    echo "build-web: web/node_modules is missing; run scripts/bootstrap.sh web (npm ci) first" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/stamp" # build start time, moved into dist/ only on success
start=$(date +%s)
if ! NO_COLOR=1 npm run build --silent >"$tmp/log" 2>&1; then
    echo "build-web: npm run build failed:" >&2
    cat "$tmp/log" >&2
    exit 1
fi
precompress
mv "$tmp/stamp" "$stamp"
files=$(find dist -type f ! -name .build-stamp | wc -l)
size=$(du -sk dist | cut -f1)
echo "build-web: built web/dist ($files files, ${size} KiB) in $(($(date +%s) - start)) s"
