"""``evgraph serve`` in a real headless Chromium: the user's walk, and hostile labels and parameters.

The browser lets through only requests to the test server (every other request is failed and
recorded), records console errors, exceptions and JavaScript dialogs. Needs ``chromium`` and
``websocket-client``; outside CI the tests skip when either is missing, with ``CI=true`` that
is a failure.
"""

from __future__ import annotations

import json
import time
import urllib.parse

import networkx as nx
import pytest
from browser import chromium_or_skip
from serve_server import running

from evgraph.model import KnowledgeGraph
from evgraph.serve import create_app

pytestmark = pytest.mark.browser
READY = "document.readyState === 'complete' && document.body && document.body.getAttribute('data-ready') === '1'"
DRAWN = "window.evgraphDrawnAt !== undefined"


@pytest.fixture(scope="module")
def site(kg):
    with running(create_app(kg)) as base, chromium_or_skip(allow=(base + "/",)) as browser:
        yield base, browser


def clean(browser, base, result=None):
    result = result or browser.current
    browser.pump(0.3)
    assert result.errors == [], result.errors
    assert result.blocked == [], f"requests left the server: {result.blocked}"
    assert result.dialogs == []
    assert all(u.startswith((base + "/", "data:", "blob:", "about:")) for u in result.requests), result.requests


def type_into(browser, selector, text):
    browser.evaluate(f"""(function () {{ var i = document.querySelector({json.dumps(selector)});
        i.focus(); i.value = {json.dumps(text)}; i.dispatchEvent(new Event('input')); }}())""")


def click(browser, selector):
    browser.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


def test_walk_search_node_connectivity_paths_download(site, tmp_path):
    base, browser = site
    browser._call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path),
                                                  "eventsEnabled": True})
    result = browser.open(base + "/", wait=READY)
    # search with autocomplete: typing shows suggestions, picking one opens the node page
    type_into(browser, "header input[name=q]", "alzh")
    browser.wait("document.querySelectorAll('header ul.ac li').length > 0")
    first = browser.evaluate("document.querySelector('header ul.ac li').getAttribute('data-id')")
    assert first == "MONDO:0004975"
    browser.evaluate("document.querySelector('header ul.ac li').dispatchEvent(new MouseEvent('mousedown'))")
    browser.wait("location.pathname.indexOf('/nodes/') === 0 && " + READY)
    assert browser.evaluate("document.getElementById('node-label').textContent") == "Alzheimer disease"
    assert browser.evaluate("document.querySelectorAll('#neighbourhood section').length") > 0
    assert browser.evaluate("document.querySelectorAll('#statements tbody tr').length") > 0
    links = browser.evaluate("Array.from(document.querySelectorAll('#statements a')).map(a => a.href)")
    assert links and all(u.startswith(("https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/")) for u in links)
    # sortable statements table
    click(browser, "#statements th")
    assert browser.evaluate("document.querySelector('#statements th').getAttribute('aria-sort')") == "ascending"
    # connectivity: from this node to obesity, the target picked by autocomplete
    click(browser, "a[href^='/connectivity?source=']")
    browser.wait("location.pathname === '/connectivity' && " + READY)
    type_into(browser, "#connectivity-form input[name=target]", "obesity dis")
    browser.wait("document.querySelectorAll('#connectivity-form ul.ac li').length > 0")
    browser.evaluate("document.querySelector('#connectivity-form ul.ac li').dispatchEvent(new MouseEvent('mousedown'))")
    assert browser.evaluate("document.querySelector('#connectivity-form input[name=target]').value") == "MONDO:0011122"
    browser.evaluate("document.getElementById('connectivity-form').submit()")
    browser.wait("document.getElementById('metapaths') !== null && " + READY)
    n_metapaths = browser.evaluate("document.querySelectorAll('#metapaths tbody tr').length")
    assert n_metapaths > 0
    click(browser, "#metapaths th:nth-child(3)")  # sort by DWPC
    dwpc = browser.evaluate("Array.from(document.querySelectorAll('#metapaths tbody tr td:nth-child(3)'))"
                            ".map(td => Number(td.textContent))")
    assert dwpc == sorted(dwpc)
    # paths of the first metapath
    click(browser, "#metapaths a.paths-link")
    browser.wait("location.pathname === '/paths' && " + READY)
    assert browser.evaluate("document.querySelectorAll('#paths tbody tr').length") > 0
    # download the subgraph of these paths: a real browser download
    click(browser, "#downloads a[href*='format=graphml']")
    deadline = time.monotonic() + 30
    while not [p for p in tmp_path.iterdir() if p.suffix == ".graphml"]:
        assert time.monotonic() < deadline, "the GraphML download did not arrive"
        browser.pump(0.1)  # answers the paused download request
    graph = nx.read_graphml(next(p for p in tmp_path.iterdir() if p.suffix == ".graphml"))
    assert "MONDO:0004975" in graph and "MONDO:0011122" in graph and graph.number_of_edges() > 0
    clean(browser, base, result)
    # the interactive view of the paths draws, offline, under its own strict CSP
    href = browser.evaluate("document.querySelector(\"#downloads a[href^='/views/paths']\").getAttribute('href')")
    view = browser.open(base + href, wait=DRAWN)
    assert browser.evaluate("window.evgraphNodes.length") > 2
    clean(browser, base, view)


