"""Shared pytest fixtures.

``kg`` is the curated knowledge base shipped with evgraph; ``mini_kg`` a one-statement graph
built from ``tests/fixtures/curated``. ``shared_data`` is ``../shared/data`` (reference data
that exists on developer machines and in CI, never in the installed package).

``neo4j_server`` is the one connection to the real Neo4j test server for every Neo4j test
(``test_neo4j*.py``, ``test_evidence.py``, ``test_query_multisource.py``), ``neo4j_uri`` its
Bolt URI for tests that drive the command line. The server is the one named by ``NEO4J_URI``
(``NEO4J_USER``/``NEO4J_PASSWORD``), or ``bolt://127.0.0.1:$EVGRAPH_NEO4J_PORT`` when only the
port of ``tests/neo4j/start.sh`` is set; ``tests/run.sh`` starts it and exports ``NEO4J_URI``.
There is deliberately no default port: on a shared machine a guessed ``7687`` may be another
developer's server, whose evgraph nodes the tests would delete. Without a reachable server the
tests are skipped, and under ``CI=true`` they fail.
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


def _missing(reason: str):
    """Fail under ``CI=true`` (CI must run every test), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def neo4j_test_uri(env: dict[str, str] | None = None) -> str | None:
    """The test server's Bolt URI: ``NEO4J_URI``, else the port of ``tests/neo4j/start.sh``, else None.

    >>> neo4j_test_uri({"EVGRAPH_NEO4J_PORT": "7723"})
    'bolt://127.0.0.1:7723'
    >>> neo4j_test_uri({}) is None
    True
    """
    env = os.environ if env is None else env
    if env.get("NEO4J_URI"):
        return env["NEO4J_URI"]
    if env.get("EVGRAPH_NEO4J_PORT"):
        return f"bolt://127.0.0.1:{env['EVGRAPH_NEO4J_PORT']}"
    return None


@pytest.fixture(scope="session")
def neo4j_server():
    """A connected :class:`~evgraph.query.neo4j.Neo4jEngine` on the test server (see the module doc)."""
    from evgraph.query import QueryError
    from evgraph.query.neo4j import Neo4jEngine

    uri = neo4j_test_uri()
    if uri is None:
        _missing("no Neo4j test server named: start one with tests/neo4j/start.sh (EVGRAPH_NEO4J_PORT=PORT) "
                 "and export NEO4J_URI=bolt://127.0.0.1:PORT (tests/run.sh does both)")
    engine = Neo4jEngine.from_env(uri)
    try:
        engine.check()
    except QueryError as exc:
        engine.close()
        _missing(f"Neo4j test server not reachable at {uri} ({exc}); start it with tests/neo4j/start.sh "
                 "(needs Java 17+ and Maven)")
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def neo4j_uri(neo4j_server) -> str:
    """The Bolt URI of :func:`neo4j_server` (for tests that run ``evgraph ... --uri``)."""
    return neo4j_server.settings.uri


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
def public_kg() -> evgraph.KnowledgeGraph:
    """Curated + the public-source fixtures (``tests/fixtures/sources``) that the public-data
    queries read (built once for the SPARQL and Neo4j query tests)."""
    src = FIXTURES / "sources"
    return evgraph.build(["curated", f"genes={src / 'genes_hetionet_nodes.tsv'}",
                          f"tissue_expression={src / 'tissue_expression'}", f"cell_markers={src / 'cell_markers'}",
                          f"vesiclepedia={src / 'vesiclepedia'}", f"exocarta={src / 'exocarta_v5'}",
                          f"evmirna2={src / 'evmirna2'}",
                          f"mirtarbase={src / 'mirtarbase' / 'hsa_MTI_v7.csv.gz'}#support=all"])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared reference data folder; in CI (CI=true) its absence is a failure, not a skip."""
    path = _shared_data()
    if not path.is_dir():
        _missing(f"shared reference data not found at {path}")
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
