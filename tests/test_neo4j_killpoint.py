"""A Neo4j load killed mid-way (issue 18): what is left, and how a rerun recovers.

``evgraph neo4j load`` writes in batches, each its own committed transaction (MERGE by ``id``).
``kill -9`` after a seeded number of committed batches (``tests/killpoint.py`` patches
``neo4j.Session.execute_write``) leaves every committed batch whole and nothing of the next: no
transaction is half-applied. Running the same load again (no ``--clear``) gives exactly the database
of an uninterrupted load: every node and relationship with every property, compared one by one.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from test_neo4j import dump  # every node and relationship with its properties, sorted

import evgraph
from evgraph.query.neo4j import Neo4jEngine, clear_graph, graph_counts, load_graph, load_plan, schema_statements

pytestmark = pytest.mark.neo4j
HERE = Path(__file__).resolve().parent
BATCH = 100


@pytest.fixture(scope="module")
def neo4j(neo4j_server) -> Neo4jEngine:
    """The shared test-server connection (``conftest.neo4j_server``)."""
    return neo4j_server


def _load(uri: str, graph: Path, *pre: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EVGRAPH_PROGRESS": "0", "NEO4J_URI": uri}
    return subprocess.run([sys.executable, *pre, "neo4j", "load", "--graph", str(graph), "--uri", uri,
                           "--batch-size", str(BATCH), "--no-progress"], capture_output=True, text=True, env=env,
                          timeout=600)


def test_killed_load_leaves_whole_batches_and_a_rerun_recovers(tmp_path, neo4j, neo4j_uri):
    kg = evgraph.build()
    graph = tmp_path / "g"
    evgraph.save(kg, graph)
    batches = list(load_plan(kg, BATCH))
    clear_graph(kg, neo4j)
    load_graph(kg, neo4j, batch_size=BATCH, progress=False)
    clean = dump(neo4j)
    # the loader's batches are its only Session.execute_write calls (constraints go through
    # driver.execute_query, which does not use it): the n-th call is the n-th batch
    assert schema_statements(kg)
    rng = random.Random(18)
    for n in sorted(rng.sample(range(1, len(batches)), 2)):  # seeded kill points: after the n-th batch
        clear_graph(kg, neo4j)
        res = _load(neo4j_uri, graph, str(HERE / "killpoint.py"), "neo4j:Session.execute_write", str(n), "--")
        assert res.returncode == -9, (res.returncode, res.stderr[-2000:])
        got = graph_counts(neo4j)
        loaded = sum(got["nodes"].values()) + sum(got["edges"].values())
        whole = sum(len(b.rows) for b in batches[:n])
        assert loaded == whole, (n, loaded, whole)  # exactly the committed batches, nothing half-written
        rerun = _load(neo4j_uri, graph, "-m", "evgraph.cli")
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        assert dump(neo4j) == clean
    clear_graph(kg, neo4j)
