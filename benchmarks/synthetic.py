"""Deterministic synthetic evgraph graphs for benchmarks (10k, 100k, 1M edges, or any size).

Every class and every relationship of the ontology is used; each edge respects the domain and
range read from :func:`evgraph.get_schema`; degrees are skewed (Zipf-like weights, so a few
hub cargo, pathways, cell types and organs collect many edges); every edge carries provenance
(species, PMIDs, knowledge level, confidence, ``primary_knowledge_source``
``infores:evgraph-synthetic``). Identifiers are valid for their prefix patterns but clearly
synthetic (``NCBIGene:90000001``, ``CL:9000001``, ``MONDO:9000001``, ``REACT:R-SYN-9000001``,
``PMID:90000001`` ...; labels start with ``synthetic``); the PMIDs are made up and refer to
nothing. The same ``(n_edges, seed)`` always gives the same graph.

Command line (from the repository root)::

    python benchmarks/synthetic.py --edges 1000000 --out benchmarks/data/syn-1m

writes ``benchmarks/data/syn-1m/kgx/{nodes,edges}.tsv`` (KGX TSV) and
``benchmarks/data/syn-1m/graph/`` (a built graph: ``evgraph.load("benchmarks/data/syn-1m/graph")``).

Python::

    import sys; sys.path.insert(0, "benchmarks")      # or: from benchmarks.synthetic import ...
    from synthetic import generate, ensure
    kg = generate(10_000, seed=0)                     # a validated KnowledgeGraph
    graph_dir = ensure(1_000_000)                     # build once, cache under benchmarks/data/
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # allow running as a script from a checkout
    sys.path.insert(0, str(ROOT))

import evgraph  # noqa: E402
from evgraph.arrays import unique  # noqa: E402
from evgraph.build.builder import GraphBuilder  # noqa: E402
from evgraph.model import LIST_SEP, KnowledgeGraph  # noqa: E402

SOURCE = "infores:evgraph-synthetic"
DATA_DIR = ROOT / "benchmarks" / "data"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

#: nodes of each class per edge (scaled with the graph), and a floor for tiny graphs
NODES_PER_EDGE: dict[str, tuple[float, int]] = {
    "Organ": (0.0003, 12),
    "Biofluid": (0.00003, 4),
    "CellType": (0.002, 20),
    "EVPopulation": (0.05, 40),
    "VesicleType": (0.0, 8),
    "Gene": (0.06, 60),
    "MicroRNA": (0.005, 20),
    "RNA": (0.008, 10),
    "Lipid": (0.004, 10),
    "Metabolite": (0.008, 10),
    "Organelle": (0.0002, 4),
    "Pathway": (0.005, 20),
    "Condition": (0.003, 24),
    "UptakeMechanism": (0.0, 6),
    "Publication": (0.02, 20),
}

#: share of the edge budget per relationship (normalised); releases/has_vesicle_type/
#: described_in get exactly one edge per EV population, subclass_of one per non-root
#: condition or vesicle type, part_of one or two per cell type.
RELATION_SHARE: dict[str, float] = {
    "sampled_from": 0.03,
    "carries": 0.28,
    "taken_up_by": 0.05,
    "internalized_via": 0.02,
    "homes_to": 0.03,
    "regulates": 0.12,
    "participates_in": 0.08,
    "affects": 0.06,
    "contributes_to": 0.05,
    "released_in": 0.03,
    "biomarker_for": 0.03,
    "associated_with": 0.03,
    "interacts_with": 0.05,
    # issue-14 relationships (EV abundance in disease, detection, tissue expression, markers)
    "abundance_changed_in": 0.01,
    "detected_in": 0.005,
    "expressed_in": 0.02,
    "marker_of": 0.01,
}
#: relative weight of each class when a relationship's domain or range has several
CLASS_WEIGHT: dict[str, float] = {
    "Gene": 6.0, "MicroRNA": 3.0, "RNA": 1.0, "Lipid": 1.0, "Metabolite": 1.0, "Organelle": 0.3,
    "EVPopulation": 4.0, "CellType": 3.0, "Organ": 1.0, "Biofluid": 1.0, "Condition": 1.0, "VesicleType": 1.0,
}
SPECIES = ("NCBITaxon:9606", "NCBITaxon:10090", "NCBITaxon:10116")
SPECIES_P = (0.55, 0.35, 0.10)
LEVELS = ("knowledge_assertion", "observation", "statistical_association", "prediction", "not_provided")
LEVELS_P = (0.45, 0.25, 0.15, 0.1, 0.05)
ZIPF_EXPONENT = 0.9
#: EV populations are one per release statement: only mildly skewed
ZIPF_EXPONENT_BY_CLASS = {"EVPopulation": 0.3, "Publication": 0.5}


def _ids(cls: str, n: int) -> list[str]:
    if cls == "Organ":
        return [f"UBERON:{9000001 + i}" for i in range(n)]
    if cls == "Biofluid":
        return [f"UBERON:{9900001 + i}" for i in range(n)]
    if cls == "CellType":
        return [f"CL:{9000001 + i}" for i in range(n)]
    if cls == "EVPopulation":
        return [f"evgraph:SYN-EVP-{i + 1:07d}" for i in range(n)]
    if cls == "VesicleType":
        return [f"GO:{9100001 + i}" for i in range(n)]
    if cls == "Gene":
        return [f"NCBIGene:{90000001 + i}" for i in range(n)]
    if cls == "RNA":
        return [f"NCBIGene:{98000001 + i}" for i in range(n)]
    if cls == "MicroRNA":
        return [f"mirbase:MIMAT{9000001 + i}" for i in range(n)]
    if cls == "Lipid":
        return [f"CHEBI:{90000001 + i}" for i in range(n)]
    if cls == "Metabolite":
        return [f"CHEBI:{95000001 + i}" for i in range(n)]
    if cls == "Organelle":
        return [f"GO:{9200001 + i}" for i in range(n)]
    if cls == "UptakeMechanism":
        return [f"GO:{9300001 + i}" for i in range(n)]
    if cls == "Pathway":
        return [f"REACT:R-SYN-{9000001 + i}" for i in range(n)]
    if cls == "Condition":
        return [f"MONDO:{9000001 + i}" for i in range(n)]
    if cls == "Publication":
        return [f"PMID:{90000001 + i}" for i in range(n)]
    raise ValueError(f"no synthetic identifiers for class {cls}")


def _zipf_p(n: int, rng: np.random.Generator, exponent: float = ZIPF_EXPONENT) -> np.ndarray:
    """Zipf-like sampling weights over ``n`` nodes, in a random (seeded) order."""
    w = (np.arange(1, n + 1, dtype=np.float64)) ** -exponent
    w = w[rng.permutation(n)]
    return w / w.sum()


class _Pool:
    """Node codes (global positions in the concatenated node list) of one class."""

    def __init__(self, start: int, n: int, rng: np.random.Generator, exponent: float = ZIPF_EXPONENT):
        self.start, self.n = start, n
        self.p = _zipf_p(n, rng, exponent)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        return self.start + rng.choice(self.n, size=size, p=self.p)


def _split_counts(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Largest-remainder split of ``total`` by ``shares`` (sums exactly to ``total``)."""
    keys = list(shares)
    w = np.array([shares[k] for k in keys], dtype=np.float64)
    raw = total * w / w.sum()
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return dict(zip(keys, base.tolist(), strict=True))


