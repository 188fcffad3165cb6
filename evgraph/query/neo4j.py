"""Neo4j: connect to a server, run Cypher there, and load an evgraph graph into it.

Connection settings come from arguments or the environment: ``NEO4J_URI`` (default
``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (default ``neo4j`` when a password is set),
``NEO4J_PASSWORD`` (no authentication when unset) and ``NEO4J_DATABASE`` (the server's default
database when unset). Any URI scheme of the official driver works: ``bolt://`` and ``neo4j://``
(Desktop, Docker, clusters), ``neo4j+s://`` (Aura).

The loader (:func:`load_graph`) creates a uniqueness constraint on ``id`` for every node label
and relationship type first, then writes nodes and relationships in batches of
``UNWIND $rows AS row MERGE ... SET ... = row`` inside managed write transactions (retried on
transient errors). Labels and types come only from the ontology; every value travels as a
parameter. Nodes are merged by ``id`` and relationships by edge ``id``, so loading twice
changes nothing and an interrupted load, run again, ends with the same graph.

>>> settings_from_env({"NEO4J_URI": "neo4j+s://x.databases.neo4j.io", "NEO4J_PASSWORD": "pw"})
Neo4jSettings(uri='neo4j+s://x.databases.neo4j.io', user='neo4j', password='***', database=None)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .graphdata import node_frames, rel_groups
from .library import QueryError

if TYPE_CHECKING:
    from ..model import KnowledgeGraph

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_BATCH = 10_000
URI_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and how to connect."""

    uri: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    database: str | None = None

    def __repr__(self) -> str:
        pw = "***" if self.password else None
        return (f"Neo4jSettings(uri={self.uri!r}, user={self.user!r}, password={pw!r}, "
                f"database={self.database!r})")


def settings_from_env(env: Mapping[str, str] | None = None, *, uri: str | None = None, user: str | None = None,
                      password: str | None = None, database: str | None = None) -> Neo4jSettings:
    """Connection settings: explicit arguments first, then ``NEO4J_*`` variables, then defaults."""
    env = os.environ if env is None else env
    password = password if password is not None else (env.get("NEO4J_PASSWORD") or None)
    user = user or env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or ("neo4j" if password else None)
    return Neo4jSettings(uri=uri or env.get("NEO4J_URI") or DEFAULT_URI, user=user, password=password,
                         database=database or env.get("NEO4J_DATABASE") or None)


def _neo4j():
    import neo4j

    return neo4j


def _first_line(message: str | None) -> str:
    text = (message or "").strip()
    return text.splitlines()[0].rstrip(" :") if text else "failed"


class Neo4jEngine:
    """Runs Cypher on a Neo4j server; also the connection the loader uses."""

    name = "neo4j"

    def __init__(self, settings: Neo4jSettings):
        neo4j = _neo4j()
        self.settings = settings
        auth = (settings.user or "neo4j", settings.password or "") if settings.password or settings.user else None
        scheme = settings.uri.split("://", 1)[0] if "://" in settings.uri else ""
        if scheme not in URI_SCHEMES:
            raise QueryError(f"invalid Neo4j URI {settings.uri!r}: the scheme must be one of "
                             f"{', '.join(URI_SCHEMES)}")
        try:
            self.driver = neo4j.GraphDatabase.driver(settings.uri, auth=auth)
        except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
            raise QueryError(f"invalid Neo4j URI {settings.uri!r}: {_first_line(str(exc))}") from None
        self._checked = False

    @classmethod
    def from_env(cls, uri: str | None = None, **kwargs: Any) -> Neo4jEngine:
        """An engine from :func:`settings_from_env`."""
        return cls(settings_from_env(uri=uri, **kwargs))

    def __enter__(self) -> Neo4jEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.driver.close()

    def check(self) -> None:
        """Fail with one clear line if the server cannot be reached or refuses the credentials."""
        if self._checked:
            return
        neo4j = _neo4j()
        try:
            self.driver.verify_connectivity()
        except neo4j.exceptions.AuthError as exc:
            raise QueryError(f"Neo4j at {self.settings.uri} refused the credentials "
                             f"(NEO4J_USER/NEO4J_PASSWORD): {_first_line(exc.message)}") from None
        except (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError) as exc:
            raise QueryError(f"cannot connect to Neo4j at {self.settings.uri}: {_first_line(str(exc))} "
                             "(is the server running? set NEO4J_URI)") from None
        self._checked = True

    def _execute(self, cypher: str, params: dict[str, Any], name: str, write: bool = False):
        neo4j = _neo4j()
        self.check()
        try:
            return self.driver.execute_query(
                cypher, parameters_=params, database_=self.settings.database,
                routing_=neo4j.RoutingControl.WRITE if write else neo4j.RoutingControl.READ)
        except neo4j.exceptions.CypherSyntaxError as exc:
            raise QueryError(f"query {name}: syntax error: {_first_line(exc.message)}") from None
        except neo4j.exceptions.Neo4jError as exc:
            raise QueryError(f"query {name}: {exc.code}: {_first_line(exc.message)}") from None
        except (neo4j.exceptions.DriverError, OSError) as exc:
            raise QueryError(f"query {name}: Neo4j at {self.settings.uri}: {_first_line(str(exc))}") from None

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, name: str = "<query>",
            write: bool = False) -> pd.DataFrame:
        """Run ``cypher``; a DataFrame with the RETURN columns in order (lists as Python lists)."""
        records, _summary, keys = self._execute(cypher, dict(params or {}), name, write)
        rows = [list(r.values()) for r in records]
        return pd.DataFrame.from_records(rows, columns=list(keys)) if rows else pd.DataFrame(columns=list(keys))

    def resolve(self, term: str) -> str:
        """A CURIE, or an unambiguous label or synonym (case-insensitive), to a node id on the server."""
        hit = self.run("MATCH (n) WHERE n.id = $t RETURN n.id AS id LIMIT 1", {"t": term}, name="resolve")
        if len(hit):
            return str(hit["id"].iat[0])
        hits = self.run(
            "MATCH (n) WHERE toLower(n.label) = toLower($t) "
            "OR any(s IN coalesce(n.synonyms, []) WHERE toLower(s) = toLower($t)) "
            "RETURN DISTINCT n.id AS id ORDER BY id LIMIT 11", {"t": term}, name="resolve")
        ids = [str(v) for v in hits["id"]]
        if len(ids) == 1:
            return ids[0]
        if ids:
            raise QueryError(f"'{term}' is ambiguous: {', '.join(ids[:10])}")
        raise QueryError(f"no node with id or label '{term}'")


