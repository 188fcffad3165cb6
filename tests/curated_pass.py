"""Helpers shared by the curation-pass tests (``test_curated_s2*.py``, ``test_curated_s3*.py``): one
pass's edges by statement-id prefix, one statement's rows, and the condition families it links."""

from __future__ import annotations

import pandas as pd


def pass_edges(kg, prefix: str) -> pd.DataFrame:
    """The curated edges of one pass: statement ids ``PREFIX`` followed by three digits (``TA001``)."""
    return kg.edges[kg.edges["statement"].str.match(rf"^{prefix}\d{{3}}$")]


def statement_rows(kg, sid: str) -> pd.DataFrame:
    """The edges of one curated statement."""
    return kg.edges[kg.edges["statement"] == sid]


def condition_categories(kg, sid: str) -> set[str]:
    """The condition families (``condition_category``) of the conditions one statement links."""
    rows = statement_rows(kg, sid)
    objs = rows.loc[rows["object"].astype(str).str.startswith(("MONDO:", "DOID:")), "object"]
    return {kg.node(str(o))["condition_category"] for o in objs}
