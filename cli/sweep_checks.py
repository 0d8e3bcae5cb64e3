"""``sim sweep``'s checks made before anything is computed: the request, and the
--out folder a sweep writes into or resumes from."""

from __future__ import annotations

import json
from pathlib import Path

from cli.text import is_number
from simcore.errors import InputError, Problem


def check_request(anything: bool, by: str | None, sobol_n: int | None, sc,
                  settings) -> None:
    """Refuse, before computing, a sweep with nothing to do, a --by without --sobol, and
    a --sobol that is not a power of 2 or would not fit in memory."""
    from simcore.analysis.sensitivity import check_sobol

    if not anything:
        raise InputError(Problem("nothing to do: give --param, --tornado, --breakeven or "
                                 "--sobol", path="sim sweep"))
    if by is not None and (by != "basis" or not sobol_n):
        raise InputError(Problem(f"--by takes 'basis', with --sobol N (got '{by}')",
                                 path="--by"))
    if sobol_n:
        check_sobol(sc, sobol_n, settings, sobol_metrics(sc, by), by)


def sobol_metrics(sc, by: str | None) -> list[str]:
    """The outcomes --sobol reads: the headline ones by basis, else three."""
    return headline_metrics(sc) if by == "basis" else ["min_cash", "ending_cash",
                                                       "fcf_positive_month"]


def headline_metrics(sc) -> list[str]:
    """The outcomes a committee reads first, those the scenario can give."""
    out = ["min_cash", "breach", "ending_cash", "fcf_positive_month"]
    if sc.credit_lines:
        out += ["min_liquidity", "liquidity_breach"]
    if sc.value is not None:
        out += ["value_per_share" if sc.value.shares is not None else "equity_value"]
    return out


def check_unused(resume: bool, out_dir: Path | None, versus: Path | None, tornado: bool,
                 breakeven: str | None, value_range: str | None) -> None:
    """Refuse an option that would do nothing without the one it works with."""
    alone = {"--resume": (resume and out_dir is None, "--out FOLDER"),
             "--versus": (versus is not None and not (tornado or breakeven),
                          "--tornado or --breakeven"),
             "--range": (value_range is not None and not breakeven, "--breakeven PATH")}
    for option, (unused, needs) in alone.items():
        if unused:
            raise InputError(Problem(f"{option} works only with {needs}; without it it "
                                     "would do nothing", path=option))


def parsed_params(param: list[str], draws: int) -> list:
    """The --param paths and values, a grid over the sweep's bounds refused first."""
    from simcore.scenario.overrides import parse_assignments

    check_grid_size(param, draws)
    return parse_assignments(param)


def breakeven_span(loaded, path: str | None, versus, text: str | None) -> tuple:
    """The range --breakeven bisects (see :func:`simcore.analysis.breakeven.
    breakeven_range`), checked before any computing; () without --breakeven."""
    from simcore.analysis.breakeven import breakeven_range

    if not path:
        return ()
    if versus is None:
        raise InputError(Problem("--breakeven needs --versus BASELINE_FILE", path="--versus"))
    return breakeven_range(loaded, path, text)


def prepare(out_dir: Path, resume: bool, force: bool) -> None:
    """Refuse an --out sim may not write; with --force, clear a folder sim wrote; with
    ``resume``, refuse a folder another command wrote or whose points/ is not a folder
    of sim's own."""
    from simcore.analysis.sweep import check_points
    from simcore.outputs.folders import (
        check_path,
        check_target,
        is_sim_folder,
        remove_sim_folder,
    )
    from simcore.outputs.lock import acquire

    if resume:
        check_path(out_dir)
        if out_dir.is_dir() and any(out_dir.iterdir()):
            if not is_sim_folder(out_dir):
                raise InputError(Problem("--resume refused: this folder was not written by "
                                         "sim", out_dir))
            _written_by_sweep(out_dir)
            check_points(out_dir)
        acquire(out_dir)
        return
    check_target(out_dir, force)
    if force and out_dir.exists() and any(out_dir.iterdir()):
        remove_sim_folder(out_dir)


def _written_by_sweep(folder: Path) -> None:
    """Refuse to resume into a folder whose manifest names another command (a run's
    or a comparison's folder would get a sweep's files mixed into it)."""
    from simcore.outputs.folders import MARKER

    try:
        command = json.loads((folder / MARKER).read_text(encoding="utf-8")).get("command")
    except (OSError, ValueError, AttributeError):
        command = None
    if command != "sim sweep":
        who = f"by '{command}'" if isinstance(command, str) else "by another command"
        raise InputError(Problem(f"--resume refused: this folder was written {who}, not "
                                 "by sim sweep; give the folder of the sweep to resume, or "
                                 "a new one (nothing was changed)", folder))


def check_grid_size(param: list[str], draws: int) -> None:
    """Refuse a grid over the sweep's bounds (:func:`simcore.analysis.sweep.check_grid`)
    from the --param texts, before their values are made (``lo:hi:n`` with a huge n)."""
    from simcore.analysis.sweep import check_grid

    check_grid([_value_count(text) for text in param], draws)


def _value_count(text: str) -> int:
    """How many values ``PATH=V1,V2`` or ``PATH=lo:hi:n`` gives (1 for a text the parser
    will refuse, with its own message)."""
    values = text.split("=", 1)[1].strip() if "=" in text else ""
    parts = values.split(":")
    if len(parts) == 3 and all(is_number(p) for p in parts[:2]) and parts[2].strip().isdigit():
        return max(1, int(parts[2]))
    return len(values.split(",")) if values else 1
