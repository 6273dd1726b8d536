"""The HTTP layer as a browser, a proxy or an attacker meets it: URLs with control characters, the headers
every response carries, state changes sent from another site's page, the Secure cookie behind a proxy,
and the modes of the files the server keeps personal data in."""
import os
import socket
import stat

import requests

from conftest import Server, add_root_admin, error_of, login


def raw_http(server, data):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


# ---- control characters in the URL ----

def test_a_nul_or_other_control_character_in_the_url_is_refused_naming_the_part(server):
    admin = add_root_admin(server, "http_admin1", "Http-admin-2026!")
    # %00 used to end the decoded path or value early: /accounts/<id>%00abc was the account, limit=5%00junk was 5
    for path, field in ((f"/api/v1/accounts/{admin.id}%00abc", "path"), ("/api/v1/accounts?limit=5%00junk", "query"),
                        ("/api/v1/accounts?q=%0Aforged", "query"), ("/api/v1/accounts/%7f", "path")):
        r = admin.api.get(path)
        assert r.status_code == 400, (path, r.status_code, r.text[:200])
        err = error_of(r)
        assert err["code"] == "invalid_url" and err["field"] == field, (path, err)
    # raw (unencoded) control characters too, before any route or authentication
    resp = raw_http(server, b"GET /api/v1/accounts?limit=5\x01 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert resp.startswith(b"HTTP/1.1 400"), resp[:200]
    # ordinary percent-encoded text still reaches the handler
    r = admin.api.get("/api/v1/accounts", params={"q": "张 %", "limit": "5"})
    assert r.status_code == 200, r.text


# ---- headers of every response ----

def test_every_response_says_referrer_and_permissions_policy(server):
    for path in ("/healthz", "/", "/api/v1/no-such-route", "/api/v1/me", "/assets/missing-file.js"):
        r = requests.get(server.url(path))
        assert r.headers.get("Referrer-Policy") in ("strict-origin-when-cross-origin", "strict-origin", "same-origin",
                                                    "no-referrer"), (path, r.headers)
        pp = r.headers.get("Permissions-Policy", "")
        assert "camera=()" in pp and "microphone=()" in pp and "geolocation=(self)" in pp, (path, pp)


# ---- state changes from another site's page ----

def test_a_state_change_with_a_foreign_origin_is_refused_login_included(server):
    admin = add_root_admin(server, "http_admin2", "Http-admin-2026!")
    creds = {"username": "http_admin2", "password": "Http-admin-2026!"}
    own = server.base

    # login from a foreign page (login CSRF: logging the victim in to the attacker's account)
    for origin in ("http://evil.example", "null", own + ".evil.example", "https://127.0.0.1:%d" % server.port):
        r = requests.post(server.url("/api/v1/session"), json=creds, headers={"Origin": origin})
        assert r.status_code == 403, (origin, r.status_code, r.text)
        err = error_of(r)
        assert err["code"] == "foreign_origin" and err["field"] == "Origin"
        assert "Set-Cookie" not in r.headers

    # the server's own origin (the Host it was reached at) and public_url's origin may
    web = requests.Session()
    r = web.post(server.url("/api/v1/session"), json=creds, headers={"Origin": own})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    r = requests.post(server.url("/api/v1/session"), json=creds, headers={"Origin": "http://127.0.0.1:8080"})
    assert r.status_code == 200, r.text  # the default public_url

    # a cookie session's write from a foreign page is refused even with the CSRF token
    body = {"current_password": "Http-admin-2026!", "new_password": "Http-admin-2026!x"}
    r = web.post(server.url("/api/v1/me/password"), json=body,
                 headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert r.status_code == 403 and error_of(r)["code"] == "foreign_origin"
    r = web.delete(server.url("/api/v1/session"), headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert r.status_code == 403
    assert web.get(server.url("/api/v1/me")).status_code == 200  # still logged in
    # reads are not state changes
    assert web.get(server.url("/api/v1/me"), headers={"Origin": "http://evil.example"}).status_code == 200

    # API clients: no Origin, or a Bearer token a foreign page cannot have, keep working
    r = requests.post(server.url("/api/v1/session"), json=dict(creds, mode="bearer"))
    assert r.status_code == 200
    token = r.json()["token"]
    r = requests.delete(server.url("/api/v1/session"),
                        headers={"Authorization": "Bearer " + token, "Origin": "http://evil.example"})
    assert r.status_code == 204, r.text
    r = web.delete(server.url("/api/v1/session"), headers={"X-CSRF-Token": csrf, "Origin": own})
    assert r.status_code == 204, r.text


# ---- the Secure cookie behind a proxy ----

def _login_cookie(server, username, password, headers):
    r = requests.post(server.url("/api/v1/session"), json={"username": username, "password": password},
                      headers=headers)
    assert r.status_code == 200, r.text
    return r.headers["Set-Cookie"]


def test_x_forwarded_proto_makes_the_cookie_secure_only_from_a_trusted_proxy(tmp_path, server):
    add_root_admin(server, "http_admin3", "Http-admin-2026!")
    # anybody's X-Forwarded-Proto is ignored by a server that trusts no proxy
    assert "Secure" not in _login_cookie(server, "http_admin3", "Http-admin-2026!", {"X-Forwarded-Proto": "https"})

    proxied = Server(tmp_path, fast_hash=True, env={"GRIDGOV_TRUSTED_PROXIES": "127.0.0.1"})
    try:
        add_root_admin(proxied, "http_admin4", "Http-admin-2026!")
        assert "; Secure" in _login_cookie(proxied, "http_admin4", "Http-admin-2026!", {"X-Forwarded-Proto": "https"})
        assert "Secure" not in _login_cookie(proxied, "http_admin4", "Http-admin-2026!", {"X-Forwarded-Proto": "http"})
        # behind an HTTPS proxy the browser's Origin is https://<the Host the proxy passes on>
        r = requests.post(proxied.url("/api/v1/session"), json={"username": "http_admin4", "password": "Http-admin-2026!"},
                          headers={"X-Forwarded-Proto": "https", "Host": "grid.example.gov.cn",
                                   "Origin": "https://grid.example.gov.cn"})
        assert r.status_code == 200, r.text
    finally:
        proxied.stop()


# ---- files private to the service user ----

def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_data_directory_and_every_file_in_it_are_private(tmp_path):
    s = Server(tmp_path, fast_hash=True)
    try:
        add_root_admin(s, "http_admin5", "Http-admin-2026!")  # a write: the WAL has pages
        assert login(s, "http_admin5", "Http-admin-2026!").status_code == 200
        files = [s.data_dir, os.path.join(s.data_dir, "tmp"), os.path.join(s.data_dir, "gridgov.key")]
        if s.database.startswith("sqlite:"):
            files += [s.sqlite_path + suffix for suffix in ("", "-wal", "-shm")]
        for path in files:
            want = 0o700 if os.path.isdir(path) else 0o600
            assert _mode(path) == want, (path, oct(_mode(path)))
        s.stop()

        # files an older version (or an operator) left readable are made private again at the next start
        for path in filter(os.path.exists, files):  # SQLite removed the WAL at the clean stop
            os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)
        os.chmod(os.path.join(s.data_dir, "gridgov.key"), 0o600)  # a readable key is refused outright
        s.start()
        assert login(s, "http_admin5", "Http-admin-2026!").status_code == 200
        for path in files:
            if os.path.exists(path):
                want = 0o700 if os.path.isdir(path) else 0o600
                assert _mode(path) == want, (path, oct(_mode(path)))
    finally:
        if s.proc is not None:
            s.stop()
