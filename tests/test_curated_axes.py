"""Issue 12 item 4: every systemic axis of the issue reaches >= 5 curated statements.

The axes, worded as in the issue, are data: ``evgraph/data/curated/axes.tsv`` (axis id, the issue's
wording, the counting rule, source terms, named targets or conditions, biofluids). The counts are
made here from the built graph, never typed in:

* ``route``: a source term ``releases`` the statement's EVs and a named target is reached
  (``taken_up_by`` a target cell or ``homes_to`` a target organ), and the EVs are not tumour EVs: a
  statement whose EVs are released in an oncologic condition (tumour cells of the organ, e.g. liver-cancer
  cell lines) is kept in the graph but does not count for an organ's route, because the route axes are the
  organ's own systemic traffic (the issue names NAFLD/NASH, obesity, T2D), not tumour biology;
* ``context``: a source term releases the EVs (role ``any``: or a target is a source term) and a named
  condition is the EVs' context (``released_in``), outcome (``contributes_to``) or biomarker target;
* ``biomarker``: a cargo is ``biomarker_for`` a named condition and the EVs are ``sampled_from`` one
  of the biofluids.

A source cell rolls up to the organs it is ``part_of`` in the same statement (the curated
``source_cell part_of source_organ`` edge; a cell type's organ differs between statements, so a
global cell -> organ roll-up would be wrong); conditions roll up through the graph's ``subclass_of``
edges (a narrower condition counts for a named broader one); organs through ``part_of`` edges
between organs where the graph has them.

An axis below the floor is listed in :data:`SHORT_AXES` (reported, never hidden): every other axis must
reach the floor, so a new short axis fails; the floor itself is never lowered. A listed axis that
reaches the floor should leave the list (the report below shows it).
``python tests/test_curated_axes.py`` prints the table per axis and per named target.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache

import pytest

from evgraph.model import split_list
from evgraph.sources.curated import curated_dir

FLOOR = 5
#: Axes below the floor on the built curated graph (reported, not hidden).
#: Counted by qual4 (session 4) on main + its pass: gut 2, skeletal muscle 3, liver 0, islet 1, heart 4,
#: thrombosis 2 (curation-notes-q4.md, "Axes"); thrombosis reached 5 with pass s4x (UX001-UX003,
#: curation-notes-s4x.md), heart with pass s5c (WM001, curation-notes-s5c.md). New statements that reach
#: an axis must remove it here.
#: Thrombosis fell back in session 5: sweep5A held back MC018 (the mouse row's monocyte source is not in
#: the text read, so the row has no source; curation-notes-r5a.md) and sweep5D held back UX001/UX002 (no
#: citation record of DOI:10.1160/TH08-09-0620 found again; curation-notes-r5d.md): 2 (SE010, UX003), short by 3.
#: Session 6: R6E restored UX001/UX002 (the thieme-connect record prints title, journal and year beside the
#: DOI; curation-notes-r6e.md, step 2): thrombosis +2, 5 on the tree R6E landed on (with pass s6b's XB rows),
#: so it leaves the list. Session 6 end: gut 1 (R6D cut GM002's muscle/adipose targets: an effect, no homing),
#: skeletal muscle 4 (pass s6a's XA001), liver 3, islet 3 (curation-notes-r6d.md, -s6a.md, -s6b.md).
# Session 7, W7A sweep (curation-notes-w7a.md): AX-VESSEL 5 -> 4 (VW003 held back: no record prints its year)
# and AX-KIDNEY 5 -> 4 (KD009's CKD context cut: the adriamycin model's organism is not named).
#: Also session 7: gut 4 (passes s7a, s7f: XE001, XE002, XI001), islet 4 (s7b: XF001), liver 2 (W7C held back
#: WN001: no organism named for the EVs reaching adipocytes, and no uptake; curation-notes-w7c.md), thrombosis 3
#: again (UX001/UX002 held back again after audit 8: no citation record returned to 30 searches;
#: curation-notes-a8.md).
#: Pass s7j (curation-notes-s7j.md) brought AX-VESSEL (XM002) and AX-KIDNEY (XM001) back to 5, pass s7k
#: (curation-notes-s7k.md) AX-THROMBOSIS (XN001, XN002: microparticles in heparin-induced thrombocytopenia, which
#: MONDO files under thrombosis; edges-s7k.tsv).
#: Session 8: passes s8a-s8e (curation-notes-s8a.md ... -s8e.md) added XR001-XR003 (hepatocellular carcinoma cell
#: lines -> endothelial cells: tumour EVs, which the route rule leaves out) and XV001 (beta-cell line EVs on human
#: islets, no T1D/T2D context): gut 4, skeletal muscle 4, liver 2, islet 4, unchanged.
#: Session 10, sweep w10c (curation-notes-w10c.md): XI001 held back (no organism named for the animals that
#: received the intestinal exosomes): AX-GUT 4 -> 3, still short.
#: Session 11, sweep w10d and audit 10 (curation-notes-w10d.md, audit-2026-12-01-10.md): XN001/XN002 held back
#: (no record read this session prints the PMID or DOI of Campello 2018 beside title, journal and year; the HITT
#: result behind XN002 is past the end of every abstract copy read): AX-THROMBOSIS 5 -> 3.
#: Session 12: pass s11a (curation-notes-s11a.md) added YB001 (monocyte TF+ microparticles in deep venous
#: thrombosis) and pass s11e (curation-notes-s11e.md) YC001 (platelet microparticles in antiphospholipid-antibody
#: patients with thrombosis): AX-THROMBOSIS 3 -> 5, off the short list; passes s11b (gut), s11c (islet), s11d
#: (muscle): notes only.
#: Session 13 (curation-notes-l13.md): XE001 (gut) and XF001 (islet) held back (no citation record read by two
#: readers): gut 3 -> 2, islet 4 -> 3, still short; MC022 (adipose -> heart) held back and YM001 (pass s12i:
#: adipose-macrophage EVs of obese mice applied ex vivo to human islets) added: adipose stays at 5; YE001 (s12a)
#: takes vessel to 6, YO001 (s12k) heart to 6, YI001-YI009 (s12e) brain to 20.
SHORT_AXES: frozenset[str] = frozenset({"AX-GUT", "AX-MUSCLE", "AX-LIVER", "AX-ISLET"})


@cache
def axes() -> list[dict]:
    lines = [ln for ln in (curated_dir() / "axes.tsv").read_text(encoding="utf-8").splitlines()
             if ln and not ln.startswith("#")]
    out = []
    for row in csv.DictReader(lines, delimiter="\t"):
        named = {}
        for part in row["named"].split(";"):
            name, _, terms = part.strip().partition("=")
            named[name.strip()] = frozenset(split_list(terms))
        out.append({**row, "sources": frozenset(split_list(row["sources"])), "named": named,
                    "biofluids": frozenset(split_list(row["biofluids"]))})
    return out


def axis(aid: str) -> dict:
    """One row of ``axes.tsv`` by its id."""
    return next(a for a in axes() if a["axis_id"] == aid)


def _broader(kg, predicate: str) -> dict[str, set[str]]:
    """term -> itself and every ancestor through the graph's statement-free ``predicate`` edges."""
    e = kg.edges[(kg.edges["predicate"] == predicate) & (kg.edges["statement"].astype(str) == "")]
    parents: dict[str, set[str]] = defaultdict(set)
    for s, o in e[["subject", "object"]].itertuples(index=False):
        parents[s].add(o)
    memo: dict[str, set[str]] = {}

    def up(t: str, seen: frozenset = frozenset()) -> set[str]:
        if t not in memo:
            acc = {t}
            for p in parents.get(t, ()):
                if p not in seen:
                    acc |= up(p, seen | {t})
            memo[t] = acc
        return memo[t]

    return defaultdict(set, {t: up(t) for t in set(parents) | {o for v in parents.values() for o in v}})


