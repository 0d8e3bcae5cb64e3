"""The typed draws view: the model looks inputs up by the scenario's own parts.

Every quantity of every bundled scenario is found under its public name; an event
happens exactly when its uniform falls below its probability; a part of another
scenario is refused; and the cash and schedule modules build no input names by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS

from simcore.scenario.loader import load_scenario
from simcore.scenario.quantity import quantities
from simcore.uncertainties.draws import Draws, Paths
from simcore.uncertainties.inputs import collect, event_names
from simcore.uncertainties.sampling import UniformSource, sample

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))


def _draws(path: Path, n: int = 50) -> Draws:
    sc = load_scenario(path).scenario
    return Draws(Paths(sc), sample(collect(sc), UniformSource(11, n), 0, n))


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_every_quantity_is_found_under_its_public_name(path):
    v = _draws(path)
    sc = v.paths.scenario
    found = quantities(sc)
    assert found
    for name, q in found:
        assert q in v
        assert v[q] is v[name]
    assert v.n == 50 and set(v) == {i.name for i in collect(sc)}


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_an_event_happens_when_its_uniform_is_below_its_probability(path):
    v = _draws(path, 400)
    sc = v.paths.scenario
    parts = [*sc.financing.values(), *(d for d in sc.debt.values() if d.probability)]
    parts += [i for i in sc.items.values() if i.when == "event"]
    parts += [sc.deal] if sc.deal is not None else []
    names = set(event_names(sc))
    for part in parts:
        name = v.paths.of(part) + ".occurs"
        assert name in names
        expected = v.values[name] < v.values[v.paths.of(part.probability)]
        np.testing.assert_array_equal(v.happens(part), expected)


def test_a_part_of_another_scenario_or_a_missing_option_is_refused():
    a, b = _draws(SCENARIOS / "standalone.yaml"), _draws(SCENARIOS / "foxconn.yaml")
    with pytest.raises(KeyError, match="not part of scenario"):
        a[b.paths.scenario.balance.opening_cash]
    assert a.get(None, 3.0) == 3.0
    assert a.get("no.such.input", 4.0) == 4.0


def test_one_object_at_two_places_is_refused():
    sc = load_scenario(SCENARIOS / "standalone.yaml").scenario
    twin = sc.model_copy(update={"capex": sc.capex.model_copy(
        update={"base": sc.balance.opening_cash})})
    with pytest.raises(ValueError, match="are one object"):
        Paths(twin)


def test_the_model_builds_no_input_names_by_hand():
    """No ``v["..."]``, ``v[f"..."]`` or ``v[p + "..."]`` in the cash or schedule code:
    a lookup by name there means a name spelt twice, which can drift apart."""
    spelt = []
    for path in [*(ROOT / "simcore" / "cash").glob("*.py"),
                 *(ROOT / "simcore" / "schedule").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)
                    and node.value.id == "v" and _stringy(node.slice)):
                spelt.append(f"{path.name}:{node.lineno}")
    assert not spelt


def _stringy(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _stringy(node.left) or _stringy(node.right)
    return False
