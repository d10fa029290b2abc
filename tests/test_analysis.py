"""The statistics against reference implementations and by simulation (analysis-methods.md)."""

from __future__ import annotations

import warnings
from datetime import date

import numpy as np
import pytest
from scipy import stats

from flarewise.analysis.ar1 import fit_effect, prewhiten
from flarewise.analysis.fdr import qvalues
from flarewise.analysis.flares import detect_flares
from flarewise.analysis.grid import DailyGrid
from flarewise.analysis.nof1 import PeriodMean, analyze, paired_blocks, randomisation_p
from flarewise.analysis.triggers import lagged_screen, masked_corr

from .simulate import ar1, randomised_trial


@pytest.mark.parametrize("seed", range(5))
def test_ar1_fit_agrees_with_statsmodels_sarimax(seed: int) -> None:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    rng = np.random.default_rng(seed)
    y, arm, _, _ = randomised_trial(rng)
    x = (arm == 1).astype(float)
    y = np.where(arm == -1, np.nan, y)
    ours = fit_effect(y, x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = SARIMAX(y, exog=x[:, None], order=(1, 0, 0), trend="c").fit(disp=False)
    assert ours.effect == pytest.approx(ref.params[1], abs=2e-3)
    assert ours.phi == pytest.approx(ref.params[2], abs=2e-3)
    assert ours.se == pytest.approx(ref.bse[1], rel=0.1)


def _simulate(effect: float, n: int, seed: int) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    covered = excluded = helped = 0
    for _ in range(n):
        y, arm, per, blk = randomised_trial(rng, effect=effect)
        r = analyze(y, arm, per, blk, randomised=True, meaningful=1.0)
        assert r.primary is not None
        covered += r.primary.ci_low <= effect <= r.primary.ci_high
        excluded += r.primary.ci_high < 0 or r.primary.ci_low > 0
        helped += r.primary.ci_high < 0
    return covered / n, excluded / n, helped / n


def test_simulation_coverage_and_false_positives() -> None:
    """500 simulated randomised trials (6 blocks, AR(1) phi 0.6, 8 % missing days): 95 %
    intervals cover the true effect 90-98 % of the time; at zero effect, fewer than 7 % are
    declared effective (interval excluding zero)."""
    coverage, _, power = _simulate(-0.8, 500, seed=11)
    assert 0.90 <= coverage <= 0.98
    assert power > 0.4  # and it does find a real -0.8 effect often
    null_coverage, two_sided, declared_effective = _simulate(0.0, 500, seed=12)
    assert 0.90 <= null_coverage <= 0.98
    assert two_sided < 0.07 and declared_effective < 0.07


def test_paired_blocks_match_a_t_interval() -> None:
    diffs = [-1.0, -0.5, 0.2, -0.8]
    periods = [
        PeriodMean(2 * b + j, b, arm, v, 10, 11)
        for b, d in enumerate(diffs)
        for j, (arm, v) in enumerate((("A", 5.0), ("B", 5.0 + d)))
    ]
    paired = paired_blocks(periods)
    assert paired is not None
    lo, hi = stats.t.interval(0.95, len(diffs) - 1, loc=np.mean(diffs), scale=stats.sem(diffs))
    assert (paired.ci_low, paired.ci_high) == pytest.approx((lo, hi))


def test_randomisation_p_is_exact() -> None:
    # 8 sign patterns of (1, 2, 3); |mean| >= 2 only for all + and all -: p = 2/8
    assert randomisation_p((1.0, 2.0, 3.0)) == (0.25, 0.25)
    p, minp = randomisation_p(tuple([-1.0] * 6))
    assert p == pytest.approx(2 / 64) and minp == pytest.approx(2 / 64)


def test_masked_correlation_equals_pairwise_complete_pearson() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    y = rng.normal(size=(200, 3)) + 0.5 * x[:, :3]
    x[rng.random(x.shape) < 0.15] = np.nan
    y[rng.random(y.shape) < 0.15] = np.nan
    r, n = masked_corr(x, y)
    for i in range(4):
        for j in range(3):
            ok = np.isfinite(x[:, i]) & np.isfinite(y[:, j])
            assert n[i, j] == ok.sum()
            assert r[i, j] == pytest.approx(stats.pearsonr(x[ok, i], y[ok, j])[0], abs=1e-10)


def test_fdr_matches_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(1).uniform(size=300) ** 3
    for ours, ref in (("bh", "fdr_bh"), ("by", "fdr_by")):
        assert qvalues(p, ours) == pytest.approx(multipletests(p, method=ref)[1])  # type: ignore[arg-type]


def _null_diary(seed: int, days: int = 3650, k: int = 100) -> DailyGrid:
    rng = np.random.default_rng(seed)
    values = np.column_stack([ar1(days, rng.uniform(0.2, 0.8), 1.0, rng) for _ in range(k)])
    values[rng.random(values.shape) < 0.145] = np.nan
    return DailyGrid(date(2015, 1, 1), tuple(f"f{i}" for i in range(k)), values)


def test_trigger_screen_false_discoveries_with_and_without_prewhitening() -> None:
    """analysis-methods.md 2.2: 100 autocorrelated factors, no true effect, 10 diaries:
    raw lagged correlations + BH report ~190 'triggers'; pre-whitened, about 0."""
    false_pw, false_raw = [], []
    for seed in range(10):
        g = _null_diary(seed)
        names = list(g.names)
        pw = lagged_screen(g, names, names, lags=(1, 2, 3, 4))
        raw = lagged_screen(g, names, names, lags=(1, 2, 3, 4), prewhitened=False, calendar=False)
        false_pw.append(int(np.nansum(pw.q < 0.05)))
        false_raw.append(int(np.nansum(raw.q < 0.05)))
    assert pw.tests_run == 100 * 99 * 4
    assert np.mean(false_pw) <= 1.0
    assert np.mean(false_raw) > 50  # the naive pipeline's false alarms, for contrast


def test_trigger_screen_finds_a_planted_lagged_effect() -> None:
    rng = np.random.default_rng(5)
    days = 365
    sleep = 7 + ar1(days, 0.3, 1.0, rng)
    pain = 5 + ar1(days, 0.5, 0.7, rng)
    pain[1:] += -0.6 * (sleep[:-1] - 7)  # short sleep yesterday, more pain today
    noise = [ar1(days, 0.5, 1.0, rng) for _ in range(20)]
    values = np.column_stack([sleep, pain, *noise])
    g = DailyGrid(date(2025, 1, 1), ("sleep", "pain", *[f"n{i}" for i in range(20)]), values)
    names = list(g.names)
    res = lagged_screen(g, names, ["pain"], lags=(0, 1, 2, 3))
    hits = {
        (res.exposures[e], res.lags[lag])
        for lag, e, _ in zip(*np.nonzero(res.q < 0.05), strict=True)
    }
    assert ("sleep", 1) in hits
    assert len(hits) <= 2


def test_prewhitening_leaves_gaps_unbridged() -> None:
    y = np.array([1.0, 2.0, np.nan, 4.0, 5.0])
    resid, _ = prewhiten(y[:, None])
    assert np.isnan(resid[1, 0]) and np.isnan(resid[2, 0]) and np.isfinite(resid[3, 0])


def test_flares_detected_against_a_rolling_baseline() -> None:
    rng = np.random.default_rng(2)
    days = 365
    pain = 4.5 + ar1(days, 0.5, 0.6, rng)
    planted = [(60, 8), (150, 5), (250, 12)]
    for s, length in planted:
        pain[s : s + length] += 3.0
    pain[rng.random(days) < 0.08] = np.nan
    g = DailyGrid(date(2025, 1, 1), ("symptom:pain",), pain[:, None])
    found = detect_flares(g)
    starts = [(e.start - date(2025, 1, 1)).days for e in found]
    for s, _ in planted:
        assert any(abs(x - s) <= 3 for x in starts)
    assert len(found) <= len(planted) + 1