def test_query_form_runs_sorts_and_downloads(site):
    base, browser = site
    result = browser.open(base + "/queries/organs_sending_evs_to", wait=READY)
    type_into(browser, "#query-form input[name=target]", "hear")
    browser.wait("document.querySelectorAll('#query-form ul.ac li').length > 0")
    browser.evaluate("document.querySelector('#query-form ul.ac li').dispatchEvent(new MouseEvent('mousedown'))")
    browser.evaluate("document.getElementById('query-form').submit()")
    browser.wait("document.getElementById('results') !== null && " + READY)
    rows = browser.evaluate("document.querySelectorAll('#results tbody tr').length")
    assert rows > 0
    click(browser, "#results th:nth-child(2)")
    labels = browser.evaluate("Array.from(document.querySelectorAll('#results tbody td:nth-child(2)'))"
                              ".map(td => td.textContent.toLowerCase())")
    assert labels == sorted(labels, key=lambda s: s)  # localeCompare order on plain ASCII labels
    csv_text = browser.evaluate("fetch(document.querySelector(\"a[href*='format=csv']\").href).then(r => r.text())")
    assert csv_text.splitlines()[0].startswith("organ_id,organ_label") and len(csv_text.splitlines()) == rows + 1
    clean(browser, base, result)


# ---------------------------------------------------------------------- hostile input
PAYLOADS = (
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><script>window.__pwned=2;alert(2)</script>',
    "</script><svg onload=\"window.__pwned=3;alert(3)\">",
    "javascript:alert(4)",
)


def hostile_graph(kg: KnowledgeGraph) -> KnowledgeGraph:
    nodes = kg.nodes.copy()
    i = kg.index_of("CL:0000235")  # macrophage
    nodes.loc[i, "label"] = PAYLOADS[0]
    nodes.loc[i, "synonyms"] = PAYLOADS[1]
    nodes.loc[i, "description"] = PAYLOADS[2]
    nodes.loc[i, "xrefs"] = PAYLOADS[3]
    j = kg.index_of("UBERON:0000948")  # heart
    nodes.loc[j, "label"] = PAYLOADS[2]
    return KnowledgeGraph(nodes, kg.edges, kg.schema, kg.metadata)


@pytest.fixture(scope="module")
def hostile_site(kg):
    with running(create_app(hostile_graph(kg))) as base, chromium_or_skip(allow=(base + "/",)) as browser:
        yield base, browser


def inert(browser, base, result):
    """Nothing ran: no dialog, no marker, no injected element, only the app's own script."""
    if browser.evaluate("document.title.indexOf('Error 4') === 0"):  # the server's own 4xx page for bad input
        main = [e for e in result.errors if "responded with a status of 4" in e]
        assert len(main) <= 1, result.errors
        result.errors[:] = [e for e in result.errors if e not in main]
    clean(browser, base, result)
    assert browser.evaluate("window.__pwned === undefined")
    assert browser.evaluate("document.querySelectorAll('img[src=x], svg[onload], [onerror]').length") == 0
    scripts = browser.evaluate("Array.from(document.scripts).map(s => s.src ? new URL(s.src).pathname : 'inline')")
    assert scripts in (["/static/app.js"], []), scripts


Q = urllib.parse.quote


