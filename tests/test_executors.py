"""One executor interface for every command: compare, sweep and tornado give the same
answer in-process, in local processes and on a Dask cluster; workers get the scenario
as data, never a path; worker processes die with their parent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import ROOT, SCENARIOS
from typer.testing import CliRunner

from cli.app import app
from simcore import api
from simcore.analysis.compare import compare, comparison_dict
from simcore.experiments.executors import make_executor
from simcore.experiments.runner import RunSettings
from simcore.experiments.tasks import scenario_digest
from simcore.scenario.loader import load_scenario
from simcore.scenario.overrides import with_overrides

OPTIONS = [SCENARIOS / f"{n}.yaml" for n in ("standalone", "foxconn", "kkr")]
runner = CliRunner()


def _compare_json(*extra: str) -> str:
    r = runner.invoke(app, ["compare", *map(str, OPTIONS), "-n", "1500", "--json", *extra])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_cli_compare_with_workers_equals_in_process_byte_for_byte():
    assert _compare_json("--workers", "2") == _compare_json()


def test_compare_on_a_dask_cluster_equals_in_process():
    distributed = pytest.importorskip("distributed")
    ref = _compare_json()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        assert _compare_json("--scheduler", cluster.scheduler_address) == ref


def test_sweep_and_simulate_use_the_scenario_in_memory_not_the_file(tmp_path):
    """Load a scenario, then change its file on disk: both entry points keep answering for
    what was loaded."""
    path = tmp_path / "standalone.yaml"
    shutil.copy(SCENARIOS / "standalone.yaml", path)
    loaded = load_scenario(path)
    edited = path.read_text().replace("pert: {min: 900, mode: 1150, max: 1400}",
                                      "pert: {min: 3900, mode: 4150, max: 4400}")
    assert edited != path.read_text()
    path.write_text(edited)             # opening cash now 3tn yen higher on disk
    opts = {"draws": 400, "seed": 3}
    sim = api.simulate(loaded, **opts)
    sw = api.sweep(loaded, {"operations.burn.pert.min": [-800.0]}, workers=2, **opts)
    direct = api.simulate(loaded, overrides={"operations.burn.pert.min": -800.0}, **opts)
    point = sw.points[0]["metrics"]
    assert point["ending_cash_mean"] == pytest.approx(
        float(direct.result.cash[:, -1].mean()), abs=1e-6)
    assert sim.summary["manifest"]["scenario_sha256"] == scenario_digest(loaded.scenario)


def test_compare_accepts_modified_scenarios():
    base = load_scenario(SCENARIOS / "standalone.yaml")
    worse = with_overrides(base, {"operations.burn.pert.min": -900.0})
    worse = worse.model_copy(update={"name": "worse"})
    c = api.compare([base, worse], draws=500, seed=2)
    data = comparison_dict(c)
    assert data["paired"]["ending_cash"]["worse"]["diff_mean"] < 0


def test_manifest_hashes_the_resolved_scenario_with_overrides():
    base = load_scenario(SCENARIOS / "standalone.yaml")
    one = api.simulate(base, draws=50)
    two = api.simulate(base, draws=50, overrides={"operations.burn.pert.min": -850.0})
    assert one.summary["manifest"]["scenario_sha256"] != two.summary["manifest"][
        "scenario_sha256"]
    assert one.summary["manifest"]["scenario_sha256"] == scenario_digest(base.scenario)


def test_resume_recomputes_points_of_a_changed_scenario(tmp_path):
    base = load_scenario(SCENARIOS / "standalone.yaml")
    params = {"operations.burn.pert.min": [-800.0, -770.0]}
    out = tmp_path / "sweep"
    first = api.sweep(base, params, draws=200, out_dir=out)
    again = api.sweep(base, params, draws=200, out_dir=out, resume=True)
    assert again.skipped == 2 and again.to_dict() == first.to_dict()
    changed = load_scenario(SCENARIOS / "foxconn.yaml")
    other = api.sweep(changed, params, draws=200, out_dir=out, resume=True)
    assert other.skipped == 0


def test_compare_in_process_and_processes_agree_in_python():
    loaded = [load_scenario(p) for p in OPTIONS]
    s = RunSettings(draws=700, seed=9)
    ref = json.dumps(comparison_dict(compare(loaded, s)))
    ex = make_executor(workers=2)
    try:
        assert json.dumps(comparison_dict(compare(loaded, s, executor=ex))) == ref
    finally:
        ex.close()


WORKER_PARENT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from simcore.experiments.executors import make_executor
    ex = make_executor(workers=2)
    pids = list(ex.pool.map(os.getpid, range(0)))  # start nothing yet
    futs = [ex.pool.submit(time.sleep, 0.2) for _ in range(4)]
    [f.result() for f in futs]
    print(" ".join(str(p) for p in ex.pool._processes), flush=True)
    time.sleep(60)
""")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:   # a zombie has exited
        return f.read().split()[2] != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc")
def test_workers_exit_when_their_parent_is_killed():
    proc = subprocess.Popen([sys.executable, "-c", WORKER_PARENT.format(root=str(ROOT))],
                            stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids)
    finally:
        proc.kill()


def test_no_more_worker_processes_than_tasks_and_a_bound():
    """--workers is bounded (4 per CPU, 256) for every command, and a pool never starts
    more processes than a map has tasks."""
    from simcore.errors import InputError
    from simcore.experiments.executors import MAX_WORKERS

    with pytest.raises(InputError, match="worker processes"):
        make_executor(workers=MAX_WORKERS + 1)
    ex = make_executor(workers=MAX_WORKERS)
    try:
        assert sorted(r for _, r in ex.imap(abs, [-1, -2])) == [1, 2]
        assert len(ex.pool._processes) == min(2, MAX_WORKERS)
    finally:
        ex.close()
