"""EVmiRNA 2.0 small-RNA-seq projects: ``--source evmirna2=FOLDER|FILE``.

Size: about 570 lines (project selection, two statistical tests, caching and QC of one source);
a split into parse and statistics modules is left to the importers owner.

Input, as laid out in the shared data (``ev_expression/``): the project index
``evmirna2_selected_projects.tsv`` (``bioproject, design, condition, cell_type, cell_type_id,
organ_id, control_label, source, ev_type, reference_url, note, project_title``...) and, in
``evmirna2/``, per project ``<PRJ>_metadata.csv`` (one row per SRA run: ``Run, EV_type, Source,
disease, Disease_stage/treatment``), ``<PRJ>_expression.csv`` (TPM, miRNAs x runs) and, for most
projects, ``<PRJ>_expression_count.csv`` (read counts). The path may be that folder, the
``evmirna2/`` folder, the index file, or one project's expression file (its metadata must sit
beside it; without an index the design is read from the metadata).

**Case-control projects** (``design=case_control``): the runs of one EV source and EV type are
split into controls (the index's ``control_label``: ``Healthy donor``, or ``-``) and one case
group per other ``disease`` label; each case group is compared with the controls, miRNA by miRNA:

* where read counts exist, with **PyDESeq2** (``~group``, Wald test, case vs control; miRNAs with
  at least ``min_count`` reads in at least as many runs as the smaller group are tested);
* otherwise with a two-sided **Mann-Whitney U** test on TPM (miRNAs with TPM >= 1 in at least as
  many runs as the smaller group), log2 fold change = log2((mean case TPM + 1) / (mean control TPM + 1));

p-values are Benjamini-Hochberg adjusted within each comparison (the null: equal abundance in
cases and controls). A miRNA with ``q < q`` and ``|log2FC| >= lfc`` becomes ``miRNA
abundance_changed_in condition`` (direction ``increased``/``decreased``; ``knowledge_level
statistical_association``; ``agent_type data_analysis_pipeline``; publications the BioProject
and the project's PubMed id; evidence ``log2FC=...; q=...; test=...; cases=N; controls=N;
biofluid=...; ev_type=...; BioProject=...``, and the same numbers as typed edge fields
``log2_fold_change``, ``q_value``, ``n_cases``, ``n_controls`` (:mod:`evgraph.evidence`);
confidence 0.6 when both groups have >= 10 runs, else 0.4). Comparisons with fewer than
``min_group`` runs in a group are not tested (counted).
The ``disease`` label is mapped to MONDO by ``evgraph/data/mappings/evmirna2_conditions.tsv``
and the run's ``Source`` to UBERON/CL by ``evmirna2_sources.tsv``. Each project's EVs become an
``EVPopulation`` (``sampled_from`` its biofluid or tissue, or ``releases``-d by its cell type;
``has_vesicle_type``; ``described_in`` its BioProject and PubMed record).

**Cell-of-origin projects** (``design=cell_source_reference``): the untreated runs of EVs from
one cell type (index ``cell_type_id``) give ``miRNA detected_in cell type`` for miRNAs whose mean
TPM is at least ``min_tpm`` and that are detected (TPM > 0) in at least ``detect_fraction`` of
the runs (``knowledge_level observation``), and the cell type ``releases`` the project's EVs.

Options (``evmirna2=PATH#q=0.05&lfc=1``): ``q`` (0.05), ``lfc`` (1.0), ``min_count`` (10),
``min_group`` (3), ``min_tpm`` (10), ``detect_fraction`` (0.5), ``test`` (``auto``: PyDESeq2
where counts exist, else rank; ``rank``: always the rank test), ``mouse_models`` (``no``: skip
projects whose runs are from mouse cell lines, which EVmiRNA still maps to ``hsa-`` names),
``min_mirnas`` (50: a comparison with fewer miRNAs above the count filter is not tested, since
DESeq2's dispersion trend needs many genes), ``cache`` (``yes``: PyDESeq2 results are stored in
``$EVGRAPH_CACHE/evmirna2-pydeseq2/`` under a digest of the PyDESeq2 version, the design and the
count matrix, and reused bit-identically; ``no`` recomputes).
The QC report lists every project with its design, each comparison with its test, the miRNAs
tested and how many passed.
"""

