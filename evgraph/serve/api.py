"""The JSON API under ``/api/v1/`` (documented by the OpenAPI schema at ``/api/v1/openapi.json``).

Every answer is JSON (or the requested download); every error is ``{"error": "...", "status": N}``
with a 4xx status for bad input (400 bad value, 404 unknown node/query/route, 405 wrong method,
413/414 too large, 422 malformed parameter) and 504 when the work took too long. Nothing here
writes: the only POST endpoints are batch look-ups, which read.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Body, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..errors import EvgraphError
from .hypotheses import public
from .security import HTTPProblem, run_limited
from .service import GraphService, jsonable

API = "/api/v1"
MAX_BATCH_PAIRS = 50
MAX_BATCH_NODES = 500
SUBGRAPH_FORMATS = ("cytoscape", "graphml", "gexf", "html")
MEDIA = {"cytoscape": "application/json", "graphml": "application/xml", "gexf": "application/xml",
         "html": "text/html; charset=utf-8"}
EXT = {"cytoscape": "cyjs", "graphml": "graphml", "gexf": "gexf", "html": "html"}

Term = Annotated[str, Query(min_length=1, max_length=300, description="CURIE or unambiguous label/synonym")]


class Pair(BaseModel):
    source: str = Field(min_length=1, max_length=300)
    target: str = Field(min_length=1, max_length=300)


class PairBatch(BaseModel):
    pairs: list[Pair] = Field(min_length=1, max_length=MAX_BATCH_PAIRS)


class NodeBatch(BaseModel):
    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(min_length=1, max_length=MAX_BATCH_NODES)


MAX_USER_ROWS = 5000
#: What a list item of a user's cargo or gene list may not contain (it would split the table).
_SPLITTERS = ("\t", "\n", "\r", ",")


def user_text(value: str | list[str], what: str) -> str:
    """A user table given as text (TSV/CSV with a header) or as a list of names, as table text."""
    if isinstance(value, str):
        if not value.strip():
            raise HTTPProblem(400, f"{what}: empty table")
        return value
    bad = next((i for i, v in enumerate(value) if any(c in v for c in _SPLITTERS) or not v.strip()), None)
    if bad is not None:
        raise HTTPProblem(400, f"{what}[{bad}]: a name may not be empty or hold a tab, comma or line break")
    return "id\n" + "\n".join(value) + "\n"


UserTable = Annotated[str | list[Annotated[str, Field(max_length=300)]],
                      Field(description="TSV/CSV text with a header (id column: id, cargo, gene, symbol, mirna or "
                                        "name; optional log2fc, abundance, q/padj), or a list of names")]


class OverlayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cargo: UserTable
    receiver: str | None = Field(None, min_length=1, max_length=300,
                                 description="a CellType or Organ of the graph (its markers and enriched genes)")
    receiver_genes: UserTable | None = Field(None, description="or: a receiver gene list or DE table")
    q_max: float = Field(0.05, ge=0, le=1, description="DE table: receiver genes have q <= this")
    min_abs_log2fc: float = Field(0.0, ge=0, description="DE table: receiver genes have |log2fc| >= this")
    restart: float = Field(0.5, ge=0.05, le=0.95, description="restart probability of the personalised PageRank")
    top: int = Field(50, ge=0, le=MAX_USER_ROWS, description="rows returned (0 = all)")
    origin: bool = Field(True, description="also rank the cargo set's tissue of origin")


class OriginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cargo: UserTable
    classes: list[Literal["Organ", "CellType"]] = Field(["Organ", "CellType"], min_length=1)
    top: int = Field(20, ge=0, le=MAX_USER_ROWS, description="rows returned (0 = all)")


def run_overlay(service: GraphService, req: OverlayRequest) -> dict[str, Any]:
    """:meth:`GraphService.overlay` for one API/form request."""
    return service.overlay(user_text(req.cargo, "cargo"), req.receiver,
                           user_text(req.receiver_genes, "receiver_genes") if req.receiver_genes is not None
                           else None, q_max=req.q_max, min_abs_log2fc=req.min_abs_log2fc, restart=req.restart,
                           top=req.top, with_origin=req.origin)


def overlay_table(result: dict[str, Any]) -> pd.DataFrame:
    """The overlay rows as a flat table (mechanism and literature as text) for CSV."""
    from ..analytics.overlay import mechanism_text
    from ..tabular import flatten_cells

    return flatten_cells(mechanism_text(result["_frame"]))


def table_response(df: pd.DataFrame, fmt: str, name: str, extra: dict[str, Any] | None = None) -> Response:
    """A result table as JSON (records, plus ``extra``) or CSV (list cells ``|``-joined)."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([str(c) for c in df.columns])
        for row in df.astype(object).itertuples(index=False):
            writer.writerow(["|".join(map(str, v)) if isinstance(v, (list, tuple)) else "" if v is None else
                             _csv_cell(v) for v in row])
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.csv"'})
    body = {**(extra or {}), "columns": [str(c) for c in df.columns],
            "rows": [jsonable(r) for r in df.astype(object).to_dict("records")]}
    return JSONResponse(body)


