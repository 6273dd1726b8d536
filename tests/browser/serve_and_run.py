#!/usr/bin/env python3
"""Runs the browser tests against a real gridgov (scripts/check.sh calls this).

Starts `gridgov serve` on a free loopback port with a fresh SQLite database in
a temporary directory and web/dist as the web root, creates an admin account
with a random password, runs `node --test tests/browser/` with GG_BASE_URL,
GG_ADMIN_USER and GG_ADMIN_PASSWORD set, then stops the server with SIGTERM.
The node runner's TAP output passes through unchanged; if the server crashed,
did not exit 0 or left a sanitizer report, that counts as one more failure
(an extra "# fail N" line, which check.sh reads last).

Arguments, if any, are the test files to run instead of the whole directory.
Environment: GG_BINARY (default build-test/gridgov), GG_KEEP=1 keeps the
temporary directory for a look at the server log.
"""
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# the ASan build's leak check hides only third-party leaks (fontconfig's caches: tests/lsan.supp), as
# scripts/check.sh sets it
os.environ.setdefault("LSAN_OPTIONS", f"suppressions={os.path.join(ROOT, 'tests', 'lsan.supp')}:print_suppressions=0")
BINARY = os.environ.get("GG_BINARY", os.path.join(ROOT, "build-test", "gridgov"))
WEB_DIR = os.path.join(ROOT, "web", "dist")
ADMIN_USER = "admin"
ADMIN_NAME = "测试管理员"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc, base, log_path, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gridgov exited with {proc.returncode}:\n{read(log_path)}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"gridgov did not answer /healthz within {timeout} s:\n{read(log_path)}")


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def main():
    if not os.path.isfile(os.path.join(WEB_DIR, "index.html")):
        print("serve_and_run: web/dist/index.html is missing; run scripts/build-web.sh first", file=sys.stderr)
        return 1
    tmp = tempfile.mkdtemp(prefix="gridgov-browser.")
    # Cheap argon2 parameters (as the API tests use): a sanitizer build hashes slowly, and these tests
    # log in a dozen times; the hashing itself is covered by the unit and API tests.
    common = ["--database", f"sqlite:{tmp}/gridgov.db", "--data-dir", os.path.join(tmp, "data"),
              "--migrations", os.path.join(ROOT, "sql", "migrations"), "--argon2-mem-kib", "8192", "--argon2-ops", "1"]
    password = "Bt-" + secrets.token_urlsafe(12)
    log_path = os.path.join(tmp, "server.log")
    proc = None
    code = 1
    try:
        for args, stdin in ((["init"], None),
                            (["user", "add", ADMIN_USER, "--password-stdin", "--display-name", ADMIN_NAME,
                              "--unit", "root"], password + "\n"),
                            (["user", "grant", ADMIN_USER, "admin", "root"], None),
                            # the working calendar from chinese-days (fetched by scripts/bootstrap.sh)
                            (["import-calendar"], None)):
            r = subprocess.run([BINARY] + args + common, input=stdin, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"serve_and_run: gridgov {' '.join(args)} failed ({r.returncode}):\n{r.stdout}{r.stderr}",
                      file=sys.stderr)
                return 1

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{port}", "--web-dir", WEB_DIR,
                                     "--threads", "4"] + common, stdout=log, stderr=subprocess.STDOUT)
        wait_healthy(proc, base, log_path)

        env = dict(os.environ, GG_BASE_URL=base, GG_ADMIN_USER=ADMIN_USER, GG_ADMIN_PASSWORD=password,
                   # for a test that loads data with a gridgov subcommand (mediation.test.mjs: demo-disputes)
                   GG_BINARY=BINARY, GG_CLI_COMMON="\n".join(common))
        # Arguments name test files to run (tests/browser/x.test.mjs); none runs the whole suite.
        targets = [os.path.abspath(a) for a in sys.argv[1:]] or [os.path.join(ROOT, "tests", "browser")]
        test = subprocess.run(["node", "--test"] + targets, cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(test.stdout)
        code = test.returncode

        proc.terminate()
        try:
            server_code = proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            server_code = proc.wait()
        proc = None
        server_log = read(log_path)
        bad = re.findall(r"(ERROR: AddressSanitizer.*|runtime error:.*|ERROR: LeakSanitizer.*)", server_log)
        if server_code != 0 or bad:
            print(f"serve_and_run: gridgov serve exited {server_code} after the browser tests"
                  + (" with a sanitizer report" if bad else "") + ":\n" + server_log[-4000:])
            fails = re.findall(r"^# fail (\d+)", test.stdout, re.M)
            print(f"# fail {int(fails[-1]) + 1 if fails else 1}")
            code = code or 1
        return code
    except RuntimeError as e:
        print(f"serve_and_run: {e}", file=sys.stderr)
        return 1
    finally:
        if proc is not None:
            proc.kill()
            proc.wait()
        if os.environ.get("GG_KEEP") == "1":
            print(f"serve_and_run: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
