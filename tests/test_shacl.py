"""SHACL: shapes generated from the ontology, the curated export conforms, broken data is caught."""

from __future__ import annotations

import pandas as pd
from click.testing import CliRunner

import evgraph
from evgraph.cli import main
from evgraph.formats.rdf import to_rdf_string, write_rdf
from evgraph.formats.rdf.shacl import generate_shapes, shapes_path, validate_file, validate_kg, validate_ntriples
from evgraph.model import KnowledgeGraph

CL_235 = "<http://purl.obolibrary.org/obo/CL_0000235>"
LIVER = "<http://purl.obolibrary.org/obo/UBERON_0002107>"
EV = "https://w3id.org/evgraph/"


def test_committed_shapes_are_the_generated_ones():
    assert shapes_path().read_text(encoding="utf-8") == generate_shapes(), \
        "ontology/shapes.ttl is stale: run 'python -m evgraph.formats.rdf.shacl > ontology/shapes.ttl'"


def test_curated_export_conforms(kg):
    assert validate_kg(kg) == []


def test_exported_file_conforms(mini_kg, tmp_path):
    path = tmp_path / "kg.trig"
    write_rdf(mini_kg, path, "trig")  # the ontology graph is skipped
    assert validate_file(path) == []


def _broken(mini_kg) -> KnowledgeGraph:
    """mini_kg with a Condition where a CellType belongs: wrong class for releases/part_of/taken_up_by."""
    nodes = mini_kg.nodes.copy()
    nodes.loc[nodes["id"] == "CL:0000235", "category"] = "Condition"
    return KnowledgeGraph(nodes, mini_kg.edges, mini_kg.schema, mini_kg.metadata)


def test_wrong_class_is_caught_whole_and_sharded(mini_kg):
    full = validate_kg(_broken(mini_kg))
    messages = [str(v) for v in full]
    assert any("the subject of 'releases' must be a node of class CellType or Organ" in m for m in messages)
    assert any("the subject of 'part_of' must be a node of class CellType" in m for m in messages)
    assert all(v.focus == "CL:0000235" for v in full if "subject of" in v.message)
    assert validate_kg(_broken(mini_kg), shard_edges=3) == full  # shards find exactly the same


def test_missing_reference_unknown_predicate_and_wrong_literal(mini_kg):
    lines = to_rdf_string(mini_kg, "nt").splitlines(keepends=True)
    lines = [ln for ln in lines if not ln.startswith(f"{LIVER} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>")]
    lines.append(f'{CL_235} <{EV}colour> "blue" .\n')
    lines = [ln.replace('"0.8"^^', '"1.8"^^') for ln in lines]
    found = validate_ntriples("".join(lines))
    text = "\n".join(map(str, found))
    assert any(v.focus == "UBERON:0002107" and v.message == "the object of 'homes_to' must be a node of class Organ"
               for v in found)
    assert "CL:0000235 evgraph:colour" in text and "closed" in text
    assert "has_confidence_score" in text


def test_statement_without_direct_triple_is_caught(mini_kg):
    lines = [ln for ln in to_rdf_string(mini_kg, "nt").splitlines(keepends=True)
             if not (ln.startswith(CL_235) and f"<{EV}releases>" in ln)]
    found = validate_ntriples("".join(lines))
    assert [v.message for v in found] == [
        f"the statement has no direct triple http://purl.obolibrary.org/obo/CL_0000235 {EV}releases "
        f"{EV}EVP-T001"]


def test_cli_validate_shacl(mini_kg, tmp_path):
    evgraph.save(mini_kg, str(tmp_path / "ok"))
    res = CliRunner().invoke(main, ["validate", "--shacl", "--graph", str(tmp_path / "ok")], obj={})
    assert res.exit_code == 0, res.output
    # a stored graph whose tables break the ontology is refused before SHACL, naming the problem
    broken = _broken(mini_kg)
    broken.nodes = broken.nodes.assign(category=pd.Categorical(broken.nodes["category"].astype(str),
                                                               categories=list(mini_kg.schema.classes)))
    evgraph.save(broken, str(tmp_path / "bad"))
    res = CliRunner().invoke(main, ["validate", "--shacl", "--graph", str(tmp_path / "bad")], obj={})
    assert res.exit_code == 1
    assert "CL:0000235" in res.output


def test_check_kg_raises_readable_problems(mini_kg):
    import pytest

    from evgraph.errors import ValidationError
    from evgraph.formats.rdf.shacl import check_kg

    with pytest.raises(ValidationError) as err:
        check_kg(_broken(mini_kg))
    assert "SHACL: field 'rdf:type'" in str(err.value) or "CL:0000235" in str(err.value)
    assert any("subject of 'releases'" in str(p) for p in err.value.problems)
