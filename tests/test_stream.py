"""A run kept on disk (simcore.experiments.stream): the same numbers as a run in memory,
on every bundled scenario and any chunking; its file leaves nothing behind; what it
cannot do it refuses in one line."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIOS, by_hand
from typer.testing import CliRunner

from cli.app import app
from simcore import api
from simcore.errors import InputError, RunError
from simcore.experiments import memory, store
from simcore.experiments.store import DrawFile
from simcore.outputs.charts.cash import floor_band

BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
runner = CliRunner()


def _pair(path, draws: int = 1200, **kw):
    base = api.load(path)
    mem = api.simulate(base, draws=draws, store="memory", **kw)
    disk = api.simulate(base, draws=draws, store="disk", chunk=317, **kw)
    return mem, disk


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_summary_on_disk_equals_in_memory(path):
    """Every figure of the summary, to the last digit, whatever the chunking."""
    mem, disk = _pair(path)
    assert disk.on_disk and not mem.on_disk
    assert json.dumps(disk.summary, sort_keys=True) == json.dumps(mem.summary, sort_keys=True)
    disk.close()


def test_columns_are_exact_against_numpy_on_the_whole_arrays():
    """The stored fan and outcome columns against numpy on the run kept in memory."""
    mem, disk = _pair(SCENARIOS / "standalone.yaml", draws=2000, floor=500.0)
    r, d = mem.result, disk.result
    ps = (5, 50, 95)
    assert np.array_equal(d.cash_fan(ps), np.percentile(r.cash, ps, axis=0))
    assert np.array_equal(d.outcome("min_liquidity"), r.liquidity.min(axis=1))
    assert np.array_equal(d.liquidity_at(d.fy_end[1]), r.liquidity[:, r.finance.fy_end[1]])
    for k in r.drivers:
        assert d.drivers[k].dtype == np.float32
        assert np.array_equal(d.drivers[k], r.drivers[k])
    band, want = floor_band(d), floor_band(r)
    assert band == want and band["breached_by"][-1] == pytest.approx(
        disk.summary["cash"]["p_breach"])
    # the floor the run was given (500 JPY bn), converted month by month
    assert np.allclose(d.floor_block(_t(500.0), slice(0, 3)),
                       500.0 * r.finance.floor_fx[:, :3])


def _t(floor):
    from simcore.outcomes.registry import Thresholds

    return Thresholds(floor)


def test_cli_files_on_disk_equal_in_memory(tmp_path):
    """sim run --store disk writes the same summary, CSV and draws.npz."""
    for st in ("memory", "disk"):
        res = runner.invoke(app, ["run", str(SCENARIOS / "foxconn.yaml"), "-n", "900",
                                  "--store", st, "--chunk", "250", "--quiet",
                                  "--out", str(tmp_path / st)])
        assert res.exit_code == 0, res.output
    a, b = tmp_path / "memory", tmp_path / "disk"
    for name in ("summary.json", "cash_percentiles.csv", "launches.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    za, zb = np.load(a / "draws.npz"), np.load(b / "draws.npz")
    assert sorted(za.files) == sorted(zb.files) and "fcf_by_fy" in za.files
    for k in za.files:
        assert np.array_equal(za[k], zb[k]), k
    assert za["fcf_by_fy"].shape == (900, len(za["fiscal_years"]))


def test_what_a_stored_run_cannot_do_is_refused_in_one_line():
    disk = api.simulate(SCENARIOS / "standalone.yaml", draws=300, store="disk")
    for call in (lambda: disk.reanalyse(floor=900.0), disk.arrays, disk.to_pandas):
        with pytest.raises(InputError, match="in memory") as e:
            call()
        assert "\n" not in str(e.value)
    with pytest.raises(InputError, match="floor it ran with"):
        disk.result.outcome_values(_t(123.0))
    disk.close()


def test_auto_keeps_a_run_on_disk_above_the_budget(monkeypatch):
    sc = api.load(SCENARIOS / "standalone.yaml").scenario
    assert not memory.on_disk(sc, 1000, 8192, "auto")
    assert memory.on_disk(sc, 1000, 8192, "disk")
    monkeypatch.setattr(memory, "BUDGET", memory.estimate_bytes(sc, 999, 8192))
    assert memory.on_disk(sc, 1000, 8192, "auto")
    assert not memory.on_disk(sc, 1000, 8192, "memory")
    sim = api.simulate(SCENARIOS / "standalone.yaml", draws=1000)
    assert sim.on_disk
    sim.close()


def test_draw_file_round_trips_and_leaves_no_name_behind(tmp_path):
    f = DrawFile(10, tmp_path)
    assert list(tmp_path.iterdir()) == []          # unlinked at once
    f.write("a", 0, np.arange(4.0))
    f.write("b", 0, np.ones(10, np.float32))
    f.write("a", 4, np.arange(4.0, 10.0))
    assert np.array_equal(f.read("a"), np.arange(10.0))
    assert f.read("b").dtype == np.float32 and f.reserved_bytes == 10 * 8 + 10 * 4
    with pytest.raises(ValueError):
        f.write("a", 8, np.zeros(3))
    f.close()
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_mid_run_is_one_line(tmp_path):
    f = DrawFile(10, tmp_path)

    f._file = _Full(f._file)
    with pytest.raises(RunError, match="No space left on device"):
        f.write("a", 0, np.zeros(10))
    f.close()


class _Full:
    """A file whose writes fail as on a full disk."""

    def __init__(self, real):
        self.real = real

    def seek(self, *a):
        return self.real.seek(*a)

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def close(self):
        self.real.close()


def test_not_enough_disk_is_refused_before_the_run(monkeypatch):
    class Usage:
        free = 10 * 2**20

    monkeypatch.setattr(store.shutil, "disk_usage", lambda p: Usage)
    res = runner.invoke(app, ["run", str(SCENARIOS / "standalone.yaml"), "-n", "100000",
                              "--store", "disk", "--quiet"])
    assert res.exit_code == 2
    assert "on disk" in res.output and "TMPDIR" in res.output
    assert "Traceback" not in res.output


def test_disk_bytes_per_draw_match_the_columns(write_yaml):
    """A one-line scenario: the pilot's bytes per draw are its columns' itemsizes."""
    from simcore.experiments.stream import _bytes_per_draw

    loaded = api.load(write_yaml(by_hand(months=12, burn=-1.0)))
    sc = loaded.scenario
    s = api.RunSettings(draws=5)
    disk = api.simulate(loaded, s.model_copy(update={"store": "disk"}))
    lay = disk.result.layout
    cols = (len(lay.outcomes) + lay.months + len(lay.fy_end)
            + lay.months * lay.floor_paths + len(disk.result.fy) + 2 + len(lay.bridge))
    assert _bytes_per_draw(sc, s) == 8 * cols
    disk.close()


def test_a_temporary_folder_that_is_gone_is_one_line(tmp_path):
    with pytest.raises(RunError, match="cannot create the draws' file") as e:
        DrawFile(10, tmp_path / "missing")
    assert "\n" not in str(e.value)


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads /proc (Linux)")
def test_kill_9_leaves_no_draws_file(tmp_path):
    """The draws' file has no name from the start: killed mid-run, nothing is left."""
    import signal
    import subprocess
    import sys
    import time

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    sim = Path(sys.executable).parent / "sim"
    proc = subprocess.Popen([str(sim), "run", str(SCENARIOS / "standalone.yaml"), "-n",
                             "2000000", "--store", "disk", "--no-checks", "--quiet"],
                            env={**os.environ, "TMPDIR": str(tmp)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _open_draw_files(proc.pid) == 0:
            time.sleep(0.2)
        assert _open_draw_files(proc.pid) == 1      # the run holds its (deleted) file
        assert list(tmp.iterdir()) == []
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert list(tmp.iterdir()) == []


def _open_draw_files(pid: int) -> int:
    """Deleted sim-draws files the process holds open (Linux /proc)."""
    fds = Path(f"/proc/{pid}/fd")
    n = 0
    for fd in fds.iterdir() if fds.exists() else []:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        n += "sim-draws-" in target and target.endswith("(deleted)")
    return n
