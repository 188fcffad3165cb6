"""The metagraph: metapaths, the typed walks through the schema that paths and DWPC follow.

A :class:`Metapath` is a typed walk through the schema: node classes (``Cargo`` stands for
every cargo class) joined by relationships, each traversed forward (subject -> object) or in
reverse. Two spellings are accepted and produced::

    C<riEVcCGctC
    Condition <-released_in- EVPopulation -carries-> Cargo -contributes_to-> Condition

Abbreviations come from the ontology (``evgraph:metapathAbbreviation``, see
:func:`abbreviations`): classes upper-case, relationships lower-case, ``<`` before a
relationship means reverse traversal.

>>> mp = Metapath.parse("C<riEVcCGctC")
>>> str(mp)
'Condition <-released_in- EVPopulation -carries-> Cargo -contributes_to-> Condition'
>>> Metapath.parse(str(mp)) == mp and mp.abbrev == "C<riEVcCGctC" and len(mp) == 3
True
>>> mp.inverse().abbrev
'C<ctCG<cEVriC'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..errors import EvgraphError
from ..schema import Schema, get_schema

#: Damping exponent of the degree-weighted path count (Himmelstein & Baranzini 2015).
DAMPING = 0.4

#: The default metapaths: organ/cell-type origins to conditions and targets, and
#: condition-to-condition propagation through the EV populations released in a condition.
DEFAULT_METAPATHS: tuple[str, ...] = (
    "OrEVcCGctC",            # organ releases EVs carrying cargo that contributes to a condition
    "O<poCTrEVcCGctC",       # organ <- cell type releases EVs, cargo contributes to a condition
    "O<poCTrEVcCGrgGasC",    # ... cargo regulates a target gene associated with a condition
    "O<poCTrEVcCGaPW<piGasC",  # ... cargo affects a pathway of a gene associated with a condition
    "O<poCTrEVuCT",          # organ <- cell type releases EVs taken up by a target cell type
    "CTrEVcCGctC",           # cell type releases EVs, cargo contributes to a condition
    "CTrEVuCT",              # cell type to target cell type
    "C<riEVctC",             # EVs released in condition A contribute to condition B
    "C<riEVcCGctC",          # ... carry cargo that contributes to B
    "C<riEVcCGasC",          # ... carry cargo associated with B
    "C<riEVcCGrgGasC",       # ... cargo regulates a gene associated with B
    "C<riEVcCGaPW<aCGctC",   # ... cargo affects a pathway that other cargo acting in B affects
    "C<riEVcCGaPW<piGasC",   # ... cargo affects a pathway of a gene associated with B
    "C<riEVuCTrEVctC",       # ... EVs taken up by a cell type whose EVs contribute to B
    # conditions linked through EV populations that *contribute to* condition A (many curated
    # conditions, e.g. type 2 diabetes, have few EVs released in them but many acting on them),
    # and through the condition hierarchy; at most 7 hops:
    "C<ctEVcCGaPW<aCG<cEVctC",  # EVs acting in A and EVs acting in B carry cargo hitting one pathway
    "C<ctEVcCGaPW<piGasC",   # EVs acting in A carry cargo affecting a pathway of a gene associated with B
    "C<ctEVcCGaPW<piGbmC",   # ... of a gene that is a biomarker for B
    "C<ctEVcCGaPW<aCGbmC",   # ... a pathway also affected by a biomarker of B
    "CscC<riEVctC<scC",      # EVs released in a parent of A contribute to a parent of B
)
#: Condition-to-condition metapaths used by crosstalk and robustness.
CROSSTALK_METAPATHS: tuple[str, ...] = (
    "C<riEVctC",
    "C<riEVcCGctC",
    "C<riEVcCGaPW<aCGctC",
    "C<riEVcCGaPW<piGasC",
)


_ABBREV_CACHE: dict[int, tuple[Schema, tuple[dict[str, str], dict[str, str]]]] = {}


def abbreviations(schema: Schema | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """``(classes, relations)``: name -> metapath abbreviation, read from the ontology.

    Each class (``Cargo`` included) and relationship takes its ``evgraph:metapathAbbreviation``;
    one the ontology gives none gets a derived one (a class's capitals, a relationship's word
    initials). Class abbreviations must be upper-case, relationship ones lower-case, and each
    unique within its kind, else :class:`EvgraphError`.

    >>> classes, relations = abbreviations()
    >>> classes["EVPopulation"], classes["Cargo"], relations["released_in"]
    ('EV', 'CG', 'ri')
    """
    schema = schema or get_schema()
    hit = _ABBREV_CACHE.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    given = schema.abbreviations
    abstract = {p for info in schema.classes.values() for p in info.parents}
    classes = {name: given.get(name) or ("".join(ch for ch in name if ch.isupper()) or name.upper())
               for name in sorted(set(schema.classes) | (abstract & set(given)))}
    relations = {name: given.get(name) or "".join(w[0] for w in name.split("_")) for name in schema.relations}
    for kind, table, pattern in (("class", classes, "[A-Z]+"), ("relationship", relations, "[a-z]+")):
        seen: dict[str, str] = {}
        for name, ab in table.items():
            if not re.fullmatch(pattern, ab):
                raise EvgraphError(f"ontology: metapath abbreviation '{ab}' of {kind} {name} must match {pattern}")
            if ab in seen:
                raise EvgraphError(f"ontology: {kind}es {seen[ab]} and {name} share the metapath abbreviation '{ab}'"
                                   if kind == "class" else
                                   f"ontology: relationships {seen[ab]} and {name} share the metapath "
                                   f"abbreviation '{ab}'")
            seen[ab] = name
    _ABBREV_CACHE[id(schema)] = (schema, (classes, relations))
    return classes, relations


_LONG_STEP = re.compile(r"\s*(<-|-)\s*([a-z_]+)\s*(->|-)\s*")


@dataclass(frozen=True)
class Metapath:
    """A typed sequence of classes and relationships (``len`` = number of hops)."""

    classes: tuple[str, ...]
    relations: tuple[str, ...]
    reverse: tuple[bool, ...]

    def __post_init__(self) -> None:
        if len(self.classes) != len(self.relations) + 1 or len(self.relations) != len(self.reverse):
            raise EvgraphError("a metapath needs one more class than relationships")
        if not self.relations:
            raise EvgraphError("a metapath needs at least one relationship")

    def __len__(self) -> int:
        return len(self.relations)

    # ------------------------------------------------------------------ text
    @classmethod
    def parse(cls, text: str, schema: Schema | None = None) -> Metapath:
        """Read the abbreviated (``C<riEVctC``) or long (``Condition <-released_in- ...``) form."""
        schema = schema or get_schema()
        cab, rab = abbreviations(schema)
        text = text.strip()
        if "-" in text:
            parts = _LONG_STEP.split(text)
            names = parts[0::4]
            classes = tuple(n.strip() for n in names)
            rels = tuple(parts[2::4])
            rev = []
            for left, right in zip(parts[1::4], parts[3::4], strict=True):
                if (left, right) not in (("<-", "-"), ("-", "->"), ("-", "-")):
                    raise EvgraphError(f"bad arrow '{left}...{right}' in metapath '{text}'")
                rev.append(left == "<-")
            mp = cls(classes, rels, tuple(rev))
        else:
            cinv = {v: k for k, v in cab.items()}
            rinv = {v: k for k, v in rab.items()}
            tokens = re.findall(r"[A-Z]+|<?[a-z]+|.", text)
            classes_l: list[str] = []
            rels_l: list[str] = []
            rev_l: list[bool] = []
            for i, tok in enumerate(tokens):
                want_class = i % 2 == 0
                if want_class:
                    if tok not in cinv:
                        raise EvgraphError(f"unknown class abbreviation '{tok}' in metapath '{text}' "
                                           f"(known: {', '.join(sorted(cinv))})")
                    classes_l.append(cinv[tok])
                else:
                    r = tok.lstrip("<")
                    if r not in rinv:
                        raise EvgraphError(f"unknown relationship abbreviation '{tok}' in metapath '{text}' "
                                           f"(known: {', '.join(sorted(rinv))})")
                    rels_l.append(rinv[r])
                    rev_l.append(tok.startswith("<"))
            if len(classes_l) != len(rels_l) + 1:
                raise EvgraphError(f"metapath '{text}' must start and end with a class")
            mp = cls(tuple(classes_l), tuple(rels_l), tuple(rev_l))
        mp.validate(schema)
        return mp

    @property
    def abbrev(self) -> str:
        cab, rab = abbreviations()
        out = cab[self.classes[0]]
        for rel, rev, c in zip(self.relations, self.reverse, self.classes[1:], strict=True):
            out += ("<" if rev else "") + rab[rel] + cab[c]
        return out

    def __str__(self) -> str:
        out = self.classes[0]
        for rel, rev, c in zip(self.relations, self.reverse, self.classes[1:], strict=True):
            out += f" <-{rel}- {c}" if rev else f" -{rel}-> {c}"
        return out

    def inverse(self) -> Metapath:
        """The same metapath walked from its end to its start."""
        return Metapath(self.classes[::-1], self.relations[::-1], tuple(not r for r in self.reverse[::-1]))

    # ------------------------------------------------------------------ schema
    def validate(self, schema: Schema | None = None) -> None:
        """Raise if a hop is not allowed by the relationship's domain and range."""
        schema = schema or get_schema()
        for c in self.classes:
            expand_classes_schema(schema, c)
        for i, (rel, rev) in enumerate(zip(self.relations, self.reverse, strict=True)):
            r = schema.relations.get(rel)
            if r is None:
                raise EvgraphError(f"unknown relationship '{rel}' in metapath {self}")
            a, b = self.node_sets(schema)[i], self.node_sets(schema)[i + 1]
            subj, obj = (b, a) if rev else (a, b)
            ok = bool(subj & r.domain and obj & r.range)
            if r.symmetric:
                ok = ok or bool(obj & r.domain and subj & r.range)
            if not ok:
                raise EvgraphError(f"hop {i + 1} of metapath {self}: '{rel}' cannot link "
                                   f"{'/'.join(sorted(subj))} to {'/'.join(sorted(obj))}")

    def node_sets(self, schema: Schema | None = None) -> list[frozenset[str]]:
        """The concrete classes allowed at each position."""
        schema = schema or get_schema()
        return [frozenset(expand_classes_schema(schema, c)) for c in self.classes]

    @cached_property
    def sets(self) -> list[frozenset[str]]:
        return self.node_sets()

    def overlaps(self) -> list[tuple[int, int]]:
        """Position pairs ``(i, j)``, ``i < j``, whose classes overlap (a node could repeat)."""
        s = self.sets
        return [(i, j) for i in range(len(s)) for j in range(i + 1, len(s)) if s[i] & s[j]]

    def matrix_plan(self, triples: bool = False) -> list[tuple[int, int]] | None:
        """Blocks ``(start, end)`` of hops whose product is exact, or None if enumeration is needed.

        Adjacent overlaps are self-loops (never in a metaedge); two-apart overlaps become a
        2-hop block with its diagonal zeroed; the two ends overlapping zero the final diagonal.
        With ``triples``, two interleaved two-apart overlaps (``B A B A``: positions ``i, i+2``
        and ``i+1, i+3``) become one 3-hop block, exact by inclusion-exclusion.

        >>> Metapath.parse("EVcCG<cEVcCG").matrix_plan() is None
        True
        >>> Metapath.parse("EVcCG<cEVcCG").matrix_plan(triples=True)
        [(0, 3)]
        """
        k = len(self)
        two = sorted({i for i, j in self.overlaps() if j - i == 2 and not (i == 0 and j == k and k != 2)})
        if any(j - i > 2 and not (i == 0 and j == k) for i, j in self.overlaps()):
            return None
        runs: list[list[int]] = []
        for i in two:  # consecutive two-apart overlaps share a hop
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        starts: dict[int, int] = {}
        for run in runs:
            if len(run) == 1:
                starts[run[0]] = 2
            elif len(run) == 2 and triples:
                starts[run[0]] = 3
            else:
                return None
        blocks: list[tuple[int, int]] = []
        pos = 0
        while pos < k:
            step = starts.get(pos, 1)
            blocks.append((pos, pos + step))
            pos += step
        return blocks


