"""Normalise identifiers across the sources of one build (the stage between reading and assembling).

Readers (``vesiclepedia``, ``mirtarbase``, ``reactome``, ...) queue their records in the build's
returned :class:`~evgraph.build.records.SourceRecords` and their lookup tables, because
identifiers can only be normalised once every source has been read. :func:`normalise` then:

1. resolves gene symbols to NCBI Gene IDs per species (``?sym:9606:TP53`` placeholders), from
   every source that gives symbol and Entrez ID together (ExoCarta, Vesiclepedia, miRTarBase,
   DisGeNET, HI-II-14, a ``genes`` table) and from the curated knowledge base's genes;
2. maps UMLS disease ids to DOID through the Disease Ontology's xrefs (``ontologies`` source),
   and DOID to the curated MONDO conditions through their ``xrefs``;
3. maps miRNA names (``evmirna:hsa-let-7a``) to the curated ``mirbase:MIMAT...`` node with the
   same label, and links a name without an arm (``hsa-let-7a``) to both arms
   (``hsa-let-7a-5p``, ``hsa-let-7a-3p``) when the build knows them;
4. labels CL/UBERON/MONDO/DOID nodes from the ontologies, sets condition categories from the
   disease hierarchy, and adds roll-up edges (cell type ``part_of`` organ, condition
   ``subclass_of`` condition) between nodes of the graph (:mod:`evgraph.build.enrich`);
5. counts every record it drops (unmapped identifier) in the source's QC report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from ..model import LIST_SEP, NODE_COLUMNS
from .builder import prepare_frame
from .columns import join_sorted_unique, per_value, renumbered, starts_with
from .enrich import ontology_enrichment
from .qc import SourceReport
from .records import SourceRecords, Term, learn_symbol, norm_name

ROLLUP = "ontology roll-up"

_ARM = re.compile(r"-(5p|3p)$")


# ====================================================================== lookups
class Lookups:
    """The lookup tables of every source of a build, merged in source order (first one wins)."""

    def __init__(self, records: list[SourceRecords]) -> None:
        self.symbols: dict[str, dict[str, str]] = defaultdict(dict)
        self.symbol_conflicts: dict[str, set[str]] = defaultdict(set)
        self.gene_labels: dict[str, str] = {}
        self.terms: dict[str, Term] = {}
        self.pathway_names: dict[str, str] = {}
        #: the records to normalise (not ``final``), in source order; ``_src`` indexes this list
        self.pending: list[SourceRecords] = [r for r in records if not r.final]
        for rec in records:
            for taxon, table in rec.symbols.items():
                mine = self.symbols[taxon]
                for key, entrez in table.items():
                    prev = mine.get(key)
                    if prev is None:
                        mine[key] = entrez
                    elif prev != entrez:
                        self.symbol_conflicts[taxon].add(key)
            for taxon, keys in rec.symbol_conflicts.items():
                self.symbol_conflicts[taxon] |= keys
            for entrez, label in rec.gene_labels.items():
                self.gene_labels.setdefault(entrez, label)
            for tid, term in rec.terms.items():
                prev = self.terms.get(tid)
                self.terms[tid] = prev.merged(term) if prev else term
            for name, pid in rec.pathway_names.items():
                self.pathway_names.setdefault(name, pid)
            for key, value in rec.extra.items():  # other tables, by name (e.g. the ortholog pairs)
                setattr(self, key, value)

    def learn_symbol(self, taxon: str, symbol: str, entrez: str) -> None:
        """Add ``symbol`` -> ``entrez`` (first one wins), as a reader would."""
        learn_symbol(self.symbols, self.symbol_conflicts, self.gene_labels, taxon, symbol, entrez)


def node_table(records: list[SourceRecords]) -> pd.DataFrame:
    """Id, class, label, xrefs and synonyms of the nodes of ``final`` records (first record of an id wins)."""
    cols = ["id", "category", "label", "xrefs", "synonyms"]
    frames = [prepare_frame(f.frame, NODE_COLUMNS, f.file)[cols] for r in records if r.final for f in r.nodes]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True).drop_duplicates("id")


def finish(records: list[SourceRecords]) -> None:
    """Run each source's pending step with the classes of the nodes of the final sources before it."""
    known: dict[str, str] = {}
    for rec in records:
        rec.finish(known)
        if rec.final:
            for f in rec.nodes:
                prepared = prepare_frame(f.frame, NODE_COLUMNS, f.file)
                known.update(zip(prepared["id"], prepared["category"], strict=True))


