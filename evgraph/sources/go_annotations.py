"""Gene Ontology biological-process annotations: ``--source go_annotations=FOLDER|FILE``.

* the dhimmel/gene-ontology tables (``GO_annotations-9606-direct-expev.tsv``: ``go_id, go_name,
  go_domain, tax_id, annotation_type, size, gene_ids, gene_symbols``; one row per GO term, genes
  ``|``-separated Entrez ids), built from NCBI ``gene2go``: the file name says the evidence class
  (``expev`` = experimental codes EXP/IDA/IPI/IMP/IGI/IEP and their high-throughput forms,
  ``allev`` = all codes), which every edge records;
* an Enrichr/MSigDB-style GMT of GO BP terms named ``name (GO:0000000)`` with gene symbols
  (e.g. ``enrichr.GO_Biological_Process_2021.gmt``), evidence "all evidence codes (Enrichr library)".

Only ``biological_process`` terms are imported (counted otherwise); each (gene, term) becomes
``gene participates_in pathway`` (the GO term is a ``Pathway`` node, ``infores:go``, knowledge
level ``knowledge_assertion``, confidence 0.8 for experimental evidence, 0.6 otherwise). The
tables are read column-wise (pandas), not row by row. Option ``domains`` is fixed to
biological process on purpose: molecular functions and components are not pathways.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ._context import gene_placeholder
from ._io import READ_ERRORS, iter_lines, open_table
from ._records import Parsed, adapter, pick_files

EVIDENCE = {"expev": ("experimental evidence codes (EXP, IDA, IPI, IMP, IGI, IEP, HTP, HDA, HMP, HGI, HEP)", 0.8),
            "allev": ("all evidence codes", 0.6)}
_GO_NAME = re.compile(r"^(.*)\s+\((GO:\d{7})\)\s*$")


@cache
def reserved_go_ids() -> frozenset[str]:
    """GO ids the curated knowledge base uses for another class (VesicleType, UptakeMechanism, Organelle)."""
    from importlib import resources

    out = set()
    for f in (resources.files("evgraph") / "data" / "curated").iterdir():
        if f.name.startswith("entities") and f.name.endswith(".tsv"):
            for line in f.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) > 1 and parts[0].startswith("GO:") and parts[1] != "Pathway":
                    out.add(parts[0])
    return frozenset(out)


def _table(file: Path, rep: SourceReport) -> pd.DataFrame:
    try:
        with open_table(file) as fh:
            df = pd.read_csv(fh, sep="\t", dtype=str, keep_default_na=False)
    except READ_ERRORS as exc:
        raise DataError(Problem(str(file), None, None, f"cannot read the GO annotation table: {exc}")) from None
    df.columns = [c.strip().lstrip("\ufeff").lower() for c in df.columns]
    for col in ("go_id", "gene_ids"):
        if col not in df.columns:
            raise DataError(Problem(str(file), 1, col, f"unknown column layout: no column '{col}' "
                                    f"(header has: {', '.join(df.columns)})"))
    rep.rows_read += len(df)
    df["_line"] = np.arange(2, len(df) + 2)
    bad = ~df["go_id"].str.match(r"^GO:\d{7}$")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(Problem(str(file), i + 2, "go_id", f"malformed GO id {df['go_id'].iat[i]!r}"))
    if "go_domain" in df.columns:
        other = df["go_domain"] != "biological_process"
        rep.skip("GO term not a biological process (molecular function / cellular component)", None, None,
                 count=int(other.sum()))
        df = df[~other]
    kind = "expev" if "expev" in file.name.lower() else "allev"
    code, conf = EVIDENCE[kind]
    long = df.assign(gene=df["gene_ids"].str.split("|")).explode("gene")
    long = long[long["gene"].notna() & (long["gene"] != "")]
    ok = long["gene"].str.isdigit()
    if (~ok).any():
        rep.skip("malformed Entrez gene id", str(file), int(long.loc[~ok, "_line"].iat[0]), count=int((~ok).sum()))
    long = long[ok]
    rep.imported += len(long)
    return pd.DataFrame({
        "subject": "NCBIGene:" + long["gene"].to_numpy(dtype=object), "predicate": "participates_in",
        "object": long["go_id"].to_numpy(), "species": "NCBITaxon:9606", "knowledge_level": "knowledge_assertion",
        "agent_type": "manual_agent", "primary_knowledge_source": "infores:go",
        "evidence": f"GO annotation (NCBI gene2go, direct); {code}", "confidence": conf,
        "_file": str(file), "_line": long["_line"].to_numpy(), "_olabel": long.get("go_name", "").to_numpy()})


def _gmt(file: Path, rep: SourceReport) -> pd.DataFrame:
    subj, obj, labels, lines = [], [], [], []
    for line, text in iter_lines(file, rep):
        if not text.strip():
            continue
        rep.rows_read += 1
        parts = text.split("\t")
        m = _GO_NAME.match(parts[0])
        if not m:
            rep.skip("gene set name without a GO id '(GO:0000000)'", str(file), line, repr(parts[0][:60]))
            continue
        genes = [g.strip() for g in parts[2:] if g.strip()]
        rep.imported += len(genes)
        subj += [gene_placeholder("9606", g.split(",")[0]) for g in genes]
        obj += [m.group(2)] * len(genes)
        labels += [m.group(1)] * len(genes)
        lines += [line] * len(genes)
    return pd.DataFrame({
        "subject": subj, "predicate": "participates_in", "object": obj, "species": "NCBITaxon:9606",
        "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
        "primary_knowledge_source": "infores:go",
        "evidence": "GO annotation (Enrichr GO Biological Process library); all evidence codes", "confidence": 0.6,
        "_file": str(file), "_line": lines, "_olabel": labels})


def parse_go_annotations(path: Path, options: dict[str, str]) -> Parsed:
    """GO biological-process annotations (gene2go tables or a GO BP GMT): gene participates_in GO term."""
    rep = SourceReport("go_annotations", str(path))
    files = pick_files(path, "go_annotations", {"table": ("go_annotations", "annotations"), "gmt": (".gmt",)})
    frames = [_table(f, rep) for f in files.get("table", [])] + [_gmt(f, rep) for f in files.get("gmt", [])]
    for f in [*files.get("table", []), *files.get("gmt", [])]:
        rep.files.append(str(f))
    edges = pd.concat(frames, ignore_index=True)
    reserved = edges["object"].isin(reserved_go_ids())
    if reserved.any():
        rep.skip("GO term that evgraph models as a vesicle type or uptake mechanism, not a pathway", None, None,
                 ", ".join(sorted(set(edges.loc[reserved, "object"]))[:5]), count=int(reserved.sum()))
        edges = edges[~reserved]
    before = len(edges)
    # one edge per (gene, term): the experimental-evidence table wins over the library
    edges = edges.sort_values("confidence", ascending=False, kind="stable").drop_duplicates(["subject", "object"])
    if before > len(edges):
        rep.notes.append(f"{before - len(edges)} (gene, term) pairs given by more than one file merged")
    terms = edges.drop_duplicates("object")
    nodes = pd.concat([
        pd.DataFrame({"id": terms["object"].to_numpy(), "category": "Pathway", "label": terms["_olabel"].to_numpy(),
                      "_line": 0}),
        pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0}),
    ], ignore_index=True)
    return Parsed("go_annotations", nodes, edges.drop(columns=["_olabel"]), rep)


read_go_annotations = adapter("go_annotations", parse_go_annotations)
