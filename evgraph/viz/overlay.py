"""The overlay view: a lab's cargo placed between inferred sender organs and the receiver.

One self-contained, offline HTML page, scriptless (its Content-Security-Policy allows none):

* a flow diagram (SVG): inferred sender organs/cell types (tissue of origin, when given) ->
  the top cargo (coloured by the sign of their mechanism) -> the receiver;
* a cargo x target heatmap (SVG) of regulatory potential ranks: a filled cell means the target
  is among the cargo's top receiver targets, darker for a better rank;
* the ranked table with each cargo's mechanism path (source database per hop) and its curated
  literature.

>>> import pandas as pd
>>> df = pd.DataFrame([{"cargo": "x:1", "label": "<b>m</b>", "activity": .5, "auroc": .9, "rank": 1,
...                     "targets": ["T1", "T2"], "mechanism": [], "sign": "decreases", "literature": {}}])
>>> page = overlay_page(df, receiver="liver")
>>> "<script" in page, "&lt;b&gt;m&lt;/b&gt;" in page
(False, True)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from ..atomic import atomic_open
from ..identifiers import resolver_url

SIGN_COLOUR = {"increases": "#b2182b", "decreases": "#2166ac", "unknown": "#777777"}

#: The page's Content-Security-Policy (its meta tag; a server sends it as the header too): no script at all.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
 content="{{ csp|safe }}">
<title>{{ title }}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#222;max-width:75rem}
h1{font-size:1.3rem} h2{font-size:1.05rem;margin-top:1.6rem} p.note{color:#555}
table{border-collapse:collapse} td,th{border-bottom:1px solid #e3e3e3;padding:.25rem .5rem;text-align:left;
vertical-align:top} svg text{font:12px system-ui,sans-serif} code{font-size:.85rem} a{color:#1a5fb4}
</style></head><body>
<h1>{{ title }}</h1>
<p class="note">{{ description }}</p>
<h2>Sender organs, cargo and receiver</h2>
<svg width="{{ flow.width }}" height="{{ flow.height }}" viewBox="0 0 {{ flow.width }} {{ flow.height }}"
 role="img" aria-label="flow from sender organs to cargo to receiver">
{% for l in flow.links %}<line x1="{{ l.x1 }}" y1="{{ l.y1 }}" x2="{{ l.x2 }}" y2="{{ l.y2 }}"
 stroke="{{ l.colour }}" stroke-opacity=".55" stroke-width="{{ l.width }}"/>
{% endfor %}
{% for n in flow.nodes %}<circle cx="{{ n.x }}" cy="{{ n.y }}" r="6" fill="{{ n.colour }}"/>
<text x="{{ n.tx }}" y="{{ n.y + 4 }}" text-anchor="{{ n.anchor }}">{{ n.label }}</text>
{% endfor %}
</svg>
<h2>Cargo x receiver targets</h2>
<svg width="{{ heat.width }}" height="{{ heat.height }}" viewBox="0 0 {{ heat.width }} {{ heat.height }}"
 role="img" aria-label="heatmap of cargo and their top receiver targets">
{% for c in heat.cols %}<text x="{{ c.x }}" y="{{ heat.top - 6 }}" transform="rotate(-55 {{ c.x }} {{ heat.top - 6 }})"
>{{ c.label }}</text>{% endfor %}
{% for r in heat.rows %}<text x="{{ heat.left - 6 }}" y="{{ r.y + 12 }}" text-anchor="end">{{ r.label }}</text>
{% for cell in r.cells %}<rect x="{{ cell.x }}" y="{{ r.y }}" width="16" height="16" fill="{{ cell.fill }}"
 stroke="#fff"><title>{{ r.label }} -> {{ cell.target }}: target rank {{ cell.rank }}</title></rect>{% endfor %}
{% endfor %}
</svg>
<h2>Ranked cargo</h2>
<table><tr><th>rank</th><th>cargo</th><th>activity</th><th>AUROC</th><th>sign</th><th>mechanism</th>
<th>literature</th></tr>
{% for row in rows %}<tr><td>{{ row.rank }}</td><td>{{ row.label }} <code>{{ row.cargo }}</code></td>
<td>{{ "%.3f"|format(row.activity) }}</td><td>{{ "%.3f"|format(row.auroc) }}</td>
<td style="color:{{ row.colour }}">{{ row.sign }}</td>
<td>{% for h in row.mechanism %}{{ h.from_label }} -{{ h.relationship }}
{%- if h.direction %} ({{ h.direction }}){% endif %}->
{{ h.to_label }} <small>[{{ h.source_database }}]</small><br>{% endfor %}</td>
<td>{% for s in row.statements %}{{ s.statement }}{% if s.evidence_tier %} ({{ s.evidence_tier }}){% endif %}:
{% for ref in s.refs %}<a href="{{ ref.url }}" rel="noreferrer noopener">{{ ref.id }}</a> {% endfor %}<br>{% endfor %}
{% if row.public %}{{ row.public }} public EV detections{% endif %}</td></tr>
{% endfor %}</table>
</body></html>
"""


