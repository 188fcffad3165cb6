"""The JSON API of ``evgraph serve`` against a real uvicorn server: every endpoint and its error cases."""

from __future__ import annotations

import io
import json
import os
import urllib.parse

import networkx as nx
import pytest
from serve_server import assert_error, request, running

import evgraph
from evgraph.analytics import paths
from evgraph.serve import create_app

Q = urllib.parse.quote
# type 2 diabetes -> Alzheimer disease (BR010, through the roll-up to cognitive disorder), the pair these tests
# have asked since the session-6 re-read held back MC005
T2D, AD = "MONDO:0005148", "MONDO:0004975"


@pytest.fixture(scope="module")
def base(kg):
    with running(create_app(kg)) as url:
        yield url


def get(base, path, **kw):
    return request(base, path, **kw)


def post_json(base, path, payload):
    return request(base, path, method="POST", body=json.dumps(payload).encode(),
                   headers={"Content-Type": "application/json"})


# ---------------------------------------------------------------------- summary, OpenAPI, routes
def test_summary_counts_match_the_graph(base, kg):
    body = get(base, "/api/v1/").json()
    assert body["num_nodes"] == kg.num_nodes and body["num_edges"] == kg.num_edges
    assert body["nodes"] == kg.counts()["nodes"] and body["engine"] == "embedded"


def test_openapi_documents_every_endpoint(base):
    schema = get(base, "/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in ("/api/v1/search", "/api/v1/nodes/{curie}", "/api/v1/nodes", "/api/v1/connectivity", "/api/v1/paths",
                 "/api/v1/subgraph", "/api/v1/queries", "/api/v1/queries/{name}"):
        assert path in paths, path
    assert "post" in paths["/api/v1/connectivity"] and "post" in paths["/api/v1/nodes"]
    params = {p["name"] for p in paths["/api/v1/search"]["get"]["parameters"]}
    assert {"q", "limit", "class"} <= params
    assert not any(p.startswith(("/docs", "/redoc")) for p in paths)  # Swagger/ReDoc load from a CDN: off
    assert get(base, "/docs").status == 404


def test_unknown_routes_and_methods_answer_json(base):
    assert "no such page" in assert_error(get(base, "/api/v1/nothing/here"), 404)["error"]
    assert_error(get(base, "/api/v2/search?q=x"), 404)
    assert_error(request(base, "/api/v1/search?q=x", method="DELETE"), 405)
    assert_error(request(base, "/api/v1/queries/top_cargo", method="POST", body=b"{}",
                         headers={"Content-Type": "application/json"}), 405)
    assert_error(request(base, "/api/v1/nodes/CL:0000235", method="PUT", body=b"{}"), 405)


