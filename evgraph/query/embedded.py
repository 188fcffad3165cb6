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
>>> from evgraph.build.builder import GraphBuilder
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

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa

from ..errors import NotFoundError
from ..schema import ontology_path
from .graphdata import ARROW_TYPES, NODE_PROPERTIES, REL_PROPERTIES, Prop, node_tables, rel_tables
from .library import QueryError

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

#: Bump when the database layout changes, so cached databases are rebuilt.
LAYOUT_VERSION = 3
DB_FILE = "cypher.lbug"
KEY_FILE = "cypher.json"
BUILD_PREFIX = ".cypher-build-"
_TYPES = {"string": "STRING", "string[]": "STRING[]", "double": "DOUBLE", "int": "INT64"}
_ARROW = ARROW_TYPES


def _ladybug():
    import ladybug

    return ladybug


def ddl(kg: KnowledgeGraph, pairs: list[tuple[str, str, str]] | None = None) -> list[str]:
    """The CREATE TABLE statements for ``kg`` (node tables for every class, rel tables for every relation).

    ``pairs`` are the (relation, subject class, object class) triples present (default: computed).
    """
    stmts = []
    node_cols = ", ".join(f"{p.name} {_TYPES[p.type]}" for p in NODE_PROPERTIES)
    for cls in kg.schema.classes:
        stmts.append(f"CREATE NODE TABLE {cls}({node_cols}, PRIMARY KEY (id))")
    present: dict[str, list[tuple[str, str]]] = {}
    for group in rel_groups_pairs(kg) if pairs is None else pairs:
        present.setdefault(group[0], []).append((group[1], group[2]))
    rel_cols = ", ".join(f"{p.name} {_TYPES[p.type]}" for p in REL_PROPERTIES)
    for name, rel in kg.schema.relations.items():
        pairs_of = present.get(name) or [(sorted(rel.domain)[0], sorted(rel.range)[0])]
        ends = ", ".join(f"FROM {s} TO {o}" for s, o in sorted(pairs_of))
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


def arrow_table(frame: pd.DataFrame, props: tuple[Prop, ...], keys: tuple[str, ...] = ()) -> pa.Table:
    """``frame`` as an Arrow table whose schema is the layout's (``keys`` as strings, then ``props``).

    The engine only ever sees typed Arrow columns with real nulls. Handing it pandas frames
    is what crashed it (issue 18, F1): under pandas 3 a string column with missing values gets
    the NaN-backed ``str`` dtype, and ladybug 0.22's pandas scanner corrupts its string storage
    on such columns (SIGSEGV, "double free", "String dictionary index is outside the offset
    table") once a few thousand rows are copied into a relationship table with several
    FROM/TO pairs.

    >>> from evgraph.query.graphdata import Prop
    >>> t = arrow_table(pd.DataFrame({"id": ["a", None], "n": [1.0, float("nan")]}),
    ...                 (Prop("n", "double"),), keys=("id",))
    >>> t.schema.types, t.column("id").null_count, t.column("n").null_count
    ([DataType(string), DataType(double)], 1, 1)
    """
    fields = [pa.field(k, pa.string()) for k in keys] + [pa.field(p.name, _ARROW[p.type]) for p in props]
    columns = []
    for f in fields:
        values = frame[f.name].astype(object).to_numpy()
        columns.append(pa.array(values, type=f.type, from_pandas=True))
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


def populate(conn: Any, kg: KnowledgeGraph, on_phase: Callable[[str], None] | None = None) -> None:
    """Create the tables and bulk-``COPY`` nodes and relationships into an empty database.

    The rows come as typed Arrow tables built column-wise from the graph's columns
    (:func:`~evgraph.query.graphdata.node_tables`, :func:`~evgraph.query.graphdata.rel_tables`:
    no per-row Python). Automatic checkpoints are off during the load (each ``COPY`` would
    otherwise checkpoint the whole database) and one ``CHECKPOINT`` ends it. ``on_phase(name)``
    is called as each phase ends (``benchmarks/bench_queries.py --phases`` times them).
    """
    done = on_phase or (lambda name: None)
    nodes = list(node_tables(kg))
    done("node tables (Arrow)")
    groups = list(rel_tables(kg))
    done("relationship tables (Arrow)")
    pairs = sorted((g.relation, g.from_class, g.to_class) for g in groups)
    for stmt in ddl(kg, pairs):
        conn.execute(stmt)
    conn.execute("CALL auto_checkpoint=false")
    done("schema")
    for cls, table in nodes:
        conn.execute(f"COPY {cls} FROM $df", {"df": table})
    done("COPY nodes")
    for g in groups:
        conn.execute(f"COPY {g.rel_type} FROM $df (from='{g.from_class}', to='{g.to_class}')", {"df": g.table})
    done("COPY relationships")
    conn.execute("CALL auto_checkpoint=true")
    conn.execute("CHECKPOINT")
    done("checkpoint")


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
    """Build the database file for ``kg`` at ``path`` atomically (temp folder beside it, then rename).

    The temporary ``.cypher-build-*`` folder is removed whatever happens in Python; one left by a
    killed process is removed by the next :func:`cached_database` call on that folder.
    """
    lb = _ladybug()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmpdir = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=target.parent))
    try:
        tmp = tmpdir / target.name
        db = lb.Database(str(tmp))
        conn = lb.Connection(db)
        try:
            populate(conn, kg)
        except RuntimeError as exc:
            raise QueryError(f"embedded database build failed: {_first_line(str(exc))}") from None
        finally:
            conn.close()
            db.close()
        leftovers = [p for p in tmpdir.iterdir() if p.name != target.name]
        if leftovers:  # a WAL that was not checkpointed: keep the pair consistent by refusing
            raise QueryError(f"embedded database build left {leftovers[0].name} behind")
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return target


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive ``flock`` on the folder itself (no lock file): one cache builder at a time."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def clean_stale_builds(folder: str | Path) -> list[Path]:
    """Remove ``.cypher-build-*`` folders left by killed builds; call with the folder lock held."""
    removed = []
    for stale in sorted(Path(folder).glob(BUILD_PREFIX + "*")):
        shutil.rmtree(stale, ignore_errors=True)
        removed.append(stale)
    return removed


