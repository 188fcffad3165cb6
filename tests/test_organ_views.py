"""The body map and the organ-to-organ Sankey: flows, SVG, and label boxes measured in Chromium."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from browser import chromium_or_skip, overlapping

from evgraph.model import KnowledgeGraph
from evgraph.viz import organs, visualize

SVG = "{http://www.w3.org/2000/svg}"


def test_flows_sign_and_evidence_weight(kg):
    flows, missing = organs.organ_flows(kg)
    assert len(flows) > 10 and missing >= 0
    assert set(flows["sign"]) <= {"increases", "decreases", "unknown"}
    assert {"increases", "decreases"} <= set(flows["sign"])  # protective routes are kept apart
    # weight = sum of tier weights of the arrow's EV populations (each at least 1, at most 4)
    assert ((flows["weight"] >= flows["populations"]) & (flows["weight"] <= 4 * flows["populations"])).all()
    organ_ids = set(kg.nodes_of_class("Organ")["id"])
    assert set(flows["source"]) <= organ_ids and set(flows["target"]) <= organ_ids
    # the sign is recomputed from the statements' own contributes_to directions
    contrib = kg.edges[kg.edges["predicate"] == "contributes_to"]
    dirs = contrib.groupby(contrib["statement"].astype(str))["direction"].agg(lambda d: set(map(str, d)))
    for row in flows.itertuples(index=False):
        for st in row.statements.split(", "):
            seen = dirs.get(st, set()) & {"increased", "decreased"}
            expected = ("increases" if seen == {"increased"} else "decreases" if seen == {"decreased"}
                        else "unknown")
            assert expected == row.sign, (st, row)


def test_svg_is_well_formed_and_complete(kg):
    for view in (organs.body_map(kg), organs.sankey(kg)):
        root = ET.fromstring(view.svg())
        paths = [p for p in root.iter(f"{SVG}path") if p.get("class") == "flow"]
        assert len(paths) == len(view.flows)
        for p in paths:
            assert p.get("stroke") == organs.SIGN_COLOR[p.get("data-sign")]
        labels = {t.text for t in root.iter(f"{SVG}text") if t.get("class") == "organ-label"}
        assert set(view.flows["source_label"]) | set(view.flows["target_label"]) <= labels


def test_hostile_organ_label_is_escaped(kg, tmp_path):
    nodes = kg.nodes.copy()
    nodes.loc[kg.index_of("UBERON:0000955"), "label"] = '<script>alert(1)</script> & "brain"'
    view = organs.body_map(KnowledgeGraph(nodes, kg.edges, kg.schema))
    root = ET.fromstring(view.svg())
    assert '<script>alert(1)</script> & "brain"' in {t.text for t in root.iter(f"{SVG}text")}
    assert "<script>alert" not in view.html()
    assert view.write(tmp_path / "b.svg").read_text().startswith("<svg")
    with pytest.raises(Exception, match=r"\.svg or \.html"):
        view.write(tmp_path / "b.pdf")


def test_visualize_knows_the_organ_views(kg):
    assert visualize(kg, "bodymap").name == "bodymap" and visualize(kg, "sankey").name == "sankey"


# ---------------------------------------------------------------------- in the browser
BOXES = """(function () {
  var out = [];
  document.querySelectorAll('#figure text.organ-label').forEach(function (t) {
    var b = t.getBoundingClientRect(); out.push([t.textContent, b.left, b.top, b.right, b.bottom]); });
  return out;
}())"""


@pytest.fixture(scope="module")
def browser():
    with chromium_or_skip(width=1200, height=1100) as b:
        yield b


@pytest.mark.browser
@pytest.mark.parametrize("name", ["bodymap", "sankey"])
def test_organ_view_labels_do_not_overlap_and_png_exports(kg, browser, tmp_path, name):
    path = visualize(kg, name).write(tmp_path / f"{name}.html")
    result = browser.open(path, wait="document.body.getAttribute('data-ready') === '1'")
    assert result.errors == [] and result.blocked == [] and result.dialogs == []
    boxes = browser.evaluate(BOXES)
    assert len(boxes) >= 10
    assert overlapping(boxes) == [], overlapping(boxes)
    if name == "bodymap":  # every placed organ sits on the body outline
        inside = browser.evaluate("""(function () { var body = document.querySelector('#figure svg > path');
          var m = body.getCTM().inverse(), n = 0, all = 0;
          document.querySelectorAll('#figure circle.organ:not(.unplaced)').forEach(function (c) {
            var p = new DOMPoint(+c.getAttribute('cx'), +c.getAttribute('cy')).matrixTransform(
              body.getCTM().inverse().multiply(c.getCTM()));
            all++; if (body.isPointInFill(p)) { n++; } });
          return [n, all]; }())""")
        assert inside[0] == inside[1] > 10, inside
    browser.evaluate("document.getElementById('png-download').click()")
    browser.wait("Number(document.body.getAttribute('data-png')) > 10000")
    browser.pump(0.3)
    assert result.errors == [] and result.blocked == []
