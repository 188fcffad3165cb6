"""The curated reader checks its controlled columns against the ontology: each direction column
against its vocabulary (``evgraph:ExpressionDirection`` for genes, ``evgraph:EffectDirection``
for pathways and conditions), the knowledge level, the species and the references. A bad value
is one line naming file, line and field, and the build exits non-zero without writing output."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.errors import DataError
from evgraph.schema import get_schema
from evgraph.sources.curated import CONTROLLED_COLUMNS, DIRECTION_OF, curated_dir, read_curated

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def mini_copy(tmp_path: Path, **cells: str) -> Path:
    """The mini curated fixture with some cells of its one statement (line 2) replaced."""
    folder = tmp_path / "curated"
    shutil.copytree(FIXTURES / "curated", folder)
    path = folder / "statements-mini.tsv"
    with path.open(encoding="utf-8") as fh:
        header, row = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for col, value in cells.items():
        row[header.index(col)] = value
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n", encoding="utf-8")
    return folder


def test_vocabularies_come_from_the_ontology():
    vocab = get_schema().vocabularies
    assert vocab[CONTROLLED_COLUMNS["regulation_direction"]] == ("upregulated", "downregulated")
    assert vocab[CONTROLLED_COLUMNS["pathway_direction"]] == ("increased", "decreased")
    assert vocab[CONTROLLED_COLUMNS["condition_direction"]] == ("increased", "decreased")
    # both subsets are values of the one Direction vocabulary that the builder checks
    assert set(vocab["ExpressionDirection"]) | set(vocab["EffectDirection"]) == set(get_schema().directions)
    assert set(DIRECTION_OF) <= set(CONTROLLED_COLUMNS)


@pytest.mark.parametrize(("cells", "field", "words"), [
    ({"regulation_direction": "decreased"}, "regulation_direction",
     "'decreased' is not one of upregulated, downregulated"),
    ({"condition_direction": "upregulated"}, "condition_direction", "'upregulated' is not one of increased, decreased"),
    ({"condition_direction": "worsens"}, "condition_direction", "'worsens' is not one of increased, decreased"),
    ({"pathway_direction": "increased"}, "pathway_direction", "but no pathway to qualify"),
    ({"regulates": "", "regulation_direction": "downregulated"}, "regulation_direction", "but no regulates"),
    ({"knowledge_level": "mechanistic"}, "knowledge_level", "'mechanistic' is not one of knowledge_assertion"),
    ({"species": "mouse"}, "species", "'mouse' is not an NCBITaxon CURIE"),
    ({"species": "NCBITaxon:mouse"}, "species", "is not an NCBITaxon CURIE"),
    ({"references": "PMID:28942920|PMID 2894"}, "references", "'PMID 2894' is not a publication CURIE"),
    ({"references": "DOI:cell.2017.08.035"}, "references", "is not a publication CURIE"),
])
def test_bad_controlled_value_names_file_line_and_field(tmp_path, cells, field, words):
    with pytest.raises(DataError) as err:
        read_curated(mini_copy(tmp_path, **cells))
    msg = str(err.value)
    assert len(err.value.problems) == 1
    assert "statements-mini.tsv:2" in msg and f"'{field}'" in msg and words in msg and "T001" in msg


def test_good_values_pass(tmp_path):
    rec = read_curated(mini_copy(tmp_path, regulation_direction="upregulated", condition_direction="decreased",
                                 knowledge_level="observation"))
    import pandas as pd

    edges = pd.concat([f.frame for f in rec.edges])
    assert set(edges.loc[edges["predicate"] == "regulates", "direction"]) == {"upregulated"}
    assert set(edges.loc[edges["predicate"] == "contributes_to", "direction"]) == {"decreased"}


def test_cli_build_exits_non_zero_with_one_line_and_writes_nothing(tmp_path):
    folder = mini_copy(tmp_path, condition_direction="upregulated")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["build", "--source", f"curated={folder}", "--out", str(out)])
    assert res.exit_code != 0
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1, res.output
    assert "statements-mini.tsv:2" in lines[0] and "condition_direction" in lines[0] and "upregulated" in lines[0]
    assert not out.exists()


def test_shipped_knowledge_base_uses_the_right_direction_per_column():
    """Every shipped statement passes (read_curated would raise) and each direction column holds its subset."""
    vocab = get_schema().vocabularies
    for file in sorted(curated_dir().glob("statements-*.tsv")):
        with file.open(encoding="utf-8") as fh:
            rows = csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t",
                                  quoting=csv.QUOTE_NONE)
            for row in rows:
                for col, target in DIRECTION_OF.items():
                    value = row[col].strip()
                    if value:
                        assert value in vocab[CONTROLLED_COLUMNS[col]], (file.name, row["statement_id"], col)
                        assert row[target].strip(), (file.name, row["statement_id"], col)
    assert read_curated().num_edges > 0


def test_rubric_says_not_recorded_for_an_empty_field_and_none_for_no_perturbation():
    from evgraph.evidence import assess, explain

    empty = {"model_system": "animal_in_vivo"}
    none = {"model_system": "animal_in_vivo", "ev_perturbation": "no_perturbation"}
    assert assess(empty).tier == assess(none).tier == "tier3"
    assert "no EV or cargo loss-of-function test recorded" in explain(empty)
    assert "MISEV characterisation not recorded (missing separation_method" in explain(empty)
    assert "(the paper reports none)" in explain(none)


def test_every_shipped_statement_has_model_system_year_and_tier(kg):
    """Issue 12 done-when: every statement has model_system, publication_year and an evidence tier."""
    e = kg.edges[kg.edges["statement"].astype(str) != ""]
    assert e["statement"].nunique() >= 180
    for col in ("model_system", "publication_year", "evidence_tier"):
        missing = sorted(set(e.loc[e[col].astype(str).isin(["", "nan", "<NA>"]), "statement"]))
        assert not missing, (col, missing)