def _csv_cell(value: Any) -> str:
    text = "" if isinstance(value, float) and value != value else str(value)
    # a cell starting with = + - @ would be a formula in a spreadsheet: keep it text
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def paths_table(result: dict[str, Any]) -> pd.DataFrame:
    """The paths of a result as a flat table (references joined) for CSV download."""
    rows = []
    for p in result["paths"]:
        refs = sorted({r for h in p.get("hops") or () for r in h.get("publications") or ()})
        row = {k: v for k, v in p.items() if k not in ("hops", "nodes")}
        row["nodes"] = p.get("nodes") or []
        row["references"] = refs
        rows.append(row)
    return pd.DataFrame(rows)


def router(service: GraphService, limits: Any) -> APIRouter:
    """The ``/api/v1`` routes over ``service``."""
    r = APIRouter(prefix=API)

    async def work(fn: Any, *args: Any) -> Any:
        return await run_limited(limits, fn, *args)

    @r.get("/", summary="Graph summary")
    async def summary() -> dict[str, Any]:
        """Node and edge counts per class and relationship, and the engine that runs the named queries."""
        return await work(service.summary)

    @r.get("/search", summary="Autocomplete search")
    async def search(q: Annotated[str, Query(min_length=1, max_length=200, description="text to match")],
                     limit: Annotated[int, Query(ge=1, le=100)] = 10,
                     cls: Annotated[str | None, Query(alias="class", max_length=60,
                                                      description="only nodes of this class")] = None
                     ) -> dict[str, Any]:
        """Nodes whose label, synonym or CURIE (or a word in them) starts with ``q``; best first."""
        if cls is not None and cls not in service.kg.schema.classes:
            raise HTTPProblem(400, f"unknown class '{cls}'")
        hits = await work(service.index.search, q, limit, {cls} if cls else None)
        return {"query": q, "hits": hits}

    @r.get("/nodes/{curie:path}", summary="A node")
    async def node(curie: Annotated[str, Path(min_length=1, max_length=300)]) -> dict[str, Any]:
        """A node's class, identifiers with resolver links, neighbourhood by relationship and statements."""
        return await work(service.node, curie)

    @r.post("/nodes", summary="Many nodes (batch)")
    async def nodes(batch: Annotated[NodeBatch, Body()]) -> dict[str, Any]:
        """Brief records for up to 500 CURIEs or labels; an ``error`` per id that does not resolve."""
        return {"nodes": await work(service.nodes, batch.ids)}

    @r.get("/connectivity", summary="Metapaths between two nodes")
    async def connectivity(source: Term, target: Term) -> dict[str, Any]:
        """Every metapath joining ``source`` to ``target`` with its DWPC and, when computed, p and q values."""
        return await work(service.connectivity, source, target)

    @r.post("/connectivity", summary="Connectivity for many pairs (batch)")
    async def connectivity_batch(batch: Annotated[PairBatch, Body()]) -> dict[str, Any]:
        """Connectivity for up to 50 source-target pairs; an ``error`` per pair that cannot be computed."""
        def run() -> list[dict[str, Any]]:
            out = []
            for pair in batch.pairs:
                try:
                    out.append(service.connectivity(pair.source, pair.target))
                except EvgraphError as exc:
                    out.append({"source": pair.source, "target": pair.target, "error": str(exc)})
            return out

        return {"results": await work(run)}

    @r.get("/paths", summary="Paths between two nodes")
    async def paths(source: Term, target: Term,
                    metapath: Annotated[str | None, Query(max_length=200, description="abbreviation, e.g. C<riEVctC")]
                    = None, k: Annotated[int, Query(ge=1, le=200)] = 10,
                    format: Annotated[Literal["json", "csv"], Query()] = "json") -> Any:
        """The top ``k`` paths (of ``metapath``, or of the default metapaths) with their hops and references."""
        result = await work(service.paths, source, target, metapath, k)
        if format == "csv":
            return table_response(paths_table(result), "csv", "paths")
        return result

    @r.get("/subgraph", summary="Download a subgraph")
    async def subgraph(format: Annotated[Literal["cytoscape", "graphml", "gexf", "html"], Query()] = "cytoscape",
                       source: Annotated[str | None, Query(max_length=300)] = None,
                       target: Annotated[str | None, Query(max_length=300)] = None,
                       metapath: Annotated[str | None, Query(max_length=200)] = None,
                       k: Annotated[int, Query(ge=1, le=200)] = 10,
                       node: Annotated[str | None, Query(max_length=300)] = None,
                       radius: Annotated[int, Query(ge=1, le=3)] = 1) -> Response:
        """The nodes and edges of the paths (``source``, ``target``, ``metapath``, ``k``) or of a node's
        neighbourhood (``node``, ``radius``), as Cytoscape.js JSON, GraphML, GEXF or an interactive HTML view."""
        if node is None and not (source and target):
            raise HTTPProblem(400, "give source and target (paths) or node (neighbourhood)")
        body, name = await work(_subgraph, service, format, source, target, metapath, k, node, radius)
        headers = {"content-disposition": f'attachment; filename="{name}.{EXT[format]}"'}
        if format == "html":
            from ..viz.render import page_csp

            headers["content-security-policy"] = page_csp()
        return Response(body, media_type=MEDIA[format], headers=headers)

    @r.get("/predictions", summary="Predicted links (hypotheses)")
    async def predictions(source_class: Annotated[str, Query(max_length=60)] = "CellType",
                          target_class: Annotated[str, Query(max_length=60)] = "Condition",
                          target: Annotated[str | None, Query(min_length=1, max_length=300,
                                                              description="only this target node")] = None,
                          top: Annotated[int, Query(ge=1, le=500)] = 20,
                          format: Annotated[Literal["json", "csv", "html"], Query()] = "json") -> Any:
        """Unobserved ``source_class`` -> ``target_class`` pairs ranked by the link-prediction model.

        Every row is a hypothesis (``hypothesis: true``), explained by the metapaths that add most
        to its score, with example paths and references. ``html``: the scriptless predictions view.
        """
        result = await work(service.predictions, source_class, target_class, target, top)
        if format == "csv":
            return table_response(prediction_table(result), "csv", "predictions")
        if format == "html":
            return predictions_view(result)
        return result

    @r.post("/overlay", summary="A lab's EV cargo against a receiver")
    async def overlay(req: Annotated[OverlayRequest, Body()],
                      format: Annotated[Literal["json", "csv", "html"], Query()] = "json") -> Any:
        """Rank the cargo by regulatory activity on the receiver (a CellType/Organ, or a gene list / DE table).

        The answer reports how many cargo rows mapped and names every row that did not (line,
        value, reason); ``origin`` ranks the cargo set's tissue of origin. ``csv``: the table;
        ``html``: the overlay view (flow and cargo x target heatmap, scriptless).
        """
        result = await work(run_overlay, service, req)
        if format == "csv":
            return table_response(overlay_table(result), "csv", "overlay")
        if format == "html":
            return overlay_view(result)
        return public(result)

    @r.post("/origin", summary="Tissue of origin of a cargo set")
    async def origin(req: Annotated[OriginRequest, Body()],
                     format: Annotated[Literal["json", "csv"], Query()] = "json") -> Any:
        """Organs and cell types ranked by enrichment of the cargo set (hypergeometric p, BH q; null stated)."""
        result = await work(service.origin, user_text(req.cargo, "cargo"), tuple(req.classes), req.top)
        if format == "csv":
            from ..tabular import flatten_cells

            return table_response(flatten_cells(result["_frame"]), "csv", "origin")
        return public(result)

    @r.get("/queries", summary="The named query library")
    async def queries() -> dict[str, Any]:
        """Every named query with its description, parameters (type, default) and result columns."""
        return {"queries": await work(service.queries)}

    @r.get("/queries/{name}", summary="Run a named query")
    async def query(name: Annotated[str, Path(pattern=r"^[a-z][a-z0-9_]{0,80}$")], request: Request,
                    format: Annotated[Literal["json", "csv"], Query()] = "json") -> Response:
        """Run a library query; its parameters are query-string fields (see ``/api/v1/queries``)."""
        params = {k: v for k, v in request.query_params.multi_items() if k != "format"}
        if len(set(params)) != len(params):
            raise HTTPProblem(400, "a parameter is given twice")
        df = await work(service.run_query, name, params)
        return table_response(df, format, name, {"query": name, "params": params})

    return r


