"""Views in headless Chromium: label boxes measured as vis-network draws them never overlap; the
edge legend and the PNG/SVG exports work."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from browser import VIEW_CASES, chromium_or_skip, overlapping

from evgraph.viz import visualize

pytestmark = pytest.mark.browser
DRAWN = "window.evgraphDrawnAt !== undefined"
#: every label's box (canvas units) from vis-network's own label module: each node is brought into
#: view at scale 1 and drawn, so its label is laid out exactly as a reader zoomed in sees it
BOXES = """(function () {
  var net = window.evgraphNetwork, out = [], ns = net.body.nodes;
  Object.keys(ns).forEach(function (id) {
    var n = ns[id];
    if (!n.options.label || n.options.hidden) { return; }
    net.moveTo({position: {x: n.x, y: n.y}, scale: 1, animation: false});
    net.redraw();
    var s = n.labelModule.size;
    out.push([id, s.left, s.top, s.left + s.width, s.top + s.height]);
  });
  net.fit({animation: false});
  return out;
}())"""


@pytest.fixture(scope="module")
def browser():
    with chromium_or_skip() as b:
        yield b


@pytest.mark.parametrize("name,options", VIEW_CASES)
def test_labels_do_not_overlap_and_legend_and_export(browser, kg, tmp_path, name, options):
    view = visualize(kg, name, **options)
    result = browser.open(view.write(tmp_path / f"{name}.html"), wait=DRAWN)
    boxes = browser.evaluate(BOXES)
    shown = sum(1 for n in view.network.nodes if n["shown"])
    assert len(boxes) == shown and shown >= min(len(view.network.nodes), 8)
    assert overlapping(boxes) == [], overlapping(boxes)[:10]
    # small views show every label (nodes were moved apart rather than labels hidden)
    if view.num_nodes <= 80:
        assert shown >= 0.85 * view.num_nodes, (shown, view.num_nodes)
    # the edge legend lists what the view's edges mean
    rows = browser.evaluate("document.querySelectorAll('#evgraph-edge-legend .legend-row').length")
    assert rows == len(view.legend) >= 1
    # exports: a PNG of the canvas and an SVG rebuilt from the drawn positions
    browser.evaluate("document.getElementById('evgraph-png').click()")
    browser.wait("Number(document.body.getAttribute('data-png')) > 5000")
    svg = browser.evaluate("window.evgraphSvg()")
    root = ET.fromstring(svg)
    assert len(root.findall("{http://www.w3.org/2000/svg}circle")) + len(
        root.findall("{http://www.w3.org/2000/svg}rect")) >= view.num_nodes
    browser.evaluate("document.getElementById('evgraph-svg').click()")
    browser.wait("Number(document.body.getAttribute('data-svg')) > 1000")
    browser.pump(0.2)
    assert result.errors == [] and result.blocked == [] and result.dialogs == []
