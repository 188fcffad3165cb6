"""Column operations of the build, vectorised: each works once per distinct value, not per row.

Millions of edges share a few thousand texts (evidence, sources, species): the builder holds
edge text columns as categoricals (:func:`clean_categorical`), unites them across sources
(:func:`concat_frames`), hashes each distinct value once (:func:`edge_signatures`) and looks
node ids up once per distinct id (:func:`node_codes`). Each function gives what its row-wise
form gave (``tests/test_build_vectorised.py`` compares them on real data).

>>> c = clean_categorical(pd.Series([" a", "b", "a "]))
>>> c.tolist(), sorted(c.categories)  # "" stands for missing cells
(['a', 'b', 'a'], ['', 'a', 'b'])
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from ..evidence import ID_WHEN_FILLED
from ..model import EDGE_COLUMNS


def clean_text(col: pd.Series) -> np.ndarray:
    """``col.fillna("").astype(str).str.strip()``, computed once per distinct value (millions of rows, few values).

    >>> clean_text(pd.Series([" a", None, "a ", 3])).tolist()
    ['a', '', 'a', '3']
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    clean = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    return clean[codes]  # code -1 (missing) picks the trailing ""


def clean_categorical(col: pd.Series | pd.Categorical) -> pd.Categorical:
    """:func:`clean_text` as a categorical (one category per distinct cleaned text; missing cells are ``""``).

    >>> c = clean_categorical(pd.Series([" a", None, "a ", 3]))
    >>> c.tolist(), sorted(c.categories)
    (['a', '', 'a', '3'], ['', '3', 'a'])
    """
    if isinstance(getattr(col, "dtype", None), pd.CategoricalDtype):
        cat = col.array if isinstance(col, pd.Series) else col
        codes, uniques = np.asarray(cat.codes), cat.categories
    else:
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=True)
    clean = np.array([str(u).strip() for u in uniques] + [""], dtype=object)
    codes2, cats = pd.factorize(clean)  # two raw values may clean to one text
    return pd.Categorical.from_codes(codes2[codes], categories=pd.Index(cats, dtype=object), validate=False)


def renumbered(df: pd.DataFrame) -> pd.DataFrame:
    """``df.reset_index(drop=True)`` without copying a column.

    pandas' ``reset_index`` copies the frame and so consolidates its blocks: the object columns
    of a few million edges are stacked into one 2-D array, seconds each time. A shallow copy
    with a new ``RangeIndex`` shares the columns (pandas' copy-on-write keeps ``df`` unchanged
    when the result is edited).

    >>> out = renumbered(pd.DataFrame({"a": [1, 2, 3]}).iloc[[2, 0]])
    >>> out.to_dict("list"), list(out.index)
    ({'a': [3, 1]}, [0, 1])
    """
    if isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1:
        return df
    out = df.copy(deep=False)
    out.index = pd.RangeIndex(len(out))
    return out