# ---------------------------------------------------------------------------------- loading
def schema_statements(kg: KnowledgeGraph) -> list[str]:
    """Uniqueness constraints on ``id`` for every ontology class (label) and relation (type)."""
    stmts = [f"CREATE CONSTRAINT evgraph_{cls}_id IF NOT EXISTS FOR (n:{cls}) REQUIRE n.id IS UNIQUE"
             for cls in kg.schema.classes]
    stmts += [f"CREATE CONSTRAINT evgraph_{rel.neo4j_type}_id IF NOT EXISTS FOR ()-[r:{rel.neo4j_type}]-() "
              "REQUIRE r.id IS UNIQUE" for rel in kg.schema.relations.values()]
    return stmts


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_clean(r) for r in frame.astype(object).where(frame.notna(), None).to_dict("records")]


@dataclass
class Batch:
    """One write transaction of the loader."""

    kind: str  # "nodes" or "relationships"
    cypher: str
    rows: list[dict[str, Any]]


def load_plan(kg: KnowledgeGraph, batch_size: int = DEFAULT_BATCH) -> Iterator[Batch]:
    """The loader's batches, in order: nodes per class, then relationships per (type, subject, object class).

    >>> import evgraph
    >>> from evgraph.build.builder import GraphBuilder
    >>> import pandas as pd
    >>> b = GraphBuilder()
    >>> b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"], "category": ["CellType", "Organ"],
    ...                           "label": ["macrophage", "adipose tissue"]}), file="demo")
    >>> b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"], "object": ["UBERON:0001013"],
    ...     "publications": ["PMID:28942920"], "species": ["NCBITaxon:10090"], "confidence": [0.8]}), file="demo")
    >>> [(b.kind, len(b.rows)) for b in load_plan(b.build())]
    [('nodes', 1), ('nodes', 1), ('relationships', 1)]
    >>> print(list(load_plan(b.build()))[-1].cypher)
    UNWIND $rows AS row
    MATCH (a:CellType {id: row.from})
    MATCH (b:Organ {id: row.to})
    MERGE (a)-[r:PART_OF {id: row.props.id}]->(b)
    SET r = row.props
    """
    classes, relations = kg.schema.classes, kg.schema.relations
    for cls, frame in node_frames(kg):
        if cls not in classes:  # labels only from the ontology
            raise QueryError(f"node class {cls!r} is not in the ontology")
        cypher = f"UNWIND $rows AS row\nMERGE (n:{cls} {{id: row.id}})\nSET n = row"
        rows = _records(frame)
        for start in range(0, len(rows), batch_size):
            yield Batch("nodes", cypher, rows[start:start + batch_size])
    for group in rel_groups(kg):
        if group.relation not in relations or group.from_class not in classes or group.to_class not in classes:
            raise QueryError(f"relationship {group.relation!r} is not in the ontology")
        cypher = (f"UNWIND $rows AS row\nMATCH (a:{group.from_class} {{id: row.from}})\n"
                  f"MATCH (b:{group.to_class} {{id: row.to}})\n"
                  f"MERGE (a)-[r:{group.rel_type} {{id: row.props.id}}]->(b)\nSET r = row.props")
        props = group.frame.drop(columns=["from", "to"])
        rows = [{"from": f, "to": t, "props": p}
                for f, t, p in zip(group.frame["from"], group.frame["to"], _records(props), strict=True)]
        for start in range(0, len(rows), batch_size):
            yield Batch("relationships", cypher, rows[start:start + batch_size])


