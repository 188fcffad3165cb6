// name: ev_mirna_changes_in_condition
// description: EV miRNAs whose abundance changes in a condition in EVs of a biofluid (one cohort per row: case vs control, with the log2 fold change, the BH q-value within the comparison and the group sizes as numbers; the evidence text says which test), with their miRTarBase-validated target genes. The targets come from other studies: that the changed EV miRNA acts on them in the recipient is a hypothesis.
// param: condition: node = "MONDO:0005180" -- condition (id or label; default Parkinson disease)
// param: biofluid: node = "UBERON:0001977" -- biofluid the EVs were isolated from (id or label; default blood serum)
// columns: mirna_id, mirna_label, direction, log2_fold_change, q_value, n_cases, n_controls, dataset, evidence, n_targets, targets
// sources: evmirna2, mirtarbase (not in the curated knowledge base)
MATCH (m:MicroRNA)-[a:ABUNDANCE_CHANGED_IN]->(:Condition {id: $condition})
MATCH (ev:EVPopulation)-[:SAMPLED_FROM]->(:Biofluid {id: $biofluid})
MATCH (ev)-[:DESCRIBED_IN]->(ds:Publication)
WHERE ds.id STARTS WITH 'BioProject:' AND ds.id IN a.publications
OPTIONAL MATCH (m)-[:REGULATES]->(g:Gene)
RETURN m.id AS mirna_id, m.label AS mirna_label, a.direction AS direction,
       a.log2_fold_change AS log2_fold_change, a.q_value AS q_value, a.n_cases AS n_cases,
       a.n_controls AS n_controls, ds.id AS dataset, a.evidence AS evidence, count(DISTINCT g) AS n_targets, collect(DISTINCT g.label) AS targets
ORDER BY mirna_id, dataset
