"""Organ-to-organ EV traffic for papers: a body map and a Sankey diagram, as SVG.

Both read the EV transfers of the graph (a releasing organ or cell type ``releases`` an EV
population that is ``taken_up_by`` a cell type or ``homes_to`` an organ,
:func:`evgraph.analytics.traffic.transfer_rows`) and roll each end up to organs: an organ is
itself, a cell type stands for the organ named by a ``part_of`` edge of the transfer's own
statement (or by a ``part_of`` fact of no statement, e.g. from an ontology), never by the
``part_of`` edge of another statement (a macrophage that one study placed in adipose tissue
is not adipose tissue in another study). When an end has no such organ, or several (a blood
cell, a cell line, a cell type of unnamed organ), the transfer is counted in the caption, not
drawn: the figure never guesses an organ. An EV population that ``homes_to`` an organ gives
its own transfer to that organ.

* **Sign** of a transfer: the direction of its EV population's ``contributes_to`` edges
  (``increased`` -> the EVs *promote* the condition, ``decreased`` -> they are *protective*);
  none, or both, -> *not stated*. One arrow per organ pair and sign.
* **Weight**: the sum over the arrow's EV populations of their evidence-tier weight
  (:data:`TIER_WEIGHT`: tier1 4, tier2 3, tier3 2, tier4 1, not assessed 1), so an arrow is
  thick because of many or well-evidenced studies, never because of one hub node.

:func:`body_map` places organs on a schematic human body outline (the positions are
:data:`ANCHORS`; organs without a place are listed in a column beside the body); :func:`sankey`
draws source organs on the left and target organs on the right. Each returns an
:class:`OrganView`: ``.svg()`` is the figure (a standalone SVG file), ``.html()`` a page with
SVG and PNG download buttons, ``.write(path)`` writes either by the file's suffix. Every label
is XML-escaped; the page runs one script, allowed by hash, and makes no network request.

>>> import evgraph
>>> kg = evgraph.load()
>>> view = body_map(kg)
>>> view.svg().startswith("<svg") and "brain" in view.svg()
True
>>> sorted(set(view.flows["sign"])) <= ["decreases", "increases", "unknown"]
True
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analytics.traffic import transfer_rows
from ..errors import EvgraphError
from ..model import KnowledgeGraph

#: Evidence-tier weights of an arrow (an EV population without a tier counts 1).
TIER_WEIGHT = {"tier1": 4.0, "tier2": 3.0, "tier3": 2.0, "tier4": 1.0}
SIGN_COLOR = {"increases": "#C0392B", "decreases": "#1F6FB2", "unknown": "#8C8C8C"}
SIGN_TEXT = {"increases": "promotes the condition (increased)", "decreases": "protective (decreased)",
             "unknown": "sign not stated"}

#: Positions of organs on the body outline (viewBox 0 0 400 820): UBERON id -> (x, y, label side).
ANCHORS: dict[str, tuple[float, float, str]] = {
    "UBERON:0000955": (200, 58, "R"),    # brain
    "UBERON:0002421": (188, 76, "L"),    # hippocampal formation
    "UBERON:0001885": (182, 86, "L"),    # dentate gyrus
    "UBERON:0001886": (206, 70, "R"),    # choroid plexus
    "UBERON:0002037": (214, 96, "R"),    # cerebellum
    "UBERON:0002240": (200, 190, "L"),   # spinal cord
    "UBERON:0002048": (168, 232, "L"),   # lung
    "UBERON:0000310": (236, 262, "R"),   # breast
    "UBERON:0000948": (214, 250, "R"),   # heart
    "UBERON:0000947": (198, 226, "R"),   # aorta
    "UBERON:0002107": (176, 318, "L"),   # liver
    "UBERON:0000945": (222, 312, "R"),   # stomach
    "UBERON:0002106": (244, 322, "R"),   # spleen
    "UBERON:0001264": (210, 340, "R"),   # pancreas
    "UBERON:0000006": (224, 350, "R"),   # islet of Langerhans
    "UBERON:0002113": (166, 356, "L"),   # kidney
    "UBERON:0000074": (156, 368, "L"),   # renal glomerulus
    "UBERON:0000160": (200, 400, "L"),   # intestine
    "UBERON:0001013": (246, 392, "R"),   # adipose tissue
    "UBERON:0001347": (254, 408, "R"),   # white adipose tissue
    "UBERON:0014454": (214, 384, "R"),   # visceral abdominal adipose tissue
    "UBERON:0010414": (188, 376, "L"),   # omental fat pad
    "UBERON:0003428": (220, 446, "R"),   # gonadal fat pad
    "UBERON:0010412": (180, 450, "L"),   # epididymal fat pad
    "UBERON:0010410": (236, 468, "R"),   # inguinal fat pad
    "UBERON:0001987": (200, 430, "L"),   # placenta
    "UBERON:0001134": (156, 560, "L"),   # skeletal muscle tissue
    "UBERON:0002371": (246, 570, "R"),   # bone marrow
    "UBERON:0010210": (108, 330, "L"),   # blood clot (a vessel in the arm)
    "UBERON:0001981": (292, 330, "R"),   # blood vessel
    "UBERON:0002097": (300, 420, "R"),   # skin
}

BODY_OUTLINE = (
    "M200 8 C228 8 246 32 246 62 C246 92 230 114 214 120 L214 132 C246 138 276 146 290 166 "
    "C304 200 306 262 312 330 C316 380 322 420 324 452 C326 470 314 474 308 458 C300 420 292 372 284 330 "
    "C278 300 272 262 266 236 C262 300 262 360 266 430 C270 470 272 500 268 540 C262 620 258 700 258 770 "
    "C260 792 246 800 228 798 C214 796 214 784 216 770 C218 700 214 610 206 540 L200 486 L194 540 "
    "C186 610 182 700 184 770 C186 784 186 796 172 798 C154 800 140 792 142 770 C142 700 138 620 132 540 "
    "C128 500 130 470 134 430 C138 360 138 300 134 236 C128 262 122 300 116 330 C108 372 100 420 92 458 "
    "C86 474 74 470 76 452 C78 420 84 380 88 330 C94 262 96 200 110 166 C124 146 154 138 186 132 "
    "L186 120 C170 114 154 92 154 62 C154 32 172 8 200 8 Z"
)
FONT = "font-family=\"Helvetica, Arial, sans-serif\""


@dataclass
class OrganView:
    """An organ-level figure: its SVG, the flows it draws and a caption."""

    name: str
    title: str
    body: str
    width: int
    height: int
    flows: pd.DataFrame
    caption: str
    legend: list[tuple[str, str]] = field(default_factory=list)

    def svg(self) -> str:
        """A standalone SVG document (vector, for papers)."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
                f'width="{self.width}" height="{self.height}" role="img" aria-label="{escape(self.title)}">'
                f"<title>{escape(self.title)}</title>{self.body}</svg>")

    def html(self) -> str:
        """A self-contained page: the SVG, the caption, the flows table and SVG/PNG downloads."""
        svg = self.svg()
        href = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
        rows = "".join(
            f"<tr><td>{escape(r.source_label)}</td><td>{escape(r.target_label)}</td><td>{escape(r.sign)}</td>"
            f"<td>{r.populations}</td><td>{r.weight:g}</td><td>{escape(r.statements)}</td></tr>"
            for r in self.flows.itertuples(index=False))
        return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                f'<meta http-equiv="Content-Security-Policy" content="{escape(PAGE_CSP)}">'
                f"<title>{escape(self.title)} - evgraph</title><style>{_PAGE_CSS}</style></head><body>"
                f"<h1>{escape(self.title)}</h1><p class=\"note\">{escape(self.caption)}</p>"
                f'<p><a id="svg-download" download="{self.name}.svg" href="{href}">Download SVG</a> '
                f'<button id="png-download" type="button">Download PNG</button></p>'
                f'<div id="figure">{svg}</div>'
                "<h2>Flows</h2><table><thead><tr><th>from</th><th>to</th><th>sign</th><th>EV populations</th>"
                f"<th>evidence weight</th><th>statements</th></tr></thead><tbody>{rows}</tbody></table>"
                f"<script>{_PNG_JS}</script></body></html>")

    def write(self, path: str | Path) -> Path:
        """Write ``.svg`` (the figure) or ``.html`` (the page) atomically, by the file's suffix."""
        from ..atomic import atomic_open

        path = Path(path)
        if path.suffix.lower() not in (".svg", ".html", ".htm"):
            raise EvgraphError(f"{path}: write a .svg or .html file")
        with atomic_open(path) as fh:
            fh.write(self.svg() if path.suffix.lower() == ".svg" else self.html())
        return path

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"<OrganView {self.name}: {len(self.flows)} flows>"


