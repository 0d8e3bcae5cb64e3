"""Golden outputs: the ``--json`` summary of every bundled scenario, and ``sim compare``
of all of them, at a fixed seed and draw count, stored in ``tests/golden/``.

They pin the numbers: a refactor must leave them unchanged. A deliberate change
of the numbers regenerates them in the same commit (``SIM_REGEN_GOLDEN=1 pytest
tests/test_golden.py``), with the reason in the commit message.

Comparison: strings, keys and structure exactly; numbers to 1e-9 relative or
2e-6 absolute. The JSON rounds to 6 decimals, so float noise from a reordered
sum can flip the last printed digit and nothing more. The manifest is left out
of the comparison: it names the file on this machine and the package version;
other paths inside the checkout are compared relative to it.
"""

from __future__ import annotations

import json
import math
import os

import pytest
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from cli.app import app

GOLDEN = ROOT / "tests" / "golden"
DRAWS, SEED = "2000", "11"
REGEN = bool(os.environ.get("SIM_REGEN_GOLDEN"))
BUNDLED = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
runner = CliRunner()


def _sim_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--draws", DRAWS, "--seed", SEED, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _strip(data: object) -> object:
    """Without the manifest, and with paths inside the checkout made relative to it
    (a check names the file it is written in), so a clone elsewhere compares equal."""
    if isinstance(data, dict):
        return {k: _strip(v) for k, v in data.items() if k != "manifest"}
    if isinstance(data, list):
        return [_strip(v) for v in data]
    if isinstance(data, str) and data.startswith(f"{ROOT}{os.sep}"):
        return os.path.relpath(data, ROOT).replace(os.sep, "/")
    return data


def assert_same(got: object, want: object, path: str = "$") -> None:
    """Equal in structure, strings exactly, numbers to float noise; names the first path
    that differs."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{path}: expected an object"
        assert list(got) == list(want), f"{path}: keys {list(got)} != {list(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: list differs"
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            assert_same(a, b, f"{path}[{i}]")
    elif isinstance(want, float) and not isinstance(got, bool) and isinstance(got, int | float):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=2e-6), f"{path}: {got} != {want}"
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def _check(name: str, data: dict) -> None:
    path = GOLDEN / f"{name}.json"
    data = _strip(data)
    if REGEN:
        path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        return
    assert path.exists(), f"no golden output {path.name}: run SIM_REGEN_GOLDEN=1 pytest"
    assert_same(data, json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", BUNDLED)
def test_run_matches_golden(name):
    _check(name, _sim_json("run", str(SCENARIOS / f"{name}.yaml")))


def test_compare_matches_golden():
    files = [str(SCENARIOS / f"{n}.yaml") for n in BUNDLED]
    _check("compare", _sim_json("compare", *files))


def test_every_bundled_scenario_has_a_golden_output():
    stored = {p.stem for p in GOLDEN.glob("*.json")} - {"compare"}
    assert stored == set(BUNDLED)


def test_the_comparison_itself_catches_a_change():
    want = {"a": {"b": [1.0, 2.5]}, "c": "x"}
    assert_same({"a": {"b": [1.0, 2.5000001]}, "c": "x"}, want)
    for bad in ({"a": {"b": [1.0, 2.51]}, "c": "x"}, {"a": {"b": [1.0]}, "c": "x"},
                {"a": {"b": [1.0, 2.5]}, "c": "y"}, {"c": "x", "a": {"b": [1.0, 2.5]}}):
        with pytest.raises(AssertionError):
            assert_same(bad, want)
