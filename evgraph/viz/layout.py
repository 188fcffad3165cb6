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
    dx = np.empty((n, n), dtype=np.float32)
    dy = np.empty((n, n), dtype=np.float32)
    d2 = np.empty((n, n), dtype=np.float32)
    tmp = np.empty((n, n), dtype=np.float32)
    k2 = k * k
    for _ in range(iters):
        x = pos[:, 0]
        y = pos[:, 1]
        np.subtract(x[:, None], x[None, :], out=dx)
        np.subtract(y[:, None], y[None, :], out=dy)
        np.multiply(dx, dx, out=d2)
        np.multiply(dy, dy, out=tmp)
        d2 += tmp
        np.maximum(d2, eps * eps, out=d2)
        np.divide(k2, d2, out=d2)  # repulsion k^2 / d, times the unit vector d / |d|
        disp = np.empty((n, 2), dtype=np.float32)
        disp[:, 0] = np.einsum("ij,ij->i", dx, d2)
        disp[:, 1] = np.einsum("ij,ij->i", dy, d2)
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
