"""The evidence-quality layer: per-statement study-design fields and the rubric that turns them
into an evidence tier and a confidence.

Every curated statement records how its EVs were separated and characterised, in which model
system its claim was shown and whether the effect was tested by an EV or cargo loss of
function (MISEV2023, Welsh et al. 2024, doi:10.1002/jev2.12404; EV-TRACK/EV-METRIC, Van Deun et
al. 2017, doi:10.1038/nmeth.4185). The fields are edge columns (each edge of a statement
carries them, like its species and references); their vocabularies, the rubric's text and its
numbers (``evgraph:confidenceWeight``) live in the ontology, this module holds the one table of
columns (:data:`FIELDS`) and evaluates the rubric.

The same table holds the **statistics** an importer's test gives an edge (``log2_fold_change``,
``q_value``, ``n_cases``, ``n_controls``: typed numbers in every export, e.g. the evmirna2
reader's ``abundance_changed_in`` edges) and the build's **ortholog provenance** (``ortholog_subject``
/ ``ortholog_object``: the mouse or rat NCBI Gene id an end had before it moved to its human
ortholog; ``ortholog_group``: the HomoloGene group and its kind); the rubric reads neither.

The rubric (also ``evgraph:EvidenceTier`` in the ontology and the curated README):

* **V** shown in vivo: ``model_system`` has ``animal_in_vivo`` or ``human_cohort``;
* **C** causal EV test: ``ev_perturbation`` has a value other than ``no_perturbation``;
* **M** MISEV characterisation: a ``separation_method``, at least one ``ev_markers_positive``
  and at least one ``single_ev_characterisation``;
* an empty field counts as "not shown": the tier is what the *recorded* evidence supports (a
  lower bound, not a verdict that the paper lacked the test), and :attr:`Assessment.reasons`
  says "not recorded" for it; ``no_perturbation`` records that the paper reports no such test;
* tier1 = V and C and M; tier2 = V and (C or M); tier3 = V alone, or not V with C or M;
  tier4 = not V, neither C nor M;
* confidence = weight of the tier + weight of ``carrier_control`` (round 2, clipped to
  [0.05, 0.95]).

>>> a = assess({"model_system": "animal_in_vivo", "ev_perturbation": "secretion_block"})
>>> a.tier, a.confidence
('tier2', 0.8)
>>> for reason in a.reasons:
...     print(reason)
in vivo (animal_in_vivo)
causal EV test (secretion_block)
MISEV characterisation not recorded (missing separation_method, ev_markers_positive, single_ev_characterisation)
>>> assess({"model_system": "cell_line"}).tier
'tier4'
>>> assess({}) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import Problem
from .schema import Schema, get_schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LIST_SEP = "|"


@dataclass(frozen=True)
class EvidenceField:
    """One evidence column: ``kind`` is ``enum`` (a value of ontology vocabulary ``vocabulary``),
    ``curie`` (CURIEs with ``prefix``), ``integer`` (in ``[minimum, maximum]``), ``float`` (a
    finite decimal number in ``[minimum, maximum]``) or ``literal`` (matching ``pattern`` when
    given); ``multi``: a ``|``-joined list.

    ``group``: ``design`` (a study-design field a curator fills), ``statistic`` (a number an
    importer's statistical test gives) or ``provenance`` (what the build did to the edge, e.g. the
    ortholog mapping); only ``design`` fields are curated columns and read by the rubric.
    ``mapping``: the Biolink slot (or ontology term) whose meaning the field matches exactly, as a
    CURIE (the ontology states it as ``skos:exactMatch``; KGX names the column after a Biolink
    slot); ``None`` where none matches. ``id_when_filled``: a field added after edge ids were
    fixed: it enters an edge's signature (hence its generated id) only on edges where it is
    filled, so every edge without it keeps its id (:func:`evgraph.build.columns.edge_signatures`).
    """

    name: str
    kind: str
    multi: bool = False
    vocabulary: str | None = None
    prefix: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    computed: bool = False
    group: str = "design"
    mapping: str | None = None
    id_when_filled: bool = False

    @property
    def numeric(self) -> bool:
        """An ``integer`` or ``float`` field: written as a typed number by every exporter."""
        return self.kind in ("integer", "float")


#: The evidence columns, in output order. ``evidence_tier`` is computed by :func:`assess`.
FIELDS: tuple[EvidenceField, ...] = (
    EvidenceField("separation_method", "enum", multi=True, vocabulary="SeparationMethod"),
    EvidenceField("ev_markers_positive", "curie", multi=True, prefix="NCBIGene"),
    EvidenceField("ev_markers_negative", "curie", multi=True, prefix="NCBIGene"),
    EvidenceField("single_ev_characterisation", "enum", multi=True, vocabulary="SingleEVMethod"),
    EvidenceField("carrier_control", "enum", vocabulary="CarrierControl"),
    EvidenceField("model_system", "enum", multi=True, vocabulary="ModelSystem"),
    EvidenceField("ev_perturbation", "enum", multi=True, vocabulary="EVPerturbation"),
    EvidenceField("dose", "literal"),
    EvidenceField("evtrack_id", "literal", pattern=r"^EV\d{6}$"),
    EvidenceField("ev_metric", "integer", minimum=0, maximum=100),
    EvidenceField("publication_year", "integer", minimum=1900, maximum=2100),
    EvidenceField("evidence_tier", "enum", vocabulary="EvidenceTier", computed=True),
    # statistical results of a differential-abundance test (the evmirna2 reader's
    # abundance_changed_in edges): log2(case / control), BH-adjusted p, group sizes
    EvidenceField("log2_fold_change", "float", group="statistic", id_when_filled=True),
    EvidenceField("q_value", "float", minimum=0, maximum=1, mapping="biolink:adjusted_p_value",
                  group="statistic", id_when_filled=True),
    EvidenceField("n_cases", "integer", minimum=1, group="statistic", id_when_filled=True),
    EvidenceField("n_controls", "integer", minimum=1, group="statistic", id_when_filled=True),
    # the ortholog mapping (evgraph.sources.orthologs): the mouse/rat gene an end of the edge had
    # before it moved to its human ortholog, and the ortholog group that moved it
    EvidenceField("ortholog_subject", "curie", prefix="NCBIGene", group="provenance", id_when_filled=True),
    EvidenceField("ortholog_object", "curie", prefix="NCBIGene", group="provenance", id_when_filled=True),
    EvidenceField("ortholog_group", "literal", multi=True, group="provenance", id_when_filled=True,
                  pattern=r"^HomoloGene:\d+ \((1:1|one-to-many|many-to-one|many-to-many)\)$"),
)
#: Column names of :data:`FIELDS`.
EVIDENCE_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS)
#: The columns a curator fills (the study-design fields: all but the computed tier and the statistics).
INPUT_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if not f.computed and f.group == "design")
#: The statistics of a test, filled by importers (``log2_fold_change``, ``q_value``, ``n_cases``, ``n_controls``).
STATISTIC_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.group == "statistic")
#: What the build's ortholog mapping did (``ortholog_subject``, ``ortholog_object``, ``ortholog_group``).
PROVENANCE_COLUMNS: tuple[str, ...] = tuple(f.name for f in FIELDS if f.group == "provenance")
BY_NAME: dict[str, EvidenceField] = {f.name: f for f in FIELDS}
#: Columns hashed into an edge's signature only where filled (see :class:`EvidenceField`).
ID_WHEN_FILLED: tuple[str, ...] = tuple(f.name for f in FIELDS if f.id_when_filled)

IN_VIVO = ("animal_in_vivo", "human_cohort")
NO_PERTURBATION = "no_perturbation"
CONFIDENCE_RANGE = (0.05, 0.95)


def _values(fields: Mapping[str, object], name: str) -> list[str]:
    value = fields.get(name)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return [v.strip() for v in str(value).split(LIST_SEP) if v.strip()]


@dataclass(frozen=True)
class Assessment:
    """The rubric's verdict on one statement: tier, confidence and why."""

    tier: str
    confidence: float
    in_vivo: bool
    causal: bool
    characterised: bool
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return f"{self.tier} (confidence {self.confidence}): " + "; ".join(self.reasons)


