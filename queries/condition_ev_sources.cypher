// name: condition_ev_sources
// description: EV populations that contribute to a condition or, with closure, to a narrower one (subclass_of, up to 3 steps: what holds for Alzheimer disease holds for a cognitive disorder), with where they come from, what they carry, whether they worsen (increased) or protect (decreased), and how confident the evidence is.
// param: condition: node = "MONDO:0001076" -- condition (id or label; default glucose intolerance)
// param: min_confidence: float = 0.0 -- lowest confidence of the contribution edge
// param: closure: bool = true -- also evidence for narrower conditions (via_closure = true on those rows)
// columns: ev_population, condition_id, via_closure, source_ids, source_labels, direction, confidence, cargo, publications
MATCH (ev:EVPopulation)-[c:CONTRIBUTES_TO]->(cond:Condition)-[:SUBCLASS_OF*0..3]->(q:Condition {id: $condition})
WHERE c.confidence >= $min_confidence AND ($closure OR cond.id = q.id)
WITH ev, c, cond, q
OPTIONAL MATCH (src)-[:RELEASES]->(ev)
WITH ev, c, cond, q, collect(DISTINCT src.id) AS source_ids, collect(DISTINCT src.label) AS source_labels
OPTIONAL MATCH (ev)-[:CARRIES]->(cargo)
RETURN ev.id AS ev_population, cond.id AS condition_id, cond.id <> q.id AS via_closure, source_ids, source_labels,
       c.direction AS direction, c.confidence AS confidence, collect(DISTINCT cargo.label) AS cargo,
       c.publications AS publications
ORDER BY ev_population, condition_id
