"""Connectivity with the ontology roll-up (issue 11 item 3): the query nodes' closure relatives (the
same ones ``paths`` uses) are tested as extra node pairs, flagged ``via_closure``, each against its
own degree-grouped null, and every pair counts in the multiple-testing corrections."""

from __future__ import annotations

import numpy as np

from evgraph.analytics import connectivity
from evgraph.analytics.closure import related

OBESITY, AD, COGNITIVE = "MONDO:0011122", "MONDO:0004975", "MONDO:0002039"


def test_roll_up_pairs_are_tested_flagged_and_corrected(kg):
    df = connectivity(kg, OBESITY, AD, permutations=200)
    ids = kg.nodes["id"].to_numpy(dtype=object)
    rel_s = {str(ids[c]) for c, _, _ in related(kg, kg.index_of(OBESITY))} | {OBESITY}
    rel_t = {str(ids[c]) for c, _, _ in related(kg, kg.index_of(AD))} | {AD}
    assert COGNITIVE in rel_t  # Alzheimer disease is a cognitive disorder
    assert df.attrs["closure"] and df.attrs["node_pairs"] == len(rel_s) * len(rel_t)
    assert df.attrs["tests"] == sum(df.attrs["tests_per_length"].values())
    assert set(df["source_id"]) <= rel_s and set(df["target_id"]) <= rel_t
    exact = (df["source_id"] == OBESITY) & (df["target_id"] == AD)
    assert (df["via_closure"] == ~exact).all()
    assert (df.loc[exact, "closure"] == "").all() and (df.loc[~exact, "closure"] != "").all()
    # MC005: adipose EVs (released in obesity) contribute to cognitive disorder, AD's parent
    mc005 = df[(df["target_id"] == COGNITIVE) & (df["source_id"] == OBESITY)]
    assert len(mc005) and (mc005["path_count"] > 0).all()
    assert mc005["closure"].str.contains("target broader").all()
    for col in ("dwpc", "p_value", "adjusted_p", "q_value"):
        assert np.isfinite(df[col].to_numpy(dtype=float)).all()
    assert (df["adjusted_p"] >= df["p_value"] - 1e-15).all() and (df["q_value"] >= df["p_value"] - 1e-15).all()
    for recs, rolled in zip(df.loc[df["significant"], "top_paths"], df.loc[df["significant"], "via_closure"],
                            strict=True):
        assert all(r["via_closure"] == bool(rolled) for r in recs)


def test_no_closure_is_the_exact_pair_only(kg):
    df = connectivity(kg, OBESITY, AD, permutations=200, closure=False)
    assert df.attrs["node_pairs"] == 1 and not df["via_closure"].any()
    assert set(df["source_id"]) == {OBESITY} and set(df["target_id"]) == {AD}
    rolled = connectivity(kg, OBESITY, AD, permutations=200)
    same = rolled[~rolled["via_closure"]].set_index("metapath")["p_value"]
    # the exact pair's p-values do not change with the roll-up (only the corrections grow)
    assert np.allclose(df.set_index("metapath").loc[same.index, "p_value"], same)