# ====================================================================== normalise
def normalise(records: list[SourceRecords]) -> list[SourceRecords]:
    """Normalise identifiers across ``records``; return the records to assemble, in order.

    ``final`` records come first, unchanged; then each other source's records with identifiers
    mapped (placeholders resolved, unmapped records dropped and counted in its report, nodes
    merged, nodes already defined by a final source removed); then, when the ontologies add
    any, the ``ontology roll-up`` records. Each source keeps its own :class:`SourceReport`.
    The other sources' input records are consumed: their frames are released once merged.

    >>> from evgraph.sources.curated import read_curated
    >>> out = normalise([read_curated()])
    >>> [r.name for r in out]
    ['curated']
    """
    finish(records)
    ctx = Lookups(records)
    final = [r for r in records if r.final]
    if not ctx.pending and not ctx.terms:
        return final
    existing = node_table(records)
    ex_cat = dict(zip(existing["id"], existing["category"], strict=True))

    # curated genes teach symbols too (human-normalised NCBIGene ids)
    genes = existing[(existing["category"] == "Gene") & existing["id"].str.startswith("NCBIGene:")]
    for cid, label in zip(genes["id"], genes["label"], strict=True):
        ctx.learn_symbol("9606", label, cid.split(":", 1)[1])

    edge_frames, node_frames = [], []
    for i, pend in enumerate(ctx.pending):
        for e in pend.edges:
            edge_frames.append(e.frame.assign(_src=i))
        for n in pend.nodes:
            node_frames.append(n.frame.assign(_src=i))
    edges = pd.concat(edge_frames, ignore_index=True) if edge_frames else pd.DataFrame(
        columns=["subject", "predicate", "object", "_src"])
    nodes = pd.concat(node_frames, ignore_index=True) if node_frames else pd.DataFrame(
        columns=["id", "category", "label", "_src"])
    del edge_frames, node_frames
    for pend in ctx.pending:  # consumed: their rows live on in the merged frames (memory of big priors)
        pend.nodes, pend.edges = [], []
    for col in ("label", "xrefs", "synonyms", "description", "condition_category"):
        if col not in nodes.columns:
            nodes[col] = ""
        nodes[col] = nodes[col].fillna("")

    mapping = _build_mapping(ctx, edges, nodes, existing)
    _mapping_rates(ctx, edges, mapping)
    edges = _apply_mapping(ctx, edges, mapping)
    nodes = _map_nodes(nodes, mapping)
    from ..sources.orthologs import apply_orthologs  # mouse/rat genes -> human orthologs (issue 14)

    edges, nodes = apply_orthologs(ctx, edges, nodes)

    # ontology roll-up edges between nodes of the graph
    nodes, extra = ontology_enrichment(ctx.terms, nodes, edges, existing)
    if len(extra):
        edges = pd.concat([edges, extra], ignore_index=True)

    # gene labels from the symbol tables
    gmask = starts_with(nodes["id"], "NCBIGene:") & (nodes["label"] == "").to_numpy()
    if gmask.any():
        nodes.loc[gmask, "label"] = [ctx.gene_labels.get(i[9:], "") for i in nodes.loc[gmask, "id"]]

    # a sample the curated knowledge base defines as a biofluid cannot release EVs: sampled_from
    fluid = edges["predicate"].eq("releases") & edges["subject"].map(ex_cat).eq("Biofluid")
    if fluid.any():
        for col in ("subject", "object"):  # written into: plain objects (the mapped columns are categoricals)
            edges[col] = edges[col].to_numpy(dtype=object)
        edges.loc[fluid, ["subject", "object"]] = edges.loc[fluid, ["object", "subject"]].to_numpy()
        edges.loc[fluid, "predicate"] = "sampled_from"

    # one record per node (xrefs merged); nodes defined by curated/KGX sources win
    if "xrefs" in nodes.columns and (nodes["xrefs"] != "").any():
        with_x = nodes[nodes["xrefs"] != ""]
        items = with_x.assign(_x=with_x["xrefs"].str.split(LIST_SEP)).explode("_x")
        items = items[items["_x"] != ""]
        xr = join_sorted_unique(items["id"].to_numpy(dtype=object), items["_x"].to_numpy(dtype=object), LIST_SEP)
        nodes["xrefs"] = nodes["id"].map(xr).fillna("")
    nodes["_nolabel"] = nodes["label"] == ""
    nodes = nodes.sort_values(["id", "_nolabel", "_src"], kind="stable").drop_duplicates("id")
    nodes = nodes[~nodes["id"].isin(ex_cat.keys())].drop(columns="_nolabel")

    # the surviving records of each source, then the roll-up
    out = list(final)
    for i, pend in enumerate(ctx.pending):
        rep = pend.report
        done = SourceRecords(pend.name, rep, provenance=pend.provenance)
        done.add(nodes=nodes[nodes["_src"] == i].drop(columns="_src"),
                 edges=edges[edges["_src"] == i].drop(columns="_src"), file=f"{rep.name}:{rep.path}")
        out.append(done)
    if len(extra):
        rollup = SourceRecords(ROLLUP, SourceReport(ROLLUP), final=True)
        e = edges[edges["_src"] == -1]
        rollup.add(nodes=nodes[nodes["_src"] == -1].drop(columns="_src"), edges=e.drop(columns="_src"), file=ROLLUP)
        rollup.report.imported = len(e)
        rollup.report.notes.append("cell type part_of organ and condition subclass_of condition edges from the "
                                   "ontologies")
        out.append(rollup)
    return out


