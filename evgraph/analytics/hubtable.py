"""The hub table on arrays alone: what ``evgraph hubs --measure pagerank --null 0 --format csv``
prints, computed without pandas or SciPy (their imports alone cost more than the computation on
a million-edge graph), from the pieces of :mod:`.hubcore` that :func:`~.centrality.hubs` uses too.

>>> import evgraph
>>> kg = evgraph.load()
>>> cols = hub_columns(kg, ["pagerank"], top=3)
>>> list(cols)[:5], cols["rank"]
(['id', 'label', 'class', 'group', 'pagerank'], [1, 2, 3])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..errors import EvgraphError
from ..model import KnowledgeGraph
from .grouping import VOCABULARY_CLASSES, excluded_nodes
from .hubcore import (
    class_codes,
    class_mask,
    expand_classes,
    explain,
    group_codes,
    id_order,
    ids_sorted,
    node_ids,
    node_statements,
    pagerank_pairs,
    undirected_pairs,
)

#: the measures :func:`hub_columns` computes on its own (others need SciPy or igraph)
ARRAY_MEASURES: tuple[str, ...] = ("pagerank",)


def keep_mask(kg: KnowledgeGraph, exclude_classes: Sequence[str], exclude_grouping: bool) -> np.ndarray:
    """The nodes hub measures run on: not of ``exclude_classes``, not a grouping term (when
    ``exclude_grouping``); the same nodes as :func:`~._common.view` with
    :func:`~.grouping.excluded_nodes`."""
    keep = ~class_mask(kg, exclude_classes) if exclude_classes else np.ones(kg.num_nodes, dtype=bool)
    if exclude_grouping:
        keep &= ~excluded_nodes(kg, vocabulary=False, grouping=True)
    return keep


def hub_columns(kg: KnowledgeGraph, measures: Sequence[str] = ARRAY_MEASURES, *, rank_by: str | None = None,
                classes: Sequence[str] | None = None, exclude_classes: Sequence[str] | None = None,
                exclude_grouping: bool = True, alpha: float = 0.85, tol: float = 1e-8,
                top: int | None = None) -> dict[str, list[Any]]:
    """The hub table of :func:`~.centrality.hubs` with ``null=0``, ``explain_top=top``, ``top=top``
    for measures among :data:`ARRAY_MEASURES`, as columns of plain Python values (same columns,
    order, rows and values), computed on arrays alone.

    Only the printed rows are built: their ids, labels, statements and explanations are read for
    those rows; the ranks count every node of the view.
    """
    measures = list(dict.fromkeys(measures))
    bad = [m for m in measures if m not in ARRAY_MEASURES]
    if bad or not measures:
        raise EvgraphError(f"hub_columns computes {', '.join(ARRAY_MEASURES)} only, not {', '.join(bad) or '(none)'}")
    rank_by = rank_by or measures[0]
    if rank_by not in measures:
        raise EvgraphError(f"cannot rank by '{rank_by}': it is not among the measures computed")
    exclude = VOCABULARY_CLASSES if exclude_classes is None else tuple(exclude_classes)
    keep = keep_mask(kg, exclude, exclude_grouping)
    codes, _, u, v = undirected_pairs(keep, kg.src, kg.dst)
    values = {"pagerank": pagerank_pairs(u, v, len(codes), alpha=alpha, tol=tol)}
    cls_codes, cls_names = class_codes(kg)
    grp, grp_names = group_codes(kg)
    score = values[rank_by]
    neg = -score  # ranks: 1 + the number of strictly greater values (pandas' method="min")
    if ids_sorted(kg):  # a built graph: ties by id are ties by code
        order = np.argsort(neg, kind="stable")
    else:
        order = np.lexsort((id_order(kg)[codes], neg))
    sorted_neg = neg[order]
    if classes:
        wanted = expand_classes(kg, classes) | {c for c in classes if c == "Cargo"}
        cls_hit = np.array([str(c) in wanted for c in cls_names] + [False])[cls_codes]
        grp_hit = np.array([g in wanted for g in grp_names] + [False])[grp]
        order = order[(cls_hit | grp_hit)[codes][order]]
    if top is not None:
        order = order[:max(int(top), 0)]
    rank = np.searchsorted(sorted_neg, neg[order], side="left") + 1  # only the rows printed
    view_group = grp[codes]
    class_rank = np.empty(len(order), dtype=np.int64)
    for g in np.unique(view_group[order]).tolist():  # the few groups printed
        here = view_group[order] == g
        members = np.sort(neg[view_group == g])
        class_rank[here] = np.searchsorted(members, neg[order][here], side="left") + 1
    rows = codes[order]
    labels = kg.node_text("label", rows) if "label" in kg.node_columns else [None] * len(rows)
    cls = [str(cls_names[c]) if c >= 0 else "None" for c in cls_codes[rows].tolist()]
    statements, families = node_statements(kg, rows if len(rows) < len(codes) else None)
    st = [statements[c] for c in rows.tolist()]
    fam = [families[c] for c in rows.tolist()]
    cols: dict[str, list[Any]] = {
        "id": [node_ids(kg)[c] for c in rows.tolist()],
        "label": labels,
        "class": cls,
        "group": [grp_names[g] for g in grp[rows].tolist()],
    }
    for m in measures:
        cols[m] = values[m][order].tolist()
    cols["statements"] = st
    cols["condition_families"] = fam
    cols["rank"] = rank.tolist()
    cols["class_rank"] = class_rank.tolist()
    lead = rank_by.split("_")[0]
    cols["explanation"] = [explain(lab, c, None, None, None, lead, f, s)
                           for lab, c, f, s in zip(labels, cls, fam, st, strict=True)]
    return cols


__all__ = ["ARRAY_MEASURES", "hub_columns", "keep_mask"]
