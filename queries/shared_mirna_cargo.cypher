// name: shared_mirna_cargo
// description: microRNAs linked to conditions of two categories, each either directly (contributes to, biomarker for, associated with) or through EVs that carry them (released in, contributing to, biomarker for).
// param: category_a: string = "metabolic" -- first condition category
// param: category_b: string = "cardiovascular" -- second condition category
// columns: mirna_id, mirna_label, n_conditions_a, n_conditions_b, conditions_a, conditions_b
MATCH (m:MicroRNA)
OPTIONAL MATCH (m)-[:CONTRIBUTES_TO|BIOMARKER_FOR|ASSOCIATED_WITH]->(da:Condition)
WHERE da.condition_category = $category_a
OPTIONAL MATCH (m)<-[:CARRIES]-(:EVPopulation)-[:RELEASED_IN|CONTRIBUTES_TO|BIOMARKER_FOR]->(ea:Condition)
WHERE ea.condition_category = $category_a
WITH m, collect(DISTINCT da.label) + collect(DISTINCT ea.label) AS linked_a
UNWIND linked_a AS ca
WITH m, collect(DISTINCT ca) AS conditions_a
OPTIONAL MATCH (m)-[:CONTRIBUTES_TO|BIOMARKER_FOR|ASSOCIATED_WITH]->(db:Condition)
WHERE db.condition_category = $category_b
OPTIONAL MATCH (m)<-[:CARRIES]-(:EVPopulation)-[:RELEASED_IN|CONTRIBUTES_TO|BIOMARKER_FOR]->(eb:Condition)
WHERE eb.condition_category = $category_b
WITH m, conditions_a, collect(DISTINCT db.label) + collect(DISTINCT eb.label) AS linked_b
UNWIND linked_b AS cb
WITH m, conditions_a, collect(DISTINCT cb) AS conditions_b
RETURN m.id AS mirna_id, m.label AS mirna_label, size(conditions_a) AS n_conditions_a,
       size(conditions_b) AS n_conditions_b, conditions_a, conditions_b
ORDER BY mirna_id
