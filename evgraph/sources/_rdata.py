"""R data files (``.rda`` / ``.RData`` / ``.rds``) as pandas tables, decoded once and cached.

Several public sources are published as R package data (NicheNet's networks in nichenetr,
CellMarker 2.0 in SlimR, TissueEnrich's HPA and GTEx tables). :func:`read_rdata` decodes every
object of such a file with pyreadr (librdata; no R needed) and, unless ``use_cache`` is off,
keeps each object as Parquet in ``$EVGRAPH_CACHE/rdata/<sha256>/<object>.parquet``, so a
second build reads the columns instead of decoding again. The cache key is the file's
SHA-256: a changed file is decoded again, never served stale.

>>> import tempfile, pathlib, pyreadr
>>> p = pathlib.Path(tempfile.mkdtemp()) / "t.rda"
>>> pyreadr.write_rdata(str(p), pd.DataFrame({"a": [1.0, 2.0]}), df_name="tab")
>>> read_rdata(p, use_cache=False)["tab"]["a"].tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..arrays import is_text_dtype
from ..errors import DataError, Problem

#: File name endings read as R data.
R_SUFFIXES = (".rda", ".rdata", ".rds")


def is_rdata(path: Path) -> bool:
    """Whether ``path`` is named as an R data file."""
    return path.suffix.lower() in R_SUFFIXES


def read_rdata(file: Path, use_cache: bool = True, cache_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table of the R data file ``file``, by object name (one clear error if it cannot be read).

    Row names, where R stores them, become the frame's index (pyreadr's convention).
    """
    try:
        import pyreadr
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError(Problem(str(file), None, None, "reading R data files needs pyreadr: pip install pyreadr "
                                "(or pass the table as TSV)")) from None
    folder = None
    if use_cache:
        from ..fetch import default_cache, sha256_of

        folder = (cache_dir or default_cache() / "rdata") / sha256_of(file)[:32]
        names = folder / "objects.txt"
        if names.is_file():
            objs = [n for n in names.read_text(encoding="utf-8").splitlines() if n]
            if all((folder / f"{i}.parquet").is_file() for i in range(len(objs))):
                return {n: pd.read_parquet(folder / f"{i}.parquet") for i, n in enumerate(objs)}
    try:
        result = pyreadr.read_r(str(file))
    except Exception as exc:  # pyreadr raises its own LibrdataError / PyreadrError
        raise DataError(Problem(str(file), None, None, f"cannot read the R data file: {exc}")) from None
    tables = {str(k): v for k, v in result.items()}
    if folder is not None:
        from ..atomic import atomic_path

        folder.mkdir(parents=True, exist_ok=True)
        for i, df in enumerate(tables.values()):
            with atomic_path(folder / f"{i}.parquet") as tmp:
                df.to_parquet(tmp, index=True)
        with atomic_path(folder / "objects.txt") as tmp:
            Path(tmp).write_text("\n".join(tables) + "\n", encoding="utf-8")
    return tables


def one_table(file: Path, use_cache: bool = True, name: str | None = None) -> pd.DataFrame:
    """The table ``name`` of an R data file, or its only table when ``name`` is None."""
    tables = read_rdata(file, use_cache)
    if name is not None:
        if name not in tables:
            raise DataError(Problem(str(file), None, None, f"no object {name!r} in the R data file "
                                    f"(found {', '.join(tables) or 'none'})"))
        return tables[name]
    if len(tables) != 1:
        raise DataError(Problem(str(file), None, None, f"expected one table in the R data file, found {len(tables)}"))
    return next(iter(tables.values()))


def as_tsv(file: Path, frame: pd.DataFrame, name: str, use_cache: bool = True) -> Path:
    """``frame`` (decoded from the R data file ``file``) written as a TSV a row reader can take.

    Whole numbers R stored as doubles (ids, PubMed ids, years) are written as integers; tabs,
    CR and LF inside text become spaces (R strings may hold them, a TSV cell cannot). The file
    goes beside the decoded objects in the cache (or a temporary folder, removed at exit, without it);
    its line ``n + 1`` is the object's row ``n``.
    """
    import tempfile

    from ..atomic import atomic_path
    from ..fetch import default_cache, sha256_of

    if use_cache:
        folder = default_cache() / "rdata" / sha256_of(file)[:32]
    else:  # a temporary folder, removed when the process ends
        import atexit
        import shutil

        folder = Path(tempfile.mkdtemp(prefix="evgraph-rdata-"))
        atexit.register(shutil.rmtree, folder, True)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.tsv"
    if use_cache and target.is_file():
        return target
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype.kind == "f":
            whole = values.dropna()
            if len(whole) and (whole == whole.round()).all():
                out[col] = values.astype("Int64").astype(str).replace("<NA>", "")
        elif is_text_dtype(values.dtype):
            out[col] = values.astype(object).where(values.notna(), "").astype(str).str.replace(
                r"[\t\r\n]", " ", regex=True)
    with atomic_path(target) as tmp:
        out.to_csv(tmp, sep="\t", index=False)
    return target
