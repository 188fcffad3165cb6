"""Tissue-specific gene expression (HPA, GTEx, Bgee): ``--source tissue_expression=FOLDER|FILE``.

Which organ could have *released* a circulating cargo? A gene specifically expressed in an organ
is a candidate; this reader adds ``gene expressed_in organ`` edges with the specificity class:

* **HPA v18 / GTEx tissue-specific gene lists** (TissueEnrich's tables
  ``*tissue_specific_genes.tsv``: ``ensembl_gene_id, symbol, tissue, group``), classes
  ``Tissue-Enriched`` (>= 5-fold higher TPM than any other tissue), ``Group-Enriched`` (>= 5-fold
  higher in a group of 2-7 tissues than in any other) and ``Tissue-Enhanced`` (>= 5-fold higher than
  the mean of the others); rows of tissue ``All`` (expressed in all, mixed, not expressed) add
  no edge and are counted. When the matching TPM table (``*tissue_tpm.tsv.gz``, genes x tissues)
  is in the folder, the **score** is that fold: tissue TPM / highest other tissue (enriched),
  lowest group TPM / highest non-group tissue (group-enriched), tissue TPM / mean of the other
  tissues (enhanced); without it the score is left out. Confidence: 0.8 enriched, 0.7
  group-enriched, 0.6 enhanced.
* **Bgee** adult over-expression (``bgee*diffex*``: Entrez gene x UBERON/CL term, +1/-1/0):
  ``+1`` becomes ``expressed_in`` with class ``over-expressed (Bgee)`` (confidence 0.6); off by
  default (option ``bgee=yes``) because it adds about a hundred thousand edges.

The same HPA v18 and GTEx tables are read from TissueEnrich's own R data files
(``proteinAtlasV18-TSEA.rda``, ``GTEx-combine-TSEA.rda``, with ``geneMappings.rda`` for the
symbols; what ``evgraph fetch tissueenrich`` downloads): objects ``tissueSpecificGenes``,
``expressionData`` and ``tissueDetails`` are decoded (:mod:`evgraph.sources._rdata`) into the two
tables above, tissue R names (``Adipose.Tissue``) turned back into ``tissueDetails`` names.

Tissue names are mapped to UBERON by the reviewed table ``evgraph/data/mappings/tissues.tsv``
(checked against the shared UBERON release by the tests); unmapped names are counted. Genes are
keyed by symbol and resolved to NCBI Gene at the end of the build (pass a ``genes`` table).
Options: ``classes`` (comma-separated, default ``enriched,group,enhanced``), ``datasets``
(``hpa,gtex``), ``bgee`` (``no``).
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ._context import gene_placeholder, mappings_dir
from ._io import READ_ERRORS, Table, open_table
from ._rdata import as_tsv, read_rdata
from ._records import Parsed, adapter, pick_files

CLASSES = {"tissue-enriched": ("enriched", "tissue enriched", 0.8),
           "group-enriched": ("group", "group enriched", 0.7),
           "tissue-enhanced": ("enhanced", "tissue enhanced", 0.6)}
NOT_SPECIFIC = ("expressed-in-all", "mixed", "not-expressed")
COLUMNS = {"ensembl": ("ensembl gene id", "gene", "ensembl"), "symbol": ("symbol", "gene name", "gene symbol"),
           "tissue": ("tissue", "tissue name"), "group": ("group", "specificity", "tissue specificity")}
INFORES = {"hpa": "infores:hpa", "gtex": "infores:gtex", "bgee": "infores:bgee"}


@cache
def tissue_table() -> dict[str, tuple[str, str, str]]:
    """Lower-case tissue name -> (UBERON id, label, category)."""
    with open(mappings_dir() / "tissues.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader([ln for ln in fh if ln.strip() and not ln.startswith("#")], delimiter="\t"))
    return {r["tissue"].strip().lower(): (r["id"], r["label"], r["category"]) for r in rows}


def _dataset(name: str) -> str:
    n = name.lower()
    return "gtex" if "gtex" in n else "bgee" if "bgee" in n else "hpa"


def _tpm(file: Path) -> pd.DataFrame:
    try:
        with open_table(file) as fh:
            df = pd.read_csv(fh, sep="\t")
    except READ_ERRORS as exc:
        raise DataError(Problem(str(file), None, None, f"cannot read the TPM table: {exc}")) from None
    sym = next((c for c in df.columns if c.lower() in ("symbol", "gene name")), None)
    ens = next((c for c in df.columns if c.lower() in ("ensembl_gene_id", "gene")), df.columns[0])
    df = df.drop(columns=[c for c in (sym,) if c]).set_index(ens)
    return df.apply(pd.to_numeric, errors="coerce")


def fold_scores(tpm: pd.DataFrame, genes: pd.DataFrame) -> np.ndarray:
    """The specificity fold of each (ensembl, tissue, class) row of ``genes`` from a TPM table.

    >>> tpm = pd.DataFrame({"A": [50.0, 10.0], "B": [5.0, 10.0], "C": [1.0, 1.0]}, index=["g1", "g2"])
    >>> rows = pd.DataFrame({"ensembl": ["g1", "g1", "g2", "g2"], "tissue": ["A", "A", "A", "B"],
    ...                      "cls": ["enriched", "enhanced", "group", "group"]})
    >>> fold_scores(tpm, rows).round(2).tolist()
    [10.0, 16.67, 10.0, 10.0]
    """
    out = np.full(len(genes), np.nan)
    if not len(genes) or tpm.empty:
        return out
    cols = pd.Index(tpm.columns)
    rows = pd.Index(tpm.index)
    m = tpm.to_numpy(dtype=np.float64)
    gi = rows.get_indexer(genes["ensembl"]) if rows.is_unique else _first_positions(rows, genes["ensembl"])
    ti = cols.get_indexer(genes["tissue"]) if cols.is_unique else _first_positions(cols, genes["tissue"])
    ok = (gi >= 0) & (ti >= 0)
    cls = genes["cls"].to_numpy(dtype=object)
    num = np.full(len(genes), np.nan)
    denom = np.full(len(genes), np.nan)
    # enriched: the tissue over the highest other tissue; enhanced: over the mean of the others
    single = ok & (cls != "group")
    if single.any():
        g, t = gi[single], ti[single]
        sub = m[g]
        rows_i = np.arange(len(g))[:, None]
        own = sub[rows_i[:, 0], t]
        # the other tissues of each row, in column order (the row without its own tissue, as pandas drops it,
        # so the sums add the same numbers in the same order)
        keep = np.arange(m.shape[1] - 1)[None, :]
        others = sub[rows_i, keep + (keep >= t[:, None])]
        with np.errstate(all="ignore"):
            finite = ~np.isnan(others)
            best = np.where(finite, others, -np.inf).max(axis=1) if others.shape[1] else np.full(len(g), -np.inf)
            best = np.where(finite.any(axis=1), best, np.nan)
            mean = np.where(finite, others, 0.0).sum(axis=1) / finite.sum(axis=1)
        num[single] = own
        denom[single] = np.where(cls[single] == "enriched", best, mean)
    # group: the lowest tissue of the gene's group over the highest tissue outside it
    grouped = ok & (cls == "group")
    if grouped.any():
        members = genes[genes["cls"] == "group"].groupby("ensembl")["tissue"].agg(set).to_dict()
        for g_name, idx in pd.Series(np.flatnonzero(grouped)).groupby(genes["ensembl"].to_numpy()[grouped]):
            row = m[gi[idx.iloc[0]]]
            inside = np.isin(cols, list(members.get(g_name, ())))
            with np.errstate(all="ignore"):
                lo = np.nanmin(row[inside]) if inside.any() and not np.isnan(row[inside]).all() else np.nan
                rest = row[~inside]
                hi = np.nanmax(rest) if len(rest) and not np.isnan(rest).all() else np.nan
            num[idx.to_numpy()] = lo
            denom[idx.to_numpy()] = hi
    with np.errstate(all="ignore"):
        fold = num / np.maximum(denom, 1e-9)
    keep = ok & np.isfinite(denom)
    out[keep] = fold[keep]
    return out


def _first_positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Row of the first occurrence of each value in a non-unique ``index`` (-1 if absent)."""
    pos = pd.Series(np.arange(len(index)), index=index)
    pos = pos[~pos.index.duplicated(keep="first")]
    return pos.reindex(values).fillna(-1).to_numpy(dtype=np.int64)