_PAGE_CSS = ("body{font:14px/1.4 system-ui,Helvetica,Arial,sans-serif;margin:16px;color:#222}"
             "h1{font-size:20px}h2{font-size:16px}.note{color:#555;max-width:900px}"
             "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:2px 6px}"
             "#figure svg{max-width:100%;height:auto;border:1px solid #eee}")
_PNG_JS = ("(function(){var b=document.getElementById('png-download');b.addEventListener('click',function(){"
           "var a=document.getElementById('svg-download'),s=document.querySelector('#figure svg'),"
           "w=s.viewBox.baseVal.width,h=s.viewBox.baseVal.height,i=new Image();i.onload=function(){"
           "var c=document.createElement('canvas');c.width=w*3;c.height=h*3;var x=c.getContext('2d');"
           "x.fillStyle='#fff';x.fillRect(0,0,c.width,c.height);x.drawImage(i,0,0,c.width,c.height);"
           "c.toBlob(function(p){var l=document.createElement('a');l.download=a.download.replace(/svg$/,'png');"
           "l.href=URL.createObjectURL(p);document.body.appendChild(l);l.click();l.remove();"
           "document.body.setAttribute('data-png',String(p.size));});};i.src=a.href;});"
           "document.body.setAttribute('data-ready','1');}());")