def concat_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(frames, ignore_index=True)`` that keeps categorical columns categorical (categories united).

    A column missing from some frames, or categorical in some only, is concatenated as objects
    (missing cells NaN, as ``pd.concat`` gives them).

    >>> a = pd.DataFrame({"x": pd.Categorical(["p", "q"]), "y": [1, 2]})
    >>> b = pd.DataFrame({"x": pd.Categorical(["r"]), "y": [3]})
    >>> out = concat_frames([a, b])
    >>> out["x"].tolist(), str(out["x"].dtype), out["y"].tolist()
    (['p', 'q', 'r'], 'category', [1, 2, 3])
    """
    from pandas.api.types import union_categoricals

    if len(frames) == 1:
        return renumbered(frames[0])
    columns = list(dict.fromkeys(c for f in frames for c in f.columns))
    n = sum(len(f) for f in frames)
    data: dict[str, object] = {}
    for c in columns:
        parts = [f[c] if c in f.columns else None for f in frames]
        if all(p is not None and isinstance(p.dtype, pd.CategoricalDtype) for p in parts):
            cats = [p.array for p in parts]
            if len({str(x.categories.dtype) for x in cats}) > 1:  # pandas 3: "str" and object categories
                cats = [pd.Categorical.from_codes(x.codes, categories=x.categories.astype(object)) for x in cats]
            data[c] = union_categoricals(cats, ignore_order=True)
        elif all(p is not None for p in parts) and len({p.dtype for p in parts}) == 1 and parts[0].dtype != object:
            data[c] = np.concatenate([p.to_numpy() for p in parts])
        else:
            data[c] = np.concatenate([p.to_numpy(dtype=object) if p is not None
                                      else np.full(len(f), np.nan, dtype=object)
                                      for p, f in zip(parts, frames, strict=True)])
    return pd.DataFrame(data, index=pd.RangeIndex(n))


def set_where_empty(edges: pd.DataFrame, col: str, default: str) -> None:
    """``edges.loc[edges[col] == "", col] = default`` for object and categorical columns (the column is replaced,
    not written into: frames may share columns, see :func:`renumbered`)."""
    values = edges[col]
    if not isinstance(values.dtype, pd.CategoricalDtype):
        empty = (values == "").to_numpy()
        if empty.any():
            edges[col] = np.where(empty, default, values.to_numpy(dtype=object)).astype(object)
        return
    cats = list(values.cat.categories)
    if "" not in cats:
        return
    if default not in cats:
        edges[col] = values.cat.rename_categories({"": default})
        return
    codes = values.cat.codes.to_numpy().copy()
    codes[codes == cats.index("")] = cats.index(default)
    edges[col] = pd.Categorical.from_codes(codes, categories=values.cat.categories, validate=False)


def filled_columns(frame: pd.DataFrame, columns) -> list[str]:
    """The columns of ``columns`` in ``frame`` with at least one cell that is neither missing nor ``""``
    (a categorical column is judged by the categories its rows use, not row by row).

    >>> f = pd.DataFrame({"a": ["", None], "b": pd.Categorical(["", "x"]), "c": pd.Categorical(["", ""])})
    >>> filled_columns(f, ["a", "b", "c", "d"])
    ['b']
    """
    out = []
    for c in columns:
        if c not in frame.columns:
            continue
        col = frame[c]
        if isinstance(col.dtype, pd.CategoricalDtype):
            codes = col.cat.codes.to_numpy()
            used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(col.cat.categories)))
            values = pd.Series(col.cat.categories[used], dtype=object)
        else:
            values = col[col.notna()]
        if (values.astype(str) != "").any():  # what evgraph.evidence.check_values counts as a filled cell
            out.append(c)
    return out


def text_categorical(col: pd.Series | np.ndarray) -> pd.Categorical:
    """``col`` as text (``str`` of every cell, like ``astype(str)``) in a categorical: one string per distinct value.

    >>> list(text_categorical(pd.Series(["a", 1, "a", " a"])))
    ['a', '1', 'a', ' a']
    """
    if isinstance(getattr(col, "dtype", None), pd.CategoricalDtype) and not col.isna().any():
        codes, uniques = np.asarray(col.cat.codes), col.cat.categories  # the builder's text columns
    else:
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=False)
    texts = np.array([str(u) for u in uniques], dtype=object)
    codes2, cats = pd.factorize(texts)  # two values with one text ("1" and 1) share it
    return pd.Categorical.from_codes(codes2[codes], categories=pd.Index(cats, dtype=object), validate=False)


def edge_signatures(edges: pd.DataFrame) -> np.ndarray:
    """A 64-bit hash per edge record of every field but ``id`` (the generated edge id hashes it).

    Equal to ``pd.util.hash_pandas_object`` of the fields as text (``confidence`` as a float),
    computed once per distinct value of each column: categoricals hash their categories and
    take the codes, so millions of edges sharing a few thousand evidence texts hash those once.
    The fields of :data:`~evgraph.evidence.ID_WHEN_FILLED` count only where filled
    (:func:`_fold_when_filled`).

    >>> e = pd.DataFrame({c: [""] for c in EDGE_COLUMNS}).assign(confidence=[0.5])
    >>> ref = pd.util.hash_pandas_object(pd.DataFrame({c: e[c].astype(float) if c == "confidence"
    ...     else e[c].astype(str) for c in EDGE_COLUMNS if c != "id" and c not in ID_WHEN_FILLED}),
    ...     index=False).to_numpy()
    >>> bool((edge_signatures(e) == ref).all())
    True
    """
    key = pd.DataFrame({c: edges[c].to_numpy(dtype=np.float64) if c == "confidence" else text_categorical(edges[c])
                        for c in EDGE_COLUMNS if c != "id" and c not in ID_WHEN_FILLED})
    sig = pd.util.hash_pandas_object(key, index=False).to_numpy(dtype=np.uint64)
    return _fold_when_filled(edges, sig)


def _fold_when_filled(edges: pd.DataFrame, sig: np.ndarray) -> np.ndarray:
    """Fields added after ids were fixed (:data:`evgraph.evidence.ID_WHEN_FILLED`) change the
    signature only of the edges that fill one: their hash is that of (signature, field texts);
    every other edge keeps the signature it had without those columns.

    >>> e = pd.DataFrame({c: ["", ""] for c in EDGE_COLUMNS}).assign(confidence=[0.5, 0.5])
    >>> e.loc[1, "q_value"] = "0.01"
    >>> s = edge_signatures(e)
    >>> bool(s[0] == edge_signatures(e.drop(columns=list(ID_WHEN_FILLED)))[0]), bool(s[0] != s[1])
    (True, True)
    """
    cols = [c for c in ID_WHEN_FILLED if c in edges.columns]
    if not cols:
        return sig
    texts = {c: text_categorical(edges[c]) for c in cols}
    filled = np.zeros(len(edges), dtype=bool)
    for t in texts.values():
        cats = np.asarray(t.categories, dtype=object)
        filled |= np.isin(t.codes, np.flatnonzero((cats != "") & (cats != "nan") & (cats != "None")))
    if not filled.any():
        return sig
    sub = pd.DataFrame({"_signature": sig[filled], **{c: t[filled] for c, t in texts.items()}})
    out = sig.copy()
    out[filled] = pd.util.hash_pandas_object(sub, index=False).to_numpy(dtype=np.uint64)
    return out


_HEX = np.array([format(i, "02x") for i in range(256)], dtype="S2")


def hex_ids(signature: np.ndarray) -> np.ndarray:
    """Generated edge ids ``evgraph:E`` + the 16 hex digits of each signature (vectorised).

    >>> hex_ids(np.array([255, 2**64 - 1], dtype=np.uint64)).tolist()
    ['evgraph:E00000000000000ff', 'evgraph:Effffffffffffffff']
    """
    import pyarrow as pa

    n = len(signature)
    raw = _HEX[np.asarray(signature, dtype=">u8").view(np.uint8).reshape(-1, 8)]
    text = np.empty((n, 25), dtype=np.uint8)  # "evgraph:E" + 16 hex digits, one fixed-width row per id
    text[:, :9] = np.frombuffer(b"evgraph:E", dtype=np.uint8)
    text[:, 9:] = np.ascontiguousarray(raw).view(np.uint8).reshape(n, 16)
    offsets = np.arange(0, 25 * (n + 1), 25, dtype=np.int64)
    ids = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))
    return ids.to_numpy(zero_copy_only=False).astype(object, copy=False)


def node_codes(col: pd.Series, index: pd.Index) -> np.ndarray:
    """Row of each cell's node in ``index`` (-1 if absent), looked up once per distinct id."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return index.get_indexer(col.cat.categories)[col.cat.codes.to_numpy()]
    return index.get_indexer(col.to_numpy())


