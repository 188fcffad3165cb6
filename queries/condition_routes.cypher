// name: condition_routes
// description: Two- and three-step routes from conditions of one category to conditions of another: an EV population or cargo linked to the first condition that contributes to (or marks) the second, directly or through the cargo it carries or the gene it regulates (via_1: the first intermediates; via_2: the second, equal to via_1 for two-step routes).
// param: from_category: string = "metabolic" -- category of the starting condition
// param: to_category: string = "neurodegenerative" -- category of the end condition
// param: source: node = "" -- only routes from this condition (id or label; "" = every condition of from_category)
// columns: from_id, from_label, to_id, to_label, steps, n_routes, via_1, via_2
MATCH p = (a:Condition)<-[:RELEASED_IN|CONTRIBUTES_TO|BIOMARKER_FOR|ASSOCIATED_WITH]-(x)-[:CARRIES|REGULATES*0..1]->(y)-[:CONTRIBUTES_TO|BIOMARKER_FOR|ASSOCIATED_WITH]->(b:Condition)
WHERE a.condition_category = $from_category AND b.condition_category = $to_category
  AND ($source = '' OR a.id = $source)
RETURN a.id AS from_id, a.label AS from_label, b.id AS to_id, b.label AS to_label, length(p) AS steps,
       count(*) AS n_routes, collect(DISTINCT x.label) AS via_1, collect(DISTINCT y.label) AS via_2
ORDER BY from_id, to_id, steps
