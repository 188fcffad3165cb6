"""The CL is_a roll-up (issue 14 defect): ``subclass_of`` takes cell types, so the build adds
``CellType subclass_of CellType`` edges from the Cell Ontology between cell types of the graph, and
``analytics.closure`` (``CLOSURE_RELATIONS["CellType"] == "subclass_of"``) can roll cell types up."""

from __future__ import annotations

import re

import pytest

import evgraph
from evgraph.analytics.closure import CLOSURE_RELATIONS, closure_graph
from evgraph.formats.rdf.shacl import validate_kg
from evgraph.schema import get_schema


def _direct_is_a(obo_text: str) -> dict[str, set[str]]:
    """CL term -> its direct is_a parents, read from the OBO text (independently of the reader)."""
    out: dict[str, set[str]] = {}
    for stanza in obo_text.split("\n[Term]\n")[1:]:
        m = re.search(r"^id: (CL:\d{7})$", stanza, re.M)
        if m and not re.search(r"^is_obsolete: true$", stanza, re.M):
            out[m.group(1)] = set(re.findall(r"^is_a: (CL:\d{7})\b", stanza, re.M))
    return out


def test_subclass_of_takes_cell_types():
    rel = get_schema().relations["subclass_of"]
    assert "CellType" in rel.domain and "CellType" in rel.range
    assert CLOSURE_RELATIONS["CellType"] == "subclass_of"


@pytest.mark.shared_data
def test_cl_is_a_rolls_cell_types_up(shared_data):
    obo = shared_data / "ontologies" / "cl-basic_2022-09-15.obo"
    kg = evgraph.build(["curated", f"ontologies={obo}"])
    cat = dict(zip(kg.nodes["id"], kg.nodes["category"], strict=True))
    cells = {i for i, c in cat.items() if c == "CellType"}
    parents = _direct_is_a(obo.read_text(encoding="utf-8"))
    want = {(c, p) for c in cells for p in parents.get(c, ()) if p in cells and p != c}
    e = kg.edges
    got = e[(e["predicate"] == "subclass_of") & e["subject"].astype(str).isin(cells)]
    assert set(zip(got["subject"].astype(str), got["object"].astype(str), strict=True)) == want != set()
    A = closure_graph(kg).tocoo()
    ids = kg.nodes["id"].to_numpy()
    assert want <= {(ids[r], ids[c]) for r, c in zip(A.row, A.col, strict=True)}
    assert validate_kg(kg) == []  # the shapes accept CellType subclass_of CellType
    # the curated graph (no ontology loaded) is unchanged: no cell-type roll-up without CL
    cur = evgraph.load().edges
    sub = cur[cur["predicate"] == "subclass_of"]["subject"].astype(str)
    assert not sub.str.startswith("CL:").any()
