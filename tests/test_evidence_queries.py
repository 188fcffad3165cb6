"""The evidence named queries (Cypher + SPARQL twin each): evidence_profile,
shared_circulating_biomarkers, organs_sending_evs_to's tier/model-system filters and
routes_by_model_system, checked against the edge table and against each other."""

from __future__ import annotations

import pytest
from test_evidence import T001, build, curated_copy
from test_sparql import _norm

from evgraph.evidence import INPUT_COLUMNS
from evgraph.formats.rdf.sparql import run_sparql
from evgraph.model import split_list
from evgraph.query import run_query

NEW = ("evidence_profile", "shared_circulating_biomarkers", "routes_by_model_system")


@pytest.fixture(scope="module")
def ev_kg(tmp_path_factory):
    return build(curated_copy(tmp_path_factory.mktemp("evq"), T001))


def twins(kg, name, params):
    cy = run_query(kg, name, params)
    sp = run_sparql(kg, name, params)
    assert list(cy.columns) == list(sp.columns)
    assert _norm(cy) == _norm(sp), name
    return cy


def test_evidence_profile_returns_every_field_of_the_statement(ev_kg):
    for params in ({"ev": "evgraph:EVP-T001"}, {"statement": "T001", "ev": ""}):
        df = twins(ev_kg, "evidence_profile", params)
        assert len(df) == 1
        row = df.iloc[0]
        for col in INPUT_COLUMNS:
            want = T001[col]
            got = row[col]
            if isinstance(got, list):
                assert got == sorted(want.split("|")), col
            else:
                assert str(got) == want, col
        assert (row["evidence_tier"], row["confidence"]) == ("tier1", 0.95)
        assert row["publications"] == ["DOI:10.1016/j.cell.2017.08.035", "PMID:28942920"]
        assert row["species"] == ["NCBITaxon:10090"]


def test_evidence_profile_of_an_unassessed_statement_is_empty_not_missing(mini_kg, kg):
    df = twins(mini_kg, "evidence_profile", {"ev": "evgraph:EVP-T001"})
    row = df.iloc[0]
    assert row["model_system"] == [] and row["evidence_tier"] == "" and row["confidence"] == 0.8
    stmt = sorted(set(kg.edges.loc[kg.edges["statement"] != "", "statement"]))[0]
    assert len(twins(kg, "evidence_profile", {"statement": stmt})) == 1


def test_organs_sending_evs_to_filters_by_tier_and_model_system(ev_kg):
    base = twins(ev_kg, "organs_sending_evs_to", {"target": "liver"})
    assert list(base["organ_id"]) == ["UBERON:0001013"]
    for params, kept in [({"max_tier": "tier1"}, True), ({"max_tier": "tier4"}, True),
                         ({"model_system": "animal_in_vivo"}, True), ({"model_system": "primary_cells"}, True),
                         ({"model_system": "human_cohort"}, False), ({"model_system": "cell_line"}, False)]:
        df = twins(ev_kg, "organs_sending_evs_to", {"target": "liver", **params})
        assert (len(df) == 1) == kept, params


def test_organs_sending_evs_to_filter_matches_the_edge_table(kg):
    """With filters the result is the unfiltered one restricted to EV populations whose releases edge passes."""
    rel = kg.edges[kg.edges["predicate"] == "releases"]
    for target in ("liver", "heart", "brain"):
        full = twins(kg, "organs_sending_evs_to", {"target": target})
        for tier in ("tier1", "tier2", "tier3", "tier4"):
            ok = set(rel.loc[(rel["evidence_tier"].astype(str) != "") & (rel["evidence_tier"].astype(str) <= tier),
                             "object"].astype(str))
            got = twins(kg, "organs_sending_evs_to", {"target": target, "max_tier": tier})
            want = {o: sorted(set(evs) & ok) for o, evs in zip(full["organ_id"], full["ev_populations"], strict=True)}
            want = {o: evs for o, evs in want.items() if evs}
            assert dict(zip(got["organ_id"], got["ev_populations"], strict=True)) == want, (target, tier)


