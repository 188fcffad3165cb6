"""The fuzz suite (issue 18): every registered reader against the malformed-input variants.

For each reader (:data:`fuzz_variants.SPECS`) and each applicable variant
(:data:`fuzz_variants.VARIANTS`) the damaged input is generated from a small fixture and
``evgraph build --source READER=INPUT --out OUT`` is run in its own forked process
(``tests/fuzz_runner.py``), so a native crash or a hang counts instead of killing the suite.
Each case asserts:

* no traceback, no signal (native crash), no timeout;
* on failure: exit status 1, every stderr line an ``evgraph: error:`` line, the first one naming
  the damaged input; no output folder and no temporary file left behind;
* on success: the variant is one whose damage can be survived, and the graph equals the
  undamaged input's graph (node and edge ids), with any added row visible in the QC report.

``test_fuzz_totals`` prints the tally the issue's done-when names (tracebacks, native crashes,
silent losses, accepted truncations, exit-0 empty builds), all 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import fuzz_variants as fv
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CASES = [(spec, variant) for spec in fv.SPECS for variant in ["baseline", *fv.applicable(spec)]]


def _case_id(spec: fv.Spec, variant: str) -> str:
    return f"{spec.key}:{variant}"


def _generated_inputs(work: Path) -> dict[str, Path]:
    """The inputs made by evgraph itself: a KGX export and an N-Triples export of the mini curated graph."""
    import evgraph

    kg = evgraph.build([f"curated={fv.FIXTURES / 'curated'}"])
    kgx = work / "gen" / "kgx"
    evgraph.export(kg, "kgx", kgx)
    nt = work / "gen" / "mini.nt"
    evgraph.export(kg, "rdf", nt, format="nt")
    return {"@kgx": kgx, "@rdf": nt}


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory) -> dict[str, dict]:
    work = tmp_path_factory.mktemp("fuzz")
    generated = _generated_inputs(work)
    cases = []
    for spec, variant in CASES:
        base = generated.get(spec.path) or (fv.SRC / spec.path)
        cwd = work / "cases" / spec.key / variant
        inp = fv.make_case(spec, variant, Path(base), cwd)
        os.chmod(cwd, 0o777)  # the unreadable-file case runs as nobody and writes its output here
        rel = inp.relative_to(cwd)  # relative paths: nobody may not traverse the temporary folder's parents
        extra = [a for s in spec.extra for a in ("--source", s.replace("@SRC", str(fv.SRC)))]
        cases.append({"id": _case_id(spec, variant), "cwd": str(cwd), "out": "out",
                      "nobody": variant == "unreadable_file", "input": str(inp),
                      "args": ["build", "--source", f"{spec.reader}={rel}{spec.options}", *extra, "--out", "out"]})
    (work / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    env = {**os.environ, "EVGRAPH_CACHE": str(work / "cache"), "PYTHONPATH": str(HERE)}
    proc = subprocess.run([sys.executable, str(HERE / "fuzz_runner.py"), str(work / "cases.json"),
                           str(work / "results.json"), "2"], env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads((work / "results.json").read_text(encoding="utf-8"))
    for c in cases:
        results[c["id"]]["input"] = c["input"]
        results[c["id"]]["out"] = str(Path(c["cwd"]) / c["out"])
    return results


def classify(spec: fv.Spec, variant: str, res: dict, base: dict) -> str:
    """``ok`` or the defect class of one case's outcome (see the module docstring)."""
    err = res["stderr"]
    if res["signal"] is not None:
        return "timeout" if res["signal"] == 14 else "native crash"
    if "Traceback" in err or res["exit"] in (98, 99):
        return "traceback"
    expect = fv.VARIANTS[variant][1] if variant != "baseline" else "same"
    if res["exit"] != 0:
        lines = [ln for ln in err.splitlines() if ln.strip()]
        if res["exit"] != 1 or not lines or any(not ln.startswith("evgraph: ") for ln in lines):
            return "unclear error"
        name = Path(res["input"]).name
        if name not in lines[0] and Path(spec.target).name not in lines[0]:
            return "error not naming the input"
        if Path(res["out"]).exists() or res["leftovers"]:
            return "output left behind"
        return "ok"
    summary = res["summary"] or {}
    if "error" in summary or not summary:
        return "unreadable output"
    if summary["nodes"] + summary["edges"] == 0:
        return "exit-0 empty build"
    if variant in ("truncated_mid_line", "truncated_gzip"):
        return "accepted truncation"
    if expect == "fail" and spec.target and variant in ("missing_file", "directory"):
        # one file of a multi-file release missing: fine when the QC report lists the files it read
        files = [f for s in summary["sources"] for f in (s.get("files") or [])]
        if any(f.endswith(spec.target) for f in files):
            return "accepted bad input"
        return "ok"
    notes = " ".join(n for s in summary["sources"] for n in (s.get("notes") or []))
    if expect == "fail" and variant == "header_only" and f"{Path(spec.target).name}: no data rows" in notes:
        return "ok"  # accepted and said so in the QC report (KGX: a graph of nodes only)
    if expect == "fail":
        return "accepted bad input"
    if variant == "baseline":
        return "ok"
    same = (summary["node_digest"], summary["edge_digest"]) == (base["node_digest"], base["edge_digest"])
    if not same:
        return "silent loss or corruption"
    if expect == "accounted":
        s, b = summary["sources"][0], base["sources"][0]  # the fuzzed source is the first
        seen = any((s[k] or 0) > (b[k] or 0) for k in ("rows_read", "records_skipped", "edges_merged"))
        if not seen:
            return "row not accounted in QC"
    return "ok"


