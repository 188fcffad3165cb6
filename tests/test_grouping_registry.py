"""The grouping-term registry is read with full-line ``#`` comments only: a field may hold ``#``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from evgraph.analytics import grouping
from evgraph.errors import DataError


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the registry at a copy in ``tmp_path`` (the real file plus the given lines)."""
    def use(extra: str) -> Path:
        path = tmp_path / "grouping-terms.tsv"
        path.write_text(grouping.REGISTRY.read_text(encoding="utf-8") + extra, encoding="utf-8")
        monkeypatch.setattr(grouping, "REGISTRY", path)
        for fn in (grouping._registry_rows, grouping.grouping_terms, grouping.grouping_term_ids):
            fn.cache_clear()
        return path

    yield use
    for fn in (grouping._registry_rows, grouping.grouping_terms, grouping.grouping_term_ids):
        fn.cache_clear()


def _reference_rows(text: str) -> list[dict[str, str]]:
    """The registry parsed independently: skip blank and full-line ``#`` lines, split on tabs."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_shipped_registry_matches_an_independent_parse() -> None:
    expected = _reference_rows(grouping.REGISTRY.read_text(encoding="utf-8"))
    df = grouping.grouping_terms()
    assert len(expected) > 40
    assert df.to_dict("records") == expected
    assert grouping.grouping_term_ids() == frozenset(r["id"] for r in expected)


def test_hash_inside_a_field_is_kept(registry) -> None:
    registry("GO:9999999\tterm #7 of the demo\tcatch-all class; see note #2 (issue #12)\n"
             "# a full-line comment after the data is still a comment\n")
    df = grouping.grouping_terms()
    row = df[df["id"] == "GO:9999999"]
    assert row["label"].tolist() == ["term #7 of the demo"]
    assert row["reason"].tolist() == ["catch-all class; see note #2 (issue #12)"]
    assert "GO:9999999" in grouping.grouping_term_ids()
    assert not df["id"].str.startswith("#").any()


def test_bad_registry_row_names_file_and_line(registry) -> None:
    path = registry("GO:9999998\tonly two fields\n")
    lineno = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataError, match=rf"grouping-terms\.tsv:{lineno}.*expected 3 tab-separated fields"):
        grouping.grouping_terms()
