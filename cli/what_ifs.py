"""Loading the scenarios a command names, with its ``--set`` and ``--case`` applied."""

from __future__ import annotations

from pathlib import Path


def load_options(files: list[Path], sets: list[str], case: str | None):
    """The loaded scenarios with the case and then ``--set`` applied (every one that has
    the path), and the entries applied (``case: path``), for the JSON's ``what_if``."""
    from simcore.scenario.loader import load_scenario
    from simcore.scenario.what_if import apply_to_all, parse_sets

    return apply_to_all([load_scenario(f) for f in files], parse_sets(sets), case)
