"""Session-2 curation pass C (statement ids SC..., files statements-s2c-*.tsv): the statements
recorded as bridges link conditions of two families, and the paper-specific rows hold
(the generic per-file checks - rubric
fields with one species, a note per reference, biomarker direction - are in
test_curated_statement_files.py)."""

from __future__ import annotations

from curated_pass import condition_categories, pass_edges, statement_rows


def test_sc_pass_size_and_biomarker_rows(kg):
    e = pass_edges(kg, "SC")
    assert e["statement"].nunique() >= 2
    assert set(e.loc[e["predicate"] == "biomarker_for", "statement"])


def test_nash_microparticle_mtdna_statements_are_split_by_species(kg):
    """SC001 (mouse mechanism, microparticle depletion) and SC002 (human biomarker) come from one
    paper that reports the result for mice and patients together: one statement per species."""
    species = {sid: set(statement_rows(kg, sid)["species"]) for sid in ("SC001", "SC002")}
    assert species == {"SC001": {"NCBITaxon:10090"}, "SC002": {"NCBITaxon:9606"}}
    e = pass_edges(kg, "SC")
    assert set(e.loc[(e["statement"] == "SC001"), "evidence_tier"]) == {"tier2"}
    assert set(e.loc[(e["statement"] == "SC002") & (e["predicate"] == "biomarker_for"), "object"]) == {"MONDO:0007027"}


def test_hyperammonemic_rat_plasma_evs_carry_no_proxy_context(kg):
    """SC003-SC005: plasma EVs of hyperammonemic rats act on the brain; the rats have no liver
    disease, so no context condition (hepatic encephalopathy would be a proxy) is recorded, and only
    SC003 (learning and memory) has a condition."""
    e = pass_edges(kg, "SC")
    rows = e[e["statement"].isin(["SC003", "SC004", "SC005"])]
    assert set(rows["statement"]) == {"SC003", "SC004", "SC005"}
    assert not (rows["predicate"] == "released_in").any()
    assert set(rows["species"]) == {"NCBITaxon:10116"}
    cond = rows[rows["predicate"] == "contributes_to"]
    assert list(zip(cond["statement"], cond["object"], strict=True)) == [("SC003", "MONDO:0002039")]
    # SC004's Purkinje-neuron/microglia targets and cerebellum were cut by sweep5B (curation-notes-r5b.md):
    # the abstract part that named them could not be retrieved; the pathway rests on the rats
    assert not rows.loc[rows["statement"] == "SC004", "predicate"].isin(["taken_up_by", "homes_to"]).any()


def test_metabolic_syndrome_microparticles_bridge_to_vascular_dysfunction(kg):
    """SC007: microparticles released in metabolic syndrome (metabolic) impair endothelial function
    in mice (vascular disorder, cardiovascular): a bridge; SC008 (biomarker) and SC009 (in vitro) of
    the same paper stay within one family."""
    assert condition_categories(kg, "SC007") == {"metabolic", "cardiovascular"}
    assert condition_categories(kg, "SC008") == {"metabolic"}
    assert condition_categories(kg, "SC009") == {"metabolic"}
    sc007 = statement_rows(kg, "SC007")
    assert set(sc007.loc[sc007["predicate"] == "contributes_to", "direction"]) == {"increased"}
    assert set(sc007["species"]) == {"NCBITaxon:10090"}
