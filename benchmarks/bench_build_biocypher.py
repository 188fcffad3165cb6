"""Build benchmark against BioCypher: full human miRTarBase (``support=all``) to Neo4j import CSV.

Both sides start from the same raw file (``mirtarbase_hsa_MTI_full.csv.gz``) and end with Neo4j
bulk-import CSV files on disk, each in a fresh subprocess (peak memory = its ``ru_maxrss``):

* **evgraph**: ``evgraph.build(["mirtarbase=FILE#support=all"])`` (read, normalise, validate,
  assemble) then ``evgraph.export(kg, "neo4j-csv", DIR)``;
* **BioCypher** (``pip install biocypher``, a benchmark-only peer): a pandas adapter that keeps
  the same rows (known support type, numeric Entrez id), groups them per (miRNA, target gene)
  like the evgraph reader (PMIDs and experiments joined, strongest support) and, like evgraph's
  normalisation, puts a name without an arm onto the arms the file names (identical records
  merged), then
  ``BioCypher.write_nodes`` / ``write_edges`` / ``write_import_call`` with a schema config of two
  node classes and one relationship. BioCypher runs headless (``head_ontology: null``): the
  Biolink OWL is a download this machine cannot make, and without it BioCypher has less to do.

The adapter's own time is printed beside BioCypher's; the ratio counts both, as the evgraph
side counts its reader. The script checks that both sides wrote the same numbers of nodes and
edges and prints ``same counts: yes``. Runs are interleaved (evgraph, BioCypher, evgraph, ...);
medians are printed with the 1-minute load average seen by each run, and the CPU time of each
child (``time.process_time``, imports included) beside the wall time: on a shared machine the
CPU ratio is the steadier figure.

    nice -n 10 python benchmarks/bench_build_biocypher.py [--file PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT.parent / "shared" / "data" / "mirna_targets" / "mirtarbase_hsa_MTI_full.csv.gz"

SCHEMA = """\
microRNA:
  represented_as: node
  preferred_id: mirbase
  input_label: mirna
  properties:
    name: str
gene:
  represented_as: node
  preferred_id: ncbigene
  input_label: gene
  properties:
    name: str
gene regulates gene:
  is_a: related to
  represented_as: edge
  input_label: regulates
  source: microRNA
  target: gene
  properties:
    publications: str[]
    evidence: str
    confidence: float
    direction: str
    species: str
"""

CONFIG = """\
biocypher:
  dbms: neo4j
  offline: true
  strict_mode: false
  head_ontology: null
  log_to_disk: false
  debug: false
neo4j:
  delimiter: "\\t"
  array_delimiter: "|"
  quote_character: "'"
  import_call_bin_prefix: bin/
"""

CHILD = r"""
import json, os, resource, sys, time
from pathlib import Path
mode, src, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
t0 = time.perf_counter()
extra = {}
if mode == "evgraph":
    import evgraph
    kg = evgraph.build([f"mirtarbase={src}#support=all"])
    t1 = time.perf_counter()
    evgraph.export(kg, "neo4j-csv", out)
    extra = {"nodes": kg.num_nodes, "edges": kg.num_edges, "build_s": t1 - t0, "write_s": time.perf_counter() - t1}
