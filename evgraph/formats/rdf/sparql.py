"""SPARQL over the RDF export, in memory (pyoxigraph), with the query library's ``.rq`` files.

``queries/NAME.rq`` files are the SPARQL twins of ``queries/NAME.cypher``: the same header
(``# name:``, ``# description:``, ``# param: NAME: TYPE = DEFAULT -- text``, ``# columns:``)
with ``#`` instead of ``//``. Conventions of the SPARQL text:

* the files are **standard SPARQL 1.1** and run unchanged on any store (Oxigraph, Jena/Fuseki,
  GraphDB, ...) loaded with the RDF export: a parameter ``NAME`` is the variable ``?NAME``,
  bound by a one-row ``VALUES (?a ?b) { (default-a default-b) }`` block that holds the
  header's defaults (a ``node`` default as its IRI, ``''`` = no node as the empty literal: test
  it with ``isLiteral(?NAME)``). ``evgraph sparql`` / :func:`run_sparql` bind other values by
  rewriting the row of every such block (a query may repeat the block inside a subquery that
  needs the parameter), not by substituting text; a parameter named ``limit`` rewrites the
  final ``LIMIT n``;
* no extension functions: CURIEs of provenance IRIs (publications, species, sources, markers)
  are computed with ``REPLACE(STR(?iri), "^namespace", "PREFIX:")``;
* result columns are the projected variables in order, renamed to the header's ``columns``;
* ``# lists: a, b`` names columns built with ``GROUP_CONCAT(...; separator="|")``: they are
  returned as sorted lists, like Cypher's ``collect``.

>>> import evgraph
>>> kg = evgraph.load()
>>> df = run_sparql(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/evgraph/Organ> }")
>>> int(df["n"][0]) == int((kg.nodes["category"] == "Organ").sum())
True
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from ...errors import NotFoundError
from ...identifiers import compress, expand
from ...model import KnowledgeGraph
from ...query.library import Query, QueryError, parse_query, queries_dir
from .mapping import EVGRAPH, XSD
from .writer import guess_format, iter_rdf_chunks

_TOKENS = re.compile(r"""(<[^<>"{}|^`\\\s]*>"""              # IRIs
                     r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""  # strings
                     r"""|#[^\n]*|[?$][A-Za-z_][A-Za-z0-9_]*)""")      # comments, variables


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace the variables ``?NAME`` / ``$NAME`` by the SPARQL terms in ``values``.

    IRIs, string literals and comments are left alone (pre-binding by substitution).

    >>> substitute('SELECT ?x WHERE { ?s ?p ?x FILTER(?x != "?s") } # ?s', {"s": "<http://a>"})
    'SELECT ?x WHERE { <http://a> ?p ?x FILTER(?x != "?s") } # ?s'
    """
    def repl(m: re.Match) -> str:
        tok = m.group(0)
        if tok[0] in "?$" and tok[1:] in values:
            return values[tok[1:]]
        return tok

    return _TOKENS.sub(repl, text)


_VALUES = re.compile(r"VALUES\s*\(\s*((?:[?$][A-Za-z_][A-Za-z0-9_]*\s*)+)\)\s*\{\s*\(")
_TERM = re.compile(r"""\s*(<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"(?:\^\^<[^>\s]*>|@[A-Za-z0-9-]+)?|[^\s()]+)""")
_LIMIT = re.compile(r"\bLIMIT\s+\d+\s*$", re.IGNORECASE)


def bind_values(text: str, values: dict[str, str]) -> tuple[str, set[str]]:
    """Rewrite the row of every one-row ``VALUES (?a ?b) { (x y) }`` block with the SPARQL terms
    in ``values`` (variables not in ``values`` keep their default); return the text and the names
    of the variables found in such blocks.

    >>> text, names = bind_values('SELECT * WHERE { VALUES (?x ?n) { (<http://a> 1) } ?x ?p ?o }', {"n": "2"})
    >>> text, sorted(names)
    ('SELECT * WHERE { VALUES (?x ?n) { (<http://a> 2) } ?x ?p ?o }', ['n', 'x'])
    """
    out, pos, seen = [], 0, set()
    for m in _VALUES.finditer(text):
        if m.start() < pos:
            continue
        names = [v[1:] for v in m.group(1).split()]
        terms, end = [], m.end()
        for _ in names:
            t = _TERM.match(text, end)
            if t is None:
                break
            terms.append(t.group(1))
            end = t.end()
        close = re.compile(r"\s*\)\s*\}").match(text, end)
        if len(terms) != len(names) or close is None:
            continue  # not a one-row block: left alone
        seen.update(names)
        row = " ".join(values.get(n, t) for n, t in zip(names, terms, strict=True))
        out.append(text[pos:m.start()] + f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}")
        pos = close.end()
    out.append(text[pos:])
    return "".join(out), seen


_HASH_HEADER = re.compile(r"^\s*#\s?(?=[A-Za-z_]+\s*:)")


# ---------------------------------------------------------------------- query files
def parse_rq(text: str, path: str | None = None) -> Query:
    """Parse a ``.rq`` file: the query-library header with ``#`` comments, then SPARQL.

    >>> q = parse_rq('''# name: demo
    ... # description: Organs.
    ... # columns: id
    ... SELECT ?id WHERE { ?o a <https://w3id.org/evgraph/Organ> ; <http://purl.org/dc/terms/identifier> ?id }''')
    >>> q.name, q.columns
    ('demo', ('id',))
    """
    lines = text.splitlines()
    out = []
    in_header = True
    for line in lines:
        if in_header and line.strip() and not line.lstrip().startswith("#"):
            in_header = False
        if in_header and _HASH_HEADER.match(line):
            line = _HASH_HEADER.sub("// ", line, count=1)
        elif in_header and line.lstrip().startswith("#"):
            line = "//" + line.lstrip()[1:]
        out.append(line)
    return parse_query("\n".join(out), path)


@cache
def _rq_library(folder: str) -> dict[str, Query]:
    out = {}
    for path in sorted(Path(folder).glob("*.rq")):
        q = parse_rq(path.read_text(encoding="utf-8"), str(path))
        out[q.name] = q
    return out


def sparql_library() -> dict[str, Query]:
    """Every ``queries/*.rq`` by name.

    >>> len(sparql_library()) >= 8
    True
    """
    return dict(_rq_library(str(queries_dir())))


def get_sparql(name_or_file: str) -> Query:
    """A library query by name or a ``.rq`` file by path (a header is optional for files)."""
    lib = sparql_library()
    if name_or_file in lib:
        return lib[name_or_file]
    path = Path(name_or_file)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*#\s*name\s*:", text, flags=re.MULTILINE):
            q = parse_rq(text, None)
            return Query(q.name, q.description, q.params, q.columns, q.text, str(path), q.notes)
        return Query(path.stem, "", (), (), text, str(path))
    raise NotFoundError(f"no SPARQL query named '{name_or_file}' (known: {', '.join(lib)}) and no such file")


# ---------------------------------------------------------------------- engine
class SparqlEngine:
    """An in-memory pyoxigraph store holding one RDF export."""

    def __init__(self, store):
        self.store = store

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> SparqlEngine:
        """Load the N-Triples export of ``kg`` (no ontology) into a fresh in-memory store."""
        import pyoxigraph as ox

        store = ox.Store()
        for chunk in iter_rdf_chunks(kg, "nt", include_ontology=False):
            store.load(chunk.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return cls(store)

    @classmethod
    def from_file(cls, path: str | Path) -> SparqlEngine:
        """Load an RDF file (any format evgraph writes) into a fresh in-memory store."""
        import pyoxigraph as ox

        from ...errors import DataError, Problem
        from .mapping import ox_format

        store = ox.Store()
        fmt = guess_format(path)
        try:
            store.load(path=str(path), format=ox_format(fmt))
        except (SyntaxError, OSError) as exc:
            raise DataError(Problem(str(path), None, None, f"cannot load as {fmt}: {exc}")) from None
        return cls(store)

    def resolve(self, term: str) -> str:
        """A CURIE, or a label/synonym (case-insensitive, unambiguous), to the node's CURIE."""
        import pyoxigraph as ox

        q = ("SELECT DISTINCT ?id WHERE { ?n <http://purl.org/dc/terms/identifier> ?id ; a ?c . "
             "FILTER(STRSTARTS(STR(?c), \"" + EVGRAPH + "\")) "
             "FILTER(?id = ?term || EXISTS { ?n <http://www.w3.org/2000/01/rdf-schema#label>|"
             "<http://www.w3.org/2004/02/skos/core#altLabel> ?l . FILTER(LCASE(STR(?l)) = LCASE(?term)) }) "
             "} ORDER BY ?id")
        q = substitute(q, {"term": str(ox.Literal(term))})
        rows = [s["id"].value for s in self.store.query(q, use_default_graph_as_union=True)]
        if term in rows:
            return term
        if len(rows) == 1:
            return rows[0]
        if rows:
            raise QueryError(f"'{term}' is ambiguous: {', '.join(rows[:10])}")
        raise QueryError(f"no node with id or label '{term}'")

    def run(self, query: Query, values: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a parsed query with bound parameter values; a DataFrame of rows."""
        import pyoxigraph as ox

        values = dict(values or {})
        types = {p.name: p.type for p in query.params}
        limit = values.pop("limit", None) if "limit" in types else None
        subst = {}
        for name, value in values.items():
            if value is None:
                continue
            kind = types.get(name, "string")
            if kind == "node":  # "" (no node) stays an empty literal: FILTER(isLiteral(?p) || ...)
                term = ox.NamedNode(expand(str(value))) if value != "" else ox.Literal("")
            elif kind == "int":
                term = ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
            elif kind == "float":
                term = ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "double"))
            elif kind == "bool":
                term = ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
            else:
                term = ox.Literal(str(value))
            subst[name] = str(term)
        text, bound = bind_values(query.text, subst)
        rest = {k: v for k, v in subst.items() if k not in bound}
        if rest:  # a query file without VALUES blocks (written for evgraph 0.1): pre-bind by substitution
            text = substitute(text, rest)
        if limit is not None:
            text = _LIMIT.sub(f"LIMIT {int(limit)}", text.rstrip())
        try:
            result = self.store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"query {query.name}: SPARQL syntax error: {exc}") from None
        except OSError as exc:
            raise QueryError(f"query {query.name}: {exc}") from None
        df = solutions_frame(query, result)
        if limit is not None:
            df = df.head(int(limit))
        return df


def solutions_frame(query: Query, result) -> pd.DataFrame:
    """A pyoxigraph query result as evgraph returns it: IRIs as CURIEs, typed literals as Python
    values, columns renamed to the header's ``columns``, ``# lists:`` columns as sorted lists."""
    import pyoxigraph as ox

    if isinstance(result, ox.QueryBoolean):
        return pd.DataFrame({"result": [bool(result)]})
    if not isinstance(result, ox.QuerySolutions):
        rows = [{"subject": str(t.subject), "predicate": str(t.predicate), "object": str(t.object)}
                for t in result]
        return pd.DataFrame(rows, columns=["subject", "predicate", "object"])
    variables = [v.value for v in result.variables]
    rows = [[_python(sol[v]) for v in variables] for sol in result]
    columns = list(query.columns) if query.columns and len(query.columns) == len(variables) else variables
    if query.columns and len(query.columns) != len(variables):
        raise QueryError(f"query {query.name}: the header lists {len(query.columns)} columns but the SPARQL "
                         f"projects {len(variables)}")
    df = pd.DataFrame(rows, columns=columns)
    lists = [c.strip() for c in query.notes.get("lists", "").split(",") if c.strip()]
    for col in lists:
        if col not in df.columns:
            raise QueryError(f"query {query.name}: '# lists:' names unknown column '{col}'")
        df[col] = [sorted(v for v in x.split("|") if v) if isinstance(x, str) else [] for x in df[col]]
    return df


def _python(term) -> Any:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return compress(term.value) or term.value
    if isinstance(term, ox.Literal):
        dt = term.datatype.value if term.datatype is not None else ""
        local = dt.rsplit("#", 1)[-1] if dt.startswith(XSD) else ""
        try:
            if local in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger"):
                return int(term.value)
            if local in ("double", "float", "decimal"):
                return float(term.value)
            if local == "boolean":
                return term.value in ("true", "1")
        except ValueError:
            return term.value
        return term.value
    return str(term)


def sparql_engine(kg: KnowledgeGraph) -> SparqlEngine:
    """The in-memory SPARQL engine of ``kg``, cached on the graph."""
    return kg.cached(("evgraph.sparql", "engine"), lambda: SparqlEngine.from_graph(kg))


def run_sparql(source: KnowledgeGraph | SparqlEngine, query: str | Query,
               params: dict[str, Any] | None = None, *, offset: int = 0, limit: int | None = None) -> pd.DataFrame:
    """Run a library ``.rq`` query (by name), a ``.rq`` file or SPARQL text on a graph's export.

    ``node`` parameters accept a CURIE or an unambiguous label, as in the Cypher library.
    ``offset``/``limit`` return one page of an ordered result, as in Cypher
    (:meth:`evgraph.query.library.Query.page`).
    """
    engine = source if isinstance(source, SparqlEngine) else sparql_engine(source)
    if isinstance(query, Query):
        q = query
    elif query in sparql_library() or ("\n" not in query and Path(query).is_file()):
        q = get_sparql(query)
    elif re.match(r"^\s*#\s*name\s*:", query):
        q = parse_rq(query)
    elif re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query, flags=re.IGNORECASE):
        q = Query("<sparql>", "", (), (), query)
    else:
        q = get_sparql(query)  # raises NotFoundError naming the known queries
    values = q.bind(params) if (q.params or q.columns) else dict(params or {})
    for p in q.params:
        if p.type == "node" and values.get(p.name):  # "" = no node (an optional filter), as in Cypher
            try:
                values[p.name] = engine.resolve(str(values[p.name]))
            except QueryError as exc:
                raise QueryError(f"query {q.name}: parameter '{p.name}': {exc}") from None
    return engine.run(q.page(offset, limit, language="sparql"), values)
