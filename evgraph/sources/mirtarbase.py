"""miRTarBase experimentally validated miRNA-target interactions: ``--source mirtarbase=FILE``.

Reads the official release table of any species (``hsa_MTI.xlsx`` exported to CSV/TSV,
``miRTarBase_MTI.csv``, gzip or not), whose header varies between releases
(``Target Gene (Entrez Gene ID)`` vs ``Target Gene (Entrez ID)``, ``References (PMID)``...).
Rows are grouped per (miRNA, target gene): one ``regulates`` edge (direction
``downregulated``) per pair, carrying every PubMed ID and experiment of the kept rows,
species of the target gene, primary knowledge source ``infores:mirtarbase``.

Option ``support`` (``mirtarbase=FILE#support=all``) filters on the Support Type:

* ``strong`` (default): ``Functional MTI`` only (reporter assay, western blot, qPCR);
* ``weak``: also ``Functional MTI (Weak)`` (high-throughput: CLIP-seq, microarray...);
* ``all``: also ``Non-Functional MTI`` (and ``Non-Functional MTI (Weak)``).

Confidence is 0.9 / 0.6 / 0.3 for the strongest support of the pair.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import mirbase_prefixes, norm_name, species_table, start_source
from ._io import Table, progress
from .vesiclepedia import mirna_name

COLUMNS = {
    "mirtarbase": ("mirtarbase id",),
    "mirna": ("mirna", "mirna name"),
    "mirna_species": ("species (mirna)", "mirna species"),
    "symbol": ("target gene", "target symbol", "target gene symbol"),
    "entrez": ("target gene (entrez gene id)", "target gene (entrez id)", "target entrez", "entrez gene id",
               "target gene entrez id"),
    "target_species": ("species (target gene)", "target species"),
    "experiments": ("experiments", "experiment"),
    "support": ("support type", "support"),
    "pmids": ("references (pmid)", "references", "pmid", "pmids"),
}
SUPPORT_LEVELS = {"functional mti": 3, "functional mti (weak)": 2, "non-functional mti": 1,
                  "non-functional mti (weak)": 1}
SUPPORT_NAMES = {3: "Functional MTI", 2: "Functional MTI (Weak)", 1: "Non-Functional MTI"}
CONFIDENCE = {3: 0.9, 2: 0.6, 1: 0.3, 0: 0.6}
MIN_LEVEL = {"strong": 3, "functional": 3, "weak": 2, "all": 1}
#: the columns :func:`_pairs_vectorised` reads (the miRTarBase ID, one distinct value per row, is not one)
VECTOR_COLUMNS = ("mirna", "symbol", "entrez", "target_species", "experiments", "support", "pmids")


@lru_cache(maxsize=1 << 14)
def _methods(raw: str) -> tuple[str, ...]:
    return tuple(m.strip() for m in re.split(r"//|;|\|", raw) if m.strip())


def _pmids(raw: str) -> list[str]:
    return [p for p in re.split(r"[|;,\s]+", raw) if p.isdigit()]


def read_mirtarbase(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import a miRTarBase release table (see the module docstring)."""
    base, out, rep = start_source("mirtarbase", path)
    opts = dict(options or {})
    support = opts.get("support", "strong").lower()
    if support not in MIN_LEVEL:
        raise DataError(Problem(base, None, "support", f"unknown support filter '{support}' "
                                                       f"(expected one of {', '.join(MIN_LEVEL)})"))
    min_level = MIN_LEVEL[support]
    t = Table(base, rep, COLUMNS, required=("mirna", "entrez"))
    if not t.has("support"):
        rep.notes.append("no Support Type column: the support filter was not applied")
    species = species_table()
    prefixes = mirbase_prefixes()
    frame = t.plain_frame(VECTOR_COLUMNS, categorical=True)
    found = _pairs_vectorised(frame, t, min_level, species, prefixes) if frame is not None else None
    if found is None:
        if frame is not None:  # a row the row loop must word: read the file again, row by row
            t = Table(base, rep, COLUMNS, required=("mirna", "entrez"))
            rep.files.pop()
            rep.rows_read -= len(frame)
        found = _pairs_rows(t, min_level, species, prefixes)
    learned, pairs_found = found
    for taxon, symbol, entrez in learned:
        out.learn_symbol(taxon, symbol, entrez)
    return _finish(out, rep, support, *pairs_found)


