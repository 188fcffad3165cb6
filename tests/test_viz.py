"""Interactive views (evgraph.viz) without a browser: content, reference checks, escaping, CLI, atlas."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

import evgraph
from evgraph.atlas import write_atlas
from evgraph.cli import main
from evgraph.model import KnowledgeGraph
from evgraph.viz import visualize
from evgraph.viz.render import vis_network_js

EVIL = "<img src=x onerror=alert(1)>"


def page_data(page: str) -> dict:
    m = re.search(r'<script id="evgraph-data" type="application/json">(.*?)</script>', page, re.S)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_page_is_self_contained(kg):
    page = visualize(kg, "overview").html()
    assert "<script src" not in page and "<link" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?://""", page), "page loads something from the network"
    assert vis_network_js()[:2000] in page  # vis-network inline, from the pyvis wheel
    assert "@version 9.1.2" in page
    assert "default-src 'none'" in html.unescape(page)  # CSP: no network access at all
    assert "cdn" not in page.lower()


def test_views_are_deterministic(kg):
    assert visualize(kg, "graph").html() == visualize(kg, "graph").html()


def test_traffic_map_matches_reference(kg):
    """Edge weights = distinct EV populations per (releaser, target), recomputed with networkx."""
    G = kg.to_networkx()
    ref: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r, p, d in G.edges(data=True):
        if d["predicate"] != "releases":
            continue
        for _, t, d2 in G.out_edges(p, data=True):
            if d2["predicate"] in ("taken_up_by", "homes_to"):
                ref[(r, t)].add(p)
    view = visualize(kg, "overview")
    got = {(e["from"], e["to"]): e for e in view.network.edges if not e["dashes"]}
    assert set(got) == set(ref)
    for key, pops in ref.items():
        assert float(dict(got[key]["info"])["supported transfers (EV populations)"]) == len(pops)
    classes = {n["cls"] for n in view.network.nodes}
    assert classes <= {"Organ", "CellType"}


def test_page_stores_each_string_once(kg):
    """The page's string table gives back every reference, link and cargo listing of the view."""
    from evgraph.identifiers import resolver_url

    view = visualize(kg, "overview")
    data = page_data(view.html())
    strings = data["strings"]
    assert len(strings) == len(set(strings))

    def url(i):
        if str(i) in data["links"]:
            return data["links"][str(i)]
        prefix, _, local = strings[i].partition(":")
        return data["resolvers"][prefix] + local if prefix in data["resolvers"] else None

    def text(value):
        if not isinstance(value, dict):
            return value
        return ", ".join(strings[i] for i in value["names"]) + (f" and {value['more']} more" if "more" in value else "")

    listed = 0
    for kind in ("nodes", "edges"):
        for item, packed in zip(getattr(view.network, kind), data[kind], strict=True):
            assert [[strings[i], url(i)] for i in packed["refs"]] == item["refs"]
            assert [[strings[k], text(v)] for k, v in packed["info"]] == item["info"]
            listed += any(isinstance(v, dict) for _, v in packed["info"])
            if kind == "nodes" and item["curie"]:
                prefix, _, local = item["curie"].partition(":")
                shown = packed["url"] if "url" in packed else data["resolvers"][prefix] + local
                assert shown == item["url"] == resolver_url(item["curie"])
    assert listed, "expected cargo listings on the traffic map"
    refs = {r for e in view.network.edges for r, _ in e["refs"]}
    assert all(url(strings.index(r)) == resolver_url(r) for r in refs)


def test_whole_graph_cap_keeps_top_hubs(kg):
    G = kg.to_networkx()
    deg = {n: G.degree(n) for n in G if G.nodes[n]["category"] != "Publication"}
    view = visualize(kg, "graph", cap=40)
    shown = {n["id"] for n in view.network.nodes}
    assert len(shown) == 40
    assert min(deg[n] for n in shown) >= max(deg[n] for n in deg if n not in shown)
    # every edge joins two shown nodes and exists in the graph
    for e in view.network.edges:
        assert e["from"] in shown and e["to"] in shown
        assert G.has_edge(e["from"], e["to"])


def test_ego_matches_networkx(kg):
    center = kg.resolve("macrophage")
    U = nx.Graph(kg.to_networkx())
    ref = set(nx.ego_graph(U, center, radius=2))
    ref = {n for n in ref if n == center or U.nodes[n]["category"] != "Publication"}
    view = visualize(kg, "ego", node="macrophage", radius=2)
    assert {n["id"] for n in view.network.nodes} == ref
    assert [n["id"] for n in view.network.nodes if n["mark"]] == [center]


def test_paths_view_shows_the_analytics_paths(kg):
    from evgraph.viz.views import find_paths

    paths = find_paths(kg, "type 2 diabetes mellitus", "Alzheimer disease", k=3)
    assert paths, "expected at least one path in the curated graph"
    view = visualize(kg, "paths", source="type 2 diabetes mellitus", target="Alzheimer disease", k=3)
    assert {n["id"] for n in view.network.nodes} == {x for p in paths for x in p["nodes"]}
    hops = {(e["from"], e["to"]) for e in view.network.edges}
    for p in paths:
        assert set(zip(p["nodes"], p["nodes"][1:], strict=False)) <= hops
    # every curated hop carries its references (dashed: ontology roll-up hops, entailed, no paper)
    assert all(e["refs"] or e["dashes"] for e in view.network.edges)


