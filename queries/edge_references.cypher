// name: edge_references
// description: The references and provenance behind the edges from one node to another (optionally of one relationship).
// param: subject: node = "NCBIGene:351" -- subject of the edge (id or label; default APP)
// param: object: node = "MONDO:0004975" -- object of the edge (id or label; default Alzheimer disease)
// param: predicate: string = "" -- evgraph relationship name, e.g. biomarker_for ('' = any)
// columns: subject_id, predicate, object_id, publications, species, knowledge_level, primary_knowledge_source, confidence, evidence
MATCH (s {id: $subject})-[r]->(o {id: $object})
WHERE $predicate = '' OR r.predicate = $predicate
RETURN s.id AS subject_id, r.predicate AS predicate, o.id AS object_id, r.publications AS publications,
       r.species AS species, r.knowledge_level AS knowledge_level,
       r.primary_knowledge_source AS primary_knowledge_source, r.confidence AS confidence, r.evidence AS evidence
ORDER BY predicate, evidence
