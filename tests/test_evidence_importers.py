"""Importers feed the evidence layer: Vesiclepedia/ExoCarta isolation method and sample source
become structured separation_method / model_system values through the reviewed mapping files
(evgraph/data/mappings/separation_methods.tsv, sample_sources.tsv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import evgraph
from evgraph.build.qc import BuildReport
from evgraph.model import split_list
from evgraph.schema import get_schema
from evgraph.sources._context import norm_name, sample_source_table, separation_method_table

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sources" / "vesiclepedia"


def test_mapping_values_are_in_the_vocabularies():
    vocab = get_schema().vocabularies
    for text, value in separation_method_table().items():
        assert value == "" or value in vocab["SeparationMethod"], (text, value)
    for code, (human, other) in sample_source_table().items():
        assert {human, other} <= set(vocab["ModelSystem"]), code
    assert separation_method_table()["ultracentrifugation"] == "differential_ultracentrifugation"
    assert separation_method_table()["filtration"] == ""  # pre-clearing: deliberately not a separation method


def _source(rep: BuildReport, name: str):
    return next(s for s in rep.to_dict()["sources"] if s["name"] == name)


def test_fixture_experiments_carry_structured_fields():
    rep = BuildReport()
    kg = evgraph.build([f"vesiclepedia={FIXTURE}"], report=rep)
    e = kg.edges
    exp3 = e[e["subject"].astype(str) == "evgraph:vesiclepedia-exp-3"]
    assert len(exp3) > 0
    # "Differential centrifugation|Sucrose density gradient", "cl", Mus musculus, 1999
    assert set(exp3["separation_method"].astype(str)) == {"density_gradient|differential_centrifugation"}
    assert set(exp3["model_system"].astype(str)) == {"cell_culture"}
    assert set(exp3["publication_year"].astype(str)) == {"1999"}
    assert set(exp3["evidence_tier"].astype(str)) == {""}  # the curated rubric is not applied to imports
    assert set(exp3["confidence"]) == {0.7}
    maps = _source(rep, "vesiclepedia")["mappings"]
    assert maps["isolation method -> separation_method"]["total"] > 0
    assert maps["sample source -> model_system"]["total"] > 0


def test_isolation_text_stays_in_the_evidence():
    kg = evgraph.build([f"vesiclepedia={FIXTURE}"])
    e = kg.edges[kg.edges["subject"].astype(str) == "evgraph:vesiclepedia-exp-3"]
    assert any("isolation: Differential centrifugation|Sucrose density gradient" in str(x) for x in e["evidence"])


@pytest.mark.shared_data
def test_every_isolation_method_of_the_shared_release_is_reviewed(shared_data):
    """Each isolation-method part of the shared Vesiclepedia experiment table has a row in the
    mapping (mapped, or explicitly not a separation method)."""
    table = separation_method_table()
    path = shared_data / "ev_cargo" / "Vesiclepedia_experiment_details.txt"
    missing = set()
    with path.open(encoding="utf-8", errors="replace") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            for part in (row.get("ISOLATION METHOD") or "").split("|"):
                key = norm_name(part)
                if key and key not in table:
                    missing.add(key)
    assert not missing, sorted(missing)


@pytest.mark.shared_data
def test_shared_release_maps_most_experiments(shared_data):
    rep = BuildReport()
    kg = evgraph.build([f"vesiclepedia={shared_data / 'ev_cargo'}"], report=rep)
    maps = _source(rep, "vesiclepedia")["mappings"]
    assert maps["isolation method -> separation_method"]["rate"] >= 0.8
    assert maps["sample source -> model_system"]["rate"] >= 0.95
    carries = kg.edges[kg.edges["predicate"] == "carries"]
    vocab = set(get_schema().vocabularies["SeparationMethod"])
    assert all(set(split_list(v)) <= vocab for v in carries["separation_method"].astype(str).unique())
    share = (carries["model_system"].astype(str) != "").mean()
    assert share > 0.8
