"""``evgraph fetch`` against a real HTTPS server on 127.0.0.1 serving small fixtures.

The server's certificate is made at test time with the ``openssl`` command line (self-signed,
for IP 127.0.0.1) and trusted through an explicit TLS context (API) or ``SSL_CERT_FILE`` (CLI),
so the TLS checks are the real ones.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import shutil
import ssl
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import evgraph
from evgraph.cli import main
from evgraph.errors import EvgraphError
from evgraph.fetch import DATASETS, SUMS, Dataset, RemoteFile, fetch

SRC = Path(__file__).parent / "fixtures" / "sources"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, plus ``/to/<url-path>`` answering 302 to ``https://HOST:PORT/<path>``."""

    redirect_host = "127.0.0.1"
    redirect_scheme = "https"

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        for prefix, scheme, host in (("/to-other-host/", "https", "localhost"), ("/to-http/", "http", "127.0.0.1"),
                                     ("/to-same/", "https", "127.0.0.1")):
            if self.path.startswith(prefix):
                self.send_response(302)
                port = self.server.server_address[1]
                self.send_header("Location", f"{scheme}://{host}:{port}/{self.path[len(prefix):]}")
                self.end_headers()
                return
        super().do_GET()


@pytest.fixture(scope="module")
def cert(tmp_path_factory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("tls")
    key, crt = d / "key.pem", d / "cert.pem"
    res = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                          "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                          "-keyout", str(key), "-out", str(crt)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return key, crt


@pytest.fixture()
def server(tmp_path, cert):
    key, crt = cert
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(SRC / "diseases_knowledge.tsv", root / "human_disease_knowledge_filtered.tsv")
    shutil.copy(SRC / "ppi_hetio.txt.gz", root / "protein-interactions.txt.gz")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    httpd.socket = server_ctx.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def tls(cert) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert[1]))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _one(url: str, name: str, digest: str | None = None, dataset: str = "x", source: str = "diseases"):
    return {dataset: Dataset(dataset, source, "d", "-", (RemoteFile(url, name, digest),))}


def test_fetch_verifies_checksums_and_caches(server, tls, tmp_path):
    url, root = server
    good = root / "human_disease_knowledge_filtered.tsv"
    reg = _one(f"{url}/{good.name}", good.name, sha(good), dataset="diseases")
    cache = tmp_path / "cache"
    got = fetch(["diseases"], cache, registry=reg, context=tls)
    assert len(got) == 1 and got[0].verified and got[0].downloaded
    assert got[0].path == cache / "diseases" / good.name
    assert got[0].path.read_bytes() == good.read_bytes()
    assert (cache / "diseases" / SUMS).read_text() == f"{sha(good)}  {good.name}\n"
    again = fetch(["diseases"], cache, registry=reg, context=tls)
    assert not again[0].downloaded  # cached and still valid
    kg = evgraph.build([f"genes={SRC / 'genes_hetionet_nodes.tsv'}", f"diseases={got[0].path}"])
    doid_rows = [ln for ln in good.read_text().splitlines() if "\tDOID:" in ln]
    assert 0 < kg.num_edges <= len(doid_rows)


def test_checksum_mismatch_leaves_nothing(server, tls, tmp_path):
    url, _ = server
    reg = _one(f"{url}/protein-interactions.txt.gz", "protein-interactions.txt.gz", "0" * 64)
    with pytest.raises(EvgraphError, match="checksum mismatch"):
        fetch(["x"], tmp_path / "cache", registry=reg, context=tls)
    assert list((tmp_path / "cache" / "x").iterdir()) == []


def test_http_errors_are_clear(server, tls, tmp_path):
    url, _ = server
    reg = _one(f"{url}/missing.tsv", "missing.tsv", "0" * 64)
    with pytest.raises(EvgraphError, match=r"missing.tsv: download failed: HTTP 404"):
        fetch(["x"], tmp_path / "cache", registry=reg, context=tls)
    with pytest.raises(EvgraphError, match="unknown dataset 'nope'"):
        fetch(["nope"], tmp_path / "cache", registry=reg)


