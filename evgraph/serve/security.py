"""The web app's guard rails: response headers, request size limits, host check, work time limits.

* :class:`GuardMiddleware` (pure ASGI): refuses request bodies over ``max_body`` bytes (413:
  at once when declared, when the limit is passed for a chunked body) and query strings over
  ``max_query`` bytes (414), refuses ``Host`` headers that are not the bound address or localhost
  (400, against DNS rebinding), and adds
  the security headers to every response: a strict Content-Security-Policy (only the app's own
  scripts, styles and API; no inline script, no frames, no other origin), ``nosniff``,
  ``no-referrer``, ``X-Frame-Options: DENY`` and a same-origin opener/resource policy.
* :func:`run_limited` runs the blocking work of one request in a worker thread, at most
  ``workers`` at once and at most ``seconds`` including the wait for a worker (504): the
  request is answered at once and the late result is dropped (Python cannot stop a thread, so
  the work itself runs to its end).

>>> "default-src 'none'" in APP_CSP and "script-src 'self'" in APP_CSP
True
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import anyio

#: The Content-Security-Policy of the app's pages and API answers.
APP_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
           "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
MAX_BODY = 256 * 1024
MAX_QUERY = 8 * 1024


class HTTPProblem(Exception):
    """An error answered as ``{"error": message}`` with an HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


async def _send_json(send: Callable[..., Any], status: int, message: str) -> None:
    body = json.dumps({"error": message, "status": status}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"content-security-policy", APP_CSP.encode()), *HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    """Size limits, host check and security headers for every HTTP request (see the module doc)."""

    def __init__(self, app: Any, allowed_hosts: Iterable[str], max_body: int = MAX_BODY, max_query: int = MAX_QUERY):
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}
        self.max_body, self.max_query = max_body, max_query

    def _host_ok(self, scope: dict[str, Any]) -> bool:
        host = ""
        for key, value in scope.get("headers", ()):
            if key == b"host":
                host = value.decode("latin-1").lower()
                break
        if not host:
            return False
        if host.startswith("["):  # [::1]:8000
            name = host[1:host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return name in self.allowed

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self._host_ok(scope):
            await _send_json(send, 400, "this server answers only requests addressed to its own host")
            return
        if len(scope.get("query_string", b"")) > self.max_query:
            await _send_json(send, 414, f"query string over {self.max_query} bytes")
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    await _send_json(send, 400, "bad Content-Length")
                    return
                if size > self.max_body:
                    await _send_json(send, 413, f"request body over {self.max_body} bytes")
                    return
        received = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    from starlette.exceptions import HTTPException

                    raise HTTPException(413, f"request body over {self.max_body} bytes")
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                names = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", APP_CSP.encode()))
                headers += [h for h in HEADERS if h[0] not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except HTTPProblem as exc:
            if not started:
                await _send_json(send, exc.status, exc.message)


class Limits:
    """How much work one request may do: ``seconds`` of wall time, ``workers`` requests at once."""

    def __init__(self, seconds: float = 30.0, workers: int = 4):
        self.seconds = seconds
        self.limiter = anyio.CapacityLimiter(workers)


async def run_limited(limits: Limits, fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a worker thread within the limits (:class:`HTTPProblem` 503/504 past them)."""
    try:
        with anyio.fail_after(limits.seconds):
            return await anyio.to_thread.run_sync(fn, *args, limiter=limits.limiter, abandon_on_cancel=True)
    except TimeoutError:
        raise HTTPProblem(504, f"the request took longer than {limits.seconds:g} s and was stopped") from None
