// name: publication_statements
// description: Every edge a publication supports: the facts to re-check when a paper is corrected or retracted.
// param: publication: string = "PMID:28942920" -- PMID or DOI CURIE
// columns: subject_id, subject_label, predicate, object_id, object_label, confidence
MATCH (s)-[r]->(o)
WHERE $publication IN r.publications
RETURN s.id AS subject_id, s.label AS subject_label, r.predicate AS predicate, o.id AS object_id,
       o.label AS object_label, r.confidence AS confidence
ORDER BY subject_id, predicate, object_id, confidence
