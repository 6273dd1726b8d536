"""A lockout after too many wrong passwords shows on the account, and an administrator can lift it."""
import requests

from conftest import error_of


def test_locked_account_shows_and_can_be_unlocked(server):
    server.cli("user", "add", "ul_admin", "--password-stdin", input="Unlock-admin-2026!\n")
    server.cli("user", "grant", "ul_admin", "admin", "root")
    server.cli("user", "add", "ul_victim", "--password-stdin", input="Unlock-victim-2026!\n")
    admin = requests.post(server.url("/api/v1/session"),
                          json={"username": "ul_admin", "password": "Unlock-admin-2026!", "mode": "bearer"}).json()
    h = {"Authorization": "Bearer " + admin["token"]}
    victim = next(a for a in requests.get(server.url("/api/v1/accounts?q=ul_victim"), headers=h).json()["items"])
    assert requests.get(server.url(f"/api/v1/accounts/{victim['id']}"), headers=h).json()["locked_until"] is None
    for _ in range(5):
        requests.post(server.url("/api/v1/session"), json={"username": "ul_victim", "password": "wrong"})
    r = requests.post(server.url("/api/v1/session"), json={"username": "ul_victim", "password": "Unlock-victim-2026!"})
    assert r.status_code == 429
    assert requests.get(server.url(f"/api/v1/accounts/{victim['id']}"), headers=h).json()["locked_until"]
    # the victim cannot unlock themselves (no account.manage): 401 here, they have no session at all
    assert requests.post(server.url(f"/api/v1/accounts/{victim['id']}/unlock")).status_code == 401
    r = requests.post(server.url(f"/api/v1/accounts/{victim['id']}/unlock"), headers=h)
    assert r.status_code == 204
    assert requests.get(server.url(f"/api/v1/accounts/{victim['id']}"), headers=h).json()["locked_until"] is None
    r = requests.post(server.url("/api/v1/session"), json={"username": "ul_victim", "password": "Unlock-victim-2026!"})
    assert r.status_code == 200, r.text
    audit = requests.get(server.url("/api/v1/audit?action=account.unlock"), headers=h).json()["items"]
    assert audit and audit[0]["object_id"] == str(victim["id"]) and audit[0]["detail"]["was_locked"] is True
    assert requests.post(server.url("/api/v1/accounts/999999/unlock"), headers=h).status_code == 404
    assert error_of(requests.post(server.url("/api/v1/accounts/abc/unlock"), headers=h))["code"] == "not_found"