@pytest.mark.parametrize("spec,variant", CASES, ids=[_case_id(s, v) for s, v in CASES])
def test_fuzz_case(fuzz, spec, variant):
    res = fuzz[_case_id(spec, variant)]
    base = fuzz[_case_id(spec, "baseline")]
    if variant == "baseline":
        assert res["exit"] == 0, res["stderr"][-2000:]
        assert res["summary"]["nodes"] + res["summary"]["edges"] > 0
        return
    assert base["exit"] == 0, "baseline failed"
    verdict = classify(spec, variant, res, base["summary"])
    assert verdict == "ok", f"{verdict}: exit {res['exit']} signal {res['signal']}\n{res['stderr'][-1500:]}"


def test_fuzz_totals(fuzz, capsys):
    tally: Counter = Counter()
    for spec, variant in CASES:
        res = fuzz[_case_id(spec, variant)]
        base = fuzz[_case_id(spec, "baseline")]
        verdict = classify(spec, variant, res, base.get("summary") or {}) if variant != "baseline" else "ok"
        tally[verdict] += 1
        tally["clear error" if res["exit"] == 1 and verdict == "ok" else "case"] += 1
    dump = os.environ.get("EVGRAPH_FUZZ_DUMP")
    if dump:  # a table of every case for whoever works on the readers
        rows = {}
        for spec, variant in CASES:
            res = fuzz[_case_id(spec, variant)]
            base = fuzz[_case_id(spec, "baseline")]
            rows[_case_id(spec, variant)] = {
                "verdict": classify(spec, variant, res, base.get("summary") or {}) if variant != "baseline" else "ok",
                "exit": res["exit"], "signal": res["signal"], "seconds": res["seconds"],
                "stderr": res["stderr"][-600:]}
        Path(dump).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    with capsys.disabled():
        print(f"\nfuzz: {len(CASES)} cases over {len(fv.SPECS)} inputs: " + ", ".join(f"{k} {v}" for k, v in
                                                                                     sorted(tally.items())))
    for bad in ("traceback", "native crash", "silent loss or corruption", "accepted truncation", "exit-0 empty build"):
        assert tally[bad] == 0, f"{tally[bad]} {bad}"
