"""The ``.rq`` library is portable SPARQL 1.1: every file runs *unchanged* on a plain pyoxigraph
store loaded from the N-Quads export, with the default-graph-as-union option off and on, and
gives the same rows as ``evgraph sparql`` (which binds the same defaults).

Parameters are bound by one-row ``VALUES`` blocks that hold the header's defaults, and no
extension function (the former ``evgraph:curie()``) is used.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_sparql import _norm

from evgraph.formats.rdf import write_rdf
from evgraph.formats.rdf.sparql import bind_values, run_sparql, solutions_frame, sparql_library

LIBRARY = sparql_library()


@pytest.fixture(scope="module")
def nquads_store(kg, tmp_path_factory):
    path = tmp_path_factory.mktemp("rq") / "kg.nq"
    write_rdf(kg, path)  # data in the default graph, the ontology in its named graph
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return store


def test_no_extension_functions_and_every_parameter_in_a_values_block():
    for name, q in LIBRARY.items():
        text = Path(q.path).read_text(encoding="utf-8")
        assert "evgraph:curie" not in text and "/curie>" not in text, name
        _, bound = bind_values(q.text, {})
        params = {p.name for p in q.params if p.name != "limit"}
        assert params <= bound, f"{name}: parameters without a VALUES row: {params - bound}"
        if any(p.name == "limit" for p in q.params):
            assert re.search(r"\bLIMIT\s+\d+\s*$", q.text), name


@pytest.mark.parametrize("union", [False, True], ids=["union-off", "union-on"])
@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_runs_unchanged_on_a_plain_store(kg, nquads_store, name, union):
    q = LIBRARY[name]
    text = Path(q.path).read_text(encoding="utf-8")  # the file as it is, header comments and all
    plain = solutions_frame(q, nquads_store.query(text, use_default_graph_as_union=union))
    ours = run_sparql(kg, name)
    assert list(plain.columns) == list(ours.columns)
    assert _norm(plain) == _norm(ours)
    # (queries over public-data relationships return no rows on the curated graph: compared as empty)


def test_values_rows_hold_the_header_defaults():
    """A VALUES row that drifts from its header default would make the file answer a different
    question on a plain store than evgraph sparql does by default."""
    from evgraph.formats.rdf.sparql import _TERM, _VALUES
    from evgraph.identifiers import expand as curie_to_iri

    for name, q in LIBRARY.items():
        expected = {}
        for p in q.params:
            if p.type == "node":
                expected[p.name] = f"<{curie_to_iri(p.default)}>" if p.default else '""'
            elif p.type == "string":
                expected[p.name] = str(ox.Literal(str(p.default)))
        for m in _VALUES.finditer(q.text):
            names = [v[1:] for v in m.group(1).split()]
            end = m.end()
            for n in names:
                t = _TERM.match(q.text, end)
                assert t is not None, name
                end = t.end()
                if n in expected:
                    assert t.group(1) == expected[n], f"{name}: VALUES ?{n} = {t.group(1)}, default {expected[n]}"
