"""Views and the atlas in a real headless Chromium, with every network request blocked.

Needs ``chromium`` (Debian: ``apt-get install chromium``) and ``websocket-client``. Outside CI
the tests skip when either is missing; with ``CI=true`` that is a failure.
"""

from __future__ import annotations

import json

import pytest
from browser import VIEW_CASES, chromium_or_skip

from evgraph.atlas import write_atlas
from evgraph.viz import visualize

pytestmark = pytest.mark.browser

DRAWN = "window.evgraphDrawnAt !== undefined"
NONBLANK = """(function () {
  var c = document.querySelector('#evgraph-canvas canvas');
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
  return n;
}())"""


@pytest.fixture(scope="module")
def browser():
    with chromium_or_skip() as b:
        yield b


def check_page(browser, path, expected_nodes, shot):
    result = browser.open(path, wait=DRAWN)
    assert result.errors == [], result.errors
    assert result.blocked == [], f"requests left the file: {result.blocked}"
    assert result.requests == [path.resolve().as_uri()]
    assert browser.evaluate("window.evgraphNodes.length") == expected_nodes
    assert browser.evaluate("window.evgraphNetwork.body.nodeIndices.length") == expected_nodes
    assert browser.evaluate(NONBLANK) > 500, "the network canvas is blank"
    browser.screenshot(shot)
    assert shot.stat().st_size > 10_000
    return result


@pytest.mark.parametrize("name,options", VIEW_CASES)
def test_view_draws_offline(browser, kg, tmp_path, name, options):
    view = visualize(kg, name, **options)
    path = view.write(tmp_path / f"{name}.html")
    check_page(browser, path, view.num_nodes, tmp_path / f"{name}.png")
    # the class filter hides a class, the search box finds a node
    cls = view.classes[0]
    browser.evaluate(f"document.querySelector('input[data-class=\"{cls['name']}\"]').click()")
    hidden = browser.evaluate("window.evgraphNodes.get({filter: function (n) { return n.hidden; }}).length")
    assert hidden == cls["count"]
    label = view.network.nodes[0]["label"]
    browser.evaluate(f"""(function () {{ var s = document.getElementById('evgraph-search');
        s.value = {label[:6]!r}; s.dispatchEvent(new Event('input')); }}())""")
    assert browser.evaluate("document.querySelectorAll('#evgraph-hits li').length") >= (
        0 if view.network.nodes[0]["cls"] == cls["name"] else 1)
    check_tooltips(browser, view)


def check_tooltips(browser, view):
    """Tooltips rebuilt from the page's string table show the same text and links as the view's data."""
    from evgraph.identifiers import resolver_url

    def tip(kind, item_id):
        return browser.evaluate(f"""(function () {{ var t = window.evgraph{kind}.get({json.dumps(item_id)}).title;
            return [t.textContent, Array.prototype.map.call(t.querySelectorAll('a'), function (a) {{
                return [a.textContent, a.getAttribute('href')]; }})]; }}())""")

    edge = next((e for e in view.network.edges if e["refs"]), view.network.edges[0])
    text, links = tip("Edges", edge["id"])
    assert text.startswith(edge["headline"])
    for key, value in edge["info"]:
        assert f"{key}: {value}" in text
    assert [ref for ref, _ in links] == [ref for ref, _ in edge["refs"]]
    if edge["refs"]:  # a reference and its link, the URL from identifiers.resolver_url
        ref = edge["refs"][0][0]
        assert ref in text and links[0] == [ref, resolver_url(ref)]
    node = next(n for n in view.network.nodes if n["url"])
    text, links = tip("Nodes", node["id"])
    assert text.startswith(node["label"] + node["curie"])
    assert links[0] == [node["curie"], resolver_url(node["curie"])]
    assert len(links) == 1 + len(node["refs"])


