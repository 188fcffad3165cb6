"""Download the official releases of the public sources into a cache folder, safely.

evgraph ships importers, never the data. ``evgraph fetch NAME...`` downloads each named
dataset's files from :data:`DATASETS` into ``--cache`` (default ``~/.cache/evgraph``, or
``$EVGRAPH_CACHE``) and prints where each file went, ready for ``evgraph build --source NAME=PATH``.

What it guarantees:

* **integrity**: a file with a pinned SHA-256 (a fixed release or commit) is saved only when it
  matches. A dataset without a pin (an official "current" release that changes) is refused
  unless you pass ``trust=True`` (``--trust``): then its SHA-256 is recorded in the cache's
  ``SHA256SUMS`` and checked every time the cached copy is reused, so a file that changed on
  disk is never used silently;
* **transport**: ``https://`` only (no ``http://``, no ``file://``, for ``--base-url`` too);
  a redirect may only go to another ``https://`` address on the same host;
* **size**: a download larger than ``max_bytes`` (``--max-size``, default 2 GiB) is stopped,
  and so is a ``.zip`` member that unpacks to more than ``max_bytes`` or more than
  :data:`MAX_RATIO` times its compressed size;
* **bookkeeping**: an archive member is written only under its own plain file name, never over
  ``SHA256SUMS``, a file of the dataset, or a hidden or path-like name;
* **atomicity**: every file is written beside its target and renamed into place, so a failed,
  corrupt or interrupted download leaves nothing under the final name.

``pooch`` was considered: it downloads with ``requests`` following any redirect and has no
size limits, so the checks above would be needed around it anyway; the standard library's
``urllib`` does the job without a new dependency.

``base_url`` (``--base-url``) fetches the same file names from a mirror instead of the
official addresses, e.g. an institute's copy.

>>> sorted(DATASETS)[:4]
['bgee', 'cellmarker2', 'cl', 'diseases']
>>> check_url("http://example.org/x.txt")
Traceback (most recent call last):
...
evgraph.errors.EvgraphError: http://example.org/x.txt: only https:// downloads are allowed
"""

from __future__ import annotations

import hashlib
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .atomic import atomic_path
from .errors import EvgraphError

USER_AGENT = "evgraph-fetch (https://w3id.org/evgraph)"
CHUNK = 1 << 16
#: Default largest file (download or unpacked archive member), in bytes.
MAX_BYTES = 2 << 30
#: Largest expansion of a zip member over its compressed size.
MAX_RATIO = 100
SUMS = "SHA256SUMS"


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


