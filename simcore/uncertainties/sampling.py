"""Uniform draws keyed by input name, for plain Monte Carlo or Latin hypercube.

Each input's uniforms come from its own stream: ``SeedSequence(seed,
spawn_key=(hash of the name, block))``. Draw ``i`` of an input is therefore the
same whatever other inputs exist and however the draws are chunked. The draws
are split into ``R`` replicates of equal size; under ``lhs`` each replicate is
its own Latin hypercube design, so the spread between replicates gives an
honest standard error for either sampler.

Rank correlations are imposed with a Gaussian copula: normal scores of the
uniforms are mixed by the Cholesky factor of the Pearson matrix ``2 sin(pi
rho / 6)`` that gives Spearman ``rho``, then mapped back through the normal CDF.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import numpy as np

from simcore.uncertainties.inputs import Input

BLOCK = 4096
EPS = 1e-12
Sampler = Literal["mc", "lhs"]


def name_key(name: str) -> tuple[int, int]:
    """A stable 64-bit key for an input name, as two 32-bit words."""
    h = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(h[:4], "little"), int.from_bytes(h[4:], "little")


def replicates_for(draws: int) -> int:
    """How many replicates ``draws`` are split into (10, fewer for tiny runs)."""
    return 10 if draws >= 100 else max(1, draws // 10)


def replicate_bounds(draws: int) -> np.ndarray:
    """Start of each replicate, plus ``draws`` at the end."""
    r = replicates_for(draws)
    return np.linspace(0, draws, r + 1).round().astype(int)


@dataclass
class UniformSource:
    """Uniform draws for named inputs over draws ``[start, stop)`` of a run."""

    seed: int
    draws: int
    sampler: Sampler = "mc"

    def __post_init__(self) -> None:
        self.bounds = replicate_bounds(self.draws)
        self._lhs_cache: dict[tuple[str, int], np.ndarray] = {}

    def uniforms(self, name: str, start: int, stop: int) -> np.ndarray:
        if self.sampler == "lhs":
            return self._lhs(name, start, stop)
        return self._mc(name, start, stop)

    def _mc(self, name: str, start: int, stop: int) -> np.ndarray:
        key = name_key(name)
        first, last = start // BLOCK, (stop - 1) // BLOCK
        parts = [self._rng(key, b).random(BLOCK) for b in range(first, last + 1)]
        return np.concatenate(parts)[start - first * BLOCK: stop - first * BLOCK]

    def _rng(self, key: tuple[int, ...], *more: int) -> np.random.Generator:
        ss = np.random.SeedSequence(self.seed, spawn_key=(*key, *more))
        return np.random.Generator(np.random.PCG64(ss))

    def _lhs(self, name: str, start: int, stop: int) -> np.ndarray:
        out = []
        for r in range(len(self.bounds) - 1):
            lo, hi = self.bounds[r], self.bounds[r + 1]
            if hi <= start or lo >= stop:
                continue
            col = self._lhs_column(name, r, hi - lo)
            out.append(col[max(start, lo) - lo: min(stop, hi) - lo])
        return np.concatenate(out)

    def _lhs_column(self, name: str, r: int, size: int) -> np.ndarray:
        cache_key = (name, r)
        if cache_key not in self._lhs_cache:
            self._lhs_cache = {k: v for k, v in self._lhs_cache.items() if k[1] == r}
            rng = self._rng(name_key(name), 1_000_000_007, r, size)
            self._lhs_cache[cache_key] = (rng.permutation(size) + rng.random(size)) / size
        return self._lhs_cache[cache_key]


@dataclass
class GivenUniforms:
    """Uniforms given outright for some inputs (a design matrix, or pinned values);
    every other input draws from ``base``."""

    base: UniformSource
    given: dict[str, np.ndarray]
    pinned: dict[str, float]

    def uniforms(self, name: str, start: int, stop: int) -> np.ndarray:
        if name in self.pinned:
            return np.full(stop - start, float(self.pinned[name]))
        if name in self.given:
            return np.asarray(self.given[name][start:stop], dtype=float)
        return self.base.uniforms(name, start, stop)


def sample(inputs: list[Input], source: UniformSource | GivenUniforms, start: int, stop: int,
           rho: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Values of every input for draws ``[start, stop)``, correlated by ``rho``.

    Pinned inputs keep their uniform: the copula only mixes the others.
    """
    u = {i.name: np.clip(source.uniforms(i.name, start, stop), EPS, 1 - EPS) for i in inputs}
    if rho is not None:
        pinned = getattr(source, "pinned", {})
        mixed = correlate(u, [i.name for i in inputs], rho)
        u = {k: (u[k] if k in pinned else mixed[k]) for k in u}
    return {i.name: np.asarray(i.dist.ppf(u[i.name]), dtype=float) for i in inputs}


def correlate(u: dict[str, np.ndarray], names: list[str], rho: np.ndarray
              ) -> dict[str, np.ndarray]:
    """Impose Spearman correlations ``rho`` (indexed like ``names``) on uniforms ``u``."""
    involved = [k for k in range(len(names)) if np.any(rho[k] != np.eye(len(names))[k])]
    if not involved:
        return u
    from scipy import stats

    sub = rho[np.ix_(involved, involved)]
    chol = np.linalg.cholesky(2 * np.sin(np.pi * sub / 6))
    z = stats.norm.ppf(np.stack([u[names[k]] for k in involved], axis=1))
    mixed = stats.norm.cdf(z @ chol.T)
    out = dict(u)
    for j, k in enumerate(involved):
        out[names[k]] = np.clip(mixed[:, j], EPS, 1 - EPS)
    return out


def achieved_spearman(values: dict[str, np.ndarray], a: str, b: str) -> float:
    """The Spearman rank correlation between two sampled inputs."""
    from scipy import stats

    return float(stats.spearmanr(values[a], values[b]).statistic)
