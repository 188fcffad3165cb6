// name: circulating_biomarkers
// description: Candidate circulating EV biomarkers of a condition or, with closure, of a narrower one (subclass_of, up to 3 steps) (cargo or EV populations reported as biomarkers) with evidence in a given species, and the biofluids they were measured in.
// param: condition: node = "MONDO:0004975" -- condition (id or label; default Alzheimer disease)
// param: species: string = "NCBITaxon:9606" -- species the evidence must include (default human)
// param: closure: bool = true -- also biomarkers of narrower conditions (via_closure = true on those rows)
// columns: marker_id, marker_label, marker_class, condition_id, via_closure, direction, confidence, biofluids, publications, evidence
MATCH (marker)-[b:BIOMARKER_FOR]->(cond:Condition)-[:SUBCLASS_OF*0..3]->(q:Condition {id: $condition})
WHERE $species IN b.species AND ($closure OR cond.id = q.id)
WITH marker, b, cond, q
OPTIONAL MATCH (marker)<-[:CARRIES*0..1]-(ev:EVPopulation)-[:SAMPLED_FROM]->(fluid:Biofluid)
RETURN marker.id AS marker_id, marker.label AS marker_label, marker.category AS marker_class,
       cond.id AS condition_id, cond.id <> q.id AS via_closure, b.direction AS direction, b.confidence AS confidence, collect(DISTINCT fluid.label) AS biofluids,
       b.publications AS publications, b.evidence AS evidence
ORDER BY confidence DESC, marker_id, condition_id, evidence
