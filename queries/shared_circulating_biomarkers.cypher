// name: shared_circulating_biomarkers
// description: Circulating EV biomarkers shared by two conditions: cargo (or EV populations) reported as a biomarker of each (the condition or a subclass up to two levels down) by statements whose EVs were sampled from a biofluid, with the statements and biofluids on each side.
// param: condition_a: node = "MONDO:0005148" -- first condition (id or label; default type 2 diabetes mellitus)
// param: condition_b: node = "MONDO:0005252" -- second condition (id or label; default heart failure)
// columns: marker_id, marker_label, marker_class, statements_a, statements_b, biofluids_a, biofluids_b
MATCH (marker)-[ba:BIOMARKER_FOR]->(:Condition)-[:SUBCLASS_OF*0..2]->(:Condition {id: $condition_a})
MATCH (ea:EVPopulation)-[sa:SAMPLED_FROM]->(fa:Biofluid)
WHERE sa.statement = ba.statement
MATCH (marker)-[bb:BIOMARKER_FOR]->(:Condition)-[:SUBCLASS_OF*0..2]->(:Condition {id: $condition_b})
MATCH (eb:EVPopulation)-[sb:SAMPLED_FROM]->(fb:Biofluid)
WHERE sb.statement = bb.statement
RETURN marker.id AS marker_id, marker.label AS marker_label, marker.category AS marker_class,
       collect(DISTINCT ba.statement) AS statements_a, collect(DISTINCT bb.statement) AS statements_b,
       collect(DISTINCT fa.label) AS biofluids_a, collect(DISTINCT fb.label) AS biofluids_b
ORDER BY marker_id