@cache
def _profiles(kg) -> dict[str, dict[str, set[str]]]:
    """statement -> its sources, targets, conditions and biofluids, rolled up."""
    e = kg.edges[kg.edges["statement"].astype(str) != ""]
    cond_up = _broader(kg, "subclass_of")
    organ_up = _broader(kg, "part_of")
    prof: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    part_of = defaultdict(set)
    for s, p, o, sid in e[["subject", "predicate", "object", "statement"]].itertuples(index=False):
        d = prof[sid]
        if p == "releases":
            d["sources"].add(s)
        elif p == "part_of":
            part_of[(sid, s)].add(o)
        elif p in ("taken_up_by", "homes_to"):
            d["targets"].add(o)
        elif p in ("released_in", "contributes_to"):
            d["conditions"].add(o)
            if p == "released_in":
                d["released_in"].add(o)
        elif p == "biomarker_for":
            d["conditions"].add(o)
            d["biomarker"].add(o)
        elif p == "sampled_from":
            d["biofluids"].add(o)
    for sid, d in prof.items():
        src = set(d["sources"])
        for s in d["sources"]:
            src |= part_of.get((sid, s), set())
        d["sources"] = {a for t in src for a in (organ_up[t] or {t})}
        d["targets"] = {a for t in d["targets"] for a in (organ_up[t] or {t})}
        d["conditions"] = {a for t in d["conditions"] for a in (cond_up[t] or {t})}
        d["biomarker"] = {a for t in d["biomarker"] for a in (cond_up[t] or {t})}
    return prof


