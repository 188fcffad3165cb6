"""The evgraph version, in one place (``pyproject.toml`` keeps the same string; a test checks)."""

__version__ = "0.1.0"