@pytest.mark.parametrize("path", [
    "/nodes/CL:0000235",
    "/nodes/UBERON:0000948",
    "/search?q=" + Q(PAYLOADS[0]),
    "/search?q=" + Q("<img"),
    "/nodes/" + Q(PAYLOADS[1]),
    "/connectivity?source=" + Q(PAYLOADS[1]) + "&target=" + Q(PAYLOADS[0]),
    "/queries/organs_sending_evs_to?run=1&target=" + Q(PAYLOADS[2]),
    "/queries/top_cargo?run=1&" + Q(PAYLOADS[0]) + "=1",
    "/paths?source=CL:0000235&target=" + Q(PAYLOADS[3]),
])
def test_hostile_labels_and_parameters_stay_text(hostile_site, path):
    base, browser = hostile_site
    result = browser.open(base + path, wait="document.readyState === 'complete'")
    inert(browser, base, result)
    text = browser.evaluate("document.body.textContent")
    if path.startswith("/nodes/CL:"):
        assert PAYLOADS[0] in text and PAYLOADS[1] in text and PAYLOADS[2] in text
        assert browser.evaluate("Array.from(document.querySelectorAll('a')).filter(a => "
                                "a.href.startsWith('javascript')).length") == 0


def test_hostile_autocomplete_and_view(hostile_site):
    base, browser = hostile_site
    result = browser.open(base + "/", wait=READY)
    type_into(browser, "header input[name=q]", "<img")
    browser.wait("document.querySelectorAll('header ul.ac li').length > 0")
    assert PAYLOADS[0] in browser.evaluate("document.querySelector('header ul.ac').textContent")
    inert(browser, base, result)
    view = browser.open(base + "/views/ego?node=CL:0000235", wait=DRAWN)
    assert browser.evaluate("window.evgraphData.nodes.filter(n => n.id === 'CL:0000235')[0].label") == PAYLOADS[0]
    assert "onerror" in browser.evaluate("window.evgraphNodes.get('CL:0000235').label")  # drawn as text on the canvas
    browser.evaluate("window.evgraphNetwork.selectNodes(['CL:0000235']);"
                     "window.evgraphNetwork.body.emitter.emit('click', {nodes: ['CL:0000235'], edges: []}); true")
    assert PAYLOADS[0] in browser.evaluate("document.getElementById('evgraph-details').textContent")
    clean(browser, base, view)
    assert browser.evaluate("window.__pwned === undefined")


# ---------------------------------------------------------------------- predictions and the user's cargo
@pytest.fixture(scope="module")
def priors_site(priors_kg):
    with running(create_app(priors_kg)) as base, chromium_or_skip(allow=(base + "/",)) as browser:
        yield base, browser


def _wait_download(browser, folder, suffix):
    deadline = time.monotonic() + 30
    while not [p for p in folder.iterdir() if p.suffix == suffix]:
        assert time.monotonic() < deadline, f"the {suffix} download did not arrive"
        browser.pump(0.1)
    return next(p for p in folder.iterdir() if p.suffix == suffix)


def test_walk_predictions_to_connectivity(site):
    base, browser = site
    result = browser.open(base + "/predictions", wait=READY)
    type_into(browser, "#predictions-form input[name=target]", "alzheimer")
    browser.wait("document.querySelectorAll('#predictions-form ul.ac li').length > 0")
    browser.evaluate("document.querySelector('#predictions-form ul.ac li').dispatchEvent(new MouseEvent('mousedown'))")
    assert browser.evaluate("document.querySelector('#predictions-form input[name=target]').value") == "MONDO:0004975"
    browser.evaluate("document.getElementById('predictions-form').submit()")
    browser.wait("document.getElementById('predictions') !== null && " + READY, timeout=60)
    rows = browser.evaluate("document.querySelectorAll('#predictions tbody tr').length")
    badges = browser.evaluate("document.querySelectorAll('#predictions tbody tr .badge').length")
    assert rows > 0 and badges == rows  # every prediction is labelled a hypothesis
    targets = browser.evaluate("Array.from(document.querySelectorAll('#predictions tbody tr td:nth-child(3)'))"
                               ".map(td => td.textContent.trim())")
    assert set(targets) == {"Alzheimer disease"}
    assert "HYPOTHESIS" in browser.evaluate("document.getElementById('method').textContent")
    clean(browser, base, result)
    # the scriptless predictions view opens under its own CSP, with nothing blocked
    href = browser.evaluate("document.querySelector(\"#downloads a[href*='format=html']\").getAttribute('href')")
    view = browser.open(base + href)
    assert browser.evaluate("document.querySelectorAll('details').length") == rows
    assert browser.evaluate("document.scripts.length") == 0
    clean(browser, base, view)
    # back to the table: a row opens the connectivity search of its pair
    browser.open(base + "/predictions?run=1&target=MONDO:0004975", wait=READY, timeout=60)
    click(browser, "#predictions a.connectivity-link")
    browser.wait("location.pathname === '/connectivity' && " + READY, timeout=120)
    assert browser.evaluate("document.querySelector('#connectivity-form input[name=target]').value") == "MONDO:0004975"
    # a prediction is supported by a feature metapath, so the connectivity search finds metapaths for the pair
    assert browser.evaluate("document.querySelectorAll('#metapaths tbody tr').length") > 0
    clean(browser, base)


