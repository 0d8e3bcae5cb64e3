"""Grouped Sobol indices against closed forms, and the grouping of inputs by basis."""

from __future__ import annotations

import numpy as np
import pytest

from simcore.analysis.sobol_groups import grouped_indices


def test_additive_groups_match_the_closed_form():
    # f = 1 X1 + 2 X2 + 3 X3, X uniform on [0, 1]: Var = (1 + 4 + 9) / 12, so the group
    # {X1, X2} drives 5/14 of it and {X3} 9/14, with no interactions (S = ST).
    coef = np.array([1.0, 2.0, 3.0])
    res = grouped_indices(lambda x: (coef @ x)[None, :], 3, {"a": [0, 1], "b": [2]},
                          2 ** 14, np.random.default_rng(1))
    for g, want in (("a", 5 / 14), ("b", 9 / 14)):
        assert res[g]["S"][0] == pytest.approx(want, abs=0.02)
        assert res[g]["ST"][0] == pytest.approx(want, abs=0.02)
        lo, hi = res[g]["S_ci"][0]
        assert lo <= want <= hi


def test_interaction_shows_in_the_total_index_only():
    # f = X1 X2: Var = 1/9 - 1/16 = 7/144; Var(E[f | X1]) = Var(X1 / 2) = 3/144, so
    # S1 = 3/7 and ST1 = 1 - S2 = 4/7; the two together explain everything.
    f = lambda x: (x[0] * x[1])[None, :]  # noqa: E731
    res = grouped_indices(f, 2, {"x1": [0], "x2": [1]}, 2 ** 15, np.random.default_rng(2))
    assert res["x1"]["S"][0] == pytest.approx(3 / 7, abs=0.03)
    assert res["x1"]["ST"][0] == pytest.approx(4 / 7, abs=0.03)
    both = grouped_indices(f, 2, {"all": [0, 1]}, 2 ** 12, np.random.default_rng(3))
    assert both["all"]["S"][0] == pytest.approx(1.0, abs=0.03)
    assert both["all"]["ST"][0] == pytest.approx(1.0, abs=0.03)


def test_several_outputs_at_once():
    f = lambda x: np.stack([x[0], x[1] + 0 * x[0]])  # noqa: E731
    res = grouped_indices(f, 2, {"x1": [0], "x2": [1]}, 2 ** 12, np.random.default_rng(4))
    assert res["x1"]["S"][0] == pytest.approx(1.0, abs=0.05)
    assert res["x1"]["S"][1] == pytest.approx(0.0, abs=0.05)
    assert res["x2"]["ST"][1] == pytest.approx(1.0, abs=0.05)
