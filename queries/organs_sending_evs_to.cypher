// name: organs_sending_evs_to
// description: Organs whose EVs (released by the organ or by its cell types) reach a target organ or, with closure, any part of it (UBERON part_of, up to 3 steps: EVs homing to the hippocampal formation reach a part of the brain), with the EV populations that show it and the organs they reach (reached_ids; via_closure when only parts of the target are reached). A cell type stands for an organ only through a part_of edge of the same statement as its EV population (or a part_of fact of no statement, e.g. from an ontology), never through another statement's part_of.
// param: target: node = "UBERON:0000948" -- organ the EVs reach (id or label; default heart)
// param: max_tier: string = "" -- keep EV populations of this evidence tier or better (tier1 best; "" = all, also unassessed)
// param: model_system: string = "" -- keep EV populations shown in this model system (e.g. animal_in_vivo; "" = all)
// param: closure: bool = true -- also EVs that reach a part of the target organ (reached_ids names the organs reached)
// columns: organ_id, organ_label, n_ev_populations, ev_populations, reached_ids, via_closure
MATCH (producer)-[rel:RELEASES]->(ev:EVPopulation)
WHERE ($max_tier = '' OR rel.evidence_tier <= $max_tier)
  AND ($model_system = '' OR $model_system IN rel.model_system)
MATCH (src:Organ)<-[:PART_OF*0..1]-(producer)
OPTIONAL MATCH (producer)-[po:PART_OF]->(src)
WHERE po.statement = rel.statement OR po.statement IS NULL OR po.statement = ''
WITH src, producer, ev, rel, po
WHERE src.id = producer.id OR (po IS NOT NULL AND producer.category = 'CellType')
MATCH (ev)-[:HOMES_TO|TAKEN_UP_BY]->(recipient)-[:PART_OF*0..1]->(tgt:Organ)-[:PART_OF*0..3]->(q:Organ {id: $target})
WHERE $closure OR tgt.id = q.id
OPTIONAL MATCH (recipient)-[tp:PART_OF]->(tgt)
WHERE tp.statement = rel.statement OR tp.statement IS NULL OR tp.statement = ''
WITH src, tgt, q, ev, recipient, tp
WHERE src.id <> tgt.id AND src.id <> q.id AND (recipient.id = tgt.id OR (tp IS NOT NULL AND recipient.category = 'CellType'))
WITH src, q, count(DISTINCT ev) AS n_ev_populations, collect(DISTINCT ev.id) AS ev_populations,
     collect(DISTINCT tgt.id) AS reached_ids
RETURN src.id AS organ_id, src.label AS organ_label, n_ev_populations, ev_populations, reached_ids,
       NOT q.id IN reached_ids AS via_closure
ORDER BY n_ev_populations DESC, organ_id
