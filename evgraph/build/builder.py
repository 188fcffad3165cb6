"""Assemble a validated :class:`~evgraph.model.KnowledgeGraph` from node and edge records.

Sources (the curated knowledge base, KGX, RDF, public databases) hand the builder pandas
frames of node and edge records, each with a ``_line`` column and the file they came from.
:meth:`GraphBuilder.build` merges them, checks every record against the ontology (classes,
CURIE prefixes and patterns, domains and ranges, enumerations, provenance) in vectorised
passes, and returns a graph with deterministic ordering. Every problem names its file, line
and field.

>>> import pandas as pd
>>> b = GraphBuilder()
>>> b.add_nodes(pd.DataFrame({"id": ["CL:0000235", "UBERON:0001013"],
...                           "category": ["CellType", "Organ"],
...                           "label": ["macrophage", "adipose tissue"]}), file="demo")
>>> b.add_edges(pd.DataFrame({"subject": ["CL:0000235"], "predicate": ["part_of"],
...                           "object": ["UBERON:0001013"], "publications": ["PMID:28942920"],
...                           "species": ["NCBITaxon:10090"], "confidence": [0.8]}), file="demo")
>>> kg = b.build()
>>> kg.num_nodes, kg.num_edges
(2, 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import Problem, ValidationError
from ..evidence import EVIDENCE_COLUMNS
from ..evidence import check_values as check_evidence
from ..identifiers import check_curies, publication_prefixes
from ..model import EDGE_CATEGORICAL, EDGE_COLUMNS, LIST_SEP, NODE_COLUMNS, KnowledgeGraph
from ..schema import Schema, get_schema
from .columns import (
    clean_categorical,
    clean_text,
    concat_frames,
    edge_signatures,
    filled_columns,
    hex_ids,
    node_codes,
    renumbered,
    set_where_empty,
    sorted_categorical,
)
from .qc import BuildReport
from .records import SourceRecords

CURATED_SOURCE = "infores:evgraph"
MAX_PROBLEMS = 1000

_EDGE_DEFAULTS = {
    "knowledge_level": "not_provided",
    "agent_type": "manual_agent",
    "primary_knowledge_source": CURATED_SOURCE,
}


@dataclass(frozen=True)
class EdgeMerge:
    """An edge record dropped because an earlier record is the same fact (every field equal)."""

    file: str
    line: int
    kept_file: str
    kept_line: int
    id: str


#: Characters an edge id may not contain: controls (tab, newline, NUL...) break every tabular format.
#: Spaces and IRI-reserved characters are allowed: the RDF writer percent-encodes them.
_BAD_ID = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MAX_ID_LENGTH = 512


def prepare_frame(df: pd.DataFrame, columns: Iterable[str], file: str, categorical: bool = False) -> pd.DataFrame:
    """``df`` with every column of ``columns`` (missing ones empty, text stripped), ``_line`` and ``_file``.

    ``categorical=True`` gives the text columns (and ``_file``) as categoricals: one string per
    distinct value, so comparisons, hashing and joins over millions of edges work on codes.
    """
    df = renumbered(df)
    data = {c: df[c] for c in df.columns}
    if "_line" not in data:
        data["_line"] = np.arange(1, len(df) + 1)
    n = len(df)
    data["_file"] = (pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[file]) if categorical
                     else np.full(n, file, dtype=object))
    for col in columns:
        if col not in data:
            data[col] = pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=[""]) if categorical else ""
        elif col != "confidence":
            data[col] = clean_categorical(data[col]) if categorical else clean_text(data[col])
    return pd.DataFrame(data, index=pd.RangeIndex(n))


class GraphBuilder:
    """Collects node and edge frames from sources and builds a validated graph."""

    def __init__(self, schema: Schema | None = None, categorical: bool = True):
        self.schema = schema or get_schema()
        #: edge text columns held as categoricals while validating (``False``: plain objects, slower; same graph)
        self.categorical = categorical
        self._nodes: list[pd.DataFrame] = []
        self._edges: list[pd.DataFrame] = []
        #: Edge records merged into an identical earlier one by the last :meth:`build`.
        self.merges: list[EdgeMerge] = []

    def add_nodes(self, df: pd.DataFrame, file: str) -> None:
        """Add node records (columns from :data:`~evgraph.model.NODE_COLUMNS`, ``_line``)."""
        self._nodes.append(prepare_frame(df, NODE_COLUMNS, file))

    def add_edges(self, df: pd.DataFrame, file: str) -> None:
        """Add edge records (columns from :data:`~evgraph.model.EDGE_COLUMNS`, ``_line``)."""
        self._edges.append(prepare_frame(df, EDGE_COLUMNS, file, categorical=self.categorical))

    def add(self, records: SourceRecords) -> None:
        """Add every node and edge frame of one source's :class:`~evgraph.build.records.SourceRecords`."""
        records.finish()
        for f in records.nodes:
            self.add_nodes(f.frame, file=f.file)
        for f in records.edges:
            self.add_edges(f.frame, file=f.file)

    # ------------------------------------------------------------------ build
    def build(self, metadata: dict | None = None, release: bool = False) -> KnowledgeGraph:
        """Merge, validate and return the graph; raise :class:`ValidationError` on problems.

        ``release=True`` lets go of the added frames once merged (less peak memory; the builder
        cannot build again).
        """
        problems: list[Problem] = []
        nodes = (pd.concat(self._nodes, ignore_index=True) if self._nodes
                 else prepare_frame(pd.DataFrame(columns=list(NODE_COLUMNS)), NODE_COLUMNS, "<none>"))
        edges = (concat_frames(self._edges) if self._edges
                 else prepare_frame(pd.DataFrame(columns=list(EDGE_COLUMNS)), EDGE_COLUMNS, "<none>",
                                    categorical=True))
        if release:
            self._nodes, self._edges = [], []
        self._check_nodes(nodes, problems)
        nodes = self._merge_nodes(nodes, problems)
        if not problems:
            self._check_edges(edges, nodes, problems)
        if not problems:
            edges = self._identify(edges, problems)
        if problems:
            raise ValidationError(problems[:MAX_PROBLEMS])
        return self._assemble(nodes, edges, metadata or {})

    # ------------------------------------------------------------------ nodes
    def _check_nodes(self, nodes: pd.DataFrame, problems: list[Problem]) -> None:
        schema = self.schema

        def report(mask: pd.Series | np.ndarray, field: str, message) -> None:
            for _, row in nodes[mask].head(MAX_PROBLEMS).iterrows():
                msg = message(row) if callable(message) else message
                problems.append(Problem(row["_file"], int(row["_line"]), field, msg))

        report(nodes["id"] == "", "id", "missing node id")
        report((nodes["id"] != "") & ~nodes["category"].isin(list(schema.classes)), "category",
               lambda r: f"unknown class '{r['category']}' (expected one of {', '.join(schema.classes)})")
        self._check_curies(nodes, "id", nodes["category"], problems)
        cats = set(schema.condition_categories)
        bad = (nodes["condition_category"] != "") & ~nodes["condition_category"].isin(cats)
        report(bad, "condition_category",
               lambda r: f"unknown condition category '{r['condition_category']}' "
                         f"(expected one of {', '.join(schema.condition_categories)})")
        wrong = (nodes["condition_category"] != "") & (nodes["category"] != "Condition")
        report(wrong, "condition_category", "only Condition nodes have a condition category")
        xrefs = nodes.loc[nodes["xrefs"] != "", "xrefs"].str.split(LIST_SEP).explode()
        badx = xrefs[~xrefs.str.match(r"^[A-Za-z][\w.]*:\S+$")]
        for idx, value in badx.head(MAX_PROBLEMS).items():
            row = nodes.loc[idx]
            problems.append(Problem(row["_file"], int(row["_line"]), "xrefs", f"'{value}' is not a CURIE"))

    def _check_curies(self, frame: pd.DataFrame, field: str, classes: pd.Series | None,
                      problems: list[Problem], allowed_prefixes: tuple[str, ...] | None = None) -> None:
        """CURIE check of ``frame[field]`` (:func:`evgraph.identifiers.check_curies`), problems at file:line."""
        if frame.empty:
            return
        files, lines = frame["_file"].to_numpy(), frame["_line"].to_numpy()
        for pos, reason in check_curies(frame[field], classes, allowed_prefixes, self.schema, MAX_PROBLEMS):
            problems.append(Problem(files[pos], int(lines[pos]), field, reason))

    def _merge_nodes(self, nodes: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
        dup = nodes["id"].duplicated(keep=False)
        if not dup.any():
            return nodes
        single, multi = nodes[~dup], nodes[dup]
        merged = []
        for cid, group in multi.groupby("id", sort=False):
            first = group.iloc[0]
            for _, other in group.iloc[1:].iterrows():
                if other["category"] != first["category"]:
                    problems.append(Problem(
                        other["_file"], int(other["_line"]), "category",
                        f"node '{cid}' is a {other['category']} here but a {first['category']} "
                        f"at {first['_file']}:{first['_line']}"))
            row = first.copy()
            for col in ("label", "condition_category", "description"):
                vals = [v for v in group[col] if v]
                row[col] = vals[0] if vals else ""
            for col in ("xrefs", "synonyms", "provided_by"):
                items = sorted({x for v in group[col] for x in v.split(LIST_SEP) if x})
                row[col] = LIST_SEP.join(items)
            merged.append(row)
        return pd.concat([single, pd.DataFrame(merged)], ignore_index=True)

    # ------------------------------------------------------------------ edges
    def _check_edges(self, edges: pd.DataFrame, nodes: pd.DataFrame, problems: list[Problem]) -> None:
        schema = self.schema
        for col, default in _EDGE_DEFAULTS.items():
            set_where_empty(edges, col, default)

        def report(mask, field: str, message) -> None:
            for idx in edges.index[np.asarray(mask)][:MAX_PROBLEMS]:
                row = edges.loc[idx]
                msg = message(row) if callable(message) else message
                problems.append(Problem(row["_file"], int(row["_line"]), field, msg))

        for col in ("subject", "predicate", "object"):
            report(edges[col] == "", col, f"missing {col}")
        known_pred = edges["predicate"].isin(list(schema.relations))
        report((edges["predicate"] != "") & ~known_pred, "predicate",
               lambda r: f"unknown relationship '{r['predicate']}'")
        cls_of = pd.Series(nodes["category"].to_numpy(), index=nodes["id"].to_numpy())
        s_cls = edges["subject"].map(cls_of)
        o_cls = edges["object"].map(cls_of)
        report((edges["subject"] != "") & s_cls.isna(), "subject",
               lambda r: f"subject '{r['subject']}' is not a node of the graph")
        report((edges["object"] != "") & o_cls.isna(), "object",
               lambda r: f"object '{r['object']}' is not a node of the graph")
        checkable = known_pred & s_cls.notna() & o_cls.notna()
        triples = pd.DataFrame({"s": s_cls[checkable], "p": edges["predicate"][checkable],
                                "o": o_cls[checkable]})
        for s, p, o in triples.drop_duplicates().itertuples(index=False):
            if schema.allows(s, p, o):
                continue
            rel = schema.relations[p]
            field = "subject" if s not in rel.domain else "object"
            sel = checkable & (s_cls == s) & (edges["predicate"] == p) & (o_cls == o)
            report(sel, field,
                   lambda r, s=s, o=o, rel=rel: f"'{rel.name}' cannot link a {s} to a {o} "
                   f"(domain: {', '.join(sorted(rel.domain))}; range: {', '.join(sorted(rel.range))})")

        def enum(col: str, values: Iterable[str]) -> None:
            vals = set(values)
            report((edges[col] != "") & ~edges[col].isin(vals), col,
                   lambda r: f"'{r[col]}' is not one of {', '.join(sorted(vals))}")

        enum("knowledge_level", schema.knowledge_levels)
        enum("direction", schema.directions)
        enum("agent_type", ("manual_agent", "automated_agent", "data_analysis_pipeline",
                            "computational_model", "text_mining_agent", "image_processing_agent",
                            "manual_validation_of_automated_agent", "not_provided"))
        self._check_curies(edges, "primary_knowledge_source", None, problems, allowed_prefixes=("infores",))
        self._check_curies(edges, "uptake_mechanism", None, problems, allowed_prefixes=("GO",))

        confidence = edges["confidence"]
        conf = (confidence if confidence.dtype.kind == "f"
                else pd.to_numeric(confidence.mask(confidence.astype(str).eq("")), errors="coerce"))
        if conf.isna().any():
            raw = edges["confidence"].astype(str)
            report(conf.isna() & (raw != "") & (raw != "nan"), "confidence",
                   lambda r: f"'{r['confidence']}' is not a number")
            report(conf.isna() & ((raw == "") | (raw == "nan")), "confidence",
                   "missing confidence (a number in [0, 1])")
        report(conf.notna() & ((conf < 0) | (conf > 1)), "confidence",
               lambda r: f"{r['confidence']} is outside [0, 1]")
        edges["confidence"] = conf

        for col, prefixes in (("species", ("NCBITaxon",)), ("publications", publication_prefixes(schema))):
            # check each distinct cell once (first occurrence keeps its file and line)
            exploded = edges.loc[edges[col] != "", [col, "_file", "_line"]].drop_duplicates(subset=[col])
            exploded = exploded.assign(**{col: exploded[col].str.split(LIST_SEP)}).explode(col)
            exploded = exploded[exploded[col] != ""].reset_index(drop=True)
            self._check_curies(exploded, col, None, problems, allowed_prefixes=prefixes)

        # evidence-quality columns (evgraph.evidence), only those with a filled cell (an empty column has no problem)
        problems.extend(check_evidence(edges[[*filled_columns(edges, EVIDENCE_COLUMNS), "_file", "_line"]], schema))

        curated = edges["primary_knowledge_source"] == CURATED_SOURCE
        report(curated & (edges["publications"] == ""), "publications",
               "a curated edge (primary_knowledge_source infores:evgraph) needs at least one reference "
               "(PMID or DOI)")

    # ------------------------------------------------------------------ identity
    def _identify(self, edges: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
        """Give every edge an id, merge exact duplicates, report conflicting ids.

        A generated id hashes every field of the record (subject, predicate, object, species,
        evidence, confidence, direction, publications, statement, source, evidence-quality
        fields): two records that differ in anything are two edges. Records whose fields are
        all equal are one fact stated twice: the first is kept and the others are recorded in
        :attr:`merges` (the QC report counts them). An explicit id (KGX, RDF) given to two
        records that differ is an error naming both places.
        """
        self.merges = []
        signature = edge_signatures(edges)
        given = edges["id"] != ""
        bad = given & (edges["id"].str.contains(_BAD_ID) | (edges["id"].str.len() > MAX_ID_LENGTH))
        for idx in edges.index[bad.to_numpy()][:MAX_PROBLEMS]:
            problems.append(Problem(edges.at[idx, "_file"], int(edges.at[idx, "_line"]), "id",
                                    f"edge id {edges.at[idx, 'id'][:80]!r} contains a control character "
                                    f"(tab, newline, NUL, ...) or is over {MAX_ID_LENGTH} characters"))
        if bad.any():
            return edges
        edges = edges.copy(deep=False)  # only the id column changes (a deep copy stacks every column: seconds)
        id_values = np.array(edges["id"], dtype=object)  # a copy: the input's id column stays as it was
        if not given.all():
            missing = (~given).to_numpy()
            id_values[missing] = hex_ids(signature[missing])
        edges["id"] = id_values
        ids = edges["id"]
        # generated ids are the signatures' hex: equal ids <=> equal signatures (hashing 64-bit ints is fast)
        dup = (pd.Series(signature) if not given.any() else ids).duplicated(keep=False).to_numpy()
        if not dup.any():
            return edges
        sub = pd.DataFrame({"id": ids[dup].to_numpy(), "sig": signature[dup], "pos": np.flatnonzero(dup)})
        first = sub.groupby("id", sort=False)["pos"].transform("min").to_numpy()
        first_sig = signature[first]
        files, lines = edges["_file"].to_numpy(dtype=object), edges["_line"].to_numpy()
        drop = np.zeros(len(edges), dtype=bool)
        for pos, kept, sig, ksig in zip(sub["pos"].to_numpy(), first, sub["sig"].to_numpy(), first_sig, strict=True):
            if pos == kept:
                continue
            where = f"{files[kept]}:{int(lines[kept])}"
            if sig != ksig:
                if len(problems) < MAX_PROBLEMS:
                    explicit = bool(given.iat[pos])
                    problems.append(Problem(files[pos], int(lines[pos]), "id",
                                            f"edge id {ids.iat[pos]!r} is already used at {where} by a different "
                                            + ("edge" if explicit else "edge (generated id collision)")))
                continue
            drop[pos] = True
            self.merges.append(EdgeMerge(str(files[pos]), int(lines[pos]), str(files[kept]), int(lines[kept]),
                                         str(ids.iat[pos])))
        return edges[~drop]

    # ------------------------------------------------------------------ assemble
    def _assemble(self, nodes: pd.DataFrame, edges: pd.DataFrame, metadata: dict) -> KnowledgeGraph:
        nodes = renumbered(nodes.sort_values("id", kind="stable"))
        node_frame = nodes[list(NODE_COLUMNS)].copy()
        node_frame["category"] = pd.Categorical(node_frame["category"], categories=list(self.schema.classes))
        for c in node_frame.columns:  # text stays object, as the store reads it (pandas 3 would infer ``str``)
            if pd.api.types.is_string_dtype(node_frame[c].dtype) and node_frame[c].dtype != object:
                node_frame[c] = node_frame[c].astype(object)
        ids = node_frame["id"].to_numpy(dtype=object)

        index = pd.Index(ids)
        subj, obj = node_codes(edges["subject"], index), node_codes(edges["object"], index)
        data: dict[str, object] = {}
        for c in EDGE_COLUMNS:
            col = edges[c]
            if c in ("subject", "object"):
                data[c] = pd.Categorical.from_codes(subj if c == "subject" else obj, categories=index, validate=False)
            elif c == "predicate":
                # an unused '' category is not a relation: pandas warns when it is recoded to NaN
                if isinstance(col.dtype, pd.CategoricalDtype):
                    col = col.cat.remove_unused_categories()
                data[c] = pd.Categorical(col, categories=list(self.schema.relations))
            elif c == "confidence":
                data[c] = col.to_numpy(dtype=np.float64)
            elif c in EDGE_CATEGORICAL:
                data[c] = sorted_categorical(col)
            else:  # plain object columns reorder several times faster than Arrow-backed strings
                data[c] = pd.Series(np.asarray(col, dtype=object), dtype=object, copy=False)
        edge_frame = pd.DataFrame(data, index=pd.RangeIndex(len(edges)))
        # deterministic order: by subject, relationship, object; ties keep the (deterministic) input order
        order = np.lexsort((obj, edge_frame["predicate"].cat.codes.to_numpy(), subj))
        edge_frame = renumbered(edge_frame.take(order))
        meta = {"ontology_version": self.schema.version, **metadata}
        return KnowledgeGraph(node_frame, edge_frame, self.schema, meta)


def assemble(records: list[SourceRecords], metadata: dict | None = None, schema: Schema | None = None,
             report: BuildReport | None = None) -> KnowledgeGraph:
    """Validate ``records`` (in order) against the ontology and return the graph.

    Edge records identical to an earlier one are merged; ``report`` (when given) counts them
    per source (:meth:`~evgraph.build.qc.BuildReport.count_merges`). ``records`` are consumed:
    their frames are released as the builder takes them.
    """
    builder = GraphBuilder(schema)
    for rec in records:
        builder.add(rec)
        rec.nodes, rec.edges = [], []  # consumed: the builder holds their prepared copies
    kg = builder.build(metadata=metadata, release=True)
    if report is not None:
        report.count_merges(builder.merges)
    return kg


def check_nodes(frame: pd.DataFrame, schema: Schema | None = None) -> list[Problem]:
    """The builder's node checks on one prepared frame (:func:`prepare_frame`); the problems found."""
    problems: list[Problem] = []
    GraphBuilder(schema)._check_nodes(frame, problems)
    return problems


def check_edges(frame: pd.DataFrame, nodes: pd.DataFrame, schema: Schema | None = None) -> list[Problem]:
    """The builder's edge checks on one prepared frame against prepared ``nodes``; the problems found."""
    problems: list[Problem] = []
    GraphBuilder(schema)._check_edges(frame, nodes, problems)
    return problems