def test_crosstalk_view(kg):
    view = visualize(kg, "crosstalk")
    cats = [n for n in view.network.nodes if n["cls"] == "ConditionCategory"]
    assert len(cats) >= 2
    assert {n["label"] for n in cats} <= set(kg.schema.condition_categories)


def test_tooltips_have_curie_links_and_classes(kg):
    view = visualize(kg, "ego", node="macrophage")
    node = next(n for n in view.network.nodes if n["id"] == "CL:0000235")
    assert node["curie"] == "CL:0000235" and node["url"].startswith("http")
    assert ["class", "cell type"] in node["info"]
    assert all(r[1] is None or r[1].startswith("https://") for n in view.network.nodes for r in n["refs"])
    legend = {c["name"]: c for c in view.classes}
    assert sum(c["count"] for c in legend.values()) == view.num_nodes


def evil_graph(kg: KnowledgeGraph) -> KnowledgeGraph:
    nodes = kg.nodes.copy()
    i = nodes.index[nodes["id"] == "CL:0000235"][0]
    nodes.loc[i, "label"] = EVIL
    j = nodes.index[nodes["category"] == "Organ"][0]
    nodes.loc[j, "label"] = "</script><script>window.__pwned=1</script>"
    return KnowledgeGraph(nodes, kg.edges.copy(), kg.schema)


def test_labels_are_escaped(mini_kg):
    bad = evil_graph(mini_kg)
    page = visualize(bad, "ego", node="CL:0000235", radius=2).html()
    assert EVIL not in page and "<script>window.__pwned" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert page_data(page)["nodes"][0]["label"] in {EVIL, *[n for n in bad.nodes["label"]]}
    assert EVIL in {n["label"] for n in page_data(page)["nodes"]}
    # the title is escaped too
    assert "<title>Neighbourhood of &lt;img src=x onerror=alert(1)&gt; - evgraph</title>" in page


def test_jupyter_repr(kg):
    view = evgraph.visualize(kg, "ego", node="macrophage")
    out = view._repr_html_()
    assert out.startswith("<iframe srcdoc=")
    srcdoc = re.match(r'<iframe srcdoc="(.*?)" style=', out, re.S).group(1)
    assert html.unescape(srcdoc) == view.html()


def test_cli_viz(tmp_path):
    out = tmp_path / "ego.html"
    res = CliRunner().invoke(main, ["viz", "ego", "--node", "macrophage", "--radius", "1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert page_data(out.read_text())["view"] == "ego"


def test_cli_viz_errors_are_one_line(tmp_path):
    res = CliRunner().invoke(main, ["viz", "ego", "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 1
    assert res.output.strip().splitlines() == ["evgraph: error: the ego view needs a node (--node CURIE or label)"]
    res = CliRunner().invoke(main, ["viz", "ego", "--node", "no such thing", "--out", str(tmp_path / "x.html")])
    assert res.exit_code == 1 and "no such thing" in res.output
    assert not (tmp_path / "x.html").exists()


def test_atlas(kg, tmp_path):
    out = tmp_path / "atlas"
    index = write_atlas(kg, out, permutations=5, top_hubs=5, progress=False)
    text = index.read_text()
    manifest = json.loads((out / "atlas.json").read_text())
    for href in re.findall(r'href="([^"#]+)', text):
        assert (out / href).exists(), href
    for view in manifest["views"]:
        assert (out / view).is_file()
    assert (out / "exports" / "kgx" / "nodes.tsv").is_file()
    assert "views/overview.html" in manifest["views"] and "views/graph.html" in manifest["views"]
    # analytics tables: crosstalk sorted by q, hubs explained, paths with sign and coherence
    import pandas as pd

    ct = pd.read_csv(out / "tables" / "crosstalk.csv")
    assert list(ct["q_value"]) == sorted(ct["q_value"])
    assert "explanation" in pd.read_csv(out / "tables" / "hubs.csv").columns
    assert {"sign", "coherence"} <= set(pd.read_csv(out / "tables" / "paths.csv").columns)
    # rerun replaces the atlas in place, leaving no temporary folders behind
    write_atlas(kg, out, permutations=0, top_hubs=2, exports=False, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["atlas"]
    assert not (out / "exports").exists()


def test_atlas_refuses_foreign_folder(kg, tmp_path):
    (tmp_path / "mine.txt").write_text("keep me")
    res = CliRunner().invoke(main, ["atlas", "--out", str(tmp_path), "--no-exports"])
    assert res.exit_code == 1 and "not an evgraph atlas" in res.output
    assert (tmp_path / "mine.txt").read_text() == "keep me"


def test_viz_files_ship_with_package():
    import evgraph.viz

    folder = Path(evgraph.viz.__file__).parent
    assert (folder / "template.html").is_file() and (folder / "app.js").is_file()