from __future__ import annotations

import csv
import hashlib
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ..evidence import number_text
from ._context import mappings_dir
from ._io import READ_ERRORS, open_table
from ._records import Parsed, adapter, option_float
from .vesiclepedia import mirna_name

INFORES = "infores:evmirna"
INDEX_NAME = "evmirna2_selected_projects.tsv"
EV_TYPE = {"sev": ("GO:1903561", "extracellular vesicle", "small EVs"),
           "lev": ("GO:1903561", "extracellular vesicle", "large EVs"),
           "-": ("GO:1903561", "extracellular vesicle", "EVs"), "": ("GO:1903561", "extracellular vesicle", "EVs")}
CONTROL_DEFAULT = ("Healthy donor", "-")
_PRJ = re.compile(r"^(PRJ[A-Z]{2}\d+)_(expression_count|expression|metadata)\.csv(\.gz)?$")
_PMID = re.compile(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)")


@dataclass
class Settings:
    q: float = 0.05
    lfc: float = 1.0
    min_count: float = 10
    min_group: int = 3
    min_tpm: float = 10.0
    detect_fraction: float = 0.5
    test: str = "auto"
    mouse_models: bool = False
    min_mirnas: int = 50
    cache: bool = True

    @classmethod
    def from_options(cls, opts: dict[str, str], file: str) -> Settings:
        s = cls(q=option_float(opts, "q", 0.05, file, 0, 1), lfc=option_float(opts, "lfc", 1.0, file, 0),
                min_count=option_float(opts, "min_count", 10, file, 0),
                min_group=int(option_float(opts, "min_group", 3, file, 2)),
                min_tpm=option_float(opts, "min_tpm", 10.0, file, 0),
                detect_fraction=option_float(opts, "detect_fraction", 0.5, file, 0, 1),
                test=opts.get("test", "auto").lower(),
                mouse_models=opts.get("mouse_models", "no").lower() in ("yes", "true", "1", "include"),
                min_mirnas=int(option_float(opts, "min_mirnas", 50, file, 2)),
                cache=opts.get("cache", "yes").lower() not in ("no", "false", "0", "off"))
        if s.test not in ("auto", "rank", "deseq2"):
            raise DataError(Problem(file, None, "test", f"option test={s.test!r}: expected auto, deseq2 or rank"))
        return s


