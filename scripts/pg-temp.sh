#!/usr/bin/env bash
# pg-temp.sh — a throwaway PostgreSQL 15 server for tests, living entirely in
# one directory.
#
#   scripts/pg-temp.sh start DIR   initdb in DIR, start on a free 127.0.0.1 port
#                                  (fsync on, trust auth, unix socket in DIR),
#                                  create database gridgov_test and print its
#                                  URL as the last line of stdout
#   scripts/pg-temp.sh stop DIR    stop it (fast shutdown) and remove DIR
#
# Quiet on success; on failure the server/initdb log goes to stderr.
# initdb refuses to run as root, so as root the server runs as the `postgres`
# system user (DIR is chowned to it) and the database user is `postgres`.
set -euo pipefail

die() {
    echo "pg-temp: $*" >&2
    exit 1
}

[ $# -eq 2 ] || die "usage: $0 start|stop DIR"
cmd=$1
dir=$2
marker=.pg-temp # only a directory carrying it is ever removed by `stop`

bindir=/usr/lib/postgresql/15/bin
if [ ! -x "$bindir/pg_ctl" ]; then
    p=$(command -v pg_ctl || true)
    [ -n "$p" ] || die "PostgreSQL 15 not found (/usr/lib/postgresql/15/bin or PATH); apt-get install postgresql-15"
    bindir=$(dirname "$p")
fi

if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install postgresql-15)"
    dbuser=postgres
    as_server() {
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
        fi
    }
else
    dbuser=$(id -un)
    as_server() { "$@"; }
fi

# Show what the server and initdb said, then fail.
fail_with_logs() {
    echo "pg-temp: $*" >&2
    for f in "$dir/setup.log" "$dir/server.log"; do
        [ -s "$f" ] && { echo "---- $f" >&2; tail -n 60 "$f" >&2; }
    done
    exit 1
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        # No python: pick a random high port that nothing listens on.
        local p
        for _ in $(seq 50); do
            p=$((20000 + RANDOM % 40000))
            (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
        done
        return 1
    fi
}

start() {
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
    touch "$dir/$marker"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres: "$dir"
        as_server test -w "$dir" || die "user postgres cannot write $dir (is a parent directory closed to it?)"
    fi

    as_server "$bindir/initdb" -D "$dir/data" -U "$dbuser" --auth=trust -E UTF8 --no-locale --no-instructions --no-sync \
        >"$dir/setup.log" 2>&1 || fail_with_logs "initdb failed"

    # The port may be taken between probing and binding: try a few.
    local port started=0
    for _ in 1 2 3 4 5; do
        port=$(free_port) || fail_with_logs "no free TCP port found"
        if as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='$dir' -c fsync=on" \
            start >>"$dir/setup.log" 2>&1; then
            started=1
            break
        fi
        grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null || break
    done
    [ "$started" = 1 ] || fail_with_logs "server did not start"
    echo "$port" >"$dir/port"

    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U "$dbuser" gridgov_test >>"$dir/setup.log" 2>&1 ||
        fail_with_logs "createdb gridgov_test failed"
    echo "postgresql://$dbuser@127.0.0.1:$port/gridgov_test"
}

stop() {
    [ -d "$dir" ] || return 0
    [ -e "$dir/$marker" ] || die "$dir was not made by pg-temp.sh start; not touching it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >>"$dir/setup.log" 2>&1 ||
            fail_with_logs "pg_ctl stop failed"
    fi
    rm -rf "$dir"
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) die "unknown command '$cmd' (start or stop)" ;;
esac