def test_big_view_draws_fast(browser, tmp_path):
    """A 2,000-node view (synthetic graph) opens without physics."""
    import time

    import numpy as np
    import pandas as pd

    from evgraph.model import KnowledgeGraph

    rng = np.random.default_rng(0)
    n, m = 2500, 9000
    ids = [f"NCBIGene:{i + 1}" for i in range(n)]
    nodes = pd.DataFrame({"id": ids, "category": "Gene", "label": [f"G{i}" for i in range(n)],
                          "condition_category": "", "xrefs": "", "synonyms": "", "description": "",
                          "provided_by": ""})
    s, o = rng.integers(0, n, m), rng.integers(0, n, m)
    edges = pd.DataFrame({"id": [f"e{i}" for i in range(m)],
                          "subject": pd.Categorical.from_codes(s, categories=ids),
                          "predicate": pd.Categorical(["interacts_with"] * m),
                          "object": pd.Categorical.from_codes(o, categories=ids),
                          "direction": "", "uptake_mechanism": "", "species": "", "publications": "PMID:1",
                          "knowledge_level": "knowledge_assertion", "agent_type": "", "primary_knowledge_source": "",
                          "evidence": "", "confidence": 0.5, "statement": ""})
    kg = KnowledgeGraph(nodes, edges)
    t0 = time.perf_counter()
    view = visualize(kg, "graph", cap=2000)
    path = view.write(tmp_path / "big.html")
    print(f"2000-node view written in {time.perf_counter() - t0:.2f} s, {path.stat().st_size / 1e6:.2f} MB")
    assert view.num_nodes == 2000
    result = check_page(browser, path, 2000, tmp_path / "big.png")
    print(f"drawn after {browser.evaluate('window.evgraphDrawnAt') / 1000:.2f} s ({result.load_seconds:.2f} s)")


def test_malicious_labels_run_nothing(browser, mini_kg, tmp_path):
    from test_viz import EVIL, evil_graph

    view = visualize(evil_graph(mini_kg), "ego", node="CL:0000235", radius=2)
    path = view.write(tmp_path / "evil.html")
    result = check_page(browser, path, view.num_nodes, tmp_path / "evil.png")
    # search for the label, open its details: shown as text, nothing executed or loaded
    browser.evaluate("""(function () { var s = document.getElementById('evgraph-search');
        s.value = 'img'; s.dispatchEvent(new Event('input'));
        document.querySelector('#evgraph-hits li').click(); }())""")
    browser.pump(0.3)
    assert EVIL in browser.evaluate("document.getElementById('evgraph-hits').textContent")
    assert EVIL in browser.evaluate("document.getElementById('evgraph-details').textContent")
    assert browser.evaluate("document.images.length") == 0
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert result.dialogs == [] and result.blocked == []
    assert browser.evaluate("document.title").startswith(EVIL[:4]) is False


def test_atlas_pages(browser, kg, tmp_path):
    out = tmp_path / "atlas"
    index = write_atlas(kg, out, permutations=5, top_hubs=3, exports=False, progress=False)
    result = browser.open(index)
    assert result.errors == [] and result.blocked == []
    rows = browser.evaluate("document.querySelectorAll('table.sortable tbody tr').length")
    assert rows > 0
    # sorting a numeric column orders the rows
    first = browser.evaluate("""(function () { var t = document.querySelector('table.sortable');
        var th = Array.prototype.find.call(t.querySelectorAll('th'),
                                           function (h) { return h.textContent === 'degree'; });
        if (!th) { return null; } th.click(); th.click();
        var col = Array.prototype.indexOf.call(th.parentNode.children, th);
        return Array.prototype.map.call(t.tBodies[0].rows,
                                        function (r) { return parseFloat(r.cells[col].textContent); });
    }())""")
    if first is not None:
        assert first == sorted(first, reverse=True)
    browser.screenshot(tmp_path / "atlas.png")
    links = browser.evaluate("Array.prototype.map.call(document.querySelectorAll('a[href^=\"views/\"]'), "
                             "function (a) { return a.getAttribute('href'); })")
    assert links
    for href in sorted(set(h.split("#")[0] for h in links))[:6]:
        page = out / href
        res = browser.open(page, wait=DRAWN)
        assert res.errors == [] and res.blocked == [], (href, res.errors, res.blocked)
