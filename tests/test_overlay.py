"""A user's EV cargo against a receiver (``evgraph overlay``) and tissue of origin (``evgraph origin``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import hypergeom

import evgraph
from evgraph.analytics.origin import tissue_of_origin
from evgraph.analytics.overlay import overlay, prior_network, regulatory_potential
from evgraph.errors import DataError, EvgraphError
from evgraph.userdata import NameMapper, read_table, receiver_set
from evgraph.viz.overlay import overlay_page


@pytest.fixture(scope="module")
def mti_graph(shared_data, tmp_path_factory):
    """Curated KB + the real miRTarBase strong-evidence table + Vesiclepedia, saved for the CLI tests."""
    kg = evgraph.build(["curated",
                        f"mirtarbase={shared_data / 'mirna_targets' / 'mirtarbase_hsa_functional_MTI_strong.tsv'}",
                        f"vesiclepedia={shared_data / 'ev_cargo'}"])
    out = tmp_path_factory.mktemp("mti") / "g"
    evgraph.save(kg, str(out))
    return kg, out


def _targets(kg, mirna: str) -> list[str]:
    e = kg.edges
    sel = (e["predicate"] == "regulates") & (e["subject"].astype(str) == mirna)
    return sorted(e.loc[sel, "object"].astype(str).unique())


def test_planted_signal_ranks_the_mirna_first_among_equal_degree_decoys(mti_graph):
    kg, _ = mti_graph
    e = kg.edges
    mti = e[(e["predicate"] == "regulates") & (e["primary_knowledge_source"] == "infores:mirtarbase")]
    degree = mti["subject"].astype(str).value_counts()
    mid = degree[(degree >= 20) & (degree <= 80)]
    assert len(mid) >= 12
    rng = np.random.default_rng(7)
    for planted in rng.choice(mid.index.to_numpy(), size=3, replace=False):
        d = degree[planted]
        decoys = [m for m in mid.index if m != planted and abs(degree[m] - d) <= 0.25 * d][:15]
        assert len(decoys) >= 3
        df = overlay(kg, [*decoys, planted], _targets(kg, planted))
        assert df["cargo"].iloc[0] == planted, (planted, df[["cargo", "activity"]].head())
        assert df["activity"].iloc[0] > df["activity"].iloc[1]
        assert df["sign"].iloc[0] == "decreases"  # miRTarBase targets are repressed
        hop = df["mechanism"].iloc[0][0]
        assert hop["source_database"] == "infores:mirtarbase" and hop["relationship"] == "regulates"
        assert hop["publications"]


def test_activity_is_background_corrected_aupr(mti_graph):
    from sklearn.metrics import average_precision_score

    kg, _ = mti_graph
    net = prior_network(kg)
    mirna = kg.edges.loc[kg.edges["primary_knowledge_source"] == "infores:mirtarbase", "subject"].astype(str).iloc[0]
    recv = _targets(kg, mirna)[:10]
    df = overlay(kg, [mirna], recv)
    code = kg.index_of(mirna)
    R = regulatory_potential(net, net.position(np.array([code])))  # default restart and hub correction
    genes = np.flatnonzero(kg.node_class.astype(str)[net.nodes] == "Gene")
    labels = np.isin(genes, net.position(np.array([kg.index_of(g) for g in recv])))
    expected = average_precision_score(labels, R[0, genes]) - labels.mean()
    assert df["activity"].iloc[0] == pytest.approx(expected)
    assert df.attrs["receiver_size"] == labels.sum() and df.attrs["background_size"] == len(genes)


def test_literature_lists_curated_statements_with_references(kg):
    e = kg.edges
    cur = e[(e["predicate"] == "carries") & (e["primary_knowledge_source"] == "infores:evgraph")]
    cargo = cur["object"].astype(str).value_counts().index[0]
    from evgraph.analytics.overlay import literature

    lit = literature(kg, [cargo])[cargo]
    stmts = {s["statement"] for s in lit["statements"]}
    assert stmts == set(cur.loc[cur["object"].astype(str) == cargo, "statement"].astype(str))
    assert all(s["references"] for s in lit["statements"])


def test_name_mapping_reports_every_row(kg, tmp_path):
    m = NameMapper(kg)
    assert m.map("PPARG")[0] == "NCBIGene:5468"
    path = tmp_path / "cargo.tsv"
    path.write_text("symbol\tlog2fc\nPPARG\t1.5\n5468\t0.2\nPparg\t0.1\nNOT_A_GENE\t1\n\nmiR-155-5p\t-2\n")
    t = read_table(path, kg)
    assert t.mapped == 4 and len(t.unmapped) == 1
    assert t.unmapped[0] == {"line": 5, "value": "NOT_A_GENE", "reason": "not found", "candidates": []}
    assert list(t.frame["id"]) == ["NCBIGene:5468", "mirbase:MIMAT0000646"]  # duplicates kept once, first row
    assert t.frame["log2fc"].iloc[0] == 1.5
    assert "ortholog" in t.report.loc[t.report["value"] == "Pparg", "mapped_by"].iloc[0]


@pytest.mark.parametrize("content, message", [
    ("", "1: empty table"),
    ("symbol\n", "1: header only"),
    ("symbol\tlog2fc\nPPARG\tabc\n", "2: field 'log2fc': 'abc' is not a number"),
    ("symbol\nNOPE1\nNOPE2\n", "none of the 2 rows maps"),
    ("a\tb\nPPARG\t1\t2\n", "2: 3 fields but the header has 2"),
])
def test_bad_tables_are_one_clear_error(kg, tmp_path, content, message):
    path = tmp_path / "t.tsv"
    path.write_text(content)
    with pytest.raises(DataError, match=message):
        read_table(path, kg)


def test_binary_and_latin1_tables_are_refused(kg, tmp_path):
    (tmp_path / "b.tsv").write_bytes(b"symbol\n\x00\x01\x02")
    with pytest.raises(DataError, match="binary data"):
        read_table(tmp_path / "b.tsv", kg)
    (tmp_path / "l.tsv").write_bytes("symbol\nPPARG\nna\u00efve\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"l\.tsv:3: not UTF-8"):
        read_table(tmp_path / "l.tsv", kg)


def test_de_table_gives_set_and_background(kg, tmp_path):
    path = tmp_path / "de.tsv"
    path.write_text("gene,log2fc,padj\nPPARG,2,0.01\nTNF,-1,0.2\nCD36,0.5,0.001\n")
    genes, background = receiver_set(read_table(path, kg), q_max=0.05, min_abs_log2fc=1.0)
    assert genes == ["NCBIGene:5468"] and len(background) == 3
    with pytest.raises(EvgraphError, match="no gene passes"):
        receiver_set(read_table(path, kg), q_max=0.0001)


def test_receiver_node_without_markers_is_a_clear_error(kg):
    with pytest.raises(EvgraphError, match="no marker or tissue-enriched gene"):
        overlay(kg, ["NCBIGene:5468"], "CL:0000235")
    with pytest.raises(EvgraphError, match="give a CellType or Organ"):
        overlay(kg, ["NCBIGene:5468"], "NCBIGene:7124")


def test_origin_statistics_are_hypergeometric_with_bh(mti_graph):
    kg, _ = mti_graph
    e = kg.edges
    rel = e[e["predicate"] == "releases"]
    liver_evs = set(rel.loc[rel["subject"].astype(str) == "UBERON:0002107", "object"].astype(str))
    car = e[(e["predicate"] == "carries") & e["subject"].astype(str).isin(liver_evs)]
    cargo = sorted(car["object"].astype(str).unique())[:25]
    df = tissue_of_origin(kg, cargo)
    row = df[df["node"] == "UBERON:0002107"].iloc[0]
    info = df.attrs["ev_release"]
    k, K, n = row["overlap_ev_release"], row["set_ev_release"], info["cargo_covered"]
    assert k == n == 25 or k == n
    assert row["p_ev_release"] == pytest.approx(hypergeom.sf(k - 1, info["universe"], K, n))
    q = df["q_ev_release"].dropna().to_numpy()
    p = df["p_ev_release"].dropna().to_numpy()
    assert (q >= p - 1e-15).all()
    assert set(row["drivers"]) <= set(kg.nodes.set_index("id").loc[cargo, "label"])
    assert (df["rank"] == np.arange(1, len(df) + 1)).all()


def test_overlay_page_is_scriptless_and_escaped():
    import pandas as pd

    df = pd.DataFrame([{"cargo": "x:1", "label": "<img src=x onerror=alert(1)>", "activity": .4, "auroc": .8,
                        "rank": 1, "targets": ["T1", "T2"], "mechanism": [], "sign": "decreases",
                        "literature": {"statements": [{"statement": "MC001", "references": ["PMID:1"],
                                                       "evidence_tier": "2"}], "public_detections": 3}}])
    page = overlay_page(df, receiver="neuron")
    assert "<script" not in page and "<img src=x" not in page
    assert page.count("<rect") == 2 and "MC001" in page and "pubmed" in page.lower()


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evgraph.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_cli_overlay_and_origin(mti_graph, tmp_path):
    kg, graph = mti_graph
    mirna = kg.edges.loc[kg.edges["primary_knowledge_source"] == "infores:mirtarbase", "subject"].astype(str)
    top = mirna.value_counts().index[:8]
    labels = kg.nodes.set_index("id").loc[list(top), "label"].tolist()
    (tmp_path / "cargo.tsv").write_text("mirna\tlog2fc\n" + "".join(f"{m}\t1\n" for m in labels) + "zzz-unknown\t2\n")
    recv = kg.nodes.set_index("id").loc[_targets(kg, top[0]), "label"].tolist()
    (tmp_path / "recv.txt").write_text("gene\n" + "\n".join(recv) + "\n")
    proc = _cli("overlay", "--graph", str(graph), "--cargo", "cargo.tsv", "--receiver", "recv.txt", "--format",
                "json", "--view", "o.html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert rows[0]["cargo"] == top[0] and {"activity", "targets", "mechanism", "sign", "literature"} <= set(rows[0])
    assert "8 of 9 rows mapped" in proc.stderr and "line 10: 'zzz-unknown' not found" in proc.stderr
    assert (tmp_path / "o.html").is_file()
    proc = _cli("origin", "--graph", str(graph), "--cargo", "cargo.tsv", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["rank"] == 1
    (tmp_path / "empty.txt").write_text("gene\n")
    proc = _cli("overlay", "--graph", str(graph), "--cargo", "cargo.tsv", "--receiver", "empty.txt", cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) >= 1 and "empty.txt:1: header only" in proc.stderr


#: Plasma proteins secreted by hepatocytes, and adipokines / adipocyte markers (textbook sets, not tuned).
LIVER_SECRETED = ["ALB", "APOA1", "APOA2", "APOB", "APOC3", "APOH", "FGA", "FGB", "FGG", "AHSG", "TF", "HP", "HPX",
                  "SERPINC1", "F2", "PLG", "CP", "ITIH1", "AMBP", "RBP4"]
ADIPOKINES = ["ADIPOQ", "LEP", "CFD", "PLIN1", "PLIN4", "FABP4", "CIDEC", "CIDEA", "LIPE", "GPD1", "PPARG", "AQP7",
              "PCK1", "SAA1", "LPL", "CD36", "RETN", "TIMP4"]


@pytest.fixture(scope="module")
def tissue_graph(shared_data):
    """Hetionet genes + the real HPA v18 tissue-specific gene table (tissue_expression reader)."""
    hpa = shared_data / "tissue_expression" / "tissueenrich_hpa_v18_tissue_specific_genes.tsv"
    return evgraph.build([f"genes={shared_data / 'hetionet' / 'hetionet-v1.0-nodes.tsv'}", f"tissue_expression={hpa}"])


@pytest.mark.parametrize("symbols, organ", [(LIVER_SECRETED, "UBERON:0002107"), (ADIPOKINES, "UBERON:0001013")])
def test_tissue_of_origin_ranks_the_secreting_organ_first(tissue_graph, symbols, organ):
    m = NameMapper(tissue_graph, ("Gene",))
    ids = [m.map(s)[0] for s in symbols]
    assert sum(i is not None for i in ids) >= 0.8 * len(symbols)
    df = tissue_of_origin(tissue_graph, [i for i in ids if i], classes=["Organ"])
    assert df["node"].iloc[0] == organ, df.head()
    assert df["q_expression"].iloc[0] < 1e-6 and df["q_expression"].iloc[0] < df["q_expression"].iloc[1]
    assert len(df["drivers"].iloc[0]) >= 5
