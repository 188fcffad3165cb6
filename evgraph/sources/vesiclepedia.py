"""Vesiclepedia (microvesicles.org) and ExoCarta (exocarta.org) release files.

``--source vesiclepedia=FOLDER`` reads whichever of these files the folder holds (names are
matched loosely, any release): ``*experiment*`` (one EV population per experiment: species,
vesicle type, isolation method, PubMed ID, sample), ``*protein*mrna*`` (genes/proteins and
mRNAs), ``*mirna*``, ``*lipid*``, ``*ptm*`` and ``*gpad*`` (RNAcentral RNAs with the
``produced_by(CL:...)`` source cell type). ``exocarta=FOLDER`` reads the same layout of
ExoCarta files. When a folder holds files of both databases, each source reads only the
files whose name contains its own name.

Graph records:

* experiment ``N`` -> ``evgraph:vesiclepedia-exp-N`` (EVPopulation); its SAMPLE is mapped to a
  CL cell type (``releases``), a UBERON organ (``releases``) or a UBERON biofluid
  (``sampled_from``) by the curated table ``evgraph/data/mappings/samples.tsv``; its VESICLE
  TYPE to GO (``has_vesicle_type``); its PubMed ID to a Publication (``described_in``);
* its ISOLATION METHOD, SAMPLE SOURCE and YEAR -> the evidence fields ``separation_method``,
  ``model_system`` and ``publication_year`` (:mod:`evgraph.evidence`) on every edge of the
  experiment, through the reviewed tables ``mappings/separation_methods.tsv`` and
  ``mappings/sample_sources.tsv`` (unmapped text stays in the evidence; the QC report gives the
  mapping rates); imported edges keep their source confidence and get no evidence tier;
* every cargo row -> ``EVPopulation carries cargo`` with the row's species (NCBITaxon), the
  experiment's PubMed ID, the detection methods as evidence, knowledge level ``observation``
  and primary knowledge source ``infores:vesiclepedia`` / ``infores:exocarta``.

Genes are keyed by the NCBI Gene ID of the row's organism, mRNAs by the same gene node
(evidence says ``mRNA``), miRNAs by their mature name with species prefix
(``evmirna:hsa-let-7a``, see :mod:`evgraph.sources._context`), lipids by a normalised name
(``evlipid:sphingomyelin_sm``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..build.qc import SourceReport
from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import (
    norm_name,
    sample_source_table,
    sample_table,
    separation_method_table,
    species_table,
    start_source,
    taxon_curie,
    vesicle_type_table,
)
from ._io import Table, progress

CONFIDENCE = 0.7
GENERIC_EV = ("GO:1903561", "extracellular vesicle")
EXOSOME = ("GO:0070062", "extracellular exosome")

EXPERIMENT_COLUMNS = {
    "experiment": ("experiment id", "exp id", "experimentid"),
    "pubmed": ("pubmed id", "pmid", "pubmed"),
    "species": ("species", "organism"),
    "description": ("experiment description", "description", "title"),
    "sample": ("sample", "sample type"),
    "sample_source": ("sample source",),
    "sample_name": ("sample name",),
    "methods": ("methods", "method"),
    "isolation": ("isolation method", "isolation methods"),
    "vesicle_type": ("vesicle type", "vesicle"),
    "year": ("year",),
}
CARGO_COLUMNS = {
    "content_type": ("content type",),
    "entrez": ("entrez gene id", "entrez id", "gene id", "entrez"),
    "symbol": ("gene symbol", "symbol", "official symbol"),
    "species": ("species", "organism"),
    "experiment": ("experiment id", "exp id", "experimentid"),
    "methods": ("methods", "method"),
    "mirna": ("mirna id", "mirna", "mirna name", "mature mirna"),
    "lipid": ("lipid id", "lipid", "lipid name"),
    "ptm_type": ("ptm type",),
    "ptm_site": ("ptm site",),
    "ptm_residue": ("ptm residue",),
}
GPAD_NAMES = ("db", "db object id", "qualifier", "go id", "references", "evidence code", "with",
              "interacting taxon", "date", "assigned by", "annotation extension", "annotation properties")
_EXT = re.compile(r"(produced_by|part_of)\(((?:CL|UBERON):\d{7})\)")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
_NOT_SPECIES = frozenset({"let", "mir", "lin", "lsy", "iab", "bantam"})


def read_vesiclepedia(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import a Vesiclepedia release folder (or one of its files)."""
    return EVDatabase("vesiclepedia", "Vesiclepedia", "infores:vesiclepedia", GENERIC_EV).read(path)