def _build_mapping(ctx: Lookups, edges: pd.DataFrame, nodes: pd.DataFrame,
                   existing: pd.DataFrame) -> dict[str, list[str] | str | None]:
    """old id -> new id(s) (a list expands the edge; None drops it)."""
    ids = pd.unique(pd.concat([edges["subject"], edges["object"], nodes["id"]], ignore_index=True))
    mapping: dict[str, Any] = {}

    # UMLS -> DOID via ontology xrefs; DOID/other -> curated id via curated xrefs
    umls_to_doid: dict[str, list[str]] = defaultdict(list)
    xref_to_id: dict[str, str] = {}
    for tid, term in ctx.terms.items():
        for x in term.xrefs:
            if x.startswith("UMLS:"):
                umls_to_doid[x[5:]].append(tid)
            elif tid.startswith("MONDO:") and x.startswith("DOID:"):
                xref_to_id.setdefault(x, tid)
    cond = existing[existing["category"] == "Condition"]
    for cid, xrefs in zip(cond["id"], cond["xrefs"], strict=True):
        for x in str(xrefs).split(LIST_SEP):
            if x:
                xref_to_id[x] = cid  # curated wins
    existing_ids = set(existing["id"])

    def cond_id(cid: str) -> str:
        return cid if cid in existing_ids else xref_to_id.get(cid, cid)

    # miRNAs: curated labels, known arms
    mir = existing[existing["category"] == "MicroRNA"]
    mir_by_label = {str(lab): cid for cid, lab in zip(mir["id"], mir["label"], strict=True) if lab}
    names = {i[8:] for i in ids if isinstance(i, str) and i.startswith("evmirna:")} | set(mir_by_label)
    arms: dict[str, list[str]] = defaultdict(list)
    for nm in names:
        m = _ARM.search(nm)
        if m:
            arms[nm[: m.start()]].append(nm)

    def mirna_ids(nm: str) -> list[str]:
        targets = sorted(arms[nm]) if nm in arms and not _ARM.search(nm) else [nm]
        return [mir_by_label.get(t, f"evmirna:{t}") for t in targets]

    for i in ids:
        if not isinstance(i, str):
            continue
        if i.startswith("?sym:"):
            _, taxon, sym = i.split(":", 2)
            entrez = ctx.symbols.get(taxon, {}).get(sym)
            mapping[i] = f"NCBIGene:{entrez}" if entrez else None
        elif i.startswith("?umls:"):
            doids = sorted(set(umls_to_doid.get(i[6:], [])))
            mapping[i] = sorted({cond_id(d) for d in doids}) or None
        elif i.startswith("?pwname:"):
            mapping[i] = ctx.pathway_names.get(norm_name(i[8:]))
        elif i.startswith("evmirna:"):
            new = mirna_ids(i[8:])
            if new != [i]:
                mapping[i] = new if len(new) > 1 else new[0]
        elif i.startswith(("DOID:", "MONDO:")):
            new = cond_id(i)
            if new != i:
                mapping[i] = new
    return mapping


