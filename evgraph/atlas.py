"""The atlas: one browsable folder with every view, the analysis tables and the exports.

``evgraph atlas --out DIR`` (or :func:`write_atlas`) runs the analyses that exist in
:mod:`evgraph.analytics` (hubs, propagation paths between condition categories, crosstalk),
writes the views and ``index.html`` (sortable tables, every row linked to its view) and the
graph in every format of :data:`evgraph.formats.WRITERS` (KGX, RDF, Neo4j CSV, ...). A failing
analysis or writer leaves a note in the index instead of its section. With ``cargo`` (a lab's EV
cargo, mapped onto the graph) the atlas also ranks the cargo against ``receiver``
(:func:`evgraph.analytics.overlay.overlay`), writes the overlay view, and tabulates the cargo
set's tissue of origin (:func:`evgraph.analytics.origin.tissue_of_origin`). The folder is built in a temporary
sibling and renamed into place, so ``DIR`` is never half-written.

Layout::

    DIR/index.html            start here
    DIR/views/*.html          overview, graph, crosstalk, paths-*, ego/*, overlay (with cargo)
    DIR/tables/*.csv          the tables of the index
    DIR/exports/...           one entry per writer (kgx/, rdf/evgraph.ttl, neo4j/, ...)
    DIR/atlas.json            what was run, counts and notes
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._version import __version__
from .errors import EvgraphError
from .formats import WRITERS, Writer
from .formats.csvsafe import safe_frame
from .model import KnowledgeGraph
from .viz import analyses
from .viz.render import csp_hash
from .viz.views import crosstalk_view, ego, paths_view, traffic_map, whole_graph

MARKER = "atlas.json"
#: step timings of the run that wrote the atlas (kept out of atlas.json, which is deterministic)
TIMINGS = "timings.json"
#: Category order used to pick source -> target pairs for propagation paths.
CATEGORY_ORDER = ("metabolic", "cardiovascular", "hepatic", "renal", "inflammatory", "neurodegenerative",
                  "oncologic", "other")


@dataclass
class Section:
    """A table of the index page: rows with a ``link`` column, or a note why it is missing."""

    key: str
    title: str
    intro: str
    table: pd.DataFrame | None = None
    note: str | None = None


@dataclass
class _State:
    views: list[tuple[str, str, str]] = field(default_factory=list)  # (title, href, summary)
    sections: list[Section] = field(default_factory=list)
    exports: list[tuple[str, str]] = field(default_factory=list)  # (name, href)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def slug(text: str) -> str:
    """A file-name-safe version of a CURIE or label.

    >>> slug("CL:0000235")
    'CL_0000235'
    >>> slug("obesity disorder -> Alzheimer disease")
    'obesity_disorder_-_Alzheimer_disease'
    """
    return re.sub(r"[^A-Za-z0-9.-]+", "_", text).strip("_") or "x"


def condition_pairs(kg: KnowledgeGraph, limit: int = 8) -> list[tuple[str, str]]:
    """(source, target) conditions between condition categories for the paths section.

    For each pair of categories in :data:`CATEGORY_ORDER` order (metabolic before
    neurodegenerative, ...), the best-connected condition of each; at most ``limit`` pairs.
    """
    conds = kg.nodes[kg.nodes["category"] == "Condition"]
    if conds.empty:
        return []
    deg = analyses.degree(kg)
    best: dict[str, str] = {}
    for cat, group in conds.groupby("condition_category"):
        codes = np.array([kg.index_of(x) for x in group["id"]])
        order = np.lexsort((group["id"].to_numpy(), -deg[codes]))
        best[str(cat)] = str(group["id"].iat[order[0]])
    # 'other' is a catch-all, not a condition family: no headline pair is drawn from it
    cats = [c for c in CATEGORY_ORDER if c in best and c != "other"] + sorted(
        c for c in best if c not in CATEGORY_ORDER)
    pairs = [(best[a], best[b]) for i, a in enumerate(cats) for b in cats[i + 1:]]
    return pairs[:limit]


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    from .progress import bar

    if enabled is None:
        return bar(total=total, desc="atlas", unit="step", leave=True, delay=0)
    return tqdm(total=total, desc="atlas", unit="step", file=sys.stderr, disable=not enabled)


def write_atlas(kg: KnowledgeGraph, out: str | Path, *, size_by: str = "degree", cap: int = 2000,
                top_hubs: int = 20, k: int = 5, path_pairs: int = 6, permutations: int = 100,
                exports: bool = True, progress: bool | None = None, cargo: pd.DataFrame | None = None,
                receiver: str | list[str] | None = None, background: list[str] | None = None) -> Path:
    """Write the atlas of ``kg`` into ``out`` (replacing an earlier atlas there); return ``out/index.html``.

    ``cargo``: a frame with an ``id`` column of graph node ids (e.g. ``read_table(...).frame``);
    ``receiver``: a CellType/Organ node or receiver gene ids (with ``background``, the genes a DE
    table tested). Without ``receiver`` only the tissue of origin of the cargo is tabulated.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise EvgraphError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise EvgraphError(f"{out}: folder exists and is not an evgraph atlas; choose another --out or remove it")
    from .atomic import atomic_dir

    # staged beside ``out`` and swapped in whole; temporaries of killed runs are removed first
    with atomic_dir(out) as tmp:
        _build(kg, tmp, size_by=size_by, cap=cap, top_hubs=top_hubs, k=k, path_pairs=path_pairs,
               permutations=permutations, exports=exports, progress=progress,
               user=(cargo, receiver, background) if cargo is not None else None)
    return out / "index.html"