def expand_classes_schema(schema: Schema, name: str) -> set[str]:
    if name in schema.classes:
        return {name}
    subs = {c for c, info in schema.classes.items() if name in info.parents}
    if not subs:
        raise EvgraphError(f"unknown class '{name}' in metapath")
    return subs


def as_metapath(mp: Metapath | str) -> Metapath:
    return mp if isinstance(mp, Metapath) else Metapath.parse(mp)


def default_metapaths() -> list[Metapath]:
    """The default set (:data:`DEFAULT_METAPATHS`) as :class:`Metapath` objects."""
    return [Metapath.parse(t) for t in DEFAULT_METAPATHS]


def metapaths_between(source_class: str, target_class: str, max_length: int = 3,
                      schema: Schema | None = None, exclude: Iterable[str] = ("Publication",)) -> list[Metapath]:
    """Every metapath over concrete classes from ``source_class`` to ``target_class`` up to ``max_length`` hops.

    >>> [m.abbrev for m in metapaths_between("Organ", "EVPopulation", 1)]
    ['O<hEV', 'OrEV', 'O<sfEV']
    """
    schema = schema or get_schema()
    skip = set(exclude)
    steps: list[tuple[str, str, bool, str]] = []
    for r in schema.relations.values():
        for s in sorted(r.domain):
            for o in sorted(r.range):
                if s in skip or o in skip:
                    continue
                steps.append((s, r.name, False, o))
                if not r.symmetric:
                    steps.append((o, r.name, True, s))
    out: list[Metapath] = []
    frontier: list[tuple[tuple[str, ...], tuple[str, ...], tuple[bool, ...]]] = [((source_class,), (), ())]
    for _ in range(max_length):
        nxt = []
        for classes, rels, rev in frontier:
            for s, r, rv, o in steps:
                if s == classes[-1]:
                    item = ((*classes, o), (*rels, r), (*rev, rv))
                    nxt.append(item)
                    if o == target_class:
                        out.append(Metapath(*item))
        frontier = nxt
    return out
