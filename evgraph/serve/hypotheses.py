"""What the web app shows about hypotheses and the user's own data: predictions, cargo overlay, origin.

:class:`HypothesisService` is a part of :class:`~evgraph.serve.service.GraphService` (which
it is mixed into): link predictions (:func:`evgraph.analytics.predict.predict`, every row a
hypothesis, with whether the model was evaluated), a pasted or uploaded cargo table against a
receiver (:func:`evgraph.analytics.overlay.overlay`, with the mapping report of every row) and
the cargo set's tissue of origin (:func:`evgraph.analytics.origin.tissue_of_origin`, null
hypothesis and multiple-testing correction stated). Answers keep their result frame under a
private ``_frame`` key for the views and CSV downloads; :func:`public` drops it for JSON.

>>> public({"rows": [], "_frame": None, "origin": {"_frame": None, "note": "x"}})
{'rows': [], 'origin': {'note': 'x'}}
"""

from __future__ import annotations

from typing import Any

from ..analytics.origin import NULL_SUMMARY
from ..errors import EvgraphError
from .jsonable import jsonable, records


class HypothesisService:
    """Predictions, overlay and origin over ``self.kg`` (mixed into :class:`~evgraph.serve.service.GraphService`)."""

    kg: Any
    _cache: Any
    _stats_lock: Any
    _labels: Any

    # GraphService provides: resolve(term) -> node id, _node_brief(code) -> {id, label, class}
    resolve: Any
    _node_brief: Any

    def predictions(self, source_class: str = "CellType", target_class: str = "Condition",
                    target: str | None = None, top: int = 20) -> dict[str, Any]:
        """Predicted (unobserved) source -> target links, each a hypothesis (:func:`evgraph.analytics.predict.predict`).

        One model per (source class, target class), trained once and cached with its rows;
        ``target`` keeps one target node's rows.
        """
        from ..analytics.predict import LABELS

        known = sorted({a for a, b in LABELS if b == target_class})
        if target_class not in {b for _, b in LABELS}:
            raise EvgraphError(f"no prediction model for target class '{target_class}' "
                               f"(known: {', '.join(sorted({b for _, b in LABELS}))})")
        if source_class not in known:
            raise EvgraphError(f"no prediction model for {source_class} -> {target_class} "
                               f"(source classes for {target_class}: {', '.join(known)})")
        t = self.resolve(target) if target else None
        return self._cache.get(("predictions", source_class, target_class, t, top),
                               lambda: self._predictions(source_class, target_class, t, top))

    def _predictions(self, source_class: str, target_class: str, target: str | None, top: int) -> dict[str, Any]:
        from ..analytics.predict import predict

        with self._stats_lock:
            df = predict(self.kg, [source_class], target_class, target=target, top=top)
        model = jsonable(next(iter(df.attrs.get("models", {}).values()), {}))
        return {"source_class": source_class, "target_class": target_class,
                "target": self._node_brief(self.kg.index_of(target)) if target else None,
                "rows": records(df), "model": model, "method": "evgraph.analytics.predict",
                "hypothesis": True, "note": PREDICTION_NOTE,
                "evaluated": (source_class, target_class) in EVALUATED_MODELS,
                "evaluation_note": EVALUATED_MODELS.get((source_class, target_class), NOT_EVALUATED)}

    def _mapper(self, classes: tuple[str, ...]) -> Any:
        from ..userdata import NameMapper

        return self._cache.get(("mapper", classes), lambda: NameMapper(self.kg, classes))

    def user_table(self, text: str, name: str, classes: tuple[str, ...]) -> Any:
        """A pasted or uploaded table mapped onto the graph (:func:`evgraph.userdata.parse_table`)."""
        from ..userdata import parse_table

        return parse_table(text, name, self.kg, classes=classes, mapper=self._mapper(classes))

    def overlay(self, cargo: str, receiver: str | None = None, receiver_table: str | None = None, *,
                q_max: float = 0.05, min_abs_log2fc: float = 0.0, restart: float = 0.5, top: int = 50,
                with_origin: bool = True) -> dict[str, Any]:
        """A lab's cargo table (text) ranked against a receiver node or a receiver gene list / DE table (text).

        See :func:`evgraph.analytics.overlay.overlay`; the mapping report names every row that
        did not map (line, value, reason), and ``origin`` is the cargo set's tissue of origin.
        """
        from ..analytics.overlay import overlay
        from ..userdata import receiver_set

        if bool(receiver) == bool(receiver_table):
            raise EvgraphError("give a receiver node (CellType or Organ) or a receiver gene table, not both")
        table = self.user_table(cargo, "cargo", CARGO_CLASSES)
        background: list[str] | None = None
        recv_report = None
        if receiver_table:
            rt = self.user_table(receiver_table, "receiver", ("Gene",))
            recv, background = receiver_set(rt, q_max=q_max, min_abs_log2fc=min_abs_log2fc)
            rec_arg: Any = recv
            recv_report = mapping_report(rt)
            receiver_name = "receiver gene set"
        else:
            assert receiver is not None
            rec_arg = self.resolve(receiver)
            receiver_name = str(self._labels[self.kg.index_of(rec_arg)])
        df = overlay(self.kg, table.frame, rec_arg, background=background or None, restart=restart, top=top or None)
        out: dict[str, Any] = {
            "receiver": ({**self._node_brief(self.kg.index_of(rec_arg)), "genes": int(df.attrs["receiver_size"])}
                         if isinstance(rec_arg, str) else {"label": receiver_name,
                                                           "genes": int(df.attrs["receiver_size"])}),
            "background_size": int(df.attrs["background_size"]), "restart": restart,
            "cargo_mapping": mapping_report(table), "receiver_mapping": recv_report,
            "not_in_network": list(df.attrs["not_in_network"]), "rows": records(df),
            "method": "evgraph.analytics.overlay", "note": OVERLAY_NOTE, "origin": None}
        if with_origin:
            try:
                out["origin"] = self._origin(table.frame["id"].tolist(), ("Organ", "CellType"), 10)
            except EvgraphError as exc:
                out["origin"] = {"error": str(exc)}
        out["_frame"] = df  # for the view and CSV (dropped from JSON answers)
        return out

    def origin(self, cargo: str, classes: tuple[str, ...] = ("Organ", "CellType"), top: int = 20) -> dict[str, Any]:
        """Tissue of origin of a cargo table (text): :func:`evgraph.analytics.origin.tissue_of_origin`."""
        table = self.user_table(cargo, "cargo", CARGO_CLASSES)
        return {"cargo_mapping": mapping_report(table), **self._origin(table.frame["id"].tolist(), classes, top)}

    def _origin(self, ids: list[str], classes: tuple[str, ...], top: int) -> dict[str, Any]:
        from ..analytics.origin import tissue_of_origin

        for c in classes:
            if c not in self.kg.schema.classes:
                raise EvgraphError(f"unknown class '{c}'")
        df = tissue_of_origin(self.kg, ids, classes=list(classes), top=top or None)
        return {"rows": records(df), "universes": jsonable(dict(df.attrs)), "method": "evgraph.analytics.origin",
                "note": ORIGIN_NOTE, "_frame": df}