def _build(kg: KnowledgeGraph, root: Path, *, size_by: str, cap: int, top_hubs: int, k: int, path_pairs: int,
           permutations: int, exports: bool, progress: bool | None, user: tuple | None = None) -> None:
    (root / "views" / "ego").mkdir(parents=True)
    (root / "tables").mkdir()
    st = _State()
    steps: list[tuple[str, Callable[[], None]]] = [
        ("overview", lambda: _view(st, root, "overview.html", "EV traffic map",
                                   lambda: traffic_map(kg, size_by=size_by, cap=cap))),
        ("whole graph", lambda: _view(st, root, "graph.html", "Whole graph",
                                      lambda: whole_graph(kg, size_by=size_by, cap=cap))),
        ("hubs", lambda: _hubs(st, root, kg, size_by, top_hubs)),
        ("paths", lambda: _paths(st, root, kg, size_by, k, path_pairs)),
        ("crosstalk", lambda: _crosstalk(st, root, kg, size_by, permutations)),
    ]
    if user is not None:
        steps.append(("overlay", lambda: _overlay(st, root, kg, *user)))
    if exports:
        steps += [(f"{w.name} export", lambda w=w: _export(st, root, kg, w)) for w in WRITERS.values()]
    steps.append(("index", lambda: _index(st, root, kg)))
    with _progress(len(steps), progress) as bar:
        for name, step in steps:
            bar.set_postfix_str(name)
            t0 = time.perf_counter()
            step()
            st.timings[name] = round(time.perf_counter() - t0, 3)
            bar.update(1)


def _warn(st: _State, text: str) -> None:
    st.notes.append(text)
    print(f"evgraph: warning: {text}", file=sys.stderr)


def _view(st: _State, root: Path, name: str, title: str, make: Callable[[], Any], listed: bool = True) -> str | None:
    try:
        view = make()
    except EvgraphError as exc:
        _warn(st, f"view '{title}' skipped: {exc}")
        return None
    view.back_link = "../" * name.count("/") + "../index.html"
    view.write(root / "views" / name)
    if listed:
        st.views.append((title, f"views/{name}", f"{view.num_nodes} nodes, {view.num_edges} edges"))
    return f"views/{name}"


def _analysis(st: _State, name: str, run: Callable[[], Any]) -> Any:
    """Run an analytics function; a missing or failing one becomes a note."""
    if not analyses.has_analysis(name):
        return None
    try:
        return run()
    except Exception as exc:  # an analysis bug must not cost the user the rest of the atlas
        _warn(st, f"evgraph.analytics.{name} failed ({type(exc).__name__}: {exc}); its section is skipped")
        return None


