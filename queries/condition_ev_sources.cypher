// name: condition_ev_sources
// description: EV populations that contribute to a condition, with where they come from, what they carry, whether they worsen (increased) or protect (decreased), and how confident the evidence is.
// param: condition: node = "MONDO:0001076" -- condition (id or label; default glucose intolerance)
// param: min_confidence: float = 0.0 -- lowest confidence of the contribution edge
// columns: ev_population, source_ids, source_labels, direction, confidence, cargo, publications
MATCH (ev:EVPopulation)-[c:CONTRIBUTES_TO]->(:Condition {id: $condition})
WHERE c.confidence >= $min_confidence
OPTIONAL MATCH (src)-[:RELEASES]->(ev)
WITH ev, c, collect(DISTINCT src.id) AS source_ids, collect(DISTINCT src.label) AS source_labels
OPTIONAL MATCH (ev)-[:CARRIES]->(cargo)
RETURN ev.id AS ev_population, source_ids, source_labels, c.direction AS direction, c.confidence AS confidence,
       collect(DISTINCT cargo.label) AS cargo, c.publications AS publications
ORDER BY ev_population
