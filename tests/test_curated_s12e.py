"""Session-12 curation pass s12e (helper s12e; statement ids YI..., file statements-s12e-brain.tsv): new
statements for the issue-12 brain axis (AX-BRAIN: brain / neuron / astrocyte / microglia EVs with AD or PD as
context, outcome or biomarker target, rule "context") and margin for the KB total. Nine statements were written
(curation-notes-s12e.md): YI001-YI006 count for AX-BRAIN (AD); YI007-YI009 are PD biomarker rows whose texts name
no brain source term ("neural-derived", "CNS-derived"), so they count for AX-BIOMARKER only. Each statement is
checked for the edges its text read supports (references, year, species, model system, tier). The generic
per-file checks (rubric fields, one species, a note per reference naming the statement, biomarker direction) are
in test_curated_statement_files.py."""

from __future__ import annotations

from curated_pass import objects, pass_edges, statement_rows, subjects

AD = "MONDO:0004975"
PD = "MONDO:0005180"

#: statement -> (axis, named target/condition) it was written for.
AXIS_STATEMENTS = {
    "YI001": ("AX-BRAIN", "AD"),
    "YI002": ("AX-BRAIN", "AD"),
    "YI003": ("AX-BRAIN", "AD"),
    "YI004": ("AX-BRAIN", "AD"),
    "YI005": ("AX-BRAIN", "AD"),
    "YI006": ("AX-BRAIN", "AD"),
}

#: statement -> (references, publication year) as in curation-notes-s12e.md.
REFERENCES = {
    "YI001": ({"PMID:33922642", "DOI:10.3390/cells10050993"}, "2021"),
    "YI002": ({"PMID:33922642", "DOI:10.3390/cells10050993"}, "2021"),
    "YI003": ({"DOI:10.1038/s41593-024-01801-5"}, "2025"),
    "YI004": ({"DOI:10.1093/brain/awac083"}, "2022"),
    "YI005": ({"DOI:10.1093/braincomms/fcad170"}, "2023"),
    "YI006": ({"PMID:31032394", "DOI:10.1016/j.dadm.2018.11.002"}, "2019"),
    "YI007": ({"DOI:10.3389/fnagi.2018.00438"}, "2019"),
    "YI008": ({"PMID:27234211", "DOI:10.1016/j.jalz.2016.04.003"}, "2016"),
    "YI009": ({"DOI:10.1016/j.neuroscience.2019.05.015"}, "2019"),
}

C1Q = {"NCBIGene:712", "NCBIGene:713", "NCBIGene:714"}


def test_yi_pass_size(kg):
    assert set(pass_edges(kg, "YI")["statement"]) == set(REFERENCES)