def _tissueenrich(file: Path, mappings: Path | None, rep: SourceReport, use_cache: bool) -> tuple[Path, Path]:
    """TissueEnrich's R data file as the two tables the reader takes: (specific genes, TPM)."""
    tables = read_rdata(file, use_cache)
    missing = [n for n in ("tissueSpecificGenes", "expressionData", "tissueDetails") if n not in tables]
    if missing:
        raise DataError(Problem(str(file), None, None, f"not a TissueEnrich data file: no object {missing[0]!r} "
                                f"(found {', '.join(tables)})"))
    sym = pd.Series(dtype=object)
    if mappings is not None:
        m = read_rdata(mappings, use_cache).get("humanGeneMapping")
        if m is not None:
            sym = m.drop_duplicates("Gene").set_index("Gene")["Gene.name"]
    else:
        rep.notes.append(f"{file.name}: no geneMappings.rda beside it: genes keyed by Ensembl id only")
    names = dict(zip(tables["tissueDetails"]["RName"], tables["tissueDetails"]["TissueName"], strict=True))
    ts = tables["tissueSpecificGenes"]
    spec = pd.DataFrame({"ensembl_gene_id": ts["Gene"], "symbol": ts["Gene"].map(sym),
                         "tissue": ts["Tissue"].map(names).fillna(ts["Tissue"]), "group": ts["Group"]})
    ex = tables["expressionData"].rename(columns=lambda c: names.get(c, c))
    ex.insert(0, "symbol", ex.index.map(sym))
    tag = "gtex" if "gtex" in file.name.lower() else "hpa"
    stem = f"tissueenrich_{tag}_from_rdata"
    spec_tsv = as_tsv(file, spec, f"{stem}_tissue_specific_genes", use_cache)
    tpm_tsv = as_tsv(file, ex.rename_axis("ensembl_gene_id").reset_index(), f"{stem}_tissue_tpm", use_cache)
    rep.notes.append(f"{file.name}: R data decoded to {spec_tsv.name} and {tpm_tsv.name} in {spec_tsv.parent}")
    return spec_tsv, tpm_tsv


