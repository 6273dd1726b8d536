"""Foundation: health, readiness, error format, limits, static files, graceful stop."""
import os
import socket
import threading
import time

import requests

from conftest import IS_PG, Server, error_of, pg_admin


def raw_http(server, request: bytes) -> bytes:
    """Send bytes exactly as given (no client-side path normalisation)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                c = s.recv(65536)
            except socket.timeout:
                break
            if not c:
                break
            chunks.append(c)
            if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in request:
                break
        return b"".join(chunks)


def test_healthz_answers_json(server):
    r = requests.get(server.url("/healthz"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["status"] == "ok"
    assert body["version"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]  # JSON never renders


def test_readyz_reports_database(server):
    r = requests.get(server.url("/readyz"))
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "database": "postgresql" if IS_PG else "sqlite"}


def test_readyz_503_when_database_unreachable(fresh_server):
    if IS_PG:
        # Rename the database from under the server and kill its sessions: reconnecting fails.  New
        # connections are refused first — the server reconnects at once (its LISTEN connection does), and a
        # database with a session cannot be renamed.
        name = fresh_server.database.rsplit("/", 1)[1]
        pg_admin(fresh_server.database, f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false")
        pg_admin(fresh_server.database, f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname='{name}'")
        pg_admin(fresh_server.database, f"ALTER DATABASE {name} RENAME TO {name}_away")
        try:
            r = requests.get(fresh_server.url("/readyz"))
            assert r.status_code == 503
            assert error_of(r)["code"] == "database_unavailable"
            msg = error_of(r)["message"]  # libpq's reason, said once
            assert "PostgreSQL" in msg and "does not exist" in msg and msg.count("not reachable") <= 1, msg
            assert requests.get(fresh_server.url("/healthz")).status_code == 200  # the process is still up
        finally:
            pg_admin(fresh_server.database, f"ALTER DATABASE {name}_away RENAME TO {name}")
            pg_admin(fresh_server.database, f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")
    else:
        # Move the database file away: writes would land in an unlinked file, so the server must say so.
        path = fresh_server.database[len("sqlite:"):]
        os.rename(path, path + ".away")
        try:
            r = requests.get(fresh_server.url("/readyz"))
            assert r.status_code == 503
            assert error_of(r)["code"] == "database_unavailable"
            # the operator reads which file, once and whole
            assert error_of(r)["message"] == f"the SQLite database file {path} is gone"
        finally:
            os.rename(path + ".away", path)
    # and it recovers when the database is back
    deadline = time.time() + 10
    while time.time() < deadline:
        if requests.get(fresh_server.url("/readyz")).status_code == 200:
            break
        time.sleep(0.2)
    assert requests.get(fresh_server.url("/readyz")).status_code == 200


def test_unknown_route_is_json_404(server):
    r = requests.get(server.url("/api/v1/no-such-thing"))
    assert r.status_code == 404
    assert error_of(r)["code"] == "not_found"


def test_wrong_method_is_405_with_allow(server):
    r = requests.post(server.url("/healthz"), json={})
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"]
    assert error_of(r)["code"] == "method_not_allowed"


def test_dot_dot_path_is_refused(server):
    resp = raw_http(server, b"GET /../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = resp.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert b"root:" not in body
    assert b'"code":"invalid_path"' in body
    resp = raw_http(server, b"GET /assets/..%2f..%2f..%2fetc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert resp.startswith(b"HTTP/1.1 400") or resp.startswith(b"HTTP/1.1 404"), resp[:80]
    assert b"root:" not in resp


def test_two_mib_body_is_413_and_server_keeps_serving(server):
    with requests.Session() as s:
        r = s.post(server.url("/api/v1/session"), data=b"{" + b" " * (2 << 20) + b"}",
                   headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        assert error_of(r)["code"] == "payload_too_large"
        assert s.get(server.url("/healthz")).status_code == 200


def test_big_request_headers_are_served_and_oversized_ones_get_431(server):
    # A 12 KiB header (a fat cookie jar behind a corporate proxy) is served; 24 KiB does not fit the
    # connection's 16 KiB memory pool and is refused with 431, and the server keeps serving.
    with requests.Session() as s:
        assert s.get(server.url("/healthz"), headers={"X-Padding": "a" * 12 * 1024}).status_code == 200
        r = s.get(server.url("/healthz"), headers={"X-Padding": "a" * 24 * 1024})
        assert r.status_code == 431
    assert requests.get(server.url("/healthz")).status_code == 200


def test_huge_declared_body_is_refused_at_once(server):
    resp = raw_http(server, b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 999999999\r\n\r\n{")
    assert resp.startswith(b"HTTP/1.1 413"), resp[:80]
    assert requests.get(server.url("/healthz")).status_code == 200


def test_keep_alive_really_keeps_the_connection(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        for _ in range(3):
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while b"}" not in data:
                data += s.recv(4096)
            assert data.startswith(b"HTTP/1.1 200")
            assert b"Connection: close" not in data


def test_spa_and_static_files(server):
    r = requests.get(server.url("/"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp  # the PWA's service worker and manifest
    assert requests.get(server.url("/sw.js")).headers["Content-Security-Policy"] == csp  # its fetches are allowed
    etag = r.headers["ETag"]
    r2 = requests.get(server.url("/"), headers={"If-None-Match": etag})
    assert r2.status_code == 304
    # a client-side route gets the app, a missing asset gets 404
    assert requests.get(server.url("/cases/123")).headers["Content-Type"].startswith("text/html")
    assert requests.get(server.url("/assets/missing-file.js")).status_code == 404


def test_access_log_has_one_line_per_request(server):
    requests.get(server.url("/healthz?probe=access-log"))
    deadline = time.time() + 5
    line = None
    while time.time() < deadline and not line:
        for l in server.read_log().splitlines():
            if " GET /healthz " in l:
                line = l
        time.sleep(0.1)
    assert line, "no access-log line for GET /healthz"
    parts = line.split()
    # time method path status bytes duration
    assert parts[1] == "GET" and parts[2] == "/healthz" and parts[3] == "200"
    assert int(parts[4]) > 0 and parts[5].endswith("us")


def test_access_log_cannot_be_forged_and_long_paths_are_cut(server):
    # A newline smuggled into the path (%0a decodes to one) must not start a second log line,
    # and a path longer than the line keeps the status, size and time at the end.
    requests.get(server.url("/forge%0a2026-01-01T00:00:00Z%20GET%20/forged%20200%201%201us"))
    long_path = "/api/v1/long-" + "x" * 3000
    requests.get(server.url(long_path))
    deadline = time.time() + 5
    forge = long_line = None
    while time.time() < deadline and not (forge and long_line):
        log = server.read_log().splitlines()
        forge = next((l for l in log if "/forge?" in l), None)
        long_line = next((l for l in log if "/long-xxx" in l), None)
        time.sleep(0.1)
    assert forge and long_line, "access-log lines missing"
    assert not any(l.split()[1:3] == ["GET", "/forged"] for l in server.read_log().splitlines())
    assert forge.split()[3] in ("400", "404")  # refused, and logged on one line
    parts = long_line.split()
    assert parts[1] == "GET" and parts[3] == "404" and parts[5].endswith("us"), long_line
    assert len(long_line) < 700


def test_graceful_stop_lets_in_flight_requests_finish(fresh_server):
    # A slow client keeps a request open while SIGTERM arrives; the request still completes.
    s = socket.create_connection(("127.0.0.1", fresh_server.port), timeout=10)
    body = b'{"username":"nobody","password":"x"}'
    s.sendall(b"POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body[:5])
    time.sleep(0.3)
    stopper = threading.Thread(target=lambda: fresh_server.proc.terminate())
    stopper.start()
    time.sleep(0.3)
    s.sendall(body[5:])
    resp = s.recv(65536)
    s.close()
    stopper.join()
    assert resp.startswith(b"HTTP/1.1 "), resp
    assert fresh_server.proc.wait(20) == 0
    fresh_server.proc = None
    fresh_server.log.close()


def test_bad_config_is_reported_with_the_key(tmp_path):
    import subprocess
    from conftest import BINARY
    r = subprocess.run([BINARY, "migrate", "--database", "mysq://x"], capture_output=True, text=True)
    assert r.returncode == 2
    assert 'unsupported scheme "mysq"' in r.stderr
    r = subprocess.run([BINARY, "serve", "--listen", "127.0.0.1:99999"], capture_output=True, text=True)
    assert r.returncode == 2 and "listen" in r.stderr
    r = subprocess.run([BINARY, "serve", "--threads", "many"], capture_output=True, text=True)
    assert r.returncode == 2 and "threads" in r.stderr
    r = subprocess.run([BINARY, "serve", "--bogus", "1"], capture_output=True, text=True)
    assert r.returncode == 2 and "--bogus" in r.stderr
    r = subprocess.run([BINARY, "serve"], capture_output=True, text=True,
                       env=dict(os.environ, GRIDGOV_THREADS="-1"))
    assert r.returncode == 2 and "GRIDGOV_THREADS" in r.stderr
    conf = tmp_path / "gridgov.conf"
    conf.write_text("listen = 127.0.0.1:8080\nnonsense = 1\n")
    r = subprocess.run([BINARY, "migrate", "--config", str(conf)], capture_output=True, text=True)
    assert r.returncode == 2 and "gridgov.conf:2" in r.stderr and "nonsense" in r.stderr


def test_help_for_every_command():
    import subprocess
    from conftest import BINARY
    for cmd in ["serve", "migrate", "version", "help"]:
        r = subprocess.run([BINARY, cmd, "--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "usage: gridgov " + cmd in r.stdout
    r = subprocess.run([BINARY, "frobnicate"], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_migrate_is_idempotent(fresh_server):
    r = fresh_server.cli("migrate")
    assert "0 migration(s) applied" in r.stdout


def test_bad_bodies_get_clear_400s_and_the_server_keeps_serving(server):
    url = server.url("/api/v1/session")
    ct = {"Content-Type": "application/json"}
    cases = [
        (b'{"username": "a", "password": ', "invalid JSON"),
        (b'{"username": "\xff\xfe", "password": "x"}', "UTF-8"),
        (b'{"username": "a", "username": "b", "password": "x"}', "duplicate"),
        (b'["username"]', "JSON object"),
        (b'{"a":' + b"[" * 40 + b"]" * 40 + b"}", "nested"),
        (b"", "empty"),
    ]
    for body, words in cases:
        r = requests.post(url, data=body, headers=ct)
        assert r.status_code == 400, (body[:40], r.status_code, r.text)
        err = error_of(r)
        assert err["code"] == "validation_failed"
        assert words in err["message"], (words, err["message"])
    r = requests.post(url, json={"username": "a", "password": "b", "remember": True})
    assert r.status_code == 400 and error_of(r)["field"] == "remember"
    r = requests.post(url, json={"password": "b"})
    assert r.status_code == 400 and error_of(r)["field"] == "username"
    r = requests.post(url, json={"username": "a" * 65, "password": "b"})
    assert r.status_code == 400 and error_of(r)["field"] == "username" and "too long" in error_of(r)["message"]
    r = requests.post(url, data="username=a&password=b", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    assert requests.get(server.url("/healthz")).status_code == 200


def test_bad_query_parameters_name_the_parameter(server):
    # needs a session: a fresh admin through the CLI
    server.cli("user", "add", "qp_admin", "--password-stdin", input="Query-param-2026!\n", check=False)
    server.cli("user", "grant", "qp_admin", "admin", "root", check=False)
    tok = requests.post(server.url("/api/v1/session"),
                        json={"username": "qp_admin", "password": "Query-param-2026!", "mode": "bearer"}).json()["token"]
    h = {"Authorization": "Bearer " + tok}
    for q, field in [("limit=0", "limit"), ("limit=abc", "limit"), ("limit=99999999999999999999", "limit"),
                     ("after=-1", "after"), ("q=%FF", "q")]:
        r = requests.get(server.url("/api/v1/accounts?" + q), headers=h)
        assert r.status_code == 400, (q, r.text)
        assert error_of(r)["field"] == field
    assert requests.get(server.url("/api/v1/accounts/abc"), headers=h).status_code == 404
    assert requests.get(server.url("/api/v1/accounts/99999999999999999999"), headers=h).status_code == 404
