// name: organ_condition_effects
// description: Conditions that EVs released by an organ (or its cell types) contribute to, split by direction (increased = promotes, decreased = protects).
// param: organ: node = "UBERON:0001013" -- organ releasing the EVs (id or label; default adipose tissue)
// columns: condition_id, condition_label, condition_category, direction, n_ev_populations, mean_confidence
MATCH (o:Organ {id: $organ})<-[:PART_OF*0..1]-(producer)-[:RELEASES]->(ev:EVPopulation)-[c:CONTRIBUTES_TO]->(cond:Condition)
RETURN cond.id AS condition_id, cond.label AS condition_label, cond.condition_category AS condition_category,
       c.direction AS direction, count(DISTINCT ev) AS n_ev_populations, round(avg(c.confidence), 3) AS mean_confidence
ORDER BY condition_id, direction
