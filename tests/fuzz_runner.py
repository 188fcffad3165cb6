"""Run many ``evgraph`` command lines fast, each in its own process, and record how each ended.

    python tests/fuzz_runner.py CASES.json RESULTS.json [JOBS]

``CASES.json`` is a list of ``{"id", "args", "cwd", "out", "nobody"}``. This process imports
evgraph once (and loads the ontology), then *forks* one child per case (``JOBS`` at a time, default
2): the child runs the command line exactly as ``evgraph ARGS`` would, with stdout and stderr in
files. A child that dies from a signal (SIGSEGV, SIGABRT: a native crash) or overruns its time
(SIGALRM) is recorded as such; it cannot take the runner down. ``nobody`` runs the child as user
``nobody`` when the runner is root (so a ``chmod 000`` file is really unreadable).

After a command exits 0 the child also summarises the graph folder it wrote (node and edge id
digests, counts, the QC report's per-source counters) so the tests can compare it with the
unmutated input's graph without loading every folder again.

Each result: ``{"exit": int | None, "signal": int | None, "stderr": str, "summary": {...} | None,
"leftovers": [...]}`` (``leftovers``: hidden temporary files or folders left in ``cwd``).

This is test tooling, not part of the package.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
import time
import traceback
from pathlib import Path

TIMEOUT = int(os.environ.get("EVGRAPH_FUZZ_TIMEOUT", "120"))


def summarise(out: Path) -> dict:
    """Digest of a built graph folder: node ids, edge ids, counts and the QC counters per source."""
    import evgraph

    kg = evgraph.load(out)
    nodes = sorted(map(str, kg.nodes["id"]))
    edges = sorted(map(str, kg.edges["id"]))
    report = json.loads((out / "build-report.json").read_text(encoding="utf-8"))
    keys = ("name", "rows_read", "records_imported", "records_skipped", "edges_merged", "nodes_added", "edges_added",
            "skipped", "files", "notes")
    sources = [{k: s.get(k) for k in keys} for s in report["sources"]]
    return {"nodes": len(nodes), "edges": len(edges),
            "node_digest": hashlib.blake2b("\n".join(nodes).encode(), digest_size=12).hexdigest(),
            "edge_digest": hashlib.blake2b("\n".join(edges).encode(), digest_size=12).hexdigest(),
            "node_ids": nodes if len(nodes) <= 5000 else [], "sources": sources}


def child(case: dict, cli, result_file: Path) -> None:
    """Run one case (in the forked child); never returns."""
    code = 1
    try:
        os.chdir(case["cwd"])
        res_fd = os.open(result_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # before dropping root
        signal.alarm(TIMEOUT)
        for fd, name in ((1, "stdout"), (2, "stderr")):
            f = os.open(os.path.join(case["cwd"], f".fuzz-{name}"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
            os.dup2(f, fd)
            os.close(f)
        if case.get("nobody") and os.geteuid() == 0:
            os.setgid(65534)
            os.setuid(65534)
        try:
            cli(args=case["args"], obj={}, prog_name="evgraph", standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 99
        summary = None
        if code == 0 and case.get("out"):
            out = Path(case["out"])
            if out.is_dir():
                try:
                    summary = summarise(out)
                except BaseException as exc:
                    summary = {"error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(res_fd, json.dumps({"code": code, "summary": summary}).encode())
    except BaseException:
        traceback.print_exc()
        code = 98
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def leftovers(cwd: Path) -> list[str]:
    """Hidden temporary files/folders a run left in ``cwd`` (``.NAME.XXXX.tmp``, ``.cypher-build-*``...)."""
    return sorted(p.name for p in cwd.iterdir()
                  if p.name.startswith(".") and not p.name.startswith(".fuzz-") and p.name != ".input")


def run(cases: list[dict], jobs: int = 2) -> dict[str, dict]:
    os.environ["EVGRAPH_PROGRESS"] = "0"
    os.environ.setdefault("PYTHONWARNINGS", "default")
    from evgraph.cli import main as cli
    from evgraph.schema import get_schema

    get_schema()  # loaded once here, shared by every child
    for heavy in ("encodings.utf_8_sig", "encodings.latin_1", "scipy.stats", "pydeseq2.dds", "pydeseq2.ds",
                  "pyreadr", "pyoxigraph", "rdflib"):
        try:  # the readers import these lazily; importing them once here saves seconds per case
            __import__(heavy)
        except ImportError:
            pass
    import tempfile

    import evgraph

    with tempfile.TemporaryDirectory() as tmp:  # one warm build: every lazy import happens here, not per case
        warm = Path(tmp) / "g"
        evgraph.save(evgraph.build([f"curated={Path(__file__).parent / 'fixtures' / 'curated'}"]), warm)
        evgraph.load(warm)

    results: dict[str, dict] = {}
    queue = list(cases)
    running: dict[int, tuple[dict, float]] = {}
    while queue or running:
        while queue and len(running) < jobs:
            case = queue.pop(0)
            res_file = Path(case["cwd"]) / ".fuzz-result"
            res_file.unlink(missing_ok=True)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                child(case, cli, res_file)
            running[pid] = (case, time.monotonic())
        pid, status = os.wait()
        if pid not in running:
            continue
        case, t0 = running.pop(pid)
        cwd = Path(case["cwd"])
        res: dict = {"exit": None, "signal": None, "seconds": round(time.monotonic() - t0, 3), "summary": None}
        if os.WIFSIGNALED(status):
            res["signal"] = os.WTERMSIG(status)
        else:
            res["exit"] = os.WEXITSTATUS(status)
        err = cwd / ".fuzz-stderr"
        res["stderr"] = err.read_text(encoding="utf-8", errors="replace")[-20000:] if err.exists() else ""
        rf = cwd / ".fuzz-result"
        if rf.exists():
            try:
                res["summary"] = json.loads(rf.read_text(encoding="utf-8"))["summary"]
            except ValueError:
                pass
        res["leftovers"] = leftovers(cwd)
        results[case["id"]] = res
    return results


def main(argv: list[str]) -> int:
    cases = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    jobs = int(argv[2]) if len(argv) > 2 else 2
    results = run(cases, jobs)
    Path(argv[1]).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