def assess(fields: Mapping[str, object], schema: Schema | None = None) -> Assessment | None:
    """Evidence tier and confidence of one statement's fields (``None`` without a model system).

    ``fields`` maps column names to cells (``|``-joined lists); unknown keys are ignored.
    """
    schema = schema or get_schema()
    systems = _values(fields, "model_system")
    if not systems:
        return None
    vivo = [s for s in systems if s in IN_VIVO]
    perturb = [p for p in _values(fields, "ev_perturbation") if p != NO_PERTURBATION]
    need = ("separation_method", "ev_markers_positive", "single_ev_characterisation")
    missing = [n for n in need if not _values(fields, n)]
    V, C, M = bool(vivo), bool(perturb), not missing
    if V and C and M:
        tier = "tier1"
    elif V and (C or M):
        tier = "tier2"
    elif V or C or M:
        tier = "tier3"
    else:
        tier = "tier4"
    stated_none = NO_PERTURBATION in _values(fields, "ev_perturbation")
    reasons = [f"in vivo ({', '.join(vivo)})" if V else f"in vitro / ex vivo only ({', '.join(systems)})",
               f"causal EV test ({', '.join(perturb)})" if C
               else "no EV or cargo loss-of-function test (the paper reports none)" if stated_none
               else "no EV or cargo loss-of-function test recorded",
               "MISEV characterisation (separation, EV markers, single-EV method)" if M
               else f"MISEV characterisation not recorded (missing {', '.join(missing)})"]
    conf = schema.weights[tier]
    carrier = _values(fields, "carrier_control")
    if carrier:
        weight = schema.weights.get(carrier[0], 0.0)
        conf += weight
        if weight:
            reasons.append(f"carrier control {carrier[0]} ({weight:+g})")
    lo, hi = CONFIDENCE_RANGE
    conf = round(min(hi, max(lo, conf)), 2)
    return Assessment(tier, conf, V, C, M, tuple(reasons))


