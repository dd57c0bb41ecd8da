"""A local stand-in for the RDW open data API, for the tests only.

Serves the responses recorded in tests/data/<PLATE>.<dataset>.json on
127.0.0.1 exactly as the real API shapes them; a plate without a recording
answers ``[]`` (not registered), like the real one. Plate B001BB answers too
late (timeout), plate E500EE answers HTTP 500.
"""

import json
import logging
import pathlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

_logger = logging.getLogger(__name__)
DATA_DIR = pathlib.Path(__file__).parent / "data"
SLOW_PLATE = "B001BB"
SLOW_SECONDS = 2.0
ERROR_PLATE = "E500EE"


class RdwHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        self.server.requests.append(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "resource" or not parts[1].endswith(".json"):
            return self._send(404, b'{"error": "not found"}')
        dataset = parts[1][: -len(".json")]
        plate = (parse_qs(url.query).get("kenteken") or [""])[0]
        if plate == SLOW_PLATE:
            time.sleep(SLOW_SECONDS)
        if plate == ERROR_PLATE:
            return self._send(500, b'{"error": "internal"}')
        recording = DATA_DIR / f"{plate}.{dataset}.json"
        body = recording.read_bytes() if recording.exists() else b"[]"
        return self._send(200, body)

    def _send(self, status, body):
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            _logger.debug("RDW test client went away before the answer (timeout test)")

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


class RdwTestServer:
    """``with RdwTestServer() as server:`` serves on ``server.base_url``."""

    def __enter__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RdwHandler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        host, port = self.httpd.server_address
        self.base_url = f"http://{host}:{port}"
        return self

    @property
    def requests(self):
        return self.httpd.requests

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def recorded(plate, dataset):
    return json.loads((DATA_DIR / f"{plate}.{dataset}.json").read_text())
