"""The curated knowledge base shipped with evgraph (``evgraph/data/curated``).

Entities, EV transfer statements and other curated edges are plain TSV files (see the
folder's README). Each statement becomes one ``EVPopulation`` node and the edges around it:
source cell/organ ``releases`` it, it ``has_vesicle_type``, ``carries`` its cargo, is
``taken_up_by`` target cells and ``homes_to`` target organs; the cargo ``regulates`` genes and
``affects`` pathways; the population ``contributes_to`` conditions, and so on. Every edge
carries the statement's references, species, knowledge level, evidence and confidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ..evidence import BY_NAME, INPUT_COLUMNS, assess, check_values
from ..model import LIST_SEP
from ..schema import get_schema
from ..tabular import iter_tsv

ENTITY_COLUMNS = ("id", "category", "label")
STATEMENT_COLUMNS = (
    "statement_id", "source_organ", "source_cell", "vesicle_type", "biofluid", "context_condition",
    "cargo", "target_cell", "target_organ", "uptake_mechanism", "regulates", "regulation_direction",
    "pathway", "pathway_direction", "condition", "condition_direction", "biomarker_for", "species",
    "knowledge_level", "references", "evidence",
)
#: Optional statement columns: the evidence-quality fields (evgraph.evidence) and, for a
#: statement without ``model_system``, a hand-set ``confidence`` (legacy; the rubric computes it
#: as soon as ``model_system`` is filled, and a hand-set value is then an error).
OPTIONAL_STATEMENT_COLUMNS = ("confidence", *INPUT_COLUMNS)
EDGE_FILE_COLUMNS = ("subject", "predicate", "object")
#: Controlled statement columns -> the ontology vocabulary (``owl:oneOf`` class) their value
#: must come from: a gene is ``upregulated``/``downregulated``, a pathway or condition
#: ``increased``/``decreased`` (``evgraph:ExpressionDirection`` / ``evgraph:EffectDirection``).
CONTROLLED_COLUMNS: dict[str, str] = {
    "regulation_direction": "ExpressionDirection",
    "pathway_direction": "EffectDirection",
    "condition_direction": "EffectDirection",
    "knowledge_level": "KnowledgeLevel",
}
#: A direction qualifies the edges of one column; without it the direction would be dropped.
DIRECTION_OF: dict[str, str] = {"regulation_direction": "regulates", "pathway_direction": "pathway",
                                "condition_direction": "condition"}
#: The class whose identifier prefixes a reference may use.
REFERENCE_CLASS = "Publication"

# statement column -> the class its CURIEs must have
_STATEMENT_CLASSES: dict[str, tuple[str, ...]] = {
    "source_organ": ("Organ",),
    "source_cell": ("CellType",),
    "vesicle_type": ("VesicleType",),
    "biofluid": ("Biofluid", "Organ"),
    "context_condition": ("Condition",),
    "cargo": ("Cargo",),  # an abstract class of the ontology: any of its node classes
    "target_cell": ("CellType",),
    "target_organ": ("Organ",),
    "uptake_mechanism": ("UptakeMechanism",),
    "regulates": ("Gene",),
    "pathway": ("Pathway",),
    "condition": ("Condition",),
    "biomarker_for": ("Condition",),
}


def curated_dir() -> Path:
    """Folder of the curated knowledge base inside the installed package."""
    return Path(str(resources.files("evgraph"))) / "data" / "curated"


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(LIST_SEP) if v.strip()]


def read_curated(path: str | Path | None = None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Read the curated knowledge base (or the one in folder ``path``).

    >>> rec = read_curated()
    >>> rec.final, rec.num_nodes > 0, rec.num_edges > 0
    (True, True, True)
    """
    folder = Path(path) if path else curated_dir()
    if not folder.is_dir():
        raise DataError(Problem(str(folder), None, None, "curated knowledge base folder not found"))
    entities = read_entities(folder)
    node_rows = [dict(r, _line=line, _file=file) for (file, line, r) in entities.values()]
    edge_rows: list[dict[str, Any]] = []
    statement_rows: list[dict[str, Any]] = []
    fact_files = sorted(folder.glob("statements-*.tsv")) + sorted(folder.glob("edges-*.tsv"))
    if not fact_files:  # entities alone are not a knowledge base (error path: issue 18)
        raise DataError(Problem(str(folder), None, None, "no statements-*.tsv or edges-*.tsv file in the curated "
                                                         "folder: nothing to build but entities"))
    empty_files: list[str] = []
    for file in sorted(folder.glob("statements-*.tsv")):
        with file.open(encoding="utf-8") as fh:
            n = len(edge_rows)
            for line, row in iter_tsv(fh, str(file), required=STATEMENT_COLUMNS):
                nodes, edges = _compile_statement(row, str(file), line, entities)
                statement_rows.extend(nodes)
                edge_rows.extend(edges)
            if len(edge_rows) == n:
                empty_files.append(file.name)
    for file in sorted(folder.glob("edges-*.tsv")):
        with file.open(encoding="utf-8") as fh:
            for line, row in iter_tsv(fh, str(file), required=EDGE_FILE_COLUMNS):
                for col in ("subject", "object"):
                    if row[col] and row[col] not in entities:
                        raise DataError(Problem(str(file), line, col,
                                                f"'{row[col]}' is not defined in any entities-*.tsv file"))
                row = dict(row, _line=line, _file=str(file))
                row["publications"] = row.pop("references", "")
                edge_rows.append(row)

    _require_facts(folder, len(edge_rows))
    by_file: dict[str, list[dict[str, Any]]] = {}
    for r in node_rows + statement_rows:
        by_file.setdefault(r.pop("_file"), []).append(r)
    rec = SourceRecords("curated", final=True)
    rec.report.notes += [f"{name}: no data rows (only a header)" for name in empty_files]
    for file, rows in sorted(by_file.items()):
        rec.add(nodes=pd.DataFrame(rows), file=file)
    edges_by_file: dict[str, list[dict[str, Any]]] = {}
    for r in edge_rows:
        edges_by_file.setdefault(r.pop("_file"), []).append(r)
    for file, rows in sorted(edges_by_file.items()):
        rec.add(edges=pd.DataFrame(rows), file=file)
    return rec


