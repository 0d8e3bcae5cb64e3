"""Shared helpers: the repo root, and writing scenario dicts to YAML files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
ARTICLES = ROOT.parent / "shared" / "seeds"


def q(value, unit: str, why: str = "test input") -> dict:
    """A fixed quantity with an assumption."""
    return {"fixed": value, "unit": unit, "assumption": why}


def dist(kind: str, spec, unit: str, why: str = "test input") -> dict:
    return {kind: spec, "unit": unit, "assumption": why}


def by_hand(months: int = 12, cash: float = 10.0, burn: float = 0.0, steady: float = 0.0,
            recovery: str = "2025-04", recovery_months: float = 1, **extra) -> dict:
    """A scenario where nothing happens but what ``extra`` adds, plus a core flow from
    ``burn`` to ``steady`` (USD bn/yr) recovering linearly from ``recovery`` over
    ``recovery_months``; no capex. For cash paths worked by hand."""
    sc = {"name": "by_hand", "title": "worked by hand",
          "timeline": {"start": "2025-04", "months": months},
          "floor": q(1.0, "USD bn"),
          "balance": {"opening_cash": q(cash, "USD bn")},
          "operations": {"burn": q(burn, "USD bn/yr"), "steady": q(steady, "USD bn/yr"),
                         "recovery_start": q(recovery, "date"),
                         "recovery_months": q(recovery_months, "months")},
          "capex": {"base": q(0.0, "USD bn/yr")}}
    sc.update(extra)
    return sc


@pytest.fixture
def write_yaml(tmp_path):
    def write(data: dict, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