def generate(n_edges: int, seed: int = 0) -> KnowledgeGraph:
    """A validated synthetic :class:`~evgraph.model.KnowledgeGraph` with exactly ``n_edges`` edges.

    >>> kg = generate(2_000, seed=1)
    >>> kg.num_edges
    2000
    >>> sorted(kg.counts()["nodes"]) == sorted(kg.schema.classes)
    True
    """
    if n_edges < 1000:
        raise ValueError("a synthetic graph needs at least 1000 edges")
    schema = evgraph.get_schema()
    rng = np.random.default_rng(seed)
    categories = [c for c in schema.condition_categories]

    # ------------------------------------------------------------------ nodes
    counts = {cls: max(floor, round(per * n_edges)) for cls, (per, floor) in NODES_PER_EDGE.items()}
    assert set(counts) == set(schema.classes), "synthetic classes out of date with the ontology"
    pools: dict[str, _Pool] = {}
    ids: list[str] = []
    classes: list[str] = []
    labels: list[str] = []
    for cls in schema.classes:
        n = counts[cls]
        pools[cls] = _Pool(len(ids), n, rng, ZIPF_EXPONENT_BY_CLASS.get(cls, ZIPF_EXPONENT))
        ids += _ids(cls, n)
        classes += [cls] * n
        name = schema.classes[cls].label
        labels += [f"synthetic {name} {i + 1}" for i in range(n)]
    node_cat = [""] * len(ids)
    cond = pools["Condition"]
    # condition categories: skewed (metabolic, cardiovascular, neurodegenerative most common)
    cat_p = np.array([3.0 if c in ("metabolic", "cardiovascular", "neurodegenerative") else 1.0
                      for c in categories])
    cond_cat = np.array(categories, dtype=object)[rng.choice(len(categories), size=cond.n, p=cat_p / cat_p.sum())]
    cond_cat[: len(categories)] = categories  # every category present
    for i in range(cond.n):
        node_cat[cond.start + i] = cond_cat[i]
        labels[cond.start + i] = f"synthetic {cond_cat[i]} condition {i + 1}"
    nodes = pd.DataFrame({"id": ids, "category": classes, "label": labels, "condition_category": node_cat,
                          "provided_by": SOURCE})
    n_nodes = len(ids)

    # ------------------------------------------------------------------ structural edges
    parts: list[tuple[str, np.ndarray, np.ndarray]] = []
    evp = pools["EVPopulation"]
    evp_codes = evp.start + np.arange(evp.n)
    releasers = np.concatenate([pools["CellType"].sample(evp.n, rng)])
    organ_release = rng.random(evp.n) < 0.15
    releasers[organ_release] = pools["Organ"].sample(int(organ_release.sum()), rng)
    parts.append(("releases", releasers, evp_codes))
    parts.append(("has_vesicle_type", evp_codes, pools["VesicleType"].sample(evp.n, rng)))
    evp_pub = pools["Publication"].sample(evp.n, rng)
    parts.append(("described_in", evp_codes, evp_pub))
    ct = pools["CellType"]
    ct_codes = ct.start + np.arange(ct.n)
    anat = np.where(rng.random(ct.n) < 0.1, pools["Biofluid"].sample(ct.n, rng), pools["Organ"].sample(ct.n, rng))
    parts.append(("part_of", ct_codes, anat))
    # subclass_of: a forest within each condition category, and among vesicle types
    child, parent = [], []
    for cat in categories:
        members = cond.start + np.flatnonzero(cond_cat == cat)
        for j in range(1, len(members)):
            child.append(members[j])
            parent.append(members[rng.integers(0, j)])
    vt = pools["VesicleType"]
    for j in range(1, vt.n):
        child.append(vt.start + j)
        parent.append(vt.start)
    parts.append(("subclass_of", np.array(child, dtype=np.int64), np.array(parent, dtype=np.int64)))
    fixed = sum(len(s) for _, s, _ in parts)
    if fixed >= n_edges:
        raise ValueError(f"{n_edges} edges is too few for the structural edges ({fixed})")

    # ------------------------------------------------------------------ sampled edges
    budget = _split_counts(n_edges - fixed, RELATION_SHARE)
    missing = set(schema.relations) - set(budget) - {"releases", "has_vesicle_type", "described_in", "part_of",
                                                      "subclass_of"}
    assert not missing, f"relationships not generated: {missing}"
    for rel_name, want in budget.items():
        rel = schema.relations[rel_name]
        dom = sorted(rel.domain)
        rng_cls = sorted(rel.range)
        got_s: list[np.ndarray] = []
        got_o: list[np.ndarray] = []
        have = 0
        tries = 0
        while have < want and tries < 30:
            tries += 1
            size = int((want - have) * 1.2) + 16
            ds = np.array([CLASS_WEIGHT.get(c, 1.0) for c in dom])
            rs = np.array([CLASS_WEIGHT.get(c, 1.0) for c in rng_cls])
            dc = rng.choice(len(dom), size=size, p=ds / ds.sum())
            rc = rng.choice(len(rng_cls), size=size, p=rs / rs.sum())
            s = np.empty(size, dtype=np.int64)
            o = np.empty(size, dtype=np.int64)
            for k, c in enumerate(dom):
                sel = dc == k
                s[sel] = pools[c].sample(int(sel.sum()), rng)
            for k, c in enumerate(rng_cls):
                sel = rc == k
                o[sel] = pools[c].sample(int(sel.sum()), rng)
            got_s.append(s)
            got_o.append(o)
            alls, allo = np.concatenate(got_s), np.concatenate(got_o)
            key = alls * n_nodes + allo
            _, first = unique(key, return_index=True)  # a sort: numpy's hash unique is slow on distinct keys
            keep = np.sort(first)
            keep = keep[alls[keep] != allo[keep]]
            got_s, got_o = [alls[keep]], [allo[keep]]
            have = len(keep)
        if have < want:
            raise ValueError(f"cannot draw {want} distinct '{rel_name}' edges; use more edges")
        parts.append((rel_name, got_s[0][:want], got_o[0][:want]))

    # ------------------------------------------------------------------ provenance
    pred = np.concatenate([np.full(len(s), name, dtype=object) for name, s, _ in parts])
    subj = np.concatenate([s for _, s, _ in parts])
    obj = np.concatenate([o for _, _, o in parts])
    m = len(subj)
    assert m == n_edges, (m, n_edges)
    ids_arr = np.array(ids, dtype=object)
    species = np.array(SPECIES, dtype=object)[rng.choice(len(SPECIES), size=m, p=SPECIES_P)]
    level = np.array(LEVELS, dtype=object)[rng.choice(len(LEVELS), size=m, p=LEVELS_P)]
    confidence = np.round(rng.beta(5, 2, size=m), 3).clip(0.05, 1.0)
    pubs_a = pools["Publication"].sample(m, rng)
    pubs_b = pools["Publication"].sample(m, rng)
    two = rng.random(m) < 0.3
    pub_a = ids_arr[pubs_a]
    publications = np.where(two & (pubs_a != pubs_b), pub_a + LIST_SEP + ids_arr[pubs_b], pub_a)
    # an EV population's edges cite its own publication and statement
    evp_of_edge = np.where(np.isin(pred, ["releases"]), obj, subj)
    is_evp = (evp_of_edge >= evp.start) & (evp_of_edge < evp.start + evp.n)
    evp_pub_of = np.full(n_nodes, -1, dtype=np.int64)
    evp_pub_of[evp_codes] = evp_pub
    publications = np.where(is_evp, ids_arr[evp_pub_of[np.where(is_evp, evp_of_edge, evp.start)]], publications)
    # one statement id per EV population, shared by its edges (not one new string per edge)
    evp_statement = np.array([""] + [f"SYN-S{i + 1}" for i in range(evp.n)], dtype=object)
    statement = evp_statement[np.where(is_evp, evp_of_edge - evp.start + 1, 0)]
    with_dir = np.isin(pred, [r.name for r in schema.relations.values() if "direction" in r.qualifiers])
    dirs = np.array(["increased", "decreased"], dtype=object)
    direction = np.where(with_dir, dirs[rng.integers(0, 2, size=m)], "")
    reg = pred == "regulates"
    direction[reg] = np.array(["upregulated", "downregulated"], dtype=object)[rng.integers(0, 2, size=int(reg.sum()))]
    uptake = np.full(m, "", dtype=object)
    tu = pred == "taken_up_by"
    uptake[tu] = ids_arr[pools["UptakeMechanism"].sample(int(tu.sum()), rng)]
    ontological = np.isin(pred, ["subclass_of", "described_in"])
    species[ontological] = ""
    level[ontological] = "knowledge_assertion"
    edges = pd.DataFrame({
        "id": [f"evgraph:SYN-E{i + 1:08d}" for i in range(m)],
        "subject": ids_arr[subj],
        "predicate": pred,
        "object": ids_arr[obj],
        "direction": direction,
        "uptake_mechanism": uptake,
        "species": species,
        "publications": publications,
        "knowledge_level": level,
        "agent_type": "manual_agent",
        "primary_knowledge_source": SOURCE,
        "evidence": "",
        "confidence": confidence,
        "statement": statement,
    })
    builder = GraphBuilder(schema)
    builder.add_nodes(nodes, file=f"synthetic(n_edges={n_edges}, seed={seed})")
    builder.add_edges(edges, file=f"synthetic(n_edges={n_edges}, seed={seed})")
    return builder.build(metadata={"evgraph_version": evgraph.__version__, "sources": ["synthetic"],
                                   "synthetic": {"n_edges": n_edges, "seed": seed}})


