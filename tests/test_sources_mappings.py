"""The curated mapping tables shipped with evgraph, checked against the reference ontologies."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import pytest

from evgraph.sources._context import mappings_dir, norm_name, sample_table, species_table

pytestmark = pytest.mark.shared_data


def _terms(shared_data, prefix: str) -> dict:
    zstandard = pytest.importorskip("zstandard")
    path = next((shared_data / "ontologies").glob(f"{prefix}-ontology-*.json.zst"))
    with open(path, "rb") as fh:
        return json.loads(zstandard.ZstdDecompressor().stream_reader(fh).read())


def test_sample_table_ids_and_labels_match_the_ontologies(shared_data):
    terms = {**_terms(shared_data, "CL"), **_terms(shared_data, "UBERON")}
    rows = list(csv.DictReader(io.StringIO("".join(
        ln for ln in (mappings_dir() / "samples.tsv").read_text().splitlines(keepends=True)
        if not ln.startswith("#"))), delimiter="\t"))
    assert len(rows) >= 200
    for r in rows:
        term = terms.get(r["id"])
        assert term is not None, f"{r['sample']}: {r['id']} not in the ontology"
        assert not term["deprecated"], f"{r['id']} is deprecated"
        assert term["label"] == r["label"], f"{r['id']}: label {term['label']!r}, table says {r['label']!r}"
        assert r["category"] in ("CellType", "Organ", "Biofluid")
        assert r["id"].startswith("CL:") == (r["category"] == "CellType")
    # one category per id, one row per normalised sample name
    cats: dict[str, set[str]] = {}
    for r in rows:
        cats.setdefault(r["id"], set()).add(r["category"])
    assert all(len(c) == 1 for c in cats.values())
    assert len({norm_name(r["sample"]) for r in rows}) == len(rows)


def test_sample_table_covers_90_percent_of_vesiclepedia_experiments(shared_data):
    path = shared_data / "ev_cargo" / "Vesiclepedia_experiment_details.txt"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))
    samples = Counter(r["SAMPLE"] for r in rows)
    assert len(samples) > 250
    table = sample_table()
    covered = sum(n for s, n in samples.items() if norm_name(s) in table)
    assert covered / len(rows) >= 0.90, f"{covered}/{len(rows)}"


def test_species_table_covers_the_host_organisms(shared_data):
    path = shared_data / "ev_cargo" / "Vesiclepedia_experiment_details.txt"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")), delimiter="\t"))
    species = Counter(s for r in rows for s in r["SPECIES"].split("|"))
    known = species_table()
    top = [s for s, _ in species.most_common(10)]
    hosts = [s for s in top if s not in ("Escherichia coli", "Saccharomyces cerevisiae")]
    assert all(norm_name(s) in known for s in hosts), [s for s in hosts if norm_name(s) not in known]