def sorted_categorical(col: pd.Series) -> pd.Categorical:
    """``col.astype("category")`` of the text: the used values as categories, sorted."""
    if not isinstance(col.dtype, pd.CategoricalDtype):
        return col.astype("category").array
    used = col.cat.remove_unused_categories()
    return used.cat.reorder_categories(sorted(used.cat.categories)).array


def per_value(col: pd.Series | np.ndarray, fn, dtype=object) -> np.ndarray:
    """``[fn(v) for v in col]``, computed once per distinct value (``col`` holds few distinct values).

    >>> per_value(pd.Series(["CL:1", "GO:2", "CL:1"]), lambda v: v.split(":")[0]).tolist()
    ['CL', 'GO', 'CL']
    """
    if isinstance(getattr(col, "dtype", None), pd.CategoricalDtype):
        codes, uniques = np.asarray(col.cat.codes), col.cat.categories
    else:
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=False)
    values = np.empty(len(uniques) + 1, dtype=dtype)
    values[: len(uniques)] = [fn(u) for u in uniques]
    return values[codes]


def starts_with(col: pd.Series, prefix: str | tuple[str, ...]) -> np.ndarray:
    """``col.str.startswith(prefix)`` as a bool array, once per distinct value (non-text cells: False)."""
    return per_value(col, lambda v: isinstance(v, str) and v.startswith(prefix), dtype=bool)


def join_sorted_unique(keys: np.ndarray, items: np.ndarray, sep: str = "|") -> dict:
    """Per key, its distinct items sorted and joined by ``sep`` (one pass, no per-group pandas call).

    >>> join_sorted_unique(np.array(["a", "b", "a"], dtype=object), np.array(["y", "x", "x"], dtype=object))
    {'a': 'x|y', 'b': 'x'}
    """
    if not len(keys):
        return {}
    tab = pd.DataFrame({"k": keys, "v": items}).drop_duplicates().sort_values(["k", "v"], kind="stable")
    k, v = tab["k"].to_numpy(dtype=object), tab["v"].to_numpy(dtype=object)
    bounds = np.flatnonzero(np.r_[True, k[1:] != k[:-1], True])
    return {k[a]: sep.join(v[a:b]) for a, b in itertools.pairwise(bounds)}