@cache
def _template():
    import jinja2

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(_TEMPLATE)


def _flow(df: pd.DataFrame, origin: pd.DataFrame | None, receiver: str, k: int = 12) -> dict:
    top = df.head(k)
    # only senders the tissue-of-origin tests support (q < 0.05) are drawn; otherwise the page says so
    if origin is not None and len(origin) and "best_q" in origin.columns:
        senders = origin[origin["best_q"] < 0.05].head(6)
    else:
        senders = pd.DataFrame(columns=["label", "drivers", "best_q"])
    height = 40 + 26 * max(len(top), len(senders), 1)
    width = 980
    nodes, links = [], []
    cy = {str(c): 30 + 26 * i for i, c in enumerate(top["label"])}
    if origin is not None and not len(senders):
        nodes.append({"x": 300, "y": 30, "tx": 290, "anchor": "end", "label": "no sender with q < 0.05",
                      "colour": "#999999"})
    for i, row in enumerate(senders.itertuples()):
        y = 30 + 26 * i
        nodes.append({"x": 300, "y": y, "tx": 290, "anchor": "end", "label": f"{row.label} (q={row.best_q:.1e})",
                      "colour": "#4d9221"})
        for d in row.drivers:
            if str(d) in cy:
                links.append({"x1": 306, "y1": y, "x2": 524, "y2": cy[str(d)], "colour": "#4d9221", "width": 1.5})
    ry = height / 2
    for row in top.itertuples():
        y = cy[str(row.label)]
        colour = SIGN_COLOUR.get(str(row.sign), "#777777")
        nodes.append({"x": 530, "y": y, "tx": 540, "anchor": "start", "label": str(row.label), "colour": colour})
        links.append({"x1": 536, "y1": y, "x2": 754, "y2": ry, "colour": colour,
                      "width": round(1 + 6 * max(float(row.activity), 0.0), 2)})
    nodes.append({"x": 760, "y": ry, "tx": 772, "anchor": "start", "label": receiver, "colour": "#222"})
    return {"width": width, "height": height, "nodes": nodes, "links": links}


def _heat(df: pd.DataFrame, k: int = 20) -> dict:
    top = df.head(k)
    targets: list[str] = []
    for ts in top["targets"]:
        for t in ts:
            if t not in targets:
                targets.append(t)
    targets = targets[:40]
    left, topm = 170, 90
    cols = [{"x": left + 16 * j + 10, "label": t} for j, t in enumerate(targets)]
    rows = []
    for i, row in enumerate(top.itertuples()):
        cells = []
        for j, t in enumerate(targets):
            if t in row.targets:
                r = list(row.targets).index(t) + 1
                shade = int(40 + 180 * (r - 1) / max(len(row.targets), 1))
                cells.append({"x": left + 16 * j, "fill": f"rgb({shade},{shade},255)", "target": t, "rank": r})
        rows.append({"y": topm + 16 * i, "label": str(row.label), "cells": cells})
    return {"width": left + 16 * len(targets) + 40, "height": topm + 16 * len(rows) + 20, "left": left,
            "top": topm, "cols": cols, "rows": rows}


def overlay_page(df: pd.DataFrame, *, receiver: str = "receiver", origin: pd.DataFrame | None = None,
                 title: str = "EV cargo overlay") -> str:
    """HTML for the rows of :func:`evgraph.analytics.overlay.overlay` (and optionally the origin table)."""
    rows = []
    for rec in df.to_dict("records"):
        lit = rec.get("literature") or {}
        stmts = [{**s, "refs": [{"id": r, "url": resolver_url(r)} for r in s.get("references", [])]}
                 for s in lit.get("statements", [])]
        rows.append({**rec, "colour": SIGN_COLOUR.get(str(rec.get("sign")), "#777777"), "statements": stmts,
                     "public": lit.get("public_detections", 0), "mechanism": rec.get("mechanism") or []})
    description = ("Cargo ranked by the corrected AUPR of their regulatory potential (personalised PageRank over "
                   "the graph's priors) against the receiver genes; mechanisms are the most probable prior-network "
                   "paths to the best target. Sender organs come from the tissue-of-origin tests. Every link here is "
                   "a hypothesis built from priors, not an observation.")
    return _template().render(csp=PAGE_CSP, title=title, description=description, flow=_flow(df, origin, receiver),
                              heat=_heat(df), rows=rows)


def write_overlay(df: pd.DataFrame, path: str | Path, **options) -> Path:
    """Write :func:`overlay_page` atomically."""
    path = Path(path)
    with atomic_open(path) as fh:
        fh.write(overlay_page(df, **options))
    return path
