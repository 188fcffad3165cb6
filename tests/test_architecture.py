"""The package's shape: sources -> normalise -> build -> model -> {analytics, query, formats, viz, atlas}.

These tests read the source with :mod:`ast` (nothing is imported), so they see every import,
including the ones inside functions:

* the import graph of ``evgraph`` has no circle;
* no module imports another module's private name (``from .x import _y``), and nothing
  outside a package imports that package's private modules;
* the model (``model.py``) and the modules it stands on import nothing above them;
* no module is longer than about 500 lines unless its docstring says why (``Size: ...``);
* readers are pure: no reader module imports the builder.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PKG = Path(__file__).resolve().parent.parent / "evgraph"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node, skipping ``if TYPE_CHECKING:`` blocks (not run)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_pkg = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_pkg else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def import_edges() -> list[tuple[str, str, str, int]]:
    """(importer, imported module, imported name or '', line) for every evgraph-internal import."""
    out = []
    for mod, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("evgraph"):
                        out.append((mod, alias.name, "", node.lineno))
                continue
            target = _resolve(mod, node)
            if not target.startswith("evgraph"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    out.append((mod, sub, "", node.lineno))
                else:
                    out.append((mod, target, alias.name, node.lineno))
    return out


EDGES = import_edges()


def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(MODULES)
    for a, b, _name, _line in EDGES:
        if a != b:
            g.add_edge(a, b)
    return g


def test_the_import_graph_reads_every_module():
    assert {"evgraph.model", "evgraph.build.builder", "evgraph.formats.rdf.writer", "evgraph.cli.app"} <= set(MODULES)
    assert ("evgraph.api", "evgraph.build.normalise") in {(a, b) for a, b, _n, _l in EDGES}


def test_no_import_circle():
    cycles = sorted(nx.simple_cycles(graph()), key=len)
    assert not cycles, "import circles: " + "; ".join(" -> ".join([*c, c[0]]) for c in cycles[:10])


def test_no_private_name_crosses_a_module():
    bad = [f"{MODULES[a].relative_to(PKG.parent)}:{line}: {b}.{name}" for a, b, name, line in EDGES
           if name.startswith("_") and not name.startswith("__") and a != b]
    assert not bad, "private names imported from another module:\n" + "\n".join(bad)


def test_private_modules_stay_in_their_package():
    bad = []
    for a, b, _name, line in EDGES:
        parts = b.split(".")
        private = [i for i, p in enumerate(parts) if p.startswith("_") and not p.startswith("__")]
        if not private:
            continue
        owner = ".".join(parts[: private[0]])
        if a != owner and not a.startswith(owner + "."):
            bad.append(f"{a}:{line} imports {b}")
    assert not bad, "\n".join(bad)


#: The ground floor: what the model stands on. Nothing here imports anything else of evgraph.
GROUND = {"evgraph.model", "evgraph.schema", "evgraph.errors", "evgraph.evidence", "evgraph._version",
          "evgraph.tabular", "evgraph.atomic", "evgraph.identifiers"}


def test_model_imports_nothing_above_it():
    reach = nx.descendants(graph(), "evgraph.model")
    above = sorted(reach - GROUND)
    assert not above, f"evgraph.model reaches up to: {', '.join(above)}"


def test_no_module_over_500_lines_without_a_reason():
    long = []
    for path in MODULES.values():
        n = len(path.read_text(encoding="utf-8").splitlines())
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        if n > MAX_LINES and "Size:" not in doc:
            long.append(f"{path.relative_to(PKG.parent)}: {n} lines")
    assert not long, "modules over 500 lines with no 'Size: <reason>' in their docstring:\n" + "\n".join(long)


READER_MODULES = [*sorted(m for m in MODULES if m.startswith("evgraph.sources")),
                  "evgraph.formats.kgx", "evgraph.formats.rdf.reader"]


@pytest.mark.parametrize("module", READER_MODULES)
def test_readers_do_not_touch_a_builder(module):
    """A reader may use the build's validation functions, never a builder (nor add records to one)."""
    text = MODULES[module].read_text(encoding="utf-8")
    assert "GraphBuilder" not in text
    assert ".add_nodes(" not in text and ".add_edges(" not in text
