"""A local webhook receiver for the demo: prints each delivery and checks its signature.

`make run` points notifications at it, so a proposed candidate shows up here.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("COSO_NOTIFICATIONS_WEBHOOK_SECRET", "demo-secret").encode()
PORT = int(os.environ.get("COSO_DEMO_WEBHOOK_PORT", "8099"))


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
        valid = hmac.compare_digest(expected, self.headers.get("X-Coso-Signature", ""))
        print(f"webhook {'signed' if valid else 'BAD SIGNATURE'}: {json.loads(body or b'{}')}", flush=True)
        self.send_response(204 if valid else 401)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", PORT), Receiver).serve_forever()
