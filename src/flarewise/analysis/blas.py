"""Matrix products that stay on one BLAS thread, whatever the machine is doing.

OpenBLAS splits a product across threads once m * n * k exceeds 65,536 x 4, which the screen's
and the effects' products do on a diary of a few years (3,650 days x 100 measures x 12
outcomes), and then waits for the other threads. On a machine whose cores are busy with other
work, that wait made a 3,650 x 100 by 3,650 x 12 product take 40 ms instead of 0.35 ms, and a
100 x 100 one 730 ms instead of 7 (measured on the 2-core development machine at a load of
14); the effects' X'X 48 ms instead of 0.1 at the 90th percentile. Summing products of blocks
of rows, each small enough to stay on the calling thread, costs the same arithmetic and gives
the same result to rounding, and the time no longer depends on the neighbours.
"""

from __future__ import annotations

import numpy as np

from flarewise.analysis.grid import Array

# OpenBLAS threads a product when m * n * k > 65,536 x 4 (GEMM_MULTITHREAD_THRESHOLD 4).
BLOCK_PRODUCT = 200_000


def crossprod(a: Array, b: Array) -> Array:
    """a.T @ b for row-aligned a (n x p) and b (n x q), summed over blocks of rows."""
    n = a.shape[0]
    step = max(1, BLOCK_PRODUCT // max(1, a.shape[1] * b.shape[1]))
    if step >= n:
        return np.asarray(a.T @ b, dtype=float)
    out = np.zeros((a.shape[1], b.shape[1]))
    for s in range(0, n, step):
        out += a[s : s + step].T @ b[s : s + step]
    return out
