// name: circulating_biomarkers
// description: Candidate circulating EV biomarkers of a condition (cargo or EV populations reported as biomarkers) with evidence in a given species, and the biofluids they were measured in.
// param: condition: node = "MONDO:0004975" -- condition (id or label; default Alzheimer disease)
// param: species: string = "NCBITaxon:9606" -- species the evidence must include (default human)
// columns: marker_id, marker_label, marker_class, direction, confidence, biofluids, publications, evidence
MATCH (marker)-[b:BIOMARKER_FOR]->(:Condition {id: $condition})
WHERE $species IN b.species
OPTIONAL MATCH (marker)<-[:CARRIES*0..1]-(ev:EVPopulation)-[:SAMPLED_FROM]->(fluid:Biofluid)
RETURN marker.id AS marker_id, marker.label AS marker_label, marker.category AS marker_class,
       b.direction AS direction, b.confidence AS confidence, collect(DISTINCT fluid.label) AS biofluids,
       b.publications AS publications, b.evidence AS evidence
ORDER BY confidence DESC, marker_id, evidence
