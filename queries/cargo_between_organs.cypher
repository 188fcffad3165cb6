// name: cargo_between_organs
// description: Cargo carried by EVs that come from one organ (released by it or by its cell types) and reach another organ (home to it or are taken up by its cell types).
// param: source: node = "UBERON:0001013" -- organ that releases the EVs (id or label; default adipose tissue)
// param: target: node = "UBERON:0002107" -- organ the EVs reach (id or label; default liver)
// columns: cargo_id, cargo_label, cargo_class, ev_population, publications
MATCH (src:Organ {id: $source})<-[:PART_OF*0..1]-(producer)-[:RELEASES]->(ev:EVPopulation)
MATCH (ev)-[:HOMES_TO|TAKEN_UP_BY]->(recipient)-[:PART_OF*0..1]->(tgt:Organ {id: $target})
MATCH (ev)-[c:CARRIES]->(cargo)
RETURN DISTINCT cargo.id AS cargo_id, cargo.label AS cargo_label, cargo.category AS cargo_class,
       ev.id AS ev_population, c.publications AS publications
ORDER BY cargo_id, ev_population
