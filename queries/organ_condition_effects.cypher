// name: organ_condition_effects
// description: Conditions that EVs released by an organ (or its cell types) or, with closure, by any part of it (UBERON part_of, up to 3 steps: white adipose tissue for adipose tissue) contribute to, split by direction (increased = promotes, decreased = protects) and by the releasing organ (organ_id; via_closure when it is a part of the organ asked for). A cell type stands for an organ only through a part_of edge of the same statement as its EV population (or a part_of fact of no statement, e.g. from an ontology), never through another statement's part_of.
// param: organ: node = "UBERON:0001013" -- organ releasing the EVs (id or label; default adipose tissue)
// param: closure: bool = true -- also EVs released by a part of the organ (organ_id names it, via_closure = true)
// columns: condition_id, condition_label, condition_category, direction, organ_id, via_closure, n_ev_populations, mean_confidence
MATCH (o:Organ)-[:PART_OF*0..3]->(q:Organ {id: $organ})
WHERE $closure OR o.id = q.id
MATCH (o)<-[:PART_OF*0..1]-(producer)-[rel:RELEASES]->(ev:EVPopulation)
OPTIONAL MATCH (producer)-[po:PART_OF]->(o)
WHERE po.statement = rel.statement OR po.statement IS NULL OR po.statement = ''
WITH q, o, producer, ev, rel, po
WHERE o.id = producer.id OR (po IS NOT NULL AND producer.category = 'CellType')
WITH DISTINCT q, o, ev
MATCH (ev)-[c:CONTRIBUTES_TO]->(cond:Condition)
RETURN cond.id AS condition_id, cond.label AS condition_label, cond.condition_category AS condition_category,
       c.direction AS direction, o.id AS organ_id, o.id <> q.id AS via_closure, count(DISTINCT ev) AS n_ev_populations,
       round(avg(c.confidence), 3) AS mean_confidence
ORDER BY condition_id, direction, organ_id
