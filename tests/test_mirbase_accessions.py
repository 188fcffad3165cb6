"""miRNA names and miRBase accessions (issue 15's Parkinson note): how many EV miRNAs keep an
``evmirna:`` name, counted in the QC report, and no name is a second node of a curated miRBase miRNA."""

from __future__ import annotations

from pathlib import Path

import pytest

import evgraph
from evgraph.build.normalise import MIRBASE_RATE
from evgraph.build.qc import BuildReport

SRC = Path(__file__).parent / "fixtures" / "sources"


def _check(kg, rep: BuildReport, source: str, infores: str) -> dict:
    e = kg.edges.assign(subject=kg.edges["subject"].astype(str), object=kg.edges["object"].astype(str))
    mine = e[e["primary_knowledge_source"].astype(str) == infores]
    ends = set(mine["subject"]) | set(mine["object"])
    mir = {i for i in ends if i.startswith(("evmirna:", "mirbase:"))}
    rate = next(s for s in rep.sources if s.name == source).mappings[MIRBASE_RATE]
    # reference from the graph: a name that reached a curated accession is a mirbase: end, the rest evmirna:
    assert rate["mapped"] == 0 or any(i.startswith("mirbase:") for i in mir)
    unmapped_nodes = {i for i in mir if i.startswith("evmirna:")}
    assert (rate["total"] - rate["mapped"] == 0) == (not unmapped_nodes)
    assert rate["mapped"] <= len({i for i in mir if i.startswith("mirbase:")})
    # no duplicate: no evmirna: node carries the name of a miRBase node of the graph (case-insensitive)
    nodes = kg.nodes.assign(id=kg.nodes["id"].astype(str))
    mirbase_labels = {str(lab).lower() for i, lab in zip(nodes["id"], nodes["label"], strict=True)
                      if i.startswith("mirbase:") and lab}
    ev_names = {i[8:].lower() for i in nodes["id"] if i.startswith("evmirna:")}
    assert not ev_names & mirbase_labels
    return rate


def test_evmirna2_names_without_accession_are_counted():
    rep = BuildReport()
    kg = evgraph.build(["curated", f"evmirna2={SRC / 'evmirna2'}"], report=rep)
    rate = _check(kg, rep, "evmirna2", "infores:evmirna")
    assert rate["total"] > rate["mapped"] > 0  # some names reach curated accessions, some stay names
    notes = next(s for s in rep.sources if s.name == "evmirna2").notes
    assert any("have no miRBase accession in this build" in n for n in notes)


@pytest.mark.shared_data
def test_parkinson_serum_mirnas_real_data(shared_data):
    """The README's real Parkinson serum project (PRJNA1123682): its miRNAs' accession count in the QC report."""
    rep = BuildReport()
    project = shared_data / "ev_expression" / "evmirna2" / "PRJNA1123682_expression.csv"
    kg = evgraph.build(["curated", f"evmirna2={project}"], report=rep)
    rate = _check(kg, rep, "evmirna2", "infores:evmirna")
    # reference from the raw file: every hsa- miRNA row of the expression matrix is a candidate name
    with open(project, encoding="utf-8") as fh:
        names = {line.split(",", 1)[0].strip('"') for line in fh.readlines()[1:]}
    assert 0 < rate["total"] <= len(names)
    print(f"PRJNA1123682: {rate['mapped']} of {rate['total']} miRNA names reach a miRBase accession")
