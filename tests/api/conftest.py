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
import subprocess
import time
import urllib.parse

import pytest
import requests

ROOT = os.environ.get("GG_ROOT", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BINARY = os.environ.get("GG_BINARY", os.path.join(ROOT, "build-test", "gridgov"))
DATABASE = os.environ.get("GG_TEST_DATABASE", "sqlite")
IS_PG = DATABASE.startswith("postgres")


def free_port():
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


class Server:
    """One running gridgov serve process."""

    def __init__(self, tmpdir, database=None, extra_args=(), env=None):
        self.tmpdir = str(tmpdir)
        self.database = database or new_database(self.tmpdir)
        self.data_dir = os.path.join(self.tmpdir, "data")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.extra_args = list(extra_args)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None
        self.start()

    def common_args(self):
        return ["--database", self.database, "--data-dir", self.data_dir,
                "--migrations", os.path.join(ROOT, "sql", "migrations")]

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BINARY, "serve", "--listen", f"127.0.0.1:{self.port}", "--web-dir", os.path.join(ROOT, "web", "dist"),
             "--threads", "4"] + self.common_args() + self.extra_args,
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
        r = subprocess.run([BINARY] + list(args) + self.common_args(), input=input, capture_output=True,
                           text=True, env=self.env)
        if check and r.returncode != 0:
            raise AssertionError(f"gridgov {' '.join(args)} failed ({r.returncode}): {r.stderr}")
        return r

    def url(self, path):
        return self.base + path


def assert_clean_log(text):
    """No sanitizer report and no crash in a server log."""
    bad = re.findall(r"(ERROR: AddressSanitizer.*|runtime error:.*|ERROR: LeakSanitizer.*)", text)
    assert not bad, "sanitizer report in server log:\n" + text[-4000:]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("gridgov"))
    yield s
    code = s.stop()
    log = s.read_log()
    assert_clean_log(log)
    assert code == 0, f"gridgov serve exited {code} on SIGTERM:\n{log[-3000:]}"


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for tests that stop, break or restart it."""
    s = Server(tmp_path)
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