def _specific(file: Path, tpm_file: Path | None, rep: SourceReport, classes: set[str]) -> pd.DataFrame:
    t = Table(file, rep, COLUMNS, required=("tissue", "group"))
    if not (t.has("symbol") or t.has("ensembl")):
        raise DataError(Problem(str(file), 1, "symbol", "unknown column layout: expected a symbol or "
                                f"ensembl_gene_id column (header has: {', '.join(t.header)})"))
    tissues = tissue_table()
    ds = _dataset(file.name)
    rows = []
    for line, f in t:
        grp = t.get(f, "group").lower()
        tissue = t.get(f, "tissue")
        if grp in NOT_SPECIFIC or tissue.lower() == "all":
            rep.skip("not tissue-specific (expressed in all, mixed or not expressed)", str(file), line)
            continue
        spec = CLASSES.get(grp)
        if spec is None:
            rep.skip("unknown specificity group", str(file), line, repr(t.get(f, "group")))
            continue
        if spec[0] not in classes:
            rep.skip(f"specificity class not selected ({spec[1]})", str(file), line)
            continue
        place = tissues.get(tissue.lower())
        if place is None:
            rep.skip("tissue not in tissues.tsv", str(file), line, repr(tissue))
            continue
        sym = t.get(f, "symbol")
        if not sym:
            rep.skip("missing gene symbol", str(file), line, t.get(f, "ensembl"))
            continue
        rep.imported += 1
        rows.append((t.get(f, "ensembl"), sym, tissue, spec[0], spec[1], spec[2], place[0], place[1], line))
    df = pd.DataFrame(rows, columns=["ensembl", "symbol", "tissue", "cls", "cls_label", "confidence", "uberon",
                                     "uberon_label", "_line"])
    score = np.full(len(df), np.nan)
    if tpm_file is not None and len(df):
        rep.files.append(str(tpm_file))
        score = fold_scores(_tpm(tpm_file), df)
    else:
        rep.notes.append(f"{file.name}: no TPM table beside it, specificity folds not computed")
    name = "HPA v18" if ds == "hpa" else "GTEx"
    ev = [f"specificity={c}; fold={s:.2f}; {name} tissue {ts}; TissueEnrich classification"
          if np.isfinite(s) else f"specificity={c}; {name} tissue {ts}; TissueEnrich classification"
          for c, s, ts in zip(df["cls_label"], score, df["tissue"], strict=True)]
    return pd.DataFrame({
        "subject": [gene_placeholder("9606", s) for s in df["symbol"]], "predicate": "expressed_in",
        "object": df["uberon"], "species": "NCBITaxon:9606", "knowledge_level": "observation",
        "agent_type": "data_analysis_pipeline", "primary_knowledge_source": INFORES[ds], "evidence": ev,
        "confidence": df["confidence"].to_numpy(dtype=float), "_file": str(file), "_line": df["_line"],
        "_olabel": df["uberon_label"]})


