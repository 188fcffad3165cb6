"""A real uvicorn server for the web-app tests.

The listening socket is bound before the server starts and handed to it, so no other process can
take the port between choosing and serving. By default the system picks a free port (port 0);
``EVGRAPH_TEST_HTTP_PORTS=LO-HI`` binds the first free port of that range instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


def bound_socket() -> socket.socket:
    """A listening socket on 127.0.0.1, already bound (the port is held, no race)."""
    from evgraph.serve import bind

    spec = os.environ.get("EVGRAPH_TEST_HTTP_PORTS")
    if not spec:
        return bind("127.0.0.1", 0)
    lo, hi = (int(x) for x in spec.split("-"))
    for port in range(lo, hi + 1):
        try:
            return bind("127.0.0.1", port)
        except OSError:
            continue
    raise RuntimeError(f"no free port in {lo}-{hi}")


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@contextlib.contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread; yield its base URL."""
    import uvicorn

    sock = bound_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           server_header=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def assert_error(reply: Reply, status: int) -> dict[str, Any]:
    """Check ``reply`` is the app's JSON error with HTTP ``status`` (and a message); return its body."""
    assert reply.status == status, (reply.status, reply.body[:300])
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert body["status"] == status and body["error"]
    return body


def request(base: str, path: str, *, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None) -> Reply:
    """One HTTP request with urllib (no client library between the test and the server)."""
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return Reply(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())
