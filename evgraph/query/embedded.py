"""The embedded Cypher engine: a LadybugDB database (the maintained fork of Kuzu) built from the graph.

No server is needed. The database uses the shared property-graph layout of
:mod:`evgraph.query.graphdata`: one node table per ontology class (every class of the
ontology, even without nodes) and one relationship table per relation, whose FROM/TO pairs
are the (subject class, object class) pairs that occur in the graph (or the first allowed
pair when none occur, so every relationship type of the ontology exists).

For a built-graph folder the database is cached as ``DIR/cypher.lbug`` with a key file
``DIR/cypher.json`` (hash of the graph tables, the ontology, the layout and the ladybug
version): built once, atomically, opened read-only afterwards. Building is deterministic:
tables, pairs and rows are written in sorted order.

>>> import pandas as pd
>>> from evgraph.builder import GraphBuilder
>>> b = GraphBuilder()
>>> b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"],
...                           "label": ["macrophage", "adipose tissue"]}), file="demo")
>>> b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"], "object": ["UBERON:0001013"],
...                           "publications": ["PMID:28942920"], "species": ["NCBITaxon:10090"],
...                           "confidence": [0.8]}), file="demo")
>>> engine = EmbeddedEngine(b.build())
>>> engine.run("MATCH (c:CellType)-[r:PART_OF]->(o:Organ) RETURN c.label AS cell, o.label AS organ, "
...            "r.publications AS pubs").to_dict("records")
[{'cell': 'macrophage', 'organ': 'adipose tissue', 'pubs': ['PMID:28942920']}]
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..errors import NotFoundError
from ..schema import ontology_path
from .graphdata import NODE_PROPERTIES, REL_PROPERTIES, node_frames, rel_groups
from .library import QueryError

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

#: Bump when the database layout changes, so cached databases are rebuilt.
LAYOUT_VERSION = 2
DB_FILE = "cypher.lbug"
KEY_FILE = "cypher.json"
_TYPES = {"string": "STRING", "string[]": "STRING[]", "double": "DOUBLE", "int": "INT64"}


def _ladybug():
    try:
        import ladybug
    except ImportError as exc:  # pragma: no cover - a dependency
        raise QueryError(f"the embedded Cypher engine needs the 'ladybug' package ({exc})") from None
    return ladybug


def ddl(kg: KnowledgeGraph) -> list[str]:
    """The CREATE TABLE statements for ``kg`` (node tables for every class, rel tables for every relation)."""
    stmts = []
    node_cols = ", ".join(f"{p.name} {_TYPES[p.type]}" for p in NODE_PROPERTIES)
    for cls in kg.schema.classes:
        stmts.append(f"CREATE NODE TABLE {cls}({node_cols}, PRIMARY KEY (id))")
    present: dict[str, list[tuple[str, str]]] = {}
    for group in rel_groups_pairs(kg):
        present.setdefault(group[0], []).append((group[1], group[2]))
    rel_cols = ", ".join(f"{p.name} {_TYPES[p.type]}" for p in REL_PROPERTIES)
    for name, rel in kg.schema.relations.items():
        pairs = present.get(name) or [(sorted(rel.domain)[0], sorted(rel.range)[0])]
        ends = ", ".join(f"FROM {s} TO {o}" for s, o in sorted(pairs))
        stmts.append(f"CREATE REL TABLE {rel.neo4j_type}({ends}, {rel_cols})")
    return stmts


def rel_groups_pairs(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """Sorted (relation, subject class, object class) triples present in ``kg``."""
    if not kg.num_edges:
        return []
    cls = kg.node_class
    frame = pd.DataFrame({"p": kg.edges["predicate"].astype(str).to_numpy(), "s": cls[kg.src].astype(str),
                          "o": cls[kg.dst].astype(str)}).drop_duplicates()
    return sorted(map(tuple, frame.to_numpy().tolist()))


def populate(conn: Any, kg: KnowledgeGraph) -> None:
    """Create the tables and bulk-copy nodes and relationships into an empty database."""
    for stmt in ddl(kg):
        conn.execute(stmt)
    for cls, frame in node_frames(kg):
        conn.execute(f"COPY {cls} FROM $df", {"df": frame})
    multi = {r for r, *_ in rel_groups_pairs(kg)}
    counts: dict[str, int] = {}
    for r, _s, _o in rel_groups_pairs(kg):
        counts[r] = counts.get(r, 0) + 1
    for group in rel_groups(kg):
        opts = f" (from='{group.from_class}', to='{group.to_class}')" if group.relation in multi else ""
        conn.execute(f"COPY {group.rel_type} FROM $df{opts}", {"df": group.frame})


def graph_key(graph_dir: str | Path) -> str:
    """Cache key of a built-graph folder: hash of its tables, the ontology, the layout, ladybug's version."""
    h = hashlib.blake2b(digest_size=16)
    folder = Path(graph_dir)
    for name in ("nodes.parquet", "edges.parquet", "graph.json"):
        with open(folder / name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    h.update(ontology_path().read_bytes())
    h.update(f"layout={LAYOUT_VERSION};ladybug={_ladybug_version()}".encode())
    return h.hexdigest()


def _ladybug_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ladybug")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def build_database(kg: KnowledgeGraph, path: str | Path) -> Path:
    """Build the database file for ``kg`` at ``path`` atomically (temp file in the same folder, then rename)."""
    lb = _ladybug()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=".cypher-build-", dir=target.parent))
    try:
        tmp = tmpdir / target.name
        db = lb.Database(str(tmp))
        conn = lb.Connection(db)
        populate(conn, kg)
        conn.close()
        db.close()
        leftovers = [p for p in tmpdir.iterdir() if p.name != target.name]
        if leftovers:  # a WAL that was not checkpointed: keep the pair consistent by refusing
            raise QueryError(f"embedded database build left {leftovers[0].name} behind")
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return target