def _issue14_datasets() -> tuple[Dataset, ...]:
    """Downloads of the issue-14 readers (importers engineer).

    CellMarker 2.0 and TissueEnrich's HPA v18 / GTEx tables are fetched as the R data files the
    TSVs of the shared reference data were derived from (its ``SOURCES.md``), pinned by the SHA-256 of
    each file as published at its commit; the readers decode them (:mod:`evgraph.sources._rdata`).
    CellMarker's own download (``Cell_marker_All.xlsx`` on the CellMarker site) is not an entry: the
    site is served over http:// only, which ``fetch`` refuses, and its file has no fixed release to pin.
    The HPA/GTEx portals' current tables are not the HPA v18 / GTEx release TissueEnrich computed
    its groups on, so they are not offered in their place.
    """
    from importlib import resources

    sums = (resources.files("evgraph") / "data" / "downloads" / "evmirna2.sha256").read_text(encoding="utf-8")
    nnr = f"{_GH}/saeyslab/nichenetr/9b9b126f060d8c8fdfcf8617769cb08c0fa923be/data"
    slimr = f"{_GH}/cran/SlimR/3210dff7658f3bd9b74c89af8967811be805f28e/data"
    tse = f"{_GH}/Tuteja-Lab/TissueEnrich/9f34df76bcc44f1eb3210895a6de0bc7dfedc1f0/TissueEnrich/data"
    evdx = f"{_GH}/liuyongyan/EVDx/5b7be1b138c13013014cb0a4dc5ab64410a60851/evmirna_data"
    evm = tuple(RemoteFile(f"{evdx}/{name}", name, digest) for digest, name in
                (ln.split() for ln in sums.splitlines() if ln.strip() and not ln.startswith("#")))
    return (
        Dataset("evmirna2", "evmirna2", "EVmiRNA 2.0 small-RNA-seq projects (43: TPM, read counts, run metadata; "
                "designs are inferred from the run metadata without the shared-data project index)",
                "no licence stated (EVmiRNA 2.0, Guo lab)", evm, folder=True),
        Dataset("homologene", "orthologs", "NCBI HomoloGene build 68 (homologene.data: human, mouse, rat groups)",
                "US government public data", (
                    RemoteFile("https://ftp.ncbi.nih.gov/pub/HomoloGene/build68/homologene.data", "homologene.data"),
                ), folder=True),
        Dataset("bgee", "tissue_expression", "Bgee v13.1 adult over/under-expression (dhimmel/bgee diffex.tsv.gz; "
                "build with tissue_expression=FOLDER#bgee=yes)", "CC0", (
                    RemoteFile(f"{_GH}/dhimmel/bgee/08ba54e83ee8e28dec22b4351d29e23f1d034d30/data/diffex.tsv.gz",
                               "bgee_diffex.tsv.gz",
                               "2cd9a80db737307270c874b11b8fd5a08aa054196f9138df446a90e203727c68"),
                ), folder=True),
        Dataset("go_annotations", "go_annotations", "Human GO annotations with experimental evidence "
                "(dhimmel/gene-ontology, NCBI gene2go 2018)", "CC BY 4.0", (
                    RemoteFile(f"{_GH}/dhimmel/gene-ontology/d57fd938f90c79152449f5cd23d3c438a19ac2f5/annotations/"
                               "taxid_9606/GO_annotations-9606-direct-expev.tsv",
                               "GO_annotations-9606-direct-expev.tsv",
                               "1f0da3d65e707071df7c60af07c1030e8375f7c5273d3d0a4921f57c2322fb5d"),
                ), folder=True),
        Dataset("nichenet", "nichenet", "NicheNet v1 signalling and gene-regulatory networks (nichenetr data/*.rda, "
                "Feb 2018; about 2.1 M edges each)",
                "GPL-3 package; mixed source licences (check before commercial use)", (
                    RemoteFile(f"{nnr}/sig_network.rda", "sig_network.rda",
                               "3477c9d06bb8d67748676a8897509371a50bf2a3c9048e86ddd2c7acdc4f9139"),
                    RemoteFile(f"{nnr}/gr_network.rda", "gr_network.rda",
                               "9b68809e42fde054d20ac1b009f1b8c67688279e55d4233f0c4b01bbaf1d1f62"),
                ), folder=True),
        Dataset("nichenet_lr", "nichenet", "NicheNet v1 ligand-receptor network (nichenetr data/lr_network.rda, "
                "June 2018: 12,659 pairs; build with nichenet=FOLDER)",
                "GPL-3 package; includes 449 KEGG-derived rows (KEGG licence: no redistribution)", (
                    RemoteFile(f"{_GH}/saeyslab/nichenetr/f9906f3a51ddc09405a04ece9de375688e03facb/data/"
                               "lr_network.rda", "lr_network.rda",
                               "cef2b1b0b91e8f3bd920cea1803623c97f93fc31ea966b711e4e2b2f994ac5fb"),
                ), folder=True),
        Dataset("omnipath", "omnipath", "OmniPath signed directed interactions (saezlab/transcriptutorial "
                "CARNIVAL prior knowledge network, 2023)", "GPL-3 repo; OmniPath resources carry their own licences", (
                    RemoteFile(f"{_GH}/saezlab/transcriptutorial/f97a5eac940b735a9ff2afa4686b74ef08ec9e32/support/"
                               "omnipath_carnival.tsv", "omnipath_carnival.tsv",
                               "d41ec9b8ad208c19ab15d6aa4c73c22673452ac0c57cc32f8428602952e3f7e9"),
                ), folder=True),
        Dataset("cellmarker2", "cell_markers", "CellMarker 2.0 Cell_marker_All (96,074 human and mouse rows) as "
                "shipped by the SlimR 1.1.2 CRAN package (R data, object Cellmarker2_raw); the CellMarker site's "
                ".xlsx is http:// only", "SlimR is MIT; CellMarker 2.0 (Harbin Medical Univ.) states no licence", (
                    RemoteFile(f"{slimr}/Cellmarker2_raw.rda", "Cellmarker2_raw.rda",
                               "ba044632d13b13bdf8642dd8eda08e617a23249eb001d3d45618f825f62ddc3d"),
                ), folder=True),
        Dataset("tissueenrich", "tissue_expression", "HPA v18 (35 tissues) and GTEx (29 tissues) tissue-specific "
                "genes and TPM, as computed by the TissueEnrich R package (R data; with its Ensembl-symbol table)",
                "TissueEnrich is MIT; HPA data CC BY-SA 3.0; GTEx open-access data (GTEx portal terms)", (
                    RemoteFile(f"{tse}/proteinAtlasV18-TSEA.rda", "proteinAtlasV18-TSEA.rda",
                               "eddddb4319d705adb7bab70c644627c828a30fdc4acf5b9988137f0aec23a647"),
                    RemoteFile(f"{tse}/GTEx-combine-TSEA.rda", "GTEx-combine-TSEA.rda",
                               "1ec5bd03cb2f6eb1a7917e1305218c47f31ea50d212a1c5a58dba46cd563ec38"),
                    RemoteFile(f"{tse}/geneMappings.rda", "geneMappings.rda",
                               "25f7810c57c401f1208b1dab89834ce539c859481a2aef4e9bfa0f86ae591f61"),
                ), folder=True),
        Dataset("panglaodb", "cell_markers", "PanglaoDB cell-type markers (27 Mar 2020)", "not stated by the source", (
                    RemoteFile("https://panglaodb.se/markers/PanglaoDB_markers_27_Mar_2020.tsv.gz",
                               "PanglaoDB_markers_27_Mar_2020.tsv.gz"),
                ), folder=True),
    )


