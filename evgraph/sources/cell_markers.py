"""Cell-type marker genes (CellMarker 2.0, PanglaoDB): ``--source cell_markers=FOLDER|FILE``.

* **CellMarker 2.0** (``Cell_marker_All``, e.g. ``cellmarker2_all.tsv.gz``, or the SlimR
  package's R data file ``Cellmarker2_raw.rda`` that ``evgraph fetch cellmarker2`` downloads,
  decoded by :mod:`evgraph.sources._rdata`: ``species,
  cellontology_id, cell_name, GeneID, Symbol, PMID, cancer_type, tissue_type,
  uberonongology_id, marker_source, technology_seq``...; ``CL_0000235`` or ``CL:0000235``):
  rows of normal cells with a CL id and an Entrez GeneID; one ``gene marker_of cell type`` edge
  per (gene, cell type, species) with every PubMed id of its rows, the tissues and marker
  sources in the evidence, ``infores:cellmarker``. Cancer-cell rows are counted and left out
  (option ``cancer=yes`` keeps them).
* **PanglaoDB** (``panglaodb_markers_*.tsv``: ``species, official gene symbol, cell type,
  canonical marker, organ, sensitivity_human, specificity_human``...): human rows (``Hs``,
  ``Mm Hs``), cell type mapped to CL by the reviewed table
  ``evgraph/data/mappings/panglaodb_cell_types.tsv``, gene by symbol (resolved at the end of the
  build), ``infores:panglaodb``. PanglaoDB gives no PubMed id per marker: the edges have none.

Confidence: CellMarker 0.6 + 0.1 per further supporting publication (at most 0.9); PanglaoDB
0.7 for canonical markers, 0.5 otherwise. Mouse CellMarker genes (NCBIGene ids of mouse) land
on human nodes when the ``orthologs`` source is in the build.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

import pandas as pd

from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ._context import gene_placeholder, mappings_dir
from ._io import Table
from ._rdata import as_tsv, is_rdata, one_table
from ._records import Parsed, adapter, pick_files

CM_COLUMNS = {
    "species": ("species",), "cl": ("cellontology id", "cell ontology id", "cl id"),
    "cell": ("cell name", "cell type name"), "gene": ("geneid", "gene id", "entrez id"),
    "symbol": ("symbol", "gene symbol"), "pmid": ("pmid", "pubmed id"), "cancer": ("cancer type", "cancer"),
    "tissue": ("tissue type", "tissue"), "uberon": ("uberonongology id", "uberon ontology id", "uberon id"),
    "source": ("marker source",), "tech": ("technology seq",),
}
PG_COLUMNS = {
    "species": ("species",), "symbol": ("official gene symbol", "gene symbol"), "cell": ("cell type",),
    "canonical": ("canonical marker",), "organ": ("organ",), "sens": ("sensitivity human",),
    "spec": ("specificity human",),
}
TAXA = {"human": "9606", "mouse": "10090", "hs": "9606"}
_CL = re.compile(r"^CL[_:](\d{7})$")


@cache
def panglao_table() -> dict[str, tuple[str, str]]:
    """Lower-case PanglaoDB cell type -> (CL id, label)."""
    with open(mappings_dir() / "panglaodb_cell_types.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader([ln for ln in fh if ln.strip() and not ln.startswith("#")], delimiter="\t"))
    return {r["cell_type"].strip().lower(): (r["id"], r["label"]) for r in rows}


def _cellmarker(file: Path, rep: SourceReport, cancer: bool) -> pd.DataFrame:
    t = Table(file, rep, CM_COLUMNS, required=("cl", "gene"))
    recs: dict[tuple[str, str, str], list] = {}
    symbols = []
    for line, f in t:
        sp = TAXA.get(t.get(f, "species").lower())
        if sp is None:
            rep.skip("species other than human or mouse", str(file), line, repr(t.get(f, "species")))
            continue
        if not cancer and t.get(f, "cancer") not in ("", "Normal"):
            rep.skip("cancer cell marker (option cancer=yes)", str(file), line)
            continue
        m = _CL.match(t.get(f, "cl"))
        if not m:
            rep.skip("no Cell Ontology id", str(file), line)
            continue
        gene = t.get(f, "gene")
        if not gene.isdigit():
            rep.skip("no Entrez gene id", str(file), line)
            continue
        rep.imported += 1
        key = (f"NCBIGene:{gene}", f"CL:{m.group(1)}", sp)
        rec = recs.get(key)
        if rec is None:
            rec = recs[key] = [set(), set(), set(), line, t.get(f, "cell")]
            symbols.append((sp, t.get(f, "symbol"), gene))
        pm = t.get(f, "pmid")
        if pm.isdigit():
            rec[0].add(pm)
        tissue = t.get(f, "tissue")
        if tissue:
            rec[1].add(tissue)
        src = t.get(f, "source")
        if src:
            rec[2].add(src)
    rows = []
    for (g, cl, sp), (pmids, tissues, srcs, line, cell) in recs.items():
        pubs = "|".join(f"PMID:{p}" for p in sorted(pmids, key=int))
        ev = f"CellMarker 2.0 marker of {cell}; tissues: {', '.join(sorted(tissues)[:8])}" + (
            f"; marker source: {', '.join(sorted(srcs))}" if srcs else "")
        rows.append((g, cl, f"NCBITaxon:{sp}", pubs, ev, min(0.9, 0.6 + 0.1 * max(len(pmids) - 1, 0)), line))
    df = pd.DataFrame(rows, columns=["subject", "object", "species", "publications", "evidence", "confidence", "_line"])
    df = df.assign(predicate="marker_of", knowledge_level="knowledge_assertion", agent_type="manual_agent",
                   primary_knowledge_source="infores:cellmarker", _file=str(file))
    df.attrs["symbols"] = symbols
    return df


def _panglao(file: Path, rep: SourceReport) -> pd.DataFrame:
    t = Table(file, rep, PG_COLUMNS, required=("symbol", "cell"))
    table = panglao_table()
    rows: dict[tuple[str, str], tuple] = {}
    for line, f in t:
        species = t.get(f, "species").split()
        if "Hs" not in species:
            rep.skip("not a human marker (PanglaoDB species)", str(file), line)
            continue
        cell = t.get(f, "cell")
        hit = table.get(cell.lower())
        if hit is None:
            rep.skip("cell type not in panglaodb_cell_types.tsv", str(file), line, repr(cell))
            continue
        sym = t.get(f, "symbol")
        if not sym:
            rep.skip("missing gene symbol", str(file), line)
            continue
        rep.imported += 1
        canonical = t.get(f, "canonical") == "1"
        ev = (f"PanglaoDB marker of {cell} ({t.get(f, 'organ')}); canonical={'yes' if canonical else 'no'}; "
              f"sensitivity_human={t.get(f, 'sens')}; specificity_human={t.get(f, 'spec')}")
        key = (gene_placeholder("9606", sym), hit[0])
        if key not in rows or canonical:
            rows[key] = (*key, ev, 0.7 if canonical else 0.5, line)
    df = pd.DataFrame(list(rows.values()), columns=["subject", "object", "evidence", "confidence", "_line"])
    return df.assign(predicate="marker_of", species="NCBITaxon:9606", publications="",
                     knowledge_level="knowledge_assertion", agent_type="manual_agent",
                     primary_knowledge_source="infores:panglaodb", _file=str(file))


def parse_cell_markers(path: Path, options: dict[str, str]) -> Parsed:
    """CellMarker 2.0 and PanglaoDB cell-type markers: gene marker_of cell type (CL), with PMIDs."""
    rep = SourceReport("cell_markers", str(path))
    cancer = options.get("cancer", "no").lower() in ("yes", "true", "1")
    files = pick_files(path, "cell_markers", {"cellmarker": ("cellmarker", "cell_marker"), "panglao": ("panglao",)})
    frames, symbols = [], []
    for file in files.get("cellmarker", []):
        if is_rdata(file):  # SlimR's Cellmarker2_raw object: the same table as R data
            use_cache = options.get("cache", "yes").lower() not in ("no", "false", "0", "off")
            tsv = as_tsv(file, one_table(file, use_cache), file.name.split(".")[0], use_cache)
            rep.notes.append(f"{file.name}: R data decoded to {tsv} (line n + 1 = row n of the R table)")
            file = tsv
        df = _cellmarker(file, rep, cancer)
        symbols += df.attrs.pop("symbols", [])
        frames.append(df)
    for file in files.get("panglao", []):
        frames.append(_panglao(file, rep))
    if not frames:
        raise DataError(Problem(str(path), None, None, "cell_markers: no CellMarker or PanglaoDB file"))
    edges = pd.concat(frames, ignore_index=True)
    cl = pd.unique(edges["object"])
    labels = {i: lab for i, lab in panglao_table().values()}
    nodes = pd.concat([
        pd.DataFrame({"id": cl, "category": "CellType", "label": [labels.get(c, "") for c in cl], "_line": 0}),
        pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0}),
    ], ignore_index=True)
    rep.notes.append(f"{(edges['primary_knowledge_source'] == 'infores:cellmarker').sum()} CellMarker and "
                     f"{(edges['primary_knowledge_source'] == 'infores:panglaodb').sum()} PanglaoDB marker edges")
    return Parsed("cell_markers", nodes, edges, rep, symbols)


read_cell_markers = adapter("cell_markers", parse_cell_markers)
