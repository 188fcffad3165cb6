"""SPARQL twins of the Cypher library: same headers, same rows as Cypher on the same graph."""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.formats.rdf import write_rdf
from evgraph.formats.rdf.sparql import SparqlEngine, run_sparql, sparql_library
from evgraph.query import library, run_query


def _norm(df) -> list[tuple]:
    """Rows as sorted tuples: list cells as sorted tuples, missing/'' alike, floats rounded."""
    rows = []
    for rec in df.to_dict("records"):
        row = []
        for v in rec.values():
            if isinstance(v, list | tuple):
                v = tuple(sorted(str(x) for x in v if x not in (None, "")))
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                v = ""
            elif isinstance(v, float):
                v = round(v, 9)
            row.append(v)
        rows.append(tuple(row))
    return sorted(rows, key=repr)


def test_library_has_at_least_eight_twins_with_the_cypher_headers():
    rq, cy = sparql_library(), library()
    assert len(rq) >= 8
    for name, q in rq.items():
        assert name in cy, f"{name}.rq has no Cypher twin"
        c = cy[name]
        assert (q.description, q.params, q.columns) == (c.description, c.params, c.columns), name


#: queries over public sources (not in the curated KB) run on ``public_kg``; parameters chosen so
#: that every case returns rows (an empty case compares nothing: it fails instead of passing)
PUBLIC = {"ev_mirna_changes_in_condition", "organs_expressing_cargo"}
CASES = [(name, {}) for name in sorted(sparql_library())] + [
    ("cell_crosstalk", {"min_confidence": 0.8}),  # the top level of the curated uptake confidences
    ("cell_crosstalk", {"min_confidence": 0.7}),
    ("top_cargo", {"cargo_class": "MicroRNA", "limit": 5}),
    ("edge_references", {"predicate": "biomarker_for"}),
    ("condition_ev_sources", {"condition": "Alzheimer disease"}),
    ("organs_sending_evs_to", {"target": "liver"}),
    ("publication_statements", {"publication": "PMID:28942920"}),
    ("condition_routes", {"from_category": "neurodegenerative", "to_category": "neurodegenerative"}),
    ("condition_routes", {"source": "MONDO:0011122", "to_category": "cardiovascular"}),  # obesity
    ("circulating_biomarkers", {"condition": "MONDO:0043693", "species": "NCBITaxon:10090"}),  # ALD, mouse
    ("shared_mirna_cargo", {"category_a": "metabolic", "category_b": "renal"}),
    ("cargo_between_organs", {"source": "UBERON:0001013", "target": "UBERON:0000948"}),  # adipose -> heart
    ("organs_expressing_cargo", {"cargo": "NCBIGene:929"}),  # CD14: PanglaoDB markers, in plasma EVs
    ("organs_expressing_cargo", {"cargo": "NCBIGene:3630"}),  # INS: HPA pancreas-enriched
    ("ev_mirna_changes_in_condition", {"condition": "Parkinson disease", "biofluid": "blood serum"}),
]
# the defaults of the public-source queries name cargo absent from the fixture excerpts
CASES = [(n, p) for n, p in CASES if not (n == "organs_expressing_cargo" and not p)]


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_same_rows_as_cypher(request, name, params):
    kg = request.getfixturevalue("public_kg" if name in PUBLIC else "kg")
    sparql = run_sparql(kg, name, params)
    cypher = run_query(kg, name, params)
    assert list(sparql.columns) == list(cypher.columns)
    assert len(cypher) > 0, f"{name} {params}: no rows on this graph; choose parameters that return rows"
    assert _norm(sparql) == _norm(cypher)


def test_runs_on_an_rdf_file_and_from_the_cli(mini_kg, tmp_path):
    path = tmp_path / "kg.nq"
    write_rdf(mini_kg, path, "nq")
    from_file = run_sparql(SparqlEngine.from_file(path), "cargo_regulated_genes", {"source": "macrophage"})
    assert _norm(from_file) == _norm(run_query(mini_kg, "cargo_regulated_genes", {"source": "CL:0000235"}))
    assert len(from_file) == 1
    res = CliRunner().invoke(main, ["sparql", "cargo_regulated_genes", "--rdf", str(path), "--param",
                                    "source=macrophage", "--format", "csv"], obj={})
    assert res.exit_code == 0, res.output
    assert "mirbase:MIMAT0000646,hsa-miR-155-5p,NCBIGene:5468,PPARG,downregulated,1\n" in res.output
    res = CliRunner().invoke(main, ["sparql", "cargo_regulated_genes", "--rdf", str(path), "--param", "nope=1"],
                             obj={})
    assert res.exit_code == 1 and "unknown parameter 'nope'" in res.output
    rq = tmp_path / "q.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/evgraph/CellType> }")
    res = CliRunner().invoke(main, ["sparql", str(rq), "--rdf", str(path), "--format", "json"], obj={})
    assert res.exit_code == 0 and '"n": 3' in res.output