#: The datasets ``evgraph fetch`` knows. Files at a fixed release or commit are pinned; official
#: "current" releases change, so they cannot be pinned and need ``--trust`` (see the module doc).
DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("exocarta", "exocarta", "ExoCarta v5 protein/mRNA details", "free (exocarta.org)", (
        RemoteFile("https://exocarta.org/Archive/EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt",
                   "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt",
                   "a1e8249dbd53e9652fb1cbb8f3a05cb29a4a4fa9f5ed663d5434d6004b201300"),
    ), folder=True),
    Dataset("vesiclepedia", "vesiclepedia", "Vesiclepedia experiment, miRNA, lipid, PTM and RNA GPAD files",
            "free (microvesicles.org)", tuple(
                RemoteFile(f"https://microvesicles.org/Archive/{n}", n) for n in (
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
        RemoteFile("https://purl.obolibrary.org/obo/cl/cl-basic.obo", "cl-basic.obo"),
    ), folder=True),
    Dataset("doid", "ontologies", "Human Disease Ontology (OBO, with UMLS xrefs)", "CC0", (
        RemoteFile("https://purl.obolibrary.org/obo/doid.obo", "doid.obo"),
    ), folder=True),
    Dataset("mondo", "ontologies", "Mondo disease ontology (OBO, with DOID xrefs)", "CC BY 4.0", (
        RemoteFile("https://purl.obolibrary.org/obo/mondo.obo", "mondo.obo"),
    ), folder=True),
    Dataset("uberon", "ontologies", "Uberon anatomy ontology (OBO)", "CC BY 3.0", (
        RemoteFile("https://purl.obolibrary.org/obo/uberon.obo", "uberon.obo"),
    ), folder=True),
    Dataset("goslim", "ontologies", "GO slim generic", "CC BY 4.0", (
        RemoteFile("https://current.geneontology.org/ontology/subsets/goslim_generic.obo", "goslim_generic.obo"),
    ), folder=True),
    *_issue14_datasets(),
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


def check_url(url: str) -> str:
    """``url`` if it is an ``https://`` address with a host; else a clear error."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "https":
        raise EvgraphError(f"{url}: only https:// downloads are allowed")
    if not parts.hostname:
        raise EvgraphError(f"{url}: no host in the address")
    return url


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to ``https://`` on the same host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl))
        old = urllib.parse.urlsplit(req.full_url)
        if new.scheme.lower() != "https" or (new.hostname or "").lower() != (old.hostname or "").lower():
            raise EvgraphError(f"{req.full_url}: refused a redirect to {urllib.parse.urlunsplit(new)} "
                               "(only https:// on the same host is followed)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(context: ssl.SSLContext | None) -> urllib.request.OpenerDirector:
    ctx = context if context is not None else ssl.create_default_context()
    # no build_opener: it would add the http://, ftp:// and file:// handlers; this one speaks https only
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPSHandler(context=ctx), _SameHostRedirects(),
                    urllib.request.HTTPDefaultErrorHandler(), urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _download(url: str, target: Path, expected: str | None, timeout: float,
              progress: Callable[[str, int | None], Callable[[int], None]] | None, *,
              max_bytes: int = MAX_BYTES, context: ssl.SSLContext | None = None) -> str:
    check_url(url)
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        resp = _opener(context).open(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        raise EvgraphError(f"{url}: download failed: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EvgraphError(f"{url}: download failed: {reason}") from None
    check_url(resp.geturl())
    h = hashlib.sha256()
    with resp, atomic_path(target) as tmp:
        size = resp.headers.get("Content-Length")
        if size and size.isdigit() and int(size) > max_bytes:
            raise EvgraphError(f"{url}: {size} bytes is over the size limit of {max_bytes} bytes (--max-size)")
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
                if got > max_bytes:
                    raise EvgraphError(f"{url}: stopped at the size limit of {max_bytes} bytes (--max-size)")
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


def read_sums(folder: Path) -> dict[str, str]:
    """The cache's recorded ``{file name: sha256}`` (empty when there is none or it is unreadable)."""
    sums: dict[str, str] = {}
    try:
        text = (folder / SUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return sums
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64:
            sums[name] = digest
    return sums


def fetch(names: Iterable[str], cache: str | Path | None = None, *, base_url: str | None = None,
          registry: dict[str, Dataset] | None = None, force: bool = False, timeout: float = 60.0,
          progress: Callable[[str, int | None], Callable[[int], None]] | None = None, trust: bool = False,
          max_bytes: int = MAX_BYTES, context: ssl.SSLContext | None = None) -> list[Fetched]:
    """Download datasets ``names`` into ``cache/NAME/``; return what was fetched (see the module doc).

    ``trust`` accepts files without a pinned checksum; ``context`` is the TLS context (default:
    the system's trusted certificates).
    """
    reg = registry if registry is not None else DATASETS
    names = list(names)
    unknown = [n for n in names if n not in reg]
    if unknown:
        raise EvgraphError(f"unknown dataset '{unknown[0]}' (known: {', '.join(sorted(reg))})")
    if base_url is not None:
        check_url(base_url)
    if max_bytes <= 0:
        raise EvgraphError(f"the size limit must be positive, got {max_bytes}")
    for name in names:
        for rf in reg[name].files:
            if rf.sha256 is None and not trust:
                raise EvgraphError(f"dataset '{name}': {rf.filename} has no pinned checksum (an official "
                                   "'current' release); pass --trust to accept what the server sends (its "
                                   "sha256 is recorded and checked whenever the cached copy is reused)")
            _check_name(rf.filename, f"dataset '{name}'")
            check_url(f"{base_url.rstrip('/')}/{rf.filename}" if base_url else rf.url)
    root = Path(cache) if cache else default_cache()
    results: list[Fetched] = []
    for name in names:
        ds = reg[name]
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        recorded = read_sums(folder)
        sums: dict[str, str] = {}
        reserved = {SUMS, *(f.filename for f in ds.files)}
        for rf in ds.files:
            url = f"{base_url.rstrip('/')}/{rf.filename}" if base_url else rf.url
            target = folder / rf.filename
            if target.exists() and not force:
                digest = sha256_of(target)
                want = rf.sha256 or recorded.get(rf.filename)
                if want is not None and digest == want:
                    sums[rf.filename] = digest
                    if target.suffix == ".zip":
                        target = unpack_zip(target, reserved=reserved, max_bytes=max_bytes)
                    results.append(Fetched(name, target, digest, rf.sha256 is not None, False))
                    continue
            digest = _download(url, target, rf.sha256, timeout, progress, max_bytes=max_bytes, context=context)
            sums[rf.filename] = digest
            if target.suffix == ".zip":
                target = unpack_zip(target, reserved=reserved, max_bytes=max_bytes)
            results.append(Fetched(name, target, digest, rf.sha256 is not None, True))
        with atomic_path(folder / SUMS) as tmp:
            tmp.write_text("".join(f"{d}  {f}\n" for f, d in sorted(sums.items())), encoding="utf-8")
    return results


def _check_name(name: str, where: str) -> str:
    """A plain, visible file name (no folder part, not hidden, not the cache's own files)."""
    if not name or name != Path(name).name or "\\" in name or name.startswith(".") or name == SUMS \
            or any(ord(c) < 32 for c in name):
        raise EvgraphError(f"{where}: refused file name {name!r} (must be a plain file name, not {SUMS})")
    return name


def unpack_zip(path: Path, *, reserved: Iterable[str] = (), max_bytes: int = MAX_BYTES) -> Path:
    """Extract a one-file ``.zip`` (Reactome's GMT) next to it; return the extracted file.

    The member must have a plain file name that is none of ``reserved`` (the cache's own
    files), and may unpack to at most ``max_bytes`` and :data:`MAX_RATIO` times its compressed size.
    """
    import zipfile

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise EvgraphError(f"{path}: not a valid zip archive ({exc})") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) != 1:
            raise EvgraphError(f"{path}: expected one file in the archive, found {len(members)}")
        member = members[0]
        name = _check_name(member.filename, f"{path}: archive member")
        if name in set(reserved) | {path.name}:
            raise EvgraphError(f"{path}: archive member {name!r} would overwrite a file of the cache")
        limit = min(max_bytes, max(member.compress_size, 1) * MAX_RATIO)
        if member.file_size > limit:
            raise EvgraphError(f"{path}: member {name} unpacks to {member.file_size} bytes, over the limit of "
                               f"{limit} bytes ({MAX_RATIO}x its compressed size, at most --max-size)")
        target = path.parent / name
        try:
            with zf.open(member) as src, atomic_path(target) as tmp, open(tmp, "wb") as out:
                written = 0
                for block in iter(lambda: src.read(CHUNK), b""):
                    written += len(block)
                    if written > limit:  # the header lied
                        raise EvgraphError(f"{path}: member {name} unpacks to more than {limit} bytes")
                    out.write(block)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise EvgraphError(f"{path}: damaged archive member {name}: {exc}") from None
    return target

