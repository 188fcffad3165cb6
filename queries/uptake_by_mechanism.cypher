// name: uptake_by_mechanism
// description: Cell types that take up EVs by a given uptake mechanism (qualifier on the uptake edge, or the EV population internalized via it).
// param: mechanism: node = "GO:0072583" -- uptake mechanism (id or label; default clathrin-dependent endocytosis)
// columns: cell_id, cell_label, n_ev_populations, ev_populations
MATCH (ev:EVPopulation)-[t:TAKEN_UP_BY]->(cell:CellType)
WHERE t.uptake_mechanism = $mechanism OR EXISTS { MATCH (ev)-[:INTERNALIZED_VIA]->(:UptakeMechanism {id: $mechanism}) }
RETURN cell.id AS cell_id, cell.label AS cell_label, count(DISTINCT ev) AS n_ev_populations,
       collect(DISTINCT ev.id) AS ev_populations
ORDER BY n_ev_populations DESC, cell_id
