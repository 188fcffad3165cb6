"""The malformed-input variants of the fuzz suite (issue 18), generated at test time from small fixtures.

Every registered reader gets one :class:`Spec`: a small real input (``tests/fixtures``: slices of
the public releases, see their READMEs and ``../shared/data/SOURCES.md`` for sources and licences),
the file inside it that is damaged, and how its rows look (header, delimiter, a column whose values
the reader validates). :data:`VARIANTS` are the damages; each has an expectation:

* ``fail``: the input is unusable (cut mid-line, empty, binary, missing...): the build must exit
  non-zero with one clear line and leave no output;
* ``same``: a harmless difference (BOM, CRLF, an extra column, blank lines): the build either
  gives the graph of the undamaged input or fails cleanly;
* ``accounted``: one damaged *copy* of a data row is added (bad bytes, NUL, a huge field, a bad
  id, a short row...): the build either gives the graph of the undamaged input and the QC report
  shows the extra row (skipped, merged or folded), or fails cleanly. Anything else is a silent
  loss or corruption.

Binary inputs (R data files) only get the variants that make sense for bytes.
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SRC = FIXTURES / "sources"


@dataclass(frozen=True)
class Spec:
    """One reader's fuzz input."""

    key: str                 #: case id prefix (a reader can have several specs)
    reader: str              #: the ``--source`` name
    path: str                #: file or folder (relative to tests/fixtures/sources, or absolute)
    target: str = ""         #: the file damaged, relative to ``path`` (``""``: ``path`` is that file)
    options: str = ""        #: ``#key=value`` reader options
    header: bool = True      #: the first non-comment line is a header row
    delimiter: bytes = b"\t"
    id_col: int = 0          #: a column the reader validates (bad values are skipped or refused)
    comment: bytes = b""     #: comment line prefix before/among the rows
    binary: bool = False     #: not a text table (only byte-level variants)
    rows: bool = True        #: line = record (row-level variants apply)
    #: other sources of the build (``@SRC`` = tests/fixtures/sources), e.g. the genes that resolve symbols
    extra: tuple[str, ...] = ()


def _curated() -> str:
    return str(FIXTURES / "curated")


GENES = ("genes=@SRC/genes_hetionet_nodes.tsv",)  # resolves the symbols of the symbol-only sources
SPECS: list[Spec] = [
    Spec("curated", "curated", _curated(), "statements-mini.tsv", id_col=0),
    Spec("kgx", "kgx", "@kgx", "edges.tsv", id_col=1),
    Spec("rdf", "rdf", "@rdf", "", delimiter=b" ", header=False, id_col=0),
    Spec("ontologies", "ontologies", "ontologies/doid-mini.obo", header=False, delimiter=b": ", rows=False,
         extra=("diseases=@SRC/diseases_knowledge.tsv", "genes=@SRC/genes_hetionet_nodes.tsv")),
    Spec("genes", "genes", "genes_hetionet_nodes.tsv", id_col=0, extra=("ligand_receptor=@SRC/ligand_receptor.tsv",)),
    Spec("vesiclepedia", "vesiclepedia", "vesiclepedia", "Vesiclepedia_lipid_details.txt", id_col=4),
    Spec("exocarta", "exocarta", "exocarta_v5", "EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt", id_col=2),
    Spec("exocarta-csv", "exocarta", "exocarta_v6", "EXOCARTA_PROTEIN_MRNA_DETAILS_6.csv.gz", delimiter=b",",
         id_col=2),
    Spec("mirtarbase", "mirtarbase", "mirtarbase/miRTarBase_MTI_v9.tsv", id_col=4),
    Spec("mirtarbase-csv", "mirtarbase", "mirtarbase/hsa_MTI_v7.csv.gz", delimiter=b",", id_col=4),
    Spec("reactome", "reactome", "gmt/ReactomePathways.gmt", header=False, id_col=1),
    Spec("wikipathways", "wikipathways", "gmt/wikipathways-Homo_sapiens.gmt", header=False, id_col=2),
    Spec("msigdb", "msigdb", "gmt/h.all.symbols.gmt", header=False, id_col=2),
    Spec("hetio_pathways", "hetio_pathways", "hetio_pathways.tsv", id_col=7),
    Spec("disgenet", "disgenet", "disgenet_v7.tsv", id_col=0),
    Spec("diseases", "diseases", "diseases_knowledge.tsv", header=False, id_col=2),
    Spec("ppi", "ppi", "HI-II-14.tsv", id_col=0),
    Spec("ppi-hetio", "ppi", "ppi_hetio.txt.gz", id_col=1, extra=GENES),
    Spec("ligand_receptor", "ligand_receptor", "ligand_receptor.tsv", id_col=2, extra=GENES),
    Spec("orthologs", "orthologs", "orthologs/homologene.data.gz", header=False, id_col=2,
         extra=("exocarta=@SRC/orthologs/EXOCARTA_PROTEIN_MRNA_DETAILS_test.txt",)),
    Spec("evmirna2", "evmirna2", "evmirna2", "evmirna2/PRJNA983206_metadata.csv", delimiter=b",", id_col=1),
    Spec("tissue_expression", "tissue_expression", "tissue_expression",
         "tissueenrich_hpa_v18_tissue_specific_genes.tsv", id_col=2),
    Spec("cell_markers", "cell_markers", "cell_markers", "panglaodb_markers_subset.tsv", id_col=1),
    Spec("go_annotations", "go_annotations", "go/GO_annotations-9606-direct-expev.tsv", id_col=0),
    Spec("nichenet", "nichenet", "priors", "nichenet_sig_network_subset.rda", binary=True),
    Spec("omnipath", "omnipath", "priors/omnipath_subset.tsv", id_col=1, extra=GENES),
]