def test_neuronal_evs_of_ad_mouse_models_carry_more_tau_and_abeta42(kg):
    """YI001 (Delgado-Peraza 2021 Cells, PMID 33922642): plasma NEVs (immunocaptured) of 3xTg-AD mice had more
    total/p181-tau, of 5xFAD mice more Abeta42: neuron source, EVs, plasma, AD model context and biomarker
    target, tau and APP cargo, mouse, tier 3 (V only)."""
    rows = statement_rows(kg, "YI001")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000540"}
    assert objects(rows, "has_vesicle_type") == {"GO:1903561"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "released_in") == {AD}
    assert objects(rows, "carries") == {"NCBIGene:4137", "NCBIGene:351"}
    assert objects(rows, "biomarker_for") == {AD}
    assert not rows["predicate"].isin(["taken_up_by", "homes_to", "contributes_to", "affects"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_astrocytic_evs_of_3xtg_ad_mice_carry_more_c1q(kg):
    """YI002 (same paper): plasma AEV C1q higher in 3xTg-AD than wild-type mice; C1q as its three chains."""
    rows = statement_rows(kg, "YI002")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000127"}
    assert objects(rows, "released_in") == {AD}
    assert objects(rows, "carries") == C1Q
    assert objects(rows, "biomarker_for") == {AD}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_ad_brain_evs_enclose_tau_filaments(kg):
    """YI003 (Fowler 2025 Nat Neurosci): brain EVs of individuals with AD contain truncated-tau filaments (cryo-ET):
    brain source, AD context, tau cargo, human, ex vivo, no biomarker edge (no comparison), tier 4."""
    rows = statement_rows(kg, "YI003")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"UBERON:0000955"}
    assert objects(rows, "released_in") == {AD}
    assert objects(rows, "carries") == {"NCBIGene:4137"}
    assert not rows["predicate"].isin(["biomarker_for", "contributes_to", "taken_up_by", "homes_to"]).any()
    assert set(rows["model_system"]) == {"ex_vivo"}
    assert set(rows["evidence_tier"]) == {"tier4"}


def test_microglial_abeta_evs_propagate_ltp_impairment(kg):
    """YI004 (Gabrielli 2022 Brain): microglial large Abeta-EVs injected into the mouse entorhinal cortex impair
    LTP there and then in the dentate gyrus; AD increased as the authors conclude; no target, no context."""
    rows = statement_rows(kg, "YI004")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000129"}
    assert objects(rows, "carries") == {"NCBIGene:351"}
    assert objects(rows, "affects") == {"GO:0060291"}
    assert set(rows.loc[rows["predicate"] == "affects", "direction"]) == {"decreased"}
    assert objects(rows, "contributes_to") == {AD}
    assert set(rows.loc[rows["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert not rows["predicate"].isin(["released_in", "taken_up_by", "homes_to", "biomarker_for"]).any()
    assert set(rows["model_system"]) == {"animal_in_vivo"}
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_microglial_abeta_evs_induce_ad_related_network_dysfunction(kg):
    """YI005 (Falcicchia 2023 Brain Commun): one injection of microglial Abeta-EVs into the mouse entorhinal cortex
    gives AD-like EEG changes and progressive memory impairment."""
    rows = statement_rows(kg, "YI005")
    assert set(rows["species"]) == {"NCBITaxon:10090"}
    assert subjects(rows, "releases") == {"CL:0000129"}
    assert objects(rows, "carries") == {"NCBIGene:351"}
    assert objects(rows, "contributes_to") == {AD}
    assert not rows["predicate"].isin(["released_in", "taken_up_by", "homes_to", "biomarker_for"]).any()
    assert set(rows["evidence_tier"]) == {"tier3"}


def test_astrocyte_derived_exosome_complement_predicts_mci_conversion(kg):
    """YI006 (Alzheimers Dement (Amst) 2019, PMID 31032394): GLAST-captured plasma ADEs carry more C1q, factor D
    and C3b in MCI converting to dementia than in stable MCI; biomarker for AD, no disease context."""
    rows = statement_rows(kg, "YI006")
    assert set(rows["species"]) == {"NCBITaxon:9606"}
    assert subjects(rows, "releases") == {"CL:0000127"}
    assert objects(rows, "has_vesicle_type") == {"GO:0070062"}
    assert objects(rows, "sampled_from") == {"UBERON:0001969"}
    assert objects(rows, "carries") == C1Q | {"NCBIGene:1675", "NCBIGene:718"}
    assert objects(rows, "biomarker_for") == {AD}
    assert not rows["predicate"].isin(["released_in"]).any()
    assert set(rows["model_system"]) == {"human_cohort"}


def test_pd_biomarker_rows_have_no_brain_source(kg):
    """YI007 (DJ-1 and alpha-synuclein in plasma neural-derived exosomes, higher in PD), YI008 (tau in CNS-derived
    L1CAM plasma exosomes, higher in PD) and YI009 (CNS-derived serum exosomal alpha-synuclein, lower in PD): PD
    context and biomarker target; YI007 has no source (only 'neural-derived'), YI008/YI009 the CNS."""
    r7 = statement_rows(kg, "YI007")
    assert not r7["predicate"].isin(["releases", "part_of"]).any()
    assert objects(r7, "carries") == {"NCBIGene:11315", "NCBIGene:6622"}
    assert objects(r7, "sampled_from") == {"UBERON:0001969"}
    for sid, cargo, fluid in (("YI008", "NCBIGene:4137", "UBERON:0001969"),
                              ("YI009", "NCBIGene:6622", "UBERON:0001977")):
        rows = statement_rows(kg, sid)
        assert subjects(rows, "releases") == {"UBERON:0001017"}, sid
        assert objects(rows, "carries") == {cargo}, sid
        assert objects(rows, "sampled_from") == {fluid}, sid
    for sid in ("YI007", "YI008", "YI009"):
        rows = statement_rows(kg, sid)
        assert set(rows["species"]) == {"NCBITaxon:9606"}, sid
        assert objects(rows, "released_in") == {PD}, sid
        assert objects(rows, "biomarker_for") == {PD}, sid
        assert set(rows["model_system"]) == {"human_cohort"}, sid
    assert kg.node("evgraph:EVP-YI009")["description"].startswith("Direction: lower in disease")


def test_axis_membership(kg):
    """YI001-YI006 count for AX-BRAIN; YI007-YI009 do not (no brain source term) but count for AX-BIOMARKER."""
    from test_curated_axes import axis, axis_members

    brain = axis_members(kg, axis("AX-BRAIN"))
    counted = set().union(*brain.values())
    assert set(AXIS_STATEMENTS) <= counted
    assert not {"YI007", "YI008", "YI009"} & counted
    biomarker = set().union(*axis_members(kg, axis("AX-BIOMARKER")).values())
    assert {"YI001", "YI002", "YI006", "YI007", "YI008", "YI009"} <= biomarker
