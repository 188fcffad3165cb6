"""``evgraph fetch`` entries of the issue-14 sources, served from the shared data by a local HTTP server."""

from __future__ import annotations

import csv
import functools
import gzip
import http.server
import io
import shutil
import ssl
import subprocess
import threading

import pytest
from click.testing import CliRunner

from evgraph.cli import main
from evgraph.fetch import DATASETS, fetch
from evgraph.sources import READERS
from evgraph.sources.evmirna2 import parse_evmirna2
from evgraph.sources.go_annotations import parse_go_annotations
from evgraph.sources.priors import parse_nichenet, parse_omnipath
from evgraph.sources.tissue_expression import parse_tissue_expression

pytestmark = pytest.mark.shared_data


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def tls(tmp_path):
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    res = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                          "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                          "-out", str(crt)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return key, crt


@pytest.fixture()
def mirror(tmp_path, shared_data, tls):
    root = tmp_path / "www"
    root.mkdir()
    for f in (shared_data / "ev_expression" / "evmirna2").iterdir():
        (root / f.name).symlink_to(f)
    shutil.copy(shared_data / "tissue_expression" / "bgee_dhimmel_diffex.tsv.gz", root / "bgee_diffex.tsv.gz")
    for src, name in (("go/GO_annotations-9606-direct-expev.tsv", "GO_annotations-9606-direct-expev.tsv"),
                      ("priors/omnipath_carnival_signed_directed.tsv", "omnipath_carnival.tsv"),
                      ("priors/nichenet_sig_network_2018-02.rda", "sig_network.rda"),
                      ("priors/nichenet_gr_network_2018-02.rda", "gr_network.rda")):
        (root / name).symlink_to(shared_data / src)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tls[1], tls[0])
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_list_names_the_new_datasets():
    res = CliRunner().invoke(main, ["fetch", "--list", "--format", "csv"])
    assert res.exit_code == 0, res.output
    rows = {r["dataset"]: r for r in csv.DictReader(io.StringIO(res.output))}
    assert rows["evmirna2"]["checksum"] == "pinned" and rows["evmirna2"]["files"] == "123"
    assert rows["bgee"]["checksum"] == "pinned" and rows["homologene"]["source"] == "orthologs"
    for ds in ("go_annotations", "nichenet", "omnipath"):
        assert rows[ds]["checksum"] == "pinned"
    for ds in ("evmirna2", "bgee", "homologene", "go_annotations", "nichenet", "omnipath", "panglaodb"):
        assert DATASETS[ds].source in READERS
    assert DATASETS["homologene"].files[0].url.startswith("https://ftp.ncbi.nih.gov/pub/HomoloGene/build68/")


def test_fetch_verifies_and_the_readers_read_the_download(mirror, tls, tmp_path):
    got = fetch(["evmirna2", "bgee", "go_annotations", "omnipath", "nichenet"], tmp_path / "cache", base_url=mirror,
                context=ssl.create_default_context(cafile=str(tls[1])))
    assert len(got) == 128 and all(f.verified for f in got)
    om = parse_omnipath(tmp_path / "cache" / "omnipath", {})
    assert len(om.edges) > 10000
    go = parse_go_annotations(tmp_path / "cache" / "go_annotations", {})
    assert len(go.edges) > 30000
    files = sorted(p.name for p in (tmp_path / "cache" / "nichenet").iterdir())
    assert files == ["SHA256SUMS", "gr_network.rda", "sig_network.rda"]  # what the nichenet reader picks up
    folder = tmp_path / "cache" / "evmirna2"
    # one project from the fetched folder (no project index there: the design is read from the metadata)
    parsed = parse_evmirna2(folder / "PRJNA472881_expression.csv", {})
    note = next(n for n in parsed.report.notes if n.startswith("PRJNA472881"))
    assert "Diabetes mellitus (14) vs Healthy donor/- (14)" in note and "gestational diabetes" in note
    bgee = parse_tissue_expression(tmp_path / "cache" / "bgee", {"bgee": "yes"})
    with gzip.open(tmp_path / "cache" / "bgee" / "bgee_diffex.tsv.gz", "rt") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    ups = sum(1 for r in rows[1:] for v in r[1:] if v == "1")
    assert len(bgee.edges) == ups > 1000


def test_nichenet_lr_entry_is_pinned_and_its_format_is_read(shared_data, tmp_path):
    """The ligand-receptor download (an R data file, object ``lr_network``) reads like the shared TSV export."""
    import pandas as pd
    import pyreadr

    ds = DATASETS["nichenet_lr"]
    assert ds.source == "nichenet" and ds.source in READERS
    (rf,) = ds.files
    assert rf.sha256 and rf.url.endswith("/saeyslab/nichenetr/f9906f3a51ddc09405a04ece9de375688e03facb/data/"
                                         "lr_network.rda")
    rows = pd.read_csv(shared_data / "priors" / "nichenet_v1_lr_network_noKEGG.tsv", sep="\t", dtype=str).head(400)
    (tmp_path / "rda").mkdir()
    pyreadr.write_rdata(str(tmp_path / "rda" / "lr_network.rda"), rows, df_name="lr_network")
    rows.to_csv(tmp_path / "lr_network.tsv", sep="\t", index=False)
    from_rda = parse_nichenet(tmp_path / "rda", {"cache": "no"})
    from_tsv = parse_nichenet(tmp_path / "lr_network.tsv", {"cache": "no"})
    assert len(from_rda.edges) == len(from_tsv.edges) > 300
    cols = ["subject", "object", "predicate", "evidence"]
    assert from_rda.edges[cols].astype(str).values.tolist() == from_tsv.edges[cols].astype(str).values.tolist()
