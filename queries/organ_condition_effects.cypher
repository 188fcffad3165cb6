// name: organ_condition_effects
// description: Conditions that EVs released by an organ (or its cell types) contribute to, split by direction (increased = promotes, decreased = protects). A cell type stands for an organ only through a part_of edge of the same statement as its EV population (or a part_of fact of no statement, e.g. from an ontology), never through another statement's part_of.
// param: organ: node = "UBERON:0001013" -- organ releasing the EVs (id or label; default adipose tissue)
// columns: condition_id, condition_label, condition_category, direction, n_ev_populations, mean_confidence
MATCH (o:Organ {id: $organ})<-[:PART_OF*0..1]-(producer)-[rel:RELEASES]->(ev:EVPopulation)
OPTIONAL MATCH (producer)-[po:PART_OF]->(o)
WHERE po.statement = rel.statement OR po.statement IS NULL OR po.statement = ''
WITH o, producer, ev, rel, po
WHERE o.id = producer.id OR po IS NOT NULL
WITH DISTINCT ev
MATCH (ev)-[c:CONTRIBUTES_TO]->(cond:Condition)
RETURN cond.id AS condition_id, cond.label AS condition_label, cond.condition_category AS condition_category,
       c.direction AS direction, count(DISTINCT ev) AS n_ev_populations, round(avg(c.confidence), 3) AS mean_confidence
ORDER BY condition_id, direction
