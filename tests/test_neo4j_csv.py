"""``evgraph export neo4j-csv``: files for ``neo4j-admin database import full``.

The files are read back with the header rules of neo4j-admin import (``id:ID``, ``:LABEL``,
``:START_ID``, ``:END_ID``, ``:TYPE``, ``name:type`` with ``[]`` arrays split on the array
delimiter, empty cell = no property) and compared with the graph tables.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import evgraph
from evgraph.formats.neo4j_csv import ARRAY_DELIMITER, write_neo4j_csv
from evgraph.model import split_list

ROOT = Path(__file__).resolve().parent.parent


def read_admin_csv(path: Path) -> list[dict]:
    """Parse one file the way neo4j-admin import does (for the types evgraph writes)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        out = []
        for row in reader:
            rec = {}
            for spec, cell in zip(header, row, strict=True):
                name, _, typ = spec.partition(":")
                if cell == "":
                    continue
                key = name or ":" + typ
                if typ.endswith("[]"):
                    rec[key] = cell.split(ARRAY_DELIMITER)
                elif typ == "double":
                    rec[key] = float(cell)
                else:
                    rec[key] = cell
            out.append(rec)
        return out


def test_export_round_trips_the_graph(kg, tmp_path):
    files = write_neo4j_csv(kg, tmp_path)
    names = [p.name for p in files]
    assert names[-2:] == ["constraints.cypher", "import.sh"]
    nodes = [r for p in sorted(tmp_path.glob("nodes-*.csv")) for r in read_admin_csv(p)]
    rels = [r for p in sorted(tmp_path.glob("relationships-*.csv")) for r in read_admin_csv(p)]
    assert len(nodes) == kg.num_nodes and len(rels) == kg.num_edges
    by_id = {r["id"]: r for r in nodes}
    for rec in kg.nodes.astype(object).to_dict("records"):
        got = by_id[rec["id"]]
        assert got[":LABEL"] == str(rec["category"]) == got["category"]
        assert got.get("label", "") == (rec["label"] or "")
        assert got.get("synonyms", []) == split_list(rec["synonyms"])
        assert got.get("xrefs", []) == split_list(rec["xrefs"])
    rel_by_id = {r["id"]: r for r in rels}
    for rec in kg.edges.astype(object).to_dict("records"):
        got = rel_by_id[rec["id"]]
        assert (got[":START_ID"], got[":END_ID"]) == (rec["subject"], rec["object"])
        assert got[":TYPE"] == kg.schema.relations[rec["predicate"]].neo4j_type
        assert got.get("publications", []) == split_list(rec["publications"])
        assert got.get("species", []) == split_list(rec["species"])
        conf = rec["confidence"]
        assert got.get("confidence") == (None if pd.isna(conf) else float(conf))
        assert got.get("evidence", "") == (rec["evidence"] or "")


def test_headers_and_import_script(kg, tmp_path):
    write_neo4j_csv(kg, tmp_path)
    header = (tmp_path / "nodes-CellType.csv").read_text().splitlines()[0]
    assert header.startswith("id:ID,:LABEL,label,category,condition_category,xrefs:string[],synonyms:string[]")
    rel_header = (tmp_path / "relationships-CARRIES.csv").read_text().splitlines()[0]
    assert rel_header.startswith(":START_ID,:END_ID,:TYPE,id,predicate,")
    assert "publications:string[]" in rel_header and "confidence:double" in rel_header
    script = (tmp_path / "import.sh").read_text()
    assert "neo4j-admin database import full" in script.replace(" \\\n  ", " ")
    assert "'--array-delimiter=|'" in script and "--id-type=string" in script
    for p in tmp_path.glob("*.csv"):
        assert f"={p.name}" in script
    assert os.access(tmp_path / "import.sh", os.X_OK)
    constraints = (tmp_path / "constraints.cypher").read_text()
    assert "FOR (n:CellType) REQUIRE n.id IS UNIQUE" in constraints
    assert "FOR ()-[r:CARRIES]-() REQUIRE r.id IS UNIQUE" in constraints


def test_cli_export(kg, tmp_path):
    built = tmp_path / "g"
    evgraph.save(kg, built)
    res = subprocess.run([sys.executable, "-c", "import sys; from evgraph.cli import main; sys.exit(main(obj={}))",
                          "export", "neo4j-csv", "--graph", str(built), "--out", str(tmp_path / "csv")],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "csv" / "import.sh").is_file()
    assert sum(1 for _ in (tmp_path / "csv").glob("relationships-*.csv")) == len(kg.counts()["edges"])


# ------------------------------------------------------------------ the real neo4j-admin importer
LIB_DIR = ROOT / "tests" / "neo4j" / "target" / "lib"


def _expected_properties(kg) -> int:
    def filled(frame: pd.DataFrame, cols: list[str]) -> int:
        total = 0
        for c in cols:
            col = frame[c]
            total += int((col.notna() & (col.astype(str) != "") & (col.astype(str) != "nan")).sum())
        return total

    nodes = filled(kg.nodes, ["id", "label", "category", "condition_category", "xrefs", "synonyms", "description"])
    edges = filled(kg.edges.astype(object), ["id", "predicate", "direction", "uptake_mechanism", "species",
                                            "publications", "knowledge_level", "agent_type",
                                            "primary_knowledge_source", "evidence", "confidence", "statement"])
    return nodes + edges


