"""The shared Neo4j fixture (``conftest.neo4j_server``): no guessed default server, and under
``CI=true`` a missing or unreachable server fails the Neo4j tests instead of skipping them.

Each case runs pytest in a child process on one real Neo4j test with a controlled environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TARGET = "tests/test_evidence.py::test_real_neo4j_stores_the_fields"


def _pytest(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("NEO4J_URI", "EVGRAPH_NEO4J_PORT", "CI")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", TARGET],
                          capture_output=True, text=True, cwd=ROOT, env={**base, **env}, timeout=300)


@pytest.mark.parametrize("ci", [False, True], ids=["local", "ci"])
def test_no_server_named_skips_locally_and_fails_in_ci(ci):
    res = _pytest(**({"CI": "true"} if ci else {}))
    assert "no Neo4j test server named" in res.stdout, res.stdout[-2000:]
    if ci:
        assert res.returncode == 1 and "1 error" in res.stdout
    else:
        assert res.returncode == 0 and "1 skipped" in res.stdout


def test_unreachable_server_fails_in_ci_naming_the_uri():
    res = _pytest(CI="true", NEO4J_URI="bolt://127.0.0.1:1")  # nothing listens on port 1
    assert res.returncode == 1 and "1 error" in res.stdout
    assert "Neo4j test server not reachable at bolt://127.0.0.1:1" in res.stdout


def test_start_script_port_alone_names_the_server():
    res = _pytest(EVGRAPH_NEO4J_PORT="1")
    assert res.returncode == 0 and "not reachable at bolt://127.0.0.1:1" in res.stdout