def _bgee(file: Path, rep: SourceReport) -> pd.DataFrame:
    try:
        with open_table(file) as fh:
            df = pd.read_csv(fh, sep="\t", dtype=str)
    except READ_ERRORS as exc:
        raise DataError(Problem(str(file), None, None, f"cannot read the Bgee table: {exc}")) from None
    gene_col = df.columns[0]
    long = df.melt(id_vars=[gene_col], var_name="term", value_name="v")
    rep.rows_read += len(df)
    up = long[long["v"].str.strip() == "1"]
    ok = up["term"].str.match(r"^(UBERON|CL):\d{7}$") & up[gene_col].str.isdigit()
    bad = int((~ok).sum())
    if bad:
        rep.skip("Bgee cell with a malformed gene or anatomy id", str(file), None, count=bad)
    up = up[ok]
    rep.imported += len(up)
    rep.skip("Bgee not over-expressed (0 or -1)", None, None, count=len(long) - len(up) - bad)
    return pd.DataFrame({
        "subject": "NCBIGene:" + up[gene_col], "predicate": "expressed_in", "object": up["term"].to_numpy(),
        "species": "NCBITaxon:9606", "knowledge_level": "observation", "agent_type": "data_analysis_pipeline",
        "primary_knowledge_source": INFORES["bgee"], "evidence": "specificity=over-expressed (Bgee v13.1 adult)",
        "confidence": 0.6, "_file": str(file), "_line": 0, "_olabel": ""})


def parse_tissue_expression(path: Path, options: dict[str, str]) -> Parsed:
    """HPA/GTEx tissue-specific genes (and Bgee over-expression): gene expressed_in organ (UBERON)."""
    rep = SourceReport("tissue_expression", str(path))
    classes = {c.strip() for c in options.get("classes", "enriched,group,enhanced").split(",") if c.strip()}
    unknown = classes - {"enriched", "group", "enhanced"}
    if unknown:
        raise DataError(Problem(str(path), None, "classes", f"unknown class {sorted(unknown)[0]!r} "
                                "(expected enriched, group, enhanced)"))
    datasets = {d.strip() for d in options.get("datasets", "hpa,gtex").split(",") if d.strip()}
    use_bgee = options.get("bgee", "no").lower() in ("yes", "true", "1")
    files = pick_files(path, "tissue_expression", {"specific": ("tissue_specific_genes",), "tpm": ("tissue_tpm",),
                                                   "bgee": ("diffex",), "rdata": ("-tsea.rda",),
                                                   "genemap": ("genemappings",)})
    use_cache = options.get("cache", "yes").lower() not in ("no", "false", "0", "off")
    if path.is_file() and files.get("bgee"):
        use_bgee = True
    frames = []
    tpms = {_dataset(p.name): p for p in files.get("tpm", [])}
    for file in files.get("specific", []):
        ds = _dataset(file.name)
        if ds not in datasets and path.is_dir():
            rep.notes.append(f"{file.name}: dataset {ds} not selected")
            continue
        frames.append(_specific(file, tpms.get(ds), rep, classes))
    for file in files.get("rdata", []):  # TissueEnrich's own R data (HPA v18, GTEx)
        ds = _dataset(file.name)
        if ds not in datasets and path.is_dir():
            rep.notes.append(f"{file.name}: dataset {ds} not selected")
            continue
        spec, tpm = _tissueenrich(file, next(iter(files.get("genemap", [])), None), rep, use_cache)
        frames.append(_specific(spec, tpm, rep, classes))
    if use_bgee:
        for file in files.get("bgee", []):
            rep.files.append(str(file))
            frames.append(_bgee(file, rep))
    elif files.get("bgee"):
        rep.notes.append("Bgee over-expression not imported (option bgee=yes)")
    if path.is_dir():
        unused = sorted(p.name for p in path.iterdir() if p.is_file() and not any(
            k in p.name.lower() for k in ("tissue_specific_genes", "tissue_tpm", "diffex", "-tsea.rda",
                                          "genemappings")))
        if unused:
            rep.notes.append("not used: " + ", ".join(unused) + " (no specificity class)")
    edges = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["subject", "predicate", "object", "_olabel"])
    edges = edges.drop_duplicates(["subject", "object", "primary_knowledge_source"])
    organs = edges.drop_duplicates("object")
    tissues = {i: (lab, cat) for i, lab, cat in tissue_table().values()}
    nodes = pd.concat([
        pd.DataFrame({"id": organs["object"], "label": organs["_olabel"],
                      "category": [tissues.get(o, ("", "CellType" if o.startswith("CL:") else "Organ"))[1]
                                   for o in organs["object"]], "_line": 0}),
        pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0}),
    ], ignore_index=True)
    return Parsed("tissue_expression", nodes, edges.drop(columns=["_olabel"]), rep)


read_tissue_expression = adapter("tissue_expression", parse_tissue_expression)
