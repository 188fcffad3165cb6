// name: ev_population_profile
// description: Everything recorded about one EV population: where it comes from, its vesicle type and biofluid, the context, its cargo, where it goes and what it does.
// param: ev: node = "evgraph:EVP-MC001" -- EV population id
// columns: ev_id, sources, vesicle_types, biofluids, released_in, cargo, target_cells, target_organs, contributes_to, publications
MATCH (ev:EVPopulation {id: $ev})
OPTIONAL MATCH (src)-[:RELEASES]->(ev)
WITH ev, collect(DISTINCT src.label) AS sources
OPTIONAL MATCH (ev)-[:HAS_VESICLE_TYPE]->(vt:VesicleType)
WITH ev, sources, collect(DISTINCT vt.label) AS vesicle_types
OPTIONAL MATCH (ev)-[:SAMPLED_FROM]->(fluid)
WITH ev, sources, vesicle_types, collect(DISTINCT fluid.label) AS biofluids
OPTIONAL MATCH (ev)-[:RELEASED_IN]->(ctx:Condition)
WITH ev, sources, vesicle_types, biofluids, collect(DISTINCT ctx.label) AS released_in
OPTIONAL MATCH (ev)-[:CARRIES]->(cargo)
WITH ev, sources, vesicle_types, biofluids, released_in, collect(DISTINCT cargo.label) AS cargo
OPTIONAL MATCH (ev)-[:TAKEN_UP_BY]->(cell:CellType)
WITH ev, sources, vesicle_types, biofluids, released_in, cargo, collect(DISTINCT cell.label) AS target_cells
OPTIONAL MATCH (ev)-[:HOMES_TO]->(organ:Organ)
WITH ev, sources, vesicle_types, biofluids, released_in, cargo, target_cells, collect(DISTINCT organ.label) AS target_organs
OPTIONAL MATCH (ev)-[:CONTRIBUTES_TO]->(cond:Condition)
WITH ev, sources, vesicle_types, biofluids, released_in, cargo, target_cells, target_organs,
     collect(DISTINCT cond.label) AS contributes_to
OPTIONAL MATCH (ev)-[:DESCRIBED_IN]->(pub:Publication)
RETURN ev.id AS ev_id, sources, vesicle_types, biofluids, released_in, cargo, target_cells, target_organs,
       contributes_to, collect(DISTINCT pub.id) AS publications
