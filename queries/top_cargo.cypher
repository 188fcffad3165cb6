// name: top_cargo
// description: The EV cargo reported most often: number of EV populations carrying it and of distinct publications.
// param: cargo_class: string = "" -- restrict to one class, e.g. MicroRNA ('' = all)
// param: limit: int = 20 -- number of rows
// columns: cargo_id, cargo_label, cargo_class, n_ev_populations, n_publications
MATCH (ev:EVPopulation)-[c:CARRIES]->(cargo)
WHERE $cargo_class = '' OR cargo.category = $cargo_class
UNWIND c.publications AS pub
RETURN cargo.id AS cargo_id, cargo.label AS cargo_label, cargo.category AS cargo_class,
       count(DISTINCT ev) AS n_ev_populations, count(DISTINCT pub) AS n_publications
ORDER BY n_ev_populations DESC, n_publications DESC, cargo_id
LIMIT $limit
