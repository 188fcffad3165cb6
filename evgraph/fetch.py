"""Download the official releases of the public sources into a cache folder.

evgraph ships importers, never the data. ``evgraph fetch NAME...`` downloads each named
dataset's files from :data:`DATASETS` into ``--cache`` (default ``~/.cache/evgraph``, or
``$EVGRAPH_CACHE``), verifies the SHA-256 checksum when the registry pins one (files at a
fixed release or commit), writes atomically (a failed or corrupt download leaves nothing
behind) and prints where each file went, ready for ``evgraph build --source NAME=PATH``.
Files already in the cache with the right checksum are not downloaded again; a ``.zip``
(Reactome's GMT) is unpacked next to itself.

``base_url`` (``--base-url``) fetches the same file names from a mirror instead of the
official addresses, e.g. an institute's copy or a local test server.

>>> sorted(DATASETS)[:4]
['cl', 'diseases', 'disgenet', 'doid']
"""

from __future__ import annotations

import hashlib
import os
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .errors import EvgraphError

USER_AGENT = "evgraph-fetch (https://w3id.org/evgraph)"
CHUNK = 1 << 16


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: where it is, what to call it, its SHA-256 (None when not pinned)."""

    url: str
    filename: str
    sha256: str | None = None


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str  # the evgraph reader the files are for
    description: str
    licence: str
    files: tuple[RemoteFile, ...]
    folder: bool = False  # pass the folder (not the file) to the reader


_GH = "https://raw.githubusercontent.com"
#: The datasets ``evgraph fetch`` knows. Official "current" releases change, so their checksum
#: is not pinned (the computed SHA-256 is printed and stored in the cache's ``SHA256SUMS``);
#: files at a fixed commit are pinned.
DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("exocarta", "exocarta", "ExoCarta v5 protein/mRNA details", "free (exocarta.org)", (
        RemoteFile("http://exocarta.org/Archive/EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt",
                   "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt",
                   "a1e8249dbd53e9652fb1cbb8f3a05cb29a4a4fa9f5ed663d5434d6004b201300"),
    ), folder=True),
    Dataset("vesiclepedia", "vesiclepedia", "Vesiclepedia experiment, miRNA, lipid, PTM and RNA GPAD files",
            "free (microvesicles.org)", tuple(
                RemoteFile(f"http://microvesicles.org/Archive/{n}", n) for n in (
                    "Vesiclepedia_experiment_details.txt", "Vesiclepedia_miRNA_details.txt",
                    "Vesiclepedia_lipid_details.txt", "Vesiclepedia_PTM_details.txt",
                    "Vesiclepedia_RNAs_GPAD.txt", "Vesiclepedia_protein_mRNA_details.txt")), folder=True),
    Dataset("reactome", "reactome", "Reactome pathways (GMT, symbols)", "CC BY 4.0", (
        RemoteFile("https://reactome.org/download/current/ReactomePathways.gmt.zip", "ReactomePathways.gmt.zip"),
    )),
    Dataset("diseases", "diseases", "JensenLab DISEASES knowledge channel (filtered)", "CC BY 4.0", (
        RemoteFile("https://download.jensenlab.org/human_disease_knowledge_filtered.tsv",
                   "human_disease_knowledge_filtered.tsv"),
    )),
    Dataset("disgenet", "disgenet", "DisGeNET v3.0 curated gene-disease associations (via dhimmel/disgenet)",
            "ODbL 1.0", (
                RemoteFile(f"{_GH}/dhimmel/disgenet/a636cc0/download/curated_gene_disease_associations.txt.gz",
                           "curated_gene_disease_associations.txt.gz",
                           "c7989f4c9b73f17302852ba2ef3abaf0fa31f86538db60aca7dd22ede2c0af9f"),
            )),
    Dataset("hetio_pathways", "hetio_pathways", "Hetionet pathway gene sets (dhimmel/pathways)", "CC0 / per row", (
        RemoteFile(f"{_GH}/dhimmel/pathways/1bd2c68/data/pathways.tsv", "pathways.tsv",
                   "2f18d7d4790ff72b3d0f3076563dc60938167bdfcb9ed55901e4d5ddc5014925"),
    )),
    Dataset("ppi", "ppi", "Hetionet literature-curated human PPIs (dhimmel/ppi)", "CC BY 4.0", (
        RemoteFile(f"{_GH}/dhimmel/ppi/9ae2ca1/download/hetio/protein-interactions.txt.gz",
                   "protein-interactions.txt.gz",
                   "e8bdeae04b35d56032836c85a94747dfab287a60787866213e68c10e3248e469"),
    )),
    Dataset("cl", "ontologies", "Cell Ontology (basic OBO)", "CC BY 4.0", (
        RemoteFile("http://purl.obolibrary.org/obo/cl/cl-basic.obo", "cl-basic.obo"),
    ), folder=True),
    Dataset("doid", "ontologies", "Human Disease Ontology (OBO, with UMLS xrefs)", "CC0", (
        RemoteFile("http://purl.obolibrary.org/obo/doid.obo", "doid.obo"),
    ), folder=True),
    Dataset("mondo", "ontologies", "Mondo disease ontology (OBO, with DOID xrefs)", "CC BY 4.0", (
        RemoteFile("http://purl.obolibrary.org/obo/mondo.obo", "mondo.obo"),
    ), folder=True),
    Dataset("uberon", "ontologies", "Uberon anatomy ontology (OBO)", "CC BY 3.0", (
        RemoteFile("http://purl.obolibrary.org/obo/uberon.obo", "uberon.obo"),
    ), folder=True),
    Dataset("goslim", "ontologies", "GO slim generic", "CC BY 4.0", (
        RemoteFile("https://current.geneontology.org/ontology/subsets/goslim_generic.obo", "goslim_generic.obo"),
    ), folder=True),
)}


def default_cache() -> Path:
    env = os.environ.get("EVGRAPH_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "evgraph"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class Fetched:
    dataset: str
    path: Path
    sha256: str
    verified: bool
    downloaded: bool


def _download(url: str, target: Path, expected: str | None, timeout: float,
              progress: Callable[[str, int | None], Callable[[int], None]] | None) -> str:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        resp = urllib.request.urlopen(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise EvgraphError(f"{url}: download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EvgraphError(f"{url}: download failed: {reason}") from None
    h = hashlib.sha256()
    with resp, atomic_path(target) as tmp:
        size = resp.headers.get("Content-Length")
        tick = progress(target.name, int(size) if size and size.isdigit() else None) if progress else None
        got = 0
        with open(tmp, "wb") as out:
            while True:
                try:
                    block = resp.read(CHUNK)
                except OSError as exc:
                    raise EvgraphError(f"{url}: download interrupted after {got} bytes: {exc}") from None
                if not block:
                    break
                got += len(block)
                h.update(block)
                out.write(block)
                if tick:
                    tick(len(block))
        if size and size.isdigit() and got != int(size):
            raise EvgraphError(f"{url}: download truncated: got {got} of {size} bytes")
        digest = h.hexdigest()
        if expected and digest != expected.lower():
            raise EvgraphError(f"{url}: checksum mismatch: expected sha256 {expected}, got {digest} "
                               "(file not saved)")
    return digest


def fetch(names: Iterable[str], cache: str | Path | None = None, *, base_url: str | None = None,
          registry: dict[str, Dataset] | None = None, force: bool = False, timeout: float = 60.0,
          progress: Callable[[str, int | None], Callable[[int], None]] | None = None) -> list[Fetched]:
    """Download datasets ``names`` into ``cache/NAME/``; return what was fetched (see module doc)."""
    reg = registry if registry is not None else DATASETS
    names = list(names)
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise EvgraphError(f"unknown dataset '{unknown[0]}' (known: {', '.join(sorted(reg))})")
    root = Path(cache) if cache else default_cache()
    results: list[Fetched] = []
    for name in names:
        ds = reg[name]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        sums: dict[str, str] = {}
        for rf in ds.files:
            url = f"{base_url.rstrip('/')}/{rf.filename}" if base_url else rf.url
            target = folder / rf.filename
            if target.exists() and not force:
                digest = sha256_of(target)
                if rf.sha256 is None or digest == rf.sha256:
                    sums[rf.filename] = digest
                    if target.suffix == ".zip":
                        target = unpack_zip(target)
                    results.append(Fetched(name, target, digest, rf.sha256 is not None, False))
                    continue
            digest = _download(url, target, rf.sha256, timeout, progress)
            sums[rf.filename] = digest
            if target.suffix == ".zip":
                target = unpack_zip(target)
            results.append(Fetched(name, target, digest, rf.sha256 is not None, True))
        with atomic_path(folder / "SHA256SUMS") as tmp:
            tmp.write_text("".join(f"{d}  {f}\n" for f, d in sorted(sums.items())), encoding="utf-8")
    return results


def unpack_zip(path: Path) -> Path:
    """Extract a one-file ``.zip`` (Reactome's GMT) next to it; return the extracted file."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise EvgraphError(f"{path}: expected one file in the archive, found {len(members)}")
        target = path.parent / Path(members[0]).name
        with zf.open(members[0]) as src, atomic_path(target) as tmp, open(tmp, "wb") as out:
            shutil.copyfileobj(src, out)
    return target
