"""Month-averaged shapes of flows over continuous time, vectorised over draws.

Month ``t`` covers the interval ``[t, t + 1)``. A flow that switches on at a
fractional month contributes the share of the month it is on, so the model is
exact for fractional dates and easy to check by hand.
"""

from __future__ import annotations

import numpy as np


def _col(x: np.ndarray | float) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1, 1)


def window(months: int, start, stop) -> np.ndarray:
    """Share of each month inside ``[start, stop)``; shape (draws, months)."""
    t = np.arange(months, dtype=float)[None, :]
    a, b = _col(start), _col(stop)
    return np.clip(np.minimum(t + 1, b) - np.maximum(t, a), 0.0, 1.0)


def _ramp_integral(x: np.ndarray, a: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Integral from -inf to x of clip((s - a) / r, 0, 1) ds.

    With s = max(x - a, 0) it is s^2 / 2r below r and s - r/2 above; both are
    s - r/2 + max(r - s, 0)^2 / 2r, computed in place (this is the model's hot loop).
    """
    s = np.subtract(x, a)
    np.maximum(s, 0.0, out=s)
    t = np.subtract(r, s)
    np.maximum(t, 0.0, out=t)
    np.multiply(t, t, out=t)
    t /= 2 * r
    s -= r / 2
    s += t
    return s


def ramp(months: int, start, ramp_months, stop=np.inf) -> np.ndarray:
    """Average over each month of a 0 -> 1 linear ramp from ``start`` over ``ramp_months``,
    cut off at ``stop``; shape (draws, months)."""
    t = np.arange(months, dtype=float)[None, :]
    a = _col(start)
    r = np.maximum(_col(ramp_months), 1e-9)
    b = _col(stop)
    if np.all(np.isinf(b)):
        lo, hi = t, t + 1
    else:
        lo, hi = np.minimum(t, b), np.minimum(t + 1, b)
    out = _ramp_integral(hi, a, r)
    out -= _ramp_integral(lo, a, r)
    return out


def at_month(months: int, when, amount) -> np.ndarray:
    """``amount`` in the month ``when`` falls in (nothing outside the horizon)."""
    n = np.broadcast(_col(when), _col(amount)).shape[0]
    out = np.zeros((n, months))
    idx = np.floor(np.broadcast_to(_col(when), (n, 1))[:, 0])
    amt = np.broadcast_to(_col(amount), (n, 1))[:, 0]
    ok = (idx >= 0) & (idx < months) & np.isfinite(idx)
    rows = np.nonzero(ok)[0]
    out[rows, idx[ok].astype(int)] = amt[ok]
    return out