def _file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cache_matches(key: str, key_path: Path, db_path: Path) -> bool:
    """True when the key file names this graph key and the database file is the one it describes.

    Size and mtime are checked first; when they differ (a copied folder) the checksum decides.
    A truncated or replaced ``cypher.lbug`` therefore never reaches the engine.
    """
    try:
        stored = json.loads(key_path.read_text(encoding="utf-8"))
        st = db_path.stat()
    except (OSError, ValueError):
        return False
    if not isinstance(stored, dict) or stored.get("key") != key or stored.get("db_size") != st.st_size:
        return False
    if stored.get("db_mtime_ns") == st.st_mtime_ns:
        return True
    return stored.get("db_blake2b") == _file_digest(db_path)


def cached_database(kg: KnowledgeGraph, graph_dir: str | Path, *, rebuild: bool = False) -> Path:
    """The cached database of a built-graph folder, (re)built when it does not match the graph.

    It is rebuilt when the graph, the ontology, the layout or ladybug's version changed, or when
    ``cypher.lbug`` is not the file its key file describes (size, checksum). Stale temporary
    build folders are removed first. ``rebuild`` forces a rebuild.
    """
    folder = Path(graph_dir)
    key = graph_key(folder)
    key_path, db_path = folder / KEY_FILE, folder / DB_FILE
    with _folder_lock(folder):
        clean_stale_builds(folder)
        if rebuild or not _cache_matches(key, key_path, db_path):
            from ..atomic import atomic_open

            key_path.unlink(missing_ok=True)
            build_database(kg, db_path)
            st = db_path.stat()
            with atomic_open(key_path) as fh:
                json.dump({"key": key, "layout": LAYOUT_VERSION, "ladybug": _ladybug_version(),
                           "db_size": st.st_size, "db_mtime_ns": st.st_mtime_ns,
                           "db_blake2b": _file_digest(db_path)}, fh, indent=2)
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
            try:
                self._open(path)
            except RuntimeError:  # a database file the engine cannot read: rebuild it once
                path = cached_database(kg, graph_dir, rebuild=True)
                try:
                    self._open(path)
                except RuntimeError as exc:
                    raise QueryError(f"{path}: the embedded engine cannot open the database it built: "
                                     f"{_first_line(str(exc))}") from None
        else:
            self._db = lb.Database(":memory:")
            self._conn = lb.Connection(self._db)
            populate(self._conn, kg)

    def _open(self, path: Path) -> None:
        lb = _ladybug()
        self._db = lb.Database(str(path), read_only=True)
        try:
            self._conn = lb.Connection(self._db)
            self._conn.execute("RETURN 1").close()
        except RuntimeError:
            self._db.close()
            raise

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
        types = result.get_column_data_types()
        rows = result.get_all()
        result.close()
        wide = [i for i, t in enumerate(types) if "INT128" in t or "DECIMAL" in t]
        if wide and rows:
            rows = [list(row) for row in rows]
            for row in rows:
                for i in wide:
                    row[i] = plain_numbers(row[i])
        return pd.DataFrame.from_records(rows, columns=columns) if rows else pd.DataFrame(columns=columns)

    def close(self) -> None:
        self._conn.close()
        self._db.close()


def plain_numbers(value: Any) -> Any:
    """A LadybugDB value with the Python number types Neo4j's driver returns.

    LadybugDB sums integers into INT128, which its Python API returns as :class:`~decimal.Decimal`
    (``sum(count(x))`` is ``Decimal('3')``), where Neo4j returns ``int``. A ``Decimal`` with no
    fractional digits (INT128) becomes ``int``, any other (a DECIMAL) ``float`` (Neo4j has no
    decimal type); lists and maps are converted item by item.

    >>> from decimal import Decimal
    >>> plain_numbers([Decimal("3"), {"s": Decimal("2.50")}, None, "x"])
    [3, {'s': 2.5}, None, 'x']
    """
    if isinstance(value, Decimal):
        return int(value) if value.as_tuple().exponent == 0 else float(value)
    if isinstance(value, list):
        return [plain_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: plain_numbers(v) for k, v in value.items()}
    return value


def _first_line(message: str) -> str:
    return " ".join(message.strip().splitlines()[:1]) or "failed"
