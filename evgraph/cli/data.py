"""``evgraph fetch`` (download public releases) and ``evgraph sources`` (list the importers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .app import emit, format_option, main

if TYPE_CHECKING:  # pragma: no cover
    pass


@main.command()
@click.argument("names", nargs=-1)
@click.option("--cache", type=click.Path(file_okay=False), default=None,
              help="Folder to download into (default: $EVGRAPH_CACHE or ~/.cache/evgraph).")
@click.option("--base-url", default=None, metavar="URL",
              help="Fetch the same file names from this mirror instead of the official addresses.")
@click.option("--force", is_flag=True, help="Download again even when the cached file is good.")
@click.option("--trust", is_flag=True,
              help="Accept files without a pinned checksum (official 'current' releases); their SHA-256 is "
                   "recorded and checked whenever the cached copy is reused.")
@click.option("--max-size", "max_mib", type=click.IntRange(min=1), default=2048, show_default=True, metavar="MiB",
              help="Largest download or unpacked archive member, in MiB.")
@click.option("--list", "list_", is_flag=True, help="List the datasets that can be fetched.")
@format_option
def fetch(names: tuple[str, ...], cache: str | None, base_url: str | None, force: bool, trust: bool,
          max_mib: int, list_: bool, fmt: str) -> None:
    """Download official releases of public sources into a cache folder.

    https only, no redirect to another host, size-limited; pinned SHA-256 checksums are
    verified and unpinned files refused unless --trust. Writes atomically and prints where
    each file went and the --source option to build from it.

    \b
    Examples:
      evgraph fetch --list
      evgraph fetch exocarta diseases --cache data/
      evgraph build --source curated --source exocarta=data/exocarta
    """
    import pandas as pd

    from ..errors import EvgraphError
    from ..fetch import DATASETS
    from ..fetch import fetch as do_fetch

    if list_ or not names:
        if not list_:
            raise EvgraphError("name at least one dataset to fetch (see 'evgraph fetch --list')")
        rows = [{"dataset": d.name, "source": d.source, "files": len(d.files),
                 "checksum": "pinned" if all(f.sha256 for f in d.files) else "needs --trust",
                 "licence": d.licence, "description": d.description} for d in DATASETS.values()]
        emit(pd.DataFrame(rows), fmt)
        return

    from tqdm import tqdm

    bars: list[tqdm] = []

    def progress(name: str, total: int | None):
        from ..progress import bar as progress_bar

        bar = progress_bar(total=total, unit="B", unit_scale=True, desc=name)
        bars.append(bar)
        return bar.update

    try:
        results = do_fetch(names, cache, base_url=base_url, force=force, progress=progress, trust=trust,
                           max_bytes=max_mib << 20)
    finally:
        for bar in bars:
            bar.close()
    rows = []
    for r in results:
        ds = DATASETS.get(r.dataset)
        target = r.path.parent if ds is None or ds.folder else r.path
        rows.append({"dataset": r.dataset, "path": str(r.path), "sha256": r.sha256,
                     "checksum": "verified" if r.verified else "trusted (recorded)",
                     "status": "downloaded" if r.downloaded else "cached",
                     "build with": f"--source {ds.source if ds else r.dataset}={target}"})
    emit(pd.DataFrame(rows), fmt)


@main.command()
@format_option
def sources(fmt: str) -> None:
    """The source readers 'evgraph build --source NAME=PATH' knows, with what they read and the
    'evgraph fetch' datasets that download their files."""
    import pandas as pd

    from ..fetch import DATASETS
    from ..sources import READERS

    rows = []
    for name, fn in READERS.items():
        doc = (getattr(fn, "description", None) or fn.__doc__ or "").strip().splitlines()
        fetchable = sorted(d.name for d in DATASETS.values() if d.source == name)
        rows.append({"source": name, "reads": doc[0] if doc else "", "fetch": " ".join(fetchable)})
    emit(pd.DataFrame(rows), fmt)