def _hubs(st: _State, root: Path, kg: KnowledgeGraph, size_by: str, top: int) -> None:
    intro = ("Hubs (evgraph.analytics.hubs): nodes more central than their degree predicts, ranked by PageRank "
             "above its mean over 20 degree-preserving permuted graphs, on the graph without vocabulary nodes "
             "(vesicle types, uptake mechanisms, publications) and grouping terms; each row says why, and opens "
             "the node's neighbourhood.")
    measures = ["pagerank", "degree", "betweenness"]
    table = _analysis(st, "hubs", lambda: analyses.analysis("hubs")(kg, measures=measures))
    if table is None:
        st.sections.append(Section("hubs", "Hubs", intro, note="evgraph.analytics.hubs is not available; "
                                   "the views are sized by degree."))
        return
    table = table.sort_values("rank").head(top).reset_index(drop=True)
    cols = [c for c in ("rank", "label", "id", "class", "pagerank", "pagerank_z", "degree", "betweenness",
                        "explanation") if c in table.columns]
    table = table[cols].copy()
    links = []
    for curie in table["id"]:
        name = f"ego/{slug(curie)}.html"
        href = _view(st, root, name, f"Neighbourhood of {kg.label(curie)}",
                     lambda c=curie: ego(kg, c, radius=1, size_by=size_by), listed=False)
        links.append(href or "")
    table["link"] = links
    safe_frame(table).to_csv(root / "tables" / "hubs.csv", index=False)
    st.sections.append(Section("hubs", "Hubs", intro, table))


def _paths(st: _State, root: Path, kg: KnowledgeGraph, size_by: str, k: int, n_pairs: int) -> None:
    intro = ("Top propagation paths (evgraph.analytics.paths: typed metapaths ranked by evidence, each statement "
             "counted once) between the best-connected conditions of different condition categories, with their "
             "sign (net effect on the target) and coherence; a path marked HYPOTHESIS splices two studies at a "
             "generic node. Each row opens the pair's paths view with every hop's references.")
    if not analyses.has_analysis("paths"):
        st.sections.append(Section("paths", "Propagation paths", intro,
                                   note="evgraph.analytics.paths is not available; section skipped."))
        return
    rows = []
    fn = analyses.analysis("paths")
    for source, target in condition_pairs(kg, n_pairs):
        found = _analysis(st, "paths", lambda s=source, t=target: fn(kg, s, t, k=k))
        if found is None or len(found) == 0:
            continue
        from .viz.views import normalise_paths

        plist = normalise_paths(kg, found)
        name = f"paths-{slug(source)}--{slug(target)}.html"
        title = f"Paths: {kg.label(source)} \u2192 {kg.label(target)}"
        href = _view(st, root, name, title,
                     lambda s=source, t=target, p=plist: paths_view(kg, s, t, k=k, size_by=size_by, paths=p))
        for rank, rec in enumerate(found.to_dict("records") if isinstance(found, pd.DataFrame) else [], start=1):
            rows.append({"source": kg.label(source), "target": kg.label(target), "rank": rec.get("rank", rank),
                         "metapath": rec.get("metapath", ""), "sign": rec.get("sign", ""),
                         "coherence": rec.get("coherence", ""), "evidence": rec.get("evidence", np.nan),
                         "path": rec.get("path", ""), "link": href or ""})
    if not rows:
        st.sections.append(Section("paths", "Propagation paths", intro,
                                   note="no propagation path was found between the condition categories."))
        return
    table = pd.DataFrame(rows)
    safe_frame(table).to_csv(root / "tables" / "paths.csv", index=False)
    st.sections.append(Section("paths", "Propagation paths", intro, table))


