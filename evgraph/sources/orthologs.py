"""Mouse and rat genes onto their human orthologs: ``--source orthologs=FOLDER|FILE``.

Reads HomoloGene (NCBI Gene ids) in either layout:

* the human-pair table (``homologene_id, human_gene_id, human_symbol, other_taxon_id,
  other_gene_id, other_symbol``; e.g. ``homologene68_updated_human_mouse_rat.tsv``);
* NCBI's release file ``homologene.data`` (header-less: ``HID, taxon, GeneID, symbol,
  protein gi, protein accession``), of which the human, mouse and rat rows are used.

A folder (e.g. ``orthologs=DATA/orthologs`` in the shared reference data) is searched for ``*homologene*`` tables
(``.tsv``/``.data``, gzip or not). The source adds no records of its own: at the end of the
build every mouse (NCBITaxon:10090) or rat (NCBITaxon:10116) ``NCBIGene`` id on any imported
edge (ExoCarta, Vesiclepedia, mouse miRTarBase, ...) is replaced by its human ortholog:

* **1:1** (the HomoloGene group has one human and one gene of that species) first;
* one-to-many / many-to-one / many-to-many groups map the gene to *every* human gene of the
  group and say so (``many-to-many``) on the edge;

the edge keeps its species (the organism observed) and its evidence gains
``ortholog: NCBIGene:16409 (Itgam, mouse) -> human, HomoloGene:3 (1:1)``; the same is on the edge
as typed fields (:mod:`evgraph.evidence`, in every export): ``ortholog_subject`` /
``ortholog_object`` the original id of the end that moved, ``ortholog_group``
``HomoloGene:3 (1:1)``; the human node lists
the original id among its ``xrefs``. The QC report gives, per source and species, how many
distinct gene ids were mapped; genes without a human ortholog keep their own id.

>>> from evgraph.sources.orthologs import classify_groups
>>> import pandas as pd
>>> t = pd.DataFrame({"hid": ["1", "2", "2"], "human": ["10", "20", "21"], "other": ["110", "120", "120"],
...                   "taxon": ["10090"] * 3})
>>> list(classify_groups(t)["kind"])
['1:1', 'many-to-one', 'many-to-one']
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from ..build.columns import per_value, renumbered
from ..build.qc import SourceReport
from ..errors import DataError, Problem
from ._io import Table, progress
from ._records import Parsed, adapter, pick_files

SPECIES = {"10090": "mouse", "10116": "rat"}
SOURCE_NAME = "HomoloGene"
PAIR_COLUMNS = {
    "hid": ("homologene id", "hid", "homologene group"),
    "human": ("human gene id", "human entrez", "human ncbi gene id"),
    "human_symbol": ("human symbol", "human gene symbol"),
    "taxon": ("other taxon id", "taxon id", "other taxon"),
    "other": ("other gene id", "other entrez", "ortholog gene id"),
    "other_symbol": ("other symbol", "ortholog symbol"),
}
NCBI_NAMES = ("hid", "taxon", "gene", "symbol", "gi", "accession")


def classify_groups(pairs: pd.DataFrame) -> pd.DataFrame:
    """Add ``kind`` (1:1, one-to-many, many-to-one, many-to-many) to human-other pairs.

    ``one-to-many``: one human gene, several genes of the other species; ``many-to-one``: one
    gene of the other species with several human genes.
    """
    if pairs.empty:
        return pairs.assign(kind=pd.Series(dtype=object))
    key = pairs["hid"] + "\t" + pairs["taxon"]
    n_h = pairs.groupby(key)["human"].transform("nunique")
    n_o = pairs.groupby(key)["other"].transform("nunique")
    kind = np.select([(n_h == 1) & (n_o == 1), n_h == 1, n_o == 1], ["1:1", "one-to-many", "many-to-one"],
                     "many-to-many")
    return pairs.assign(kind=kind)


def _read_pairs(file: Path, rep: SourceReport) -> list[tuple[str, str, str, str, str, str]]:
    t = Table(file, rep, PAIR_COLUMNS)
    rows = []
    if t.has("human") and t.has("other") and t.has("taxon"):
        for line, f in progress(t, "orthologs"):
            hid, human, taxon, other = (t.get(f, c) for c in ("hid", "human", "taxon", "other"))
            if not (human.isdigit() and other.isdigit()):
                rep.skip("missing or malformed gene id", str(file), line, f"{human!r} / {other!r}")
                continue
            if taxon not in SPECIES:
                rep.skip("species other than mouse or rat", str(file), line, repr(taxon))
                continue
            rep.imported += 1
            rows.append((hid, human, t.get(f, "human_symbol"), taxon, other, t.get(f, "other_symbol")))
        return rows
    raise DataError(Problem(str(file), getattr(t, "header_line", 1), None,
                            "unknown column layout: expected human_gene_id, other_taxon_id and other_gene_id "
                            f"(header has: {', '.join(t.header)})"))


def _read_ncbi(file: Path, rep: SourceReport) -> list[tuple[str, str, str, str, str, str]]:
    t = Table(file, rep, {n: () for n in NCBI_NAMES}, required=("hid", "taxon", "gene"), names=NCBI_NAMES,
              delimiter="\t")
    groups: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for line, f in progress(t, "orthologs"):
        hid, taxon, gene = t.get(f, "hid"), t.get(f, "taxon"), t.get(f, "gene")
        if not (hid.isdigit() and taxon.isdigit() and gene.isdigit()):
            rep.skip("malformed row (expected numeric HID, taxon and GeneID)", str(file), line,
                     f"{hid!r} {taxon!r} {gene!r}")
            continue
        if taxon != "9606" and taxon not in SPECIES:
            continue
        rep.imported += 1
        groups.setdefault(hid, {}).setdefault(taxon, []).append((gene, t.get(f, "symbol")))
    rows = []
    for hid, by_taxon in groups.items():
        for human, hsym in by_taxon.get("9606", []):
            for taxon in SPECIES:
                for other, osym in by_taxon.get(taxon, []):
                    rows.append((hid, human, hsym, taxon, other, osym))
    return rows


def parse_orthologs(path: Path, options: dict[str, str]) -> Parsed:
    """HomoloGene human-mouse-rat orthologs (NCBI Gene ids) for mapping mouse/rat genes to human."""
    rep = SourceReport("orthologs", str(path))
    files = pick_files(path, "orthologs", {"homologene": ("homologene",)})
    rows: list[tuple[str, str, str, str, str, str]] = []
    for file in files["homologene"]:
        if file.suffix == ".rda":
            rep.notes.append(f"{file.name}: R data file not read (use the .tsv pairs or NCBI homologene.data)")
            continue
        head = _first_line(file)
        if "\t" in head and head.split("\t")[0].strip().isdigit():
            rows += _read_ncbi(file, rep)
        else:
            rows += _read_pairs(file, rep)
    if path.is_dir():
        others = sorted(p.name for p in path.iterdir() if p.is_file() and "homologene" not in p.name.lower())
        if others:
            rep.notes.append("not used: " + ", ".join(others) + " (Ensembl-keyed or not a HomoloGene table; "
                             "graph genes are NCBI Gene ids)")
    pairs = pd.DataFrame(rows, columns=["hid", "human", "human_symbol", "taxon", "other", "other_symbol"])
    pairs = classify_groups(pairs.drop_duplicates(["hid", "human", "taxon", "other"]))
    for taxon, name in SPECIES.items():
        sub = pairs[pairs["taxon"] == taxon]
        if len(sub):
            kinds = sub.drop_duplicates("other")["kind"].value_counts().to_dict()
            rep.notes.append(f"{name}: {sub['other'].nunique()} genes with a human ortholog ("
                             + ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds)) + ")")
    symbols = [("9606", s, g) for g, s in zip(pairs["human"], pairs["human_symbol"], strict=True) if s]
    symbols += [(t, s, g) for t, g, s in zip(pairs["taxon"], pairs["other"], pairs["other_symbol"], strict=True) if s]
    empty = pd.DataFrame(columns=["id", "category", "label"])
    return Parsed("orthologs", empty, pd.DataFrame(columns=["subject", "predicate", "object"]), rep, symbols,
                  {"orthologs": pairs})


def _first_line(file: Path) -> str:
    from ._io import iter_lines

    for _, text in iter_lines(file):
        if text.strip():
            return text
    return ""


read_orthologs = adapter("orthologs", parse_orthologs)


def apply_orthologs(ctx, edges: pd.DataFrame, nodes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace mouse/rat ``NCBIGene`` ids by human orthologs (see the module docstring)."""
    pairs: pd.DataFrame | None = ctx.__dict__.get("orthologs")
    if pairs is None or pairs.empty or edges.empty:
        return edges, nodes
    table = pairs.assign(old="NCBIGene:" + pairs["other"], new="NCBIGene:" + pairs["human"])
    pairs_sorted = table[["old", "new"]].drop_duplicates().sort_values(["old", "new"], kind="stable")
    olds, news = pairs_sorted["old"].to_numpy(dtype=object), pairs_sorted["new"].to_numpy(dtype=object)
    bounds = np.flatnonzero(np.r_[True, olds[1:] != olds[:-1], True])
    info = table.drop_duplicates("old").set_index("old")
    note = ("ortholog: " + info.index + " (" + info["other_symbol"] + ", " + info["taxon"].map(SPECIES)
            + ") -> human, HomoloGene:" + info["hid"] + " (" + info["kind"] + ")")
    note_map = note.to_dict()
    group_map = ("HomoloGene:" + info["hid"] + " (" + info["kind"] + ")").to_dict()
    target_map = {olds[a]: list(news[a:b]) for a, b in itertools.pairwise(bounds)}
    _rates(ctx, edges, {t: set("NCBIGene:" + pairs.loc[pairs["taxon"] == t, "other"]) for t in SPECIES})
    if "evidence" not in edges.columns:
        edges["evidence"] = ""
    edges["evidence"] = per_value(edges["evidence"], lambda v: "" if v is None or v != v else str(v))
    for col in ("subject", "object"):
        hit = edges[col].isin(target_map.keys()).to_numpy()
        if not hit.any():
            continue
        # rows without an ortholog, then each mapped row once per human ortholog (one take, no copies)
        keep, mapped = np.flatnonzero(~hit), np.flatnonzero(hit)
        old = edges[col].to_numpy(dtype=object)[mapped]
        new = [target_map[o] for o in old]
        counts = np.fromiter((len(n) for n in new), dtype=np.int64, count=len(new))
        ev = edges["evidence"].to_numpy(dtype=object)[mapped]
        notes = pd.Series(old).map(note_map).to_numpy(dtype=object)
        ev = np.where(ev == "", notes, ev + "; " + notes)
        edges = renumbered(edges.take(np.concatenate([keep, np.repeat(mapped, counts)])))
        n_keep = len(keep)
        col_values = edges[col].to_numpy(dtype=object).copy()
        col_values[n_keep:] = [x for n in new for x in n]
        ev_values = edges["evidence"].to_numpy(dtype=object).copy()
        ev_values[n_keep:] = np.repeat(ev, counts)
        edges[col] = col_values
        edges["evidence"] = ev_values
        # the same as typed fields (evgraph.evidence): the original id of this end, and the group
        groups = np.repeat(pd.Series(old).map(group_map).to_numpy(dtype=object), counts)
        for name, values in ((f"ortholog_{col}", np.repeat(old, counts)), ("ortholog_group", groups)):
            cur = (edges[name].astype(object).where(edges[name].notna(), "").to_numpy(dtype=object).copy()
                   if name in edges.columns else np.full(len(edges), "", dtype=object))
            before = cur[n_keep:]
            cur[n_keep:] = np.where(before == "", values, before + "|" + values)
            edges[name] = cur
    if not nodes.empty:
        hit = nodes["id"].isin(target_map.keys())
        if hit.any():
            sub = nodes.loc[hit].copy()
            old = sub["id"].to_numpy()
            sub["xrefs"] = old
            sub["label"] = ""
            sub["id"] = [target_map[o] for o in old]
            nodes = pd.concat([nodes.loc[~hit], sub.explode("id")], ignore_index=True)
    return edges, nodes


