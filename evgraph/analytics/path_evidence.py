"""What a path says and how well it is supported: its sign, its coherence and its evidence score.

Plain functions over hop records (the dicts :func:`evgraph.analytics.paths` returns), so that
every consumer (paths, connectivity, crosstalk, prediction features) computes them one way.

**Sign.** Each hop has a sign: the signed relationships (:data:`SIGNED`: ``regulates``,
``affects``, ``contributes_to``, and ``biomarker_for`` when it has a direction) give +1 for
``increased``/``upregulated`` and -1 for ``decreased``/``downregulated``; structural hops
(``releases``, ``carries``, ``taken_up_by``, ``homes_to``, ``released_in``, ``part_of``,
``participates_in``, ``associated_with``, ``interacts_with``, ``subclass_of``, roll-up hops, ...)
are neutral (0). A signed hop with no direction, or with conflicting directions on its parallel
edges, is unknown. The path's sign is the product of its hops' signs: ``increases`` (+1),
``decreases`` (-1), or ``unknown`` when any hop is unknown or no hop is signed. A signed hop
walked in reverse keeps its sign (the path then reads as co-variation, not causation).

**Coherence.** Consecutive hops backed by a common curated statement form one segment; hops
without a statement (ontology and database edges) are segments of their own. Where two
*statement* segments meet, the junction is *linked* when it is an entity the two statements
share explicitly (the same cargo or the same EV population) or when only ontology-hierarchy
hops (``subclass_of``, ``part_of``, roll-ups) lie between them, and *bridged* otherwise: two
studies spliced at a generic node (a cell type, an organ, a pathway, a condition) or through a
database association (pathway membership, an interaction, a gene-disease link); a junction at
a grouping term is always bridged. The path is ``single_statement`` when one statement backs all its
statement hops and nothing is bridged, ``bridged`` when any junction is (a *hypothesis*),
``linked`` otherwise.

**Evidence.** The product, over the path's distinct statements, of each statement's confidence
(counted once however many hops it backs), times the confidence of each hop without a
statement, times :data:`BRIDGE_PENALTY` per bridge, times each roll-up hop's factor
(:data:`~evgraph.analytics.closure.SPECIALISATION_PENALTY` when a broader term's evidence is
applied to a narrower node, else 1).

>>> hops = [{"relationship": "released_in", "reverse": True, "direction": "", "statements": ["S1"],
...          "confidence": 0.8, "to_class": "EVPopulation"},
...         {"relationship": "contributes_to", "reverse": False, "direction": "decreased",
...          "statements": ["S1"], "confidence": 0.8, "to_class": "Condition"}]
>>> path_sign(hops), coherence(hops)["coherence"], round(path_evidence(hops), 3)
('decreases', 'single_statement', 0.8)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: Relationships whose hops carry a sign (``biomarker_for`` only when it has a direction).
SIGNED: frozenset[str] = frozenset({"regulates", "affects", "contributes_to", "biomarker_for"})
#: Signed relationships that are neutral when they have no direction.
SIGNED_IF_DIRECTED: frozenset[str] = frozenset({"biomarker_for"})
POSITIVE: frozenset[str] = frozenset({"increased", "upregulated"})
NEGATIVE: frozenset[str] = frozenset({"decreased", "downregulated"})
#: Evidence factor per bridged junction (two studies spliced at a generic node).
BRIDGE_PENALTY = 0.5
#: Junction classes that two statements can share explicitly (cargo classes are added by name).
SHARED_ENTITY_CLASSES: frozenset[str] = frozenset({"EVPopulation", "Gene", "MicroRNA", "RNA", "Lipid",
                                                   "Metabolite", "Organelle"})

SIGN_NAMES = {1: "increases", -1: "decreases", None: "unknown"}


def _directions(value: str | Iterable[str]) -> set[str]:
    if isinstance(value, str):
        return {d for d in value.split("|") if d}
    return {d for d in value if d}


def hop_sign(relationship: str, direction: str | Iterable[str]) -> int | None:
    """+1, -1, 0 (neutral) or None (unknown) for one hop.

    >>> hop_sign("contributes_to", "increased"), hop_sign("carries", ""), hop_sign("regulates", "")
    (1, 0, None)
    >>> hop_sign("biomarker_for", ""), hop_sign("affects", "increased|decreased")
    (0, None)
    """
    if relationship not in SIGNED:
        return 0
    dirs = _directions(direction)
    if not dirs:
        return 0 if relationship in SIGNED_IF_DIRECTED else None
    signs = {1 if d in POSITIVE else -1 if d in NEGATIVE else None for d in dirs}
    if None in signs or len(signs) != 1:
        return None
    return signs.pop()


def sign_value(hops: Sequence[dict[str, Any]]) -> int | None:
    """The product of the hops' signs: +1, -1, or None (unknown, or no signed hop)."""
    prod, signed = 1, False
    for h in hops:
        s = 0 if h.get("via_closure") else hop_sign(h["relationship"], h.get("direction", ""))
        if s is None:
            return None
        if s:
            prod *= s
            signed = True
    return prod if signed else None


