"""Helpers of the live-loop tests (test_stream, test_notifications, test_scheduler): an SSE reader on a
thread, and a category plus a case walked to a given step."""
import json
import queue
import secrets
import socket
import threading
import time
import urllib.parse


class Sse:
    """A Server-Sent Events client of one stream, reading on a thread of its own: events land in a queue
    as dicts {"id", "event", "data"} (data parsed as JSON), comment lines count as heartbeats."""

    def __init__(self, server, token, last_event_id=None, path="/api/v1/stream"):
        u = urllib.parse.urlparse(server.base)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=10)
        head = f"GET {path} HTTP/1.1\r\nHost: {u.hostname}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n"
        if last_event_id is not None:
            head += f"Last-Event-ID: {last_event_id}\r\n"
        self.sock.sendall((head + "\r\n").encode())
        self.events = queue.Queue()
        self.comments = 0
        self.status = None
        self.headers = {}
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _lines(self):
        buf = b""
        self.sock.settimeout(None)
        f = self.sock.makefile("rb")
        status = f.readline().decode()
        self.status = int(status.split()[1])
        while True:
            line = f.readline().decode().rstrip("\r\n")
            if not line:
                break
            k, _, v = line.partition(":")
            self.headers[k.strip().lower()] = v.strip()
        chunked = self.headers.get("transfer-encoding") == "chunked"
        while True:
            if chunked:
                size = f.readline()
                if not size:
                    return
                n = int(size.strip() or b"0", 16)
                if n == 0:
                    return
                buf += f.read(n)
                f.readline()
            else:
                data = f.read1(65536)
                if not data:
                    return
                buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                yield line.decode()

    def _run(self):
        ev = {}
        try:
            for line in self._lines():
                if line == "":
                    if ev:
                        if "data" in ev:
                            try:
                                ev["data"] = json.loads(ev["data"])
                            except ValueError:
                                pass
                        self.events.put(ev)
                    ev = {}
                elif line.startswith(":"):
                    self.comments += 1
                else:
                    k, _, v = line.partition(":")
                    ev[k] = v[1:] if v.startswith(" ") else v
        except OSError:
            pass
        self.closed = True

    def next(self, kind=None, timeout=5.0, where=None):
        """The next event of kind (and matching where), skipping others; None after timeout."""
        end = time.time() + timeout
        while time.time() < end:
            try:
                ev = self.events.get(timeout=max(0.01, end - time.time()))
            except queue.Empty:
                return None
            if (kind is None or ev.get("event") == kind) and (where is None or where(ev)):
                return ev
        return None

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def category(admin_api, code=None):
    code = code or "live_" + secrets.token_hex(3)
    r = admin_api.post("/api/v1/categories", json={
        "code": code, "name": f"实时测试{code[-6:]}", "response_limit": 1, "response_unit": "working_days",
        "handling_limit": 5, "handling_unit": "working_days", "first_handler": "dispatcher", "priority": "normal",
        "resident_selectable": True})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def new_case(api, category_id, unit_id):
    r = api.post("/api/v1/cases", json={"channel": "hotline", "category_id": category_id,
                                        "description": "路灯不亮，晚上看不清路", "unit_id": unit_id})
    assert r.status_code == 201, r.text
    return r.json()


def act(api, case, action, **body):
    body.setdefault("version", case["version"])
    r = api.post(f"/api/v1/cases/{case['id']}/actions/{action}", json=body)
    assert r.status_code == 200, f"{action}: {r.text}"
    return r.json()


def dispatched(dispatcher_api, category_id, unit_id, dept_unit_id):
    """A case registered and dispatched to dept_unit_id."""
    k = new_case(dispatcher_api, category_id, unit_id)
    k = act(dispatcher_api, k, "accept")
    k = act(dispatcher_api, k, "register")
    return act(dispatcher_api, k, "dispatch", unit_id=dept_unit_id, note="请处置")
