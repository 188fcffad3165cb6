"""The expert-question benchmark (benchmarks/questions.tsv): ranking properties of evgraph paths on the
curated knowledge base, not exact scores (curated confidences may be re-scored)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evgraph.analytics import paths

QUESTIONS = pd.read_csv(Path(__file__).resolve().parent.parent / "benchmarks" / "questions.tsv", sep="\t",
                        comment="#", dtype={"top": int}, keep_default_na=False)


def test_the_benchmark_is_big_enough_and_well_formed():
    # session 12: Q36 withdrawn with XC001 (sweep w11d), Q38 (SE009) added, so the benchmark keeps 20 (issue 11);
    # session 13: Q22 withdrawn with MC022 (held back), Q39 (TA022) added
    assert len(QUESTIONS) >= 20 and QUESTIONS["id"].is_unique
    assert set(QUESTIONS["expect"]) <= {"in_top", "closure_in_top", "coherent_top", "sign", "sign_all"}
    assert set(QUESTIONS["sign"]) <= {"increases", "decreases", "unknown"}
    assert (QUESTIONS["references"] != "").all()


@pytest.mark.parametrize("q", QUESTIONS.to_dict("records"), ids=list(QUESTIONS["id"]))
def test_question(kg, q):
    assert kg.resolve(q["source_label"]) == q["source"] and kg.resolve(q["target_label"]) == q["target"]
    df = paths(kg, q["source"], q["target"], k=50, coherent=q["expect"] == "coherent_top")
    hit = df[df["statements"].map(lambda s: q["statement"] in s)]
    assert len(hit), f"{q['id']}: no path through {q['statement']}"
    # the statement's references reach the output
    refs = set(q["references"].split("|"))
    assert refs & {r for rec in hit["references"] for part in rec.split(";") for r in part.split("|")}
    best = hit.iloc[0]
    if q["expect"] in ("in_top", "coherent_top"):
        assert best["rank"] <= q["top"], (q["id"], best["rank"], df[["statements", "evidence"]].head(q["top"] + 2))
        assert best["sign"] == q["sign"]
        if q["expect"] == "coherent_top":
            assert not df["hypothesis"].any()
    elif q["expect"] == "closure_in_top":
        rolled = hit[hit["via_closure"]]
        assert len(rolled) and rolled["rank"].iloc[0] <= q["top"], (q["id"], df[["statements", "via_closure"]])
        assert rolled["sign"].iloc[0] == q["sign"]
    elif q["expect"] == "sign":
        assert best["sign"] == q["sign"]
    elif q["expect"] == "sign_all":
        assert set(hit["sign"]) == {q["sign"]}, (q["id"], hit[["sign", "statements", "path"]])
