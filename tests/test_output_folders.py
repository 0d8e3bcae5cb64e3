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


@pytest.mark.parametrize("command", list(COMMANDS))
def test_force_refuses_a_sim_folder_holding_what_sim_did_not_write(tmp_path, command):
    """A note or a subfolder added to a sim folder is the user's: --force refuses, names
    them and changes nothing; once they are moved out, --force replaces the folder."""
    folder = tmp_path / "out"
    assert runner.invoke(app, [*COMMANDS[command], "--out", str(folder)]).exit_code == 0
    (folder / "notes.txt").write_text("mine\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "y").write_text("mine too\n")
    before = snapshot(folder)
    r = runner.invoke(app, [*COMMANDS[command], "--out", str(folder), "--force"])
    assert r.exit_code == 2, r.output
    assert "notes.txt, sub/" in r.output and "nothing was changed" in r.output
    assert snapshot(folder) == before
    (folder / "notes.txt").unlink()
    (folder / "sub" / "y").unlink()
    (folder / "sub").rmdir()
    assert runner.invoke(app, [*COMMANDS[command], "--out", str(folder),
                               "--force"]).exit_code == 0


def test_a_sweep_point_folder_holds_only_point_files(tmp_path):
    folder = tmp_path / "sw"
    assert runner.invoke(app, [*COMMANDS["sweep"], "--out", str(folder)]).exit_code == 0
    (folder / "points" / "keep.txt").write_text("mine\n")
    r = runner.invoke(app, [*COMMANDS["sweep"], "--out", str(folder), "--force"])
    assert r.exit_code == 2 and "points/keep.txt" in r.output
    assert (folder / "points" / "keep.txt").read_text() == "mine\n"


@pytest.mark.parametrize("marker, why", [
    ("{}", "was not written by sim"), ("[1, 2]", "was not written by sim"),
    (None, "is a folder")])
def test_force_says_why_a_manifest_is_not_sims(tmp_path, marker, why):
    folder = tmp_path / "out"
    folder.mkdir()
    if marker is None:
        (folder / MARKER).mkdir()
    else:
        (folder / MARKER).write_text(marker)
    before = snapshot(folder)
    r = runner.invoke(app, [*COMMANDS["run"], "--out", str(folder), "--force"])
    assert r.exit_code == 2 and why in r.output, r.output
    assert snapshot(folder) == before


def test_what_a_killed_writer_left_beside_the_folder_is_cleared(tmp_path):
    """An unfinished temporary folder (marked sim's, incomplete) and a replaced folder set
    aside (``.old.``) are removed by the next writer of that folder; a hidden folder of
    the user's with a similar name, and another output's, are left alone."""
    from simcore.outputs.folders import write_marker

    def made(name: str, marked: bool, complete: bool = True):
        path = tmp_path / name
        path.mkdir()
        (path / "draws.npz").write_bytes(b"partial")
        if marked:
            write_marker(path, "sim run", ["draws.npz"], complete=complete)
        return path

    unfinished = made(".out.ab12cd34", True, complete=False)
    set_aside = made(".out.old.zz99yy88", True)
    users = made(".out.mine0001", False)
    other = made(".out.b.ab12cd34", True, complete=False)   # the temp of a folder 'out.b'
    r = runner.invoke(app, [*COMMANDS["run"], "--out", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    assert not unfinished.exists() and not set_aside.exists()
    assert users.exists() and other.exists()


def test_an_out_name_too_long_for_the_file_system_is_refused_before_running(tmp_path):
    folder = tmp_path / ("x" * 250)
    r = runner.invoke(app, [*COMMANDS["run"], "--out", str(folder)])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert "250 bytes; at most 241 fit" in r.output
    assert not folder.exists()
    assert runner.invoke(app, [*COMMANDS["run"], "--out",
                               str(tmp_path / ("y" * 241))]).exit_code == 0


def test_a_fresh_lock_naming_no_process_says_so_and_an_old_one_is_taken_over(tmp_path):
    import os
    import time

    lock = tmp_path / ".out.sim-lock"
    lock.write_text("")
    r = runner.invoke(app, [*COMMANDS["run"], "--out", str(tmp_path / "out")])
    assert r.exit_code == 2 and "does not name a process yet" in r.output, r.output
    old = time.time() - 60
    os.utime(lock, (old, old))
    assert runner.invoke(app, [*COMMANDS["run"], "--out", str(tmp_path / "out")]).exit_code == 0
    assert not lock.exists()
