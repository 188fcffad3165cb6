// name: cargo_regulated_genes
// description: Genes regulated in recipient cells by the cargo of EVs released by a cell type or organ, with the direction of regulation.
// param: source: node = "CL:0000359" -- cell type or organ releasing the EVs (id or label; default vascular associated smooth muscle cell)
// columns: cargo_id, cargo_label, gene_id, gene_label, direction, n_ev_populations
// note: the EV populations are counted per cargo before fanning out to its genes, so a hub source (thousands of EVs whose cargo regulates thousands of genes) costs one pass over its cargo.
MATCH (src {id: $source})-[:RELEASES]->(ev:EVPopulation)-[:CARRIES]->(cargo)
WITH cargo, count(DISTINCT ev) AS n_ev_populations
MATCH (cargo)-[r:REGULATES]->(g:Gene)
RETURN DISTINCT cargo.id AS cargo_id, cargo.label AS cargo_label, g.id AS gene_id, g.label AS gene_label,
       r.direction AS direction, n_ev_populations
ORDER BY cargo_id, gene_id, direction
