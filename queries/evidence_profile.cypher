// name: evidence_profile
// description: Every evidence-quality field of a curated statement (or of the EV population it describes): species, model system, separation, markers, single-EV characterisation, carrier control, perturbation, dose, EV-TRACK, year, and the evidence tier and confidence the rubric gives them.
// param: ev: node = "evgraph:EVP-MC001" -- EV population id (used when statement is empty)
// param: statement: string = "" -- curated statement id, e.g. MC001 (overrides ev)
// columns: ev_id, statement, species, knowledge_level, model_system, separation_method, ev_markers_positive, ev_markers_negative, single_ev_characterisation, carrier_control, ev_perturbation, dose, evtrack_id, ev_metric, publication_year, evidence_tier, confidence, publications
MATCH (ev:EVPopulation)-[r:DESCRIBED_IN]->(:Publication)
WHERE ($statement <> '' AND r.statement = $statement) OR ($statement = '' AND ev.id = $ev)
RETURN DISTINCT ev.id AS ev_id, r.statement AS statement, coalesce(r.species, []) AS species,
       r.knowledge_level AS knowledge_level, coalesce(r.model_system, []) AS model_system,
       coalesce(r.separation_method, []) AS separation_method,
       coalesce(r.ev_markers_positive, []) AS ev_markers_positive,
       coalesce(r.ev_markers_negative, []) AS ev_markers_negative,
       coalesce(r.single_ev_characterisation, []) AS single_ev_characterisation,
       coalesce(r.carrier_control, '') AS carrier_control, coalesce(r.ev_perturbation, []) AS ev_perturbation,
       coalesce(r.dose, '') AS dose, coalesce(r.evtrack_id, '') AS evtrack_id, r.ev_metric AS ev_metric,
       r.publication_year AS publication_year, coalesce(r.evidence_tier, '') AS evidence_tier,
       r.confidence AS confidence, coalesce(r.publications, []) AS publications
ORDER BY statement
