"""The two issue-14 named queries on graphs built from the new sources: Cypher (embedded), SPARQL twin, reference."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import evgraph
from evgraph.formats.rdf.sparql import run_sparql
from evgraph.query import run_query

SRC = Path(__file__).parent / "fixtures" / "sources"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVGRAPH_CACHE", str(tmp_path / "cache"))


def _norm(df) -> list[tuple]:
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


def _edges(kg):
    e = kg.edges
    return e.assign(subject=e["subject"].astype(str), object=e["object"].astype(str),
                    predicate=e["predicate"].astype(str))


def test_ev_mirna_changes_in_parkinson_serum():
    kg = evgraph.build(["curated", f"evmirna2={SRC / 'evmirna2'}",
                        f"mirtarbase={SRC / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}#support=all"])
    df = run_query(kg, "ev_mirna_changes_in_condition")
    e = _edges(kg)
    ab = e[(e["predicate"] == "abundance_changed_in") & (e["object"] == "MONDO:0005180")]
    assert len(ab) > 0
    # reference: every PD change comes from the serum project, one row per (miRNA, BioProject)
    assert set(df["mirna_id"]) == set(ab["subject"]) and set(df["dataset"]) == {"BioProject:PRJNA1123679"}
    targets = e[e["predicate"] == "regulates"].groupby("subject")["object"].nunique()
    for mid, n in zip(df["mirna_id"], df["n_targets"], strict=True):
        assert n == int(targets.get(mid, 0))
    assert all("cases=4; controls=4" in ev for ev in df["evidence"])
    # the statistics are typed numbers, equal to the edges' fields and to the (rounded) evidence text
    ref = ab.set_index("subject")
    for rec in df.to_dict("records"):
        assert isinstance(rec["log2_fold_change"], float) and isinstance(rec["q_value"], float)
        assert isinstance(rec["n_cases"], int) and isinstance(rec["n_controls"], int)
        assert (rec["n_cases"], rec["n_controls"]) == (4, 4)
        edge = ref.loc[rec["mirna_id"]]
        assert rec["log2_fold_change"] == float(edge["log2_fold_change"])
        assert rec["q_value"] == float(edge["q_value"]) and 0 <= rec["q_value"] < 0.05
        assert (rec["log2_fold_change"] > 0) == (rec["direction"] == "increased")
        assert f"log2FC={rec['log2_fold_change']:+.3f}; q={rec['q_value']:.3g};" in rec["evidence"]
    twin = run_sparql(kg, "ev_mirna_changes_in_condition")
    assert twin["q_value"].map(type).eq(float).all() and twin["n_cases"].map(type).eq(int).all()
    assert _norm(run_sparql(kg, "ev_mirna_changes_in_condition")) == _norm(df)
    # another biofluid: no rows (the fixture's PD project is serum)
    plasma = run_query(kg, "ev_mirna_changes_in_condition", {"biofluid": "UBERON:0001969"})
    assert len(plasma) == 0


@pytest.mark.shared_data
def test_organs_expressing_circulating_cargo(shared_data):
    d = shared_data
    kg = evgraph.build(["curated", f"genes={d / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}",
                        f"tissue_expression={d / 'tissue_expression'}", f"cell_markers={d / 'cell_markers'}",
                        f"exocarta={d / 'ev_cargo'}", f"vesiclepedia={d / 'ev_cargo'}"])
    for cargo in ("NCBIGene:5950", "NCBIGene:213"):  # RBP4, ALB
        df = run_query(kg, "organs_expressing_cargo", {"cargo": cargo})
        e = _edges(kg)
        ref = e[(e["subject"] == cargo) & e["predicate"].isin(["expressed_in", "marker_of"])]
        assert len(df) == len(ref) > 0
        assert "UBERON:0002107" in set(df["place_id"])  # liver
        liver = df[(df["place_id"] == "UBERON:0002107") & (df["source"] == "infores:hpa")]
        assert liver["specificity"].str.contains("tissue enriched").all()
        assert _norm(run_sparql(kg, "organs_expressing_cargo", {"cargo": cargo})) == _norm(df)
