"""Session-7 curation pass N7D (statement ids XH..., file statements-s7d-bridges.tsv): new statements that
bridge two condition families (issue 12: >= 60 bridging statements, tests/test_curated.py::
test_bridging_statements), written for the obesity -> Alzheimer disease route (the metabolic -> cognitive /
neurodegenerative pair). Each statement is checked for the edges its text read supports
(curation-notes-s7d.md): its references and year as noted, one stated species, its condition families (both
conditions are named in the text read; none was added to make a bridge), and that no cultured-cell register
row is missing. The generic per-file checks (rubric fields, one species, a note per reference naming the
statement) are in test_curated_statement_files.py; the cultured-cell rows in test_curated_cultured_cells.py.
The route itself (tests/test_analytics.py) is the lead's to update."""

from __future__ import annotations

from curated_pass import objects, pass_edges, statement_rows, subjects
from test_curated_cultured_cells import register, registry

from evgraph.analytics.paths import paths

#: statement -> (references, publication_year, species, condition families it links).
STATEMENTS = {
    "XH001": ({"PMID:40448146", "DOI:10.1186/s12974-025-03473-9"}, "2025", "NCBITaxon:10090",
              {"metabolic", "other"}),
    "XH002": ({"PMID:39014461", "DOI:10.1186/s12974-024-03168-7"}, "2024", "NCBITaxon:10090",
              {"metabolic", "other"}),
}


def test_xh_pass_size(kg):
    assert pass_edges(kg, "XH")["statement"].nunique() >= len(STATEMENTS)


def test_obese_mouse_astrocyte_evs_carry_nfia_to_neurons_and_impair_cognition(kg):
    """XH001 (Wu 2025 J Neuroinflammation, PMID 40448146): in an obese mouse model (60% high-fat diet, named
    obese), brain EVs of astrocytic origin carry NFIA and are taken up by neurons; EV secretion was blocked with
    GW4869; the title: astrocyte-derived EV NFIA mediates obesity-associated cognitive impairment. Astrocyte
    source in the brain, obesity context, NFIA cargo, neuron uptake, cognitive disorder increased; mouse, in
    vivo, secretion block; no separation method or marker (not in the abstract read), no homing edge."""
    rows = statement_rows(kg, "XH001")
    assert subjects(rows, "releases") == {"CL:0000127"}
    assert objects(rows, "part_of") == {"UBERON:0000955"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "released_in") == {"MONDO:0011122"}
    assert objects(rows, "carries") == {"NCBIGene:4774"}
    assert objects(rows, "taken_up_by") == {"CL:0000540"}
    assert objects(rows, "contributes_to") == {"MONDO:0002039"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["homes_to", "biomarker_for", "regulates", "affects", "sampled_from"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["ev_perturbation"]) == {"secretion_block"}
    assert set(rows["evidence_tier"]) == {"tier2"}


def test_obesity_reaches_alzheimer_disease_through_xh001_and_the_roll_up(kg):
    """The route the issue asks for ("the four canonical links remain"): obesity disorder <-released_in-
    XH001 -contributes_to-> cognitive disorder, which Alzheimer disease rolls up to (an ontology entailment
    hop). Without the roll-up there is still no direct route (no statement names Alzheimer disease)."""
    df = paths(kg, "MONDO:0011122", "MONDO:0004975", k=10)
    assert len(df) >= 1 and df["via_closure"].any()
    assert any("XH001" in {s for h in hops for s in h["statements"]} for hops in df["hops"])
    for hops in df["hops"]:
        assert hops[0]["from"] == "MONDO:0011122" and hops[-1]["to"] == "MONDO:0004975"
        assert all(h["knowledge_level"] == "logical_entailment" for h in hops if h["via_closure"])


def test_palmitate_microglia_evs_impair_memory_and_glucose_tolerance_in_mice(kg):
    """XH002 (De Paula 2024 J Neuroinflammation, PMID 39014461): EVs of palmitate-exposed BV2 microglia given
    i.c.v. to mice caused memory impairment, depression-like behaviour and glucose intolerance: microglia source,
    EV, cognitive disorder and glucose intolerance increased; no context (palmitate is a treatment), no cargo, no
    target; mouse through the registry (BV-2 row added by this pass)."""
    rows = statement_rows(kg, "XH002")
    assert subjects(rows, "releases") == {"CL:0000129"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "contributes_to") == {"MONDO:0002039", "MONDO:0001076"}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["released_in", "carries", "taken_up_by", "homes_to", "part_of"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo|cell_line"}
    assert set(rows["evidence_tier"]) == {"tier3"}
    reg = register()["XH002"]
    assert reg["basis"] == "cell_line_registry" and reg["cell_lines"] == "BV-2"
    assert reg["_file"] == "cultured-cells-s7d.tsv"


def test_bv2_registry_row_is_mouse():
    row = registry()["bv2"]
    assert row["line"] == "BV-2" and row["ncbi_taxon"] == "NCBITaxon:10090"
    assert row["record"] == "PMID:2110186" and row["seen_by"] == "N7D"