def test_untrusted_certificate_is_refused(server, tmp_path):
    url, root = server  # the default context does not trust the self-signed certificate
    good = root / "human_disease_knowledge_filtered.tsv"
    with pytest.raises(EvgraphError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch(["x"], tmp_path / "cache", registry=_one(f"{url}/{good.name}", good.name, sha(good)))


def test_unpinned_files_need_trust_and_are_checked_on_reuse(server, tls, tmp_path):
    url, root = server
    good = root / "human_disease_knowledge_filtered.tsv"
    reg = _one(f"{url}/{good.name}", good.name)
    cache = tmp_path / "cache"
    with pytest.raises(EvgraphError, match=r"no pinned checksum.*--trust"):
        fetch(["x"], cache, registry=reg, context=tls)
    assert not (cache / "x").exists()
    got = fetch(["x"], cache, registry=reg, context=tls, trust=True)
    assert got[0].downloaded and not got[0].verified
    assert (cache / "x" / SUMS).read_text() == f"{sha(good)}  {good.name}\n"
    assert not fetch(["x"], cache, registry=reg, context=tls, trust=True)[0].downloaded
    got[0].path.write_text("tampered\n")  # the cached copy no longer matches what was recorded
    again = fetch(["x"], cache, registry=reg, context=tls, trust=True)
    assert again[0].downloaded and again[0].path.read_bytes() == good.read_bytes()


@pytest.mark.parametrize("bad", ["http://127.0.0.1:1/x.tsv", "file:///etc/passwd", "ftp://127.0.0.1/x.tsv",
                                 "https:///x.tsv"])
def test_only_https_addresses_are_fetched(tmp_path, bad):
    with pytest.raises(EvgraphError, match=r"https://|no host"):
        fetch(["x"], tmp_path / "cache", registry=_one(bad, "x.tsv", "0" * 64))
    with pytest.raises(EvgraphError, match=r"https://|no host"):
        fetch(["x"], tmp_path / "cache", registry=_one("https://example.org/x.tsv", "x.tsv", "0" * 64),
              base_url=bad.rsplit("/", 1)[0])
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize("prefix,ok", [("to-same", True), ("to-other-host", False), ("to-http", False)])
def test_redirects_only_to_https_on_the_same_host(server, tls, tmp_path, prefix, ok):
    url, root = server
    good = root / "human_disease_knowledge_filtered.tsv"
    reg = _one(f"{url}/{prefix}/{good.name}", good.name, sha(good))
    if ok:
        assert fetch(["x"], tmp_path / "cache", registry=reg, context=tls)[0].path.read_bytes() == good.read_bytes()
    else:
        with pytest.raises(EvgraphError, match="refused a redirect"):
            fetch(["x"], tmp_path / "cache", registry=reg, context=tls)
        assert list((tmp_path / "cache" / "x").iterdir()) == []


def test_download_size_limit(server, tls, tmp_path):
    url, root = server
    good = root / "human_disease_knowledge_filtered.tsv"
    with pytest.raises(EvgraphError, match="size limit"):
        fetch(["x"], tmp_path / "cache", registry=_one(f"{url}/{good.name}", good.name, sha(good)), context=tls,
              max_bytes=100)
    assert list((tmp_path / "cache" / "x").iterdir()) == []


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_zip_release_is_unpacked(server, tls, tmp_path):
    url, root = server
    gmt = (SRC / "gmt" / "ReactomePathways.gmt").read_bytes()
    z = _zip(root / "ReactomePathways.gmt.zip", {"ReactomePathways.gmt": gmt})
    got = fetch(["x"], tmp_path / "cache", registry=_one(f"{url}/{z.name}", z.name, sha(z), source="reactome"),
                context=tls)
    assert got[0].path.name == "ReactomePathways.gmt" and got[0].path.read_bytes() == gmt
    kg = evgraph.build([f"reactome={got[0].path}"])
    assert "REACT:R-HSA-164843" in set(kg.nodes["id"])


@pytest.mark.parametrize("member,match", [(SUMS, "refused file name"), ("../escape.gmt", "refused file name"),
                                          (".hidden", "refused file name"), ("sub/dir.gmt", "refused file name"),
                                          ("R.zip", "overwrite a file of the cache")])
def test_zip_members_never_overwrite_the_cache(server, tls, tmp_path, member, match):
    url, root = server
    z = _zip(root / "R.zip", {member: b"x\ty\n"})
    cache = tmp_path / "cache"
    with pytest.raises(EvgraphError, match=match):
        fetch(["x"], cache, registry=_one(f"{url}/{z.name}", z.name, sha(z)), context=tls)
    assert sorted(p.name for p in (cache / "x").iterdir()) == ["R.zip"]
    assert not (tmp_path / "escape.gmt").exists() and not (cache / "escape.gmt").exists()


def test_zip_bomb_and_bad_zip_are_refused(server, tls, tmp_path):
    url, root = server
    bomb = _zip(root / "bomb.zip", {"big.gmt": b"\0" * (5 << 20)})  # 5 MiB of zeros in ~5 KB
    cache = tmp_path / "cache"
    with pytest.raises(EvgraphError, match="over the limit"):
        fetch(["x"], cache, registry=_one(f"{url}/{bomb.name}", bomb.name, sha(bomb)), context=tls)
    assert sorted(p.name for p in (cache / "x").iterdir()) == ["bomb.zip"]
    bad = root / "bad.zip"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(EvgraphError, match="not a valid zip archive"):
        fetch(["y"], cache, registry=_one(f"{url}/{bad.name}", bad.name, sha(bad), dataset="y"), context=tls)


def test_cli_fetch_with_mirror(server, cert, tmp_path, monkeypatch):
    url, root = server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[1]))
    cache = tmp_path / "cache"
    runner = CliRunner()
    res = runner.invoke(main, ["fetch", "diseases", "--cache", str(cache), "--base-url", url, "--format", "csv"])
    assert res.exit_code == 1 and "no pinned checksum" in res.output and "--trust" in res.output
    # ppi's checksum is pinned to the official release: the fixture served under its name must fail
    res = runner.invoke(main, ["fetch", "ppi", "--cache", str(cache), "--base-url", url])
    assert res.exit_code == 1 and "checksum mismatch" in res.output and "Traceback" not in res.output
    assert not (cache / "ppi" / "protein-interactions.txt.gz").exists()
    res = runner.invoke(main, ["fetch", "diseases", "--trust", "--cache", str(cache), "--base-url", url,
                               "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    path = Path(rows[0]["path"])
    assert path.read_bytes() == (root / "human_disease_knowledge_filtered.tsv").read_bytes()
    assert rows[0]["checksum"] == "trusted (recorded)" and rows[0]["sha256"] == sha(path)
    # CSV for people: a cell starting with "-" is neutralised (a spreadsheet would run it as a formula)
    assert rows[0]["build with"] == f"'--source diseases={path}"
    res = runner.invoke(main, ["fetch", "diseases", "--cache", str(cache), "--base-url", "file:///tmp"])
    assert res.exit_code == 1 and "only https://" in res.output
    listing = runner.invoke(main, ["fetch", "--list", "--format", "csv"])
    assert listing.exit_code == 0 and "vesiclepedia" in listing.output


def test_registry_is_https_only_and_unpinned_files_are_named():
    for ds in DATASETS.values():
        for rf in ds.files:
            assert rf.url.startswith("https://"), rf.url
            assert rf.sha256 is None or len(rf.sha256) == 64
