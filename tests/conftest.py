"""Shared pytest fixtures.

``kg`` is the curated knowledge base shipped with evgraph; ``mini_kg`` a one-statement graph
built from ``tests/fixtures/curated``. ``shared_data`` is ``../shared/data`` (reference data
that exists on developer machines and in CI, never in the installed package).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.sources.curated import read_curated

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _shared_data() -> Path:
    env = os.environ.get("EVGRAPH_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def kg() -> evgraph.KnowledgeGraph:
    return evgraph.build()


@pytest.fixture(scope="session")
def mini_kg() -> evgraph.KnowledgeGraph:
    builder = GraphBuilder()
    builder.add(read_curated(FIXTURES / "curated"))
    return builder.build()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared reference data folder; in CI (CI=true) its absence is a failure, not a skip."""
    path = _shared_data()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"shared reference data not found at {path}")
        pytest.skip(f"shared reference data not found at {path}")
    return path


@pytest.fixture(scope="session")
def priors_kg(shared_data) -> evgraph.KnowledgeGraph:
    """Curated KB + real Hetionet genes, miRTarBase (strong evidence), Vesiclepedia and HPA v18 tissue-specific genes:
    a graph with a prior network, organ receiver sets and tissue-of-origin evidence (the web app's
    overlay and predictions tests)."""
    d = shared_data
    hpa = d / "tissue_expression" / "tissueenrich_hpa_v18_tissue_specific_genes.tsv"
    return evgraph.build(["curated", f"genes={d / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}",
                          f"mirtarbase={d / 'mirna_targets' / 'mirtarbase_hsa_functional_MTI_strong.tsv'}",
                          f"vesiclepedia={d / 'ev_cargo'}",
                          f"tissue_expression={hpa}"])
