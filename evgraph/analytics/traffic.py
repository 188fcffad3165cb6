"""The organ/cell EV traffic graph: transfers, neighbourhoods and the cargo linking condition categories.

* :func:`transfers`: releaser -> EV population -> target triples (``releases`` followed by
  ``taken_up_by`` or ``homes_to``), with their references;
* :func:`neighbourhood`: hop distance of every node within a radius;
* :func:`crosstalk_links`, :func:`crosstalk_pairs`: cargo and pathways linked to each condition
  category, and the ones two categories share.

>>> import evgraph
>>> kg = evgraph.load()
>>> tr = transfers(kg)
>>> list(tr.columns)
['releaser', 'population', 'target', 'refs']
>>> list(crosstalk_pairs(kg).columns)
['category_a', 'category_b', 'shared_cargo', 'shared_pathways', 'examples']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import KnowledgeGraph


def take(column: pd.Series, codes: np.ndarray) -> np.ndarray:
    """``column`` at the row positions ``codes`` as an object array ("" for missing values)."""
    values = column.take(np.asarray(codes, dtype=np.int64))
    return values.astype(object).where(values.notna(), "").to_numpy(dtype=object)


def transfer_rows(kg: KnowledgeGraph) -> pd.DataFrame:
    """Transfers as node codes plus the two edge rows behind each (``row_r``, ``row_t``); cached."""
    key = ("viz-transfer-rows",)
    if key not in kg._cache:
        codes = kg.edges["predicate"].cat.codes.to_numpy()
        cats = list(kg.edges["predicate"].cat.categories)
        wanted = [cats.index(p) for p in ("taken_up_by", "homes_to") if p in cats]
        rel = codes == cats.index("releases") if "releases" in cats else np.zeros(len(codes), dtype=bool)
        tgt = np.isin(codes, wanted)
        left = pd.DataFrame({"releaser": kg.src[rel], "population": kg.dst[rel], "row_r": np.flatnonzero(rel)})
        right = pd.DataFrame({"population": kg.src[tgt], "target": kg.dst[tgt], "row_t": np.flatnonzero(tgt)})
        out = left.merge(right, on="population", how="inner")
        kg._cache[key] = out[["releaser", "population", "target", "row_r", "row_t"]]
    return kg._cache[key]


def grouped_refs(pair: np.ndarray, rows: np.ndarray, pubs: pd.Series, n_pairs: int) -> list[list[str]]:
    """Sorted distinct references of the edge ``rows`` of each pair id (``pair``: 0..n_pairs-1)."""
    links = pd.DataFrame({"pair": pair, "row": rows}).drop_duplicates()
    uniq = np.unique(links["row"].to_numpy())
    cells = pd.Series(take(pubs, uniq), index=uniq, dtype=object).astype(str).str.split("|").explode()
    cells = cells[cells.notna() & (cells != "")]
    table = links.merge(pd.DataFrame({"row": cells.index.to_numpy(), "ref": cells.to_numpy(dtype=object)}), on="row")
    table = table[["pair", "ref"]].drop_duplicates().sort_values(["pair", "ref"], kind="stable")
    out: list[list[str]] = [[] for _ in range(n_pairs)]
    for p, refs in table.groupby("pair", sort=True)["ref"]:
        out[int(p)] = refs.tolist()
    return out


def transfers(kg: KnowledgeGraph) -> pd.DataFrame:
    """Releaser-to-target EV transfers: one row per (releaser, EV population, target) code triple.

    A releaser ``releases`` an EV population that is ``taken_up_by`` a cell type or ``homes_to``
    an organ. Columns: ``releaser``, ``population``, ``target`` (node codes) and ``refs``.
    """
    out = transfer_rows(kg)
    pubs = kg.edges["publications"]
    refs_r = pd.Series(take(pubs, out["row_r"].to_numpy()), dtype=object)
    refs_t = pd.Series(take(pubs, out["row_t"].to_numpy()), dtype=object)
    out = out.assign(refs=(refs_r.astype(str) + "|" + refs_t.astype(str)).to_numpy(dtype=object))
    return out[["releaser", "population", "target", "refs"]]



def neighbourhood(kg: KnowledgeGraph, code: int, radius: int) -> dict[int, int]:
    """Node code -> hop distance for every node within ``radius`` hops (edges in either direction)."""
    cached = ("adj", None, True, None) in kg._cache  # else scan the edge codes (no 1M-edge matrix build)
    adj = kg.adjacency(undirected=True) if cached else None
    dist = {code: 0}
    frontier = np.array([code])
    for hop in range(1, radius + 1):
        if len(frontier) == 0:
            break
        if adj is not None:
            nxt = np.unique(adj[frontier].indices)
        else:
            nxt = np.unique(np.concatenate([kg.dst[np.isin(kg.src, frontier)], kg.src[np.isin(kg.dst, frontier)]]))
        nxt = nxt[[n not in dist for n in nxt]] if len(nxt) else nxt
        for n in nxt:
            dist[int(n)] = hop
        frontier = nxt
    return dist


CATEGORY_LINKS = ("contributes_to", "released_in", "biomarker_for", "associated_with")


def crosstalk_links(kg: KnowledgeGraph) -> pd.DataFrame:
    """Cargo and pathway nodes linked to each condition category, with their support.

    Returns one row per (``category``, ``id``) with ``support`` (number of statements), : a
    cargo belongs to the categories of the conditions it or the EV populations carrying it are
    linked to (contributes_to, released_in, biomarker_for, associated_with); a pathway to those
    of the cargo or EV populations that affect it or take part in it.
    """
    cat = kg.nodes["condition_category"].to_numpy(dtype=object)
    pred = kg.edges["predicate"].astype(str).to_numpy()
    src, dst = kg.src, kg.dst
    is_cond = kg.node_class[dst] == "Condition"
    to_cat = pd.DataFrame({"node": src, "category": cat[dst]})[np.isin(pred, CATEGORY_LINKS) & is_cond]
    to_cat = to_cat[to_cat["category"].astype(str).str.len() > 0]
    carries = pd.DataFrame({"node": src, "item": dst})[pred == "carries"]
    via_pop = carries.merge(to_cat, on="node")[["item", "category"]].rename(columns={"item": "node"})
    cargo_cats = pd.concat([to_cat[~np.isin(kg.node_class[to_cat["node"].to_numpy()], ["EVPopulation"])], via_pop])
    to_pathway = pd.DataFrame({"node": src, "item": dst})[np.isin(pred, ["affects", "participates_in"])]
    carriers = pd.concat([cargo_cats, to_cat[kg.node_class[to_cat["node"].to_numpy()] == "EVPopulation"]])
    path_cats = to_pathway.merge(carriers, on="node")[["item", "category"]].rename(columns={"item": "node"})
    out = pd.concat([cargo_cats, path_cats])
    out = out[np.isin(kg.node_class[out["node"].to_numpy()], ["Gene", "MicroRNA", "RNA", "Lipid", "Metabolite",
                                                                  "Organelle", "Pathway"])]
    ids = kg.nodes["id"].to_numpy(dtype=object)
    table = out.groupby(["category", "node"]).size().rename("support").reset_index()
    table["id"] = ids[table["node"].to_numpy()]
    return table[["category", "id", "support"]].sort_values(["category", "id"], ignore_index=True)


def crosstalk_pairs(kg: KnowledgeGraph, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pairs of condition categories with the cargo and pathways linked to both."""
    links = crosstalk_links(kg) if links is None else links
    by_cat = {c: set(g["id"]) for c, g in links.groupby("category")}
    cats = sorted(by_cat)
    rows = []
    for i, a in enumerate(cats):
        for b in cats[i + 1:]:
            shared = sorted(by_cat[a] & by_cat[b])
            if not shared:
                continue
            classes = [str(kg.node_class[kg.index_of(x)]) for x in shared]
            n_path = sum(c == "Pathway" for c in classes)
            rows.append({"category_a": a, "category_b": b, "shared_cargo": len(shared) - n_path,
                         "shared_pathways": n_path, "examples": ", ".join(kg.label(x) for x in shared[:6])})
    return pd.DataFrame(rows, columns=["category_a", "category_b", "shared_cargo", "shared_pathways", "examples"])
