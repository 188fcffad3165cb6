"""Gene-set (GMT) files: ``reactome=FILE``, ``wikipathways=FILE``, ``msigdb=FILE``.

A GMT line is ``name <tab> description-or-URL <tab> gene <tab> gene ...``; genes are symbols
or NCBI Gene IDs (all digits). The pathway identifier is taken from the line:

* a Reactome stable id (``R-HSA-164843``) anywhere in the first two fields -> ``REACT:R-HSA-164843``;
* a WikiPathways id (``WP5187``, from ``name%WikiPathways_20230410%WP5187%Homo sapiens`` or the URL)
  -> ``WIKIPATHWAYS:WP5187``;
* otherwise the set name (MSigDB style, ``HALLMARK_HYPOXIA``) -> ``MSigDB:HALLMARK_HYPOXIA``.

Each member becomes ``gene participates_in pathway`` (primary knowledge source
``infores:reactome`` / ``infores:wikipathways`` / ``infores:msigdb``). Symbols are resolved to
NCBI Gene IDs at the end of the build (:mod:`evgraph.sources._context`); the species is read
from the Reactome id (``R-MMU-`` = mouse) or the WikiPathways name, else human.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..build.records import SourceRecords
from ..errors import DataError, Problem
from ._context import gene_placeholder, norm_name, species_table, start_source, taxon_curie
from ._io import iter_lines, progress

INFORES = {"reactome": "infores:reactome", "wikipathways": "infores:wikipathways", "msigdb": "infores:msigdb"}
REACTOME_SPECIES = {"HSA": "9606", "MMU": "10090", "RNO": "10116", "BTA": "9913", "CFA": "9615", "SSC": "9823",
                    "GGA": "9031", "DME": "7227", "DRE": "7955", "CEL": "6239", "SCE": "4932"}
_REACT = re.compile(r"\bR-([A-Z]{3})-\d+(?:-\d+)?\b")
_WP = re.compile(r"\b(WP\d{1,5})(?:_r\d+)?\b")


def pathway_id(name: str, desc: str) -> tuple[str, str, str]:
    """``(CURIE, label, taxon)`` of a GMT line's gene set.

    >>> pathway_id("2-LTR circle formation", "R-HSA-164843")
    ('REACT:R-HSA-164843', '2-LTR circle formation', '9606')
    >>> pathway_id("GDNF signaling%WikiPathways_20230410%WP5143%Homo sapiens", "http://x/WP5143_r124544")
    ('WIKIPATHWAYS:WP5143', 'GDNF signaling', '9606')
    >>> pathway_id("HALLMARK_HYPOXIA", "http://www.gsea-msigdb.org/gsea/msigdb/cards/HALLMARK_HYPOXIA")
    ('MSigDB:HALLMARK_HYPOXIA', 'HALLMARK_HYPOXIA', '9606')
    """
    taxon = "9606"
    m = _REACT.search(desc) or _REACT.search(name)
    if m:
        return f"REACT:{m.group(0)}", name, REACTOME_SPECIES.get(m.group(1), "")
    parts = name.split("%")
    m = _WP.search(name) or _WP.search(desc)
    if m:
        label = parts[0].strip() if len(parts) > 1 else name
        if len(parts) >= 4:
            sp = species_table().get(norm_name(parts[3]))
            taxon = sp[0] if sp else ""
        return f"WIKIPATHWAYS:{m.group(1)}", label, taxon
    local = re.sub(r"[^A-Z0-9_]+", "_", name.strip().upper()).strip("_")
    return f"MSigDB:{local}", name.strip(), taxon


def _check_row(source: str, name: str, desc: str) -> str:
    """Why a GMT row's name and description columns do not fit ``source`` (``""`` when they do).

    Reactome rows carry their stable id as the description; WikiPathways rows their WP id in the
    name or URL; MSigDB-style rows a description or URL, so a second column that looks like a gene
    means the description column is missing (the first gene would be read as the description).

    >>> _check_row("reactome", "2-LTR circle formation", "R-HSA-164843")
    ''
    >>> _check_row("reactome", "2-LTR circle formation", "BANF1")
    "no Reactome stable id (R-HSA-...) in the description column, found 'BANF1'"
    >>> _check_row("msigdb", "HALLMARK_HYPOXIA", "7098")
    "the description column holds '7098', which looks like a gene: is the description column missing?"
    """
    if not name:
        return "empty gene set name"
    if source == "reactome":
        if not _REACT.fullmatch(desc):
            return f"no Reactome stable id (R-HSA-...) in the description column, found {desc[:40]!r}"
    elif source == "wikipathways" and not (_WP.search(name) or _WP.search(desc)):
        return f"no WikiPathways id (WP...) in the name or URL column ({name[:40]!r}, {desc[:40]!r})"
    if source != "reactome" and desc and desc.lower() != "na" and "://" not in desc \
            and not any(c.isspace() for c in desc) and not desc.startswith(">") and _GENE_LIKE.fullmatch(desc):
        return (f"the description column holds {desc[:40]!r}, which looks like a gene: "
                "is the description column missing?")
    return ""


_GENE_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@/-]*")


def read_gmt(path: str | Path | None, options: Mapping[str, str] | None = None,
             source: str = "msigdb") -> SourceRecords:
    """Import one GMT file (or every ``*.gmt`` in a folder) as ``source``."""
    base, rec, rep = start_source(source, path, "FILE.gmt")
    p = Path(base)
    files = sorted(p.glob("*.gmt*")) if p.is_dir() else [p]
    if not files:
        raise DataError(Problem(str(p), None, None, "no .gmt files in this folder"))
    infores = INFORES.get(source, f"infores:{source}")
    subj, obj, species, lines = [], [], [], []
    nodes: list[dict] = []
    seen: set[str] = set()
    for file in files:
        rep.files.append(str(file))
        for line, text in progress(iter_lines(file, rep), f"{source} {file.name}"):
            if not text.strip() or text.startswith("#"):
                continue
            rep.rows_read += 1
            fields = text.split("\t")
            if len(fields) < 3:
                rep.skip("malformed row", str(file), line,
                         f"expected name, description and genes separated by tabs, found {len(fields)} field(s)")
                continue
            bad = _check_row(source, fields[0].strip(), fields[1].strip())
            if bad:
                rep.skip("malformed row", str(file), line, bad)
                continue
            pid, label, taxon = pathway_id(fields[0], fields[1])
            if not taxon:
                rep.skip("unknown species", str(file), line, fields[0][:60])
                continue
            rec.pathway_names.setdefault(norm_name(label), pid)
            if pid not in seen:
                seen.add(pid)
                nodes.append({"id": pid, "category": "Pathway", "label": label, "_line": line})
            rep.imported += 1
            sp = taxon_curie(taxon)
            for g in fields[2:]:
                g = g.strip()
                if not g:
                    continue
                subj.append(f"NCBIGene:{g}" if g.isdigit() else gene_placeholder(taxon, g))
                obj.append(pid)
                species.append(sp)
                lines.append(line)
    edges = pd.DataFrame({"subject": subj, "predicate": "participates_in", "object": obj, "species": species,
                          "knowledge_level": "knowledge_assertion", "agent_type": "manual_agent",
                          "primary_knowledge_source": infores, "evidence": f"{source} gene set member",
                          "confidence": 0.9, "_line": lines})
    gene_nodes = pd.DataFrame({"id": pd.unique(edges["subject"]), "category": "Gene", "label": "", "_line": 0})
    rec.add(pd.concat([pd.DataFrame(nodes), gene_nodes], ignore_index=True), edges)
    return rec


def read_reactome(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """Reactome ``ReactomePathways.gmt`` (symbols)."""
    return read_gmt(path, options, "reactome")


def read_wikipathways(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """WikiPathways ``wikipathways-DATE-gmt-Homo_sapiens.gmt`` (Entrez IDs)."""
    return read_gmt(path, options, "wikipathways")


def read_msigdb(path: str | Path | None, options: Mapping[str, str] | None = None) -> SourceRecords:
    """MSigDB gene sets (``h.all.v7.0.symbols.gmt`` or ``.entrez.gmt``)."""
    return read_gmt(path, options, "msigdb")
