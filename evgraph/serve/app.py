"""The ASGI application: :func:`create_app` puts the JSON API, the HTML pages and the guard rails together.

Built on FastAPI (Starlette underneath, served by uvicorn): the API's OpenAPI schema is
generated from the typed routes, and parameters are validated before any handler runs. The
interactive documentation pages FastAPI offers (Swagger UI, ReDoc) load scripts from a CDN,
so they are switched off: the schema itself is served at ``/api/v1/openapi.json``.

>>> import evgraph
>>> app = create_app(evgraph.load())
>>> sorted(p for p in app.openapi()["paths"] if p.startswith("/api/v1/"))[:3]
['/api/v1/', '/api/v1/connectivity', '/api/v1/nodes']
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import EvgraphError, NotFoundError
from ..model import KnowledgeGraph
from . import api, pages
from .security import GuardMiddleware, HTTPProblem, Limits
from .service import GraphService

log = logging.getLogger("evgraph.serve")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _problem(request: Request, status: int, message: str, detail: Any = None) -> Response:
    if request.url.path.startswith(api.API) or "text/html" not in request.headers.get("accept", ""):
        return Response(api.error_body(status, message, detail), status_code=status, media_type="application/json")
    return HTMLResponse(pages.error_page(status, message), status_code=status)


def create_app(kg: KnowledgeGraph, *, graph_dir: str | None = None, engine: str | None = None,
               neo4j_uri: str | None = None, host: str = "127.0.0.1", time_limit: float = 30.0,
               workers: int = 4, max_body: int = 256 * 1024, warm: bool = True) -> FastAPI:
    """The web app over ``kg`` (read-only).

    ``engine``: ``embedded`` (default) or ``neo4j`` for the named queries; ``host``: the address
    the server binds (requests addressed to another host are refused); ``time_limit``: seconds
    of work per request; ``workers``: requests computed at once; ``max_body``: bytes per request
    body; ``warm``: build the search and edge indexes in a background thread once the server has
    started (a second after its startup, so the first answers do not share the interpreter with
    it; else on first use). Either way the app answers before they are built, and a request that
    needs them waits for them.
    """
    service = GraphService(kg, graph_dir, engine, neo4j_uri)
    limits = Limits(time_limit, workers)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            asyncio.get_running_loop().call_later(1.0, service.warm)
        yield

    description = ("Read-only JSON API over an evgraph knowledge graph of systemic extracellular-vesicle traffic: "
                   "search, nodes, connectivity (metapaths, DWPC, p and q values), paths, subgraphs, the named Cypher "
                   "query library, link predictions (hypotheses), a lab's cargo overlay and tissue of origin.")
    app = FastAPI(lifespan=lifespan, title="evgraph", version=__version__, openapi_url=f"{api.API}/openapi.json",
                  docs_url=None, redoc_url=None, description=description)
    app.state.service = service
    app.state.limits = limits

    @app.exception_handler(HTTPProblem)
    async def _http_problem(request: Request, exc: HTTPProblem) -> Response:
        return _problem(request, exc.status, exc.message)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return _problem(request, 404, str(exc))

    @app.exception_handler(EvgraphError)
    async def _bad_input(request: Request, exc: EvgraphError) -> Response:
        return _problem(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"where": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        first = errors[0] if errors else {"where": "", "message": "invalid request"}
        return _problem(request, 422, f"{first['where']}: {first['message']}", errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: f"no such page: {request.url.path}", 405: f"method {request.method} not allowed here"}.get(
            exc.status_code, str(exc.detail))
        return _problem(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:  # pragma: no cover - a bug
        log.exception("internal error on %s", request.url.path)
        return _problem(request, 500, "internal error (see the server log)")

    app.include_router(api.router(service, limits))
    app.include_router(pages.router(service, limits))
    hosts = {*LOCAL_HOSTS, host}
    app.add_middleware(GuardMiddleware, allowed_hosts=hosts, max_body=max_body)
    return app


def bind(host: str = "127.0.0.1", port: int = 8000) -> socket.socket:
    """A listening TCP socket on ``host:port``; port 0 lets the operating system pick a free port.

    Binding before serving means the port is held from the moment it is chosen: nothing else can
    take it between choosing and serving (the race of "find a free port, then start a server").

    >>> s = bind("127.0.0.1", 0)
    >>> s.getsockname()[1] > 0
    True
    >>> s.close()
    """
    return socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET,
                                reuse_port=False)


def run(kg: KnowledgeGraph, *, host: str = "127.0.0.1", port: int = 8000, sock: socket.socket | None = None,
        log_level: str = "info", **options: Any) -> None:
    """Serve the app with uvicorn until interrupted, on ``sock`` if given (see :func:`bind`), else on ``host:port``."""
    import uvicorn

    app = create_app(kg, host=host, **options)
    sock = sock if sock is not None else bind(host, port)
    config = uvicorn.Config(app, host=host, port=sock.getsockname()[1], log_level=log_level, server_header=False,
                            proxy_headers=False, limit_concurrency=64, timeout_keep_alive=5)
    uvicorn.Server(config).run(sockets=[sock])


__all__ = ["JSONResponse", "bind", "create_app", "run"]