_RATE_NAMES = {"?sym:": "gene symbol -> NCBI Gene", "?umls:": "UMLS disease -> DOID/MONDO",
               "?pwname:": "pathway name -> Reactome/WikiPathways id"}


def _mapping_rates(ctx: Lookups, edges: pd.DataFrame, mapping: dict[str, Any]) -> None:
    """Record, per source, how many distinct placeholder identifiers were resolved."""
    if edges.empty:
        return
    _mirbase_rates(ctx, edges, mapping)
    ends = _edge_ends(edges, "?")
    if ends.empty:
        return
    ends["kind"] = ends["id"].str.extract(r"^(\?\w+:)", expand=False)
    ends["ok"] = [mapping.get(i) is not None for i in ends["id"]]
    for (src, kind), grp in ends.groupby(["_src", "kind"], sort=True):
        ctx.pending[int(src)].report.mapping(_RATE_NAMES.get(kind, kind), int(grp["ok"].sum()), len(grp))


def _edge_ends(edges: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """The distinct ``(id, _src)`` of edge subjects, then objects, whose id starts with ``prefix`` (first-seen order).

    Works on codes: each column's ids are looked at once per distinct value (categorical or not).

    >>> e = pd.DataFrame({"subject": ["?a", "b", "?a"], "object": pd.Categorical(["?c", "?a", "?c"]),
    ...                   "_src": [0, 0, 0]})
    >>> _edge_ends(e, "?").to_dict("list")
    {'id': ['?a', '?c'], '_src': [0, 0]}
    """
    ids, codes, srcs = [], [], []
    offset = 0
    src = edges["_src"].to_numpy()
    for c in ("subject", "object"):
        col = edges[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            code, uniq = col.cat.codes.to_numpy().astype(np.int64), np.asarray(col.cat.categories, dtype=object)
        else:
            code, uniq = pd.factorize(col.to_numpy(dtype=object))
            code, uniq = code.astype(np.int64), np.asarray(uniq, dtype=object)
        keep = np.zeros(len(uniq) + 1, dtype=bool)  # the last slot: missing cells (code -1)
        keep[:-1] = [isinstance(u, str) and u.startswith(prefix) for u in uniq]
        hit = keep[code]
        ids.append(uniq)
        codes.append(code[hit] + offset)
        srcs.append(src[hit])
        offset += len(uniq)
    # one code per id text across both columns (an id may be a subject and an object)
    gcode, gids = pd.factorize(np.concatenate(ids))
    pairs = pd.DataFrame({"k": gcode[np.concatenate(codes)], "_src": np.concatenate(srcs)}).drop_duplicates()
    return pd.DataFrame({"id": np.asarray(gids, dtype=object)[pairs["k"].to_numpy()], "_src": pairs["_src"].to_numpy()})


MIRBASE_RATE = "miRNA name -> miRBase accession (curated entities)"


def _mirbase_rates(ctx: Lookups, edges: pd.DataFrame, mapping: dict[str, Any]) -> None:
    """Per source: distinct miRNA names (``evmirna:``) on its edges, and how many reach a ``mirbase:`` node.

    A name maps to a miRBase accession only through a curated miRNA node with that label (the
    build loads no miRBase table); the others stay ``evmirna:NAME`` nodes, counted here and named
    (first five) in a note, so a reader of the QC report sees how many miRNAs lack an accession.
    """
    ends = _edge_ends(edges, "evmirna:")
    if ends.empty:
        return

    def accession(i: str) -> bool:
        new = mapping.get(i, i)
        return all(isinstance(x, str) and x.startswith("mirbase:") for x in (new if isinstance(new, list) else [new]))

    ends["ok"] = per_value(ends["id"], accession, dtype=bool)
    for src, grp in ends.groupby("_src", sort=True):
        if int(src) < 0:
            continue
        rep = ctx.pending[int(src)].report
        ok = int(grp["ok"].sum())
        rep.mapping(MIRBASE_RATE, ok, len(grp))
        if ok < len(grp):
            missing = sorted(grp.loc[~grp["ok"], "id"].str[8:])
            rep.notes.append(f"{len(missing)} of {len(grp)} miRNA names have no miRBase accession in this build "
                             "(no curated miRNA node with that name; they stay evmirna: nodes), e.g. "
                             + ", ".join(missing[:5]))


_DROP_REASONS = {"?sym:": "unmapped gene symbol", "?umls:": "unmapped disease id (UMLS without DOID xref)",
                 "?pwname:": "pathway without a Reactome/WikiPathways id"}


def _apply_mapping(ctx: Lookups, edges: pd.DataFrame, mapping: dict[str, Any]) -> pd.DataFrame:
    """Rewrite subject/object through ``mapping``; expand lists, drop (and count) ``None``."""
    if not mapping or edges.empty:
        return edges
    for col in ("subject", "object"):
        values_in = edges[col]
        if isinstance(values_in.dtype, pd.CategoricalDtype):  # codes as they are (a category per distinct id)
            codes = values_in.cat.codes.to_numpy().astype(np.int64)
            uniques = np.asarray(values_in.cat.categories, dtype=object)
            if (codes < 0).any():  # a missing id: no category; factorize the cells instead
                codes, uniques = pd.factorize(values_in.to_numpy(dtype=object))
        else:
            codes, uniques = pd.factorize(values_in.to_numpy(dtype=object))
        new_u = []
        counts = np.ones(len(uniques), dtype=np.int64)
        changed = False
        for k, u in enumerate(uniques):
            v = mapping.get(u, u) if u in mapping else u
            if v is None:
                counts[k] = 0
            elif isinstance(v, list):
                counts[k] = len(v)
                v = v[0] if len(v) == 1 else v
            changed = changed or v is not u
            new_u.append(v)
        if not changed:
            continue
        row_n = counts[codes]
        dropped = row_n == 0
        if dropped.any():
            gone = pd.DataFrame({"src": edges["_src"].to_numpy()[dropped],
                                 "old": uniques[codes[dropped]]})
            gone["kind"] = gone["old"].str.extract(r"^(\?\w+:)", expand=False).fillna("?")
            for (src, kind), grp in gone.groupby(["src", "kind"], sort=True):
                rep = ctx.pending[int(src)].report
                reason = _DROP_REASONS.get(kind, "unmapped identifier")
                examples = ", ".join(pd.unique(grp["old"].str.replace(r"^\?\w+:", "", regex=True))[:5])
                rep.skip(reason + " (edges)", None, None, examples, count=len(grp))
        single, multi = np.flatnonzero(row_n == 1), np.flatnonzero(row_n > 1)
        # the kept rows, then each expanded row once per new id (one take instead of copies and a concat);
        # the new column is a categorical: each new id is one category, rows hold codes
        take = np.concatenate([single, np.repeat(multi, row_n[multi])])
        flat = np.empty(int(counts.sum()), dtype=object)  # every unique's new ids, one run per unique
        flat[:] = [x for v in new_u if v is not None for x in (v if isinstance(v, list) else [v])]
        fcode, fcats = pd.factorize(flat)
        starts = np.cumsum(counts) - counts
        mrep = row_n[multi]
        offs = np.arange(int(mrep.sum())) - np.repeat(np.cumsum(mrep) - mrep, mrep)
        new_codes = np.concatenate([fcode[starts[codes[single]]], fcode[np.repeat(starts[codes[multi]], mrep) + offs]])
        edges = renumbered(edges.take(take))  # a fresh frame: no block consolidation
        edges[col] = pd.Categorical.from_codes(new_codes.astype(np.int32), categories=pd.Index(fcats, dtype=object),
                                               validate=False)
    return edges


def _map_nodes(nodes: pd.DataFrame, mapping: dict[str, Any]) -> pd.DataFrame:
    if nodes.empty or not mapping:
        return nodes
    hit = nodes["id"].isin(mapping.keys())
    if not hit.any():
        return nodes
    mapped = nodes.loc[hit, "id"].map(mapping)
    sub = nodes.loc[hit].copy()
    sub["id"] = mapped.to_numpy()
    sub = sub[sub["id"].notna()].explode("id")
    # a node mapped onto another id keeps no name-specific label (the target's wins)
    sub["label"] = np.where(sub["id"].str.startswith(("NCBIGene:", "mirbase:")), "", sub["label"])
    mir = sub["id"].str.startswith("evmirna:")
    sub.loc[mir, "label"] = sub.loc[mir, "id"].str[8:]
    return pd.concat([nodes.loc[~hit], sub], ignore_index=True)