def _mapping(name: str) -> list[dict[str, str]]:
    with open(mappings_dir() / name, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@cache
def condition_table() -> dict[tuple[str, str], tuple[str, str]]:
    """(bioproject or ``*``, lower-case disease label) -> (MONDO id, label)."""
    return {(r["bioproject"], r["disease"].strip().lower()): (r["id"], r["label"])
            for r in _mapping("evmirna2_conditions.tsv")}


@cache
def source_table() -> dict[str, tuple[str, str, str]]:
    """Run ``Source`` value (lower case) -> (UBERON/CL id, label, category)."""
    return {r["source"].strip().lower(): (r["id"], r["label"], r["category"]) for r in _mapping("evmirna2_sources.tsv")}


def condition_of(project: str, disease: str) -> tuple[str, str] | None:
    table = condition_table()
    key = disease.strip().lower()
    return table.get((project, key)) or table.get(("*", key))


# ====================================================================== statistics
def bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (NaN stays NaN).

    >>> bh(np.array([0.01, 0.04, 0.03, np.nan])).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    from scipy.stats import false_discovery_control

    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = false_discovery_control(p[ok], method="bh")
    return out


def rank_test(tpm: pd.DataFrame, case: list[str], control: list[str], min_group: int) -> pd.DataFrame:
    """Two-sided Mann-Whitney U per miRNA on TPM (rows miRNAs, columns runs), BH-adjusted.

    >>> t = pd.DataFrame([[1, 2, 3, 10, 11, 12], [5, 5, 5, 5, 5, 5]], index=["a", "b"],
    ...                  columns=list("uvwxyz"), dtype=float)
    >>> r = rank_test(t, ["x", "y", "z"], ["u", "v", "w"], 3)
    >>> float(r.loc["a", "log2fc"]), bool(0.05 < r.loc["a", "pvalue"] <= 0.1)  # log2(12/3); n=3+3 cannot reach 0.05
    (2.0, True)
    """
    from scipy.stats import mannwhitneyu

    need = min(len(case), len(control))
    x, y = tpm[case].to_numpy(dtype=float), tpm[control].to_numpy(dtype=float)
    keep = ((np.concatenate([x, y], axis=1) >= 1).sum(axis=1) >= need)
    x, y = x[keep], y[keep]
    idx = tpm.index[keep]
    if not len(idx):
        return pd.DataFrame(columns=["log2fc", "pvalue", "qvalue", "mean_case", "mean_control"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = mannwhitneyu(x, y, axis=1, alternative="two-sided").pvalue
    p = np.where(np.isnan(p), 1.0, p)
    mx, my = x.mean(axis=1), y.mean(axis=1)
    return pd.DataFrame({"log2fc": np.log2((mx + 1) / (my + 1)), "pvalue": p, "qvalue": bh(p),
                         "mean_case": mx, "mean_control": my}, index=idx)


def deseq2_test(counts: pd.DataFrame, case: list[str], control: list[str], min_count: float,
                min_mirnas: int = 50, cache_dir: Path | None = None) -> pd.DataFrame:
    """PyDESeq2 Wald test case vs control (rows miRNAs, columns runs of read counts).

    Fewer than ``min_mirnas`` miRNAs passing the count filter: not tested (DESeq2's dispersion
    trend needs many genes); the empty result's index name says why. With ``cache_dir``, the
    result is stored under a digest of the PyDESeq2 version, the design and the count matrix, and
    reused (bit-identical) by later builds.
    """
    try:
        from pydeseq2.dds import DeseqDataSet
        from pydeseq2.default_inference import DefaultInference
        from pydeseq2.ds import DeseqStats
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError(Problem(None, None, "test", "the evmirna2 reader needs PyDESeq2 for projects with read "
                                "counts: pip install 'evgraph[deseq]' (or use evmirna2=PATH#test=rank)")) from None
    import pydeseq2

    runs = case + control
    mat = counts[runs].T.round().clip(lower=0).astype(np.int64)
    need = min(len(case), len(control))
    mat = mat.loc[:, (mat >= min_count).sum(axis=0) >= need]
    if mat.shape[1] < min_mirnas:
        return pd.DataFrame(columns=["log2fc", "pvalue", "qvalue"]).rename_axis(f"too few miRNAs ({mat.shape[1]})")
    key = None
    if cache_dir is not None:
        digest = hashlib.sha256()
        digest.update(f"{pydeseq2.__version__}|{len(case)}|{len(control)}|{min_count}".encode())
        digest.update(pd.util.hash_pandas_object(mat, index=True).to_numpy().tobytes())
        digest.update("|".join(mat.columns).encode())
        key = cache_dir / f"{digest.hexdigest()[:32]}.tsv"
        if key.is_file():
            # round_trip: the exact doubles written with %.17g (pandas' default parser can be 1 ulp off, and
            # the typed log2_fold_change / q_value fields must not depend on whether the cache was warm)
            # (pandas 3 parses round-trip by default and deprecates the argument)
            exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
            return pd.read_csv(key, sep="\t", index_col=0, **exact)
    meta = pd.DataFrame({"group": ["case"] * len(case) + ["control"] * len(control)}, index=mat.index)
    inference = DefaultInference(n_cpus=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dds = DeseqDataSet(counts=mat, metadata=meta, design="~group", inference=inference, quiet=True)
        dds.deseq2()
        stats = DeseqStats(dds, contrast=["group", "case", "control"], inference=inference, quiet=True)
        stats.summary()
    res = stats.results_df
    p = res["pvalue"].to_numpy(dtype=float)
    # BH over every tested miRNA (no independent filtering: the null and the family are explicit)
    out = pd.DataFrame({"log2fc": res["log2FoldChange"].to_numpy(dtype=float), "pvalue": p,
                        "qvalue": bh(np.where(np.isnan(p), 1.0, p)), "base_mean": res["baseMean"].to_numpy()},
                       index=res.index)
    if key is not None:
        from ..atomic import atomic_open

        key.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(key) as fh:
            out.to_csv(fh, sep="\t", float_format="%.17g")
    return out


# ====================================================================== files
@dataclass
class Project:
    id: str
    design: str
    info: dict[str, str]
    files: dict[str, Path]
    line: int


def _index_rows(file: Path, rep: SourceReport) -> list[tuple[int, dict[str, str]]]:
    from ._io import Table

    cols = {c: () for c in ("bioproject", "design", "condition", "cell type", "cell type id", "organ id",
                            "control label", "source", "ev type", "reference url", "note", "project title")}
    t = Table(file, rep, cols, required=("bioproject", "design"))
    out = []
    for line, f in t:
        row = {c.replace(" ", "_"): t.get(f, c) for c in cols}
        if not re.match(r"^PRJ[A-Z]{2}\d+$", row["bioproject"]):
            rep.skip("malformed BioProject id", str(file), line, repr(row["bioproject"]))
            continue
        out.append((line, row))
    return out


def locate(path: Path, rep: SourceReport) -> list[Project]:
    """The projects under ``path`` (folder, ``evmirna2/`` folder, index file or one project file)."""
    if not path.exists():
        raise DataError(Problem(str(path), None, None, "evmirna2: file or folder not found"))
    index: Path | None = None
    data: Path
    single: str | None = None
    if path.is_dir():
        data = path / "evmirna2" if (path / "evmirna2").is_dir() else path
        for cand in (path / INDEX_NAME, data / INDEX_NAME, data.parent / INDEX_NAME):
            if cand.is_file():
                index = cand
                break
    else:
        m = _PRJ.match(path.name)
        if m:
            data, single = path.parent, m.group(1)
            cand = data.parent / INDEX_NAME
            index = cand if cand.is_file() else None
        else:
            index = path
            data = path.parent / "evmirna2" if (path.parent / "evmirna2").is_dir() else path.parent
    files: dict[str, dict[str, Path]] = {}
    for p in sorted(data.iterdir()):
        m = _PRJ.match(p.name)
        if m:
            files.setdefault(m.group(1), {})[m.group(2)] = p
    if single:
        files = {single: files.get(single, {})}
    if not files:
        raise DataError(Problem(str(data), None, None, "evmirna2: no <BioProject>_expression.csv / "
                                "_expression_count.csv / _metadata.csv files found"))
    projects: list[Project] = []
    if index is not None:
        rep.files.append(str(index))
        rows = _index_rows(index, rep)
        for line, row in rows:
            prj = row["bioproject"]
            if single and prj != single:
                continue
            if prj not in files:
                rep.skip("project in the index without files", str(index), line, prj)
                continue
            projects.append(Project(prj, row["design"], row, files[prj], line))
        listed = {p.id for p in projects} | {r["bioproject"] for _, r in rows}
        extra = sorted(set(files) - listed)
        if extra:
            rep.skip("project files not in the index (design unknown)", str(data), None, ", ".join(extra[:5]),
                     count=len(extra))
    else:
        for prj, fs in files.items():
            projects.append(Project(prj, "", {"bioproject": prj}, fs, 0))
    return projects


def _read_matrix(file: Path) -> pd.DataFrame:
    try:
        with open_table(file) as fh:
            df = pd.read_csv(fh, index_col=0, dtype=str, keep_default_na=False)
    except READ_ERRORS as exc:
        raise DataError(Problem(str(file), None, None, f"cannot read the expression table: {exc}")) from None
    if df.empty or df.shape[1] == 0:
        raise DataError(Problem(str(file), 1, None, "empty expression table: expected miRNA rows x run columns"))
    num = df.apply(lambda c: pd.to_numeric(c, errors="coerce"))
    if num.isna().to_numpy().any():
        bad = num.isna()
        r, c = np.argwhere(bad.to_numpy())[0]
        raise DataError(Problem(str(file), int(r) + 2, str(df.columns[c]),
                                f"not a number: {df.iat[r, c]!r} (miRNA {df.index[r]})"))
    df = num
    df.index = df.index.astype(str).str.strip()
    return df


def _read_metadata(file: Path) -> pd.DataFrame:
    try:
        with open_table(file) as fh:
            meta = pd.read_csv(fh, dtype=str, keep_default_na=False)
    except READ_ERRORS as exc:
        raise DataError(Problem(str(file), None, None, f"cannot read the run metadata: {exc}")) from None
    meta.columns = [c.strip().lstrip("\ufeff") for c in meta.columns]
    lower = {c.lower(): c for c in meta.columns}
    rename = {}
    for want, aliases in {"Run": ("run", "run accession", "srr"), "disease": ("disease", "condition"),
                          "Source": ("source", "tissue"), "EV_type": ("ev_type", "ev type"),
                          "treatment": ("disease_stage/treatment", "stage", "treatment")}.items():
        col = next((lower[a] for a in aliases if a in lower), None)
        if col is None and want in ("Run", "disease"):
            raise DataError(Problem(str(file), 1, want, f"run metadata has no '{want}' column "
                                    f"(header has: {', '.join(meta.columns)})"))
        if col is not None:
            rename[col] = want
    meta = meta.rename(columns=rename)
    from ..build.qc import ALLOW_EMPTY  # error paths (issue 18): no runs, a run listed twice

    if meta.empty and not ALLOW_EMPTY.get():
        raise DataError(Problem(str(file), 1, None, "no data rows (only a header): the run metadata is empty or cut"))
    dup = meta["Run"].str.strip().duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(Problem(str(file), None, "Run", f"run {meta['Run'].iat[i]!r} is listed twice "
                                                        f"(data row {i + 1}): each run is one sample"))
    for c in ("Source", "EV_type", "treatment"):
        if c not in meta.columns:
            meta[c] = ""
    return meta


# ====================================================================== the reader
class _Out:
    def __init__(self) -> None:
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[pd.DataFrame] = []

    def node(self, cid: str, category: str, label: str, file: str, line: int, **extra: str) -> None:
        self.nodes.append({"id": cid, "category": category, "label": label, "_file": file, "_line": line, **extra})

    def edge(self, s: str, p: str, o: str, file: str, line: int, **extra: Any) -> None:
        rec = {"subject": s, "predicate": p, "object": o, "_file": file, "_line": line, "species": "NCBITaxon:9606",
               "knowledge_level": "observation", "agent_type": "manual_agent", "primary_knowledge_source": INFORES,
               "confidence": 0.7, **extra}
        self.edges.append(pd.DataFrame([rec]))


def _control_values(info: dict[str, str]) -> tuple[str, ...]:
    label = info.get("control_label", "").strip()
    if label.startswith("'-'") or label == "-":
        return ("-",)
    return (label,) if label else CONTROL_DEFAULT


def parse_evmirna2(path: Path, options: dict[str, str]) -> Parsed:
    """EVmiRNA 2.0 projects: miRNA abundance changes in disease (case vs control) and cell-of-origin miRNAs."""
    rep = SourceReport("evmirna2", str(path))
    cfg = Settings.from_options(options, str(path))
    projects = locate(path, rep)
    out = _Out()
    sources = source_table()
    tested_total = passed_total = 0
    cache_dir = None
    if cfg.cache:
        from ..fetch import default_cache

        cache_dir = default_cache() / "evmirna2-pydeseq2"
    for prj in projects:
        meta_file = prj.files.get("metadata")
        tpm_file = prj.files.get("expression")
        cnt_file = prj.files.get("expression_count")
        design = prj.design or "case_control"
        if meta_file is None or (tpm_file is None and cnt_file is None):
            rep.skip("project without metadata or expression file", str(path), prj.line, prj.id)
            rep.notes.append(f"{prj.id} [{design}]: not imported (missing files)")
            continue
        meta = _read_metadata(meta_file)
        rep.files.append(str(meta_file))
        tpm = _read_matrix(tpm_file) if tpm_file else None
        counts = _read_matrix(cnt_file) if cnt_file else None
        for f in (tpm_file, cnt_file):
            if f:
                rep.files.append(str(f))
        matrix_runs = set((tpm if tpm is not None else counts).columns)
        missing = meta[~meta["Run"].isin(matrix_runs)]
        if len(missing):
            rep.skip("run in the metadata but not in the expression table", str(meta_file), None,
                     ", ".join(missing["Run"][:5]), count=len(missing))
        meta = meta[meta["Run"].isin(matrix_runs)]
        rep.rows_read += len(meta)
        if (meta["Source"].str.contains("Cell line", case=False) & ~cfg.mouse_models).all() and \
                "neuro-2a" in " ".join(meta["Source"]).lower():
            rep.skip("mouse cell-line project (reads mapped to hsa- names by EVmiRNA; option mouse_models=yes)",
                     str(meta_file), None, prj.id)
            rep.notes.append(f"{prj.id} [{design}]: not imported (mouse Neuro-2a cell-line model)")
            continue
        pmid = _PMID.search(prj.info.get("reference_url", ""))
        pubs = [f"BioProject:{prj.id}"] + ([f"PMID:{pmid.group(1)}"] if pmid else [])
        title = prj.info.get("project_title", "") or prj.id
        mfile = str(meta_file)
        out.node(f"BioProject:{prj.id}", "Publication", f"{title} (BioProject {prj.id})", mfile, 1)
        if pmid:
            out.node(pubs[1], "Publication", pubs[1], mfile, 1)
        if design == "cell_source_reference":
            n = _cell_source(prj, meta, tpm if tpm is not None else counts, cfg, out, rep, pubs, mfile)
            rep.notes.append(f"{prj.id} [cell_source_reference, {prj.info.get('cell_type', '')}]: "
                             f"{n} miRNAs detected (mean TPM >= {cfg.min_tpm:g} in >= "
                             f"{cfg.detect_fraction:.0%} of runs)")
            continue
        controls = _control_values(prj.info)
        for (src, ev), grp in meta.groupby(["Source", "EV_type"], sort=True):
            ctrl = sorted(grp.loc[grp["disease"].isin(controls), "Run"])
            place = sources.get(src.strip().lower())
            ev_id, ev_label, ev_words = EV_TYPE.get(ev.strip().lower(), EV_TYPE[""])
            evp = f"evgraph:evmirna2-{prj.id}" + (f"-{ev.strip()}" if meta["EV_type"].nunique() > 1 else "")
            where = place[1] if place else src
            out.node(evp, "EVPopulation", f"{where} {ev_words} ({prj.info.get('note') or prj.id}; EVmiRNA 2.0 "
                     f"{prj.id})", mfile, 1, description=f"{title}; source: {src}; EV type: {ev}")
            ev_kw = {"publications": "|".join(pubs), "evidence": f"EVmiRNA 2.0 project {prj.id}"}
            out.node(ev_id, "VesicleType", ev_label, mfile, 1)
            out.edge(evp, "has_vesicle_type", ev_id, mfile, 1, **ev_kw)
            for pub in pubs:
                out.edge(evp, "described_in", pub, mfile, 1, **ev_kw)
            if place:
                out.node(place[0], place[2], place[1], mfile, 1)
                if place[2] == "CellType":
                    out.edge(place[0], "releases", evp, mfile, 1, **ev_kw)
                else:
                    out.edge(evp, "sampled_from", place[0], mfile, 1, **ev_kw)
            else:
                rep.skip("run source not in evmirna2_sources.tsv (EV population kept without it)", mfile, None,
                         repr(src))
            for disease, cases in grp[~grp["disease"].isin(controls)].groupby("disease", sort=True):
                case = sorted(cases["Run"])
                label = f"{prj.id} [{design}] {src} {ev}: {disease} ({len(case)}) vs {'/'.join(controls)} ({len(ctrl)})"
                if min(len(case), len(ctrl)) < cfg.min_group:
                    rep.skip(f"comparison with fewer than {cfg.min_group} runs in a group (not tested)", mfile,
                             None, f"{prj.id} {disease}")
                    rep.notes.append(f"{label}: not tested (fewer than {cfg.min_group} runs in a group)")
                    continue
                cond = condition_of(prj.id, disease)
                use_counts = counts is not None and cfg.test in ("auto", "deseq2")
                if cfg.test == "deseq2" and counts is None:
                    rep.notes.append(f"{label}: no read counts, rank test used")
                if use_counts:
                    res = deseq2_test(counts, case, ctrl, cfg.min_count, cfg.min_mirnas, cache_dir)
                    test = "PyDESeq2 Wald (read counts)"
                    if res.index.name and res.index.name.startswith("too few"):
                        rep.skip(f"comparison with fewer than {cfg.min_mirnas} miRNAs above the count filter "
                                 "(not tested)", mfile, None, f"{prj.id} {disease}")
                        rep.notes.append(f"{label}: not tested ({res.index.name} with >= {cfg.min_count:g} reads "
                                         f"in >= {min(len(case), len(ctrl))} runs)")
                        continue
                else:
                    res, test = rank_test(tpm, case, ctrl, cfg.min_group), "Mann-Whitney U (TPM)"
                ok = res[(res["qvalue"] < cfg.q) & (res["log2fc"].abs() >= cfg.lfc)]
                tested_total += len(res)
                passed_total += len(ok)
                rep.imported += len(res)
                if cond is None:
                    rep.skip("condition not mapped (evmirna2_conditions.tsv)", mfile, None,
                             f"{prj.id} {disease!r}: {len(ok)} significant miRNAs not imported", count=len(ok))
                    rep.notes.append(f"{label}, {test}: {len(res)} miRNAs tested, {len(ok)} passed "
                                     f"(q < {cfg.q:g}, |log2FC| >= {cfg.lfc:g}); condition not mapped, not imported")
                    continue
                rep.notes.append(f"{label} -> {cond[0]} {cond[1]}, {test}: {len(res)} miRNAs tested, "
                                 f"{len(ok)} passed (q < {cfg.q:g}, |log2FC| >= {cfg.lfc:g})")
                out.node(cond[0], "Condition", cond[1], mfile, 1)
                if ok.empty:
                    continue
                names = [mirna_name(str(m), "hsa") for m in ok.index]
                bad = [m for m, nm in zip(ok.index, names, strict=True) if nm is None]
                if bad:
                    rep.skip("malformed miRNA name", str(tpm_file or cnt_file), None, ", ".join(map(str, bad[:5])),
                             count=len(bad))
                keep = np.array([nm is not None for nm in names])
                ok = ok[keep]
                mids = [f"evmirna:{nm}" for nm in names if nm is not None]
                place_txt = f"{place[1]} ({place[0]})" if place else src
                ev_txt = [f"log2FC={lf:+.3f}; q={q:.3g}; test={test}; cases={len(case)}; controls={len(ctrl)}; "
                          f"biofluid={place_txt}; ev_type={ev.strip() or '-'} ({ev_label}); "
                          f"BioProject={prj.id}; disease label={disease}"
                          for lf, q in zip(ok["log2fc"], ok["qvalue"], strict=True)]
                conf = 0.6 if min(len(case), len(ctrl)) >= 10 else 0.4
                out.edges.append(pd.DataFrame({
                    "subject": mids, "predicate": "abundance_changed_in", "object": cond[0],
                    "direction": np.where(ok["log2fc"].to_numpy() > 0, "increased", "decreased"),
                    "species": "NCBITaxon:9606", "publications": "|".join(pubs),
                    "knowledge_level": "statistical_association", "agent_type": "data_analysis_pipeline",
                    "primary_knowledge_source": INFORES, "evidence": ev_txt, "confidence": conf,
                    # the statistics as typed fields (evgraph.evidence); the evidence text keeps them readable
                    "log2_fold_change": [number_text(x) for x in ok["log2fc"]],
                    "q_value": [number_text(x) for x in ok["qvalue"]],
                    "n_cases": str(len(case)), "n_controls": str(len(ctrl)),
                    "_file": str(cnt_file if use_counts else tpm_file), "_line": 0}))
                for m in mids:
                    out.node(m, "MicroRNA", m[8:], mfile, 0)
    rep.notes.insert(0, f"{len(projects)} projects; {tested_total} miRNA tests, {passed_total} passed "
                        f"(BH q < {cfg.q:g} within each comparison, |log2FC| >= {cfg.lfc:g}); "
                        "q-values are not adjusted across comparisons")
    nodes = pd.DataFrame(out.nodes) if out.nodes else pd.DataFrame(columns=["id", "category", "label"])
    edges = pd.concat(out.edges, ignore_index=True) if out.edges else pd.DataFrame(
        columns=["subject", "predicate", "object"])
    nodes = nodes.drop_duplicates("id")
    return Parsed("evmirna2", nodes, edges, rep)


def _cell_source(prj: Project, meta: pd.DataFrame, tpm: pd.DataFrame, cfg: Settings, out: _Out,
                 rep: SourceReport, pubs: list[str], mfile: str) -> int:
    cell = prj.info.get("cell_type_id", "")
    if not re.match(r"^CL:\d{7}$", cell):
        rep.skip("cell-of-origin project without a CL cell type", mfile, prj.line, prj.id)
        return 0
    base = meta[meta["disease"].isin(CONTROL_DEFAULT)]
    untreated = base[base["treatment"].isin(("-", ""))]
    runs = sorted((untreated if len(untreated) else base if len(base) else meta)["Run"])
    if len(runs) < len(meta):
        rep.notes.append(f"{prj.id}: {len(runs)} of {len(meta)} runs used (untreated, healthy or unlabelled)")
    x = tpm[runs].to_numpy(dtype=float)
    mean = x.mean(axis=1)
    frac = (x > 0).mean(axis=1)
    ok = (mean >= cfg.min_tpm) & (frac >= cfg.detect_fraction)
    rep.imported += int(ok.sum())
    evp = f"evgraph:evmirna2-{prj.id}"
    label = prj.info.get("cell_type", "") or cell
    out.node(cell, "CellType", "", mfile, 1)
    out.node(evp, "EVPopulation", f"{label} EVs (EVmiRNA 2.0 {prj.id})", mfile, 1,
             description=prj.info.get("project_title", ""))
    kw = {"publications": "|".join(pubs), "evidence": f"EVmiRNA 2.0 project {prj.id}"}
    out.edge(cell, "releases", evp, mfile, 1, **kw)
    out.node("GO:1903561", "VesicleType", "extracellular vesicle", mfile, 1)
    out.edge(evp, "has_vesicle_type", "GO:1903561", mfile, 1, **kw)
    for pub in pubs:
        out.edge(evp, "described_in", pub, mfile, 1, **kw)
    names = [mirna_name(str(m), "hsa") for m in tpm.index[ok]]
    keep = [nm is not None for nm in names]
    mids = [f"evmirna:{nm}" for nm in names if nm is not None]
    ev = [f"mean TPM={m:.1f}; detected in {round(f * len(runs))}/{len(runs)} runs; EVs of {label}; "
          f"BioProject={prj.id}" for m, f, k in zip(mean[ok], frac[ok], keep, strict=True) if k]
    if mids:
        out.edges.append(pd.DataFrame({
            "subject": mids, "predicate": "detected_in", "object": cell, "species": "NCBITaxon:9606",
            "publications": "|".join(pubs), "knowledge_level": "observation", "agent_type": "data_analysis_pipeline",
            "primary_knowledge_source": INFORES, "evidence": ev, "confidence": 0.6, "_file": mfile, "_line": 0}))
        for m in mids:
            out.node(m, "MicroRNA", m[8:], mfile, 0)
    return len(mids)


read_evmirna2 = adapter("evmirna2", parse_evmirna2)
