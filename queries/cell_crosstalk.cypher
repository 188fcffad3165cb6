// name: cell_crosstalk
// description: EV-mediated traffic between cell types: source cell type, recipient cell type, how many EV populations and how many distinct cargo, above a confidence threshold.
// param: min_confidence: float = 0.0 -- lowest confidence of the uptake edge
// columns: source_id, source_label, target_id, target_label, n_ev_populations, n_cargo
MATCH (s:CellType)-[:RELEASES]->(ev:EVPopulation)-[t:TAKEN_UP_BY]->(r:CellType)
WHERE t.confidence >= $min_confidence
OPTIONAL MATCH (ev)-[:CARRIES]->(cargo)
RETURN s.id AS source_id, s.label AS source_label, r.id AS target_id, r.label AS target_label,
       count(DISTINCT ev) AS n_ev_populations, count(DISTINCT cargo) AS n_cargo
ORDER BY n_ev_populations DESC, source_id, target_id
