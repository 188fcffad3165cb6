"""Deterministic force-directed layout, computed in Python so the browser does no physics.

A vectorised Fruchterman-Reingold (numpy, float32) with a fixed seed and an iteration budget
that shrinks with the graph, so a 2,000-node view is laid out in well under a second; the
page then shows fixed positions at once (vis-network's own physics needed minutes).

>>> import numpy as np
>>> pos = spring_layout(4, np.array([0, 1, 2]), np.array([1, 2, 3]), seed=1)
>>> pos.shape
(4, 2)
>>> bool((pos == spring_layout(4, np.array([0, 1, 2]), np.array([1, 2, 3]), seed=1)).all())
True
"""

from __future__ import annotations

import numpy as np

#: Cost budget in pair-evaluations (n^2 x iterations); about 0.6 s on one core.
WORK_BUDGET = 1.0e8
#: rows of the pairwise repulsion computed at once (a block of float32 rows stays in cache;
#: the per-row sums, and so the positions, are those of the whole matrix at once)
BLOCK_ROWS = 128


def iterations_for(n: int) -> int:
    """Iterations used for ``n`` nodes: 150 for small graphs, down to 20 for large ones."""
    if n <= 1:
        return 0
    return int(min(150, max(20, WORK_BUDGET // (n * n))))


def spring_layout(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray | None = None, *,
                  seed: int = 7, iterations: int | None = None, scale: float | None = None,
                  gravity: float = 0.01) -> np.ndarray:
    """Positions (``n`` x 2, float64, pixels) for a graph given by edge code arrays.

    ``weight`` strengthens the springs of heavy edges; ``scale`` is the radius holding 90% of
    the nodes, in pixels (default grows with the square root of ``n``); ``gravity`` pulls
    components towards the centre.
    """
    if scale is None:
        scale = 150.0 + 45.0 * np.sqrt(max(n, 1))
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2), dtype=np.float32) - np.float32(0.5)
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    keep = src != dst
    src, dst = src[keep], dst[keep]
    w = (np.ones(len(src), dtype=np.float32) if weight is None
         else np.log1p(np.asarray(weight, dtype=np.float32)[keep]).astype(np.float32) + np.float32(1.0))
    k = np.float32(1.0 / np.sqrt(n))
    iters = iterations_for(n) if iterations is None else iterations
    temp = np.float32(0.1)
    cool = temp / np.float32(iters + 1)
    eps = np.float32(1e-4)
    rows = min(n, BLOCK_ROWS)  # the n x n repulsion in blocks of rows that stay in cache
    dx = np.empty((rows, n), dtype=np.float32)
    dy = np.empty((rows, n), dtype=np.float32)
    d2 = np.empty((rows, n), dtype=np.float32)
    tmp = np.empty((rows, n), dtype=np.float32)
    k2 = k * k
    for _ in range(iters):
        x = pos[:, 0]
        y = pos[:, 1]
        disp = np.empty((n, 2), dtype=np.float32)
        for a in range(0, n, rows):
            b = min(a + rows, n)
            bx, by, b2, bt = dx[:b - a], dy[:b - a], d2[:b - a], tmp[:b - a]
            np.subtract(x[a:b, None], x[None, :], out=bx)
            np.subtract(y[a:b, None], y[None, :], out=by)
            np.multiply(bx, bx, out=b2)
            np.multiply(by, by, out=bt)
            b2 += bt
            np.maximum(b2, eps * eps, out=b2)
            np.divide(k2, b2, out=b2)  # repulsion k^2 / d, times the unit vector d / |d|
            disp[a:b, 0] = np.einsum("ij,ij->i", bx, b2)
            disp[a:b, 1] = np.einsum("ij,ij->i", by, b2)
        if len(src):
            delta = pos[src] - pos[dst]
            length = np.sqrt((delta * delta).sum(axis=1))[:, None]
            pull = delta * (length * w[:, None] / k)
            np.add.at(disp, src, -pull)
            np.add.at(disp, dst, pull)
        disp -= pos * np.float32(gravity * np.sqrt(n))  # gentle gravity keeps components together
        norm = np.sqrt((disp * disp).sum(axis=1))
        np.maximum(norm, np.float32(1e-9), out=norm)
        pos += disp * (np.minimum(norm, temp) / norm)[:, None]
        temp -= cool
    pos = pos.astype(np.float64)
    pos -= pos.mean(axis=0)
    radius = np.sqrt((pos * pos).sum(axis=1))
    extent = float(np.percentile(radius, 90))  # a few far-flung isolates do not squeeze the rest
    if extent > 0:
        pos *= scale / extent
        radius *= scale / extent
        far = radius > 1.25 * scale  # isolates and stray components go on a ring just outside
        pos[far] *= (1.25 * scale / radius[far])[:, None]
    return np.round(pos, 1)


# ---------------------------------------------------------------------- label placement
#: Font size of node labels in the views (vis-network canvas units) and the measured geometry of
#: its labels: average glyph width (0.556 em measured in Chromium, rounded up) and the gap
#: between a shape and the label drawn under it.
FONT_SIZE = 14
CHAR_WIDTH = 0.6 * FONT_SIZE
LABEL_GAP = 11.0
WRAP = 26
INSIDE_LABEL_SHAPES = frozenset({"box", "ellipse", "circle", "database", "text"})
#: Labels inside a shape (the crosstalk view's condition-category boxes) are bigger blocks.
BOX_FONT_SIZE = 40
BOX_MARGIN = 12


def wrap_label(text: str, width: int = WRAP, max_lines: int = 3) -> str:
    """A label broken into lines of at most ``width`` characters (at spaces), at most ``max_lines``.

    >>> wrap_label("neuron extracellular vesicle in Alzheimer disease (NO005)")
    'neuron extracellular\\nvesicle in Alzheimer\\ndisease (NO005)'
    >>> wrap_label("heart")
    'heart'
    """
    import textwrap

    lines = textwrap.wrap(str(text), width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], textwrap.shorten(" ".join(lines[max_lines - 1:]), width, placeholder="\u2026")]
    return "\n".join(lines)