PAGE_CSP = ("default-src 'none'; script-src 'sha256-"
            + base64.b64encode(hashlib.sha256(_PNG_JS.encode("utf-8")).digest()).decode("ascii")
            + "'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'")


# ---------------------------------------------------------------------- the flows
def _organs_of(kg: KnowledgeGraph) -> tuple[dict[int, set[int]], dict[tuple[int, str], set[int]]]:
    """Organs a node stands for outside any statement (an organ itself; a cell type by a
    ``part_of`` edge of no statement) and, per (cell type, statement), by that statement's ``part_of``."""
    cls = kg.node_class
    general: dict[int, set[int]] = {int(c): {int(c)} for c in np.flatnonzero(cls == "Organ")}
    by_statement: dict[tuple[int, str], set[int]] = {}
    part = (kg.edges["predicate"] == "part_of").to_numpy()
    stmt = kg.edges["statement"].astype(str).to_numpy()[part] if "statement" in kg.edges else np.full(part.sum(), "")
    for s, o, st in zip(kg.src[part].tolist(), kg.dst[part].tolist(), stmt.tolist(), strict=True):
        if cls[s] == "CellType" and cls[o] == "Organ":
            if st in ("", "nan", "None"):
                general.setdefault(s, set()).add(o)
            else:
                by_statement.setdefault((s, st), set()).add(o)
    return general, by_statement


def organ_flows(kg: KnowledgeGraph) -> tuple[pd.DataFrame, int]:
    """Organ-to-organ flows: one row per (source organ, target organ, sign), and the transfers not drawn.

    Columns: ``source``, ``target`` (organ ids), ``source_label``, ``target_label``, ``sign``,
    ``populations`` (EV populations), ``weight`` (sum of tier weights), ``statements``.
    """
    tr = transfer_rows(kg)
    if tr.empty:
        raise EvgraphError("the graph has no EV transfers (releases + taken_up_by/homes_to)")
    general, organs_in = _organs_of(kg)
    tiers = kg.edges["evidence_tier"].astype(str).to_numpy() if "evidence_tier" in kg.edges else None
    statements = kg.edges["statement"].astype(str).to_numpy()
    direction = kg.edges["direction"].astype(str).to_numpy()
    contrib = (kg.edges["predicate"] == "contributes_to").to_numpy()
    signs: dict[int, set[str]] = {}
    for s, d in zip(kg.src[contrib].tolist(), direction[contrib].tolist(), strict=True):
        signs.setdefault(s, set()).add(d)
    rows = []
    missing = 0
    for r in tr.itertuples(index=False):
        st = statements[r.row_r]

        def place(code: int, st: str = st) -> list[int]:
            # the node's own organ, or the organs its statement (or no statement) puts it in
            return sorted(general.get(code, set()) | organs_in.get((code, st), set()))

        src, dst = place(int(r.releaser)), place(int(r.target))
        if len(src) != 1 or len(dst) != 1:
            missing += 1
            continue
        dirs = signs.get(int(r.population), set()) & {"increased", "decreased"}
        sign = "increases" if dirs == {"increased"} else "decreases" if dirs == {"decreased"} else "unknown"
        tier = ""
        if tiers is not None:
            tier = tiers[r.row_r] if tiers[r.row_r] not in ("", "nan") else tiers[r.row_t]
        rows.append((src[0], dst[0], sign, int(r.population), TIER_WEIGHT.get(tier, 1.0), st))
    frame = pd.DataFrame(rows, columns=["a", "b", "sign", "population", "w", "statement"])
    frame = frame.drop_duplicates(["a", "b", "sign", "population"])
    ids = kg.nodes["id"].to_numpy(dtype=object)
    labels = kg.nodes["label"].astype(str).to_numpy(dtype=object)
    out = []
    for (a, b, sign), g in frame.groupby(["a", "b", "sign"], sort=True):
        out.append({"source": ids[a], "target": ids[b], "source_label": labels[a], "target_label": labels[b],
                    "sign": sign, "populations": int(g["population"].nunique()), "weight": float(g["w"].sum()),
                    "statements": ", ".join(sorted({s for s in g["statement"] if s and s != "nan"}))})
    flows = pd.DataFrame(out, columns=["source", "target", "source_label", "target_label", "sign", "populations",
                                       "weight", "statements"])
    return flows.sort_values(["weight", "source", "target", "sign"], ascending=[False, True, True, True],
                             ignore_index=True), missing


