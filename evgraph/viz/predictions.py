"""The predictions view: top predicted EV routes for one condition as a ranked, referenced table.

One self-contained, offline HTML page with no script at all (a Content-Security-Policy
forbids any): each row is a ``<details>`` element that opens on the metapaths and concrete
paths supporting the prediction, with links to their references. Every row is labelled a
hypothesis.

>>> import evgraph
>>> from evgraph.analytics.predict import predict
>>> kg = evgraph.load()
>>> df = predict(kg, ["CellType"], "Condition", top=3)
>>> page = predictions_page(df, title="Predicted routes")
>>> "<script" in page, "hypothesis" in page
(False, True)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from ..atomic import atomic_open
from ..identifiers import resolver_url

#: The page's Content-Security-Policy (its meta tag; a server sends it as the header too): no script at all.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="{{ csp|safe }}">
<title>{{ title }}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#222;max-width:70rem}
h1{font-size:1.3rem;margin:0 0 .3rem} p.note{color:#555;margin:.2rem 0 1rem}
details{border-bottom:1px solid #e3e3e3;padding:.35rem 0}
summary{cursor:pointer;display:grid;grid-template-columns:3rem 1fr 1fr 6rem 6rem 6rem;gap:.5rem;align-items:baseline}
summary.head{cursor:default;font-weight:600;border-bottom:2px solid #999;list-style:none;padding:.3rem 0}
.sign-increases{color:#b2182b}.sign-decreases{color:#2166ac}.sign-unknown{color:#777}
.hyp{font-size:.75rem;background:#fff3cd;border:1px solid #e0c36a;border-radius:3px;padding:0 .3rem}
ul{margin:.3rem 0 .5rem 3.5rem;padding:0} li{margin:.2rem 0} code{font-size:.85rem}
a{color:#1a5fb4}
</style></head><body>
<h1>{{ title }}</h1>
<p class="note">{{ description }}</p>
<summary class="head"><span>rank</span><span>source</span><span>target</span><span>score</span>
<span>percentile</span><span>sign</span></summary>
{% for row in rows %}
<details><summary><span>{{ row.rank }}</span><span>{{ row.source_label }} <code>{{ row.source }}</code></span>
<span>{{ row.target_label }} <code>{{ row.target }}</code></span><span>{{ "%.3g"|format(row.score) }}</span>
<span>{{ "%.1f"|format(row.percentile) }}</span>
<span class="sign-{{ row.sign }}">{{ row.sign }} <span class="hyp">hypothesis</span></span></summary>
<ul>
{% for tp in row.top_paths %}
<li><b>{{ tp.metapath }}</b> adds {{ "%.2f"|format(tp.contribution) }} to the log-odds
(DWPC {{ "%.3g"|format(tp.dwpc) }}, signed {{ "%.3g"|format(tp.signed_dwpc) }})
<ul>{% for p in tp.paths %}<li>{{ p.path }}{% if p.coherence %} <i>({{ p.coherence }})</i>{% endif %}
{% for ref in p.refs %} <a href="{{ ref.url }}" rel="noreferrer noopener">{{ ref.id }}</a>{% endfor %}</li>
{% endfor %}</ul></li>
{% else %}<li>No supporting metapath: this score rests on node degrees only.</li>
{% endfor %}
</ul></details>
{% endfor %}
</body></html>
"""


@cache
def _template():
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE)


def predictions_page(df: pd.DataFrame, *, title: str = "Predicted EV routes", description: str | None = None) -> str:
    """HTML for the rows of :func:`evgraph.analytics.predict.predict` (already filtered and ordered)."""
    rows = []
    for rec in df.to_dict("records"):
        tops = []
        for tp in rec.get("top_paths") or []:
            ps = [{"path": p["path"], "coherence": p.get("coherence", ""),
                   "refs": [{"id": r, "url": resolver_url(r)} for r in p.get("references", [])]}
                  for p in tp.get("paths", [])]
            tops.append({**tp, "paths": ps})
        rows.append({**rec, "top_paths": tops})
    if description is None:
        description = ("Unobserved source-condition pairs ranked by a logistic model on metapath features "
                       "(DWPC, signed DWPC, degrees). Scores are probabilities of a curated link calibrated to "
                       "the observed prevalence; each row is a hypothesis to test, opening on the paths behind it.")
    return _template().render(csp=PAGE_CSP, title=title, description=description, rows=rows)


def write_predictions(df: pd.DataFrame, path: str | Path, **options) -> Path:
    """Write :func:`predictions_page` atomically to ``path``."""
    path = Path(path)
    with atomic_open(path) as fh:
        fh.write(predictions_page(df, **options))
    return path