def _pairs_rows(t: Table, min_level: int, species: dict, prefixes: dict) -> tuple[list[tuple[str, str, str]], tuple]:
    """Read ``t`` row by row: the symbols to learn and the (miRNA, gene) pairs (see :func:`_finish`).

    Every row it cannot import is skipped and counted with its line (unknown support type,
    malformed Entrez id or miRNA name, unknown species).
    """
    rep = t.report
    fname = str(t.path)
    sp_cache: dict[str, tuple[str, str] | None] = {}
    pairs: dict[tuple[str, str], list] = {}
    i_mirna, i_entrez = t.index["mirna"], t.index["entrez"]
    i_sup = t.index.get("support")
    i_sym, i_tsp = t.index.get("symbol"), t.index.get("target_species")
    i_exp, i_pm = t.index.get("experiments"), t.index.get("pmids")
    filtered = 0
    levels = SUPPORT_LEVELS
    width = max(i for i in (i_mirna, i_entrez, i_sup, i_sym, i_tsp, i_exp, i_pm) if i is not None) + 1
    learned: dict[str, tuple[str, str, str]] = {}
    for line, f in progress(t, "mirtarbase"):
        if len(f) < width:
            f = f + [""] * (width - len(f))
        level = 0
        if i_sup is not None:
            level = levels.get(f[i_sup].strip().lower(), -1)
            if level == -1:
                rep.skip("unknown support type", fname, line, repr(f[i_sup]))
                continue
            if level < min_level:
                filtered += 1
                continue
        entrez = f[i_entrez].strip()
        if not entrez.isdigit():
            rep.skip("missing or malformed Entrez gene id", fname, line, repr(entrez))
            continue
        name = mirna_name(f[i_mirna].strip(), "")
        if name is None:
            rep.skip("malformed miRNA name", fname, line, repr(f[i_mirna]))
            continue
        tsp_raw = f[i_tsp] if i_tsp is not None else ""
        sp = sp_cache.get(tsp_raw, ())
        if sp == ():
            if tsp_raw.strip():
                sp = species.get(norm_name(tsp_raw))
            else:
                tx = prefixes.get(name.split("-", 1)[0])
                sp = (tx, "") if tx else None
            if not tsp_raw.strip():
                sp_cache.pop(tsp_raw, None)
            else:
                sp_cache[tsp_raw] = sp
        if sp is None:
            rep.skip("unknown species", fname, line, repr(tsp_raw or name))
            continue
        taxon = sp[0]
        rep.imported += 1
        key = (name, entrez)
        rec = pairs.get(key)
        if rec is None:
            if entrez not in learned:
                learned[entrez] = (taxon, f[i_sym].strip() if i_sym is not None else "", entrez)
            rec = pairs[key] = [level, set(), set(), line, taxon]
        elif level > rec[0]:
            rec[0] = level
        if i_pm is not None:
            pm = f[i_pm].strip()
            if pm.isdigit():
                rec[1].add(pm)
            elif pm:
                rec[1].update(_pmids(pm))
        if i_exp is not None and f[i_exp]:
            rec[2].add(f[i_exp])
    subj, obj, sp_col, pubs, evid, levels_out, lines = ([] for _ in range(7))
    for (name, entrez), (level, pmids, exps, line, taxon) in pairs.items():
        subj.append(name)
        obj.append(entrez)
        sp_col.append(taxon)
        pubs.append("|".join(f"PMID:{p}" for p in sorted(pmids, key=_pmid_key)))
        evid.append("; ".join(sorted({m for e in exps for m in _methods(e)})))
        levels_out.append(level)
        lines.append(line)
    return list(learned.values()), (
        filtered, np.array(subj, dtype=object), np.array(obj, dtype=object), np.array(sp_col, dtype=object),
        np.array(pubs, dtype=object), np.array(evid, dtype=object), np.array(levels_out, dtype=np.int64),
        np.array(lines, dtype=np.int64))


def _pmid_key(pmid: str) -> tuple[int, str]:
    return int(pmid), pmid


