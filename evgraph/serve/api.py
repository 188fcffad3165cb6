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
from pydantic import BaseModel, Field

from ..errors import EvgraphError
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