def cached_database(kg: KnowledgeGraph, graph_dir: str | Path) -> Path:
    """The cached database of a built-graph folder, (re)built when the key changed."""
    folder = Path(graph_dir)
    key = graph_key(folder)
    key_path, db_path = folder / KEY_FILE, folder / DB_FILE
    try:
        stored = json.loads(key_path.read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError):
        stored = None
    if stored != key or not db_path.is_file():
        from ..atomic import atomic_open

        key_path.unlink(missing_ok=True)
        build_database(kg, db_path)
        with atomic_open(key_path) as fh:
            json.dump({"key": key, "layout": LAYOUT_VERSION, "ladybug": _ladybug_version()}, fh, indent=2)
            fh.write("\n")
    return db_path


class EmbeddedEngine:
    """Runs Cypher on an embedded LadybugDB database of ``kg`` (in memory, or cached in ``graph_dir``)."""

    name = "embedded"

    def __init__(self, kg: KnowledgeGraph, graph_dir: str | Path | None = None):
        lb = _ladybug()
        self.kg = kg
        if graph_dir is not None:
            path = cached_database(kg, graph_dir)
            self._db = lb.Database(str(path), read_only=True)
            self._conn = lb.Connection(self._db)
        else:
            self._db = lb.Database(":memory:")
            self._conn = lb.Connection(self._db)
            populate(self._conn, kg)

    def resolve(self, term: str) -> str:
        """A CURIE or unambiguous label/synonym to a node id."""
        try:
            return self.kg.resolve(term)
        except NotFoundError as exc:
            raise QueryError(str(exc)) from None

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, name: str = "<query>") -> pd.DataFrame:
        """Run ``cypher`` with ``params``; a DataFrame with the RETURN columns in order."""
        try:
            result = self._conn.execute(cypher, dict(params or {}))
        except RuntimeError as exc:
            message = _first_line(str(exc))
            if message.startswith("Parser exception:"):
                message = "syntax error: " + message[len("Parser exception:"):].strip()
            raise QueryError(f"query {name}: {message}") from None
        if isinstance(result, list):
            result = result[-1]
        columns = result.get_column_names()
        rows = result.get_all()
        result.close()
        return pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)

    def close(self) -> None:
        self._conn.close()
        self._db.close()


def _first_line(message: str) -> str:
    return " ".join(message.strip().splitlines()[:1]) or "failed"