else:
    import re
    import pandas as pd
    from biocypher import BioCypher
    SUP = {"functional mti": 3, "functional mti (weak)": 2, "non-functional mti": 1,
           "non-functional mti (weak)": 1}
    NAMES = {3: "Functional MTI", 2: "Functional MTI (Weak)", 1: "Non-Functional MTI"}
    CONF = {3: 0.9, 2: 0.6, 1: 0.3}
    df = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    df.columns = [c.strip().lower() for c in df.columns]
    df["level"] = df["support type"].str.strip().str.lower().map(SUP)
    df["entrez"] = df["target gene (entrez gene id)"].str.strip()
    df["mirna"] = df["mirna"].str.strip()
    df = df[df["level"].notna() & df["entrez"].str.isdigit() & (df["mirna"] != "")]
    def pmids(v):
        return sorted({p for s in v for p in re.split(r"[|;,\s]+", s) if p.isdigit()}, key=int)
    def methods(v):
        return sorted({m.strip() for s in v for m in re.split(r"//|;|\|", s) if m.strip()})
    g = df.groupby(["mirna", "entrez"], sort=False).agg(
        level=("level", "max"), pm=("references (pmid)", pmids), ex=("experiments", methods),
        symbol=("target gene", "first"))
    # like evgraph's normalisation: a name without an arm (hsa-miR-3180) stands for the arms the file
    # names (-3p, -5p); records identical in every field are one edge
    g = g.reset_index()
    g["pm"] = g["pm"].map(lambda v: "|".join(f"PMID:{p}" for p in v))
    g["ex"] = g["level"].map(lambda lv: NAMES[int(lv)]) + "; " + g["ex"].map("; ".join)
    names = set(g["mirna"])
    arms = {}
    for nm in names:
        m = re.search(r"-(5p|3p)$", nm)
        if m:
            arms.setdefault(nm[: m.start()], []).append(nm)
    g["mirna"] = [sorted(arms[nm]) if nm in arms else nm for nm in g["mirna"]]
    g = g.explode("mirna").drop_duplicates(["mirna", "entrez", "level", "pm", "ex"]).set_index(["mirna", "entrez"])
    t_adapter = time.perf_counter() - t0
    cfg = out / "config"
    cfg.mkdir(parents=True)
    (cfg / "schema.yaml").write_text(sys.argv[4])
    (cfg / "biocypher.yaml").write_text(sys.argv[5])
    bc = BioCypher(biocypher_config_path=str(cfg / "biocypher.yaml"),
                   schema_config_path=str(cfg / "schema.yaml"), output_directory=str(out / "csv"))
    mirnas = g.index.get_level_values(0).unique()
    genes = g.reset_index().drop_duplicates("entrez")
    bc.write_nodes((f"mirbase:{m}", "mirna", {"name": m}) for m in mirnas)
    bc.write_nodes((f"ncbigene:{e}", "gene", {"name": s}) for e, s in zip(genes["entrez"], genes["symbol"]))
    def edges():
        for (m, e), lv, pm, ex in zip(g.index, g["level"], g["pm"], g["ex"]):
            lv = int(lv)
            yield (None, f"mirbase:{m}", f"ncbigene:{e}", "regulates",
                   {"publications": pm.split("|") if pm else [], "evidence": ex,
                    "confidence": CONF[lv], "direction": "downregulated" if lv != 1 else "",
                    "species": "NCBITaxon:9606"})
    bc.write_edges(edges())
    bc.write_import_call()
    extra = {"nodes": len(mirnas) + len(genes), "edges": len(g), "adapter_s": t_adapter,
             "biocypher_s": time.perf_counter() - t0 - t_adapter}
print(json.dumps({"seconds": time.perf_counter() - t0, "load": os.getloadavg()[0], "cpu_s": time.process_time(),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}))
"""


def run(mode: str, src: Path, out: Path) -> dict:
    env = {**os.environ, "EVGRAPH_PROGRESS": "0"}
    out.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(out), SCHEMA, CONFIG],
                          capture_output=True, text=True, env=env, cwd=out.parent)  # BioCypher logs to its cwd
    if proc.returncode:
        sys.exit(f"{mode} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compile_bytecode() -> None:
    """Write evgraph's bytecode once, as ``pip install`` does for an installed package (as ``bench_speed.py``).

    An editable checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every
    evgraph module again in every timed process, while the peer's libraries (installed wheels)
    load their ``.pyc`` files; ``__pycache__`` is git-ignored."""
    import compileall

    compileall.compile_dir(str(ROOT / "evgraph"), quiet=1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, default=DEFAULT_FILE, help="miRTarBase release table (csv/tsv, gzip or not)")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved runs per side (medians are printed)")
    args = ap.parse_args()
    compile_bytecode()
    import tempfile

    runs: dict[str, list[dict]] = {"evgraph": [], "biocypher": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            for mode in runs:
                res = run(mode, args.file, Path(tmp) / f"{mode}-{i}")
                runs[mode].append(res)
                print(f"run {i + 1} {mode:9s}: {res['seconds']:6.1f} s (CPU {res['cpu_s']:5.1f} s), "
                      f"peak {res['peak_mb']:6.0f} MB, "
                      f"load {res['load']:.1f}, {res['nodes']} nodes, {res['edges']} edges", flush=True)
    ev, bc = runs["evgraph"], runs["biocypher"]
    med = {m: statistics.median(r["seconds"] for r in runs[m]) for m in runs}
    print(f"\nevgraph   median {med['evgraph']:.2f} s (build {statistics.median(r['build_s'] for r in ev):.2f} s, "
          f"neo4j-csv {statistics.median(r['write_s'] for r in ev):.2f} s), "
          f"peak {max(r['peak_mb'] for r in ev):.0f} MB")
    print(f"BioCypher median {med['biocypher']:.2f} s (adapter {statistics.median(r['adapter_s'] for r in bc):.2f} s, "
          f"BioCypher {statistics.median(r['biocypher_s'] for r in bc):.2f} s), "
          f"peak {max(r['peak_mb'] for r in bc):.0f} MB")
    same = {(r["nodes"], r["edges"]) for r in ev + bc}
    print(f"same counts: {'yes' if len(same) == 1 else 'NO ' + str(sorted(same))}")
    print(f"ratio BioCypher / evgraph: {med['biocypher'] / med['evgraph']:.2f}x (>1: evgraph faster; target >= 5x)")
    cpu = {m: statistics.median(r["cpu_s"] for r in runs[m]) for m in runs}
    print(f"CPU time (process, imports included): evgraph {cpu['evgraph']:.2f} s, BioCypher {cpu['biocypher']:.2f} s, "
          f"ratio {cpu['biocypher'] / cpu['evgraph']:.2f}x (less sensitive to the machine's load than wall time)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
