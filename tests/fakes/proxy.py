"""A reverse proxy on loopback that forwards like compose's nginx.

It appends the address it was connected from to `X-Forwarded-For`
(nginx's `$proxy_add_x_forwarded_for`), keeps `Host`, and passes everything else
through, so the app sees every request coming from the proxy's own address.
"""

import http.client
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from tests.fakes.server import Loopback

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "upgrade"}


class FakeProxy(Loopback):
    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                headers.pop("X-Forwarded-For", None)
                seen = self.headers.get("X-Forwarded-For")
                peer = self.client_address[0]
                headers["X-Forwarded-For"] = f"{seen}, {peer}" if seen else peer
                upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    response = upstream.getresponse()
                    content = response.read()
                    self.send_response(response.status)
                    for key, value in response.getheaders():
                        if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                            self.send_header(key, value)
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                finally:
                    upstream.close()

            do_GET = do_POST = forward

            def log_message(self, *args) -> None:
                pass

        self.serve(Handler)
