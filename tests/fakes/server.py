"""A small threaded HTTP server on loopback that records what it is asked."""

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qsl


@dataclass
class Reply:
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    raw: bytes | None = None  # sent instead of `body` as JSON: a body a proxy cut short
    content_type: str = "application/json"  # of `raw` (a file download)
    # Sent instead of `body`, chunk by chunk (chunked transfer encoding) as Server-Sent
    # Events: (seconds to wait first, bytes) pairs; bytes None drops the connection there.
    stream: Iterable[tuple[float, bytes | None]] | None = None


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    params: dict
    client_port: int  # which TCP connection the request came on
    at: float = field(default_factory=time.perf_counter)  # when it arrived


def _decode(content_type: str, raw: bytes) -> dict:
    if not raw:
        return {}
    if "application/json" in content_type:
        return json.loads(raw)
    params = {}
    for key, value in parse_qsl(raw.decode(), keep_blank_values=True):
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params


class Loopback:
    """An HTTP server on a free loopback port, in a thread of its own."""

    def serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeServer(Loopback):
    """Subclasses answer requests in `respond(recorded) -> Reply`."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                recorded = Recorded(
                    method="POST",
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    params=_decode(self.headers.get("Content-Type", ""), raw),
                    client_port=self.client_address[1],
                )
                with fake.lock:
                    fake.requests.append(recorded)
                reply = fake.respond(recorded)
                if reply.stream is not None:
                    self._send_stream(reply)
                    return
                body = json.dumps(reply.body).encode() if reply.raw is None else reply.raw
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(body)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def _send_stream(self, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                for wait, data in reply.stream:
                    if wait:
                        time.sleep(wait)
                    if data is None:  # dropped: no last chunk, the connection closes
                        self.close_connection = True
                        return
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def log_message(self, *args) -> None:
                pass

        self.serve(Handler)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