def label_boxes(pos: np.ndarray, labels: list[str], sizes: np.ndarray, shapes: list[str],
                font: float = FONT_SIZE) -> np.ndarray:
    """Boxes ``(left, top, right, bottom)`` of the labels as vis-network draws them (under the shape,
    or inside a box), for labels with ``\\n`` line breaks; an empty label gets an empty box."""
    out = np.zeros((len(labels), 4))
    for i, text in enumerate(labels):
        if not text:
            out[i] = (pos[i, 0], pos[i, 1], pos[i, 0], pos[i, 1])
            continue
        lines = text.split("\n")
        inside = shapes[i] in INSIDE_LABEL_SHAPES
        f = BOX_FONT_SIZE if inside else font
        w = max(len(line) for line in lines) * CHAR_WIDTH * f / FONT_SIZE + 4 + (2 * BOX_MARGIN if inside else 0)
        h = f * len(lines) + 2 + (2 * BOX_MARGIN if inside else 0)
        x, y = pos[i]
        top = y - h / 2 if inside else y + sizes[i] + LABEL_GAP - 1
        out[i] = (x - w / 2, top, x + w / 2, top + h)
    return out


def _shape_boxes(pos: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return np.column_stack([pos[:, 0] - sizes, pos[:, 1] - sizes, pos[:, 0] + sizes, pos[:, 1] + sizes])


def _overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise overlap depth in x and y of two box arrays (n x m x 2; <= 0 means apart)."""
    dx = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    dy = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    return np.stack([dx, dy], axis=-1)


def declutter(pos: np.ndarray, labels: list[str], sizes: np.ndarray, shapes: list[str], priority: np.ndarray, *,
              move: bool = True, iterations: int = 80, pad: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Positions nudged so labels do not overlap each other or other shapes, and which labels to show.

    With ``move`` (small views) overlapping nodes are pushed apart along the axis of least
    overlap for up to ``iterations`` rounds (a node with a label is a box: its shape and the
    label under it). Then, best ``priority`` first, a label is shown only if its box is clear
    of every label already shown and of every node shape (its own excepted); the others are
    hidden (the node keeps its full name in the tooltip and the search). Returns the new
    positions and a boolean array: show the label.

    >>> pos = np.array([[0.0, 0.0], [5.0, 0.0]])
    >>> new, show = declutter(pos, ["alpha", "beta"], np.array([8.0, 8.0]), ["dot", "dot"], np.array([2.0, 1.0]))
    >>> bool(show.all()), bool(abs(new[0, 0] - new[1, 0]) > 40)
    (True, True)
    """
    pos = np.asarray(pos, dtype=float).copy()
    n = len(pos)
    sizes = np.asarray(sizes, dtype=float)
    if n == 0:
        return pos, np.zeros(0, dtype=bool)
    if move and n > 1:
        # first give the labels room: spread the layout until the boxes fill at most 35% of it
        lab = label_boxes(pos, labels, sizes, shapes)
        need = float(((lab[:, 2] - lab[:, 0] + 2 * pad) * (lab[:, 3] - lab[:, 1] + 2 * sizes + 2 * pad)).sum())
        span = np.ptp(pos, axis=0) + 1.0
        have = float(span[0] * span[1])
        if need > 0.35 * have:
            centre = pos.mean(axis=0)
            pos = centre + (pos - centre) * min(4.0, float(np.sqrt(need / (0.35 * have))))
        for _ in range(iterations):
            lab = label_boxes(pos, labels, sizes, shapes)
            shp = _shape_boxes(pos, sizes)
            box = np.column_stack([np.minimum(lab[:, 0], shp[:, 0]), np.minimum(lab[:, 1], shp[:, 1]),
                                   np.maximum(lab[:, 2], shp[:, 2]), np.maximum(lab[:, 3], shp[:, 3])])
            box[:, :2] -= pad
            box[:, 2:] += pad
            depth = _overlap(box, box)
            hit = (depth[..., 0] > 0) & (depth[..., 1] > 0)
            np.fill_diagonal(hit, False)
            if not hit.any():
                break
            i, j = np.nonzero(np.triu(hit))
            dx, dy = depth[i, j, 0], depth[i, j, 1]
            along_x = dx < dy
            cx = (box[:, 0] + box[:, 2]) / 2
            cy = (box[:, 1] + box[:, 3]) / 2
            sx = np.where(cx[i] <= cx[j], -1.0, 1.0)
            sy = np.where(cy[i] <= cy[j], -1.0, 1.0)
            push = np.zeros((n, 2))
            np.add.at(push, (i, 0), np.where(along_x, sx * dx / 2, 0.0))
            np.add.at(push, (j, 0), np.where(along_x, -sx * dx / 2, 0.0))
            np.add.at(push, (i, 1), np.where(along_x, 0.0, sy * dy / 2))
            np.add.at(push, (j, 1), np.where(along_x, 0.0, -sy * dy / 2))
            pos += push * 1.05
    lab = label_boxes(pos, labels, sizes, shapes)
    shp = _shape_boxes(pos, sizes)
    show = np.zeros(n, dtype=bool)
    cell = 160.0
    grid: dict[tuple[int, int], list[int]] = {}
    shape_grid: dict[tuple[int, int], list[int]] = {}

    def cells(b: np.ndarray):
        for gx in range(int(np.floor(b[0] / cell)), int(np.floor(b[2] / cell)) + 1):
            for gy in range(int(np.floor(b[1] / cell)), int(np.floor(b[3] / cell)) + 1):
                yield gx, gy

    for k in range(n):
        for c in cells(shp[k]):
            shape_grid.setdefault(c, []).append(k)
    for k in np.lexsort((np.arange(n), -np.asarray(priority, dtype=float))):
        if not labels[k]:
            continue
        b = lab[k]
        clear = True
        for c in cells(b):
            for other in grid.get(c, ()):
                o = lab[other]
                if b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3]:
                    clear = False
                    break
            if clear:
                for other in shape_grid.get(c, ()):
                    o = shp[other]
                    if other != k and b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3]:
                        clear = False
                        break
            if not clear:
                break
        if clear:
            show[k] = True
            for c in cells(b):
                grid.setdefault(c, []).append(int(k))
    return np.round(pos, 1), show
