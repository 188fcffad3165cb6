"""Third-party validators run by the interoperability tests (installed by tests/run.sh).

* **KGX** (``kgx validate``) lives in its own virtual environment, ``.venv-kgx`` (KGX 2.6 pins
  numpy < 2, which cannot share evgraph's). ``EVGRAPH_KGX_PYTHON`` names its python.
* **ROBOT** (the OBO tool, ``org.obolibrary.robot:robot-command``) comes from Maven Central
  through ``tests/robot/pom.xml``; ``EVGRAPH_ROBOT_CP`` is its class path file.

Missing tools skip the tests, or fail them under ``CI=true``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KGX_LAUNCHER = ROOT / "tests" / "tools" / "kgx_offline.py"


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is not installed (tests/run.sh installs it)")
    pytest.skip(f"{what} is not installed (run tests/run.sh)")


def kgx_python() -> Path:
    path = Path(os.environ.get("EVGRAPH_KGX_PYTHON", ROOT / ".venv-kgx" / "bin" / "python"))
    if not path.is_file():
        _missing("KGX (.venv-kgx)")
    return path


def kgx_validate(folder: Path, prefix_map: Path | None = None) -> dict[str, dict[str, dict[str, list[str]]]]:
    """Run the real ``kgx validate`` offline on ``folder``'s nodes.tsv/edges.tsv; return its report.

    The report maps message level -> error type -> message -> entities, as KGX prints it.
    """
    cmd = [str(kgx_python()), str(KGX_LAUNCHER)]
    if prefix_map is not None:
        cmd += ["--prefix-map", str(prefix_map)]
    cmd += ["validate", "-i", "tsv", str(folder / "nodes.tsv"), str(folder / "edges.tsv")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False,
                          env={**os.environ, "no_proxy": "*"})
    # KGX prints its report (JSON) after its log lines, on stdout or stderr depending on the version
    for out in (proc.stdout, proc.stderr):
        m = re.search(r"^\{$", out, re.M)
        if m:
            return json.loads(out[m.start():out.rindex("}") + 1])
    if proc.returncode == 0:
        return {}
    raise AssertionError(f"kgx validate printed no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def kgx_errors(report: dict) -> dict[str, list[str]]:
    """ERROR-level messages by error type (one message = one distinct problem, as KGX counts)."""
    return {etype: sorted(msgs) for etype, msgs in report.get("ERROR", {}).items()}


def robot(*args: str, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run ROBOT's command line (``java -cp ... org.obolibrary.robot.CommandLineInterface``)."""
    cp_file = Path(os.environ.get("EVGRAPH_ROBOT_CP", ROOT / "tests" / "robot" / "target" / "classpath.txt"))
    if not cp_file.is_file():
        _missing("ROBOT (tests/robot)")
    java = os.environ.get("JAVA_HOME", "")
    java = str(Path(java) / "bin" / "java") if java else "java"
    cmd = [java, "-Xmx2g", "-cp", cp_file.read_text().strip(), "org.obolibrary.robot.CommandLineInterface", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=cwd)


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