def _rates(ctx, edges: pd.DataFrame, mapped: dict[str, set[str]]) -> None:
    """Per source and species: distinct gene ids on edges observed only in that species, and how many mapped."""
    if "species" not in edges.columns or "_src" not in edges.columns:
        return
    for taxon, name in SPECIES.items():
        sp = edges["species"] == f"NCBITaxon:{taxon}"
        if not sp.any():
            continue
        sub = edges.loc[sp, ["subject", "object", "_src"]]
        ends = pd.concat([sub[["subject", "_src"]].set_axis(["id", "_src"], axis=1),
                          sub[["object", "_src"]].set_axis(["id", "_src"], axis=1)], ignore_index=True)
        ends = ends[ends["id"].str.startswith("NCBIGene:")].drop_duplicates()
        for src, grp in ends.groupby("_src", sort=True):
            if int(src) < 0:
                continue
            ok = int(grp["id"].isin(mapped[taxon]).sum())
            ctx.pending[int(src)].report.mapping(f"{name} gene -> human ortholog (HomoloGene)", ok, len(grp))
    _mislabelled(ctx, edges, mapped)


def _mislabelled(ctx, edges: pd.DataFrame, mapped: dict[str, set[str]]) -> None:
    """Count, per source, edges *labelled* human whose gene id is a mouse or rat gene of HomoloGene.

    An NCBI Gene id names one gene of one organism, so such an id is moved to its human ortholog
    like any other mouse/rat id (what the row's human label means); the source's label and id
    disagree, and the QC report says how often and where (the edge keeps its species label)."""
    human = edges["species"] == "NCBITaxon:9606"
    if not human.any():
        return
    other = set().union(*mapped.values())
    sub = edges.loc[human, [c for c in ("subject", "object", "_src", "_line") if c in edges.columns]]
    hit = sub["subject"].isin(other) | sub["object"].isin(other)
    for src, grp in sub[hit.to_numpy()].groupby("_src", sort=True):
        if int(src) < 0:
            continue
        first = grp.iloc[0]
        gene = first["object"] if first["object"] in other else first["subject"]
        where = f", line {int(first['_line'])}" if "_line" in grp.columns else ""
        ctx.pending[int(src)].report.notes.append(
            f"{len(grp)} edges labelled human (NCBITaxon:9606) name a mouse or rat NCBI Gene id (first: {gene}"
            f"{where}): moved to the human ortholog like the others; the source's species label and gene id disagree")
