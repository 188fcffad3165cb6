#!/usr/bin/env bash
# Install evgraph with its test dependencies and run the whole test suite.
#
#   bash tests/run.sh [pytest args...]
#
# What it does, in order:
#   1. creates .venv (Python >= 3.11) and installs evgraph with the `test` extra;
#   2. installs Debian's chromium for the browser tests when it is missing and apt-get is usable;
#   3. builds and starts the Neo4j 5.26 test server (tests/neo4j/start.sh, needs Java 17 + Maven)
#      on 127.0.0.1:${EVGRAPH_NEO4J_PORT:-7687} and stops it on exit;
#   4. installs KGX (kgx validate) into its own venv .venv-kgx and resolves ROBOT through Maven
#      (tests/robot/pom.xml) for the interoperability tests;
#   5. runs ruff and pytest.
# With CI=true a missing browser, Neo4j server or ../shared/data makes the tests fail, not skip.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="${EVGRAPH_VENV:-$ROOT/.venv}"

echo "== evgraph tests: $(date -u +%FT%TZ) =="
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"
export PATH="$VENV/bin:$PATH"

# --- headless browser for the HTML view tests ---------------------------------------------
if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing chromium (Debian package) =="
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "!! chromium not found and cannot be installed here; browser tests will skip (fail under CI=true)"
  fi
fi

# --- interop validators: KGX (own venv) and ROBOT (Maven) --------------------------------------
# KGX 2.6 pins numpy < 2, so it gets its own virtual environment; the pinned biolink-model
# package provides the Biolink model it validates against, offline (tests/tools/kgx_offline.py).
KGX_VENV="${EVGRAPH_KGX_VENV:-$ROOT/.venv-kgx}"
KGX_PINS="kgx==2.6.0 biolink-model==4.4.6 bmt==1.5.0"
if [ ! -f "$KGX_VENV/.pins" ] || [ "$(cat "$KGX_VENV/.pins")" != "$KGX_PINS" ]; then
  echo "== installing KGX into $KGX_VENV =="
  rm -rf "$KGX_VENV"
  "$PYTHON" -m venv "$KGX_VENV"
  # shellcheck disable=SC2086
  if "$KGX_VENV/bin/python" -m pip install --quiet $KGX_PINS; then
    echo "$KGX_PINS" >"$KGX_VENV/.pins"
  else
    echo "!! KGX could not be installed; KGX validation tests will skip (fail under CI=true)"
  fi
fi
export EVGRAPH_KGX_PYTHON="$KGX_VENV/bin/python"
if command -v mvn >/dev/null 2>&1; then
  ROBOT_CP="$ROOT/tests/robot/target/classpath.txt"
  if [ ! -s "$ROBOT_CP" ] || [ "$ROOT/tests/robot/pom.xml" -nt "$ROBOT_CP" ]; then
    echo "== resolving ROBOT (Maven) =="
    (cd tests/robot && mvn -q -B -Dstyle.color=never dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt) \
      || echo "!! ROBOT could not be resolved; ROBOT tests will skip (fail under CI=true)"
  fi
  export EVGRAPH_ROBOT_CP="$ROBOT_CP"
fi

# --- Neo4j test server ----------------------------------------------------------------------
NEO4J_STARTED=0
stop_neo4j() {
  if [ "$NEO4J_STARTED" = 1 ]; then
    bash tests/neo4j/stop.sh || true
  fi
}
trap stop_neo4j EXIT
if command -v java >/dev/null 2>&1 && command -v mvn >/dev/null 2>&1; then
  echo "== starting the Neo4j test server =="
  if bash tests/neo4j/start.sh; then
    NEO4J_STARTED=1
    export NEO4J_URI="${NEO4J_URI:-bolt://127.0.0.1:${EVGRAPH_NEO4J_PORT:-7687}}"
  else
    echo "!! the Neo4j test server did not start; Neo4j tests will skip (fail under CI=true)"
  fi
else
  echo "!! java/mvn not found; Neo4j tests will skip (fail under CI=true)"
fi

echo "== ruff =="
ruff check evgraph tests benchmarks notebooks
echo "== pytest =="
set +e
python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: failing"
  status=1
fi
exit "$status"
