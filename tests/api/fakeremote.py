"""A fake remote third party for the channel tests (a 12345 platform's callback endpoint, a webhook receiver):
a small threaded HTTP server inside the test that records every POST and answers with the statuses it is told.

    fake = FakeRemote()                # listens on 127.0.0.1:<free port>
    fake.statuses = [500, 500]         # the next answers (then 200)
    fake.url("/hook")                  # http://127.0.0.1:PORT/hook
    got = fake.wait(lambda r: r["json"]["type"] == "case.created")
    fake.close()
"""
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def sign(secret, body, t=None):
    """The X-Gridgov-Signature value for body (bytes) at unix second t."""
    t = int(time.time()) if t is None else int(t)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(secret, header, body, window=300):
    parts = dict(p.split("=", 1) for p in header.split(","))
    t = int(parts["t"])
    assert abs(time.time() - t) <= window, header
    want = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, parts["v1"])


class FakeRemote:
    def __init__(self):
        self.received = []
        self.statuses = []
        self.delays = []  # seconds to wait before answering the next requests (then none)
        self.lock = threading.Lock()
        self.arrived = []  # when each request arrived (before any delay)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                with fake.lock:
                    delay = fake.delays.pop(0) if fake.delays else 0
                    fake.arrived.append(time.time())
                if delay:
                    time.sleep(delay)
                with fake.lock:
                    status = fake.statuses.pop(0) if fake.statuses else 200
                    try:
                        parsed = json.loads(body)
                    except ValueError:
                        parsed = None
                    fake.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "json": parsed, "at": time.time(), "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    def matching(self, pred):
        with self.lock:
            return [r for r in self.received if pred(r)]

    def wait(self, pred, count=1, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            got = self.matching(pred)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"waited {timeout}s for {count} matching requests; received "
                             f"{[(r['path'], r['json'] and r['json'].get('type')) for r in self.received]}")

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
