"""Grouped Sobol indices: how much of an outcome's variance each group of inputs drives.

Inputs are grouped by their basis (``fact``, ``derived``, ``judgement``), with
``chance`` for the model's own randomness given those inputs (whether an event
happens, the exchange-rate steps). For a group g, with A and B two independent
sample matrices of every input's uniform and A_B^g equal to A with g's columns
taken from B (Saltelli et al. 2010, Jansen 1999):

    S_g  = mean(f(B) * (f(A_B^g) - f(A))) / V        (first order: g alone)
    ST_g = mean((f(A) - f(A_B^g))**2) / (2 V)        (total: g with its interactions)

with V the variance of f over A and B together. Intervals are a bootstrap over
the rows. With the groups a partition of the inputs, the S_g sum to at most 1
and the ST_g to at least 1 (up to sampling error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from simcore.experiments.runner import RunSettings
from simcore.scenario.model import Scenario
from simcore.uncertainties.inputs import collect

GROUPS = ("fact", "derived", "judgement", "chance")


def input_groups(sc: Scenario, names: list[str]) -> dict[str, list[int]]:
    """Column indices of ``names`` per basis group (empty groups left out)."""
    basis = {i.name: (i.quantity.basis_of if i.quantity is not None else "chance")
             for i in collect(sc)}
    out: dict[str, list[int]] = {}
    for c, name in enumerate(names):
        out.setdefault(basis.get(name, "chance"), []).append(c)
    return {g: out[g] for g in GROUPS if g in out}


def grouped_indices(func: Callable[[np.ndarray], np.ndarray], d: int,
                    groups: Mapping[str, list[int]], n: int, rng: np.random.Generator,
                    n_resamples: int = 200) -> dict[str, dict]:
    """S_g and ST_g with 95% bootstrap intervals for ``func`` of ``d`` uniforms.

    ``func`` takes a (d, m) array and returns (k, m) outputs; the result holds, per
    group, lists of k values ``S``, ``ST``, ``S_ci``, ``ST_ci``.
    """
    a, b = rng.random((d, n)), rng.random((d, n))
    names = list(groups)
    mats = [a, b]
    for g in names:
        ab = a.copy()
        ab[groups[g]] = b[groups[g]]
        mats.append(ab)
    y = func(np.concatenate(mats, axis=1))
    y = np.atleast_2d(y).reshape(-1, len(mats), n)   # (k, 2 + G, n)
    est = _estimates(y)
    idx = rng.integers(0, n, size=(n_resamples, n))
    boot = np.stack([_estimates(y[:, :, r]) for r in idx])   # (R, 2, k, G)
    lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    return {g: {"S": est[0, :, j].tolist(), "ST": est[1, :, j].tolist(),
                "S_ci": [[lo[0, k, j], hi[0, k, j]] for k in range(y.shape[0])],
                "ST_ci": [[lo[1, k, j], hi[1, k, j]] for k in range(y.shape[0])]}
            for j, g in enumerate(names)}


def _estimates(y: np.ndarray) -> np.ndarray:
    """(2, k, G): first-order and total indices from f(A), f(B), f(A_B^g)."""
    y = y - np.mean(y[:, :2, :], axis=(1, 2), keepdims=True)   # centred: less noise
    fa, fb, fab = y[:, 0, :], y[:, 1, :], y[:, 2:, :]
    var = np.var(np.concatenate([fa, fb], axis=1), axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(fb[:, None, :] * (fab - fa[:, None, :]), axis=2) / var[:, None]
        st = 0.5 * np.mean((fa[:, None, :] - fab) ** 2, axis=2) / var[:, None]
    return np.stack([s1, st])


def sobol_by_basis(sc: Scenario, n: int, settings: RunSettings, metrics: list[str],
                   names: list[str], n_resamples: int = 200) -> dict:
    """Grouped indices of ``metrics`` over the uncertain inputs ``names`` by basis."""
    from simcore.analysis.sensitivity import uniform_model

    func = uniform_model(sc, settings, metrics, names)
    groups = input_groups(sc, names)
    rng = np.random.default_rng(settings.seed)
    result = grouped_indices(func, len(names), groups, n, rng, n_resamples)
    out: dict = {"n": n, "evaluations": n * (len(groups) + 2), "by": "basis",
                 "groups": {g: [names[c] for c in cols] for g, cols in groups.items()},
                 "metrics": {}}
    for k, metric in enumerate(metrics):
        out["metrics"][metric] = [
            {"group": g, "inputs": len(groups[g]), "S": _r(r["S"][k]), "ST": _r(r["ST"][k]),
             "S_ci": [_r(v) for v in r["S_ci"][k]], "ST_ci": [_r(v) for v in r["ST_ci"][k]]}
            for g, r in result.items()]
    return out


def _r(x: float) -> float | None:
    x = float(x)
    return round(x, 6) if np.isfinite(x) else None