def _finish(out: SourceRecords, rep, support: str, filtered: int, names: np.ndarray, entrez: np.ndarray,
            taxa: np.ndarray, pubs: np.ndarray, methods: np.ndarray, levels: np.ndarray,
            lines: np.ndarray) -> SourceRecords:
    """Edges and nodes of the (miRNA, gene) pairs, in first-seen order (both reading paths end here)."""
    if filtered:
        rep.skip(f"filtered out by support type (kept: {support})", None, None, count=filtered)
    n = len(names)
    rep.rows_merged += rep.imported - n  # rows of a pair seen before: folded into its one edge
    # every text is made once per distinct value and the edge text columns are categoricals (380k pairs,
    # a few thousand texts): the build's later stages then work on codes
    subj = _categorical(names, lambda v: "evmirna:" + str(v))
    obj = _categorical(entrez, lambda v: "NCBIGene:" + str(v))
    if isinstance(methods, pd.Categorical):
        mcode, muniq = methods.codes.astype(np.int64), np.asarray(methods.categories, dtype=object)
    else:
        mcode, muniq = pd.factorize(pd.Series(methods, dtype=object), use_na_sentinel=False)
    m = max(len(muniq), 1)
    ecode, ekeys = pd.factorize(levels.astype(np.int64) * m + mcode)
    evid = [SUPPORT_NAMES.get(int(k // m), "support not given") + "; " + muniq[k % m] for k in ekeys]
    edges = pd.DataFrame({"subject": subj, "predicate": _constant("regulates", n), "object": obj,
                          "direction": _coded((levels != 1).astype(np.int8), ["", "downregulated"]),
                          "species": _categorical(taxa, lambda v: "NCBITaxon:" + str(v)),
                          "publications": _categorical(pubs, str),
                          "knowledge_level": _coded(np.isin(levels, (3, 0)).astype(np.int8),
                                                    ["observation", "knowledge_assertion"]),
                          "agent_type": _constant("manual_agent", n),
                          "primary_knowledge_source": _constant("infores:mirtarbase", n),
                          "evidence": _coded(ecode, evid),
                          "confidence": pd.Series(levels).map(CONFIDENCE).to_numpy(dtype=np.float64),
                          "_line": lines})
    mir_ids, gene_ids = np.asarray(subj, dtype=object), np.asarray(obj, dtype=object)
    mir = pd.DataFrame({"id": mir_ids, "_line": lines}).drop_duplicates("id")
    gen = pd.DataFrame({"id": gene_ids, "_line": lines}).drop_duplicates("id")
    nodes = pd.concat([mir.assign(category="MicroRNA", label=mir["id"].str[8:]),
                       gen.assign(category="Gene", label="")], ignore_index=True)[["id", "category", "label", "_line"]]
    rep.notes.append(f"{n} miRNA-target pairs from {rep.imported} rows")
    out.add(nodes, edges)
    return out


def _categorical(values: np.ndarray, fn) -> pd.Categorical:
    """``[fn(v) for v in values]`` as a categorical, ``fn`` called once per distinct value (``values``: an
    object array, or a categorical of the column-wise path)."""
    if isinstance(values, pd.Categorical):
        codes, uniq = values.codes, np.asarray(values.categories, dtype=object)
    else:
        codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    texts = np.empty(len(uniq), dtype=object)
    texts[:] = [fn(u) for u in uniq]
    tcodes, cats = pd.factorize(texts, use_na_sentinel=False)  # two values with one text share it
    return _coded(tcodes[codes], cats)


def _coded(codes: np.ndarray, texts) -> pd.Categorical:
    """The categorical whose row ``i`` is ``texts[codes[i]]`` (``texts`` distinct)."""
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32), categories=pd.Index(list(texts), dtype=object),
                                     validate=False)


def _constant(text: str, n: int) -> pd.Categorical:
    return _coded(np.zeros(n, dtype=np.int8), [text])


def _factor(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (int64) and distinct values of a text column, categorical (codes as they are) or not."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy().astype(np.int64), np.asarray(col.cat.categories, dtype=object)
    codes, uniq = pd.factorize(col.to_numpy(dtype=object))
    return codes.astype(np.int64), np.asarray(uniq, dtype=object)


def _mapped(col: pd.Series, rows: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` of each distinct value of ``col`` (computed once each): per row of ``rows`` the code of its
    result, and the distinct results (two values with one result share its code)."""
    codes, uniq = _factor(col)
    out = np.empty(len(uniq), dtype=object)
    out[:] = [fn(u) for u in uniq]
    rcodes, results = pd.factorize(out, use_na_sentinel=False)
    return rcodes[codes[rows]].astype(np.int64), np.asarray(results, dtype=object)


def _pairs_vectorised(df: pd.DataFrame, t: Table, min_level: int, species: dict,
                      prefixes: dict) -> tuple[list[tuple[str, str, str]], tuple] | None:
    """The row loop of :func:`read_mirtarbase` on a whole plain table, column-wise.

    Each distinct cell (support type, Entrez id, miRNA name, species, PMID list, experiment
    list) is interpreted once and rows are handled as integer codes (the columns may be
    categoricals, as :meth:`Table.plain_frame` gives them with ``categorical=True``); rows are
    grouped per (miRNA, gene) in first-seen order. Returns ``None`` when a row would be skipped
    (unknown support type, bad Entrez id or miRNA name, unknown species): the row loop then
    reads the file and reports each such row.
    """
    rep = t.report
    n = len(df)
    if "support" in df.columns:
        scodes, suniq = _factor(df["support"])
        level_of = np.array([SUPPORT_LEVELS.get(v.strip().lower(), -1) for v in suniq], dtype=np.int64)
        level = level_of[scodes] if len(suniq) else np.zeros(n, dtype=np.int64)
        if (level == -1).any():
            return None
        keep = level >= min_level
    else:
        level = np.zeros(n, dtype=np.int64)
        keep = np.ones(n, dtype=bool)
    filtered = int((~keep).sum())
    rows = np.flatnonzero(keep)
    level = level[rows]
    ecode, entrez_u = _mapped(df["entrez"], rows, str.strip)
    if not all(e.isdigit() for e in entrez_u[_used(ecode, len(entrez_u))]):
        return None
    ncode, names_u = _mapped(df["mirna"], rows, lambda v: mirna_name(v.strip(), ""))
    if any(v is None for v in names_u[_used(ncode, len(names_u))]):
        return None
    if "target_species" in df.columns:
        spcode, sp_u = _factor(df["target_species"])
        spcode = spcode[rows]
    else:
        spcode, sp_u = np.zeros(len(rows), dtype=np.int64), np.array([""], dtype=object)

    def taxon_of(tsp: str, name: str) -> str | None:
        if tsp.strip():
            sp = species.get(norm_name(tsp))
        else:
            tx = prefixes.get(name.split("-", 1)[0])
            sp = (tx, "") if tx else None
        return sp[0] if sp else None

    tcodes, tkeys = pd.factorize(spcode * max(len(names_u), 1) + ncode)
    taxa_u = np.empty(len(tkeys), dtype=object)
    taxa_u[:] = [taxon_of(sp_u[k // max(len(names_u), 1)], names_u[k % max(len(names_u), 1)]) for k in tkeys]
    if any(v is None for v in taxa_u):
        return None
    rep.imported += len(rows)
    pair, first_row = _group_codes(ncode, ecode, len(entrez_u))
    npairs = len(first_row)
    best = np.zeros(npairs, dtype=np.int64)
    if "support" in df.columns:
        np.maximum.at(best, pair, level)
    lines = df["_line"].to_numpy()[rows[first_row]]
    if "symbol" in df.columns:
        symcode, symbols_u = _mapped(df["symbol"], rows, str.strip)
    else:
        symcode, symbols_u = np.zeros(len(rows), dtype=np.int64), np.array([""], dtype=object)
    # each gene's first row, in first-seen pair order: the symbol it teaches
    _, pos = np.unique(ecode[first_row], return_index=True)
    gene_rows = first_row[np.sort(pos)]
    learned = list(zip(taxa_u[tcodes[gene_rows]], symbols_u[symcode[gene_rows]], entrez_u[ecode[gene_rows]],
                       strict=True))
    pmids = _joined_codes(pair, npairs, *_cells(df, "pmids", rows), _pmid_items, key=int, fmt="PMID:{}", sep="|")
    methods = _joined_codes(pair, npairs, *_cells(df, "experiments", rows), _methods, key=None, fmt="{}", sep="; ")
    tx_code, tx_u = pd.factorize(taxa_u)  # two species texts may name one taxon
    return learned, (filtered, _used_categorical(ncode[first_row], names_u),
                     _used_categorical(ecode[first_row], entrez_u),
                     _used_categorical(tx_code[tcodes[first_row]], np.asarray(tx_u, dtype=object)),
                     pmids, methods, best, lines)


def _used_categorical(codes: np.ndarray, uniq: np.ndarray) -> pd.Categorical:
    """``uniq[codes]`` (``uniq`` distinct) as a categorical of the values in use (an unused one may be ``None``)."""
    used = _used(codes, len(uniq))
    remap = np.zeros(len(uniq), dtype=np.int32)
    remap[used] = np.arange(len(used), dtype=np.int32)
    return pd.Categorical.from_codes(remap[codes], categories=pd.Index(list(uniq[used]), dtype=object),
                                     validate=False)


def _used(codes: np.ndarray, n: int) -> np.ndarray:
    """The distinct codes in ``codes`` (of ``n``), ascending (a count, not a hash: numpy 2.3's hash-based
    ``np.unique`` is slow on integer arrays)."""
    return np.flatnonzero(np.bincount(codes, minlength=n))


def _cells(df: pd.DataFrame, col: str, rows: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Codes (for ``rows``) and distinct values of a column, or ``(None, None)`` when it is absent."""
    if col not in df.columns:
        return None, None
    codes, uniq = _factor(df[col])
    return codes[rows], uniq


def _group_codes(ncode: np.ndarray, ecode: np.ndarray, n_entrez: int) -> tuple[np.ndarray, np.ndarray]:
    """Pair code of every row (pairs numbered in first-seen order) and each pair's first row."""
    pair, _ = pd.factorize(ncode * max(n_entrez, 1) + ecode)
    _, first = np.unique(pair, return_index=True)  # pair codes are first-seen: first rows ascend
    return pair.astype(np.int64), first


def _joined_codes(pair: np.ndarray, npairs: int, codes: np.ndarray | None, uniq: np.ndarray | None, items, key,
                  fmt: str, sep: str) -> pd.Categorical:
    """Per pair, the sorted distinct items of its rows' cells, joined (each distinct cell parsed once).

    Items are numbered by their sort rank (``key`` then text, as the row loop sorts them), so
    the (pair, item) table is a sort of 64-bit integers and the joins are one Arrow call.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if codes is None or not npairs:
        return _constant("", npairs)
    parsed = [items(u) if u else () for u in uniq]
    lens = np.fromiter((len(p) for p in parsed), dtype=np.int64, count=len(parsed))
    flat = np.empty(int(lens.sum()), dtype=object)
    flat[:] = [x for p in parsed for x in p]
    icode, items_u = pd.factorize(flat) if len(flat) else (np.zeros(0, dtype=np.int64), np.array([], dtype=object))
    order = sorted(range(len(items_u)), key=(lambda i: (key(items_u[i]), items_u[i])) if key is not None
                   else (lambda i: items_u[i]))
    rank = np.empty(len(items_u), dtype=np.int64)
    rank[np.asarray(order, dtype=np.int64)] = np.arange(len(items_u))
    cell_rank = rank[icode] if len(icode) else icode.astype(np.int64)
    starts = np.r_[0, np.cumsum(lens)[:-1]] if len(lens) else lens
    row_len = lens[codes]
    rows = np.repeat(np.arange(len(codes)), row_len)
    offs = np.arange(int(row_len.sum())) - np.repeat(np.cumsum(row_len) - row_len, row_len)
    r_item = cell_rank[np.repeat(starts[codes], row_len) + offs] if len(rows) else np.zeros(0, dtype=np.int64)
    m = max(len(items_u), 1)
    both = np.sort(pair[rows] * m + r_item)  # (pair, item), sorted by pair then item rank; then distinct
    both = both[np.r_[True, both[1:] != both[:-1]]] if len(both) else both
    p, r = both // m, both % m
    texts = pa.array([fmt.format(items_u[i]) for i in order], pa.string())
    offsets = np.zeros(npairs + 1, dtype=np.int32)
    np.cumsum(np.bincount(p, minlength=npairs), out=offsets[1:])
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), texts.take(pa.array(r))), sep)
    enc = pc.dictionary_encode(joined)  # one text per distinct joined list (no Python string per pair)
    return _coded(enc.indices.to_numpy(zero_copy_only=False), enc.dictionary.to_pylist())


def _pmid_items(raw: str) -> tuple[str, ...]:
    pm = raw.strip()
    if pm.isdigit():
        return (pm,)
    return tuple(_pmids(pm)) if pm else ()


def _group(names: np.ndarray, entrez: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair code of every row (pairs numbered in first-seen order) and each pair's first row."""
    cn, _ = pd.factorize(names)
    ce, ue = pd.factorize(entrez)
    return _group_codes(cn.astype(np.int64), ce.astype(np.int64), len(ue))


def _joined(pair: np.ndarray, npairs: int, raw: np.ndarray | None, items, key, fmt: str, sep: str) -> pd.Categorical:
    """Per pair, the sorted distinct items of its rows' cells (each distinct cell parsed once), joined."""
    if raw is None:
        return _constant("", npairs)
    codes, uniq = pd.factorize(raw)
    return _joined_codes(pair, npairs, codes.astype(np.int64), np.asarray(uniq, dtype=object), items, key, fmt, sep)
