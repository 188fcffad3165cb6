"""Run the real KGX command line (``kgx ...``) offline, against the pinned Biolink model.

KGX 2.6 and the Biolink Model Toolkit fetch ``biolink-model.yaml``, ``predicate_mapping.yaml``
and JSON-LD prefix contexts from GitHub at import time. This launcher points them at the files
that ship inside the ``biolink-model`` PyPI package (the pinned release) and at the prefix maps
of the ``prefixmaps`` package, then hands over to KGX's own ``cli()``: the validation itself is
KGX's, unchanged.

    python tests/tools/kgx_offline.py validate -i tsv nodes.tsv edges.tsv
    python tests/tools/kgx_offline.py --prefix-map prefix_map.json validate -i tsv nodes.tsv edges.tsv

It runs in the separate KGX virtual environment made by ``tests/run.sh`` (KGX pins numpy < 2,
which cannot coexist with evgraph's dependencies).
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
from pathlib import Path


def _package_dir(name: str) -> Path:
    """Folder of an installed package (``biolink_model`` is a namespace package)."""
    return Path(next(iter(importlib.import_module(name).__path__)))


def _prefixmaps_context(name: str) -> dict[str, str]:
    """A prefix -> IRI map from one context of the ``prefixmaps`` package (a CSV)."""
    data = _package_dir("prefixmaps") / "data" / f"{name}.csv"
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, str] = {}
    for row in rows:
        if row.get("status", "canonical") == "canonical":
            out.setdefault(row["prefix"], row["namespace"])
    return out


def offline(extra_prefixes: dict[str, str] | None = None) -> None:
    """Point bmt and KGX at local copies of the Biolink model and prefix contexts.

    ``extra_prefixes`` (an export's own ``prefix_map.json``) registers the prefixes Biolink's map
    lacks, through KGX's JSON-LD context setting; it never overrides a Biolink prefix.
    """
    biolink = _package_dir("biolink_model")
    schema = biolink / "schema" / "biolink_model.yaml"
    predicate_map = biolink / "schema" / "predicate_mapping.yaml"

    import bmt.toolkit as toolkit

    init = toolkit.Toolkit.__init__
    pmap = str(predicate_map) if predicate_map.is_file() else {"predicate mappings": []}
    init.__defaults__ = (str(schema), pmap)

    import kgx.config as config

    config.get_config()
    prefix_map = json.loads((biolink / "prefixmaps" / "biolink_model_prefix_map.json").read_text())
    for prefix, iri in (extra_prefixes or {}).items():
        prefix_map.setdefault(prefix, iri)
    config.jsonld_context_map["biolink"] = prefix_map
    config.jsonld_context_map["monarch_context"] = _prefixmaps_context("merged.monarch")
    config.jsonld_context_map["obo_context"] = _prefixmaps_context("obo")
    # any --biolink-release given on the command line still resolves to the local model
    config.get_biolink_model_schema = lambda release=None: str(schema) if release else None


def _take_prefix_map(argv: list[str]) -> dict[str, str] | None:
    """Remove ``--prefix-map FILE`` from ``argv`` and return that JSON-LD context."""
    if "--prefix-map" not in argv:
        return None
    i = argv.index("--prefix-map")
    path = argv[i + 1]
    del argv[i:i + 2]
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data.get("@context", data)


if __name__ == "__main__":
    offline(_take_prefix_map(sys.argv))
    from kgx.cli import cli

    sys.argv[0] = "kgx"
    cli()