def _tumour_context(kg, conditions: set[str]) -> bool:
    """True when the EVs are released in an oncologic condition (the route rule leaves them out)."""
    return any(kg.node(c)["condition_category"] == "oncologic" for c in conditions)


def axis_members(kg, axis: dict) -> dict[str, set[str]]:
    """named target/condition -> the statements that count for it on this axis."""
    out: dict[str, set[str]] = {name: set() for name in axis["named"]}
    for sid, d in _profiles(kg).items():
        for name, terms in axis["named"].items():
            if axis["rule"] == "route":
                hit = (d["sources"] & axis["sources"] and d["targets"] & terms
                       and not _tumour_context(kg, d["released_in"]))
            elif axis["rule"] == "context":
                where = d["sources"] | (d["targets"] if axis["role"] == "any" else set())
                hit = where & axis["sources"] and d["conditions"] & terms
            elif axis["rule"] == "biomarker":
                hit = d["biomarker"] & terms and d["biofluids"] & axis["biofluids"]
            else:
                raise AssertionError(f"axes.tsv: unknown rule {axis['rule']!r}")
            if hit:
                out[name].add(sid)
    return out


def axis_table(kg) -> list[tuple[str, str, int, dict[str, int]]]:
    rows = []
    for axis in axes():
        members = axis_members(kg, axis)
        total = set().union(*members.values())
        rows.append((axis["axis_id"], axis["issue_wording"], len(total), {k: len(v) for k, v in members.items()}))
    return rows


def test_the_axes_file_has_the_issue_axes():
    ids = [a["axis_id"] for a in axes()]
    assert len(ids) == len(set(ids)) == 11
    wording = " ".join(a["issue_wording"] for a in axes())
    for phrase in ("skeletal muscle (exercise) -> liver, adipose, heart",
                   "liver/hepatocyte -> endothelium, adipose, pancreas, brain", "gut microbe vesicles",
                   "pancreatic islet/beta cell EVs in T1D/T2D", "kidney in CKD and diabetic nephropathy",
                   "circulating EV biomarkers (plasma, serum, CSF, urine)"):
        assert phrase in wording, phrase
    for a in axes():
        assert a["rule"] in ("route", "context", "biomarker") and a["named"], a["axis_id"]
        assert all(a["named"].values()), a["axis_id"]
        assert (a["rule"] == "biomarker") == (not a["sources"]) == bool(a["biofluids"]), a["axis_id"]


def test_axis_terms_are_nodes_of_the_graph(kg):
    ids = set(kg.nodes["id"])
    for a in axes():
        terms = a["sources"] | a["biofluids"] | frozenset().union(*a["named"].values())
        assert not terms - ids, (a["axis_id"], sorted(terms - ids))


def test_the_rule_counts_known_statements(kg):
    """Spot checks that the rule reads the graph as intended (statements read in earlier passes)."""
    by_id = {a["axis_id"]: a for a in axes()}
    assert "TA005" in axis_members(kg, by_id["AX-MUSCLE"])["liver"]  # exercised-muscle EVs homing to liver
    assert "SM003" in axis_members(kg, by_id["AX-MUSCLE"])["adipose"]  # miR-1 muscle -> adipose after exercise
    # hepatocellular carcinoma cell-line exosomes taken up by endothelial cells: a liver source and a named
    # target, but tumour EVs (released in an oncologic condition), so not the liver's route (pass s8a)
    assert "XR001" not in axis_members(kg, by_id["AX-LIVER"])["endothelium"]
    # the exclusion is the route rule's only: platelet microparticles in cancer-associated thrombosis count
    assert "XB001" in axis_members(kg, by_id["AX-THROMBOSIS"])["thrombosis"]


def test_every_axis_reaches_the_floor(kg):
    table = axis_table(kg)
    short = {aid for aid, _, n, _ in table if n < FLOOR}
    assert short <= SHORT_AXES, {aid: (n, per) for aid, _, n, per in table if aid in short - SHORT_AXES}


@pytest.mark.parametrize("aid", sorted(a["axis_id"] for a in axes()))
def test_axis_count_is_reported(kg, aid):
    row = next(r for r in axis_table(kg) if r[0] == aid)
    assert row[2] == len(set().union(*axis_members(kg, next(a for a in axes() if a["axis_id"] == aid)).values()))


if __name__ == "__main__":  # pragma: no cover - the report the curation notes quote
    import evgraph

    kg = evgraph.build(["curated"])
    for aid, wording, n, per in axis_table(kg):
        print(f"{aid}\t{n}\t{wording}\t" + "; ".join(f"{k} {v}" for k, v in per.items()))
