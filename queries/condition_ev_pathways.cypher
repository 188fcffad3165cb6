// name: condition_ev_pathways
// description: Pathways affected by the cargo of EV populations released in a condition or, with closure, in a narrower one (subclass_of, up to 3 steps), with the direction of the effect and the conditions the EVs were released in.
// param: condition: node = "MONDO:0011122" -- condition the EVs are released in (id or label; default obesity)
// param: closure: bool = true -- also EVs released in narrower conditions (listed in conditions)
// columns: pathway_id, pathway_label, direction, n_ev_populations, cargo, ev_populations, conditions
MATCH (ev:EVPopulation)-[:RELEASED_IN]->(cond:Condition)-[:SUBCLASS_OF*0..3]->(q:Condition {id: $condition})
WHERE $closure OR cond.id = q.id
WITH ev, cond
MATCH (ev)-[:CARRIES]->(cargo)-[a:AFFECTS]->(p:Pathway)
RETURN p.id AS pathway_id, p.label AS pathway_label, a.direction AS direction, count(DISTINCT ev) AS n_ev_populations,
       collect(DISTINCT cargo.label) AS cargo, collect(DISTINCT ev.id) AS ev_populations,
       collect(DISTINCT cond.id) AS conditions
ORDER BY n_ev_populations DESC, pathway_id, direction
