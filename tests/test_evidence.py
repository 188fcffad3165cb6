"""The evidence-quality layer: rubric, curated reader, and the fields in every export
(KGX, RDF + SHACL, neo4j-admin CSV, embedded Cypher, a real Neo4j server)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import evgraph
from evgraph.build.builder import GraphBuilder
from evgraph.errors import DataError, ValidationError
from evgraph.evidence import EVIDENCE_COLUMNS, FIELDS, INPUT_COLUMNS, assess, explain
from evgraph.schema import get_schema
from evgraph.sources.curated import read_curated

FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: The evidence of the fixture statement T001 (Ying et al. 2017, mouse ATM exosomes).
T001 = {
    "separation_method": "density_gradient|differential_ultracentrifugation",
    "ev_markers_positive": "NCBIGene:7251|NCBIGene:967",
    "ev_markers_negative": "NCBIGene:821",
    "single_ev_characterisation": "nanoparticle_tracking_analysis|transmission_electron_microscopy",
    "carrier_control": "non_vesicular_excluded",
    "model_system": "animal_in_vivo|primary_cells",
    "ev_perturbation": "cargo_loss_of_function",
    "dose": "1 ug exosomes i.v. twice a week",
    "evtrack_id": "EV170001",
    "ev_metric": "44",
    "publication_year": "2017",
}


def curated_copy(tmp_path: Path, fields: dict[str, str], drop_confidence: bool = True) -> Path:
    """The mini curated fixture with the evidence columns added to its one statement."""
    folder = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated", folder)
    path = folder / "statements-mini.tsv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    header, body = rows[0], rows[1:]
    if drop_confidence:
        i = header.index("confidence")
        header = header[:i] + header[i + 1:]
        body = [r[:i] + r[i + 1:] for r in body]
    header = header + list(fields)
    body = [r + list(fields.values()) for r in body]
    with path.open("w", encoding="utf-8") as fh:
        for r in [header, *body]:
            fh.write("\t".join(r) + "\n")
    return folder


def build(folder: Path):
    b = GraphBuilder()
    b.add(read_curated(folder))
    return b.build()


@pytest.fixture(scope="module")
def ev_kg(tmp_path_factory):
    return build(curated_copy(tmp_path_factory.mktemp("ev"), T001))


# ---------------------------------------------------------------------- rubric
@pytest.mark.parametrize(("fields", "tier", "confidence"), [
    (T001, "tier1", 0.95),
    ({**T001, "carrier_control": ""}, "tier1", 0.9),
    ({**T001, "ev_perturbation": "no_perturbation"}, "tier2", 0.85),
    ({"model_system": "human_cohort"}, "tier3", 0.65),
    ({"model_system": "cell_line", "ev_perturbation": "secretion_block"}, "tier3", 0.65),
    ({"model_system": "cell_line|ex_vivo"}, "tier4", 0.5),
    ({"model_system": "cell_line", "carrier_control": "non_vesicular_carrier_shown"}, "tier4", 0.35),
    ({"model_system": "animal_in_vivo", "separation_method": "precipitation",
      "ev_markers_positive": "NCBIGene:967"}, "tier3", 0.65),  # no single-EV method: not M
])
def test_rubric_tiers_and_confidence(fields, tier, confidence):
    a = assess(fields)
    assert (a.tier, a.confidence) == (tier, confidence)
    assert a.explanation.startswith(f"{tier} (confidence {confidence}): ")


def test_rubric_numbers_and_text_come_from_the_ontology():
    schema = get_schema()
    assert schema.vocabularies["EvidenceTier"] == ("tier1", "tier2", "tier3", "tier4")
    base = [schema.weights[t] for t in schema.vocabularies["EvidenceTier"]]
    assert base == sorted(base, reverse=True)
    assert assess({"model_system": "cell_line"}).confidence == schema.weights["tier4"]
    assert explain({}) == "not assessed (no model_system)"
    # every evidence property of the ontology is a column, and the other way round
    assert set(schema.evidence_fields) == set(EVIDENCE_COLUMNS)
    for f in FIELDS:
        if f.vocabulary:
            assert schema.vocabularies[f.vocabulary], f.name


def test_rubric_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "evgraph" / "data" / "curated" / "README.md").read_text()
    for col in INPUT_COLUMNS:
        assert f"`{col}`" in readme, col
    for vocab in ("SeparationMethod", "SingleEVMethod", "ModelSystem", "EVPerturbation", "CarrierControl"):
        for value in get_schema().vocabularies[vocab]:
            assert f"`{value}`" in readme, value
    assert "tier1" in readme and "confidence" in readme


# ---------------------------------------------------------------------- curated reader
def test_statement_edges_carry_the_fields_tier_and_computed_confidence(ev_kg):
    edges = ev_kg.edges[ev_kg.edges["statement"] == "T001"]
    assert len(edges) > 5
    for col, value in T001.items():
        assert set(edges[col].astype(str)) == {value}, col
    assert set(edges["evidence_tier"].astype(str)) == {"tier1"}
    assert set(edges["confidence"]) == {0.95}


def test_legacy_statement_without_model_system_keeps_its_confidence(mini_kg):
    edges = mini_kg.edges[mini_kg.edges["statement"] == "T001"]
    assert set(edges["evidence_tier"].astype(str)) == {""}
    assert set(edges["confidence"]) == {0.8}


def test_hand_set_confidence_beside_the_rubric_is_an_error(tmp_path):
    folder = curated_copy(tmp_path, T001, drop_confidence=False)  # fixture says 0.8, rubric 0.95
    with pytest.raises(DataError) as err:
        build(folder)
    msg = str(err.value)
    assert "statements-mini.tsv" in msg and "confidence" in msg and "tier1" in msg


@pytest.mark.parametrize(("column", "value", "words"), [
    ("model_system", "mouse", "'mouse' is not one of cell_line"),
    ("separation_method", "ultracentrifuge", "'ultracentrifuge' is not one of"),
    ("ev_markers_positive", "CD63", "'CD63' is not a NCBIGene CURIE"),
    ("publication_year", "17", "17 is outside [1900, 2100]"),
    ("ev_metric", "high", "'high' is not a whole number"),
    ("evtrack_id", "EV-17", "does not match"),
    ("carrier_control", "non_vesicular_excluded|carrier_not_tested", "takes one value"),
])
def test_bad_evidence_value_names_file_line_and_field(tmp_path, column, value, words):
    with pytest.raises(DataError) as err:
        build(curated_copy(tmp_path, {**T001, column: value}))
    msg = str(err.value)
    assert "statements-mini.tsv:2" in msg and column in msg and words in msg


def test_statement_without_model_system_or_confidence_is_an_error(tmp_path):
    with pytest.raises(DataError, match="needs a model_system"):
        build(curated_copy(tmp_path, {"publication_year": "2017"}))


def test_builder_checks_evidence_columns_of_any_source():
    import pandas as pd

    b = GraphBuilder()
    b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"],
                              "label": ["macrophage", "adipose tissue"]}), file="demo.tsv")
    b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"], "object": ["UBERON:0001013"],
                              "publications": ["PMID:28942920"], "species": ["NCBITaxon:10090"],
                              "confidence": [0.8], "model_system": ["in_mice"]}), file="demo.tsv")
    with pytest.raises(ValidationError, match=r"demo.tsv:1.*model_system.*'in_mice' is not one of"):
        b.build()


# ---------------------------------------------------------------------- exports
def test_kgx_round_trip_keeps_every_field(ev_kg, tmp_path):
    from evgraph.formats.kgx import read_kgx, write_kgx

    write_kgx(ev_kg, tmp_path)
    with (tmp_path / "edges.tsv").open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
    from evgraph.formats.kgx import EDGE_MAP

    assert {EDGE_MAP[c] for c in EVIDENCE_COLUMNS} <= set(header)  # q_value as Biolink's adjusted_p_value
    b = GraphBuilder()
    b.add(read_kgx(tmp_path))
    back = b.build()
    for col in EVIDENCE_COLUMNS:
        assert back.edges[col].astype(str).tolist() == ev_kg.edges[col].astype(str).tolist(), col


def test_rdf_writes_vocabulary_iris_and_typed_literals_and_reads_them_back(ev_kg, tmp_path):
    from evgraph.formats.rdf import read_rdf, to_rdf_string, write_rdf

    nt = to_rdf_string(ev_kg, "nt")
    ev = "https://w3id.org/evgraph/"
    assert f"<{ev}model_system> <{ev}animal_in_vivo> ." in nt
    assert f"<{ev}evidence_tier> <{ev}tier1> ." in nt
    assert f'<{ev}publication_year> "2017"^^<http://www.w3.org/2001/XMLSchema#integer> .' in nt
    assert f"<{ev}ev_markers_positive> <http://identifiers.org/ncbigene/967> ." in nt
    assert f'<{ev}dose> "1 ug exosomes i.v. twice a week" .' in nt
    for fmt in ("ttl", "jsonld"):
        path = tmp_path / f"kg.{fmt}"
        write_rdf(ev_kg, path, fmt)
        b = GraphBuilder()
        b.add(read_rdf(path))
        back = b.build()
        key = ["id"]
        left = ev_kg.edges.sort_values(key)
        right = back.edges.sort_values(key)
        for col in EVIDENCE_COLUMNS:  # RDF lists are sets: compare the sorted items
            assert ([sorted(v.split("|")) for v in left[col].astype(str)]
                    == [sorted(v.split("|")) for v in right[col].astype(str)]), (fmt, col)


def test_shacl_shapes_accept_the_fields_and_catch_bad_values(ev_kg):
    from evgraph.formats.rdf import to_rdf_string
    from evgraph.formats.rdf.shacl import generate_shapes, validate_ntriples

    shapes = generate_shapes()
    for col in EVIDENCE_COLUMNS:
        assert f'sh:name "{col}"' in shapes, col
    nt = to_rdf_string(ev_kg, "nt")
    assert validate_ntriples(nt) == []
    ev = "https://w3id.org/evgraph/"
    bad = (nt.replace(f"<{ev}model_system> <{ev}animal_in_vivo>", f"<{ev}model_system> <{ev}in_mice>", 1)
           .replace('"2017"^^<http://www.w3.org/2001/XMLSchema#integer>',
                    '"1850"^^<http://www.w3.org/2001/XMLSchema#integer>', 1)
           .replace('"EV170001"', '"EV-1"', 1))
    # a second tier on one statement breaks sh:maxCount 1
    first_edge = next(line.split(" ", 1)[0] for line in nt.splitlines() if f"<{ev}evidence_tier>" in line)
    bad += f"{first_edge} <{ev}evidence_tier> <{ev}tier2> .\n"
    found = {(v.path, v.value) for v in validate_ntriples(bad)}
    paths = {p for p, _ in found}
    assert {"evgraph:model_system", "evgraph:publication_year", "evgraph:evtrack_id",
            "evgraph:evidence_tier"} <= paths, found


def test_neo4j_csv_types_the_fields(ev_kg, tmp_path):
    from evgraph.formats.neo4j_csv import write_neo4j_csv

    write_neo4j_csv(ev_kg, tmp_path)
    with (tmp_path / "relationships-RELEASES.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["model_system:string[]"] == "animal_in_vivo|primary_cells"
    assert rows[0]["publication_year:int"] == "2017"
    assert rows[0]["ev_metric:int"] == "44"
    assert rows[0]["evidence_tier"] == "tier1"


def test_embedded_cypher_sees_lists_and_integers(ev_kg):
    out = evgraph.cypher(ev_kg, "MATCH (c:CellType)-[r:RELEASES]->(p:EVPopulation) RETURN r.model_system AS ms, "
                       "r.publication_year AS year, r.evidence_tier AS tier, r.ev_markers_positive AS pos")
    row = out.iloc[0]
    assert list(row["ms"]) == ["animal_in_vivo", "primary_cells"]
    assert int(row["year"]) == 2017 and row["tier"] == "tier1"
    assert list(row["pos"]) == ["NCBIGene:7251", "NCBIGene:967"]


@pytest.mark.neo4j
def test_real_neo4j_stores_the_fields(ev_kg, neo4j_server):
    from evgraph.query.neo4j import clear_graph, load_graph

    engine = neo4j_server
    try:
        clear_graph(ev_kg, engine)
        load_graph(ev_kg, engine)
        out = engine.run("MATCH ()-[r:RELEASES]->() RETURN r.model_system AS ms, r.publication_year AS year, "
                         "r.evidence_tier AS tier, r.confidence AS conf, r.ev_metric AS metric")
        row = out.iloc[0]
        assert list(row["ms"]) == ["animal_in_vivo", "primary_cells"]
        assert row["year"] == 2017 and out["year"].dtype.kind == "i"  # stored as an integer, not text
        assert (row["tier"], row["conf"], row["metric"]) == ("tier1", 0.95, 44)
    finally:
        clear_graph(ev_kg, engine)
