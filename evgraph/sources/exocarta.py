"""ExoCarta (exocarta.org) release files: ``--source exocarta=FOLDER``.

The same layout as Vesiclepedia (``EXOCARTA_PROTEIN_MRNA_DETAILS_5.txt``,
``EXOCARTA_MIRNA_DETAILS_5.txt``, ``EXOCARTA_LIPID_DETAILS_5.txt``,
``EXOCARTA_EXPERIMENT_DETAILS_5.txt``, whichever are present; v5 ``EXPERIMENT ID`` and v6
``EXPERIMENT_ID`` headers both work). ExoCarta catalogues exosomes, so an experiment without
a vesicle type is linked to GO:0070062 (extracellular exosome); edges carry
``infores:exocarta``. See :mod:`evgraph.sources.vesiclepedia` for the records made.
"""

from __future__ import annotations

from .vesiclepedia import read_exocarta

__all__ = ["read_exocarta"]
