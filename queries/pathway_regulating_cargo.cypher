// name: pathway_regulating_cargo
// description: EV cargo that regulates genes taking part in a pathway, and the EV populations carrying it.
// param: pathway: node = "REACT:R-HSA-381340" -- pathway (id or label; default transcriptional regulation of white adipocyte differentiation)
// columns: cargo_id, cargo_label, gene_id, gene_label, direction, n_ev_populations
// note: the EV populations of each distinct cargo are counted once and then joined back to its genes in the pathway, not once per cargo-gene pair (a hub pathway has tens of thousands).
MATCH (cargo)-[:REGULATES]->(:Gene)-[:PARTICIPATES_IN]->(:Pathway {id: $pathway})
WITH DISTINCT cargo
OPTIONAL MATCH (ev:EVPopulation)-[:CARRIES]->(cargo)
WITH cargo, count(DISTINCT ev) AS n_ev_populations
MATCH (cargo)-[r:REGULATES]->(g:Gene)-[:PARTICIPATES_IN]->(:Pathway {id: $pathway})
RETURN DISTINCT cargo.id AS cargo_id, cargo.label AS cargo_label, g.id AS gene_id, g.label AS gene_label,
       r.direction AS direction, n_ev_populations
ORDER BY cargo_id, gene_id, direction
