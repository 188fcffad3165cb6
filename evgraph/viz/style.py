"""Colours and shapes of node classes in the interactive views.

Every class of the ontology gets a style; the classes evgraph knows today have hand-picked
ones (anatomy in blues/greens, cargo in warm colours, conditions in red), any class added to the
ontology later gets the next colour of a qualitative palette, so the legend never misses one.

>>> style_for("CellType")
Style(color='#4C9BE8', shape='dot')
>>> style_for("ConditionCategory").shape
'box'
>>> len({style_for(c).color for c in ("Organ", "CellType", "MicroRNA", "Condition")})
4
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..schema import get_schema


@dataclass(frozen=True)
class Style:
    """How a node class is drawn: fill colour (hex) and vis-network shape."""

    color: str
    shape: str


#: Hand-picked styles for the ontology's classes (and ``ConditionCategory``, the synthetic
#: node class of the crosstalk view).
KNOWN: dict[str, Style] = {
    "Organ": Style("#1F5FAD", "hexagon"),
    "Biofluid": Style("#5FC3D6", "triangleDown"),
    "CellType": Style("#4C9BE8", "dot"),
    "EVPopulation": Style("#A9A9A9", "diamond"),
    "VesicleType": Style("#7F7F7F", "triangle"),
    "Gene": Style("#F28E2B", "square"),
    "MicroRNA": Style("#E15759", "star"),
    "RNA": Style("#FF9DA7", "star"),
    "Lipid": Style("#EDC948", "triangle"),
    "Metabolite": Style("#B6992D", "triangleDown"),
    "Organelle": Style("#9C755F", "square"),
    "Pathway": Style("#59A14F", "diamond"),
    "Condition": Style("#B07AA1", "hexagon"),
    "UptakeMechanism": Style("#76B7B2", "dot"),
    "Publication": Style("#BAB0AC", "square"),
    "ConditionCategory": Style("#6B3FA0", "box"),
}

_PALETTE = ("#8CD17D", "#D37295", "#499894", "#86BCB6", "#F1CE63", "#D4A6C8", "#FABFD2", "#79706E")
_SHAPES = ("dot", "square", "diamond", "triangle", "star", "hexagon", "triangleDown")


@cache
def _extra_styles() -> dict[str, Style]:
    extra = sorted(c for c in get_schema().classes if c not in KNOWN)
    return {name: Style(_PALETTE[i % len(_PALETTE)], _SHAPES[i % len(_SHAPES)]) for i, name in enumerate(extra)}


def style_for(node_class: str) -> Style:
    """The :class:`Style` of a node class (a grey dot for an unknown one)."""
    return KNOWN.get(node_class) or _extra_styles().get(node_class) or Style("#999999", "dot")


def class_label(node_class: str) -> str:
    """Human label of a class, from the ontology (``CellType`` -> ``cell type``)."""
    cls = get_schema().classes.get(node_class)
    if cls is not None and cls.label:
        return cls.label
    return "condition category" if node_class == "ConditionCategory" else node_class


#: Edge colours by relationship (the ontology's order), for views that colour edges by relationship.
_RELATION_PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
                     "#9C755F", "#8CD17D", "#499894", "#D37295", "#86BCB6", "#B6992D", "#79706E", "#D4A6C8",
                     "#F1CE63", "#A0CBE8", "#FFBE7D", "#BAB0AC")


@cache
def relation_color(relation: str) -> str:
    """The colour of a relationship's edges (a grey for one the ontology does not know).

    >>> relation_color("releases") != relation_color("carries")
    True
    """
    names = list(get_schema().relations)
    if relation not in names:
        return "#999999"
    return _RELATION_PALETTE[names.index(relation) % len(_RELATION_PALETTE)]
