"""Bounded scalar minimisation (Brent's method with golden-section fallback), as
``scipy.optimize.minimize_scalar(method="bounded")`` does it.

Why a copy: ``import scipy.optimize`` costs about 0.1 s of CPU (it loads linprog, the sparse
matrices and spatial along with it), and ``flarewise insights`` needs one bounded search per
regimen start (the AR(1) coefficient in analysis/ar1.py). This is the same algorithm, step for
step, as SciPy 1.17's ``_minimize_scalar_bounded`` (BSD-3-Clause; itself after Forsythe,
Malcolm & Moler, *Computer Methods for Mathematical Computations*, 1977, ``fmin``), so it visits
the same points and returns the same minimiser; tests/test_special_functions.py compares the
two on several functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable

SQRT_EPS = math.sqrt(2.2e-16)
GOLDEN = 0.5 * (3.0 - math.sqrt(5.0))


def _sign(x: float) -> float:
    """np.sign for a float, with 0 counted as +1 (SciPy's ``np.sign(x) + (x == 0)``)."""
    if math.isnan(x):
        return x
    return 1.0 if x >= 0 else -1.0


def minimize_bounded(
    func: Callable[[float], float],
    lower: float,
    upper: float,
    xatol: float = 1e-5,
    maxiter: int = 500,
) -> float:
    """The minimiser of ``func`` on [lower, upper], to within ``xatol``."""
    if not (math.isfinite(lower) and math.isfinite(upper)) or lower > upper:
        raise ValueError("the bounds must be finite, the lower one first")
    a, b = lower, upper
    fulc = a + GOLDEN * (b - a)
    nfc = xf = fulc
    rat = e = 0.0
    fx = func(xf)
    num = 1
    ffulc = fnfc = fx
    xm = 0.5 * (a + b)
    tol1 = SQRT_EPS * abs(xf) + xatol / 3.0
    tol2 = 2.0 * tol1
    while abs(xf - xm) > tol2 - 0.5 * (b - a):
        golden = True
        if abs(e) > tol1:  # try a parabola through the three best points
            golden = False
            r = (xf - nfc) * (fx - ffulc)
            q = (xf - fulc) * (fx - fnfc)
            p = (xf - fulc) * q - (xf - nfc) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            r = e
            e = rat
            if abs(p) < abs(0.5 * q * r) and p > q * (a - xf) and p < q * (b - xf):
                rat = (p + 0.0) / q
                x = xf + rat
                if (x - a) < tol2 or (b - x) < tol2:
                    rat = tol1 * _sign(xm - xf)
            else:
                golden = True
        if golden:
            e = a - xf if xf >= xm else b - xf
            rat = GOLDEN * e
        x = xf + _sign(rat) * max(abs(rat), tol1)
        fu = func(x)
        num += 1
        if fu <= fx:
            if x >= xf:
                a = xf
            else:
                b = xf
            fulc, ffulc = nfc, fnfc
            nfc, fnfc = xf, fx
            xf, fx = x, fu
        else:
            if x < xf:
                a = x
            else:
                b = x
            if fu <= fnfc or nfc == xf:
                fulc, ffulc = nfc, fnfc
                nfc, fnfc = x, fu
            elif fu <= ffulc or fulc == xf or fulc == nfc:  # noqa: SIM109 (`in` would match a NaN)
                fulc, ffulc = x, fu
        xm = 0.5 * (a + b)
        tol1 = SQRT_EPS * abs(xf) + xatol / 3.0
        tol2 = 2.0 * tol1
        if num >= maxiter:
            break
    return xf
