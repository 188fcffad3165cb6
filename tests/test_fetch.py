"""``evgraph fetch`` against a real HTTP server on 127.0.0.1 serving small fixtures."""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.cli import main
from evgraph.errors import EvgraphError
from evgraph.fetch import Dataset, RemoteFile, fetch

SRC = Path(__file__).parent / "fixtures" / "sources"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(SRC / "diseases_knowledge.tsv", root / "human_disease_knowledge_filtered.tsv")
    shutil.copy(SRC / "ppi_hetio.txt.gz", root / "protein-interactions.txt.gz")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fetch_verifies_checksums_and_caches(server, tmp_path):
    url, root = server
    good = root / "human_disease_knowledge_filtered.tsv"
    reg = {"diseases": Dataset("diseases", "diseases", "d", "CC BY 4.0", (
        RemoteFile(f"{url}/human_disease_knowledge_filtered.tsv", good.name, sha(good)),))}
    cache = tmp_path / "cache"
    got = fetch(["diseases"], cache, registry=reg)
    assert len(got) == 1 and got[0].verified and got[0].downloaded
    assert got[0].path == cache / "diseases" / good.name
    assert got[0].path.read_bytes() == good.read_bytes()
    assert (cache / "diseases" / "SHA256SUMS").read_text() == f"{sha(good)}  {good.name}\n"
    again = fetch(["diseases"], cache, registry=reg)
    assert not again[0].downloaded  # cached and still valid
    # the downloaded file builds
    kg = evgraph.build([f"genes={SRC / 'genes_hetionet_nodes.tsv'}", f"diseases={got[0].path}"])
    doid_rows = [ln for ln in good.read_text().splitlines() if "\tDOID:" in ln]
    assert 0 < kg.num_edges <= len(doid_rows)


def test_checksum_mismatch_leaves_nothing(server, tmp_path):
    url, _ = server
    reg = {"ppi": Dataset("ppi", "ppi", "p", "CC BY 4.0", (
        RemoteFile(f"{url}/protein-interactions.txt.gz", "protein-interactions.txt.gz", "0" * 64),))}
    with pytest.raises(EvgraphError, match="checksum mismatch"):
        fetch(["ppi"], tmp_path / "cache", registry=reg)
    assert list((tmp_path / "cache" / "ppi").iterdir()) == []


def test_http_errors_are_clear(server, tmp_path):
    url, _ = server
    reg = {"x": Dataset("x", "ppi", "x", "-", (RemoteFile(f"{url}/missing.tsv", "missing.tsv"),))}
    with pytest.raises(EvgraphError, match=r"missing.tsv: download failed: HTTP 404"):
        fetch(["x"], tmp_path / "cache", registry=reg)
    with pytest.raises(EvgraphError, match="unknown dataset 'nope'"):
        fetch(["nope"], tmp_path / "cache", registry=reg)


def test_cli_fetch_with_mirror(server, tmp_path):
    url, root = server
    cache = tmp_path / "cache"
    res = CliRunner().invoke(main, ["fetch", "diseases", "ppi", "--cache", str(cache), "--base-url", url,
                                    "--format", "csv"])
    # ppi's checksum is pinned to the official release: the fixture served under its name must fail
    assert res.exit_code == 1 and "checksum mismatch" in res.output and "Traceback" not in res.output
    assert not (cache / "ppi" / "protein-interactions.txt.gz").exists()
    res = CliRunner().invoke(main, ["fetch", "diseases", "--cache", str(cache), "--base-url", url,
                                    "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    path = Path(rows[0]["path"])
    assert path.read_bytes() == (root / "human_disease_knowledge_filtered.tsv").read_bytes()
    assert rows[0]["checksum"] == "not pinned" and rows[0]["sha256"] == sha(path)
    assert rows[0]["build with"] == f"--source diseases={path}"
    listing = CliRunner().invoke(main, ["fetch", "--list", "--format", "csv"])
    assert listing.exit_code == 0 and "vesiclepedia" in listing.output


def test_zip_release_is_unpacked(server, tmp_path):
    import zipfile

    url, root = server
    with zipfile.ZipFile(root / "ReactomePathways.gmt.zip", "w") as zf:
        zf.write(SRC / "gmt" / "ReactomePathways.gmt", "ReactomePathways.gmt")
    reg = {"reactome": Dataset("reactome", "reactome", "r", "CC BY 4.0", (
        RemoteFile(f"{url}/ReactomePathways.gmt.zip", "ReactomePathways.gmt.zip"),))}
    got = fetch(["reactome"], tmp_path / "cache", registry=reg)
    assert got[0].path.name == "ReactomePathways.gmt"
    assert got[0].path.read_bytes() == (SRC / "gmt" / "ReactomePathways.gmt").read_bytes()
    kg = evgraph.build([f"reactome={got[0].path}"])
    assert "REACT:R-HSA-164843" in set(kg.nodes["id"])
