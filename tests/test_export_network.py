"""GraphML, GEXF and Cytoscape.js exports, whole graph and subgraphs, read back by networkx."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from click.testing import CliRunner

import evgraph
from evgraph.cli import main
from evgraph.formats import network
from evgraph.model import split_list


def test_to_networkx_flat_is_accepted_by_write_graphml(kg, tmp_path):
    path = tmp_path / "flat.graphml"
    nx.write_graphml(kg.to_networkx(flat=True), path)
    G = nx.read_graphml(path, force_multigraph=True)
    assert G.number_of_nodes() == kg.num_nodes and G.number_of_edges() == kg.num_edges


def test_graphml_round_trip_keeps_every_attribute(kg, tmp_path):
    path = network.write_graphml(kg, tmp_path / "kg.graphml")[0]
    G = nx.read_graphml(path, force_multigraph=True)
    assert G.number_of_nodes() == kg.num_nodes and G.number_of_edges() == kg.num_edges
    assert G.nodes["CL:0000235"]["label"] == "macrophage" and G.nodes["CL:0000235"]["category"] == "CellType"
    edges = {key: data for _, _, key, data in G.edges(keys=True, data=True)}
    for rec in kg.edges.head(50).astype(object).to_dict("records"):
        data = edges[rec["id"]]
        assert data["predicate"] == str(rec["predicate"])
        assert split_list(data["publications"]) == split_list(rec["publications"])  # '|'-joined lists
        assert split_list(data["species"]) == split_list(rec["species"])


def test_gexf_reads_back(kg, tmp_path):
    G = nx.read_gexf(network.write_gexf(kg, tmp_path / "kg.gexf")[0])
    assert G.number_of_nodes() == kg.num_nodes and G.number_of_edges() == kg.num_edges


def test_cytoscape_json_keeps_lists(kg, tmp_path):
    data = json.loads(network.write_cytoscape(kg, tmp_path / "kg.cyjs")[0].read_text())
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert len(nodes) == kg.num_nodes and len(edges) == kg.num_edges
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    with_refs = [e for e in edges if e["data"].get("publications")]
    assert with_refs and all(isinstance(e["data"]["publications"], list) for e in with_refs)
    G = nx.cytoscape_graph(data)  # networkx reads the Cytoscape.js layout back
    assert G.number_of_nodes() == kg.num_nodes and G.number_of_edges() == kg.num_edges


def test_subgraphs(kg):
    ego = network.ego_subgraph(kg, "macrophage", radius=1)
    code = kg.index_of("CL:0000235")
    neighbours = set(kg.nodes["id"].to_numpy()[kg.dst[kg.src == code]]) | set(
        kg.nodes["id"].to_numpy()[kg.src[kg.dst == code]])
    assert set(ego.nodes["id"]) == neighbours | {"CL:0000235"}
    assert (ego.edges["subject"].isin(ego.nodes["id"]) & ego.edges["object"].isin(ego.nodes["id"])).all()
    from evgraph.analytics import paths

    found = paths(kg, "type 2 diabetes mellitus", "Alzheimer disease", k=3)
    sub = network.paths_subgraph(kg, found)
    assert set(sub.nodes["id"]) == {n for ns in found["nodes"] for n in ns}
    hop_edges = {e for hops in found["hops"] for h in hops for e in h["edges"]}
    assert set(sub.edges["id"]) <= hop_edges
    table = evgraph.cypher(kg, "organs_sending_evs_to", target="heart")
    q = network.query_subgraph(kg, table)
    assert set(table["organ_id"]) <= set(q.nodes["id"])
    with pytest.raises(Exception, match="no node"):
        network.subgraph(kg, ["FOO:1"])


def test_cli_exports(tmp_path):
    runner = CliRunner()
    out = tmp_path / "ego.graphml"
    res = runner.invoke(main, ["export", "graphml", "--node", "macrophage", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "CL:0000235" in nx.read_graphml(out)
    res = runner.invoke(main, ["export", "cytoscape", "--from", "type 2 diabetes mellitus", "--to", "Alzheimer disease",
                               "-k", "2", "--out", str(tmp_path / "p.cyjs")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(main, ["export", "gexf", "--query", "organs_sending_evs_to", "-p", "target=heart",
                               "--out", str(tmp_path / "q.gexf")])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("args,message", [
    (["--node", "macrophage", "--query", "top_cargo"], "pick one subgraph"),
    (["--from", "obesity disorder"], "needs both --from and --to"),
    (["--node", "no such node"], "no node"),
])
def test_cli_export_errors_write_nothing(tmp_path, args, message):
    out = tmp_path / "x.graphml"
    res = CliRunner().invoke(main, ["export", "graphml", *args, "--out", str(out)])
    assert res.exit_code == 1 and message in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
