// name: cargo_in_biofluid
// description: Cargo found in EVs isolated from a biofluid, with the conditions those EVs were released in.
// param: biofluid: node = "UBERON:0001969" -- biofluid (id or label; default blood plasma)
// columns: cargo_id, cargo_label, cargo_class, n_ev_populations, conditions
MATCH (ev:EVPopulation)-[:SAMPLED_FROM]->(:Biofluid {id: $biofluid})
MATCH (ev)-[:CARRIES]->(cargo)
OPTIONAL MATCH (ev)-[:RELEASED_IN]->(ctx:Condition)
RETURN cargo.id AS cargo_id, cargo.label AS cargo_label, cargo.category AS cargo_class,
       count(DISTINCT ev) AS n_ev_populations, collect(DISTINCT ctx.label) AS conditions
ORDER BY n_ev_populations DESC, cargo_id