@pytest.mark.neo4j
def test_neo4j_admin_imports_the_files(kg, tmp_path):
    """Runs import.sh with neo4j-admin = Neo4j 5.26's AdminTool from the test server's jars."""
    java = shutil.which("java")
    jars = sorted(str(p) for p in LIB_DIR.rglob("*.jar")) if LIB_DIR.is_dir() else []
    if not java or not any("neo4j-import-tool" in j for j in jars):
        reason = f"needs java and the Neo4j test server's jars in {LIB_DIR} (built by tests/neo4j/start.sh)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    out = tmp_path / "csv"
    write_neo4j_csv(kg, out)
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "neo4j-admin"
    shim.write_text(f'#!/bin/sh\nexec "{java}" -Xmx512m -cp "{":".join(jars)}" org.neo4j.cli.AdminTool "$@"\n')
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "NEO4J_HOME": str(home),
           "NEO4J_CONF": str(home / "conf")}
    res = subprocess.run(["sh", str(out / "import.sh"), "evgraph"], capture_output=True, text=True, env=env,
                         timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    text = res.stdout + res.stderr
    assert "IMPORT DONE" in text
    imported = dict((m.group(2), int(m.group(1))) for m in re.finditer(r"^\s+(\d+) (nodes|relationships|properties)$",
                                                                     text, flags=re.MULTILINE))
    assert imported["nodes"] == kg.num_nodes and imported["relationships"] == kg.num_edges
    # neo4j-admin may store some empty array cells as empty arrays (counted as properties), never fewer
    assert imported["properties"] >= _expected_properties(kg)


def test_one_list_convention(kg):
    """Tables hold '|'-joined strings; record views give Python lists for every list column."""
    from evgraph.model import EDGE_LIST_COLUMNS, NODE_LIST_COLUMNS

    for frame, cols in ((kg.nodes, NODE_LIST_COLUMNS), (kg.edges, EDGE_LIST_COLUMNS)):
        for col in cols:
            values = frame[col].astype(object)
            assert all(isinstance(v, str) for v in values), col
    rec = kg.edge_records()[0]
    for col in EDGE_LIST_COLUMNS:
        assert isinstance(rec[col], list), col


def test_scalar_text_is_formula_neutralised_numbers_and_arrays_are_exact(mini_kg, tmp_path):
    """Text cells starting with = + - @ tab CR get an apostrophe (as in every CSV for people);
    cells Neo4j imports as numbers or arrays are written exactly."""
    nodes = mini_kg.nodes.copy()
    edges = mini_kg.edges.copy()
    nodes["label"] = nodes["label"].astype(object)
    nodes.loc[nodes.index[0], "label"] = '=HYPERLINK("http://x")'
    nodes.loc[nodes.index[0], "synonyms"] = "=cmd|+1 alias"
    nodes.loc[nodes.index[1], "label"] = "-0.5"  # a plain number: not a formula, left as is
    edges["evidence"] = edges["evidence"].astype(object)
    edges.loc[edges.index[0], "evidence"] = "@SUM(A1) and more"
    edges.loc[edges.index[1], "evidence"] = "\tindented"
    edges.loc[edges.index[0], "publications"] = "PMID:1|PMID:2"
    kg = evgraph.KnowledgeGraph(nodes, edges, mini_kg.schema, mini_kg.metadata)
    write_neo4j_csv(kg, tmp_path)
    recs = [r for p in sorted(tmp_path.glob("nodes-*.csv")) for r in read_admin_csv(p)]
    by_id = {r["id"]: r for r in recs}
    first, second = by_id[nodes["id"].iloc[0]], by_id[nodes["id"].iloc[1]]
    assert first["label"] == "'=HYPERLINK(\"http://x\")"
    assert first["synonyms"] == ["=cmd", "+1 alias"]  # an array: exact (a prefix would change item 1)
    assert second["label"] == "-0.5"
    rels = {r["id"]: r for p in sorted(tmp_path.glob("relationships-*.csv")) for r in read_admin_csv(p)}
    e0, e1 = rels[edges["id"].iloc[0]], rels[edges["id"].iloc[1]]
    assert e0["evidence"] == "'@SUM(A1) and more" and e1["evidence"] == "'\tindented"
    assert e0["publications"] == ["PMID:1", "PMID:2"]
    assert e0["confidence"] == float(edges["confidence"].iloc[0])
    # every other scalar text cell is unchanged, and no scalar text cell starts with a trigger
    from evgraph.formats.csvsafe import TRIGGERS
    from evgraph.query.graphdata import NODE_PROPERTIES

    text = [p.name for p in NODE_PROPERTIES if p.type == "string"]
    for r in recs:
        for name in text:
            assert not str(r.get(name, "")).startswith(TRIGGERS) or r[name] == "-0.5"


def test_int_and_double_cells_are_never_prefixed(mini_kg, tmp_path):
    """A negative double (valid for the writer, though not a curated confidence) stays a number."""
    edges = mini_kg.edges.copy()
    edges["confidence"] = edges["confidence"].astype(float)
    edges.loc[edges.index[0], "confidence"] = -0.25
    kg = evgraph.KnowledgeGraph(mini_kg.nodes, edges, mini_kg.schema, mini_kg.metadata)
    write_neo4j_csv(kg, tmp_path)
    rels = {r["id"]: r for p in sorted(tmp_path.glob("relationships-*.csv")) for r in read_admin_csv(p)}
    assert rels[edges["id"].iloc[0]]["confidence"] == -0.25


# ---------------------------------------------------------------- vectorised writer == csv-module writer
def _reference_files(kg, out: Path) -> None:
    """The row-wise writer the vectorised one replaced: :mod:`csv` over the row layout
    (``node_frames``/``rel_groups``), one Python call per cell. Kept here as the oracle."""
    from evgraph.formats.csvsafe import neutralise
    from evgraph.formats.neo4j_csv import _header
    from evgraph.query.graphdata import NODE_PROPERTIES, REL_PROPERTIES, node_frames, rel_groups

    def cell(value, text):
        if value is None:
            return ""
        if isinstance(value, list):
            return ARRAY_DELIMITER.join(value)
        return neutralise(value) if text else value

    out.mkdir()
    node_text = [p.type == "string" for p in NODE_PROPERTIES]
    for cls, frame in node_frames(kg):
        with open(out / f"nodes-{cls}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([_header(NODE_PROPERTIES[0], True), ":LABEL", *[_header(p, True) for p in NODE_PROPERTIES[1:]]])
            for rec in frame.itertuples(index=False, name=None):
                cells = [cell(v, t) for v, t in zip(rec, node_text, strict=True)]
                w.writerow([cells[0], cls, *cells[1:]])
    rel_text = [True, True] + [p.type == "string" for p in REL_PROPERTIES]
    handles: dict[str, object] = {}
    for group in rel_groups(kg):
        if group.rel_type not in handles:
            fh = handles[group.rel_type] = open(out / f"relationships-{group.rel_type}.csv", "w", newline="",
                                                encoding="utf-8")
            csv.writer(fh, lineterminator="\n").writerow([":START_ID", ":END_ID", ":TYPE",
                                                          *[_header(p) for p in REL_PROPERTIES]])
        w = csv.writer(handles[group.rel_type], lineterminator="\n")
        for rec in group.frame.itertuples(index=False, name=None):
            cells = [cell(v, t) for v, t in zip(rec, rel_text, strict=True)]
            w.writerow([cells[0], cells[1], group.rel_type, *cells[2:]])
    for fh in handles.values():
        fh.close()


def _same_files(kg, tmp_path: Path) -> None:
    ref, got = tmp_path / "ref", tmp_path / "got"
    _reference_files(kg, ref)
    write_neo4j_csv(kg, got)
    ref_files = sorted(p.name for p in ref.glob("*.csv"))
    assert ref_files == sorted(p.name for p in got.glob("*.csv"))
    for name in ref_files:
        assert (got / name).read_bytes() == (ref / name).read_bytes(), name


def test_vectorised_files_are_the_csv_module_bytes_on_the_curated_graph(kg, tmp_path):
    _same_files(kg, tmp_path)


def test_vectorised_files_are_the_csv_module_bytes_on_awkward_cells(mini_kg, tmp_path):
    """Quotes, commas, newlines, CR, formula triggers (also a number with a trailing newline, which
    ``csvsafe``'s regex treats as a number), non-ASCII, long text, floats of every shape, missing values."""
    import numpy as np

    nodes, edges = mini_kg.nodes.copy(), mini_kg.edges.copy()
    texts = ['say "hi", twice', "line1\nline2", "cr\rhere", "=1+1", "-5\n", "+x", "@here", "\tlead", "\rlead",
             "-0.5", "ünïcødé, ok", "x" * 5000, "", None, "a|b", 'q"', ",", "-", "'already"]
    for frame, cols in ((nodes, ("label", "description", "synonyms")),
                        (edges, ("evidence", "statement", "publications", "dose"))):
        for col in cols:
            frame[col] = [texts[i % len(texts)] for i in range(len(frame))]
    floats = [0.1, 1e-05, 1e22, 1.0, np.nan, 0.3333333333333333, 2.5e-300, 0.6]
    edges["confidence"] = [floats[i % len(floats)] for i in range(len(edges))]
    edges["evidence"] = pd.Categorical(edges["evidence"])  # categorical and object paths both
    _same_files(evgraph.KnowledgeGraph(nodes, edges, mini_kg.schema, mini_kg.metadata), tmp_path)


def test_vectorised_files_are_the_csv_module_bytes_on_real_mirtarbase(shared_data, tmp_path):
    """380k edges from the full human miRTarBase (support=all), the build benchmark's input."""
    src = shared_data / "mirna_targets" / "mirtarbase_hsa_MTI_full.csv.gz"
    _same_files(evgraph.build([f"mirtarbase={src}#support=all"]), tmp_path)
