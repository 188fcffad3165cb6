"""KGX TSV (``nodes.tsv`` + ``edges.tsv``), the Biolink interchange format.

Size: about 610 lines; the foreign-KGX mapping rules (categories, predicates, provenance
defaults, skip-and-count) read together. A split into writer and reader modules is the next step.

Nodes carry their Biolink ``category`` and evgraph's own class (``evgraph_class``); edges carry
the Biolink ``predicate`` and evgraph's relationship (``evgraph_predicate``) plus provenance in
Biolink slots (``publications``, ``knowledge_level``, ``agent_type``,
``primary_knowledge_source``, ``species_context_qualifier``, ``object_direction_qualifier``,
``supporting_text``, ``has_confidence_score``) and the evidence-quality fields of
:mod:`evgraph.evidence` under their own names (``separation_method``, ``model_system``,
``evidence_tier``, ``log2_fold_change``, ...; ``q_value`` as Biolink's ``adjusted_p_value``).
Lists are ``|``-separated.

Writing follows the Biolink Model (``prefix_map.json`` beside the two files is the JSON-LD prefix
map of every CURIE prefix used, with evgraph's local ones registered): prefixes are spelled as in
Biolink's prefix map (``doi``, not ``DOI``; the ontology's ``evgraph:biolinkPrefix``), the single-valued
``species_context_qualifier`` holds one taxon (an edge seen in several species is written as one
row per species, all with the same ``id``; reading merges them back), a ``|`` inside single-valued
text (``name``, ``description``, ``supporting_text``), which KGX would split into a list, is
written as ``¦`` (U+00A6) and read back as ``|``, and
``original_predicate`` names the evgraph relationship (``evgraph:homes_to``), so a file stripped of
the ``evgraph_*`` columns still reads back to the same graph. DOI local parts are percent-encoded
(``doi:10.1172%2Fjci.insight.141962``; KGX's CURIE pattern forbids ``/``) and decoded on reading
(:func:`encode_local`, :func:`decode_local`).

Reading accepts KGX written by other tools (Biolink categories and predicates only). The rules,
all driven by the ontology (``evgraph:importCategory``, ``evgraph:importPriority``,
``evgraph:prefixSynonym``, ``evgraph:defaultConfidence``):

* **ids** must be CURIEs (``PREFIX:local``); a bare id (``d1``) stops the import with one line.
  Biolink spellings and bioregistry synonyms are rewritten (``doi:`` -> ``DOI:``,
  ``FlyBase:`` -> ``FB:``).
* **node class**: ``evgraph_class`` when present; else the evgraph classes whose Biolink
  categories include the row's ``category`` (several ``|``-separated categories are pooled; the
  generic ones such as ``biolink:NamedThing`` allow every class) and whose id prefixes include
  the id's prefix. Ties are broken, in order, by: a term evgraph already knows (the curated
  entities, the vesicle-type and sample tables); for ChEBI, a lipid ancestor (``CHEBI:18059``)
  reached through the file's ``biolink:subclass_of`` edges makes a Lipid; with only generic
  categories, candidates of different Biolink categories are ambiguous; otherwise the lowest
  ``evgraph:importPriority`` (CHEBI SmallMolecule -> Metabolite, GO CellularComponent ->
  Organelle unless an EV term, UBERON AnatomicalEntity -> Organ unless a listed biofluid,
  GO BiologicalProcess -> Pathway unless a known uptake mechanism).
* **edge relationship**: ``evgraph_predicate``; else an ``original_predicate`` naming an evgraph
  relationship; else the only relationship with that Biolink predicate that the classes of both
  ends allow (``predicate`` may be called ``edge_label`` in old KGX).
* **rows outside evgraph's schema** (phenotypes, drugs, organisms, predicates with no evgraph
  relationship, edges whose end was skipped, values the builder would reject) are skipped and
  counted per reason in the build report with ``file:line`` examples. With the reader option
  ``strict`` (``kgx=DIR#strict=true``, or ``evgraph build --strict``) the first one stops the
  import instead. A file from which no node can be imported is an error.
* **ragged rows** (trailing empty fields left off) are padded; a row with *more* fields than the
  header is an error.
* ``has_confidence_score`` is optional: an edge without it gets the ``evgraph:defaultConfidence``
  of its knowledge level (``knowledge_assertion`` 0.7, ``logical_entailment`` 0.6,
  ``statistical_association``/``observation``/``not_provided`` 0.5, ``prediction`` 0.3) and is
  counted in the report. A ``primary_knowledge_source`` that is not an ``infores:`` CURIE is
  coerced to one (``Monarch Initiative`` -> ``infores:monarch-initiative``), as KGX does.
* **columns evgraph does not model** (``in_taxon``, ``aggregator_knowledge_source``, edge
  ``category``, ...) are listed in the report with their count of non-empty cells.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_path
from ..build.builder import check_edges, check_nodes
from ..build.qc import SourceReport
from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ..evidence import FIELDS as EVIDENCE_FIELDS
from ..model import LIST_SEP, KnowledgeGraph
from ..schema import Schema, get_schema

#: evgraph node column -> KGX column
NODE_MAP = {
    "id": "id",
    "category": "evgraph_class",
    "label": "name",
    "condition_category": "condition_category",
    "xrefs": "xref",
    "synonyms": "synonym",
    "description": "description",
    "provided_by": "provided_by",
}
#: evgraph edge column -> KGX column
EDGE_MAP = {
    "id": "id",
    "subject": "subject",
    "object": "object",
    "predicate": "evgraph_predicate",
    "direction": "object_direction_qualifier",
    "uptake_mechanism": "uptake_mechanism",
    "species": "species_context_qualifier",
    "publications": "publications",
    "knowledge_level": "knowledge_level",
    "agent_type": "agent_type",
    "primary_knowledge_source": "primary_knowledge_source",
    "evidence": "supporting_text",
    "confidence": "has_confidence_score",
    "statement": "evgraph_statement",
    # the evidence-quality layer (evgraph.evidence): KGX columns named as the fields, or as the
    # Biolink slot a field maps to exactly (q_value -> adjusted_p_value)
    **{f.name: f.mapping.split(":", 1)[1] if (f.mapping or "").startswith("biolink:") else f.name
       for f in EVIDENCE_FIELDS},
}
NODE_HEADER = ["id", "category", "name", "evgraph_class", "condition_category", "xref", "synonym",
               "description", "provided_by"]
EDGE_HEADER = ["id", "subject", "predicate", "object", "evgraph_predicate", "object_direction_qualifier",
               "uptake_mechanism", "species_context_qualifier", "publications", "knowledge_level",
               "agent_type", "primary_knowledge_source", "supporting_text", "has_confidence_score",
               "evgraph_statement", "original_predicate", *(EDGE_MAP[f.name] for f in EVIDENCE_FIELDS)]
#: KGX columns the reader consumes besides those of NODE_MAP / EDGE_MAP
CONSUMED = {"category", "predicate", "edge_label", "original_predicate", "_line"}
LIPID = "CHEBI:18059"
TRUE = {"1", "true", "yes", "on"}
#: single-valued free-text KGX columns, where "|" (KGX's list separator) is written as BAR
SINGLE_TEXT_NODES = ("name", "description")
SINGLE_TEXT_EDGES = ("supporting_text",)
BAR = "\u00a6"
#: file name of the JSON-LD prefix map written beside nodes.tsv / edges.tsv
PREFIX_MAP = "prefix_map.json"

#: Text escaping of the TSV files, both ways (the only special characters of the format):
#: backslash, tab, newline and carriage return are written as ``\\``, ``\t``, ``\n`` and ``\r``;
#: quotes are plain characters (no CSV quoting). Any other backslash is read as itself.
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {v[1]: k for k, v in ESCAPES.items()}
_ESCAPE = re.compile(r"[\\\t\n\r]")
_UNESCAPE = re.compile(r"\\([\\tnr])")


def escape(value: str) -> str:
    r"""One value as written in a KGX TSV cell.

    >>> escape('say "hi"\tthen\\leave\n')
    'say "hi"\\tthen\\\\leave\\n'
    >>> unescape(escape('a\\tb\tc')) == 'a\\tb\tc'
    True
    """
    return _ESCAPE.sub(lambda m: ESCAPES[m.group(0)], value)


def unescape(value: str) -> str:
    """The inverse of :func:`escape`."""
    return _UNESCAPE.sub(lambda m: _UNESCAPES[m.group(1)], value)


def _text(series: pd.Series) -> pd.Series:
    s = series.astype(object).where(series.notna(), "").astype(str)
    if not s.str.contains(_ESCAPE).any():
        return s
    return s.map(escape)


#: rows joined into lines at a time by the TSV writer (the lines of a 5M-edge graph at once: ~2 GB)
TSV_CHUNK_ROWS = 100_000


def _write_tsv(frame: pd.DataFrame, header: list[str], path: Path) -> None:
    """Cells joined with tabs, one row per line (cells are already escaped: no quoting needed)."""
    cols = [frame[c].astype(str) for c in header]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(header) + "\n")
        for start in range(0, len(frame), TSV_CHUNK_ROWS):  # lines made per chunk, never all at once
            part = [c.iloc[start:start + TSV_CHUNK_ROWS] for c in cols]
            chunk = part[0].str.cat(part[1:], sep="\t") if len(part) > 1 else part[0]
            if len(chunk):
                fh.write("\n".join(chunk) + "\n")


def _biolink_curie(schema: Schema) -> dict[str, str]:
    return {p.prefix: p.biolink for p in schema.prefixes.values() if p.biolink != p.prefix}


def _respell(series: pd.Series, spelling: dict[str, str], lists: bool = False) -> pd.Series:
    """Rewrite CURIE prefixes of ``series`` (``|`` lists when ``lists``) with ``spelling``."""
    if not spelling:
        return series
    pattern = re.compile(r"(^|\|)(" + "|".join(map(re.escape, spelling)) + r"):" if lists
                         else r"^(" + "|".join(map(re.escape, spelling)) + r"):")

    def sub(m: re.Match[str]) -> str:
        return (m.group(1) + spelling[m.group(2)] + ":") if lists else spelling[m.group(1)] + ":"

    uniq = pd.Series(pd.unique(series))
    table = dict(zip(uniq, uniq.str.replace(pattern, sub, regex=True), strict=True))
    return series.map(table)


#: Prefixes (evgraph spelling) whose local parts are percent-encoded in the KGX files: KGX's CURIE
#: pattern (``^[^ <()>:]*:[^/ :]+$``, ``kgx.prefix_manager.PrefixManager.is_curie``) rejects a ``/``
#: in the local part, which every DOI has. ``%``, ``/``, ``:`` and space are written as ``%25``,
#: ``%2F``, ``%3A`` and ``%20`` (as in a doi.org IRI) and decoded back by the reader.
ENCODED_PREFIXES = ("DOI",)
_LOCAL_ENCODE = {"%": "%25", "/": "%2F", ":": "%3A", " ": "%20"}
_LOCAL_DECODE = re.compile(r"%(25|2F|3A|20)", re.IGNORECASE)


def encode_local(local: str) -> str:
    """A DOI local part as written in KGX (``/`` cannot appear in a KGX CURIE).

    >>> encode_local("10.1172/jci.insight.141962")
    '10.1172%2Fjci.insight.141962'
    >>> decode_local(encode_local("10.1000/50%:a b")) == "10.1000/50%:a b"
    True
    """
    return "".join(_LOCAL_ENCODE.get(ch, ch) for ch in local)


def decode_local(local: str) -> str:
    """The inverse of :func:`encode_local` (``%2F`` and ``%2f`` both read as ``/``)."""
    return _LOCAL_DECODE.sub(lambda m: chr(int(m.group(1), 16)), local)


def _recode(series: pd.Series, prefixes: Iterable[str], code, lists: bool = False) -> pd.Series:
    """Apply ``code`` to the local parts of the CURIEs of ``series`` with one of ``prefixes``."""
    prefixes = sorted(set(prefixes))
    if not prefixes or series.empty:
        return series
    alt = "|".join(map(re.escape, prefixes))
    pattern = re.compile(rf"(^|\|)({alt}):([^|]*)" if lists else rf"(^)({alt}):(.*)$")
    uniq = pd.Series(pd.unique(series))
    hit = uniq.str.contains(rf"(?:^|\|)(?:{alt}):" if lists else rf"^(?:{alt}):", regex=True)
    if not hit.any():
        return series
    new = uniq.where(~hit, uniq[hit].str.replace(
        pattern, lambda m: f"{m.group(1)}{m.group(2)}:{code(m.group(3))}", regex=True))
    return series.map(dict(zip(uniq, new, strict=True)))


def _encoded_spellings(schema: Schema, biolink: bool) -> list[str]:
    """Spellings of :data:`ENCODED_PREFIXES`: Biolink's for writing, every known one for reading."""
    out = []
    for prefix in ENCODED_PREFIXES:
        p = schema.prefixes[prefix]
        out.append(p.biolink if biolink else prefix)
        if not biolink:
            out += [a for a, target in schema.prefix_aliases.items() if target == prefix]
    return out