@dataclass
class LoadReport:
    """What a load did (counters from the server)."""

    nodes: int = 0
    relationships: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    batches: int = 0
    seconds: float = 0.0
    relationship_seconds: float = 0.0

    @property
    def relationship_rate(self) -> float:
        """Relationships written per second during the relationship phase."""
        return self.relationships / self.relationship_seconds if self.relationship_seconds else 0.0

    def __str__(self) -> str:
        return (f"{self.nodes} nodes and {self.relationships} relationships in {self.batches} batches "
                f"({self.nodes_created} nodes and {self.relationships_created} relationships created) "
                f"in {self.seconds:.1f}s")


def load_graph(kg: KnowledgeGraph, engine: Neo4jEngine, *, batch_size: int = DEFAULT_BATCH,
               progress: bool = True, clear: bool = False,
               on_batch: Callable[[int, Batch], None] | None = None) -> LoadReport:
    """Write ``kg`` into the engine's database (constraints first, then batched MERGE).

    ``clear`` first deletes every node that has an ontology label. ``on_batch(i, batch)`` is
    called after each committed batch.
    """
    import time

    from tqdm import tqdm

    neo4j = _neo4j()
    engine.check()
    t0 = time.perf_counter()
    if clear:
        clear_graph(kg, engine)
    for stmt in schema_statements(kg):
        engine.run(stmt, name="schema", write=True)
    engine.run("CALL db.awaitIndexes(300)", name="schema", write=True)
    report = LoadReport()
    total = kg.num_nodes + kg.num_edges

    def work(tx, cypher: str, rows: list[dict[str, Any]]):
        return tx.run(cypher, rows=rows).consume().counters

    from ..progress import enabled

    bar = tqdm(total=total, unit="row", desc="neo4j load", disable=not (progress and enabled()), leave=False)
    try:
        with engine.driver.session(database=engine.settings.database) as session:
            for i, batch in enumerate(load_plan(kg, batch_size)):
                t_batch = time.perf_counter()
                try:
                    counters = session.execute_write(work, batch.cypher, batch.rows)
                except neo4j.exceptions.Neo4jError as exc:
                    raise QueryError(f"neo4j load: batch {i} ({batch.kind}): {exc.code}: "
                                     f"{_first_line(exc.message)}") from None
                except (neo4j.exceptions.DriverError, OSError) as exc:
                    raise QueryError(f"neo4j load: batch {i} ({batch.kind}): {_first_line(str(exc))}") from None
                report.batches += 1
                if batch.kind == "nodes":
                    report.nodes += len(batch.rows)
                else:
                    report.relationships += len(batch.rows)
                    report.relationship_seconds += time.perf_counter() - t_batch
                report.nodes_created += counters.nodes_created
                report.relationships_created += counters.relationships_created
                report.properties_set += counters.properties_set
                bar.update(len(batch.rows))
                if on_batch is not None:
                    on_batch(i, batch)
    finally:
        bar.close()
    report.seconds = time.perf_counter() - t0
    return report


def clear_graph(kg: KnowledgeGraph, engine: Neo4jEngine, batch_size: int = DEFAULT_BATCH) -> int:
    """Delete every node carrying an ontology label and every relationship of an ontology type.

    Relationships go first, in batches, so that no transaction has to detach a hub node with
    many relationships at once. Returns the number of nodes deleted.
    """

    def repeat(cypher: str) -> int:
        total = 0
        while True:
            res = engine.run(cypher, {"n": batch_size}, name="clear", write=True)
            c = int(res["c"].iat[0]) if len(res) else 0
            total += c
            if c < batch_size:
                return total

    for rel in kg.schema.relations.values():
        repeat(f"MATCH ()-[r:{rel.neo4j_type}]->() WITH r LIMIT $n DELETE r RETURN count(*) AS c")
    return sum(repeat(f"MATCH (n:{cls}) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS c")
               for cls in kg.schema.classes)


def graph_counts(engine: Neo4jEngine) -> dict[str, dict[str, int]]:
    """Nodes per label and relationships per type on the server (same shape as ``kg.counts()`` but
    keyed by label / relationship type)."""
    nodes = engine.run("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c", name="counts")
    rels = engine.run("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c", name="counts")
    return {"nodes": {str(k): int(v) for k, v in sorted(zip(nodes["l"], nodes["c"], strict=True))},
            "edges": {str(k): int(v) for k, v in sorted(zip(rels["t"], rels["c"], strict=True))}}
