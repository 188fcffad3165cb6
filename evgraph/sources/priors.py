"""Signalling priors between genes: ``--source nichenet=FOLDER|FILE`` and ``--source omnipath=FILE``.

**nichenet** reads the NicheNet v1 networks (nichenetr ``data/*.rda`` or the same tables as
TSV/CSV, gzip or not; a folder is searched for ``*lr_network*``, ``*sig_network*`` and
``*gr_network*``):

* ligand-receptor (``from, to, source, database``; symbols): ``ligand interacts_with receptor``;
* signalling (``from, to, source``; Entrez ids, ~2.1 M rows): physical-interaction sources
  (BioGRID, IntAct, HPRD, ``PC-interacts-with``, ``PC-in-complex-with``, ``*_complex``, ``ppi*``,
  ``inweb``...) give ``interacts_with``; the others (``PC-controls-*``, PhosphoSite, Signor,
  KEGG-derived, ...) ``regulates`` (directed, sign unknown);
* gene regulatory (``from, to, source``; Entrez, ~2.1 M rows): ``TF regulates target`` (sign unknown).

**omnipath** reads OmniPath signed directed interactions (``source, interaction, target`` with
``interaction`` 1 / -1, e.g. the CARNIVAL prior knowledge network, symbols; or the OmniPath
web-service table ``source_genesymbol, target_genesymbol, is_stimulation, is_inhibition``):
``regulates`` with direction ``upregulated`` / ``downregulated`` (rows with neither sign are
counted and left out).

Every edge says which database it came from (``evidence: NicheNet signalling network; source
database: BioGRID``); primary knowledge source ``infores:nichenet`` / ``infores:omnipath``
(aggregators; the original database is in the evidence), knowledge level
``knowledge_assertion``, agent ``automated_agent``, confidence 0.5 (NicheNet, unweighted
union of databases) or 0.6 (OmniPath consensus). Tables are processed column-wise (pandas
vectorised operations, categorical provenance), never row by row; the R data files are read
with pyreadr and the decoded table is cached as Parquet in ``$EVGRAPH_CACHE/rdata/`` under its
SHA-256 (:mod:`evgraph.sources._rdata`; option ``cache=no`` turns that off). Genes keyed by
symbol are resolved to NCBI Gene at the end of the build.

These sources are large (about 2.1 M edges each) and never on by default: name them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ._io import READ_ERRORS, open_table
from ._rdata import is_rdata, one_table
from ._records import Parsed, adapter, pick_files

_PHYSICAL = ("interacts", "complex", "biogrid", "intact", "hprd", "ppi", "inweb", "bind", "mint", "dip",
             "string", "huri", "bioplex", "cpdb")


def _read_rda(file: Path, use_cache: bool) -> pd.DataFrame:
    return one_table(file, use_cache)


def _read_table(file: Path, use_cache: bool) -> pd.DataFrame:
    if is_rdata(file):
        df = _read_rda(file, use_cache)
    else:
        try:
            with open_table(file) as fh:
                head = fh.peek(4096)[:4096].decode("utf-8", "replace")
                sep = "\t" if "\t" in head.split("\n", 1)[0] else ","
                df = pd.read_csv(fh, sep=sep, dtype=str, keep_default_na=False)
        except READ_ERRORS as exc:
            raise DataError(Problem(str(file), None, None, f"cannot read the network table: {exc}")) from None
    df.columns = [str(c).strip().lstrip("\ufeff").lower() for c in df.columns]
    return df


def _need(df: pd.DataFrame, file: Path, *cols: str) -> None:
    for c in cols:
        if c not in df.columns:
            raise DataError(Problem(str(file), 1, c, f"unknown column layout: no column '{c}' "
                                    f"(header has: {', '.join(df.columns)})"))


def _gene_ids(values: pd.Series, entrez: bool) -> np.ndarray:
    """Gene CURIEs (or symbol placeholders, ``""`` when malformed) of a column, computed per distinct value."""
    cat = values.astype(str).astype("category")
    cats = cat.cat.categories.astype(str).str.strip()
    mapped = np.where(cats.str.isdigit(), "NCBIGene:" + cats, "") if entrez else \
        np.where(cats != "", "?sym:9606:" + cats.str.upper(), "")
    return np.asarray(mapped, dtype=object)[cat.cat.codes.to_numpy()]


def _edges(df: pd.DataFrame, subj: str, obj: str, predicate: np.ndarray | str, evidence: pd.Series,
           entrez: bool, file: Path, rep: SourceReport, infores: str, confidence: float,
           direction: np.ndarray | str = "") -> pd.DataFrame:
    s = _gene_ids(df[subj], entrez)
    o = _gene_ids(df[obj], entrez)
    keep = (s != "") & (o != "") & (s != o)
    bad = int((~keep).sum())
    if bad:
        rep.skip("missing or malformed gene id, or a self-loop", str(file), None, count=bad)
    out = pd.DataFrame({"subject": s[keep], "object": o[keep],
                        "predicate": np.asarray(predicate, dtype=object)[keep] if np.ndim(predicate) else predicate,
                        "direction": np.asarray(direction, dtype=object)[keep] if np.ndim(direction) else direction,
                        "evidence": evidence.to_numpy()[keep]})
    before = len(out)
    out = out.drop_duplicates(["subject", "predicate", "object", "direction"])
    if before > len(out):
        rep.notes.append(f"{file.name}: {before - len(out)} rows repeat a (gene, relation, gene) already given "
                         "by another database (first kept)")
    rep.imported += len(out)
    return out.assign(species="NCBITaxon:9606", knowledge_level="knowledge_assertion", agent_type="automated_agent",
                      primary_knowledge_source=infores, confidence=confidence, _file=str(file), _line=0)


def _nichenet_file(file: Path, kind: str, rep: SourceReport, use_cache: bool) -> pd.DataFrame:
    df = _read_table(file, use_cache)
    _need(df, file, "from", "to")
    rep.rows_read += len(df)
    src = df["source"].astype(str) if "source" in df.columns else pd.Series("", index=df.index)
    db = df["database"].astype(str) if "database" in df.columns else src
    entrez = bool(df["from"].astype(str).head(1000).str.isdigit().mean() > 0.9)
    title = {"lr": "ligand-receptor network", "sig": "signalling network", "gr": "gene regulatory network"}[kind]
    cat = db.astype("category")
    labels = pd.Index(f"NicheNet v1 {title}; source database: " + cat.cat.categories.astype(str))
    evidence = pd.Series(np.asarray(labels, dtype=object)[cat.cat.codes.to_numpy()], index=df.index)
    if kind == "lr":
        predicate: np.ndarray | str = "interacts_with"
    elif kind == "gr":
        predicate = "regulates"
    else:
        names = cat.cat.categories.astype(str).str.lower()
        physical = np.array([any(k in n for k in _PHYSICAL) for n in names], dtype=bool)
        predicate = np.where(physical[cat.cat.codes.to_numpy()], "interacts_with", "regulates").astype(object)
    counts = cat.value_counts()
    rep.notes.append(f"{file.name}: {title}, {len(df)} rows from {len(counts)} databases "
                     f"(largest: {', '.join(f'{k} {v}' for k, v in counts.head(3).items())})")
    return _edges(df, "from", "to", predicate, evidence, entrez, file, rep, "infores:nichenet", 0.5)


def parse_nichenet(path: Path, options: dict[str, str]) -> Parsed:
    """NicheNet v1 ligand-receptor, signalling and gene-regulatory networks (directed gene edges)."""
    rep = SourceReport("nichenet", str(path))
    use_cache = options.get("cache", "yes").lower() not in ("no", "false", "0", "off")
    networks = {n.strip() for n in options.get("networks", "lr,sig,gr").split(",") if n.strip()}
    files = pick_files(path, "nichenet", {"lr": ("lr_network",), "sig": ("sig_network",), "gr": ("gr_network",)})
    frames = []
    for kind in ("lr", "sig", "gr"):
        for file in files.get(kind, []):
            if kind not in networks:
                rep.notes.append(f"{file.name}: not selected (option networks)")
                continue
            rep.files.append(str(file))
            frames.append(_nichenet_file(file, kind, rep, use_cache))
    if not frames:
        raise DataError(Problem(str(path), None, None, "nichenet: no lr_network / sig_network / gr_network file"))
    return _finish("nichenet", frames, rep)


def parse_omnipath(path: Path, options: dict[str, str]) -> Parsed:
    """OmniPath signed directed interactions: regulates with direction up/down."""
    rep = SourceReport("omnipath", str(path))
    files = pick_files(path, "omnipath", {"omnipath": ("omnipath", "interactions", "pkn")})
    frames = []
    for file in files["omnipath"]:
        rep.files.append(str(file))
        df = _read_table(file, False)
        rep.rows_read += len(df)
        if {"source", "target", "interaction"} <= set(df.columns):
            s, o = "source", "target"
            sign = pd.to_numeric(df["interaction"], errors="coerce")
        elif {"source_genesymbol", "target_genesymbol", "is_stimulation", "is_inhibition"} <= set(df.columns):
            s, o = "source_genesymbol", "target_genesymbol"
            stim = df["is_stimulation"].astype(str).isin(("1", "True", "true"))
            inh = df["is_inhibition"].astype(str).isin(("1", "True", "true"))
            sign = pd.Series(np.select([stim & ~inh, inh & ~stim], [1.0, -1.0], np.nan), index=df.index)
        else:
            raise DataError(Problem(str(file), 1, "interaction", "unknown column layout: expected source, "
                                    "interaction, target or source_genesymbol, target_genesymbol, is_stimulation, "
                                    f"is_inhibition (header has: {', '.join(df.columns)})"))
        signed = sign.isin((1.0, -1.0))
        if (~signed).any():
            rep.skip("interaction without a single sign (1 / -1)", str(file), None, count=int((~signed).sum()))
        df, sign = df[signed], sign[signed]
        direction = np.where(sign.to_numpy() > 0, "upregulated", "downregulated").astype(object)
        ev = pd.Series("OmniPath signed directed interaction (" + pd.Series(direction).map(
            {"upregulated": "stimulation", "downregulated": "inhibition"}).to_numpy() + ")", index=df.index)
        frames.append(_edges(df, s, o, "regulates", ev, False, file, rep, "infores:omnipath", 0.6, direction))
    return _finish("omnipath", frames, rep)


def _finish(name: str, frames: list[pd.DataFrame], rep: SourceReport) -> Parsed:
    edges = pd.concat(frames, ignore_index=True)
    genes = pd.unique(np.concatenate([edges["subject"].to_numpy(dtype=object), edges["object"].to_numpy(dtype=object)]))
    nodes = pd.DataFrame({"id": genes, "category": "Gene", "label": "", "_line": 0})
    for pred, n in edges["predicate"].value_counts().sort_index().items():
        rep.notes.append(f"{n} {pred} edges")
    return Parsed(name, nodes, edges, rep)


read_nichenet = adapter("nichenet", parse_nichenet)
read_omnipath = adapter("omnipath", parse_omnipath)
