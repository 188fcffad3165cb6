"""The ontology passes ROBOT's OWL 2 DL profile check and ``robot report`` with 0 errors, and
the RDF export's ``owl:imports`` resolves offline through ``ontology/catalog-v001.xml``.

ROBOT is the OBO Foundry's ontology tool (``org.obolibrary.robot:robot-command`` from Maven
Central, resolved by tests/run.sh through tests/robot/pom.xml).
"""

from __future__ import annotations

import csv

import pytest
from interop_tools import robot, strip_ansi

from evgraph.formats.rdf import write_rdf
from evgraph.schema import ontology_dir

ONTOLOGY = ontology_dir() / "evgraph.ttl"
CATALOG = ontology_dir() / "catalog-v001.xml"


def test_owl2_dl_profile():
    out = robot("validate-profile", "--input", str(ONTOLOGY), "--profile", "DL")
    text = strip_ansi(out.stdout + out.stderr)
    assert out.returncode == 0, text
    assert "[Ontology and imports closure in profile]" in text


def test_robot_report_has_no_errors(tmp_path):
    report = tmp_path / "report.tsv"
    out = robot("report", "--input", str(ONTOLOGY), "--fail-on", "none", "--output", str(report))
    assert out.returncode == 0, strip_ansi(out.stdout + out.stderr)
    with report.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    errors = [r for r in rows if r["Level"] == "ERROR"]
    assert errors == []
    assert rows  # the report ran its checks (warnings such as missing_definition are listed)


@pytest.mark.parametrize("name", ["graph.ttl"])
def test_export_imports_resolve_offline_through_the_catalog(mini_kg, tmp_path, name):
    export = tmp_path / name
    write_rdf(mini_kg, export)
    merged = tmp_path / "merged.ttl"
    out = robot("merge", "--catalog", str(CATALOG), "--input", str(export), "--collapse-import-closure", "true",
                "--output", str(merged))
    assert out.returncode == 0, strip_ansi(out.stdout + out.stderr)
    text = merged.read_text(encoding="utf-8")
    # the imported ontology's axioms are in the closure: its classes and relationships came along
    assert "https://w3id.org/evgraph/EVPopulation" in text and "https://w3id.org/evgraph/taken_up_by" in text
    assert '"EV population"' in text and "owl:unionOf" in text  # labels and class axioms of the ontology
    # without the catalog the import cannot be resolved here (no network): the catalog is what works
    offline = robot("merge", "--input", str(export), "--output", str(tmp_path / "no-catalog.ttl"))
    assert offline.returncode != 0