def test_walk_overlay_upload_results_and_downloads(priors_site, priors_kg, tmp_path):
    base, browser = priors_site
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser._call("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads),
                                                  "eventsEnabled": True})
    e = priors_kg.edges
    mti = e[(e["predicate"] == "regulates") & (e["primary_knowledge_source"] == "infores:mirtarbase")]
    mirnas = mti["subject"].astype(str).value_counts().index[:8].tolist()
    labels = priors_kg.nodes.set_index("id").loc[mirnas, "label"].tolist()
    cargo = tmp_path / "my_ev_mirnas.tsv"
    cargo.write_text("mirna\tlog2fc\n" + "".join(f"{m}\t{i - 4}\n" for i, m in enumerate(labels)) + "miR-NOPE-1\t1\n")
    result = browser.open(base + "/overlay", wait=READY)
    # a real file chosen in the file input fills the cargo box (read locally by the page)
    doc = browser.send("DOM.getDocument")["root"]["nodeId"]
    node = browser.send("DOM.querySelector", {"nodeId": doc, "selector": "input[type=file][data-fill=cargo]"})["nodeId"]
    browser.send("DOM.setFileInputFiles", {"nodeId": node, "files": [str(cargo)]})
    browser.evaluate("document.querySelector('input[data-fill=cargo]').dispatchEvent(new Event('change'))")
    browser.wait("document.querySelector('textarea[name=cargo]').value.indexOf('miR-NOPE-1') > 0")
    type_into(browser, "#overlay-form input[name=receiver]", "liver")
    browser.wait("document.querySelectorAll('#overlay-form ul.ac li').length > 0")
    browser.evaluate("document.querySelector('#overlay-form ul.ac li').dispatchEvent(new MouseEvent('mousedown'))")
    assert browser.evaluate("document.querySelector('#overlay-form input[name=receiver]').value") == "UBERON:0002107"
    click(browser, "#overlay-form button[name=format]")
    browser.wait("document.getElementById('overlay') !== null && " + READY, timeout=60)
    ranked = browser.evaluate("document.querySelectorAll('#overlay tbody tr').length")
    assert ranked == len(labels)
    unmapped = browser.evaluate("document.querySelector('#unmapped tbody').textContent")
    assert "miR-NOPE-1" in unmapped and str(len(labels) + 2) in unmapped  # the line number in the file
    click(browser, "#overlay th:nth-child(3)")  # sortable by activity
    act = browser.evaluate("Array.from(document.querySelectorAll('#overlay tbody td:nth-child(3)'))"
                           ".map(td => Number(td.textContent))")
    assert act == sorted(act)
    clean(browser, base, result)
    # CSV download: a real browser download of the form's POST
    click(browser, "#downloads button[value=csv]")
    got = _wait_download(browser, downloads, ".csv")
    lines = got.read_text().splitlines()
    assert lines[0].startswith("cargo,label,activity") and len(lines) == len(labels) + 1
    # the view (flow and heatmap), scriptless, under its own CSP
    click(browser, "#downloads button[value=view]")
    browser.wait("document.querySelectorAll('svg').length >= 2 && document.readyState === 'complete'", timeout=60)
    assert browser.evaluate("document.scripts.length") == 0
    clean(browser, base)


def test_whole_graph_view_draws(site):
    base, browser = site
    view = browser.open(base + "/views/graph", wait=DRAWN)
    assert browser.evaluate("window.evgraphNodes.length") > 10
    clean(browser, base, view)
