// name: evidence_by_species
// description: How many edges of each relationship rest on evidence from each species (an edge with several species counts once per species).
// columns: predicate, species, n_edges
MATCH ()-[r]->()
WHERE r.species IS NOT NULL
UNWIND r.species AS sp
RETURN r.predicate AS predicate, sp AS species, count(*) AS n_edges
ORDER BY predicate, species
