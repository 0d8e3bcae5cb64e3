"""Output folders: --force replaces only what sim wrote; a folder sim did not write is
refused (exit 2) and left exactly as it was."""

from __future__ import annotations

import json

import pytest
from conftest import SCENARIOS
from typer.testing import CliRunner

from cli.app import app
from simcore.outputs.folders import MARKER

runner = CliRunner()
STANDALONE = str(SCENARIOS / "standalone.yaml")
FOXCONN = str(SCENARIOS / "foxconn.yaml")
COMMANDS = {
    "run": ["run", STANDALONE, "-n", "50", "--quiet"],
    "compare": ["compare", STANDALONE, FOXCONN, "-n", "50", "--quiet"],
    "sweep": ["sweep", STANDALONE, "-p", "operations.burn.pert.min=-800,-780", "-n", "50",
              "--quiet"],
}


def snapshot(folder) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def user_folder(tmp_path):
    folder = tmp_path / "repo"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / "README.md").write_text("my notes\n")
    (folder / "summary.json").write_text("{\"mine\": true}\n")
    return folder


@pytest.mark.parametrize("command", list(COMMANDS))
def test_force_refuses_a_folder_sim_did_not_write(tmp_path, command):
    folder = user_folder(tmp_path)
    before = snapshot(folder)
    r = runner.invoke(app, [*COMMANDS[command], "--out", str(folder), "--force"])
    assert r.exit_code == 2, r.output
    assert "not written by sim" in r.output and "Traceback" not in r.output
    assert snapshot(folder) == before


@pytest.mark.parametrize("command", list(COMMANDS))
def test_force_replaces_a_folder_sim_wrote(tmp_path, command):
    folder = tmp_path / "out"
    first = runner.invoke(app, [*COMMANDS[command], "--out", str(folder)])
    assert first.exit_code == 0, first.output
    assert json.loads((folder / MARKER).read_text())["written_by"] == "sim"
    again = runner.invoke(app, [*COMMANDS[command], "--out", str(folder)])
    assert again.exit_code == 2          # exists: refused without --force
    forced = runner.invoke(app, [*COMMANDS[command], "--out", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert (folder / MARKER).exists()


def test_sweep_force_on_the_current_folder_is_refused(tmp_path, monkeypatch):
    (tmp_path / "precious.txt").write_text("keep me")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, [*COMMANDS["sweep"], "--out", ".", "--force"])
    assert r.exit_code == 2
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_out_under_a_file_is_refused_before_running(tmp_path):
    (tmp_path / "afile").write_text("x")
    r = runner.invoke(app, [*COMMANDS["run"], "--out", str(tmp_path / "afile" / "sub")])
    assert r.exit_code == 2
    assert "is a file" in r.output and "internal error" not in r.output


def test_resume_refuses_a_folder_sim_did_not_write(tmp_path):
    folder = user_folder(tmp_path)
    before = snapshot(folder)
    r = runner.invoke(app, [*COMMANDS["sweep"], "--out", str(folder), "--resume"])
    assert r.exit_code == 2
    assert snapshot(folder) == before


def test_written_folders_and_files_follow_the_umask(tmp_path):
    """Temporary names are created owner-only; what lands has the mode mkdir and open
    would give (a team folder stays readable by the team)."""
    import os
    import stat

    from simcore.outputs.folders import atomic_folder, write_atomic

    old = os.umask(0o022)
    try:
        with atomic_folder(tmp_path / "out", force=False, command="test") as tmp:
            write_atomic(tmp / "summary.json", "{}")
        mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
        assert mode(tmp_path / "out") == 0o755
        assert mode(tmp_path / "out" / "summary.json") == 0o644
        assert mode(tmp_path / "out" / "sim-manifest.json") == 0o644
    finally:
        os.umask(old)