#: Node classes a cargo table may name.
CARGO_CLASSES = ("Gene", "MicroRNA", "RNA", "Lipid", "Metabolite")

PREDICTION_NOTE = ("Every row is a HYPOTHESIS: an unobserved pair scored by a logistic model on metapath features "
                   "(DWPC, signed DWPC, node degrees) trained on the curated links against degree-matched "
                   "negatives. The score estimates the probability that a pair of this kind is a curated link, "
                   "not that the biology is true; it is explained by the metapaths that add most to it.")
#: Prediction models whose held-out performance was measured (benchmarks/bench_predict.py), and what it showed.
EVALUATED_MODELS = {
    ("CellType", "Condition"): ("Evaluated by 5-fold cross-validation (benchmarks/bench_predict.py): on the curated "
                                "KB alone the model does not beat node degree; on the full public build it ranks "
                                "held-out links better than degree."),
    ("Organ", "Condition"): ("Evaluated by 5-fold cross-validation (benchmarks/bench_predict.py): on the full public "
                             "build its AUROC is about that of the degree baseline."),
}
NOT_EVALUATED = "This model's held-out performance was not measured: treat its ranking as untested."
OVERLAY_NOTE = ("Activity = AUPR of each cargo's regulatory potential (personalised PageRank over the priors in the "
                "graph, NicheNet/EV-Net style) against the receiver genes, minus the background rate (0 = no better "
                "than chance). It ranks cargo by prior-network proximity to the receiver set; it is not a test "
                "and carries no p-value. Mechanisms are paths in the prior network (a hypothesis of how).")
ORIGIN_NOTE = NULL_SUMMARY


def public(answer: dict[str, Any]) -> dict[str, Any]:
    """``answer`` without its private ``_`` keys (frames kept for views and downloads), nested dicts too."""
    return {k: public(v) if isinstance(v, dict) else v for k, v in answer.items() if not k.startswith("_")}


def mapping_report(table: Any) -> dict[str, Any]:
    """How many rows of a user table mapped, which did not (line, value, reason, candidates)."""
    flagged = table.report[table.report["mapped_by"].astype(str).str.contains("ortholog", na=False)]
    return {"rows": len(table.report), "mapped": int(table.mapped),
            "ortholog_by_name": len(flagged), "unmapped": jsonable(table.unmapped)}