def write(kg: KnowledgeGraph, out: str | Path) -> tuple[Path, Path]:
    """Write ``out/kgx`` (KGX TSV) and ``out/graph`` (built graph); return both folders."""
    from evgraph.formats.kgx import write_kgx

    out = Path(out)
    kgx_dir, graph_dir = out / "kgx", out / "graph"
    kgx_dir.mkdir(parents=True, exist_ok=True)
    write_kgx(kg, kgx_dir)
    evgraph.save(kg, graph_dir)
    return kgx_dir, graph_dir


def ensure(n_edges: int, seed: int = 0, root: str | Path = DATA_DIR) -> Path:
    """Built-graph folder of the synthetic graph ``(n_edges, seed)``, generating it if needed."""
    name = {v: k for k, v in SIZES.items()}.get(n_edges, str(n_edges))
    out = Path(root) / (f"syn-{name}" + ("" if seed == 0 else f"-s{seed}"))
    graph_dir = out / "graph"
    if not (graph_dir / "graph.json").is_file():
        write(generate(n_edges, seed), out)
    return graph_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edges", type=int, default=10_000, help="number of edges (default 10000)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--out", required=True, help="output folder (gets kgx/ and graph/)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    kg = generate(args.edges, args.seed)
    t1 = time.perf_counter()
    kgx_dir, graph_dir = write(kg, args.out)
    t2 = time.perf_counter()
    print(f"synthetic graph: {kg.num_nodes} nodes, {kg.num_edges} edges (seed {args.seed}); "
          f"generated+validated in {t1 - t0:.1f} s, written in {t2 - t1:.1f} s", file=sys.stderr)
    print(f"KGX TSV:     {kgx_dir}/", file=sys.stderr)
    print(f"built graph: {graph_dir}/  (evgraph.load('{graph_dir}'))", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
