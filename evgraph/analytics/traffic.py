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

from ..arrays import unique
from ..model import KnowledgeGraph


def take(column: pd.Series, codes: np.ndarray) -> np.ndarray:
    """``column`` at the row positions ``codes`` as an object array ("" for missing values)."""
    values = column.take(np.asarray(codes, dtype=np.int64))
    return values.astype(object).where(values.notna(), "").to_numpy(dtype=object)


def transfer_rows(kg: KnowledgeGraph) -> pd.DataFrame:
    """Transfers as node codes plus the two edge rows behind each (``row_r``, ``row_t``); cached."""
    def compute() -> pd.DataFrame:
        codes = kg.edges["predicate"].cat.codes.to_numpy()
        cats = list(kg.edges["predicate"].cat.categories)
        wanted = [cats.index(p) for p in ("taken_up_by", "homes_to") if p in cats]
        rel = codes == cats.index("releases") if "releases" in cats else np.zeros(len(codes), dtype=bool)
        tgt = np.isin(codes, wanted)
        left = pd.DataFrame({"releaser": kg.src[rel], "population": kg.dst[rel], "row_r": np.flatnonzero(rel)})
        right = pd.DataFrame({"population": kg.src[tgt], "target": kg.dst[tgt], "row_t": np.flatnonzero(tgt)})
        out = left.merge(right, on="population", how="inner")
        return out[["releaser", "population", "target", "row_r", "row_t"]]

    return kg.cached(("evgraph.analytics", "transfer-rows"), compute)


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
    cached = kg.is_cached(("adj", None, True, None))  # else scan the edge codes (no 1M-edge matrix build)
    adj = kg.adjacency(undirected=True) if cached else None
    dist = {code: 0}
    frontier = np.array([code])
    for hop in range(1, radius + 1):
        if len(frontier) == 0:
            break
        if adj is not None:
            nxt = unique(adj[frontier].indices)
        else:
            nxt = unique(np.concatenate([kg.dst[np.isin(kg.src, frontier)], kg.src[np.isin(kg.dst, frontier)]]))
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
    out = out[np.isin(kg.node_class[out["node"].to_numpy()], [*kg.schema.classes_under("Cargo"), "Pathway"])]
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


def hub_roles(kg: KnowledgeGraph, exclude_grouping: bool = True) -> pd.DataFrame:
    """Sender, receiver and relay roles of organs and cell types on the EV traffic graph.

    The traffic graph has an arrow releaser -> target for every supported transfer (an EV
    population one releases and the other takes up or is homed to; weight = number of EV
    populations). As CellChat does for cell-cell communication: ``sends`` is a node's weighted
    out-degree, ``receives`` its weighted in-degree, ``relay`` its betweenness on the directed
    traffic graph (shortest routes, unweighted; a node that receives and passes EV signals on);
    each as a share of the largest value, and ``role`` names the largest of the three
    (``sender``, ``receiver``, ``relay``). ``statements`` lists the curated statements behind
    the node's transfers, ``condition_families`` the condition categories those statements
    reach, ``explanation`` says it in one line. Grouping terms (e.g. ``malignant cell`` used as a
    catch-all, :mod:`.grouping`) are left out unless ``exclude_grouping=False``.

    >>> import evgraph
    >>> roles = hub_roles(evgraph.load())
    >>> {"sends", "receives", "relay", "role", "explanation", "statements"} <= set(roles.columns)
    True
    >>> set(roles["role"]) <= {"sender", "receiver", "relay"}
    True
    """
    import igraph as ig

    from .centrality import node_statements

    tr = transfer_rows(kg)
    cols = ["id", "label", "class", "sends", "receives", "relay", "role", "senders_to", "receivers_from",
            "statements", "condition_families", "explanation"]
    if tr.empty:
        return pd.DataFrame(columns=cols)
    pairs = (tr[["releaser", "target", "population"]].drop_duplicates()
             .groupby(["releaser", "target"], sort=True).size().rename("weight").reset_index())
    pairs = pairs[pairs["releaser"] != pairs["target"]]
    if exclude_grouping:
        from .grouping import excluded_nodes

        skip = excluded_nodes(kg)
        pairs = pairs[~skip[pairs["releaser"].to_numpy()] & ~skip[pairs["target"].to_numpy()]]
        if pairs.empty:
            return pd.DataFrame(columns=cols)
    codes = np.unique(np.concatenate([pairs["releaser"].to_numpy(), pairs["target"].to_numpy()]))
    pos = {int(c): i for i, c in enumerate(codes)}
    src = np.array([pos[int(x)] for x in pairs["releaser"]], dtype=np.int64)
    dst = np.array([pos[int(x)] for x in pairs["target"]], dtype=np.int64)
    w = pairs["weight"].to_numpy(dtype=float)
    n = len(codes)
    sends = np.bincount(src, weights=w, minlength=n)
    receives = np.bincount(dst, weights=w, minlength=n)
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).tolist(), directed=True)
    relay = np.asarray(g.betweenness(directed=True), dtype=float)
    out_partners = np.bincount(src, minlength=n)
    in_partners = np.bincount(dst, minlength=n)

    def share(x: np.ndarray) -> np.ndarray:
        top = float(x.max()) if len(x) else 0.0
        return x / top if top > 0 else np.zeros_like(x)

    S, R, B = share(sends), share(receives), share(relay)
    role = np.array(["sender", "receiver", "relay"], dtype=object)[np.argmax(np.column_stack([S, R, B]), axis=1)]
    # statements behind each node's transfers
    st = kg.edges["statement"].astype(str).to_numpy() if "statement" in kg.edges else np.full(kg.num_edges, "")
    links = pd.DataFrame({"node": np.concatenate([tr["releaser"].to_numpy(), tr["target"].to_numpy()]),
                          "statement": np.concatenate([st[tr["row_r"].to_numpy()], st[tr["row_t"].to_numpy()]])})
    links = links[links["statement"] != ""].drop_duplicates()
    by_node = {int(k): sorted(v) for k, v in links.groupby("node")["statement"]}
    _, families_all = node_statements(kg)
    ids, labels = kg.nodes["id"].to_numpy(dtype=object), kg.nodes["label"].to_numpy(dtype=object)
    cls = kg.node_class.astype(str)
    rows = []
    for i, c in enumerate(codes):
        stmts = by_node.get(int(c), [])
        fam = families_all[int(c)]
        text = (f"{labels[c]} ({cls[c]}) is mainly a {role[i]}: sends EVs in {int(sends[i])} transfer(s) to "
                f"{int(out_partners[i])} target(s), receives {int(receives[i])} from {int(in_partners[i])} "
                f"releaser(s), relay betweenness {relay[i]:.3g}; {len(stmts)} statement(s)"
                + (f"; reaches {', '.join(fam)}" if fam else ""))
        rows.append({"id": ids[c], "label": labels[c], "class": cls[c], "sends": S[i], "receives": R[i],
                     "relay": B[i], "role": role[i], "senders_to": int(out_partners[i]),
                     "receivers_from": int(in_partners[i]), "statements": stmts, "condition_families": fam,
                     "explanation": text})
    out = pd.DataFrame(rows, columns=cols)
    out["_top"] = out[["sends", "receives", "relay"]].max(axis=1)
    return out.sort_values(["_top", "id"], ascending=[False, True]).drop(columns="_top").reset_index(drop=True)