def prediction_table(result: dict[str, Any]) -> pd.DataFrame:
    """Prediction rows as a flat table (top metapaths and references joined) for CSV."""
    rows = []
    for row in result["rows"]:
        tops = row.get("top_paths") or []
        flat = {k: v for k, v in row.items() if k != "top_paths"}
        flat["top_metapaths"] = [t["metapath"] for t in tops]
        flat["references"] = sorted({r for t in tops for p in t.get("paths", []) for r in p.get("references", [])})
        rows.append(flat)
    return pd.DataFrame(rows)


def predictions_view(result: dict[str, Any]) -> Response:
    """The scriptless predictions page (:mod:`evgraph.viz.predictions`) under its own CSP."""
    from ..viz.predictions import PAGE_CSP, predictions_page

    target = result.get("target")
    title = (f"Predicted {result['source_class']} routes to {target['label']}" if target
             else f"Predicted {result['source_class']} -> {result['target_class']} links")
    html = predictions_page(pd.DataFrame(result["rows"]), title=title)
    return Response(html, media_type="text/html; charset=utf-8", headers={"content-security-policy": PAGE_CSP})


def overlay_view(result: dict[str, Any]) -> Response:
    """The scriptless overlay page (:mod:`evgraph.viz.overlay`) under its own CSP."""
    from ..viz.overlay import PAGE_CSP, overlay_page

    origin = result.get("origin") or {}
    html = overlay_page(result["_frame"], receiver=str(result["receiver"].get("label", "receiver")),
                        origin=origin.get("_frame"))
    return Response(html, media_type="text/html; charset=utf-8", headers={"content-security-policy": PAGE_CSP})


