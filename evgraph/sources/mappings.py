"""The curated mapping tables shipped in ``evgraph/data/mappings`` (species, samples, vesicle types).

>>> species_table()["homo sapiens"]
('9606', 'hsa')
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

from ..build.records import norm_name


def mappings_dir() -> Path:
    """Folder of the curated mapping tables shipped with evgraph."""
    return Path(str(resources.files("evgraph"))) / "data" / "mappings"


def _read_mapping(name: str) -> list[dict[str, str]]:
    with open(mappings_dir() / name, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def species_table() -> dict[str, tuple[str, str]]:
    """Organism name (lower case) -> (NCBI taxon id, miRBase prefix).

    >>> species_table()["homo sapiens"]
    ('9606', 'hsa')
    """
    return {r["name"].strip().lower(): (r["taxon"], r["mirbase_prefix"]) for r in _read_mapping("species.tsv")}


@cache
def mirbase_prefixes() -> dict[str, str]:
    """miRBase species prefix -> NCBI taxon id (``hsa`` -> ``9606``)."""
    return {p: t for t, p in species_table().values() if p}


@cache
def sample_table() -> dict[str, tuple[str, str, str]]:
    """Sample name (normalised) -> (CL/UBERON id, label, category)."""
    return {norm_name(r["sample"]): (r["id"], r["label"], r["category"]) for r in _read_mapping("samples.tsv")}


@cache
def vesicle_type_table() -> dict[str, tuple[str, str]]:
    return {r["name"].lower(): (r["id"], r["label"]) for r in _read_mapping("vesicle_types.tsv")}


@cache
def separation_method_table() -> dict[str, str]:
    """Isolation-method text (normalised) -> evgraph ``separation_method`` ('' = not a separation method).

    >>> separation_method_table()["exoquick kit"]
    'precipitation'
    """
    return {norm_name(r["isolation_method"]): r["separation_method"] for r in _read_mapping("separation_methods.tsv")}


@cache
def sample_source_table() -> dict[str, tuple[str, str]]:
    """Vesiclepedia/ExoCarta sample-source code -> (model_system for human, for other organisms)."""
    return {r["sample_source"].strip().lower(): (r["human"], r["other_organism"])
            for r in _read_mapping("sample_sources.tsv")}