# ---------------------------------------------------------------------------------------- rows


def _split_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def _join(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n"


def _data_rows(spec: Spec, lines: list[bytes]) -> list[int]:
    """Indices of the data rows (not comments, not blank, not the header)."""
    out, header_seen = [], not spec.header
    for i, ln in enumerate(lines):
        if not ln.strip() or (spec.comment and ln.startswith(spec.comment)) or ln.startswith(b"!"):
            continue
        if not header_seen:
            header_seen = True
            continue
        out.append(i)
    return out


def _with_copy(spec: Spec, data: bytes, damage: Callable[[list[bytes]], list[bytes] | bytes]) -> bytes:
    """``data`` plus a damaged copy of its first data row, inserted after that row."""
    lines = _split_lines(data)
    rows = _data_rows(spec, lines)
    k = rows[0]
    fields = lines[k].split(spec.delimiter)
    new = damage(list(fields))
    row = new if isinstance(new, bytes) else spec.delimiter.join(new)
    return _join([*lines[:k + 1], row, *lines[k + 1:]])


def _set_field(spec: Spec, value: bytes) -> Callable[[list[bytes]], list[bytes]]:
    def damage(fields: list[bytes]) -> list[bytes]:
        i = min(spec.id_col, len(fields) - 1)
        fields[i] = value
        return fields

    return damage


def _insert_in_field(spec: Spec, value: bytes) -> Callable[[list[bytes]], list[bytes]]:
    def damage(fields: list[bytes]) -> list[bytes]:
        i = min(spec.id_col, len(fields) - 1)
        f = fields[i]
        fields[i] = f[: len(f) // 2] + value + f[len(f) // 2:]
        return fields

    return damage


# ---------------------------------------------------------------------------------------- variants


def v_truncated(spec: Spec, data: bytes) -> bytes:
    body = data.rstrip(b"\n")
    last = body.rfind(b"\n") + 1
    cut = last + max(1, (len(body) - last) // 2)
    return body[:cut]


def v_wrong_delimiter(spec: Spec, data: bytes) -> bytes:
    return data.replace(spec.delimiter, b" ")


def v_missing_column(spec: Spec, data: bytes) -> bytes:
    out = []
    for ln in _split_lines(data):
        if ln.startswith(b"!") or (spec.comment and ln.startswith(spec.comment)) or not ln.strip():
            out.append(ln)
            continue
        f = ln.split(spec.delimiter)
        if len(f) > spec.id_col:
            del f[spec.id_col]
        out.append(spec.delimiter.join(f))
    return _join(out)


def v_extra_column(spec: Spec, data: bytes) -> bytes:
    lines = _split_lines(data)
    rows = set(_data_rows(spec, lines))
    out = []
    for i, ln in enumerate(lines):
        if i in rows:
            out.append(ln + spec.delimiter + b"x")
        elif ln.strip() and not ln.startswith(b"!") and not (spec.comment and ln.startswith(spec.comment)):
            out.append(ln + spec.delimiter + b"extra_column")  # the header
        else:
            out.append(ln)
    return _join(out)


def v_ragged(spec: Spec, data: bytes) -> bytes:
    data = _with_copy(spec, data, lambda f: [*f, b"x", b"y"])
    return _with_copy(spec, data, lambda f: f[: max(1, spec.id_col)])


def v_empty(spec: Spec, data: bytes) -> bytes:
    return b""


def v_header_only(spec: Spec, data: bytes) -> bytes:
    lines = _split_lines(data)
    rows = _data_rows(spec, lines)
    return _join(lines[: rows[0]])


def v_latin1_row(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _insert_in_field(spec, "é".encode("latin-1")))


def v_binary(spec: Spec, data: bytes) -> bytes:
    return random.Random(18).randbytes(4096)


def v_bom(spec: Spec, data: bytes) -> bytes:
    return b"\xef\xbb\xbf" + data


def v_nul(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _insert_in_field(spec, b"\x00"))


def v_field_10mb(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _set_field(spec, b"A" * (10 << 20)))


def v_quoted_200kb(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _set_field(spec, b'"' + b"B" * (200 << 10) + b'"'))


def v_crlf(spec: Spec, data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\n")


def v_quoted_newline(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _set_field(spec, b'"two\nlines"'))


def v_short_row(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, lambda f: f[: max(1, len(f) // 2)] if spec.id_col >= len(f) // 2
                      else f[: max(1, spec.id_col)])


def v_bad_value(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, _set_field(spec, b"not-an-id!"))


def v_blank_lines(spec: Spec, data: bytes) -> bytes:
    lines = _split_lines(data)
    rows = _data_rows(spec, lines)
    k = rows[0]
    return _join([*lines[:k + 1], b"", b"   ", *lines[k + 1:]]) + b"\n"


def v_duplicate_row(spec: Spec, data: bytes) -> bytes:
    return _with_copy(spec, data, lambda f: f)


def v_truncated_binary(spec: Spec, data: bytes) -> bytes:
    return data[: len(data) // 2]


#: name -> (function on the decompressed bytes, expectation); the file-level ones are below.
VARIANTS: dict[str, tuple[Callable[[Spec, bytes], bytes] | None, str]] = {
    "truncated_mid_line": (v_truncated, "fail"),
    "wrong_delimiter": (v_wrong_delimiter, "fail"),
    "missing_column": (v_missing_column, "fail"),
    "extra_column": (v_extra_column, "same"),
    "ragged_rows": (v_ragged, "accounted"),
    "empty": (v_empty, "fail"),
    "header_only": (v_header_only, "fail"),
    "latin1_row": (v_latin1_row, "accounted"),
    "random_binary": (v_binary, "fail"),
    "bom": (v_bom, "same"),
    "nul_bytes": (v_nul, "accounted"),
    "field_10mb": (v_field_10mb, "accounted"),
    "quoted_field_200kb": (v_quoted_200kb, "accounted"),
    "crlf": (v_crlf, "same"),
    "quoted_newline": (v_quoted_newline, "accounted"),
    "short_row": (v_short_row, "accounted"),
    "bad_value": (v_bad_value, "accounted"),
    "blank_lines": (v_blank_lines, "same"),
    "duplicate_row": (v_duplicate_row, "accounted"),
    "truncated_gzip": (None, "fail"),
    "directory": (None, "fail"),
    "missing_file": (None, "fail"),
    "unreadable_file": (None, "fail"),
}
BINARY_VARIANTS = ("empty", "random_binary", "truncated_gzip", "directory", "missing_file", "unreadable_file",
                   "truncated_mid_line")
NO_ROW_VARIANTS = ("truncated_mid_line", "empty", "random_binary", "bom", "crlf", "truncated_gzip", "directory",
                   "missing_file", "unreadable_file")


def applicable(spec: Spec) -> list[str]:
    """The variants that apply to ``spec``'s input."""
    if spec.binary:
        return list(BINARY_VARIANTS)
    names = list(VARIANTS) if spec.rows else list(NO_ROW_VARIANTS)
    if not spec.header:
        names = [n for n in names if n not in ("header_only", "missing_column", "extra_column")]
    if spec.reader == "rdf":  # N-Triples: no columns, every line one statement
        names = [n for n in names if n not in ("missing_column", "extra_column", "wrong_delimiter")]
    return names


def is_gz(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def make_case(spec: Spec, variant: str, base: Path, dest: Path) -> Path:
    """Write the ``variant`` of ``spec``'s input (the undamaged one when ``variant`` is ``baseline``)
    under ``dest`` and return the path to give the reader."""
    dest.mkdir(parents=True, exist_ok=True)
    root = dest / "in" / base.name
    if base.is_dir():
        shutil.copytree(base, root)
        target = root / spec.target
    else:
        root.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(base, root)
        target = root
    if variant == "baseline":
        return root
    fn, _ = VARIANTS[variant]
    raw = target.read_bytes()
    gz = not spec.binary and is_gz(target)
    text = gzip.decompress(raw) if gz else raw
    if variant == "truncated_gzip":
        packed = raw if gz or spec.binary else gzip.compress(text, mtime=0)
        target.write_bytes(packed[: len(packed) // 2])
    elif variant == "directory":
        target.unlink()
        target.mkdir()
        (target / "stray.txt").write_text("x\n")
    elif variant == "missing_file":
        target.unlink()
    elif variant == "unreadable_file":
        os.chmod(target, 0)
    elif spec.binary:
        new = v_truncated_binary(spec, raw) if variant == "truncated_mid_line" else fn(spec, raw)
        target.write_bytes(new)
    else:
        new = fn(spec, text)
        target.write_bytes(gzip.compress(new, mtime=0) if gz and variant not in ("random_binary", "empty") else new)
    return root
