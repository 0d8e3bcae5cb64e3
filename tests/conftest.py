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


@pytest.fixture
def write_yaml(tmp_path):
    def write(data: dict, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write
