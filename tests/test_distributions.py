"""Each distribution's samples against scipy.stats and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simcore.scenario.quantity import Quantity
from simcore.uncertainties.sampling import UniformSource

N = 20_000


def draws(spec: dict, unit: str = "USD bn", seed: int = 7) -> np.ndarray:
    quantity = Quantity.model_validate({**spec, "unit": unit, "assumption": "test"})
    u = UniformSource(seed, N).uniforms("x", 0, N)
    return quantity.to_dist((2025, 4)).ppf(u)


def pert_reference(lo, mode, hi, lamb=4.0):
    """Beta-PERT from its definition (Vose): alpha, beta from the mode."""
    a = 1 + lamb * (mode - lo) / (hi - lo)
    b = 1 + lamb * (hi - mode) / (hi - lo)
    return stats.beta(a, b, loc=lo, scale=hi - lo)


@pytest.mark.parametrize("spec, reference", [
    ({"uniform": {"min": -1, "max": 3}}, stats.uniform(-1, 4)),
    ({"triangular": {"min": 1, "mode": 2, "max": 5}}, stats.triang(0.25, loc=1, scale=4)),
    ({"pert": {"min": -3.5, "mode": -2.6, "max": -1.5}}, pert_reference(-3.5, -2.6, -1.5)),
    ({"normal": {"mean": 2, "sd": 0.5}}, stats.norm(2, 0.5)),
    ({"lognormal": {"mu": 0.3, "sigma": 0.4}}, stats.lognorm(0.4, scale=np.exp(0.3))),
])
def test_samples_follow_scipy(spec, reference):
    x = draws(spec)
    assert stats.kstest(x, reference.cdf).pvalue > 0.001
    for p in (0.05, 0.5, 0.95):
        assert np.quantile(x, p) == pytest.approx(reference.ppf(p), abs=0.03 * reference.std())


def test_pert_mean_is_the_three_point_formula():
    x = draws({"pert": {"min": 10, "mode": 12, "max": 20}})
    assert x.mean() == pytest.approx((10 + 4 * 12 + 20) / 6, abs=0.03)


@pytest.mark.parametrize("low, high, shape", [(2.0, 8.0, None), (2.0, 8.0, "normal"),
                                              (-3.0, 1.0, None)])
def test_ci90_puts_five_percent_outside_each_end(low, high, shape):
    spec = {"ci90": [low, high]} | ({"shape": shape} if shape else {})
    q = Quantity.model_validate({**spec, "unit": "USD bn", "assumption": "t"})
    dist = q.to_dist((2025, 4))
    assert dist.ppf(np.array([0.05, 0.95])) == pytest.approx([low, high], abs=1e-9)
    x = draws(spec)
    assert np.mean(x < low) == pytest.approx(0.05, abs=0.006)
    assert np.mean(x > high) == pytest.approx(0.05, abs=0.006)
    expected = "lognormal" if (shape is None and low > 0) else "normal"
    ref = stats.lognorm if expected == "lognormal" else stats.norm
    assert isinstance(dist.frozen().dist, type(ref))


def test_bernoulli_probability_times_impact():
    x = draws({"bernoulli": {"p": 0.3, "impact": -2.0}})
    assert set(np.unique(x)) == {-2.0, 0.0}
    p = np.mean(x == -2.0)
    assert abs(p - 0.3) < 4 * np.sqrt(0.3 * 0.7 / N)


def test_discrete_frequencies():
    x = draws({"discrete": {"values": [3, 1, 2], "probs": [0.2, 0.5, 0.3]}})
    counts = np.array([np.sum(x == v) for v in (3, 1, 2)])
    assert stats.chisquare(counts, N * np.array([0.2, 0.5, 0.3])).pvalue > 0.001


def test_date_quantities_are_months_from_start():
    q = Quantity.model_validate({"triangular": {"min": "2025-10", "mode": "2026-01",
                                                "max": "2026-10"}, "unit": "date",
                                 "assumption": "t"})
    d = q.to_dist((2025, 4))
    assert d.ppf(np.array([0.0, 1.0])) == pytest.approx([6.0, 18.0])
    assert d.frozen().ppf(0.5) == pytest.approx(stats.triang(0.25, loc=6, scale=12).ppf(0.5))


@pytest.mark.parametrize("lo, mode, hi", [(0, 0, 1), (0, 1, 1), (-3.5, -2.6, -1.5),
                                          (10, 11, 40)])
def test_tabulated_pert_matches_exact_beta_ppf(lo, mode, hi):
    q = Quantity.model_validate({"pert": {"min": lo, "mode": mode, "max": hi},
                                 "unit": "USD bn", "assumption": "t"})
    d = q.to_dist((2025, 4))
    u = np.concatenate([np.random.default_rng(0).random(100_000),
                        [1e-12, 1e-9, 1e-6, 0.5, 1 - 1e-6, 1 - 1e-12]])
    assert np.max(np.abs(d.ppf(u) - d.frozen().ppf(u))) < 1e-6 * (hi - lo)


@pytest.mark.parametrize("lamb", [1.0, 1000.0])
def test_pert_within_the_shape_bound_draws_finite_values(lamb):
    """At the bound (lamb 1000) scipy's beta still gives finite values; 1e308 gave NaN and
    is refused (tests/test_bad_input.py, pert_lamb_1e308)."""
    x = draws({"pert": {"min": 900, "mode": 1150, "max": 1400, "lamb": lamb}})
    assert np.isfinite(x).all() and x.min() >= 900 and x.max() <= 1400


def test_nan_in_a_distribution_is_refused_by_the_plausible_check():
    """The plausible-range check refuses a distribution with a NaN parameter, which
    the range comparisons alone would let by."""
    from pydantic_core import PydanticCustomError

    from simcore.scenario import plausible
    from simcore.uncertainties import distributions as d

    q = Quantity.model_validate({"fixed": 1.0, "unit": "USD bn", "assumption": "test"})
    bad = d.ScipyDist("pert", "beta", (float("nan"), 2.0), (("loc", 0.0), ("scale", 1.0)), "x")
    with pytest.raises(PydanticCustomError, match="NaN"):
        plausible.check(q, bad)
    with pytest.raises(PydanticCustomError, match="NaN"):
        plausible.check(q, d.Fixed(float("nan")))
