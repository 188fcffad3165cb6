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

import pandas as pd

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import mirbase_prefixes, norm_name, species_table, start_source, taxon_curie
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
    sp_cache: dict[str, tuple[str, str] | None] = {}
    pairs: dict[tuple[str, str], list] = {}
    fname = str(base)
    i_mirna, i_entrez = t.index["mirna"], t.index["entrez"]
    i_sup = t.index.get("support")
    i_sym, i_tsp = t.index.get("symbol"), t.index.get("target_species")
    i_exp, i_pm = t.index.get("experiments"), t.index.get("pmids")
    filtered = 0
    levels = SUPPORT_LEVELS
    width = max(i for i in (i_mirna, i_entrez, i_sup, i_sym, i_tsp, i_exp, i_pm) if i is not None) + 1
    learned: set[str] = set()
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
                learned.add(entrez)
                out.learn_symbol(taxon, f[i_sym].strip() if i_sym is not None else "", entrez)
            rec = pairs[key] = [level, set(), set(), line, taxon, ""]
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
    if filtered:
        rep.skip(f"filtered out by support type (kept: {support})", None, None, count=filtered)
    n = len(pairs)
    subj, obj, sp_col, pubs, evid, conf, direction, level_col, lines = ([] for _ in range(9))
    mirnas: dict[str, int] = {}
    genes: dict[str, int] = {}
    for (name, entrez), (level, pmids, exps, line, taxon, _mirt) in pairs.items():
        mid = f"evmirna:{name}"
        gid = f"NCBIGene:{entrez}"
        mirnas.setdefault(mid, line)
        genes.setdefault(gid, line)
        subj.append(mid)
        obj.append(gid)
        sp_col.append(taxon_curie(taxon))
        pubs.append("|".join(f"PMID:{p}" for p in sorted(pmids, key=int)))
        methods = sorted({m for e in exps for m in _methods(e)})
        evid.append(f"{SUPPORT_NAMES.get(level, 'support not given')}; " + "; ".join(methods))
        conf.append(CONFIDENCE[level])
        direction.append("downregulated" if level != 1 else "")
        level_col.append("knowledge_assertion" if level in (3, 0) else "observation")
        lines.append(line)
    edges = pd.DataFrame({"subject": subj, "predicate": "regulates", "object": obj, "direction": direction,
                          "species": sp_col, "publications": pubs, "knowledge_level": level_col,
                          "agent_type": "manual_agent", "primary_knowledge_source": "infores:mirtarbase",
                          "evidence": evid, "confidence": conf, "_line": lines})
    nodes = pd.DataFrame(
        [{"id": m, "category": "MicroRNA", "label": m[8:], "_line": ln} for m, ln in mirnas.items()]
        + [{"id": g, "category": "Gene", "label": "", "_line": ln} for g, ln in genes.items()])
    rep.notes.append(f"{n} miRNA-target pairs from {rep.imported} rows")
    out.add(nodes, edges)
    return out
