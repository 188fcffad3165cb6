// name: pathway_regulating_cargo
// description: EV cargo that regulates genes taking part in a pathway, and the EV populations carrying it.
// param: pathway: node = "REACT:R-HSA-381340" -- pathway (id or label; default transcriptional regulation of white adipocyte differentiation)
// columns: cargo_id, cargo_label, gene_id, gene_label, direction, n_ev_populations
MATCH (cargo)-[r:REGULATES]->(g:Gene)-[:PARTICIPATES_IN]->(:Pathway {id: $pathway})
OPTIONAL MATCH (ev:EVPopulation)-[:CARRIES]->(cargo)
RETURN cargo.id AS cargo_id, cargo.label AS cargo_label, g.id AS gene_id, g.label AS gene_label,
       r.direction AS direction, count(DISTINCT ev) AS n_ev_populations
ORDER BY cargo_id, gene_id, direction