def _width(weight: float, top: float) -> float:
    return round(1.2 + 7.0 * np.sqrt(weight / top), 2) if top > 0 else 1.2


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label baselines moved apart to at least ``gap`` (order kept), within [lo, hi] where possible."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    last = lo - gap
    for i in order:
        out[i] = max(out[i], last + gap)
        last = out[i]
    overflow = last - hi
    if overflow > 0:  # shift the whole column up, keeping the gaps
        for i in order:
            out[i] -= overflow
    return out


def _markers() -> str:
    return "<defs>" + "".join(
        f'<marker id="arrow-{s}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
        f'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="{c}"/></marker>'
        for s, c in SIGN_COLOR.items()) + "</defs>"


def _legend(x: float, y: float, top: float, widths: bool = True) -> str:
    parts = [f'<g class="legend" {FONT} font-size="11"><text x="{x}" y="{y}" font-weight="bold">Arrow colour</text>']
    for i, (sign, color) in enumerate(SIGN_COLOR.items()):
        yy = y + 16 + 15 * i
        parts.append(f'<line x1="{x}" y1="{yy - 4}" x2="{x + 26}" y2="{yy - 4}" stroke="{color}" stroke-width="3" '
                     f'marker-end="url(#arrow-{sign})"/><text x="{x + 32}" y="{yy}">{escape(SIGN_TEXT[sign])}</text>')
    yy = y + 16 + 15 * 3 + 8
    if not widths:
        parts.append(f'<text x="{x}" y="{yy}" fill="#555">Ribbon height: evidence weight; tier1 = 4, tier2 = 3, '
                     "tier3 = 2, tier4 or none = 1 per EV population</text></g>")
        return "".join(parts)
    parts.append(f'<text x="{x}" y="{yy}" font-weight="bold">Arrow width: evidence</text>')
    for i, w in enumerate((1.0, 4.0, max(top, 8.0))):
        y2 = yy + 14 + 14 * i
        parts.append(f'<line x1="{x}" y1="{y2 - 4}" x2="{x + 26}" y2="{y2 - 4}" stroke="#555" '
                     f'stroke-width="{_width(w, max(top, 8.0))}"/><text x="{x + 32}" y="{y2}">{w:g}</text>')
    parts.append(f'<text x="{x}" y="{yy + 60}" fill="#555">tier1 = 4, tier2 = 3, tier3 = 2, tier4 or none = 1 per '
                 "EV population</text></g>")
    return "".join(parts)


