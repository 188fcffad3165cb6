"""CSV files for ``neo4j-admin database import full``: the fastest way to put a large graph into Neo4j.

:func:`write_neo4j_csv` writes, for the layout of :mod:`evgraph.query.graphdata`:

* ``nodes-<Class>.csv`` with header ``id:ID,:LABEL,label,category,...,xrefs:string[],...``;
* ``relationships-<TYPE>.csv`` with header ``:START_ID,:END_ID,:TYPE,id,predicate,...,
  publications:string[],confidence:double,...``;
* ``import.sh``: the ``neo4j-admin database import full`` command line for these files
  (``--array-delimiter='|'``, ``--id-type=string``), then ``constraints.cypher`` (the loader's
  uniqueness constraints) to run once the database is started.

List items are ``|``-separated (an item never contains ``|``: lists are ``|``-joined in
evgraph), empty cells are missing properties. Files are written atomically.

**Spreadsheet-safe text.** Scalar text cells (``string`` properties, ids, labels, types) that
start with ``=``, ``+``, ``-``, ``@``, a tab or a CR get an apostrophe in front, exactly as in
the other CSV outputs (:func:`evgraph.formats.csvsafe.neutralise`), so opening an import file in
a spreadsheet never runs a formula; Neo4j then stores that text with its apostrophe. Cells that
Neo4j imports as a number (``:double``, ``:int``) or as an array (``:string[]``) are written
exactly: a prefix would change the number, or only the array's first item. (evgraph ids are
CURIEs, which never start with one of those characters.)

>>> import tempfile, pandas as pd
>>> from evgraph.build.builder import GraphBuilder
>>> b = GraphBuilder()
>>> b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"],
...                           "label": ["macrophage", "adipose tissue"]}), file="demo")
>>> b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"], "object": ["UBERON:0001013"],
...     "publications": ["PMID:28942920"], "species": ["NCBITaxon:10090"], "confidence": [0.8]}), file="demo")
>>> out = tempfile.mkdtemp()
>>> [p.name for p in write_neo4j_csv(b.build(), out)]
['nodes-CellType.csv', 'nodes-Organ.csv', 'relationships-PART_OF.csv', 'constraints.cypher', 'import.sh']
>>> print(open(f"{out}/relationships-PART_OF.csv").read().splitlines()[0])
:START_ID,:END_ID,:TYPE,id,predicate,direction,uptake_mechanism,species:string[],publications:string[],knowledge_level,agent_type,primary_knowledge_source,evidence,confidence:double,statement,separation_method:string[],ev_markers_positive:string[],ev_markers_negative:string[],single_ev_characterisation:string[],carrier_control,model_system:string[],ev_perturbation:string[],dose,evtrack_id,ev_metric:int,publication_year:int,evidence_tier
"""

from __future__ import annotations

import csv
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import atomic_open
from ..query.graphdata import NODE_PROPERTIES, REL_PROPERTIES, Prop, node_frames, rel_groups
from ..query.neo4j import schema_statements
from .csvsafe import neutralise

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

ARRAY_DELIMITER = "|"


def _header(prop: Prop, node: bool = False) -> str:
    if node and prop.name == "id":
        return "id:ID"
    return prop.name if prop.type == "string" else f"{prop.name}:{prop.type}"


def _cell(value: Any, text: bool = False) -> Any:
    """One CSV cell; ``text`` (a scalar ``string`` property) neutralises a formula prefix."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    return neutralise(value) if text else value


def _text_flags(props: tuple[Prop, ...], leading: int) -> list[bool]:
    """Per column: is it scalar text (neutralised)? The ``leading`` id columns are text."""
    return [True] * leading + [p.type == "string" for p in props]


def write_neo4j_csv(kg: KnowledgeGraph, out_dir: str | Path, database: str = "neo4j") -> list[Path]:
    """Write the neo4j-admin import files for ``kg`` into ``out_dir``; the paths written, in order."""
    from ..progress import bar

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with bar(total=kg.num_nodes + kg.num_edges, desc="neo4j-csv export", unit="rec") as progress:
        return _write(kg, out, database, progress)


def _write(kg: KnowledgeGraph, out: Path, database: str, progress) -> list[Path]:
    written: list[Path] = []
    multiline = False
    node_files: list[str] = []
    node_text = _text_flags(NODE_PROPERTIES, 0)
    rel_text = _text_flags(REL_PROPERTIES, 2)
    for cls, frame in node_frames(kg):
        path = out / f"nodes-{cls}.csv"
        with atomic_open(path) as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow([_header(NODE_PROPERTIES[0], True), ":LABEL", *[_header(p, True) for p in NODE_PROPERTIES[1:]]])
            for rec in frame.itertuples(index=False, name=None):
                cells = [_cell(v, t) for v, t in zip(rec, node_text, strict=True)]
                multiline = multiline or any(isinstance(c, str) and "\n" in c for c in cells)
                w.writerow([cells[0], cls, *cells[1:]])
        progress.update(len(frame))
        written.append(path)
        node_files.append(path.name)
    rel_files: dict[str, Path] = {}
    writers: dict[str, Any] = {}
    handles = []
    try:
        for group in rel_groups(kg):
            if group.rel_type not in writers:
                path = out / f"relationships-{group.rel_type}.csv"
                cm = atomic_open(path)
                fh = cm.__enter__()
                handles.append(cm)
                w = csv.writer(fh, lineterminator="\n")
                w.writerow([":START_ID", ":END_ID", ":TYPE", *[_header(p) for p in REL_PROPERTIES]])
                writers[group.rel_type], rel_files[group.rel_type] = w, path
            w = writers[group.rel_type]
            for rec in group.frame.itertuples(index=False, name=None):
                cells = [_cell(v, t) for v, t in zip(rec, rel_text, strict=True)]
                multiline = multiline or any(isinstance(c, str) and "\n" in c for c in cells)
                w.writerow([cells[0], cells[1], group.rel_type, *cells[2:]])
            progress.update(len(group.frame))
    except BaseException as exc:
        for cm in reversed(handles):
            cm.__exit__(type(exc), exc, exc.__traceback__)
        raise
    for cm in handles:
        cm.__exit__(None, None, None)
    written.extend(rel_files[t] for t in sorted(rel_files))
    constraints = out / "constraints.cypher"
    with atomic_open(constraints) as fh:
        fh.write("// Run after the import, once the database is started (e.g. cypher-shell -f constraints.cypher)\n")
        for stmt in schema_statements(kg):
            fh.write(stmt + ";\n")
    written.append(constraints)
    script = out / "import.sh"
    args = ["neo4j-admin", "database", "import", "full", "DATABASE", "--overwrite-destination=true", "--id-type=string",
            f"--array-delimiter={ARRAY_DELIMITER}", "--skip-duplicate-nodes=false"]
    if multiline:
        args.append("--multiline-fields=true")
    args += [f"--nodes={name}" for name in node_files]
    args += [f"--relationships={rel_files[t].name}" for t in sorted(rel_files)]
    with atomic_open(script) as fh:
        fh.write("#!/bin/sh\n# Import this graph into a STOPPED Neo4j 5 server (replaces the database), then start\n"
                 "# it and run constraints.cypher. Usage: sh import.sh [DATABASE]   (default: neo4j)\n"
                 "set -e\ncd \"$(dirname \"$0\")\"\n")
        line = " \\\n  ".join(shlex.quote(a) for a in args).replace("DATABASE", f'"${{1:-{database}}}"')
        fh.write(line + "\n")
    script.chmod(0o755)
    written.append(script)
    return written
