// name: cargo_between_organs
// description: Cargo carried by EVs that come from one organ (released by it or by its cell types) and reach another organ (home to it or are taken up by its cell types); with closure, a part of either organ counts too (UBERON part_of, up to 3 steps), named in source_organ_id / target_organ_id and flagged via_closure. A cell type stands for an organ only through a part_of edge of the same statement as its EV population (or a part_of fact of no statement, e.g. from an ontology), never through another statement's part_of.
// param: source: node = "UBERON:0001013" -- organ that releases the EVs (id or label; default adipose tissue)
// param: target: node = "UBERON:0000948" -- organ the EVs reach (id or label; default heart)
// param: closure: bool = true -- also EVs from a part of the source organ or reaching a part of the target organ
// columns: cargo_id, cargo_label, cargo_class, ev_population, source_organ_id, target_organ_id, via_closure, publications
MATCH (src:Organ)-[:PART_OF*0..3]->(qs:Organ {id: $source})
WHERE $closure OR src.id = qs.id
MATCH (src)<-[:PART_OF*0..1]-(producer)-[rel:RELEASES]->(ev:EVPopulation)
OPTIONAL MATCH (producer)-[po:PART_OF]->(src)
WHERE po.statement = rel.statement OR po.statement IS NULL OR po.statement = ''
WITH qs, src, producer, ev, rel, po
WHERE src.id = producer.id OR (po IS NOT NULL AND producer.category = 'CellType')
MATCH (ev)-[:HOMES_TO|TAKEN_UP_BY]->(recipient)-[:PART_OF*0..1]->(tgt:Organ)-[:PART_OF*0..3]->(qt:Organ {id: $target})
WHERE $closure OR tgt.id = qt.id
OPTIONAL MATCH (recipient)-[tp:PART_OF]->(tgt)
WHERE tp.statement = rel.statement OR tp.statement IS NULL OR tp.statement = ''
WITH qs, src, ev, recipient, tgt, qt, tp
WHERE recipient.id = tgt.id OR (tp IS NOT NULL AND recipient.category = 'CellType')
MATCH (ev)-[c:CARRIES]->(cargo)
RETURN DISTINCT cargo.id AS cargo_id, cargo.label AS cargo_label, cargo.category AS cargo_class,
       ev.id AS ev_population, src.id AS source_organ_id, tgt.id AS target_organ_id,
       src.id <> qs.id OR tgt.id <> qt.id AS via_closure, c.publications AS publications
ORDER BY cargo_id, ev_population, source_organ_id, target_organ_id
