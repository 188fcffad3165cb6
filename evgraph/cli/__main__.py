"""``python -m evgraph.cli``."""

import sys

from . import run

sys.exit(run())
