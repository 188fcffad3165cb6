// name: organs_expressing_cargo
// description: Organs, tissues and cell types that specifically express a gene found as EV cargo (HPA/GTEx specificity class and fold, Bgee, cell-type markers), with the biofluids the cargo was found in. Specific expression makes an organ a candidate origin of the circulating cargo, not its proven source.
// param: cargo: node = "NCBIGene:5950" -- gene or protein cargo (id or label; default RBP4)
// columns: place_id, place_label, place_class, relation, source, specificity, biofluids
// sources: tissue_expression, cell_markers, vesiclepedia/exocarta (not in the curated knowledge base)
MATCH (g:Gene {id: $cargo})-[x:EXPRESSED_IN|MARKER_OF]->(place)
OPTIONAL MATCH (g)<-[:CARRIES]-(ev:EVPopulation)-[:SAMPLED_FROM]->(fluid:Biofluid)
RETURN place.id AS place_id, place.label AS place_label, place.category AS place_class, x.predicate AS relation,
       x.primary_knowledge_source AS source, x.evidence AS specificity, collect(DISTINCT fluid.label) AS biofluids
ORDER BY place_id, relation, source, specificity
