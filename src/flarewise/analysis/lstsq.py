"""Least squares for the tall, thin regressions of the trigger effects (analysis/dlm.py).

Each hit's distributed-lag model solves four regressions of up to 3,650 days on at most 21
columns, and a ten-year diary has about a hundred hits. ``numpy.linalg.lstsq`` computes an SVD
each time; the normal equations with a Cholesky factor give the same answer (to rounding) in a
fifth of the time, because forming X'X is one BLAS call. Their weakness is conditioning (the
error grows with cond(X)^2), so the factor is only used when LAPACK's estimate of the Gram
matrix's reciprocal condition number, after scaling its diagonal to 1, is comfortably large;
otherwise the SVD answers, exactly as before.

X'X is summed over blocks of rows small enough that OpenBLAS runs each product on one thread:
one 3,650 x 21 product is large enough to be split across threads, and on a machine whose cores
are busy the waiting threads made it up to 400x slower (48 ms at the 90th percentile instead of
0.1 ms, and the SVD 350 ms), while the blocks take 0.1 ms however busy the machine is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

from flarewise.analysis.grid import Array

# cond(X'X) up to 1e8 (cond(X) up to 1e4) keeps the normal equations' relative error near
# 1e-8 at worst; the regressions here are usually far better conditioned than that.
MIN_RCOND = 1e-8
# OpenBLAS multithreads a matrix product once m * n * k exceeds 65,536 x 4.
BLOCK_PRODUCT = 200_000


@dataclass(frozen=True)
class LeastSquares:
    beta: Array
    cholesky: Array | None  # upper factor of the scaled X'X, or None when the SVD answered
    scale: Array  # column scaling used with ``cholesky``

    def inverse_gram(self, X: Array) -> Array:
        """(X'X)^-1 for the same X; raises numpy's LinAlgError when it is singular."""
        if self.cholesky is None:
            return np.asarray(np.linalg.inv(gram_matrix(X)), dtype=float)
        k = len(self.scale)
        inv, _ = lapack.dpotrs(self.cholesky, np.eye(k))
        return np.asarray(inv * np.outer(self.scale, self.scale), dtype=float)


def gram_matrix(X: Array) -> Array:
    """X'X, summed over blocks of rows that each stay on one BLAS thread."""
    n, k = X.shape
    step = max(1, BLOCK_PRODUCT // max(1, k * k))
    gram = np.zeros((k, k))
    for s in range(0, n, step):
        block = X[s : s + step]
        gram += block.T @ block
    return gram


def least_squares(X: Array, y: Array) -> LeastSquares:
    """The coefficients minimising |y - X b|, by Cholesky when X is well conditioned and by
    ``numpy.linalg.lstsq`` (SVD, minimum norm) otherwise."""
    k = X.shape[1]
    gram = gram_matrix(X)
    diag = np.diag(gram)
    if X.shape[0] >= k and np.all(diag > 0) and np.all(np.isfinite(gram)):
        scale = 1.0 / np.sqrt(diag)
        scaled = gram * np.outer(scale, scale)
        factor, info = lapack.dpotrf(scaled, lower=0, clean=1)
        if info == 0:
            rcond, info = lapack.dpocon(factor, 1.0 * np.abs(scaled).sum(axis=0).max())
            if info == 0 and rcond > MIN_RCOND:
                z, _ = lapack.dpotrs(factor, scale * (X.T @ y))
                return LeastSquares(np.asarray(z * scale, dtype=float), factor, scale)
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    return LeastSquares(np.asarray(beta, dtype=float), None, np.ones(k))