def _crosstalk(st: _State, root: Path, kg: KnowledgeGraph, size_by: str, permutations: int) -> None:
    intro = (f"Crosstalk between condition categories (evgraph.analytics.crosstalk: DWPC over condition-to-condition "
             f"metapaths through EV populations, p-value against {permutations} degree-preserving permuted graphs, "
             "Benjamini-Hochberg q), sorted by q; the 'other' category is left out of this table (see "
             "tables/crosstalk.csv). Each row opens the crosstalk view at the pair's source category.")
    result = _analysis(st, "crosstalk", lambda: analyses.analysis("crosstalk")(kg, permutations=permutations, seed=0))
    href = _view(st, root, "crosstalk.html", "Crosstalk between condition categories",
                 lambda: crosstalk_view(kg, size_by=size_by, result=result))
    if result is None:
        st.sections.append(Section("crosstalk", "Crosstalk", intro,
                                   note="evgraph.analytics.crosstalk failed; see the warnings above."))
        return
    if "score" not in result.table.columns:  # a graph without categorised conditions (error path, issue 18)
        st.sections.append(Section("crosstalk", "Crosstalk", intro,
                                   note="no crosstalk: the graph has no categorised conditions."))
        return
    order = [c for c in ("q_value", "score", "category_a", "category_b") if c in result.table.columns]
    full = result.table[result.table["score"] > 0].sort_values(order, ascending=[c != "score" for c in order],
                                                                 kind="stable")
    cols = [c for c in ("category_a", "category_b", "score", "p_value", "q_value", "routes_increases",
                        "routes_decreases", "note", "n_condition_pairs", "top_EV", "top_cargo", "top_pathway")
            if c in full.columns]
    full = full[cols].reset_index(drop=True)
    safe_frame(full).to_csv(root / "tables" / "crosstalk.csv", index=False)
    table = full[(full["category_a"] != "other") & (full["category_b"] != "other")].reset_index(drop=True)
    table["link"] = [f"{href}#node=category:{a}" if href else "" for a in table["category_a"]]
    st.sections.append(Section("crosstalk", "Crosstalk", intro, table))


def _overlay(st: _State, root: Path, kg: KnowledgeGraph, cargo: pd.DataFrame, receiver: str | list[str] | None,
             background: list[str] | None) -> None:
    """The user's cargo: the overlay ranking and view (with a receiver) and the tissue of origin."""
    from .analytics.origin import NULL_SUMMARY, tissue_of_origin
    from .analytics.overlay import mechanism_text, overlay
    from .tabular import flatten_cells
    from .viz.overlay import write_overlay

    ids = cargo["id"].astype(str).tolist()
    origin = None
    o_intro = "Tissue of origin of your cargo (evgraph.analytics.origin): organs and cell types ranked. " + NULL_SUMMARY
    try:
        origin = tissue_of_origin(kg, ids, top=20)
    except EvgraphError as exc:
        st.sections.append(Section("origin", "Tissue of origin of your cargo", o_intro, note=str(exc)))
    intro = ("Your cargo against the receiver (evgraph.analytics.overlay): activity = AUPR of each cargo's regulatory "
             "potential (personalised PageRank over the graph's priors, NicheNet/EV-Net style) against the receiver "
             "genes minus the background rate (0 = chance); a ranking, not a test, so no p-value. Mechanisms are "
             "prior-network paths: hypotheses of how. Each row opens the overlay view.")
    href = ""
    if receiver is None:
        st.sections.append(Section("overlay", "Your cargo against a receiver", intro,
                                   note="no receiver given (--receiver): only the tissue of origin is tabulated"))
    else:
        try:
            df = overlay(kg, cargo, receiver, background=background)
        except EvgraphError as exc:
            st.sections.append(Section("overlay", "Your cargo against a receiver", intro, note=str(exc)))
        else:
            name = receiver if isinstance(receiver, str) else f"{len(receiver)} receiver genes"
            label = kg.label(receiver) if isinstance(receiver, str) else name
            write_overlay(df, root / "views" / "overlay.html", receiver=label, origin=origin)
            href = "views/overlay.html"
            st.views.append(("Your cargo against " + label, href,
                             f"{len(df)} cargo ranked, {df.attrs['receiver_size']} receiver genes"))
            cols = [c for c in ("rank", "label", "cargo", "activity", "auroc", "sign", "targets", "mechanism",
                                "literature") if c in df.columns]
            table = flatten_cells(mechanism_text(df[cols]))
            safe_frame(table).to_csv(root / "tables" / "overlay.csv", index=False)
            table = table.head(50).copy()
            table["link"] = href
            st.sections.append(Section("overlay", "Your cargo against " + label, intro, table))
    if origin is not None:
        cols = [c for c in ("rank", "label", "node", "class", "overlap_expression", "q_expression",
                            "overlap_ev_release", "q_ev_release", "drivers") if c in origin.columns]
        table = flatten_cells(origin[cols])
        safe_frame(table).to_csv(root / "tables" / "origin.csv", index=False)
        table = table.copy()
        table["link"] = href
        st.sections.append(Section("origin", "Tissue of origin of your cargo", o_intro, table))