# ---------------------------------------------------------------------- body map
def body_map(kg: KnowledgeGraph) -> OrganView:
    """Organs on a human body outline, arrows from releasing to receiving organ (see the module doc)."""
    flows, missing = organ_flows(kg)
    if flows.empty:
        raise EvgraphError("no EV transfer joins two organs (cell types need a part_of organ)")
    placed = sorted(set(flows["source"]) | set(flows["target"]))
    labels = dict(zip(flows["source"], flows["source_label"], strict=True)) | dict(
        zip(flows["target"], flows["target_label"], strict=True))
    others = [o for o in placed if o not in ANCHORS]
    width, height = 760, 830
    pos: dict[str, tuple[float, float, str]] = {}
    for o in placed:
        if o in ANCHORS:
            x, y, side = ANCHORS[o]
            pos[o] = (x + 150, y + 6, side)
    for i, o in enumerate(sorted(others, key=lambda c: labels[c])):
        pos[o] = (600, 80 + 30 * i, "R")
    top = float(flows["weight"].max())
    parts = [_markers(), f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<path d="{BODY_OUTLINE}" transform="translate(150 6)" fill="#F3EEE8" stroke="#B9AA99" '
             'stroke-width="1.5"/>']
    if others:
        parts.append(f'<text x="590" y="56" {FONT} font-size="12" font-weight="bold">organs without a place</text>')
    # arrows: a curve bent to one side, signs of the same pair bent apart; loops for organ -> itself
    for r in flows.itertuples(index=False):
        x1, y1, _ = pos[r.source]
        x2, y2, _ = pos[r.target]
        color, w = SIGN_COLOR[r.sign], _width(r.weight, top)
        title = (f"{r.source_label} \u2192 {r.target_label}: {r.populations} EV population(s), {SIGN_TEXT[r.sign]}, "
                 f"evidence weight {r.weight:g}; statements {r.statements}")
        if r.source == r.target:
            d = f"M{x1} {y1 - 6} c -26 -30 26 -30 6 -2"
        else:
            bend = {"increases": 0.22, "decreases": -0.22, "unknown": 0.12}[r.sign]
            mx, my = (x1 + x2) / 2 - (y2 - y1) * bend, (y1 + y2) / 2 + (x2 - x1) * bend
            dx, dy = x2 - mx, y2 - my
            norm = max(float(np.hypot(dx, dy)), 1e-6)
            ex, ey = x2 - dx / norm * 7, y2 - dy / norm * 7  # stop at the organ's dot
            d = f"M{x1:.1f} {y1:.1f} Q{mx:.1f} {my:.1f} {ex:.1f} {ey:.1f}"
        parts.append(f'<path class="flow" data-sign="{r.sign}" d="{d}" fill="none" stroke="{color}" '
                     f'stroke-width="{w}" stroke-opacity="0.8" marker-end="url(#arrow-{r.sign})">'
                     f"<title>{escape(title)}</title></path>")
    # organ dots and labels, labels spread apart per side so none overlap
    for side in ("L", "R"):
        members = [o for o in placed if pos[o][2] == side]
        ys = _spread([pos[o][1] + 4 for o in members], 14.0, 20.0, height - 20.0)
        for o, ly in zip(members, ys, strict=True):
            x, y, _ = pos[o]
            lx = x - 12 if side == "L" else x + 12
            if o in others:
                lx = x + 12
            anchor = "end" if side == "L" and o not in others else "start"
            kind = "organ unplaced" if o in others else "organ"
            parts.append(f'<circle class="{kind}" cx="{x}" cy="{y}" r="5.5" fill="#1F5FAD" stroke="#fff" '
                         f'stroke-width="1.5"><title>{escape(labels[o])} ({escape(o)})</title></circle>')
            if abs(ly - (y + 4)) > 1:
                parts.append(f'<line x1="{x}" y1="{y}" x2="{lx}" y2="{ly - 4}" stroke="#999" stroke-width="0.6"/>')
            parts.append(f'<text class="organ-label" x="{lx}" y="{ly}" text-anchor="{anchor}" {FONT} '
                         f'font-size="11.5">{escape(labels[o])}</text>')
    parts.append(_legend(20, 640, top))
    caption = (f"EV traffic between organs: {int(flows['populations'].sum())} organ-to-organ transfer(s) from "
               f"{len(flows)} arrow(s); a cell type stands for the organ it is part of. Colour: the sign of the EV "
               "population's effect on a condition (contributes_to direction). Width: evidence (sum of tier weights "
               f"of the EV populations). {missing} transfer(s) with an end that has no single organ are not drawn.")
    return OrganView("bodymap", "EV traffic on the body", "".join(parts), width, height, flows, caption)