def write_kgx(kg: KnowledgeGraph, out_dir: str | Path) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` into ``out_dir`` (atomically); return the paths.

    Prefixes take their Biolink spelling; an edge with several species becomes one row per
    species (same ``id``).
    """
    from ..progress import bar

    with bar(total=3, desc="kgx export", unit="file") as steps:
        return _write_kgx(kg, Path(out_dir), steps)


def _write_kgx(kg: KnowledgeGraph, out: Path, steps) -> list[Path]:
    schema = kg.schema
    spell = _biolink_curie(schema)
    nodes = pd.DataFrame({kgx: _text(kg.nodes[col]) for col, kgx in NODE_MAP.items()})
    nodes["category"] = kg.nodes["category"].map(lambda c: schema.classes[c].biolink_category).astype(str)
    encoded = _encoded_spellings(schema, biolink=True)
    nodes["id"] = _recode(_respell(nodes["id"], spell), encoded, encode_local)
    nodes["xref"] = _recode(_respell(nodes["xref"], spell, lists=True), encoded, encode_local, lists=True)
    have = set(kg.edges.columns)  # a graph built before an evidence field existed has no column for it: empty
    edges = pd.DataFrame({kgx: _text(kg.edges[col]) if col in have else pd.Series("", index=kg.edges.index)
                          for col, kgx in EDGE_MAP.items() if col != "confidence"})
    edges["predicate"] = kg.edges["predicate"].map(
        lambda p: schema.relations[p].biolink_predicate).astype(str)
    edges["original_predicate"] = "evgraph:" + edges["evgraph_predicate"]
    edges["has_confidence_score"] = kg.edges["confidence"].map(repr)
    # KGX splits every TSV cell on "|": a "|" inside single-valued text is written as "¦" (U+00A6)
    for frame, cols in ((nodes, SINGLE_TEXT_NODES), (edges, SINGLE_TEXT_EDGES)):
        for col in cols:
            frame[col] = frame[col].str.replace(LIST_SEP, BAR, regex=False)
    for col in ("subject", "object"):
        edges[col] = _recode(_respell(edges[col], spell), encoded, encode_local)
    edges["publications"] = _recode(_respell(edges["publications"], spell, lists=True), encoded, encode_local,
                                    lists=True)
    species = edges["species_context_qualifier"]
    if species.str.contains(LIST_SEP, regex=False).any():
        edges = edges.assign(species_context_qualifier=species.str.split(LIST_SEP)).explode(
            "species_context_qualifier", ignore_index=True)
    paths = []
    for name, frame, header in (("nodes.tsv", nodes, NODE_HEADER), ("edges.tsv", edges, EDGE_HEADER)):
        target = out / name
        with atomic_path(target) as tmp:
            _write_tsv(frame, header, tmp)
        paths.append(target)
        steps.update()
    target = out / PREFIX_MAP
    with atomic_path(target) as tmp:
        Path(tmp).write_text(json.dumps({"@context": prefix_map(schema)}, indent=2) + "\n", encoding="utf-8")
    paths.append(target)
    steps.update()
    return paths


def prefix_map(schema: Schema | None = None) -> dict[str, str]:
    """The JSON-LD prefix map of a KGX export: every CURIE prefix (Biolink spelling) -> IRI.

    For the prefixes the Biolink Model has, the expansions are Biolink's (one documented
    exception: ``mirbase``); evgraph's local prefixes (``evgraph``, ``evmirna``, ``evlipid``) are
    registered here so that KGX tools can be pointed at them.

    >>> prefix_map()["doi"]
    'https://doi.org/'
    """
    schema = schema or get_schema()
    out = {p.biolink: p.uri_prefix for p in schema.prefixes.values()}
    out["biolink"] = "https://w3id.org/biolink/vocab/"
    return dict(sorted(out.items()))


def _header(path: Path) -> list[str]:
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise DataError(Problem(str(path), 1, None, f"not UTF-8 text: {exc.reason}")) from None
    except (OSError, EOFError) as exc:
        raise DataError(Problem(str(path), None, None, f"cannot read: {exc}")) from None
    if not first.strip():
        raise DataError(Problem(str(path), None, None, "empty file: no header row"))
    return [h.strip() for h in first.rstrip("\r\n").split("\t")]


def _check_field_counts(path: Path, header: list[str]) -> list[int]:
    """Stream the file once: stop at the first row with more fields than the header; return the
    lines of rows with fewer (ragged rows, padded with empty fields by the reader), and minus the
    last line when it has every field but no line end (foreign writers often omit it)."""
    import gzip

    want = len(header) - 1
    short: list[int] = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        first = fh.readline()
        line = first
        for lineno, line in enumerate(fh, start=2):
            if b"\x00" in line:
                raise DataError(Problem(str(path), lineno, None, "NUL byte in the line (a binary or damaged file)"))
            tabs = line.count(b"\t")
            if tabs > want:
                raise DataError(Problem(str(path), lineno, None,
                                        f"expected {len(header)} tab-separated fields, found {tabs + 1}"))
            if tabs < want and line.strip(b"\r\n"):
                short.append(lineno)
        if line and not line.endswith(b"\n") and line.strip():
            # foreign KGX writers often omit the final line end: the last row is accepted (and noted
            # by the caller) when it has every field, or when the writer leaves short rows anyway;
            # a short last row in a file whose other rows are all whole was cut mid-row
            cut = line.count(b"\t") < want and (not short or short == [lineno])
            if line is first or cut:
                raise DataError(Problem(str(path), 1 if line is first else lineno, None,
                                        "the file ends in the middle of a line (no line end, and the last row has "
                                        "fewer fields than the header): it looks truncated"))
            short.append(-lineno)  # marks "last row without line end" for the caller's note
    return short


def _read(path: Path, required: tuple[str, ...],
          aliases: dict[str, str] | None = None) -> tuple[pd.DataFrame, list[int]]:
    """Read a KGX TSV: rows with fewer fields than the header are padded (their lines are
    returned), a row with more is an error. ``aliases`` renames legacy columns
    (``edge_label`` -> ``predicate``) when the current name is absent."""
    if not path.is_file():
        raise DataError(Problem(str(path), None, None, "file not found"))
    header = _header(path)
    for old, new in (aliases or {}).items():
        if old in header and new not in header:
            header[header.index(old)] = new
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(Problem(str(path), 1, missing[0], f"missing column (header has: {', '.join(header)})"))
    try:
        short = _check_field_counts(path, header)
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, na_values=[], quoting=csv.QUOTE_NONE,
                         skip_blank_lines=False, encoding="utf-8-sig", compression="infer", header=0,
                         names=header, index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            raise DataError(Problem(str(path), int(m.group(2)), None,
                                    f"expected {m.group(1)} tab-separated fields, found {m.group(3)}")) from None
        raise DataError(Problem(str(path), None, None, f"cannot parse as TSV: {exc}")) from None
    except UnicodeDecodeError as exc:
        raise DataError(Problem(str(path), None, None, f"not UTF-8 text: {exc.reason}")) from None
    except (OSError, EOFError) as exc:  # truncated gzip and the like
        raise DataError(Problem(str(path), None, None, f"cannot read: {exc}")) from None
    df = df.fillna("")
    for col in df.columns:  # the writer's escaping, undone (see ESCAPES)
        if df[col].str.contains("\\", regex=False).any():
            df[col] = df[col].map(unescape)
    df["_line"] = np.arange(2, len(df) + 2)
    return df, short


# ====================================================================== reading
_CURIE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.-]*):(\S+)$")


@cache
def _known_terms() -> dict[str, str]:
    """Ids evgraph already knows, with their class: curated entities, vesicle-type and sample tables."""
    from ..sources.curated import curated_dir, read_entities
    from ..sources.mappings import sample_table, vesicle_type_table

    known = {cid: row["category"] for cid, (_, _, row) in read_entities(curated_dir()).items()}
    for cid, _label in vesicle_type_table().values():
        known.setdefault(cid, "VesicleType")
    for cid, _label, category in sample_table().values():
        known.setdefault(cid, category)
    return known


def _slug_infores(value: str) -> str:
    """``Monarch Initiative`` -> ``infores:monarch-initiative`` (an ``infores:`` CURIE stays)."""
    if value.startswith("infores:"):
        return value
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return f"infores:{slug}" if slug else ""


class _Import:
    """One KGX folder being read: skip bookkeeping (report or strict stop)."""

    def __init__(self, report: SourceReport, strict: bool):
        self.strict = strict
        self.report = report
        self.first: Problem | None = None

    def skip(self, problem: Problem, reason: str, count: int = 1) -> None:
        if self.strict:
            raise DataError(problem)
        if self.first is None:
            self.first = problem
        self.report.skip(reason, problem.file, problem.line, problem.message, count=count)

    def skip_rows(self, frame: pd.DataFrame, mask: Iterable[bool] | pd.Series, file: str, field: str,
                  reason: str, message) -> pd.Series:
        """Skip the rows of ``frame`` under ``mask``; ``message(row)`` explains one. Returns ~mask."""
        mask = pd.Series(np.asarray(mask, dtype=bool), index=frame.index)
        for idx in frame.index[mask]:
            self.skip(Problem(file, int(frame.at[idx, "_line"]), field, message(frame.loc[idx])), reason)
        return ~mask


def _generic_message(message: str) -> str:
    """Problem message with quoted values removed: the reason a skip is counted under."""
    return re.sub(r"'[^']*'", "…", message)


def _unknown_columns(frame: pd.DataFrame, known: Iterable[str], file: str, imp: _Import) -> None:
    known = set(known) | CONSUMED
    for col in frame.columns:
        if col in known or col.startswith("_"):
            continue
        filled = int((frame[col] != "").sum())
        if filled:
            imp.report.notes.append(f"{Path(file).name}: column '{col}' is not an evgraph property; "
                                    f"not imported ({filled} non-empty cells)")


def read_kgx(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Read the nodes and edges of a KGX TSV folder (``nodes.tsv``, ``edges.tsv``).

    ``path`` may also name ``nodes.tsv`` itself; gzip-compressed ``.tsv.gz`` files are read too.
    ``options["strict"]`` (``PATH#strict=true``) stops at the first row that cannot be imported
    instead of skipping and counting it. See the module docstring for the mapping rules.

    Edges may end at nodes another source of the same build defines, so they are mapped in
    the records' :meth:`~evgraph.build.records.SourceRecords.finish` step, which the build
    calls with the classes of the nodes the sources before this one gave (the reader itself
    sees no other source).
    """
    if not path:
        raise DataError(Problem(None, None, None, "source 'kgx' needs a path: kgx=FOLDER"))
    opts = dict(options or {})
    schema = get_schema()
    spec = str(path)
    strict = opts.get("strict", "").lower() in TRUE
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent

    def find(stem: str) -> Path:
        for cand in (folder / f"{stem}.tsv", folder / f"{stem}.tsv.gz"):
            if cand.is_file():
                return cand
        return folder / f"{stem}.tsv"

    npath, epath = find("nodes"), find("edges")
    nodes, nshort = _read(npath, ("id", "category"))
    edges, eshort = _read(epath, ("subject", "predicate", "object"), aliases={"edge_label": "predicate"})
    rec = SourceRecords("kgx", final=True, provenance=f"kgx={spec}")
    imp = _Import(rec.report, strict)
    rep = imp.report
    rep.files = [str(npath), str(epath)]
    rep.rows_read = len(nodes) + len(edges)
    from ..build.qc import ALLOW_EMPTY

    if nodes.empty and not ALLOW_EMPTY.get():
        raise DataError(Problem(str(npath), 1, None, "no data rows (only a header): the file is empty or cut; "
                                                     "use --allow-empty if that is intended"))
    if edges.empty:
        rep.notes.append(f"{epath.name}: no data rows (a graph of nodes only)")
    for p, short in ((npath, nshort), (epath, eshort)):
        if short and short[-1] < 0:
            short.pop()
            rep.notes.append(f"{p.name}: the last line has no line end; accepted because it has every field "
                             "(a file cut inside its last field cannot be told apart)")
        if short:
            rep.notes.append(f"{p.name}: {len(short)} rows had fewer fields than the header and were padded "
                             f"with empty fields (first at line {short[0]})")
    nfile, efile = str(npath), str(epath)
    _unknown_columns(nodes, NODE_MAP.values(), nfile, imp)
    _unknown_columns(edges, EDGE_MAP.values(), efile, imp)

    out_nodes = _map_nodes(nodes, edges, schema, nfile, imp)
    if out_nodes.empty:
        first = imp.first or Problem(nfile, None, None, "no node rows")
        raise DataError(Problem(first.file, first.line, first.field,
                                f"no node could be imported; first problem: {first.message}"))
    rec.add(nodes=out_nodes, file=nfile)

    def resolve(known_nodes: dict[str, str]) -> None:
        out_edges = _map_edges(edges, out_nodes, known_nodes, schema, efile, imp)
        rec.add(edges=out_edges, file=efile)
        rep.nodes, rep.edges = len(out_nodes), len(out_edges)
        rep.imported = rep.nodes + rep.edges

    rec.pending = resolve
    return rec


def _respell_ids(values: pd.Series, schema: Schema, lists: bool = False) -> pd.Series:
    """Ids as read: percent-encoded DOI local parts decoded, prefixes in evgraph's spelling."""
    decoded = _recode(values, _encoded_spellings(schema, biolink=False), decode_local, lists=lists)
    return _respell(decoded, schema.prefix_aliases, lists=lists)


def _lipids(edges: pd.DataFrame) -> set[str]:
    """Ids with ``CHEBI:18059`` (lipid) among their ``biolink:subclass_of`` ancestors in ``edges``."""
    sub = edges[edges["predicate"] == "biolink:subclass_of"]
    if sub.empty:
        return set()
    children: dict[str, list[str]] = {}
    for s, o in zip(sub["subject"], sub["object"], strict=True):
        children.setdefault(o, []).append(s)
    out: set[str] = set()
    todo = [LIPID]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out | {LIPID}


def _choose_class(cats: tuple[str, ...], cid: str, prefix: str, schema: Schema, lipids: set[str],
                  known: dict[str, str]) -> tuple[str | None, str]:
    """The evgraph class of a node, or ``(None, reason)``."""
    by_cat = schema.classes_by_import_category
    specific = [c for c in cats if c in by_cat]
    generic_only = not specific
    if specific:
        cands = {cls for c in specific for cls in by_cat[c]}
    elif any(c in schema.generic_categories for c in cats):
        cands = set(schema.classes)
    else:
        shown = "|".join(cats) or "(none)"
        return None, f"category {shown} has no evgraph class"
    fit = sorted(c for c in cands if prefix in schema.classes[c].prefixes)
    if not fit:
        return None, "id prefix fits no evgraph class of the category"
    if len(fit) == 1:
        return fit[0], ""
    if known.get(cid) in fit:
        return known[cid], ""
    if "Lipid" in fit and cid in lipids:
        return "Lipid", ""
    if generic_only and len({schema.classes[c].biolink_category for c in fit}) > 1:
        return None, "generic category with an id prefix of several evgraph classes (ambiguous)"
    ranked = sorted(fit, key=lambda c: (schema.classes[c].import_priority, c))
    if schema.classes[ranked[0]].import_priority == schema.classes[ranked[1]].import_priority:
        return None, "several evgraph classes fit (ambiguous)"
    return ranked[0], ""


def _map_nodes(nodes: pd.DataFrame, edges: pd.DataFrame, schema: Schema, file: str, imp: _Import) -> pd.DataFrame:
    out = pd.DataFrame({col: nodes[kgx] if kgx in nodes.columns else "" for col, kgx in NODE_MAP.items()})
    out["_line"] = nodes["_line"]
    for col in ("label", "description"):
        out[col] = out[col].str.replace(BAR, LIST_SEP, regex=False)
    out["id"] = _respell_ids(out["id"].str.strip(), schema)
    out["xrefs"] = _respell_ids(out["xrefs"], schema, lists=True)
    # 1. ids must be CURIEs: anything else is unrecoverable
    parts = out["id"].str.extract(_CURIE)
    bad = parts[0].isna()
    if bad.any():
        idx = out.index[bad][0]
        value = out.at[idx, "id"]
        raise DataError(Problem(file, int(out.at[idx, "_line"]), "id",
                                f"'{value}' is not a CURIE (PREFIX:identifier)" if value else "missing node id"))
    prefix = parts[0]
    keep = imp.skip_rows(out, ~prefix.isin(list(schema.prefixes)), file, "id", "unknown CURIE prefix",
                         lambda r: f"unknown CURIE prefix '{r['id'].split(':', 1)[0]}' in '{r['id']}'")
    # 2. class: evgraph_class, else inferred from category + prefix
    todo = keep & (out["category"] == "")
    if todo.any():
        lipids = _lipids(edges.assign(subject=_respell_ids(edges["subject"], schema),
                                      object=_respell_ids(edges["object"], schema)))
        known = _known_terms()
        cats = nodes["category"].where(todo, "")
        choice: dict[tuple[str, str, str], tuple[str | None, str]] = {}
        reasons = pd.Series("", index=out.index)
        for idx in out.index[todo]:
            cid = out.at[idx, "id"]
            key = (cats.at[idx], prefix.at[idx], cid if cid in known or cid in lipids else "")
            if key not in choice:
                c = tuple(x.strip() for x in key[0].split(LIST_SEP) if x.strip())
                choice[key] = _choose_class(c, cid, key[1], schema, lipids, known)
            cls, why = choice[key]
            if cls:
                out.at[idx, "category"] = cls
            else:
                reasons.at[idx] = why
        failed = todo & (reasons != "")
        for reason in sorted(set(reasons[failed])):
            sel = failed & (reasons == reason)
            keep &= imp.skip_rows(out, sel, file, "category", reason,
                                  lambda r, reason=reason: f"'{nodes.at[r.name, 'category']}' for '{r['id']}': "
                                                           f"{reason}")
    out = out[keep]
    # 3. what the builder would reject (patterns, classes, categories) is skipped too
    return _drop_rejected(out, file, imp, check_nodes, node_frame=True)


def _drop_rejected(frame: pd.DataFrame, file: str, imp: _Import, check, node_frame: bool) -> pd.DataFrame:
    """Run the build's own checks on ``frame`` and skip (count) every row they reject."""
    from ..build.builder import prepare_frame
    from ..model import EDGE_COLUMNS, NODE_COLUMNS

    columns = NODE_COLUMNS if node_frame else EDGE_COLUMNS
    while not frame.empty:
        probe = prepare_frame(frame.copy(), columns, file)
        problems: list[Problem] = check(probe)
        if not problems:
            break
        bad_lines: dict[int, Problem] = {}
        for pr in problems:
            if pr.line is not None:
                bad_lines.setdefault(pr.line, pr)
        if not bad_lines:
            raise DataError(problems)
        for pr in bad_lines.values():
            imp.skip(pr, f"{pr.field}: {_generic_message(pr.message)}")
        frame = frame[~frame["_line"].isin(list(bad_lines))]
    return frame


def _map_edges(edges: pd.DataFrame, nodes: pd.DataFrame, others: dict[str, str], schema: Schema,
               file: str, imp: _Import) -> pd.DataFrame:
    out = pd.DataFrame({col: edges[kgx] if kgx in edges.columns else "" for col, kgx in EDGE_MAP.items()})
    out["_line"] = edges["_line"]
    out["evidence"] = out["evidence"].str.replace(BAR, LIST_SEP, regex=False)
    for col in ("subject", "object"):
        out[col] = _respell_ids(out[col].str.strip(), schema)
    out["publications"] = _respell_ids(out["publications"], schema, lists=True)
    # rows of one edge written once per species (same id, every other field equal) are merged back;
    # rows sharing an id but differing elsewhere stay apart (the builder reports the conflict), and
    # rows equal in every field are counted as merged in the report
    if (out["id"] != "").any():
        rest = [c for c in out.columns if c not in ("species", "_line")]
        sig = pd.util.hash_pandas_object(out[rest].astype(str), index=False).to_numpy()
        key = out["id"] + "\x00" + pd.Series(sig, index=out.index).astype(str)
        dup = (out["id"] != "") & key.duplicated(keep=False)
        if dup.any():
            full = dup & pd.Series(pd.util.hash_pandas_object(out[[*rest, "species"]].astype(str),
                                                              index=False).to_numpy(), index=out.index).duplicated()
            if full.any():
                firsts = out[dup].assign(_k=key[dup]).groupby("_k", sort=False)["_line"].first()
                imp.report.edges_merged += int(full.sum())
                for idx in out.index[full.to_numpy()][:5]:
                    imp.report.merge_examples.append(f"{file}:{int(out.at[idx, '_line'])}: same as "
                                                     f"{file}:{int(firsts[key[idx]])}")
            species = out[dup].assign(_k=key[dup]).groupby("_k", sort=False)["species"].agg(
                lambda s: LIST_SEP.join(dict.fromkeys(x for v in s for x in v.split(LIST_SEP) if x)))
            out = out[~(dup & key.duplicated(keep="first"))].copy()
            merged = key[out.index].isin(species.index)
            out.loc[merged, "species"] = key[out.index][merged].map(species)
    cls_of = dict(others)
    cls_of.update(zip(nodes["id"], nodes["category"], strict=True))
    keep = pd.Series(True, index=out.index)
    for col in ("subject", "object"):
        missing = ~out[col].isin(cls_of)
        keep &= imp.skip_rows(out, keep & missing, file, col, f"{col} is not an imported node",
                              lambda r, col=col: f"{col} '{r[col]}' is not a node of the graph (absent or skipped)")
    # relationship: evgraph_predicate, original_predicate, or inferred from the Biolink predicate
    todo = keep & (out["predicate"] == "")
    if todo.any():
        biolink = edges["predicate"].str.strip()
        original = edges["original_predicate"] if "original_predicate" in edges.columns else pd.Series(
            "", index=edges.index)
        choice: dict[tuple[str, str, str, str], tuple[str | None, str]] = {}
        reasons = pd.Series("", index=out.index)
        for idx in out.index[todo]:
            s, o = cls_of[out.at[idx, "subject"]], cls_of[out.at[idx, "object"]]
            key = (biolink.at[idx], s, o, original.at[idx])
            if key not in choice:
                choice[key] = _choose_relation(*key, schema)
            rel, why = choice[key]
            if rel:
                out.at[idx, "predicate"] = rel
            else:
                reasons.at[idx] = why
        failed = todo & (reasons != "")
        for reason in sorted(set(reasons[failed])):
            keep &= imp.skip_rows(out, failed & (reasons == reason), file, "predicate", reason,
                                  lambda r: f"'{edges.at[r.name, 'predicate']}' from '{r['subject']}' "
                                            f"to '{r['object']}'")
    out = out[keep].copy()
    # provenance defaults for foreign KGX
    pks = out["primary_knowledge_source"]
    if "primary_knowledge_source" not in edges.columns:
        for alt in ("knowledge_source", "provided_by"):
            if alt in edges.columns:
                pks = edges.loc[out.index, alt].str.split(LIST_SEP).str[0].fillna("")
                break
    coerced = pks.map(lambda v: _slug_infores(v.strip()) if v.strip() else "")
    changed = int(((coerced != pks) & (pks != "")).sum())
    if changed:
        imp.report.notes.append(f"{Path(file).name}: {changed} primary knowledge sources coerced to infores CURIEs")
    none = coerced == ""
    if none.any():
        coerced[none] = "infores:unknown"
        imp.report.notes.append(f"{Path(file).name}: {int(none.sum())} edges name no knowledge source; "
                                "primary_knowledge_source set to infores:unknown")
    out["primary_knowledge_source"] = coerced
    level = out["knowledge_level"].where(out["knowledge_level"] != "", "not_provided")
    nocon = out["confidence"].str.strip() == ""
    if nocon.any():
        out.loc[nocon, "confidence"] = level[nocon].map(
            lambda k: repr(schema.default_confidence.get(k, schema.default_confidence.get("not_provided", 0.5))))
        imp.report.notes.append(f"{Path(file).name}: {int(nocon.sum())} edges without has_confidence_score got "
                                "the default confidence of their knowledge level (evgraph:defaultConfidence)")
    out["predicate"] = out["predicate"].astype(str)

    def check(frame: pd.DataFrame) -> list[Problem]:
        from ..build.builder import prepare_frame
        from ..model import NODE_COLUMNS

        table = pd.DataFrame({"id": list(cls_of), "category": list(cls_of.values())})
        return check_edges(frame, prepare_frame(table, NODE_COLUMNS, "<nodes>"))

    return _drop_rejected(out, file, imp, check, node_frame=False)


def _choose_relation(biolink: str, s: str, o: str, original: str, schema: Schema) -> tuple[str | None, str]:
    name = original.split(":", 1)[1] if original.startswith("evgraph:") else ""
    if name in schema.relations and schema.allows(s, name, o):
        return name, ""
    cands = [r for r in schema.relations_by_biolink.get(biolink, ()) if schema.allows(s, r, o)]
    if len(cands) == 1:
        return cands[0], ""
    if not cands:
        return None, f"no evgraph relationship for {biolink or '(no predicate)'} from {s} to {o}"
    return None, f"{biolink} from {s} to {o} is ambiguous ({', '.join(sorted(cands))})"