def path_sign(hops: Sequence[dict[str, Any]]) -> str:
    """``increases``, ``decreases`` or ``unknown`` (see the module docstring)."""
    return SIGN_NAMES[sign_value(hops)]


def segments(hops: Sequence[dict[str, Any]]) -> list[tuple[int, int, frozenset[str]]]:
    """``(first hop, last hop + 1, statements)`` of each maximal run backed by a common statement."""
    out: list[tuple[int, int, frozenset[str]]] = []
    for i, h in enumerate(hops):
        st = frozenset(h.get("statements") or ()) if not h.get("via_closure") else frozenset()
        if out and st and out[-1][2]:
            common = out[-1][2] & st
            if common:
                out[-1] = (out[-1][0], i + 1, common)
                continue
        out.append((i, i + 1, st))
    return out


#: Relationships of the ontology hierarchy: a gap made of these between two statements is a roll-up.
HIERARCHY: frozenset[str] = frozenset({"subclass_of", "part_of"})


def coherence(hops: Sequence[dict[str, Any]], grouping: Iterable[str] = ()) -> dict[str, Any]:
    """``coherence``, ``bridged_at`` (junction node ids) and ``statements`` of a path.

    Hop dicts need ``relationship``, ``statements``, ``to`` (node id) and ``to_class``;
    ``grouping`` lists node ids that are grouping terms (a junction there is always bridged).
    Two consecutive statement segments are *linked* when they meet directly at an entity both
    name (a cargo or an EV population) or through ontology-hierarchy hops only (``subclass_of``,
    ``part_of``, roll-up hops); they are *bridged* when they meet at any other node, or through
    database associations (pathway membership, interactions, gene-disease links), at the first
    node of the gap.
    """
    group = set(grouping)
    segs = segments(hops)
    bridged: list[str] = []
    last_end: int | None = None
    for lo, hi, st in segs:
        if not st:
            continue
        if last_end is not None:
            gap = hops[last_end:lo]
            junction = hops[last_end - 1]
            node, cls = junction.get("to"), junction.get("to_class", "")
            if node in group:
                bridged.append(str(node))
            elif not gap:
                if cls not in SHARED_ENTITY_CLASSES:
                    bridged.append(str(node))
            elif not all(h.get("via_closure") or h.get("relationship") in HIERARCHY for h in gap):
                bridged.append(str(node))
        last_end = hi
    for h in hops[:-1]:  # any junction at a grouping term, wherever it is
        if h.get("to") in group and str(h["to"]) not in bridged:
            bridged.append(str(h["to"]))
    statements = sorted({s for h in hops if not h.get("via_closure") for s in (h.get("statements") or ())})
    if bridged:
        kind = "bridged"
    elif len(statements) == 1:
        kind = "single_statement"
    else:
        kind = "linked"
    return {"coherence": kind, "bridged_at": bridged, "statements": statements}


def path_evidence(hops: Sequence[dict[str, Any]], bridges: int | None = None) -> float:
    """Evidence score: each statement's confidence once, each statement-less hop's confidence,
    :data:`BRIDGE_PENALTY` per bridge, roll-up factors (see the module docstring)."""
    from .closure import closure_factor

    score = 1.0
    best: dict[str, float] = {}
    for h in hops:
        if h.get("via_closure"):
            score *= closure_factor(h.get("closure", "narrower"))
            continue
        conf = float(h.get("confidence", 0.0))
        if conf != conf:  # NaN: an edge without a confidence supports nothing
            conf = 0.0
        st = h.get("statements") or ()
        if st:
            for s in st:  # parallel statements on one hop: the best one backs it
                best[s] = max(best.get(s, 0.0), conf)
        else:
            score *= conf
    used: set[str] = set()
    for _, _, common in segments(hops):
        if common:
            s = max(sorted(common), key=lambda x: best.get(x, 0.0))
            if s not in used:
                used.add(s)
                score *= best.get(s, 0.0)
    if bridges is None:
        bridges = len(coherence(hops)["bridged_at"])
    return score * BRIDGE_PENALTY ** bridges


def species_summary(hops: Sequence[dict[str, Any]]) -> tuple[list[str], bool]:
    """``(species shared by every hop that names one, cross_species)``."""
    sets = [set(h.get("species") or ()) for h in hops if h.get("species")]
    if not sets:
        return [], False
    common = set.intersection(*sets)
    return sorted(common), not common