# ---------------------------------------------------------------------- Sankey
def sankey(kg: KnowledgeGraph) -> OrganView:
    """Source organs (left) to target organs (right), ribbon width the evidence weight, colour the sign."""
    flows, missing = organ_flows(kg)
    if flows.empty:
        raise EvgraphError("no EV transfer joins two organs (cell types need a part_of organ)")
    out_w = flows.groupby("source")["weight"].sum().sort_values(ascending=False)
    in_w = flows.groupby("target")["weight"].sum().sort_values(ascending=False)
    labels = dict(zip(flows["source"], flows["source_label"], strict=True)) | dict(
        zip(flows["target"], flows["target_label"], strict=True))
    total = float(flows["weight"].sum())
    gap, min_h = 8.0, 16.0
    n = max(len(out_w), len(in_w))
    usable = max(420.0, n * (min_h + gap))
    scale = usable / total

    def column(weights: pd.Series, y0: float) -> dict[str, list[float]]:
        out, y = {}, y0
        for org, w in weights.items():
            h = max(min_h, float(w) * scale)
            out[org] = [y, h, y]  # top, height, next free offset for ribbons
            y += h + gap
        return out

    left, right = column(out_w, 60.0), column(in_w, 60.0)
    height = int(max(left[o][0] + left[o][1] for o in left) + 40 + 150)
    width, xl, xr, bar = 820, 250.0, 570.0, 14.0
    parts = [_markers(), f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="{xl}" y="40" text-anchor="end" {FONT} font-size="12" font-weight="bold">releasing organ</text>',
             f'<text x="{xr + bar}" y="40" {FONT} font-size="12" font-weight="bold">receiving organ</text>']
    for r in flows.sort_values(["source", "target", "sign"]).itertuples(index=False):
        h = float(r.weight) * scale * (left[r.source][1] / max(float(out_w[r.source]) * scale, 1e-9))
        h2 = float(r.weight) * scale * (right[r.target][1] / max(float(in_w[r.target]) * scale, 1e-9))
        y1, y2 = left[r.source][2], right[r.target][2]
        left[r.source][2] += h
        right[r.target][2] += h2
        x1, x2, mid = xl + bar, xr, (xl + bar + xr) / 2
        d = (f"M{x1} {y1:.1f} C{mid} {y1:.1f} {mid} {y2:.1f} {x2} {y2:.1f} L{x2} {y2 + h2:.1f} "
             f"C{mid} {y2 + h2:.1f} {mid} {y1 + h:.1f} {x1} {y1 + h:.1f} Z")
        title = (f"{r.source_label} \u2192 {r.target_label}: {r.populations} EV population(s), {SIGN_TEXT[r.sign]}, "
                 f"evidence weight {r.weight:g}; statements {r.statements}")
        parts.append(f'<path class="flow" data-sign="{r.sign}" d="{d}" fill="{SIGN_COLOR[r.sign]}" '
                     f'fill-opacity="0.45" stroke="{SIGN_COLOR[r.sign]}" stroke-opacity="0.7" stroke-width="0.5">'
                     f"<title>{escape(title)}</title></path>")
    for org, (y, h, _) in left.items():
        parts.append(f'<rect x="{xl}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="#1F5FAD"/>'
                     f'<text class="organ-label" x="{xl - 6}" y="{y + h / 2 + 4:.1f}" text-anchor="end" {FONT} '
                     f'font-size="11.5">{escape(labels[org])}</text>')
    for org, (y, h, _) in right.items():
        parts.append(f'<rect x="{xr}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="#1F5FAD"/>'
                     f'<text class="organ-label" x="{xr + bar + 6}" y="{y + h / 2 + 4:.1f}" {FONT} '
                     f'font-size="11.5">{escape(labels[org])}</text>')
    parts.append(_legend(20, height - 110, float(flows["weight"].max()), widths=False).replace(
        "Arrow colour", "Ribbon colour"))
    caption = (f"Organ-to-organ EV flows: ribbon width is the evidence weight (sum of tier weights of the EV "
               f"populations), colour the sign of their effect on a condition. {missing} transfer(s) with an end that "
               "has no single organ are not drawn.")
    return OrganView("sankey", "Organ-to-organ EV flows", "".join(parts), width, height, flows, caption)


def organ_view(kg: KnowledgeGraph, name: str, **_: Any) -> OrganView:
    """``bodymap`` or ``sankey`` by name."""
    if name == "bodymap":
        return body_map(kg)
    if name == "sankey":
        return sankey(kg)
    raise EvgraphError(f"unknown organ view '{name}' (bodymap or sankey)")