def test_routes_by_model_system_counts_match_the_edge_table(kg):
    df = twins(kg, "routes_by_model_system", {})
    assert len(df) > 10
    e = kg.edges
    organ_of = {}  # (cell, statement) -> organs: a cell type stands for an organ only in its own statement
    cls = dict(zip(kg.nodes["id"], kg.nodes["category"].astype(str), strict=True))
    stmt = e["statement"].astype(str).replace("nan", "")
    part = e["predicate"] == "part_of"
    for s, o, st in zip(e.loc[part, "subject"].astype(str), e.loc[part, "object"].astype(str), stmt[part],
                        strict=True):
        if cls[o] == "Organ":
            organ_of.setdefault((s, st), set()).add(o)
    sources = {}
    rel = e["predicate"] == "releases"
    for s, o, st in zip(e.loc[rel, "subject"].astype(str), e.loc[rel, "object"].astype(str), stmt[rel], strict=True):
        sources.setdefault(o, set()).update({s} if cls[s] == "Organ"
                                            else organ_of.get((s, st), set()) | organ_of.get((s, ""), set()))
    contrib = e[e["predicate"] == "contributes_to"]
    expect: dict[tuple[str, str], dict[str, set]] = {}
    for ev, cond, species, systems, direction in zip(contrib["subject"].astype(str), contrib["object"].astype(str),
                                                     contrib["species"], contrib["model_system"].astype(str),
                                                     contrib["direction"].astype(str), strict=True):
        vivo = bool({"animal_in_vivo", "human_cohort"} & set(split_list(systems)))
        for organ in sources.get(ev, ()):
            rec = expect.setdefault((organ, cond), {"n": set(), "human": set(), "mouse": set(), "in_vivo": set(),
                                                    "hd": set(), "md": set()})
            rec["n"].add(ev)
            if "NCBITaxon:9606" in split_list(species):
                rec["human"].add(ev)
                rec["hd"].add(direction)
            if "NCBITaxon:10090" in split_list(species):
                rec["mouse"].add(ev)
                rec["md"].add(direction)
            if vivo:
                rec["in_vivo"].add(ev)
    assert len(df) == len(expect)
    for row in df.to_dict("records"):
        rec = expect[(row["organ_id"], row["condition_id"])]
        assert row["n_ev_populations"] == len(rec["n"])
        assert (row["human"], row["mouse"], row["in_vivo"]) == (len(rec["human"]), len(rec["mouse"]),
                                                                  len(rec["in_vivo"]))
        assert row["human_directions"] == sorted(rec["hd"] - {""})
        assert row["mouse_directions"] == sorted(rec["md"] - {""})
        hd, md = set(row["human_directions"]), set(row["mouse_directions"])
        want = ("neither" if not hd and not md else "mouse_only" if not hd else "human_only" if not md
                else "concordant" if len(hd) == len(md) == 1 and hd == md else "discordant")
        assert row["species_agreement"] == want


def test_routes_by_model_system_filters(ev_kg):
    df = twins(ev_kg, "routes_by_model_system", {"organ": "adipose tissue"})
    assert len(df) == 1
    row = df.iloc[0]
    assert (row["in_vivo"], row["in_vitro"], row["unassessed"]) == (1, 0, 0)
    assert row["species_agreement"] == "mouse_only" and row["system_agreement"] == "in_vivo_only"
    assert twins(ev_kg, "routes_by_model_system", {"condition": "obesity disorder"}).empty


def test_shared_circulating_biomarkers_matches_the_edge_table(kg):
    e = kg.edges
    sampled = set(e.loc[(e["predicate"] == "sampled_from")
                        & e["object"].astype(str).map(lambda o: kg.node(o)["category"] == "Biofluid"),
                        "statement"])
    bio = e[(e["predicate"] == "biomarker_for") & e["statement"].isin(sampled)]
    parents = {}
    for s, o in zip(e.loc[e["predicate"] == "subclass_of", "subject"].astype(str),
                    e.loc[e["predicate"] == "subclass_of", "object"].astype(str), strict=True):
        parents.setdefault(s, set()).add(o)

    def up(c: str) -> set[str]:
        one = parents.get(c, set())
        return {c} | one | {g for p in one for g in parents.get(p, set())}

    by_marker: dict[str, set[str]] = {}
    for m, c in zip(bio["subject"].astype(str), bio["object"].astype(str), strict=True):
        by_marker.setdefault(m, set()).update(up(c))
    pairs = {}
    for m, conds in by_marker.items():
        for a in conds:
            for b in conds:
                pairs.setdefault((a, b), set()).add(m)
    (a, b), markers = max(((k, v) for k, v in pairs.items() if k[0] != k[1]), key=lambda kv: (len(kv[1]), kv[0]))
    df = twins(kg, "shared_circulating_biomarkers", {"condition_a": a, "condition_b": b})
    assert set(df["marker_id"]) == markers
    assert all(r["statements_a"] and r["statements_b"] and r["biofluids_a"] for r in df.to_dict("records"))


@pytest.mark.parametrize("name", NEW)
def test_new_queries_run_with_defaults_on_both_engines(kg, name):
    twins(kg, name, {})