def _require_facts(folder: Path, n: int) -> None:
    """A curated folder whose statements and edges files hold no row is an error (unless ``--allow-empty``).

    A single header-only file (a file started for later statements) is fine when others have rows.
    """
    from ..build.qc import ALLOW_EMPTY

    if not n and not ALLOW_EMPTY.get():
        raise DataError(Problem(str(folder), None, None, "no statements: the statements-*.tsv and edges-*.tsv "
                                                         "files hold only headers (empty or cut files?); use "
                                                         "--allow-empty if that is intended"))


def read_entities(folder: Path) -> dict[str, tuple[str, int, dict[str, str]]]:
    """The entities of the ``entities-*.tsv`` files of ``folder``: id -> (file, line, row)."""
    entities: dict[str, tuple[str, int, dict[str, str]]] = {}
    for file in sorted(folder.glob("entities-*.tsv")):
        with file.open(encoding="utf-8") as fh:
            for line, row in iter_tsv(fh, str(file), required=ENTITY_COLUMNS):
                cid = row["id"]
                if not cid:
                    raise DataError(Problem(str(file), line, "id", "missing id"))
                prev = entities.get(cid)
                if prev is not None:
                    pfile, pline, prow = prev
                    for col in ("category", "label"):
                        if prow[col] != row[col]:
                            raise DataError(Problem(
                                str(file), line, col,
                                f"'{cid}' has {col} '{row[col]}' here but '{prow[col]}' at {pfile}:{pline}"))
                    continue
                entities[cid] = (str(file), line, {k: row.get(k, "") for k in
                                                   ("id", "category", "label", "condition_category",
                                                    "xrefs", "synonyms", "description")})
    return entities


