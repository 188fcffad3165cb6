"""Session-7 re-read N7E (curation-notes-r7e.md): statements held back by earlier sessions for one missing item
(mostly a citation record with journal and year beside the identifier) and restored once a record read supplied
it, each cut to the elements its text read supports. One test per restored statement pins its edges,
references, year and its one species; the cultured-cell rows are in cultured-cells-r7e.tsv."""

from __future__ import annotations

import pytest
from curated_pass import commented_statement_ids, objects, statement_rows, subjects
from test_curated_cultured_cells import register

#: statement -> (references, publication year) as in curation-notes-r7e.md.
REFERENCES = {
    "LV003": ({"DOI:10.1002/hep.28252"}, "2015"),
    "LV004": ({"DOI:10.1002/hep.28252"}, "2015"),
    "SD006": ({"DOI:10.1186/s12933-024-02440-7"}, "2024"),
}


@pytest.mark.parametrize("sid", sorted(REFERENCES))
def test_references_year_and_one_stated_species(kg, sid):
    refs, year = REFERENCES[sid]
    rows = statement_rows(kg, sid)
    got = {r for pubs in rows["publications"] for r in str(pubs).split("|") if r}
    assert got == refs
    assert set(rows["publication_year"].astype(str)) == {year}
    assert rows["species"].nunique() == 1
    assert sid not in commented_statement_ids()


def test_lipotoxic_mouse_hepatocytes_release_cxcl10_evs(kg):
    """LV003 (Ibrahim 2015 Hepatology, DOI 10.1002/hep.28252; ouci prints 'Hepatology, 2015, No 3, p. 731-744'):
    LPC-treated primary mouse hepatocytes release CXCL10-enriched EVs, MLK3-dependent; MLK3-deficient mice on a
    NASH-inducing diet have fewer total and CXCL10-containing plasma EVs. No macrophage target (chemotaxis is an
    effect, not uptake), no NASH outcome (proposed), differential_centrifugation (no g-force in the text read)."""
    rows = statement_rows(kg, "LV003")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000182"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "carries") == {"NCBIGene:3627"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {"MONDO:0007027"}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "regulates", "affects"]).any()
    assert set(rows["separation_method"]) == {"differential_centrifugation"}
    assert set(rows["model_system"]) == {"animal_in_vivo|primary_cells"}
    assert set(rows["ev_perturbation"].fillna("")) == {""}
    reg = register()["LV003"]
    assert reg["basis"] == "record" and reg["_file"] == "cultured-cells-r7e.tsv"


def test_lipotoxic_huh7_cells_release_evs(kg):
    """LV004 (same paper): LPC induces EV release from human Huh7 cells, prevented by MLK3 inhibition; no cargo
    (the CXCL10 co-localisation is intracellular and the mass spectrometry is not tied to Huh7 in the abstract),
    no context (a cell line)."""
    rows = statement_rows(kg, "LV004")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000182"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert not rows["predicate"].isin(["carries", "released_in", "taken_up_by", "homes_to", "contributes_to"]).any()
    assert set(rows["model_system"]) == {"cell_line"}
    reg = register()["LV004"]
    assert reg["basis"] == "cell_line_registry" and reg["cell_lines"] == "Huh7"


def test_plasma_ev_circrna_is_higher_in_diabetes_patients(kg):
    """SD006 (Lin 2024 Cardiovasc Diabetol, DOI 10.1186/s12933-024-02440-7; ouci prints 'Cardiovascular
    Diabetology, 2024, No 1'): plasma EV circ_0008362 higher in patients with DM than in normal controls. The
    circRNA has no node (no identifier scheme), so the biomarker edge is the EV population's; diabetes mellitus
    only (one family, no bridge); human cohort."""
    rows = statement_rows(kg, "SD006")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert objects(rows, "biomarker_for") == {"MONDO:0005015"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert not rows["predicate"].isin(["releases", "carries", "contributes_to", "released_in", "taken_up_by"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}
    assert set(rows["knowledge_level"]) == {"statistical_association"}