def _subgraph(service: GraphService, fmt: str, source: str | None, target: str | None, metapath: str | None,
              k: int, node: str | None, radius: int) -> tuple[bytes, str]:
    from ..formats.network import ego_subgraph, paths_subgraph, to_bytes

    kg = service.kg
    if node is not None:
        center = service.resolve(node)
        if fmt == "html":
            from ..viz import visualize

            return visualize(kg, "ego", node=center, radius=radius).html().encode(), "neighbourhood"
        return to_bytes(ego_subgraph(kg, center, radius), fmt), "neighbourhood"
    assert source is not None and target is not None
    result = service.paths(source, target, metapath, k)
    if not result["paths"]:
        raise HTTPProblem(404, "no path between these nodes" + (f" for metapath {metapath}" if metapath else ""))
    if fmt == "html":
        from ..viz import visualize
        from ..viz.views import normalise_paths

        view = visualize(kg, "paths", source=result["source"]["id"], target=result["target"]["id"],
                         paths=normalise_paths(kg, result["paths"]), k=k)
        return view.html().encode(), "paths"
    return to_bytes(paths_subgraph(kg, result["paths"]), fmt), "paths"


def error_body(status: int, message: str, detail: Any = None) -> bytes:
    body: dict[str, Any] = {"error": message, "status": status}
    if detail is not None:
        body["detail"] = detail
    return json.dumps(jsonable(body)).encode()