def _compile_statement(row: dict[str, str], file: str, line: int,
                       entities: dict[str, tuple[str, int, dict[str, str]]]
                       ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sid = row["statement_id"]
    if not sid:
        raise DataError(Problem(file, line, "statement_id", "missing statement id"))
    values = {col: _split(row[col]) for col in _STATEMENT_CLASSES}
    schema = get_schema()
    for col, named in _STATEMENT_CLASSES.items():
        classes = tuple(c for n in named for c in (schema.classes_under(n) or (n,)))
        for cid in values[col]:
            ent = entities.get(cid)
            if ent is None:
                raise DataError(Problem(file, line, col, f"'{cid}' is not defined in any entities-*.tsv file"))
            if ent[2]["category"] not in classes:
                raise DataError(Problem(file, line, col, f"'{cid}' is a {ent[2]['category']}, "
                                                         f"expected {' or '.join(classes)}"))
    for col in ("vesicle_type", "species", "references"):
        if not row[col]:
            raise DataError(Problem(file, line, col, f"statement {sid} needs a value"))
    _check_controlled(row, sid, file, line, values)
    if len(_split(row["species"])) > 1:
        raise DataError(Problem(file, line, "species",
                                f"statement {sid} has several species ({row['species']}): give one organism per "
                                "statement and split the others off (species policy, curated README)"))
    if not values["source_cell"] and not values["source_organ"] and not values["biofluid"]:
        raise DataError(Problem(file, line, "source_cell",
                                f"statement {sid} needs a source cell, organ or (for circulating EVs) biofluid"))
    if values["regulates"] and not values["cargo"]:
        raise DataError(Problem(file, line, "regulates", "a regulated gene needs the cargo that regulates it"))
    if len(values["uptake_mechanism"]) > 1:
        raise DataError(Problem(file, line, "uptake_mechanism", "give at most one uptake mechanism"))

    evp = f"evgraph:EVP-{sid}"
    refs = _split(row["references"])
    evidence = _evidence_fields(row, sid, file, line)
    prov = {
        "species": row["species"],
        "publications": LIST_SEP.join(refs),
        "knowledge_level": row["knowledge_level"],
        "agent_type": "manual_agent",
        "primary_knowledge_source": "infores:evgraph",
        "evidence": row["evidence"],
        "confidence": evidence.pop("confidence"),
        "statement": sid,
        **evidence,
        "_line": line,
        "_file": file,
    }
    edges: list[dict[str, Any]] = []

    def edge(s: str, p: str, o: str, **extra: str) -> None:
        edges.append({"subject": s, "predicate": p, "object": o, **prov, **extra})

    def label(cid: str) -> str:
        return entities[cid][2]["label"]

    origin = values["source_cell"] or values["source_organ"] or values["biofluid"]
    for cell in values["source_cell"]:
        edge(cell, "releases", evp)
        for organ in values["source_organ"]:
            edge(cell, "part_of", organ)
    if not values["source_cell"]:
        for organ in values["source_organ"]:
            edge(organ, "releases", evp)
    for vt in values["vesicle_type"]:
        edge(evp, "has_vesicle_type", vt)
    for bf in values["biofluid"]:
        edge(evp, "sampled_from", bf)
    for c in values["context_condition"]:
        edge(evp, "released_in", c)
    for cargo in values["cargo"]:
        edge(evp, "carries", cargo)
    mech = values["uptake_mechanism"][0] if values["uptake_mechanism"] else ""
    for cell in values["target_cell"]:
        edge(evp, "taken_up_by", cell, uptake_mechanism=mech)
    if mech:
        edge(evp, "internalized_via", mech)
    for organ in values["target_organ"]:
        edge(evp, "homes_to", organ)
    for gene in values["regulates"]:
        for cargo in values["cargo"]:
            edge(cargo, "regulates", gene, direction=row["regulation_direction"])
    for pw in values["pathway"]:
        for actor in values["cargo"] or [evp]:
            edge(actor, "affects", pw, direction=row["pathway_direction"])
    for c in values["condition"]:
        edge(evp, "contributes_to", c, direction=row["condition_direction"])
    for c in values["biomarker_for"]:
        for actor in values["cargo"] or [evp]:
            edge(actor, "biomarker_for", c)

    context = ", ".join(label(c) for c in values["context_condition"])
    name = f"{' / '.join(label(o) for o in origin)} {label(values['vesicle_type'][0])}"
    nodes: list[dict[str, Any]] = [{
        "id": evp, "category": "EVPopulation",
        "label": f"{name}{' in ' + context if context else ''} ({sid})",
        "description": row["evidence"], "_line": line, "_file": file,
    }]
    for ref in refs:
        edge(evp, "described_in", ref)
        nodes.append({"id": ref, "category": "Publication", "label": ref, "_line": line, "_file": file})
    return nodes, edges


def _check_controlled(row: dict[str, str], sid: str, file: str, line: int, values: dict[str, list[str]]) -> None:
    """Check the controlled columns (directions, knowledge level), species and references of one statement.

    Every value must be one the ontology allows (:data:`CONTROLLED_COLUMNS`, the NCBITaxon and
    publication identifier patterns); a direction needs the column it qualifies.
    """
    schema = get_schema()
    for col, vocabulary in CONTROLLED_COLUMNS.items():
        value = row.get(col, "").strip()
        if not value:
            continue
        allowed = schema.vocabularies.get(vocabulary, ())
        if value not in allowed:
            raise DataError(Problem(file, line, col, f"statement {sid}: '{value}' is not one of {', '.join(allowed)} "
                                                     f"(evgraph:{vocabulary})"))
        target = DIRECTION_OF.get(col)
        if target and not values[target]:
            raise DataError(Problem(file, line, col, f"statement {sid}: {col} '{value}' but no {target} to "
                                                     "qualify; fill the column or empty the direction"))
    taxon = schema.prefixes["NCBITaxon"]
    for sp in _split(row["species"]):
        prefix, _, local = sp.partition(":")
        if prefix != "NCBITaxon" or not re.match(taxon.pattern, local):
            raise DataError(Problem(file, line, "species", f"statement {sid}: '{sp}' is not an NCBITaxon CURIE "
                                                           "(e.g. NCBITaxon:10090)"))
    allowed_prefixes = schema.classes[REFERENCE_CLASS].prefixes
    for ref in _split(row["references"]):
        prefix, _, local = ref.partition(":")
        info = schema.prefixes.get(prefix)
        if prefix not in allowed_prefixes or info is None or not local or not re.match(info.pattern, local):
            raise DataError(Problem(file, line, "references",
                                    f"statement {sid}: '{ref}' is not a publication CURIE "
                                    f"({', '.join(p + ':...' for p in allowed_prefixes)})"))


def _evidence_fields(row: dict[str, str], sid: str, file: str, line: int) -> dict[str, str]:
    """The statement's evidence columns, its computed ``evidence_tier`` and its ``confidence``."""
    fields = {col: row.get(col, "").strip() for col in INPUT_COLUMNS}
    for col, value in fields.items():
        if value and BY_NAME[col].multi:
            fields[col] = LIST_SEP.join(sorted(set(_split(value))))  # canonical: sorted, as RDF reads back
    problems = check_values(pd.DataFrame([{**fields, "_file": file, "_line": line}]))
    if problems:
        raise DataError(problems)
    given = row.get("confidence", "").strip()
    verdict = assess(fields)
    if verdict is None:
        if not given:
            raise DataError(Problem(file, line, "model_system",
                                    f"statement {sid} needs a model_system (the evidence rubric then computes "
                                    "its tier and confidence)"))
        return {**fields, "evidence_tier": "", "confidence": given}
    if given:
        try:
            same = abs(float(given) - verdict.confidence) < 1e-9
        except ValueError:
            same = False
        if not same:
            raise DataError(Problem(file, line, "confidence",
                                    f"statement {sid}: confidence is computed by the evidence rubric "
                                    f"({verdict.explanation}); leave the cell empty, not '{given}'"))
    return {**fields, "evidence_tier": verdict.tier, "confidence": repr(verdict.confidence)}
