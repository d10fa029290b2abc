"""Least squares for the tall, thin regressions of the trigger effects (analysis/dlm.py).

Each hit's distributed-lag model solves four regressions of up to 3,650 days on at most 21
columns, and a ten-year diary has about a hundred hits. ``numpy.linalg.lstsq`` computes an SVD
each time; the normal equations with a Cholesky factor give the same answer (to rounding) in a
fifth of the time, because forming X'X is one BLAS call. Their weakness is conditioning (the
error grows with cond(X)^2), so the factor is only used when LAPACK's estimate of the Gram
matrix's reciprocal condition number, after scaling its diagonal to 1, is comfortably large;
otherwise the SVD answers, exactly as before.

X'X is summed over blocks of rows (analysis/blas.py): as one product it is split across BLAS
threads on a long diary, and on a busy machine the SVD and that product took up to 350 ms and
48 ms instead of 1 and 0.1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import lapack

from flarewise.analysis.blas import crossprod
from flarewise.analysis.grid import Array

# cond(X'X) up to 1e8 (cond(X) up to 1e4) keeps the normal equations' relative error near
# 1e-8 at worst; the regressions here are usually far better conditioned than that.
MIN_RCOND = 1e-8


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
    """X'X on one BLAS thread."""
    return crossprod(X, X)


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
