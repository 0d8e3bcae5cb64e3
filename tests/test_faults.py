"""Faults and hostile input around a run (issue 14): bad CLI arguments, output folders
that cannot be written, a full disk, SIGTERM, two writers, corrupt or stale resume
points, planted links, markup and control characters, spreadsheet formulas, and the
project's scope for ``extends`` and the fact registry.

Each test fails if its safeguard is removed: it checks the exit code, the one line
that explains, and what is (or is not) left on disk.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from cli.app import app
from simcore.outputs.files import safe_cell
from simcore.outputs.folders import write_atomic, write_marker
from simcore.outputs.lock import lock_path

runner = CliRunner()
STANDALONE = str(SCENARIOS / "standalone.yaml")
HONDA = str(SCENARIOS / "honda.yaml")
KKR = str(SCENARIOS / "kkr.yaml")


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    return result


@dataclass(frozen=True)
class CliCase:
    id: str
    args: tuple[str, ...]   # "{tmp}" is the test's folder, where "a_file" is a regular file
    code: int
    phrase: str

    def __repr__(self) -> str:
        return self.id


SWEEP = ("sweep", STANDALONE, "-p", "floor.fixed=4,5", "-n", "50")
CLI_CASES = [
    CliCase("run_floor_nan", ("run", STANDALONE, "-n", "50", "--floor", "nan"), 2,
            "--floor: expected a finite number, at least 0 (the cash to keep; 0: cash runs "
            "out), got nan"),
    CliCase("run_floor_inf", ("run", STANDALONE, "-n", "50", "--floor", "inf"), 2,
            "--floor: expected a finite number, at least 0 (the cash to keep; 0: cash runs "
            "out), got inf"),
    CliCase("run_floor_negative", ("run", STANDALONE, "-n", "50", "--floor", "-5"), 2,
            "--floor: expected a finite number, at least 0 (the cash to keep; 0: cash runs "
            "out), got -5"),
    CliCase("run_set_out_of_range", ("run", STANDALONE, "-n", "50", "--set",
                                     "floor.fixed=-5"), 2,
            "standalone.yaml:23: floor: the liquidity floor (the cash to keep; 0: cash runs "
            "out) must be at least 0 JPY bn; got -5 (the value comes from --set "
            "floor.fixed=-5; the line holds the one it replaced)"),
    CliCase("sweep_param_out_of_range", ("sweep", STANDALONE, "-p",
                                         "operations.recovery_months=-2,3", "-n", "50"), 2,
            "operations.recovery_months: the value is -2 months, below the plausible range "
            "[0, 1200] for months (the value comes from the override "
            "operations.recovery_months=-2; the line holds the one it replaced)"),
    CliCase("sweep_param_empty_path", ("sweep", STANDALONE, "-p", "=1,2", "-n", "50"), 2,
            "expected a dotted path such as operations.burn.pert.min or correlations[0].rho, "
            "got '' (an empty part)"),
    CliCase("run_set_dot_path", ("run", STANDALONE, "-n", "50", "--set", ".=1"), 2,
            "got '.' (an empty part)"),
    CliCase("run_set_bad_index", ("run", STANDALONE, "-n", "50", "--set",
                                  "correlations[x].rho=0.1"), 2,
            "the index [x] is not a whole number in brackets"),
    CliCase("run_set_newline_in_path", ("run", STANDALONE, "-n", "50", "--set",
                                        "operations.bu\nerror: forged\nrn=1"), 2,
            "no option has 'operations.bu\\nerror: forged\\nrn'"),
    CliCase("run_floor_beyond_plausible", ("run", STANDALONE, "-n", "50", "--floor",
                                           "1e308"), 2,
            "--floor: expected at most 1e+08 JPY bn (the plausible range of JPY bn)"),
    CliCase("compare_floor_beyond_plausible", ("compare", STANDALONE, HONDA, "-n", "50",
                                               "--floor", "1e308"), 2,
            "--floor: expected at most 1e+08 JPY bn"),
    CliCase("compare_floor_negative", ("compare", STANDALONE, HONDA, "-n", "50", "--floor",
                                       "-0.5"), 2, "--floor: expected a finite number, at "
            "least 0"),
    CliCase("compare_floor_minus_inf", ("compare", STANDALONE, HONDA, "-n", "50", "--floor",
                                        "-inf"), 2, "--floor: expected a finite number"),
    CliCase("sweep_value_nan", ("sweep", STANDALONE, "-p", "floor.fixed=nan", "-n", "50"), 2,
            "expected a number, got 'nan'"),
    CliCase("sweep_scheduler_not_url", (*SWEEP, "--scheduler", "not a url"), 2,
            "is not a scheduler address"),
    CliCase("compare_scheduler_not_url", ("compare", STANDALONE, HONDA, "--scheduler",
                                          "tcp://host:99999"), 2,
            "is not a scheduler address"),
    CliCase("run_out_under_a_file", ("run", STANDALONE, "-n", "50", "--out",
                                     "{tmp}/a_file/out"), 2,
            "a_file' is a file; --out must be a folder path"),
    CliCase("sweep_resume_out_under_a_file", (*SWEEP, "--resume", "--out", "{tmp}/a_file/o"),
            2, "a_file' is a file; --out must be a folder path"),
    # a path given twice: the second silently replaced the first
    CliCase("sweep_param_twice", ("sweep", STANDALONE, "-p", "operations.burn=-900", "-p",
                                  "operations.burn=-800", "-n", "50"), 2,
            "--param: 'operations.burn' is given twice (-900 and -800); give each path once "
            "(several values: operations.burn=-900,-800)"),
    CliCase("run_set_twice", ("run", STANDALONE, "-n", "50", "--set", "floor.fixed=5",
                              "--set", "floor.fixed=6"), 2,
            "--set: 'floor.fixed' is given twice (5 and 6); give each path once"),
    # usage errors: one line naming the command and the option (was a boxed panel)
    CliCase("run_draws_zero", ("run", STANDALONE, "-n", "0"), 2,
            "error: sim run: --draws: expected at least 1, got 0 (see 'sim run --help')"),
    CliCase("run_draws_not_a_number", ("run", STANDALONE, "-n", "many"), 2,
            "sim run: --draws: expected a whole number, got 'many'"),
    CliCase("run_currency_unknown", ("run", STANDALONE, "--currency", "XYZ"), 2,
            "sim run: --currency: 'XYZ' is not one of 'USD', 'JPY', 'EUR'"),
    CliCase("run_store_unknown", ("run", STANDALONE, "--store", "bogus"), 2,
            "sim run: --store: 'bogus' is not one of 'auto', 'memory', 'disk'"),
    CliCase("run_unknown_option", ("run", STANDALONE, "--bogus"), 2,
            "sim run: no such option: --bogus"),
    CliCase("run_extra_argument", ("run", STANDALONE, STANDALONE), 2,
            "sim run: got unexpected extra argument"),
    CliCase("compare_missing_argument", ("compare",), 2,
            "sim compare: missing argument 'scenarios'"),
    CliCase("sweep_option_without_value", ("sweep", STANDALONE, "-n"), 2,
            "sim sweep: option '-n' requires an argument"),
    CliCase("sweep_draws_above_bound", (*SWEEP[:-1], "60000000"), 2,
            "sim sweep: --draws: expected at most 50000000, got 60000000"),
    CliCase("sweep_workers_beyond_bound", (*SWEEP, "--workers", "100000"), 2,
            "sim sweep: --workers: expected 0 to"),
    CliCase("compare_workers_beyond_bound", ("compare", STANDALONE, HONDA, "-n", "50",
                                             "--workers", "100000"), 2,
            "sim compare: --workers: expected 0 to"),
    CliCase("report_workers_beyond_bound", ("report", STANDALONE, "-n", "50", "--workers",
                                            "100000"), 2,
            "worker processes (at most 4 per CPU"),
    CliCase("sweep_grid_range_too_many_points", ("sweep", STANDALONE, "-p",
                                                  "capex.base=0.1:1:100000000"), 2,
            "--param: the grid has 100,000,000 points (100,000,000 values); at most 10,000"),
    CliCase("sweep_grid_product_too_many_points", (
        "sweep", STANDALONE, "-p", f"capex.base={','.join(map(str, range(1, 1001)))}", "-p",
        "operations.burn.pert.min=-900:-600:1000"), 2,
            "--param: the grid has 1,000,000 points (1,000 x 1,000 values); at most 10,000"),
    CliCase("sweep_grid_too_many_draws", ("sweep", STANDALONE, "-p",
                                          "capex.base=0.1:1:1000", "-n", "2000000"), 2,
            "--param: 1,000 points x 2,000,000 draws is 2,000,000,000 draws; at most"),
    CliCase("sweep_breakeven_path_missing", ("sweep", KKR, "--breakeven", "deal.nope",
                                             "--versus", STANDALONE, "-n", "50"), 2,
            "deal.nope: no 'nope' under deal (there: partner, terms, probability, close)"),
    CliCase("sweep_breakeven_on_text", ("sweep", KKR, "--breakeven", "deal.partner",
                                        "--versus", STANDALONE, "--range", "1:2"), 2,
            "--breakeven: 'deal.partner' is str ('KKR'), not a number or a date"),
    CliCase("sweep_breakeven_date_numeric_range", ("sweep", KKR, "--breakeven", "deal.close",
                                                   "--versus", STANDALONE, "--range", "1:2"),
            2, "--range: a date input takes YYYY-MM:YYYY-MM, the first month before the "
            "second, got '1:2'"),
    CliCase("sweep_resume_without_out", (*SWEEP, "--resume"), 2,
            "--resume: --resume works only with --out FOLDER; without it it would do nothing"),
    CliCase("sweep_versus_without_tornado", (*SWEEP, "--versus", HONDA), 2,
            "--versus: --versus works only with --tornado or --breakeven"),
    CliCase("sweep_range_without_breakeven", (*SWEEP, "--range", "1:2"), 2,
            "--range: --range works only with --breakeven PATH"),
    CliCase("compare_materiality_probability_over_one", (
        "compare", STANDALONE, HONDA, "-n", "50", "--materiality", "probability=2"), 2,
            "--materiality: a probability differs by at most 1, so 2 would make every "
            "difference immaterial; got 'probability=2'"),
    CliCase("report_materiality_probability_outcome_over_one", (
        "report", STANDALONE, "-n", "50", "--materiality", "breach=1.5", "--out",
        "{tmp}/rep"), 2,
            "--materiality: a probability differs by at most 1"),
    CliCase("compare_materiality_share_over_one", (
        "compare", STANDALONE, HONDA, "-n", "50", "--materiality", "dilution=3"), 2,
            "--materiality: a share differs by at most 1, so 3 would make every "
            "difference immaterial; got 'dilution=3'"),
    CliCase("unknown_command", ("nosuch",), 2, "error: sim: no such command 'nosuch'"),
    CliCase("unknown_option_with_a_newline", ("run", STANDALONE, "--bo\nerror: forged"), 2,
            "no such option: --bo\\x0aerror: forged"),
    CliCase("run_case_fifo", ("run", STANDALONE, "-n", "50", "--case", "{tmp}/a_fifo.yaml"), 2,
            "a_fifo.yaml: not a regular file (a FIFO, socket or device); sim reads a case only "
            "from a regular file"),
    CliCase("run_case_folder", ("run", STANDALONE, "-n", "50", "--case", "{tmp}/a_dir.yaml"),
            2, "a_dir.yaml: expected a case, found a folder"),
    # a wrong path says what is there (was '(there: none)' under a value or a list)
    CliCase("sweep_param_under_a_value", ("sweep", STANDALONE, "-p", "floor.fixed.x=1", "-n",
                                          "50"), 2,
            "floor.fixed.x: no 'x' under floor.fixed (it is a value, "),
    CliCase("sweep_param_key_of_a_list", ("sweep", STANDALONE, "-p", "correlations.x=1", "-n",
                                          "50"), 2,
            "no 'x' under correlations (a list of 1: name an item by its index, e.g. "
            "correlations[0])"),
    CliCase("sweep_param_index_beyond_a_list", ("sweep", STANDALONE, "-p",
                                                "correlations[0].inputs[7]=1", "-n", "50"), 2,
            "no [7] under correlations[0].inputs (a list of 2: [0] to [1])"),
    CliCase("sweep_param_under_a_text", ("sweep", STANDALONE, "-p",
                                         "correlations[0].inputs[0].x=1", "-n", "50"), 2,
            "(it is a value, 'operations.burn', not a section)"),
]


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_bad_arguments_refused_in_one_line(case: CliCase, tmp_path: Path):
    (tmp_path / "a_file").write_text("not a folder\n")
    os.mkfifo(tmp_path / "a_fifo.yaml")   # a read would wait for a writer
    (tmp_path / "a_dir.yaml").mkdir()
    result = invoke(*(a.replace("{tmp}", str(tmp_path)) for a in case.args))
    assert result.exit_code == case.code, result.output
    assert case.phrase in " ".join(result.stderr.split()), result.stderr
    assert "Usage" not in result.stderr and "─" not in result.stderr   # no panel
    if case.code == 2:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr   # one line
    assert not (tmp_path / "a_file" / "out").exists()


def test_every_command_reports_a_usage_error_in_one_line():
    """Every command: an unknown option is one line naming it, exit 2; --help still works."""
    from cli.app import app as the_app

    names = [c.name for c in the_app.registered_commands]
    assert {"run", "sweep", "compare", "report", "validate"} <= set(names)
    for name in names:
        result = invoke(name, "--no-such-option")
        assert result.exit_code == 2, (name, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (name, result.stderr)
        assert lines[0].startswith(f"error: sim {name}: no such option: --no-such-option"), \
            lines[0]
        helped = invoke(name, "--help")
        assert helped.exit_code == 0 and "Usage" in helped.stdout, (name, helped.output)
    alone = invoke()   # 'sim' alone shows the help, as before
    assert alone.exit_code == 2 and "Usage: sim" in alone.output and "run" in alone.output


# --- output folders that cannot be written -----------------------------------------------

def test_read_only_folder_refused_before_computing(tmp_path: Path):
    if os.geteuid() == 0:
        pytest.skip("root writes through chmod 555; the fake below covers this path")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        result = invoke("run", STANDALONE, "-n", "50", "--out", str(ro / "out"))
    finally:
        ro.chmod(0o755)
    assert result.exit_code == 2
    assert "cannot write to" in result.stderr


def test_unwritable_folder_refused_before_computing(tmp_path: Path, monkeypatch):
    """A file system that refuses writes (faked: creating any file there fails)."""
    import simcore.outputs.folders as folders

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EROFS, "Read-only file system")

    def never(*args, **kwargs):
        raise AssertionError("computed before checking --out")

    monkeypatch.setattr(folders.tempfile, "mkstemp", refuse)
    monkeypatch.setattr("simcore.api.simulate", never)
    result = invoke("run", STANDALONE, "-n", "50", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert f"cannot write to '{tmp_path}': Read-only file system" in result.stderr


def test_full_disk_fails_with_its_cause_and_leaves_nothing(tmp_path: Path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("simcore.outputs.files.np.lib.format.write_array", full)
    result = invoke("run", STANDALONE, "-n", "50", "--no-checks", "--quiet", "--out",
                    str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "error: [Errno 28] No space left on device" in result.stderr
    line = " ".join(result.stderr.split())
    assert f"while writing {tmp_path / 'out' / 'draws.npz'} (nothing was written" in line
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []   # no folder, temp or lock


@pytest.mark.parametrize("stage", ["summary.json", "sim-manifest.json"])
def test_full_disk_names_the_file_it_was_writing(tmp_path: Path, monkeypatch, stage: str):
    """Whichever file fills the disk is the one the line names."""
    import simcore.outputs.files as files
    import simcore.outputs.folders as folders

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files if stage == "summary.json" else folders,
                        "write_json" if stage == "summary.json" else "write_marker", full)
    result = invoke("run", STANDALONE, "-n", "50", "--no-checks", "--quiet", "--out",
                    str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    line = " ".join(result.stderr.split())
    assert f"No space left on device while writing {tmp_path / 'out' / stage}" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_full_disk_in_a_sweep_names_the_point(tmp_path: Path, monkeypatch):
    import simcore.analysis.sweep as sweep_mod

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(sweep_mod, "write_atomic", full)
    result = invoke("sweep", STANDALONE, "-p", "capex.base=0.5", "-n", "50", "-q", "--out",
                    str(tmp_path / "sw"))
    assert result.exit_code == 1, result.output
    line = " ".join(result.stderr.split())
    assert f"No space left on device while writing {tmp_path / 'sw' / 'points'}/" in line
    assert line.endswith("; no point was kept"), line   # says what was kept
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# --- signals and concurrent writers ----------------------------------------------------

def test_sigterm_cleans_up_like_ctrl_c(tmp_path: Path):
    out = tmp_path / "out"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "sim"), "run", STANDALONE, "-n",
                             "60000", "--no-checks", "-q", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.time() + 60
    while not lock_path(out).exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)   # into the computing
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "interrupted; nothing was written" in stderr
    assert list(tmp_path.iterdir()) == []   # no temp folder, no lock left


def test_second_writer_refused_while_the_first_lives(tmp_path: Path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lock_path(out).write_text(f"{holder.pid}\n")
        result = invoke("run", STANDALONE, "-n", "50", "-q", "--out", str(out))
        assert result.exit_code == 2, result.output
        assert f"another sim (process {holder.pid}) is writing to this folder" in \
            " ".join(result.stderr.split())
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    # its process is gone: the stale lock is taken over, and released at the end
    result = invoke("run", STANDALONE, "-n", "50", "-q", "--no-checks", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "summary.json").exists() and not lock_path(out).exists()


# --- resume ----------------------------------------------------------------------------

def sweep_points(scenario: str, out: Path, *extra: str) -> tuple[object, dict]:
    result = invoke("sweep", scenario, "-p", "capex.base=0.5,1.0", "-n", "100", "-q",
                    "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    return result, json.loads((out / "sweep.json").read_text())


def test_corrupt_point_recomputed_with_a_warning(tmp_path: Path):
    out = tmp_path / "sw"
    _, first = sweep_points(STANDALONE, out)
    victim = sorted((out / "points").glob("*.json"))[0]
    victim.write_text('{"params": {"capex.base": 0.5}, "metr')   # truncated
    result, again = sweep_points(STANDALONE, out, "--resume")
    assert f"warning: points/{victim.name} could not be read" in result.stderr
    assert "resumed: 1 point reused, 1 recomputed (1 corrupt)" in result.stderr
    assert again["skipped"] == 1 and again["points"] == first["points"]
    assert json.loads(victim.read_text())["metrics"]   # rewritten whole


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_point_holding_a_non_finite_number_is_corrupt(tmp_path: Path, bad: str):
    """No point holds NaN or infinity (a statistic that does not exist is null): a point
    file that does is recomputed, never carried into sweep.json or sweep.csv."""
    out = tmp_path / "sw"
    _, first = sweep_points(STANDALONE, out)
    victim = sorted((out / "points").glob("*.json"))[0]
    text = victim.read_text()
    old = json.loads(text)["metrics"]["ending_cash_mean"]
    victim.write_text(text.replace(f'"ending_cash_mean": {old}', f'"ending_cash_mean": {bad}'))
    result, again = sweep_points(STANDALONE, out, "--resume")
    assert f"warning: points/{victim.name} could not be read" in result.stderr
    assert "resumed: 1 point reused, 1 recomputed (1 corrupt)" in result.stderr
    assert again["points"] == first["points"]
    assert "nan" not in (out / "sweep.csv").read_text().lower()


def test_sweep_json_is_strict_json(tmp_path: Path, monkeypatch):
    """A number that is not finite is written as null (as summary.json does), never as
    a bare NaN or Infinity, in sweep.json and on stdout."""
    import simcore.analysis.sweep as sweep_mod

    real = sweep_mod.evaluate_point

    def with_nan(task):
        got = real(task)
        got["metrics"]["ending_cash_mean"] = float("nan")
        return got

    monkeypatch.setattr(sweep_mod, "evaluate_point", with_nan)
    out = tmp_path / "sw"
    result = invoke("sweep", STANDALONE, "-p", "capex.base=0.5", "-n", "50", "--json",
                    "--out", str(out))
    assert result.exit_code == 0, result.output

    def strict(name: str) -> None:
        raise ValueError(name)

    for text in ((out / "sweep.json").read_text(), result.stdout):
        data = json.loads(text, parse_constant=strict)
        assert data["points"][0]["metrics"]["ending_cash_mean"] is None


def test_changed_scenario_is_recomputed_on_resume(tmp_path: Path):
    scenario = tmp_path / "standalone.yaml"
    text = Path(STANDALONE).read_text(encoding="utf-8")
    scenario.write_text(text, encoding="utf-8")
    _, first = sweep_points(str(scenario), tmp_path / "sw")
    title = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
    scenario.write_text(text.replace(f"title: {title}", "title: edited", 1), encoding="utf-8")
    result, again = sweep_points(str(scenario), tmp_path / "sw", "--resume")
    assert again["skipped"] == 0
    assert "resumed: 0 points reused, 2 recomputed (2 stale)" in result.stderr


def test_a_resumed_sweep_says_what_it_reused_on_stderr_only(tmp_path: Path):
    """The count goes to stderr: stdout stays the JSON alone."""
    out = tmp_path / "sw"
    args = ("sweep", STANDALONE, "-p", "capex.base=0.5,1.0,1.5", "-n", "100", "--out",
            str(out))
    assert invoke(*args, "-q").exit_code == 0
    sorted((out / "points").glob("*.json"))[0].unlink()   # one point lost
    result = invoke(*args, "--resume", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["skipped"] == 2
    assert "resumed" not in result.stdout
    assert "resumed: 2 points reused, 1 recomputed" in result.stderr
    assert "resumed" not in invoke(*args, "-q", "--force").stderr   # not resumed: no line


def test_planted_links_are_not_followed(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    out = tmp_path / "sw"
    (out / "points").mkdir(parents=True)
    write_marker(out, "sim sweep")   # a sweep folder someone planted links in
    for name in (".sweep.json.tmp", ".sweep.csv.tmp", "sweep.json"):
        (out / name).symlink_to(victim)
    result = invoke("sweep", STANDALONE, "-p", "capex.base=0.5", "-n", "50", "-q",
                    "--resume", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious\n"
    assert not (out / "sweep.json").is_symlink()
    link = tmp_path / "link.json"
    link.symlink_to(victim)
    write_atomic(link, "{}")
    assert victim.read_text() == "precious\n" and link.read_text() == "{}"


def test_a_chart_is_written_through_an_exclusive_temporary_file(tmp_path: Path):
    """A link planted at the chart's name (tornado.png) is replaced, not followed."""
    from simcore.outputs.folders import write_atomic_with

    victim = tmp_path / "victim.png"
    victim.write_bytes(b"precious")
    link = tmp_path / "tornado.png"
    link.symlink_to(victim)
    seen = []

    def chart(p: Path) -> None:
        seen.append(p)
        p.write_bytes(b"\x89PNG")

    write_atomic_with(link, chart)
    assert victim.read_bytes() == b"precious" and not link.is_symlink()
    assert link.read_bytes() == b"\x89PNG" and seen[0].suffix == ".png"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["tornado.png", "victim.png"]

    def fails(p: Path) -> None:
        p.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomic_with(tmp_path / "bridge.png", fails)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["tornado.png", "victim.png"]


