"""The HTML pages: search, node pages, the connectivity workflow, the query library, views.

Pages are rendered on the server with Jinja2 (autoescape on: every label, parameter and
reference is escaped) and work without JavaScript; ``/static/app.js`` adds autocomplete,
sortable tables and nothing else. No inline script or style, so the Content-Security-Policy
allows only the app's own files.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..errors import EvgraphError
from .security import HTTPProblem, run_limited
from .service import GraphService, jsonable

STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8",
          "favicon.svg": "image/svg+xml"}
VIEW_NAMES = ("overview", "graph", "crosstalk", "ego", "paths", "bodymap", "sankey")
#: Fields of the overlay form (a urlencoded POST) and their defaults.
OVERLAY_FORM = {"cargo": "", "receiver": "", "receiver_genes": "", "q_max": "0.05", "top": "50"}


@cache
def _env() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("evgraph.serve", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["qs"] = lambda d: urlencode({k: v for k, v in d.items() if v not in (None, "")})
    env.filters["num"] = _num
    return env


def _num(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def error_page(status: int, message: str) -> str:
    return render("error.html", title=f"Error {status}", status=status, message=message)


@cache
def static_file(name: str) -> bytes:
    return (resources.files("evgraph.serve") / "static" / name).read_bytes()


def router(service: GraphService, limits: Any) -> APIRouter:
    """The HTML routes over ``service``."""
    r = APIRouter(include_in_schema=False)

    async def work(fn: Any, *args: Any) -> Any:
        return await run_limited(limits, fn, *args)

    def page(template: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(render(template, summary=service.summary(), **context))

    @r.get("/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPProblem(404, f"no static file '{name}'")
        return Response(static_file(name), media_type=STATIC[name], headers={"cache-control": "max-age=3600"})

    @r.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(static_file("favicon.svg"), media_type=STATIC["favicon.svg"],
                        headers={"cache-control": "max-age=86400"})

    @r.get("/")
    async def home() -> HTMLResponse:
        return page("home.html", title="evgraph", queries=await work(service.queries))

    @r.get("/search")
    async def search(q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
        hits = await work(service.index.search, q, 50) if q.strip() else []
        return page("search.html", title=f"Search: {q}", q=q, hits=hits)

    @r.get("/nodes/{curie:path}")
    async def node(curie: Annotated[str, Path(min_length=1, max_length=300)]) -> HTMLResponse:
        data = await work(service.node, curie)
        return page("node.html", title=data["label"], node=data, tier_columns=service.tier_columns)

    @r.get("/connectivity")
    async def connectivity(source: Annotated[str, Query(max_length=300)] = "",
                           target: Annotated[str, Query(max_length=300)] = "") -> HTMLResponse:
        result = error = None
        if source and target:
            try:
                result = await work(service.connectivity, source, target)
            except EvgraphError as exc:
                error = str(exc)
        columns = _metapath_columns(result["metapaths"]) if result else []
        return page("connectivity.html", title="Connectivity", source=source, target=target, result=result,
                    error=error, columns=columns)

    @r.get("/paths")
    async def paths(source: Annotated[str, Query(min_length=1, max_length=300)],
                    target: Annotated[str, Query(min_length=1, max_length=300)],
                    metapath: Annotated[str | None, Query(max_length=200)] = None,
                    k: Annotated[int, Query(ge=1, le=200)] = 10) -> HTMLResponse:
        result = await work(service.paths, source, target, metapath, k)
        args = {"source": result["source"]["id"], "target": result["target"]["id"], "metapath": metapath, "k": k}
        return page("paths.html", title="Paths", result=result, args=args)

    @r.get("/predictions")
    async def predictions(source_class: Annotated[str, Query(max_length=60)] = "CellType",
                          target_class: Annotated[str, Query(max_length=60)] = "Condition",
                          target: Annotated[str, Query(max_length=300)] = "",
                          top: Annotated[str, Query(max_length=4)] = "20",
                          run: Annotated[str, Query(max_length=4)] = "") -> HTMLResponse:
        from ..analytics.predict import LABELS

        args = {"source_class": source_class, "target_class": target_class, "target": target or None,
                "top": _int(top, 20, 1, 500, "top")}
        result = error = None
        if run:
            try:
                result = await work(service.predictions, source_class, target_class, target or None, args["top"])
            except EvgraphError as exc:
                error = str(exc)
        return page("predictions.html", title="Predicted links", args=args, result=result, error=error,
                    source_classes=sorted({a for a, _ in LABELS}), target_classes=sorted({b for _, b in LABELS}))

    @r.get("/overlay")
    async def overlay_form() -> HTMLResponse:
        return page("overlay.html", title="Cargo overlay", form=dict(OVERLAY_FORM), result=None, error=None)

    @r.post("/overlay")
    async def overlay(request: Request) -> Response:
        from .api import overlay_table, overlay_view, table_response
        from .hypotheses import public

        if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            raise HTTPProblem(415, "the overlay form is sent as application/x-www-form-urlencoded")
        fields = parse_qs((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
        unknown = set(fields) - {*OVERLAY_FORM, "format"}
        if unknown:
            raise HTTPProblem(400, f"unknown form field(s): {', '.join(sorted(unknown))}")
        form = {k: (fields.get(k) or [d])[0] for k, d in OVERLAY_FORM.items()}
        fmt = (fields.get("format") or ["page"])[0]
        if fmt not in ("page", "csv", "json", "view"):
            raise HTTPProblem(400, "format must be page, csv, json or view")
        result = error = None
        try:
            q_max = float(form["q_max"] or 0.05)
            if not 0 <= q_max <= 1:
                raise ValueError
        except ValueError:
            raise HTTPProblem(400, "q_max must be a number between 0 and 1") from None
        try:
            genes = form["receiver_genes"] if form["receiver_genes"].strip() else None
            result = await work(lambda: service.overlay(form["cargo"], form["receiver"].strip() or None, genes,
                                                        q_max=q_max, top=_int(form["top"], 50, 0, 5000, "top")))
        except EvgraphError as exc:
            if fmt != "page":
                raise
            error = str(exc)
        if result is not None and fmt == "csv":
            return table_response(overlay_table(result), "csv", "overlay")
        if result is not None and fmt == "json":
            return JSONResponse(jsonable(public(result)),
                                headers={"content-disposition": 'attachment; filename="overlay.json"'})
        if result is not None and fmt == "view":
            return overlay_view(result)
        return page("overlay.html", title="Cargo overlay", form=form, result=public(result) if result else None,
                    error=error)

    @r.get("/queries")
    async def queries() -> HTMLResponse:
        return page("queries.html", title="Named queries", queries=await work(service.queries))

    @r.get("/queries/{name}")
    async def query(name: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,80}$")], request: Request) -> HTMLResponse:
        info = next((q for q in await work(service.queries) if q["name"] == name), None)
        if info is None:
            raise HTTPProblem(404, f"no named query '{name}'")
        given = {k: v for k, v in request.query_params.items() if k != "run"}
        table = error = None
        if "run" in request.query_params:
            try:
                df = await work(service.run_query, name, given)
                table = {"columns": [str(c) for c in df.columns], "rows": df.astype(object).values.tolist()}
            except EvgraphError as exc:
                error = str(exc)
        values = {p["name"]: given.get(p["name"], "" if p["default"] is None else _default_text(p["default"]))
                  for p in info["params"]}
        return page("query.html", title=name, query=info, values=values, table=table, error=error,
                    download=urlencode({k: v for k, v in given.items()}))

    @r.get("/views/{name}")
    async def view(name: str, request: Request) -> Response:
        if name not in VIEW_NAMES:
            raise HTTPProblem(404, f"no view '{name}' (known: {', '.join(VIEW_NAMES)})")
        options = dict(request.query_params)
        unknown = set(options) - {"node", "radius", "source", "target", "k", "metapath"}
        if unknown:
            raise HTTPProblem(400, f"unknown view option(s): {', '.join(sorted(unknown))}")
        html, csp = await work(_view_page, service, name, options)
        return HTMLResponse(html, headers={"content-security-policy": csp})

    return r


def _default_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


#: Metapath table columns shown first, in this order; other scalar columns follow.
METAPATH_FIRST = ("metapath", "length", "dwpc", "path_count", "n_paths", "p_value", "adjusted_p", "q_value",
                  "path_score")


def _metapath_columns(rows: list[dict[str, Any]]) -> list[str]:
    present: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key not in present and not isinstance(value, (list, dict)) and key != "metapath_long":
                present.append(key)
    first = [c for c in METAPATH_FIRST if c in present]
    if rows and "p_value" not in present:
        first.append("p_value")
    return first + [c for c in present if c not in first]


def _int(value: str | None, default: int, lo: int, hi: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise HTTPProblem(400, f"{name} must be an integer") from None
    if not lo <= number <= hi:
        raise HTTPProblem(400, f"{name} must be between {lo} and {hi}")
    return number


def _view_page(service: GraphService, name: str, options: dict[str, str]) -> tuple[str, str]:
    from ..viz import visualize
    from ..viz.render import page_csp

    kg = service.kg
    if name in ("bodymap", "sankey"):
        from ..viz import organs

        doc = organs.body_map(kg) if name == "bodymap" else organs.sankey(kg)
        return doc.html(), organs.PAGE_CSP
    kwargs: dict[str, Any] = {}
    if name == "ego":
        if not options.get("node"):
            raise HTTPProblem(400, "the ego view needs node=CURIE")
        kwargs = {"node": service.resolve(options["node"]), "radius": _int(options.get("radius"), 1, 1, 3, "radius")}
    elif name == "paths":
        if not (options.get("source") and options.get("target")):
            raise HTTPProblem(400, "the paths view needs source and target")
        from ..viz.views import normalise_paths

        k = _int(options.get("k"), 5, 1, 50, "k")
        result = service.paths(options["source"], options["target"], options.get("metapath") or None, k)
        if not result["paths"]:
            raise HTTPProblem(404, "no path between these nodes")
        kwargs = {"source": result["source"]["id"], "target": result["target"]["id"], "k": k,
                  "paths": normalise_paths(kg, result["paths"])}
    view = visualize(kg, name, **kwargs)
    return view.html(), page_csp()
