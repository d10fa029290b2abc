"""False-discovery control across every test run (Benjamini-Hochberg 1995; Benjamini-Yekutieli
2001 for arbitrary dependence)."""

from __future__ import annotations

from typing import Literal

import numpy as np

from flarewise.analysis.grid import Array


def qvalues(p: Array, method: Literal["bh", "by"] = "bh") -> Array:
    """Adjusted p-values (q); NaN p-values stay NaN and do not count as tests."""
    p = np.asarray(p, dtype=float)
    q = np.full_like(p, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    if method == "by":
        ranked *= np.sum(1.0 / np.arange(1, m + 1))
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q