def test_security_headers_on_every_answer(base):
    for path in ("/api/v1/", "/api/v1/search?q=heart", "/api/v1/nothing", "/", "/nodes/CL:0000235", "/static/app.js"):
        headers = get(base, path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert "server" not in headers


def test_foreign_host_header_is_refused(base):
    """A DNS-rebinding page (evil.example resolving to 127.0.0.1) cannot read the API."""
    assert "own host" in assert_error(get(base, "/api/v1/", headers={"Host": "evil.example"}), 400)["error"]
    assert get(base, "/api/v1/", headers={"Host": "localhost"}).status == 200


def _raw(base, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send a hand-made request on a socket; the status and body of the answer."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head + body)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            if b"\r\n\r\n" in data and b'"status"' in data and data.rstrip().endswith(b"}"):
                break
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_size_limits(base):
    assert_error(get(base, "/api/v1/search?q=" + "a" * 9000), 414)
    # a declared body over 256 KiB is refused before it is read
    status, body = _raw(base, b"POST /api/v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              b"Content-Length: 10000000\r\nConnection: close\r\n\r\n")
    assert status == 413 and b"over" in body
    # a chunked body (no length given) is cut off when it passes the limit
    chunk = b"[" + b'"CL:0000235",' * 5000
    chunks = b"".join(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(6)) + b"0\r\n\r\n"
    status, body = _raw(base, b"POST /api/v1/nodes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", chunks)
    assert status == 413 and b"over" in body


def test_time_limit_stops_slow_work(kg):
    with running(create_app(kg, time_limit=1e-6)) as url:
        body = assert_error(get(url, f"/api/v1/connectivity?source={T2D}&target={AD}"), 504)
        assert "took longer" in body["error"]


# ---------------------------------------------------------------------- search
def test_search_labels_synonyms_and_curies(base):
    hits = get(base, "/api/v1/search?q=alzheimer").json()["hits"]
    assert hits[0]["id"] == AD and hits[0]["field"] == "label"
    assert get(base, f"/api/v1/search?q={AD}").json()["hits"][0]["id"] == AD
    syn = get(base, "/api/v1/search?q=palmitic").json()["hits"][0]
    assert syn["label"] == "hexadecanoic acid" and syn["field"] == "synonym"
    disease = get(base, "/api/v1/search?q=disease&limit=30").json()["hits"]
    assert AD in {h["id"] for h in disease}  # a word inside a label
    only = get(base, "/api/v1/search?q=heart&class=Organ").json()["hits"]
    assert only and {h["class"] for h in only} == {"Organ"}
    assert len(get(base, "/api/v1/search?q=a&limit=3").json()["hits"]) == 3
    assert get(base, "/api/v1/search?q=zzzzqqq").json()["hits"] == []


def test_search_bad_parameters(base):
    assert_error(get(base, "/api/v1/search"), 422)
    assert_error(get(base, "/api/v1/search?q="), 422)
    assert_error(get(base, "/api/v1/search?q=" + "a" * 201), 422)
    assert_error(get(base, "/api/v1/search?q=x&limit=0"), 422)
    assert_error(get(base, "/api/v1/search?q=x&limit=abc"), 422)
    assert "unknown class" in assert_error(get(base, "/api/v1/search?q=x&class=Spaceship"), 400)["error"]


# ---------------------------------------------------------------------- nodes
def test_node_page_data(base, kg):
    body = get(base, "/api/v1/nodes/UBERON:0001013").json()
    assert body["label"] == "adipose tissue" and body["class"] == "Organ"
    ident = body["identifiers"][0]
    assert ident["curie"] == "UBERON:0001013" and ident["url"].startswith("http")
    rels = {(g["relationship"], g["direction"]) for g in body["neighbourhood"]}
    assert ("releases", "out") in rels
    total_edges = sum(g["edges"] for g in body["neighbourhood"])
    code = kg.index_of("UBERON:0001013")
    assert total_edges == int((kg.src == code).sum() + (kg.dst == code).sum())
    curated = [s for s in body["statements"] if s["curated"]]
    assert curated and all(s["references"] for s in curated)
    assert all(r["curie"].startswith(("PMID:", "DOI:")) for s in curated for r in s["references"])


def test_node_with_xrefs_links_them(base, kg):
    cid = str(kg.nodes.loc[kg.nodes["xrefs"].astype(str).str.startswith("DOID:"), "id"].iloc[0])
    body = get(base, f"/api/v1/nodes/{cid}").json()
    xrefs = [i for i in body["identifiers"] if i["kind"] == "xref"]
    assert xrefs and xrefs[0]["curie"].startswith("DOID:")


def test_node_errors(base):
    assert "no node" in assert_error(get(base, "/api/v1/nodes/FOO:123"), 404)["error"]
    assert_error(get(base, "/api/v1/nodes/" + "x" * 400), 422)


def test_nodes_batch(base):
    body = post_json(base, "/api/v1/nodes", {"ids": ["CL:0000235", "heart", "FOO:1"]}).json()["nodes"]
    assert body[0]["id"] == "CL:0000235" and body[1]["id"] == "UBERON:0000948"
    assert "error" in body[2] and body[2]["query"] == "FOO:1"
    assert_error(post_json(base, "/api/v1/nodes", {"ids": []}), 422)
    assert_error(post_json(base, "/api/v1/nodes", {"ids": ["x"] * 501}), 422)
    assert_error(post_json(base, "/api/v1/nodes", {"wrong": 1}), 422)
    assert_error(request(base, "/api/v1/nodes", method="POST", body=b"{not json",
                         headers={"Content-Type": "application/json"}), 422)


# ---------------------------------------------------------------------- connectivity and paths
def test_connectivity_metapaths(base):
    query = f"source={Q('type 2 diabetes mellitus')}&target={Q('Alzheimer disease')}"
    body = get(base, f"/api/v1/connectivity?{query}").json()
    assert body["source"]["id"] == T2D and body["target"]["id"] == AD
    rows = body["metapaths"]
    assert rows and all(r["dwpc"] >= 0 for r in rows)
    for r in rows:  # calibrated statistics, as evgraph.analytics.connectivity computes them
        assert 0 <= r["p_value"] <= 1 and 0 <= r["q_value"] <= 1 and r["adjusted_p"] >= r["p_value"]
    assert "permutation null" in body["note"]
    assert "top_paths" not in rows[0]  # paths come from /paths


def test_connectivity_errors(base):
    assert_error(get(base, f"/api/v1/connectivity?source={T2D}"), 422)
    assert_error(get(base, f"/api/v1/connectivity?source={T2D}&target=nothing%20like%20this"), 404)
    assert "same node" in assert_error(get(base, f"/api/v1/connectivity?source={AD}&target={AD}"), 400)["error"]


def test_connectivity_batch(base):
    body = post_json(base, "/api/v1/connectivity", {"pairs": [{"source": T2D, "target": AD},
                                                              {"source": "FOO:1", "target": AD}]}).json()
    first, second = body["results"]
    assert first["metapaths"] and "error" in second
    assert_error(post_json(base, "/api/v1/connectivity", {"pairs": [{"source": T2D, "target": AD}] * 51}), 422)
    assert_error(post_json(base, "/api/v1/connectivity", {"pairs": [{"source": "", "target": AD}]}), 422)


def test_paths(base, kg):
    body = get(base, f"/api/v1/paths?source={T2D}&target={AD}&k=3").json()
    assert 0 < len(body["paths"]) <= 3
    for p in body["paths"]:
        assert p["nodes"][0] == T2D and p["nodes"][-1] == AD
        assert all(h["publications"] or h.get("via_closure") for h in p["hops"])  # roll-up hops cite nothing
        assert p["sign"] in ("increases", "decreases", "unknown") and p["coherence"]
    assert body["not_computed"] == []
    # the page says which metapaths were only partly listed or skipped, as `evgraph paths` does
    direct = paths(kg, T2D, AD, k=3)
    assert body["truncated_metapaths"] == direct.attrs["truncated_metapaths"]
    assert body["skipped_metapaths"] == direct.attrs["skipped_metapaths"]
    mp = body["paths"][0]["metapath"]
    only = get(base, f"/api/v1/paths?source={T2D}&target={AD}&metapath={Q(mp)}").json()["paths"]
    assert only and {p["metapath"] for p in only} == {mp}
    csv_text = get(base, f"/api/v1/paths?source={T2D}&target={AD}&k=3&format=csv").body.decode()
    assert csv_text.splitlines()[0].startswith("rank,") and "references" in csv_text.splitlines()[0]


def test_paths_errors(base):
    assert_error(get(base, f"/api/v1/paths?source={T2D}&target={AD}&metapath=XYZ"), 400)
    assert_error(get(base, f"/api/v1/paths?source={T2D}&target={AD}&k=0"), 422)
    assert_error(get(base, f"/api/v1/paths?source={T2D}&target={AD}&format=xml"), 422)
    assert_error(get(base, f"/api/v1/paths?source={T2D}"), 422)


# ---------------------------------------------------------------------- subgraph downloads
def test_subgraph_downloads_parse(base, kg):
    args = f"source={T2D}&target={AD}&k=3"
    graphml = get(base, f"/api/v1/subgraph?{args}&format=graphml")
    assert graphml.status == 200 and "attachment" in graphml.headers["content-disposition"]
    G = nx.read_graphml(io.BytesIO(graphml.body))
    paths = get(base, f"/api/v1/paths?{args}").json()["paths"]
    assert set(G.nodes) == {n for p in paths for n in p["nodes"]}
    assert all(isinstance(d["publications"], str) for _, _, d in G.edges(data=True))
    gexf = nx.read_gexf(io.BytesIO(get(base, f"/api/v1/subgraph?{args}&format=gexf").body))
    assert set(gexf.nodes) == set(G.nodes)
    cy = get(base, f"/api/v1/subgraph?{args}&format=cytoscape").json()
    assert {n["data"]["id"] for n in cy["elements"]["nodes"]} == set(G.nodes)
    assert all(isinstance(e["data"].get("publications", []), list) for e in cy["elements"]["edges"])
    html = get(base, f"/api/v1/subgraph?{args}&format=html")
    assert html.body.startswith(b"<!DOCTYPE html>") and "sha256-" in html.headers["content-security-policy"]
    ego = nx.read_graphml(io.BytesIO(get(base, "/api/v1/subgraph?node=CL:0000235&format=graphml").body))
    assert "CL:0000235" in ego


def test_subgraph_errors(base):
    assert "give source and target" in assert_error(get(base, "/api/v1/subgraph?format=graphml"), 400)["error"]
    assert_error(get(base, "/api/v1/subgraph?node=CL:0000235&format=pdf"), 422)
    assert_error(get(base, "/api/v1/subgraph?node=CL:0000235&radius=9"), 422)
    assert_error(get(base, "/api/v1/subgraph?node=FOO:1"), 404)


# ---------------------------------------------------------------------- named queries
def test_query_library_and_runs(base, kg):
    listing = get(base, "/api/v1/queries").json()["queries"]
    names = {q["name"] for q in listing}
    assert "organs_sending_evs_to" in names and len(listing) >= 18
    body = get(base, "/api/v1/queries/organs_sending_evs_to?target=heart").json()
    assert body["columns"][:2] == ["organ_id", "organ_label"] and body["rows"]
    expected = evgraph.cypher(kg, "organs_sending_evs_to", target="heart")
    assert [r["organ_id"] for r in body["rows"]] == expected["organ_id"].tolist()
    csv_reply = get(base, "/api/v1/queries/organs_sending_evs_to?target=heart&format=csv")
    assert csv_reply.headers["content-type"].startswith("text/csv")
    lines = csv_reply.body.decode().splitlines()
    assert lines[0] == ",".join(body["columns"]) and len(lines) == len(body["rows"]) + 1
    for q in listing:  # every query runs with its defaults
        assert get(base, f"/api/v1/queries/{q['name']}").status == 200, q["name"]


def test_query_errors(base):
    assert "no named query" in assert_error(get(base, "/api/v1/queries/no_such_query"), 404)["error"]
    assert_error(get(base, "/api/v1/queries/Bad-Name!"), 422)
    assert "unknown parameter" in assert_error(get(base, "/api/v1/queries/top_cargo?bogus=1"), 400)["error"]
    assert_error(get(base, "/api/v1/queries/organs_sending_evs_to?target=no%20such%20organ"), 400)
    assert_error(get(base, "/api/v1/queries/organs_sending_evs_to?target=a&target=b"), 400)
    assert_error(get(base, "/api/v1/queries/top_cargo?format=xlsx"), 422)
    limit_param = next(q for q in get(base, "/api/v1/queries").json()["queries"]
                       if any(p["type"] == "int" for p in q["params"]))
    name = next(p["name"] for p in limit_param["params"] if p["type"] == "int")
    assert_error(get(base, f"/api/v1/queries/{limit_param['name']}?{name}=many"), 400)


def test_query_text_cannot_be_injected(base, kg):
    """A parameter is a bound value: Cypher in it is data, so it matches nothing (no error, no write)."""
    inject = Q("heart'}) MATCH (n) DETACH DELETE n //")
    reply = get(base, f"/api/v1/queries/cargo_in_biofluid?biofluid={inject}")
    assert reply.status in (200, 400)
    assert get(base, "/api/v1/").json()["num_edges"] == kg.num_edges
    assert get(base, "/api/v1/queries/organs_sending_evs_to?target=heart").json()["rows"]


def test_csv_cells_cannot_become_spreadsheet_formulas():
    from evgraph.serve.api import _csv_cell

    assert _csv_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")" and _csv_cell("-0.5") == "-0.5"


# ---------------------------------------------------------------------- Neo4j
@pytest.mark.neo4j
def test_queries_over_neo4j_match_embedded(kg, neo4j_server, neo4j_uri):
    from evgraph.query.neo4j import clear_graph, load_graph

    engine, uri = neo4j_server, neo4j_uri
    try:
        clear_graph(kg, engine)
        load_graph(kg, engine)
        with running(create_app(kg, engine="neo4j", neo4j_uri=uri)) as url:
            assert get(url, "/api/v1/").json()["engine"] == "neo4j"
            for name, params in (("organs_sending_evs_to", "target=heart"), ("top_cargo", "")):
                served = get(url, f"/api/v1/queries/{name}?{params}").json()["rows"]
                local = evgraph.cypher(kg, name, **dict(urllib.parse.parse_qsl(params))).to_dict("records")
                assert json.loads(json.dumps(served)) == json.loads(json.dumps(local, default=str)), name
    finally:
        clear_graph(kg, engine)


# ---------------------------------------------------------------------- views and static files
@pytest.mark.parametrize("path", ["/views/overview", "/views/graph", "/views/crosstalk", "/views/bodymap",
                                  "/views/sankey", "/views/ego?node=CL:0000235&radius=2",
                                  f"/views/paths?source={T2D}&target={AD}&k=3"])
def test_every_view_is_served_under_its_own_csp(base, path):
    reply = get(base, path)
    assert reply.status == 200 and reply.body.startswith(b"<!DOCTYPE html>"), (path, reply.status)
    csp = reply.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "unsafe-eval" not in csp and "http" not in csp


@pytest.mark.parametrize("path, status, message", [
    ("/views/nothing", 404, "no view"),
    ("/views/overview?evil=1", 400, "unknown view option"),
    ("/views/ego", 400, "needs node"),
    ("/views/ego?node=CL:0000235&radius=9", 400, "radius must be between"),
    ("/views/ego?node=CL:0000235&radius=x", 400, "radius must be an integer"),
    ("/views/ego?node=FOO:1", 404, "no node"),
    ("/views/paths?source=" + T2D, 400, "needs source and target"),
    (f"/views/paths?source={T2D}&target={AD}&k=99", 400, "k must be between"),
    ("/static/secret.py", 404, "no static file"),
])
def test_view_and_static_errors(base, path, status, message):
    assert message in assert_error(get(base, path), status)["error"]


def test_html_errors_are_pages(base):
    reply = get(base, "/views/nothing", headers={"Accept": "text/html"})
    assert reply.status == 404 and reply.headers["content-type"].startswith("text/html")
    assert b"no view" in reply.body and b'<a href="/">Home</a>' in reply.body and b"<script" not in reply.body


# ---------------------------------------------------------------------- a fresh install
def _serve_until_ready(env, cwd):
    """Start `evgraph serve --port 0` (the server binds a port the system picks and prints it), wait for
    its API to answer, stop it; return the API's index and keep the server's stderr."""
    import re
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "evgraph.cli", "serve", "--port", "0"], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    lines: list[str] = []
    try:
        while True:  # the "serving ... on http://HOST:PORT/" line names the bound port
            line = proc.stderr.readline()
            assert line, "evgraph serve exited before serving: " + "".join(lines)
            lines.append(line)
            found = re.search(r"serving .* on http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        assert port != 0
        while True:
            reply = None
            try:
                reply = get(f"http://127.0.0.1:{port}", "/api/v1/")
            except OSError:
                pass
            if reply is not None and reply.status == 200:
                return reply.json()
            assert proc.poll() is None, "".join(lines) + proc.stderr.read()
            assert time.monotonic() < deadline, "evgraph serve did not answer"
            time.sleep(0.1)
    finally:
        proc.terminate()
        err = proc.communicate(timeout=30)[1]
        _serve_until_ready.stderr = "".join(lines) + err


def test_fresh_install_serve_keeps_the_built_curated_kb(tmp_path, kg):
    """`evgraph serve` with no graph (the README's first command) builds the curated KB once, keeps it
    in $EVGRAPH_CACHE, and the next start loads it instead of building."""
    env = {**os.environ, "EVGRAPH_CACHE": str(tmp_path / "cache")}
    first = _serve_until_ready(env, tmp_path)
    assert first["num_edges"] == kg.num_edges and "building the curated knowledge base" in _serve_until_ready.stderr
    kept = list((tmp_path / "cache" / "serve-curated").iterdir())
    assert len(kept) == 1 and (kept[0] / "graph.json").is_file()
    second = _serve_until_ready(env, tmp_path)
    assert second["num_edges"] == kg.num_edges and "building" not in _serve_until_ready.stderr


def test_serve_port_taken_is_one_clear_line(tmp_path, kg):
    """A port another process holds: one line naming host and port, exit 1, no traceback."""
    import subprocess
    import sys

    from evgraph.serve import bind

    held = bind("127.0.0.1", 0)
    try:
        port = held.getsockname()[1]
        env = {**os.environ, "EVGRAPH_CACHE": str(tmp_path / "cache")}
        out = subprocess.run([sys.executable, "-m", "evgraph.cli", "serve", "--port", str(port)], cwd=tmp_path,
                             env=env, capture_output=True, text=True, timeout=300)
    finally:
        held.close()
    assert out.returncode == 1
    errors = [line for line in out.stderr.splitlines() if "error" in line]
    assert errors == [f"evgraph: error: cannot listen on 127.0.0.1:{port}: Address already in use"], out.stderr
    assert "Traceback" not in out.stderr