def read_exocarta(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Import an ExoCarta release folder (or one of its files)."""
    return EVDatabase("exocarta", "ExoCarta", "infores:exocarta", EXOSOME).read(path)


def classify(name: str) -> str | None:
    """The kind of a release file from its name.

    >>> classify("EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt"), classify("Vesiclepedia_RNAs_GPAD.txt")
    ('cargo', 'gpad')
    >>> classify("Vesiclepedia_experiment_details.txt"), classify("README.md")
    ('experiment', None)
    """
    n = name.lower()
    if "gpad" in n:
        return "gpad"
    if "experiment" in n:
        return "experiment"
    if any(k in n for k in ("protein", "mrna", "mirna", "lipid", "ptm")):
        return "cargo"
    return None


@lru_cache(maxsize=1 << 16)
def mirna_name(raw: str, prefix: str) -> str | None:
    """Normalise a miRNA name to miRBase style with a species prefix.

    >>> mirna_name("let-7a", "hsa"), mirna_name(" hsa.miR.151.5p ", "hsa"), mirna_name("mir-34a ", "mmu")
    ('hsa-let-7a', 'hsa-miR-151-5p', 'mmu-miR-34a')
    >>> mirna_name("miR-9.5p", "rno"), mirna_name("hsa-miR-21-5p", "mmu"), mirna_name("?", "hsa")
    ('rno-miR-9-5p', 'hsa-miR-21-5p', None)
    >>> mirna_name("let-7a", ""), mirna_name("hsa-let-7a", "")
    (None, 'hsa-let-7a')

    Upper-case letter suffixes and arms (Vesiclepedia writes ``mir-320D``, ``miR-21-5P``) take miRBase's
    lower case, so they meet the same node; viral names keep theirs:

    >>> mirna_name("mir-320D", "hsa"), mirna_name("miR-513A-5P", "hsa"), mirna_name("kshv-miR-K12-3", "")
    ('hsa-miR-320d', 'hsa-miR-513a-5p', 'kshv-miR-K12-3')
    """
    s = "".join(raw.split()).strip("-")
    if re.match(r"^[a-z]{3,4}\.", s):
        s = s.replace(".", "-")
    s = re.sub(r"\.(5p|3p)$", r"-\1", s)
    s = re.sub(r"-([35])P$", r"-\1p", s)
    s = re.sub(r"(?<=\d)([A-Z])(?=$|-)", lambda m: m.group(1).lower(), s)
    s = re.sub(r"(^|-)mir-", r"\1miR-", s, flags=re.IGNORECASE)
    first = s.split("-", 1)[0]
    if not (re.match(r"^[a-z]{2,5}$", first) and first not in _NOT_SPECIES):
        if not prefix:
            return None
        s = f"{prefix}-{s}"
    if not re.match(r"^[a-z]{2,5}-[A-Za-z0-9][A-Za-z0-9*._-]*$", s):
        return None
    return s


def lipid_key(name: str) -> str:
    """``evlipid`` local id of a lipid name.

    >>> lipid_key("Sphingomyelin (SM)")
    'sphingomyelin_sm'
    """
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


class EVDatabase:
    """Reader for one EV database (Vesiclepedia or ExoCarta); one instance per source."""

    def __init__(self, name: str, title: str, infores: str, default_type: tuple[str, str]):
        self.name, self.title, self.infores, self.default_type = name, title, infores, default_type
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.experiments: dict[str, dict[str, str]] = {}
        self.created: set[str] = set()
        self.seen_edges: dict[tuple[str, str, str, str], int] = {}

    # ------------------------------------------------------------------ files
    def files(self, path: Path) -> dict[str, list[Path]]:
        if path.is_file():
            kind = classify(path.name) or "cargo"
            return {kind: [path]}
        if not path.is_dir():
            raise DataError(Problem(str(path), None, None, f"{self.title} release folder or file not found"))
        candidates = sorted(p for p in path.iterdir() if p.is_file() and classify(p.name))
        own = [p for p in candidates if self.name in p.name.lower()]
        chosen = own or candidates
        out: dict[str, list[Path]] = {}
        for p in chosen:
            out.setdefault(classify(p.name) or "cargo", []).append(p)
        if not out:
            raise DataError(Problem(str(path), None, None,
                                    f"no {self.title} files found (expected *experiment*, *protein*mrna*, "
                                    "*mirna*, *lipid*, *ptm* or *gpad* files)"))
        return out

    def read(self, path: str | Path | None) -> SourceRecords:
        base, rec, rep = start_source(self.name, path, "FOLDER")
        files = self.files(Path(base))
        for f in files.get("experiment", []):
            self.read_experiments(f, rep)
        for f in files.get("cargo", []):
            self.read_cargo(rec, f, rep)
        for f in files.get("gpad", []):
            self.read_gpad(f, rep)
        if not files.get("experiment"):
            rep.notes.append("no experiment file: EV populations have no sample, vesicle type or PubMed ID")
        rec.add(self.nodes, self.edges)
        return rec

    # ------------------------------------------------------------------ helpers
    def evp_id(self, exp: str) -> str:
        return f"evgraph:{self.name}-exp-{_SAFE.sub('_', exp)}"

    def edge(self, s: str, p: str, o: str, line: int, file: str, species: str = "", pubs: str = "",
             evidence: str = "", level: str = "observation", fields: dict[str, str] | None = None) -> None:
        key = (s, p, o, species)
        prev = self.seen_edges.get(key)
        if prev is not None:  # same cargo reported again (protein and mRNA, another method): merge evidence
            rec = self.edges[prev]
            if evidence and evidence not in rec["evidence"].split(" | "):
                rec["evidence"] = f"{rec['evidence']} | {evidence}"
            return
        self.seen_edges[key] = len(self.edges)
        self.edges.append({"subject": s, "predicate": p, "object": o, "species": species,
                           "publications": pubs, "knowledge_level": level, "agent_type": "manual_agent",
                           "primary_knowledge_source": self.infores, "evidence": evidence,
                           "confidence": CONFIDENCE, "_line": line, **(fields or {})})

    def node(self, cid: str, category: str, label: str, line: int, **extra: str) -> None:
        self.nodes.append({"id": cid, "category": category, "label": label, "_line": line, **extra})

    # ------------------------------------------------------------------ experiments
    def read_experiments(self, file: Path, rep: SourceReport) -> None:
        t = Table(file, rep, EXPERIMENT_COLUMNS, required=("experiment",))
        self._iso, self._src = [0, 0], [0, 0]  # mapped / total isolation-method parts and sample sources
        samples = sample_table()
        vtypes = vesicle_type_table()
        species = species_table()
        n = mapped = 0
        for line, f in progress(t, f"{self.name} experiments"):
            exp = t.get(f, "experiment")
            if not exp:
                rep.skip("missing experiment id", str(file), line)
                continue
            if not exp.isdigit():  # every release numbers its experiments (error path, issue 18)
                rep.skip("malformed row", str(file), line, f"experiment id {exp[:40]!r} is not a number")
                continue
            rep.imported += 1
            n += 1
            sps = [species.get(norm_name(x)) for x in t.get(f, "species").split("|") if x.strip()]
            sp = sps[0] if sps and all(sps) else None
            taxon = "|".join(dict.fromkeys(taxon_curie(x[0]) for x in sps)) if sp else ""  # type: ignore[index]
            if not sp and t.get(f, "species"):
                rep.skip("unknown species (experiment kept, no species on its edges)", str(file), line,
                         repr(t.get(f, "species")))
            pmid = t.get(f, "pubmed")
            pub = f"PMID:{pmid}" if pmid.isdigit() else ""
            evp = self.evp_id(exp)
            sample = t.get(f, "sample")
            hit = samples.get(norm_name(sample))
            vt_raw = t.get(f, "vesicle_type")
            types = []
            for part in vt_raw.split("/"):
                if part.strip():
                    types.append(vtypes.get(norm_name(part), GENERIC_EV))
            types = sorted(set(types)) or [self.default_type]
            iso = t.get(f, "isolation")
            fields = self.evidence_fields(t, f, iso, sp)
            desc = "; ".join(x for x in (
                t.get(f, "description"), f"sample: {sample}" if sample else "",
                f"sample name: {t.get(f, 'sample_name')}" if t.get(f, "sample_name") else "",
                f"vesicle type: {vt_raw}" if vt_raw else "",
                f"isolation: {iso}" if iso and iso != "-" else "") if x)
            origin = sample or t.get(f, "sample_name") or "unknown sample"
            self.node(evp, "EVPopulation", f"{origin} {vt_raw or 'EVs'} ({self.title} experiment {exp})",
                      line, description=desc)
            self.experiments[exp] = {"evp": evp, "pub": pub, "taxon": taxon, "fields": fields}
            self.created.add(exp)
            ev = f"{self.title} experiment {exp}" + (f"; isolation: {iso}" if iso and iso != "-" else "")
            for gid, label in types:
                self.node(gid, "VesicleType", label, line)
                self.edge(evp, "has_vesicle_type", gid, line, str(file), taxon, pub, ev, fields=fields)
            if pub:
                self.node(pub, "Publication", pub, line)
                self.edge(evp, "described_in", pub, line, str(file), taxon, pub, ev, fields=fields)
            if hit:
                mapped += 1
                cid, label, cat = hit
                self.node(cid, cat, label, line)
                if cat == "Biofluid":
                    self.edge(evp, "sampled_from", cid, line, str(file), taxon, pub, ev, fields=fields)
                else:
                    self.edge(cid, "releases", evp, line, str(file), taxon, pub, ev, fields=fields)
            elif sample:
                rep.skip("unmapped sample (EV population kept without its source)", str(file), line,
                         repr(sample))
        for label, (hit, total) in (("isolation method -> separation_method", self._iso),
                                    ("sample source -> model_system", self._src)):
            rep.mapping(label, hit, total)
        prev = rep.mappings.get("experiment sample -> CL/UBERON")
        if prev:
            mapped, n = mapped + prev["mapped"], n + prev["total"]
        rep.mapping("experiment sample -> CL/UBERON", mapped, n)

    def evidence_fields(self, t: Table, f: Any, iso: str, sp: Any) -> dict[str, str]:
        """The experiment's structured evidence fields (evgraph.evidence) from its free text, through
        the reviewed tables ``mappings/separation_methods.tsv`` and ``mappings/sample_sources.tsv``.

        Imported records keep their source confidence; the curated rubric's tier is not computed
        for them (no perturbation or marker data), so ``evidence_tier`` stays empty.
        """
        seps = separation_method_table()
        parts = [norm_name(x) for x in iso.split("|") if x.strip() and x.strip() != "-"]
        methods = []
        for part in parts:
            value = seps.get(part)
            if value:  # unmapped parts stay in the evidence text; the mapping rate counts them
                methods.append(value)
        self._iso[0] += sum(1 for p in parts if seps.get(p))
        self._iso[1] += len(parts)
        human = bool(sp) and sp[0] == "9606"
        systems = []
        codes = [c.strip().lower() for c in t.get(f, "sample_source").split("|") if c.strip()]
        for code in codes:
            hit = sample_source_table().get(code)
            if hit and sp:
                systems.append(hit[0] if human else hit[1])
        self._src[0] += 1 if systems else 0
        self._src[1] += 1 if codes else 0
        year = t.get(f, "year")
        return {"separation_method": "|".join(sorted(set(methods))),
                "model_system": "|".join(sorted(set(systems))),
                "publication_year": year if re.fullmatch(r"(19|20)\d\d", year) else ""}

    def experiment(self, exp: str, taxon: str, line: int, file: str) -> dict[str, str]:
        info = self.experiments.get(exp)
        if info is None:
            evp = self.evp_id(exp)
            info = {"evp": evp, "pub": "", "taxon": taxon}
            self.experiments[exp] = info
            gid, label = self.default_type
            self.node(evp, "EVPopulation", f"{self.title} experiment {exp}", line)
            self.node(gid, "VesicleType", label, line)
            self.edge(evp, "has_vesicle_type", gid, line, file, taxon, "", f"{self.title} experiment {exp}")
        return info

    # ------------------------------------------------------------------ cargo
    def read_cargo(self, rec: SourceRecords, file: Path, rep: SourceReport) -> None:
        t = Table(file, rep, CARGO_COLUMNS, required=("experiment",))
        if not (t.has("entrez") or t.has("mirna") or t.has("lipid")):
            raise DataError(Problem(str(file), 1, None,
                                    "unknown column layout: expected an ENTREZ GENE ID, MIRNA ID or LIPID ID column "
                                    f"(header has: {', '.join(t.header)})"))
        kind = "mirna" if t.has("mirna") else "lipid" if t.has("lipid") else "ptm" if t.has("ptm_type") else "gene"
        species = species_table()
        fname = str(file)
        have_experiments = bool(self.created)
        found = total = 0
        for line, f in progress(t, f"{self.name} {file.name}"):
            sp_raw = t.get(f, "species")
            sp = species.get(norm_name(sp_raw))
            if sp is None:
                rep.skip("unknown species", fname, line, repr(sp_raw))
                continue
            taxon, mprefix = sp
            exp = t.get(f, "experiment")
            if not exp:
                rep.skip("missing experiment id", fname, line)
                continue
            if not exp.isdigit():  # every release numbers its experiments (error path, issue 18)
                rep.skip("malformed row", fname, line, f"experiment id {exp[:40]!r} is not a number")
                continue
            total += 1
            if exp in self.created:
                found += 1
            info = self.experiment(exp, taxon_curie(taxon), line, fname)
            methods = t.get(f, "methods")
            if kind == "mirna":
                names = [mirna_name(x, mprefix) for x in re.split(r"[;,]", t.get(f, "mirna")) if x.strip()]
                if not names or None in names:
                    rep.skip("malformed miRNA name", fname, line, repr(t.get(f, "mirna")))
                    continue
                evidence = f"miRNA; {methods}" if methods else "miRNA"
                for name in names[:-1]:
                    self.node(f"evmirna:{name}", "MicroRNA", str(name), line)
                    self.edge(info["evp"], "carries", f"evmirna:{name}", line, fname, taxon_curie(taxon),
                              info["pub"], evidence)
                cid = f"evmirna:{names[-1]}"
                self.node(cid, "MicroRNA", str(names[-1]), line)
            elif kind == "lipid":
                lname = t.get(f, "lipid")
                key = lipid_key(lname)
                if not key:
                    rep.skip("missing lipid name", fname, line)
                    continue
                cid = f"evlipid:{key}"
                self.node(cid, "Lipid", lname, line)
                evidence = f"lipid; {methods}" if methods else "lipid"
            else:
                entrez = t.get(f, "entrez")
                if not entrez.isdigit():
                    rep.skip("missing or malformed Entrez gene id", fname, line, repr(entrez))
                    continue
                symbol = t.get(f, "symbol")
                rec.learn_symbol(taxon, symbol, entrez)
                cid = f"NCBIGene:{entrez}"
                self.node(cid, "Gene", symbol, line)
                if kind == "ptm":
                    what = " ".join(x for x in (t.get(f, "ptm_type"), t.get(f, "ptm_residue"),
                                                t.get(f, "ptm_site")) if x)
                    evidence = f"PTM {what}" + (f"; {methods}" if methods else "")
                else:
                    ctype = t.get(f, "content_type") or "protein"
                    evidence = f"{ctype}; {methods}" if methods else ctype
            rep.imported += 1
            self.edge(info["evp"], "carries", cid, line, fname, taxon_curie(taxon), info["pub"], evidence,
                      fields=info.get("fields"))
        if have_experiments:
            rep.mapping(f"{file.name}: experiment id found in experiment file", found, total)

    # ------------------------------------------------------------------ GPAD
    def read_gpad(self, file: Path, rep: SourceReport) -> None:
        cols = {n: () for n in GPAD_NAMES}
        t = Table(file, rep, cols, required=("db object id", "go id"), names=GPAD_NAMES, comment="!",
                  delimiter="\t")
        by_id = {cid: (label, cat) for cid, label, cat in sample_table().values()}
        vt_labels = {gid: label for gid, label in vesicle_type_table().values()}
        fname = str(file)
        for line, f in progress(t, f"{self.name} {file.name}"):
            db, obj, go = t.get(f, "db"), t.get(f, "db object id"), t.get(f, "go id")
            ext = t.get(f, "annotation extension")
            refs = [r for r in t.get(f, "references").split("|") if r.startswith("PMID:")]
            pub = refs[0] if refs else ""
            m = _EXT.search(ext)
            if db.lower() != "rnacentral" or not re.match(r"^URS[0-9A-F]{10}(_\d+)?$", obj):
                rep.skip("unsupported GPAD object (expected an RNAcentral id)", fname, line, f"{db}:{obj}")
                continue
            if not re.match(r"^GO:\d{7}$", go):
                rep.skip("malformed GO id", fname, line, repr(go))
                continue
            taxon = obj.split("_", 1)[1] if "_" in obj else ""
            src = m.group(2) if m else ""
            evp = f"evgraph:{self.name}-gpad-{(pub or 'nopub').replace(':', '')}-{src.replace(':', '_') or 'na'}" \
                  f"-{go.replace(':', '_')}"
            species = taxon_curie(taxon) if taxon else ""
            if evp not in self.created:
                self.created.add(evp)
                label, cat = by_id.get(src, ("", "CellType" if src.startswith("CL:") else "Organ"))
                self.node(evp, "EVPopulation", f"{self.title} RNA cargo of {label or src or 'EVs'} "
                          f"({pub or 'no reference'})", line)
                self.node(go, "VesicleType", vt_labels.get(go, ""), line)
                self.edge(evp, "has_vesicle_type", go, line, fname, species, pub, f"{self.title} GPAD")
                if pub:
                    self.node(pub, "Publication", pub, line)
                    self.edge(evp, "described_in", pub, line, fname, species, pub, f"{self.title} GPAD")
                if src:
                    self.node(src, cat, label, line)
                    if m and m.group(1) == "part_of" and cat == "Biofluid":
                        self.edge(evp, "sampled_from", src, line, fname, species, pub, f"{self.title} GPAD")
                    elif cat in ("CellType", "Organ"):
                        self.edge(src, "releases", evp, line, fname, species, pub, f"{self.title} GPAD")
                    else:
                        self.edge(evp, "sampled_from", src, line, fname, species, pub, f"{self.title} GPAD")
            rna = f"RNACENTRAL:{obj}"
            self.node(rna, "RNA", obj, line)
            rep.imported += 1
            self.edge(evp, "carries", rna, line, fname, species, pub,
                      f"GPAD {t.get(f, 'qualifier')} {go}; evidence {t.get(f, 'evidence code')}")
