// name: routes_by_model_system
// description: Per organ -> condition route (an organ, or a cell type of it, releases EVs that contribute to the condition): how many EV populations show it in human and in mouse, in vivo (animal or human cohort) and in vitro, the directions each group reports, and whether human and mouse, in vivo and in vitro agree. A cell type stands for an organ only through a part_of edge of the same statement as its EV population (or a part_of fact of no statement, e.g. from an ontology), never through another statement's part_of.
// param: organ: node = "" -- only routes from this organ ("" = all)
// param: condition: node = "" -- only routes to this condition ("" = all)
// columns: organ_id, organ_label, condition_id, condition_label, n_ev_populations, human, mouse, in_vivo, in_vitro, unassessed, human_directions, mouse_directions, in_vivo_directions, in_vitro_directions, species_agreement, system_agreement
MATCH (src:Organ)<-[:PART_OF*0..1]-(producer)-[rel:RELEASES]->(ev:EVPopulation)
WHERE ($organ = '' OR src.id = $organ)
OPTIONAL MATCH (producer)-[po:PART_OF]->(src)
WHERE po.statement = rel.statement OR po.statement IS NULL OR po.statement = ''
WITH src, producer, ev, rel, po
WHERE src.id = producer.id OR (po IS NOT NULL AND producer.category = 'CellType')
WITH DISTINCT src, ev
MATCH (ev)-[c:CONTRIBUTES_TO]->(cond:Condition)
WHERE ($condition = '' OR cond.id = $condition)
WITH src, cond, ev, c,
     CASE WHEN c.model_system IS NULL THEN 'unassessed'
          WHEN any(m IN c.model_system WHERE m IN ['animal_in_vivo', 'human_cohort']) THEN 'in_vivo'
          ELSE 'in_vitro' END AS system
WITH src, cond, count(DISTINCT ev.id) AS n_ev_populations,
     count(DISTINCT CASE WHEN 'NCBITaxon:9606' IN c.species THEN ev.id END) AS human,
     count(DISTINCT CASE WHEN 'NCBITaxon:10090' IN c.species THEN ev.id END) AS mouse,
     count(DISTINCT CASE WHEN system = 'in_vivo' THEN ev.id END) AS in_vivo,
     count(DISTINCT CASE WHEN system = 'in_vitro' THEN ev.id END) AS in_vitro,
     count(DISTINCT CASE WHEN system = 'unassessed' THEN ev.id END) AS unassessed,
     collect(DISTINCT CASE WHEN 'NCBITaxon:9606' IN c.species THEN c.direction END) AS hd,
     collect(DISTINCT CASE WHEN 'NCBITaxon:10090' IN c.species THEN c.direction END) AS md,
     collect(DISTINCT CASE WHEN system = 'in_vivo' THEN c.direction END) AS vd,
     collect(DISTINCT CASE WHEN system = 'in_vitro' THEN c.direction END) AS td
RETURN src.id AS organ_id, src.label AS organ_label, cond.id AS condition_id, cond.label AS condition_label,
       n_ev_populations, human, mouse, in_vivo, in_vitro, unassessed,
       hd AS human_directions, md AS mouse_directions, vd AS in_vivo_directions, td AS in_vitro_directions,
       CASE WHEN size(hd) = 0 AND size(md) = 0 THEN 'neither'
            WHEN size(hd) = 0 THEN 'mouse_only' WHEN size(md) = 0 THEN 'human_only'
            WHEN size(hd) = 1 AND size(md) = 1 AND hd = md THEN 'concordant' ELSE 'discordant' END AS species_agreement,
       CASE WHEN size(vd) = 0 AND size(td) = 0 THEN 'neither'
            WHEN size(vd) = 0 THEN 'in_vitro_only' WHEN size(td) = 0 THEN 'in_vivo_only'
            WHEN size(vd) = 1 AND size(td) = 1 AND vd = td THEN 'concordant' ELSE 'discordant' END AS system_agreement
ORDER BY n_ev_populations DESC, organ_id, condition_id
