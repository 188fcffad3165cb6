"""``evgraph export FORMAT``: write the graph in an interchange format (kgx, rdf, neo4j-csv)."""

from __future__ import annotations

import click

from .app import graph_option, main, open_graph


@main.group()
def export() -> None:
    """Write the graph in an interchange format."""


@export.command("kgx")
@graph_option
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for nodes.tsv and edges.tsv.")
def export_kgx(graph_dir: str, out: str) -> None:
    """KGX TSV (nodes.tsv, edges.tsv) with Biolink categories, predicates and provenance."""
    from ..formats.kgx import write_kgx

    kg = open_graph(graph_dir)
    for path in write_kgx(kg, out):
        click.echo(f"wrote {path}", err=True)



@export.command("rdf")
@graph_option
@click.option("--format", "rdf_format", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld"]), default=None,
              help="RDF syntax (default: from the --out extension, else ttl). nq/trig put the data and the "
                   "ontology in two named graphs.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="File to write (written atomically; a .gz suffix compresses).")
@click.option("--include-ontology/--no-include-ontology", default=None,
              help="Also write the ontology's triples (default: yes for nq/trig, no for the others).")
def export_rdf(graph_dir: str, rdf_format: str | None, out: str, include_ontology: bool | None) -> None:
    """RDF: nodes as OBO PURLs / identifiers.org IRIs typed with their evgraph class, each edge as a
    direct triple plus a reified statement with its provenance (Biolink slots, PROV-O).

    \b
    Examples:
      evgraph export rdf --out kg.ttl
      evgraph export rdf --format nq --out kg.nq.gz
    """
    from ..formats.rdf import guess_format, write_rdf

    kg = open_graph(graph_dir)
    fmt = rdf_format or guess_format(out, default="ttl")
    path = write_rdf(kg, out, fmt, include_ontology=include_ontology, progress=True)
    click.echo(f"wrote {path}", err=True)


@export.command("neo4j-csv")
@graph_option
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder for the CSV files and import.sh.")
def export_neo4j_csv(graph_dir: str, out: str) -> None:
    """CSV files for 'neo4j-admin database import full' (large graphs), with import.sh and constraints.cypher."""
    from ..formats.neo4j_csv import write_neo4j_csv

    kg = open_graph(graph_dir)
    for path in write_neo4j_csv(kg, out):
        click.echo(f"wrote {path}", err=True)
