"""Helpers shared by the curation-pass tests (``test_curated_s2*.py``, ``test_curated_s3*.py``): one
pass's edges by statement-id prefix, one statement's rows, the condition families it links, and the
statements kept commented out (held back) in the statements files."""

from __future__ import annotations

import re

import pandas as pd

from evgraph.sources.curated import curated_dir

#: model systems of cultured cells, which the cultured-cell register must cover (``cultured-cells*.tsv``)
CULTURED = frozenset({"cell_line", "primary_cells", "cell_culture", "organoid"})


def pass_edges(kg, prefix: str) -> pd.DataFrame:
    """The curated edges of one pass: statement ids ``PREFIX`` followed by three digits (``TA001``)."""
    return kg.edges[kg.edges["statement"].str.match(rf"^{prefix}\d{{3}}$")]


def statement_rows(kg, sid: str) -> pd.DataFrame:
    """The edges of one curated statement."""
    return kg.edges[kg.edges["statement"] == sid]


def objects(rows: pd.DataFrame, predicate: str) -> set:
    """The objects of one statement's edges with this predicate."""
    return set(rows.loc[rows["predicate"] == predicate, "object"])


def subjects(rows: pd.DataFrame, predicate: str) -> set:
    """The subjects of one statement's edges with this predicate."""
    return set(rows.loc[rows["predicate"] == predicate, "subject"])


def condition_categories(kg, sid: str) -> set[str]:
    """The condition families (``condition_category``) of the conditions one statement links."""
    rows = statement_rows(kg, sid)
    objs = rows.loc[rows["object"].astype(str).str.startswith(("MONDO:", "DOID:")), "object"]
    return {kg.node(str(o))["condition_category"] for o in objs}


def commented_statement_ids() -> set[str]:
    """Statement ids kept as ``# ID\t...`` rows (held back, with their reasons) in any statements file."""
    return {m.group(1) for path in curated_dir().glob("statements-*.tsv")
            for m in re.finditer(r"^# ([A-Z]{2}\d{3}[A-Z]?)\t", path.read_text(encoding="utf-8"), re.M)}
