"""No export writes a missing value as text (issue 19: "no `nan` in any export").

Every writer registered in :data:`evgraph.formats.WRITERS` (and every RDF syntax) writes a graph
whose optional node and edge fields are missing in each way pandas holds them: object columns
with ``None``/``NaN`` (pandas 2), the ``str`` dtype with NaN (pandas 3), nullable strings with
``pd.NA`` and categoricals. The files are then read back with a real parser of their format (csv,
xml.etree, json, rdflib) and no cell, list item, attribute or literal may be a spelling of
"missing" (``nan``, ``None``, ``<NA>``, ...). This sweep is the one check of it for every format,
the Neo4j CSV included (its own copy in ``test_neo4j_csv.py`` was the same check on the same graphs).
"""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdflib

import evgraph
from evgraph.formats import WRITERS

MISSING_SPELLINGS = {"nan", "NaN", "None", "<NA>", "NaT", "null"}
FLAVOURS = ["object-nan", "str-dtype", "nullable-string", "categorical"]
RDF_SYNTAXES = ["ttl", "nt", "nq", "trig", "jsonld"]


def _with_missing(kg: evgraph.KnowledgeGraph, flavour: str) -> evgraph.KnowledgeGraph:
    edges, nodes = kg.edges.copy(), kg.nodes.copy()
    for frame, cols in ((edges, ("uptake_mechanism", "direction", "evidence", "statement")),
                        (nodes, ("description", "condition_category", "synonyms"))):
        for col in cols:
            values = frame[col].astype(object).tolist()
            values[0] = None
            if len(values) > 1:
                values[1] = np.nan
            raw = pd.Series(values, index=frame.index, dtype=object)
            if flavour == "object-nan":
                frame[col] = raw
            elif flavour == "str-dtype":
                frame[col] = raw.astype("str").where(raw.notna(), np.nan)
            elif flavour == "nullable-string":
                frame[col] = pd.Series(values, index=frame.index, dtype="string")
            else:
                frame[col] = raw.astype("category")
    return evgraph.KnowledgeGraph(nodes, edges, kg.schema, kg.metadata)


def _split(value: str) -> list[str]:
    """A cell and its list items (``|`` in KGX/GraphML/GEXF, ``;`` in Neo4j CSV arrays)."""
    return [value, *value.split("|"), *value.split(";")]


def _tabular(path: Path, delimiter: str) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [x for row in csv.reader(fh, delimiter=delimiter) for cell in row for x in _split(cell)]


def _xml(path: Path) -> list[str]:
    out = []
    for el in ET.parse(path).iter():
        out.extend(x for v in el.attrib.values() for x in _split(v))
        if el.text and el.text.strip():
            out.extend(_split(el.text.strip()))
    return out


def _json(value) -> list[str]:
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in (str(k), *_json(v))]
    if isinstance(value, list):
        return [x for v in value for x in _json(v)]
    if value is None:
        return ["null"]  # a JSON null is a missing value written as a value
    return _split(str(value)) if isinstance(value, str) else [] if isinstance(value, bool) else [repr(value)]


def _values(files: list[Path]) -> list[str]:
    out: list[str] = []
    for path in files:
        for f in ([p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]):
            name = f.name
            if name.endswith((".tsv", ".csv")):
                out.extend(_tabular(f, "\t" if name.endswith(".tsv") else ","))
            elif name.endswith((".graphml", ".gexf")):
                out.extend(_xml(f))
            elif name.endswith((".cyjs", ".json")):
                out.extend(_json(json.loads(f.read_text(encoding="utf-8"))))
    return out


@pytest.fixture(scope="module", params=FLAVOURS)
def holey(request, mini_kg):
    return request.param, _with_missing(mini_kg, request.param)


def test_every_writer_is_swept():
    assert set(WRITERS) == {"kgx", "rdf", "neo4j-csv", "graphml", "gexf", "cytoscape"}, (
        "a new writer: add its parser to this test")


@pytest.mark.parametrize("writer", sorted(set(WRITERS) - {"rdf"}))
def test_tabular_xml_and_json_exports_write_no_missing_spelling(holey, writer, tmp_path):
    flavour, kg = holey
    spec = WRITERS[writer]
    out = tmp_path / ("out" if spec.target == "folder" else Path(spec.default_name).name)
    files = spec.write(kg, out)
    values = _values(files)
    assert values, f"{writer}: nothing read back from {files}"
    assert not MISSING_SPELLINGS & set(values), (writer, flavour, MISSING_SPELLINGS & set(values))


@pytest.mark.parametrize("syntax", RDF_SYNTAXES)
def test_rdf_exports_write_no_missing_literal(holey, syntax, tmp_path):
    flavour, kg = holey
    path = tmp_path / f"kg.{syntax}"
    WRITERS["rdf"].write(kg, path)
    fmt = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[syntax]
    ds = rdflib.Dataset()
    ds.parse(path, format=fmt)
    literals = {str(o) for _, _, o, _ in ds.quads() if isinstance(o, rdflib.Literal)}
    iris = {str(t) for q in ds.quads() for t in q[:3] if isinstance(t, rdflib.URIRef)}
    assert literals and not MISSING_SPELLINGS & literals, (syntax, flavour, MISSING_SPELLINGS & literals)
    assert not [i for i in iris if i.rsplit("/", 1)[-1] in MISSING_SPELLINGS or i.endswith(("_nan", ":nan"))]


def test_the_sweep_sees_a_written_missing_value(tmp_path):
    """The readers above would catch the defect: a 'nan' cell, list item, attribute or JSON null."""
    (tmp_path / "edges.tsv").write_text("id\tpublications\ne1\tPMID:1|nan\n", encoding="utf-8")
    (tmp_path / "g.graphml").write_text('<graphml><node id="n" label="None"/></graphml>', encoding="utf-8")
    (tmp_path / "g.cyjs").write_text('{"elements": [{"data": {"id": "n", "description": null}}]}', encoding="utf-8")
    for name, spelling in (("edges.tsv", "nan"), ("g.graphml", "None"), ("g.cyjs", "null")):
        assert spelling in _values([tmp_path / name]), name
