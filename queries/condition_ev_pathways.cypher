// name: condition_ev_pathways
// description: Pathways affected by the cargo of EV populations released in a condition, with the direction of the effect.
// param: condition: node = "MONDO:0011122" -- condition the EVs are released in (id or label; default obesity)
// columns: pathway_id, pathway_label, direction, n_ev_populations, cargo, ev_populations
MATCH (ev:EVPopulation)-[:RELEASED_IN]->(:Condition {id: $condition})
MATCH (ev)-[:CARRIES]->(cargo)-[a:AFFECTS]->(p:Pathway)
RETURN p.id AS pathway_id, p.label AS pathway_label, a.direction AS direction, count(DISTINCT ev) AS n_ev_populations,
       collect(DISTINCT cargo.label) AS cargo, collect(DISTINCT ev.id) AS ev_populations
ORDER BY n_ev_populations DESC, pathway_id, direction
