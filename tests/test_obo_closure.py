"""The OBO reader is linear (issue 18): a 10,000-term is_a chain used to take 31 s and 2.5 GB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from evgraph.sources.ontologies import parse_obo

ROOT = Path(__file__).resolve().parent.parent


def _chain(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("format-version: 1.2\n\n")
        for i in range(1, n + 1):
            parent = f"is_a: DOID:{i - 1} ! term {i - 1}\n" if i > 1 else ""
            fh.write(f"[Term]\nid: DOID:{i}\nname: term {i}\n{parent}\n")
    return path


def test_deep_chain_keeps_every_ancestor(tmp_path):
    terms = parse_obo(_chain(tmp_path / "chain.obo", 2000))
    assert "DOID:1" in terms["DOID:2000"].ancestors and "DOID:2000" not in terms["DOID:1"].ancestors
    assert len(terms["DOID:2000"].ancestors) == 1999 and sorted(terms["DOID:3"].ancestors) == ["DOID:1", "DOID:2"]


def test_ten_thousand_term_chain_in_bounded_memory(tmp_path):
    """Peak memory of a child process parsing the chain and asking the deepest term's ancestry."""
    path = _chain(tmp_path / "chain.obo", 10_000)
    # VmHWM is the peak of this process's own memory map; ru_maxrss would also count the pytest
    # process this child was forked from (Linux carries maxrss across exec)
    code = ("import sys; from pathlib import Path; from evgraph.sources.ontologies import parse_obo\n"
            "t = parse_obo(Path(sys.argv[1])); assert 'DOID:1' in t['DOID:10000'].ancestors\n"
            "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])")
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=300,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert res.returncode == 0, res.stderr
    peak_mib = int(res.stdout.strip()) / 1024  # VmHWM is in KiB
    assert peak_mib < 400, f"peak {peak_mib:.0f} MiB (a materialised closure needs about 2.5 GB)"


def test_cycles_do_not_loop(tmp_path):
    p = tmp_path / "cycle.obo"
    p.write_text("format-version: 1.2\n\n[Term]\nid: DOID:1\nname: a\nis_a: DOID:2\n\n"
                 "[Term]\nid: DOID:2\nname: b\nis_a: DOID:1\n")
    terms = parse_obo(p)
    assert sorted(terms["DOID:1"].ancestors) == ["DOID:1", "DOID:2"]