def _export(st: _State, root: Path, kg: KnowledgeGraph, writer: Writer) -> None:
    """Write one format of :data:`evgraph.formats.WRITERS` into ``exports/``; a failure becomes a note."""
    href = f"exports/{writer.default_name}" + ("/" if writer.target == "folder" else "")
    try:
        writer.write(kg, root / "exports" / writer.default_name)
    except Exception as exc:  # an exporter bug must not cost the user the rest of the atlas
        _warn(st, f"{writer.title} export failed ({type(exc).__name__}: {exc})")
        return
    st.exports.append((writer.title, href))


# ---------------------------------------------------------------------- index page
def _asset(name: str) -> str:
    """The text of an asset file of the atlas (``evgraph/assets/atlas-*``)."""
    return (Path(__file__).parent / "assets" / name).read_text(encoding="utf-8")


def _cells(table: pd.DataFrame) -> tuple[list[str], list[list[dict[str, Any]]]]:
    """Columns and cells of a section table; the first text column links to the row's view."""
    cols = [c for c in table.columns if c != "link"]
    link_col = next((c for c in ("label", "source", "category_a") if c in cols), cols[0])
    rows = []
    for rec in table.to_dict("records"):
        row = []
        for c in cols:
            v = rec[c]
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                fv = float(v)
                text = "" if np.isnan(fv) else (f"{int(fv)}" if fv.is_integer() and abs(fv) < 1e15 else f"{fv:.4g}")
                row.append({"num": True, "v": "NaN" if np.isnan(fv) else repr(fv), "text": text})
            else:
                href = rec.get("link") if c == link_col and rec.get("link") else None
                row.append({"num": False, "text": "" if v is None else str(v), "href": href})
        rows.append(row)
    return cols, rows


def _index(st: _State, root: Path, kg: KnowledgeGraph) -> None:
    import jinja2

    from .atomic import atomic_open

    sections = []
    for s in st.sections:
        cols, rows = _cells(s.table) if s.table is not None else ([], [])
        sections.append({"key": s.key, "title": s.title, "intro": s.intro, "note": s.note, "columns": cols,
                         "rows": rows})
    sort_js = _asset("atlas-sort.js")
    csp = (f"default-src 'none'; script-src {csp_hash(sort_js)}; style-src 'unsafe-inline'; img-src data:; "
           "base-uri 'none'; form-action 'none'")
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    summary = (f"{kg.num_nodes} nodes and {kg.num_edges} edges from "
               f"{', '.join(str(s.get('name', s)) if isinstance(s, dict) else str(s) for s in kg.metadata.get('sources', [])) or 'the graph'}")  # noqa: E501
    html = env.from_string(_asset("atlas-index.html")).render(
        csp=csp, summary=summary, notes=st.notes, views=st.views, sections=sections, exports=st.exports,
        version=__version__, ontology=kg.schema.version, js=jinja2.utils.markupsafe.Markup(sort_js))
    with atomic_open(root / "index.html") as fh:
        fh.write(html)
    manifest = {"format": "evgraph-atlas", "evgraph_version": __version__, "ontology_version": kg.schema.version,
                "num_nodes": kg.num_nodes, "num_edges": kg.num_edges, "views": [v[1] for v in st.views],
                "sections": {s.key: (s.note or f"{len(s.table)} rows") for s in st.sections},
                "exports": [e[1] for e in st.exports], "notes": st.notes}
    with atomic_open(root / MARKER) as fh:  # no timings here: atlas.json is deterministic
        json.dump(manifest, fh, indent=2, sort_keys=True)
        fh.write("\n")
    with atomic_open(root / TIMINGS) as fh:  # the one file that differs between identical runs
        json.dump({"seconds": st.timings}, fh, indent=2, sort_keys=True)
        fh.write("\n")
