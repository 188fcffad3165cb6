"""``sources.toml``: name the sources of a build in a file instead of repeating ``--source``.

.. code-block:: toml

    # paths are relative to this file
    [sources]
    curated = true
    ontologies = "ontologies"
    vesiclepedia = "ev_cargo"
    mirtarbase = { path = "mirna_targets/mirtarbase_hsa_MTI_full.csv.gz", support = "all" }

    [[source]]            # the same reader twice
    name = "msigdb"
    path = "pathways/h.all.v7.0.symbols.gmt"

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> toml = '[sources]\\ncurated = true\\nmirtarbase = { path = "m.csv", support = "all" }\\n'
>>> _ = (d / "sources.toml").write_text(toml)
>>> [s.replace(str(d), "D") for s in load_sources_toml(d / "sources.toml")]
['curated', 'mirtarbase=D/m.csv#support=all']
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ..errors import DataError, Problem


def _spec(name: str, value: Any, folder: Path, file: str) -> str | None:
    if value is True or value is None:
        return name
    if value is False:
        return None
    if isinstance(value, str):
        value = {"path": value}
    if not isinstance(value, dict):
        raise DataError(Problem(file, None, name, "expected true, a path or a table with 'path' and options"))
    value = dict(value)
    path = value.pop("path", None)
    value.pop("name", None)
    if path is None:
        return name
    full = Path(path).expanduser()
    if not full.is_absolute():
        full = folder / full
    opts = "&".join(f"{k}={v}" for k, v in sorted(value.items()))
    return f"{name}={full}" + (f"#{opts}" if opts else "")


def load_sources_toml(path: str | Path) -> list[str]:
    """Read a ``sources.toml`` and return ``NAME=PATH[#options]`` specs in file order."""
    file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(Problem(str(file), None, None, "file not found")) from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(Problem(str(file), None, None, f"invalid TOML: {exc}")) from None
    folder = file.resolve().parent
    specs: list[str] = []
    for name, value in (data.get("sources") or {}).items():
        spec = _spec(name, value, folder, str(file))
        if spec:
            specs.append(spec)
    for entry in data.get("source") or []:
        if not isinstance(entry, dict) or "name" not in entry:
            raise DataError(Problem(str(file), None, "source", "each [[source]] needs a 'name'"))
        spec = _spec(entry["name"], entry, folder, str(file))
        if spec:
            specs.append(spec)
    if not specs:
        raise DataError(Problem(str(file), None, None, "no sources: expected a [sources] table or [[source]] entries"))
    return specs


def expand_specs(specs: list) -> list:
    """Replace any ``*.toml`` spec (an existing file) by the sources it names."""
    out: list = []
    for spec in specs:
        if isinstance(spec, str | Path) and str(spec).endswith(".toml") and "=" not in str(spec):
            out.extend(load_sources_toml(spec))
        else:
            out.append(spec)
    return out
