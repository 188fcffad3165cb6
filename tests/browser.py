"""Open pages in headless Chromium over the Chrome DevTools Protocol (for tests and benchmarks).

Only the tests and ``benchmarks/bench_viz.py`` use this; it needs the ``websocket-client``
package (``pip install evgraph[test]``) and a Chromium binary (``apt-get install chromium``).
Every request that is not ``file:``, ``data:`` or ``blob:`` is failed and recorded, so a page
that tries to reach the network is caught.

Usage::

    with Chromium() as browser:
        result = browser.open("/tmp/view.html", wait="window.evgraphDrawnAt !== undefined")
        result.errors, result.requests, browser.evaluate("window.evgraphNodes.length")
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
         "--mute-audio", "--hide-scrollbars", "--proxy-server=127.0.0.1:9",
         "--host-resolver-rules=MAP * ~NOTFOUND")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
#: The five network views, with options that give each a drawing on the curated KB (the cases of
#: the browser tests of the views).
VIEW_CASES = [
    ("overview", {}),
    ("graph", {}),
    ("ego", {"node": "macrophage", "radius": 2}),
    ("paths", {"source": "type 2 diabetes mellitus", "target": "Alzheimer disease"}),
    ("crosstalk", {}),
]


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``$EVGRAPH_CHROMIUM`` first), or ``None``."""
    env = os.environ.get("EVGRAPH_CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def overlapping(boxes: list, tol: float = 0.5) -> list[tuple[Any, Any]]:
    """The pairs of names whose boxes ``[name, left, top, right, bottom]`` (page pixels, e.g. of
    drawn labels) overlap by more than ``tol`` on both axes."""
    bad = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[1] < b[3] - tol and b[1] < a[3] - tol and a[2] < b[4] - tol and b[2] < a[4] - tol:
                bad.append((a[0], b[0]))
    return bad


def chromium_or_skip(**options: Any) -> Chromium:
    """A :class:`Chromium` (``options``: its arguments) for a test, once its parts are here: with no
    Chromium binary or no ``websocket-client`` the test is skipped, or fails under ``CI=true``
    (CI must run every test). Use as a context manager, like :class:`Chromium`."""
    import pytest

    problem = None
    try:
        import websocket  # noqa: F401
    except ImportError:
        problem = "websocket-client is not installed (pip install evgraph[test])"
    if find_chromium() is None:
        problem = "Chromium not found (apt-get install chromium, or set EVGRAPH_CHROMIUM)"
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(problem)
        pytest.skip(problem)
    return Chromium(**options)


@dataclass
class PageResult:
    """What happened while a page loaded."""

    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    load_seconds: float = 0.0


class Chromium:
    """A headless Chromium with one page, driven over the DevTools websocket."""

    def __init__(self, executable: str | None = None, width: int = 1400, height: int = 900, timeout: float = 30.0,
                 allow: tuple[str, ...] = ()):
        """``allow``: URL prefixes (e.g. a local test server) let through besides file/data/blob/about."""
        self.allow = tuple(allow)
        self.executable = executable or find_chromium()
        if not self.executable:
            raise RuntimeError("no Chromium found (apt-get install chromium, or set EVGRAPH_CHROMIUM)")
        self.width, self.height, self.timeout = width, height, timeout
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []
        self.proc: subprocess.Popen | None = None
        self._current = PageResult("")

    # ------------------------------------------------------------------ lifecycle
    def __enter__(self) -> Chromium:
        import websocket

        self._profile = tempfile.mkdtemp(prefix="evgraph-chromium-")
        flags = list(FLAGS)
        if self.allow:  # a local test server: resolve and reach 127.0.0.1 directly, nothing else
            flags = [f for f in flags if not f.startswith(("--host-resolver-rules", "--proxy-server"))]
            flags += ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--no-proxy-server"]
        args = [self.executable, *flags, f"--user-data-dir={self._profile}", "--remote-debugging-port=0",
                f"--window-size={self.width},{self.height}", "about:blank"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not (port_file.is_file() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                raise RuntimeError(f"Chromium did not start ({self.executable})")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self.ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=self.timeout,
                                              suppress_origin=True)
        target = self._call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        ws = getattr(self, "ws", None)
        if ws is not None:
            try:
                ws.send(json.dumps({"id": next(self._ids), "method": "Browser.close"}))
            except Exception:
                pass
            ws.close()
            self.ws = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        if getattr(self, "_profile", None):
            shutil.rmtree(self._profile, ignore_errors=True)

    # ------------------------------------------------------------------ protocol
    def _call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        msg_id = next(self._ids)
        msg: dict[str, Any] = {"id": msg_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self._handle(reply)

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Call a DevTools method on the page."""
        return self._call(method, params, self.session)

    def _handle(self, event: dict[str, Any]) -> None:
        method = event.get("method")
        params = event.get("params", {})
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            reply: dict[str, Any] = {"requestId": params["requestId"]}
            if url.startswith(LOCAL_SCHEMES + self.allow):
                self._fire("Fetch.continueRequest", reply)
            else:
                self._current.blocked.append(url)
                self._fire("Fetch.failRequest", {**reply, "errorReason": "BlockedByClient"})
            return
        if method == "Page.javascriptDialogOpening":
            self._current.dialogs.append(params.get("message", ""))
            self._fire("Page.handleJavaScriptDialog", {"accept": True})
            return
        if method == "Network.requestWillBeSent":
            self._current.requests.append(params["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            text = details.get("exception", {}).get("description") or details.get("text", "exception")
            self._current.errors.append(f"exception: {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self._current.errors.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                                 for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self._current.errors.append("log: " + params["entry"].get("text", ""))
        self._events.append(event)

    def _fire(self, method: str, params: dict[str, Any]) -> None:
        """Send a page command without waiting for its reply (used from event handlers)."""
        self.ws.send(json.dumps({"id": next(self._ids), "method": method, "params": params,
                                 "sessionId": self.session}))

    def evaluate(self, expression: str) -> Any:
        """Evaluate JavaScript in the page and return its (JSON-able) value."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript error: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def open(self, path_or_url: str | Path, wait: str = "document.readyState === 'complete'",
             timeout: float | None = None) -> PageResult:
        """Navigate to a file or URL and wait until the JavaScript ``wait`` expression is true."""
        url = str(path_or_url)
        if "://" not in url and not url.startswith(("about:", "data:")):
            url = Path(url).resolve().as_uri()
        self._current = PageResult(url)
        start = time.monotonic()
        self.send("Page.navigate", {"url": url})
        deadline = start + (timeout or self.timeout)
        while True:
            try:
                done = self.evaluate(f"Boolean({wait})")
            except RuntimeError:
                done = False
            if done:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"page {url} did not satisfy {wait!r} within {timeout or self.timeout} s")
            time.sleep(0.02)
        self._current.load_seconds = time.monotonic() - start
        self.pump(0.2)
        return self._current

    def wait(self, expression: str, timeout: float | None = None) -> None:
        """Wait until the JavaScript ``expression`` is true (after a click that navigates, say)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                if self.evaluate(f"Boolean({expression})"):
                    return
            except RuntimeError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{expression!r} did not become true within {timeout or self.timeout} s")
            time.sleep(0.02)

    @property
    def current(self) -> PageResult:
        """What happened since the last :meth:`open` (errors, requests, blocked requests, dialogs)."""
        return self._current

    def pump(self, seconds: float) -> None:
        """Process events for ``seconds`` (late console errors, requests)."""
        end = time.monotonic() + seconds
        self.ws.settimeout(0.05)
        try:
            while time.monotonic() < end:
                try:
                    self._handle(json.loads(self.ws.recv()))
                except Exception as exc:  # websocket timeout
                    if type(exc).__name__ != "WebSocketTimeoutException":
                        raise
        finally:
            self.ws.settimeout(self.timeout)

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the page."""
        import base64

        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path
