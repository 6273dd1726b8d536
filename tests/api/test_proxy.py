"""Behind a reverse proxy (trusted_proxies): the client named in X-Forwarded-For is who the audit log records and
whom login throttling counts — but only when the connection comes from a trusted proxy; anyone else's header is
ignored, so it cannot be used to dodge the per-address limits or to put a false address in the audit log."""
import os
import subprocess

import requests

from conftest import BINARY, Server, add_root_admin


def _failed_login_ips(server, admin, xff):
    requests.post(server.url("/api/v1/session"), headers={"X-Forwarded-For": xff},
                  json={"username": "nobody-here", "password": "wrong-password"})
    rows = admin.api.get("/api/v1/audit", params={"action": "login.failed"}).json()["items"]
    return rows[0]["client_ip"]


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path, server):
    # the shared server trusts no proxy: the header is ignored
    admin = add_root_admin(server, "px_admin1", "Proxy-admin-2026!")
    assert _failed_login_ips(server, admin, "203.0.113.7") == "127.0.0.1"

    proxied = Server(tmp_path, fast_hash=True, env={"GRIDGOV_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    try:
        admin2 = add_root_admin(proxied, "px_admin2", "Proxy-admin-2026!")
        assert _failed_login_ips(proxied, admin2, "203.0.113.7") == "203.0.113.7"
        # a forged first hop is skipped: the client is the rightmost address that is not a trusted proxy
        assert _failed_login_ips(proxied, admin2, "6.6.6.6, 198.51.100.4, 10.9.8.7") == "198.51.100.4"
        # a malformed header leaves the proxy's own address, never the text
        assert _failed_login_ips(proxied, admin2, "198.51.100.4, <script>") == "127.0.0.1"
    finally:
        proxied.stop()


def test_a_bad_trusted_proxies_setting_is_refused_naming_it(server):
    p = subprocess.run([BINARY, "migrate"] + server.common_args(), capture_output=True, text=True,
                       env=dict(os.environ, GRIDGOV_TRUSTED_PROXIES="10.0.0.0/33"))
    assert p.returncode == 2, p.stderr
    assert "trusted_proxies" in p.stderr and "10.0.0.0/33" in p.stderr