def test_interrupted_sweep_says_what_it_kept(tmp_path: Path, monkeypatch):
    import simcore.analysis.sweep as sweep_mod

    real = sweep_mod.map_experiments

    def one_then_interrupt(fn, tasks, executor):
        for k, item in enumerate(real(fn, tasks, executor)):
            if k == 1:
                raise KeyboardInterrupt
            yield item

    monkeypatch.setattr(sweep_mod, "map_experiments", one_then_interrupt)
    result = runner.invoke(app, ["sweep", STANDALONE, "-p", "capex.base=0.5,1.0,1.5", "-n",
                                 "50", "-q", "--out", str(tmp_path / "sw")])
    assert result.exit_code == 130
    assert "interrupted; 1 finished points are kept in" in result.stderr
    assert "run again with --resume" in result.stderr


# --- user text printed literally, CSV cells neutralised ---------------------------------

def hostile_copy(tmp_path: Path) -> Path:
    text = Path(STANDALONE).read_text(encoding="utf-8")
    title = text.split("\ntitle: ", 1)[1].split("\n", 1)[0]
    text = text.replace(f"title: {title}", 'title: "[/] [bold]x \\e[31mred $x^{2 :smile:"', 1)
    text = text.replace("plant: tochigi", 'plant: "=HYPERLINK(\\"http://x\\")[/]"', 1)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_markup_and_control_characters_print_literally(tmp_path: Path):
    result = invoke("run", str(hostile_copy(tmp_path)), "-n", "200", "--out",
                    str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "[/] [bold]x \\x1b[31mred $x^{2 :smile:" in result.stdout
    assert "\x1b" not in result.output
    assert "=HYPERLINK(" in result.stdout
    launches = (tmp_path / "out" / "launches.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(' in launches


def test_csv_cells_neutralised_text_only():
    assert [safe_cell(v) for v in ("=1+2", "+cmd", "-x", "@SUM(A1)", "\t=1", "plain")] == \
        ["'=1+2", "'+cmd", "'-x", "'@SUM(A1)", "'\t=1", "plain"]
    assert [safe_cell(v) for v in ("-1.5", "+3", "-1e-05", -2.0, 7)] == \
        ["-1.5", "+3", "-1e-05", -2.0, 7]


# --- scope: extends and the fact registry inside the project ----------------------------

def test_extends_outside_is_refused_without_reading_it(tmp_path: Path):
    secret = tmp_path / "elsewhere" / "secret.yaml"
    secret.parent.mkdir()
    secret.write_text("SECRET-CONTENT: [unclosed\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "option.yaml").write_text("extends: ../elsewhere/secret.yaml\nname: o\n")
    result = invoke("validate", str(project / "option.yaml"))
    assert result.exit_code == 2
    assert "is outside the scenario's project" in result.stderr
    assert "SECRET" not in result.output


def test_a_nul_byte_in_extends_is_one_line_and_the_next_file_is_still_validated(
        tmp_path: Path):
    """A NUL byte in a base's name was 'internal error: embedded null byte' (exit 1) and
    stopped ``sim validate`` before the files after it."""
    (tmp_path / "a.yaml").write_text('extends: "stand\\0alone.yaml"\nname: a\n')
    (tmp_path / "b.yaml").write_text("extends: no_such_base.yaml\nname: b\n")
    result = invoke("validate", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith("a.yaml:1: extends: base scenario 'stand\\x00alone.yaml' has a "
                             "control character in its name; write the base's file name")
    assert "b.yaml:1: extends: base scenario 'no_such_base.yaml' not found" in lines[1]


def test_seeds_only_from_the_project_root(tmp_path: Path):
    """A ``seeds/`` above the scenario is ignored unless that folder is its project root."""
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "broken.yaml").write_text("facts: [unclosed\n")
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "standalone.yaml").write_text(Path(STANDALONE).read_text(encoding="utf-8"))
    assert invoke("validate", str(folder / "standalone.yaml")).exit_code == 0
    (tmp_path / "pyproject.toml").write_text("")   # now tmp_path is the project root
    result = invoke("validate", str(folder / "standalone.yaml"))
    assert result.exit_code == 2 and "broken.yaml" in result.stderr


def test_a_run_that_cannot_fit_is_refused_before_computing(monkeypatch):
    """The memory a run needs is estimated up front: a run that cannot fit is refused in
    one line with the draw count that fits, instead of dying after minutes."""
    from simcore.experiments import memory
    from simcore.scenario.loader import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "standalone.yaml").scenario
    need = memory.estimate_bytes(sc, 1_000_000, 8192)
    # linear in draws: the per-draw part is the monthly paths and the outcomes
    per = (memory.estimate_bytes(sc, 2_000_000, 8192) - need) / 1_000_000
    assert 8 * 60 * 3 < per < 8 * 1000
    monkeypatch.setattr(memory, "available_bytes", lambda: need - 1)
    result = invoke("run", str(ROOT / "scenarios" / "standalone.yaml"), "-n", "1000000",
                    "--quiet", "--no-checks", "--store", "memory")
    assert result.exit_code == 2, result.output
    line = " ".join(result.stderr.split())
    assert "1,000,000 draws of standalone need about" in line and "draws fit" in line
    fits = int(line.split("at most about ")[1].split(" draws")[0].replace(",", ""))
    assert 900_000 < fits < 1_000_000
    # by default such a run keeps its draws on disk instead
    assert memory.on_disk(sc, 1_000_000, 8192, "auto")
    # and even on disk a run needs a chunk's working set and a column or two
    fixed = memory.stream_bytes(sc, 8192, 8192) - memory.STREAM_PER_DRAW * 8192
    small = fixed + memory.STREAM_PER_DRAW * 500_000
    monkeypatch.setattr(memory, "available_bytes", lambda: small)
    result = invoke("run", str(ROOT / "scenarios" / "standalone.yaml"), "-n", "1000000",
                    "--quiet", "--no-checks")
    assert result.exit_code == 2, result.output
    line = " ".join(result.stderr.split())
    assert "even with the draws on disk" in line
    fits = int(line.split("at most about ")[1].split(" draws")[0].replace(",", ""))
    assert fits == 500_000


@pytest.mark.parametrize("plant", ["fifo", "dev_zero"])
def test_a_planted_lock_is_refused_not_read(tmp_path: Path, plant: str):
    """A FIFO would block the read of the lock's process id, /dev/zero never end."""
    lock = tmp_path / ".out.sim-lock"
    if plant == "fifo":
        os.mkfifo(lock)
    else:
        lock.symlink_to("/dev/zero")
    result = invoke("run", STANDALONE, "-n", "50", "--no-checks", "--out",
                    str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "is not a regular file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_planted_point_is_recomputed_not_read(tmp_path: Path):
    out = tmp_path / "sw"
    args = ("sweep", STANDALONE, "-p", "capex.base=0.5,0.6", "-n", "50", "-q",
            "--out", str(out))
    assert invoke(*args).exit_code == 0
    point = sorted((out / "points").glob("*.json"))[0]
    point.unlink()
    os.mkfifo(point)
    result = invoke(*args, "--resume")
    assert result.exit_code == 0, result.output
    assert point.name in result.stderr and point.is_file()


def _planted(out: Path, how: str, victim: Path) -> Path:
    """In a sweep folder, ``points`` (or a point) replaced by what sim did not write."""
    points = out / "points"
    if how == "point_folder":
        target = sorted(points.glob("*.json"))[0]
        target.unlink()
        (target / "keep").mkdir(parents=True)
        return target
    for p in points.iterdir():
        p.unlink()
    points.rmdir()
    if how == "link":
        points.symlink_to(victim)
    else:
        points.write_text("a file\n")
    return points


@pytest.mark.parametrize("how,phrase", [
    ("link", "'points' in --out is a symbolic link"),
    ("file", "'points' in --out is not a folder"),
    ("point_folder", "is a folder, not a point sim wrote; sim will not delete it")])
def test_a_planted_points_folder_is_refused_before_computing(tmp_path: Path, how: str,
                                                             phrase: str):
    """points/ that is a link (its points would land outside --out), a file, or a point
    that is a folder: refused in one line, exit 2, before computing; nothing changed."""
    import simcore.analysis.sweep as sweep_mod

    out, victim = tmp_path / "sw", tmp_path / "victim"
    args = ("sweep", STANDALONE, "-p", "capex.base=0.5,0.6", "-n", "50", "-q",
            "--out", str(out))
    assert invoke(*args).exit_code == 0
    names = sorted(p.name for p in (out / "points").iterdir())
    victim.mkdir()
    for name in names:
        (victim / name).write_text("precious\n")
    planted = _planted(out, how, victim)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sweep_mod, "evaluate_point", None)   # computing would fail
        result = invoke(*args, "--resume")
    assert result.exit_code == 2, result.output
    assert phrase in result.stderr and "nothing was changed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert all((victim / n).read_text() == "precious\n" for n in names)
    assert planted.is_symlink() or planted.is_file() or (planted / "keep").is_dir()


def test_resume_into_a_folder_of_another_command_is_refused(tmp_path: Path):
    out = tmp_path / "run"
    assert invoke("run", STANDALONE, "-n", "50", "-q", "--out", str(out)).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    result = invoke("sweep", STANDALONE, "-p", "capex.base=0.5", "-n", "50", "-q",
                    "--resume", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "--resume refused: this folder was written by 'sim run', not by sim sweep" in \
        result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.parametrize("how", ["file", "folder"])
def test_a_seed_linking_out_of_the_project_is_refused_unread(tmp_path: Path, how: str):
    """The fact registry reads only files inside the scenario's project: a seed file, or
    the seeds folder, that links outside is refused without its content shown."""
    import shutil

    project = tmp_path / "p"
    (project / "scenarios").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    shutil.copy(ROOT / "scenarios" / "standalone.yaml", project / "scenarios")
    outside = tmp_path / "outside"
    shutil.copytree(ROOT / "seeds", outside)
    secret = outside / "zzz.yaml"
    secret.write_text("source: TOPSECRET\n")
    if how == "file":
        shutil.copytree(ROOT / "seeds", project / "seeds")
        (project / "seeds" / "zzz.yaml").symlink_to(secret)
    else:
        (project / "seeds").symlink_to(outside)
    result = invoke("validate", str(project / "scenarios" / "standalone.yaml"))
    assert result.exit_code == 2, result.output
    assert "links outside the project" in result.stderr
    assert "TOPSECRET" not in result.output


def test_out_that_is_the_current_folder_or_a_link_is_refused_before_the_run(
        tmp_path: Path, monkeypatch):
    """sim replaces --out whole: the current folder (or one holding it) and a symbolic
    link are refused up front, and left as they were."""
    from simcore.outputs.folders import write_marker

    here = tmp_path / "proj" / "run1"
    here.mkdir(parents=True)
    write_marker(here, "sim run")          # even a folder sim wrote
    monkeypatch.chdir(here)
    for out in (".", ".."):
        result = invoke("run", STANDALONE, "-n", "50", "--no-checks", "--out", out, "--force")
        assert result.exit_code == 2, result.output
        assert "is the current folder or holds it" in result.stderr
    link = tmp_path / "link"
    link.symlink_to(here)
    result = invoke("run", STANDALONE, "-n", "50", "--no-checks", "--out", str(link),
                    "--force")
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert link.is_symlink() and sorted(p.name for p in here.iterdir()) == ["sim-manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "proj"]


def test_disk_sizes_below_a_gigabyte_are_shown_in_megabytes(monkeypatch):
    from simcore.errors import InputError
    from simcore.experiments import store

    class Usage:
        free = 2 * 2**20

    monkeypatch.setattr(store.shutil, "disk_usage", lambda p: Usage)
    with pytest.raises(InputError, match=r"about 3.0 MB on disk .* has 2.0 MB free"):
        store.check_space(3 * 2**20)


@pytest.mark.skipif(not Path("/proc/meminfo").exists(), reason="Linux's /proc/meminfo")
def test_memory_available_counts_the_reclaimable_cache_not_only_free_pages():
    """The page cache is memory a run can have: MemAvailable, at least the free pages."""
    import os

    from simcore.experiments import memory

    free_pages = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    text = Path("/proc/meminfo").read_text()
    line = next(x for x in text.splitlines() if x.startswith("MemAvailable:"))
    assert memory.available_bytes() >= min(free_pages, int(line.split()[1]) * 1024) * 0.9
    assert abs(memory.available_bytes() - int(line.split()[1]) * 1024) < 2**28
