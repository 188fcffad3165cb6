"""Vocabulary classes and grouping terms: nodes that organise the graph rather than state biology.

* :data:`VOCABULARY_CLASSES`: bookkeeping classes (vesicle types, uptake mechanisms,
  publications). Every EV population points to a vesicle type, so ``extracellular exosome``
  would be the top hub of any EV graph; it says nothing about traffic.
* grouping terms (:func:`grouping_terms`, the registry ``evgraph/data/analytics/grouping-terms.tsv``):
  Reactome top-level pathways and the root or catch-all classes of CL, UBERON, MONDO and GO.

Both are left out of hub rankings, path junctions and ontology roll-up targets by default;
every analysis has an option to bring them back.

>>> import evgraph
>>> kg = evgraph.load()
>>> mask = excluded_nodes(kg)
>>> bool(mask[kg.index_of("GO:0070062")]), bool(mask[kg.index_of("CL:0001064")])
(True, True)
>>> bool(mask[kg.index_of("CL:0000235")])
False
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np

from ..model import KnowledgeGraph
from ..tabular import iter_tsv
from .hubcore import class_mask, id_codes

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Bookkeeping classes, never hubs or path junctions by default.
VOCABULARY_CLASSES: tuple[str, ...] = ("VesicleType", "UptakeMechanism", "Publication")


#: The grouping-term registry file (tab-separated ``id``, ``label``, ``reason``; ``#`` starts a
#: comment only at the start of a line, so a field may contain ``#``).
REGISTRY = resources.files("evgraph") / "data" / "analytics" / "grouping-terms.tsv"


@cache
def _registry_rows() -> tuple[dict[str, str], ...]:
    """The registry's data rows, read once per process (strictly, without pandas)."""
    with REGISTRY.open(encoding="utf-8") as fh:
        return tuple(row for _, row in iter_tsv(fh, str(REGISTRY), required=("id", "label", "reason")))


@cache
def grouping_terms() -> pd.DataFrame:
    """The grouping-term registry: ``id``, ``label``, ``reason``."""
    import pandas as pd

    return pd.DataFrame(list(_registry_rows()), columns=["id", "label", "reason"], dtype=str)


@cache
def grouping_term_ids() -> frozenset[str]:
    """The ids of the grouping-term registry (read once per process, without pandas)."""
    return frozenset(row["id"] for row in _registry_rows())


def excluded_nodes(kg: KnowledgeGraph, vocabulary: bool = True, grouping: bool = True) -> np.ndarray:
    """Boolean mask over node codes: vocabulary-class nodes and/or grouping terms (from the
    stored class codes and a binary search of the sorted ids: no pandas)."""
    def build() -> np.ndarray:
        mask = np.zeros(kg.num_nodes, dtype=bool)
        if vocabulary:
            mask |= class_mask(kg, VOCABULARY_CLASSES)
        if grouping:
            mask[id_codes(kg, grouping_term_ids())] = True
        mask.setflags(write=False)
        return mask

    return kg.cached(("analytics-excluded", vocabulary, grouping), build)


def exclusion_reason(kg: KnowledgeGraph, code: int) -> str:
    """Why a node is excluded by default ("" when it is not)."""
    cls = str(kg.node_class[code])
    if cls in VOCABULARY_CLASSES:
        return f"vocabulary class {cls}"
    terms = grouping_terms()
    hit = terms[terms["id"] == kg.nodes["id"].iat[code]]
    return f"grouping term ({hit['reason'].iat[0]})" if len(hit) else ""