def explain(fields: Mapping[str, object], schema: Schema | None = None) -> str:
    """One line saying which tier and confidence the fields earn and why.

    >>> explain({"model_system": "human_cohort", "separation_method": "size_exclusion_chromatography",
    ...          "ev_markers_positive": "NCBIGene:967", "single_ev_characterisation": "nanoparticle_tracking_analysis"})
    ... # doctest: +NORMALIZE_WHITESPACE
    'tier2 (confidence 0.8): in vivo (human_cohort); no EV or cargo loss-of-function test recorded;
     MISEV characterisation (separation, EV markers, single-EV method)'
    """
    a = assess(fields, schema)
    return a.explanation if a else "not assessed (no model_system)"


# ---------------------------------------------------------------------- validation
def check_values(frame: pd.DataFrame, schema: Schema | None = None) -> list[Problem]:
    """Problems with the evidence columns of an edge (or statement) frame with ``_file`` / ``_line``.

    Each distinct cell is checked once; a problem names the first row that has it.
    """
    schema = schema or get_schema()
    problems: list[Problem] = []
    for f in FIELDS:
        if f.name not in frame.columns:
            continue
        col = frame[f.name].astype(object).where(frame[f.name].notna(), "").astype(str)
        present = col != ""
        if not present.any():
            continue
        firsts = frame.loc[present, ["_file", "_line"]].assign(_v=col[present]).drop_duplicates("_v")
        for value, file, line in zip(firsts["_v"], firsts["_file"], firsts["_line"], strict=True):
            msg = _check_cell(f, value, schema)
            if msg:
                problems.append(Problem(str(file), int(line), f.name, msg))
    return problems


_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")  # finite: no nan, inf


def _bound(b: float | None) -> str:
    return "" if b is None else f"{b:g}"


def number_text(value: float) -> str:
    """The table cell of a ``float`` field: the shortest text that reads back as the same double.

    >>> number_text(-1.5), number_text(3.2e-07), number_text(2.0)
    ('-1.5', '3.2e-07', '2.0')
    """
    return repr(float(value))


def decimals(values: pd.Series) -> np.ndarray:
    """The cells of a ``float`` field as doubles (NaN where empty or not a number), once per
    distinct value with Python's ``float()``: the exact inverse of :func:`number_text` (pandas'
    own parser can be one unit in the last place off).

    >>> import pandas as pd
    >>> decimals(pd.Series(["1.6356635988990367", "", None, "x"], dtype="category")).tolist()
    [1.6356635988990367, nan, nan, nan]
    """
    import pandas as pd  # not at module level: evgraph.evidence is imported by commands that avoid pandas

    def one(v: object) -> float:
        try:
            return float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return np.nan

    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(), values.cat.categories
    else:
        codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    table = np.array([one(u) for u in uniques] + [np.nan], dtype=np.float64)
    return table[codes]


def _check_cell(f: EvidenceField, value: str, schema: Schema) -> str | None:
    items = [v.strip() for v in value.split(LIST_SEP) if v.strip()] if f.multi else [value.strip()]
    if not f.multi and LIST_SEP in value:
        return f"'{value}': {f.name} takes one value"
    for item in items:
        if f.kind == "enum":
            allowed = schema.vocabularies.get(f.vocabulary or "", ())
            if item not in allowed:
                return f"'{item}' is not one of {', '.join(allowed)}"
        elif f.kind == "curie":
            prefix, _, local = item.partition(":")
            info = schema.prefixes.get(prefix)
            if prefix != f.prefix or info is None or not re.match(info.pattern, local):
                return f"'{item}' is not a {f.prefix} CURIE"
        elif f.kind == "integer":
            if not re.fullmatch(r"\d+", item):
                return f"'{item}' is not a whole number"
            n = int(item)
            if (f.minimum is not None and n < f.minimum) or (f.maximum is not None and n > f.maximum):
                return f"{n} is outside [{_bound(f.minimum)}, {_bound(f.maximum)}]"
        elif f.kind == "float":
            if not _FLOAT.fullmatch(item):
                return f"'{item}' is not a decimal number"
            x = float(item)
            if (f.minimum is not None and x < f.minimum) or (f.maximum is not None and x > f.maximum):
                return f"{item} is outside [{_bound(f.minimum)}, {_bound(f.maximum)}]"
        elif f.pattern and not re.match(f.pattern, item):
            return f"'{item}' does not match {f.pattern}"
    return None
