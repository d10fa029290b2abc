"""Hostile values for property tests: what a careless caller, a broken form or an attacker can
hand the library (NaN, infinities, huge and negative numbers, text, None, booleans, containers)."""

from __future__ import annotations

from hypothesis import strategies as st

hostile_numbers = st.sampled_from(
    [float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 10**400, -(10**400), -1, -0.5, 0.5]
) | st.floats(allow_nan=True, allow_infinity=True)
hostile_scalars = (
    hostile_numbers
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(["nan", "inf", "-1", "1e999", "abc", "", " ", "5", "1.5"])
    | st.none()
    | st.booleans()
)
hostile = st.recursive(
    hostile_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
