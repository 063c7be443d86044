"""Disk-full and read-only drills: a file antaeus cannot write ends in exit code 2 and one
message, and no partial or empty file is left behind.

A full disk is played by the process's file size limit (``RLIMIT_FSIZE``, as ``ulimit -f``
sets it): every write past it fails as a full disk's would, and no privilege is needed. A
read-only folder is a folder without write permission; where the tests run as root, who may
write anywhere, the command runs as the unprivileged user ``nobody``.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

NOBODY = 65534


def _as_nobody():
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def antaeus(args: list[str], cwd: Path, *, file_limit: int | None = None, read_only_user: bool = False):
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    env = dict(os.environ)

    def limits():
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))
        if read_only_user:
            _as_nobody()

    if read_only_user:
        home = cwd / "home"
        home.mkdir(mode=0o777, exist_ok=True)
        os.chmod(home, 0o777)
        env.update(HOME=str(home), NUMBA_CACHE_DIR=str(home / "numba"))
    return subprocess.run(command + args, capture_output=True, text=True, cwd=cwd, env=env, timeout=600,
                          preexec_fn=limits)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def one_clear_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Fix:" in lines[0], done.stderr
    assert all(w in lines[0] for w in words), lines[0]
    return lines[0]


def test_a_run_on_a_full_disk_leaves_no_store(tmp_path):
    store = tmp_path / "results" / "antaeus.duckdb"
    done = antaeus(["run", "russia1917", "--agents", "2000", "--until", "1917-04-01", "--store", str(store)],
                   tmp_path, file_limit=100_000)
    one_clear_line(done, "cannot write", "antaeus.duckdb")
    assert not (tmp_path / "results").exists()  # no store, no wal, no empty folders


def test_an_ensemble_on_a_full_disk_keeps_only_whole_parts(tmp_path):
    store = tmp_path / "ens"
    done = antaeus(["explore", "russia1917", "--replications", "3", "--agents", "2000", "--workers", "1",
                    "--no-plots", "--store", str(store)], tmp_path, file_limit=20_000)
    one_clear_line(done, "cannot write", str(store))
    left = files_under(store)
    assert left and all(p.stat().st_size > 0 for p in left)
    assert not [p for p in store.rglob(".tmp-*")]
    json.loads((store / "manifest.json").read_text())  # whole: --resume goes on from it


@pytest.fixture
def read_only():
    """A folder nobody may write in, and whether the command must run as ``nobody`` to feel it
    (pytest's own temporary folders are closed to other users, so this one is made in the
    system's temporary folder)."""
    base = Path(tempfile.mkdtemp(prefix="antaeus-drill-"))
    folder = base / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    as_nobody = os.geteuid() == 0
    if as_nobody:
        base.chmod(0o777)
        blocked = [p for p in base.parents if not os.stat(p).st_mode & 0o001]
        reachable = subprocess.run([sys.executable, "-c", "import antaeus"], preexec_fn=_as_nobody,
                                   capture_output=True, cwd=base).returncode == 0
        if blocked or not reachable:
            shutil.rmtree(base)
            pytest.skip("the unprivileged user the drill needs cannot reach the folder or run antaeus here")
    yield base, folder, as_nobody
    folder.chmod(0o755)
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("command", [
    ["run", "russia1917", "--agents", "2000", "--store", "{folder}/r/antaeus.duckdb"],
    ["explore", "russia1917", "--replications", "2", "--agents", "2000", "--store", "{folder}/ens"],
    ["check", "history", "--runs", "1", "--agents", "2000", "--out", "{folder}/check"],
    ["calibrate", "russia1917", "--budget", "quick", "--store", "{folder}/c/antaeus.duckdb"],
], ids=["run", "explore", "check-history", "calibrate"])
def test_a_read_only_folder_is_refused_before_any_work(read_only, command):
    base, folder, as_nobody = read_only
    done = antaeus([a.format(folder=folder) for a in command], base, read_only_user=as_nobody)
    one_clear_line(done, "cannot write", str(folder))
    assert list(folder.iterdir()) == []


def test_a_calibration_on_a_full_disk_leaves_no_empty_history(tmp_path):
    store = tmp_path / "cal" / "antaeus.duckdb"
    done = antaeus(["calibrate", "russia1917", "--budget", "quick", "--store", str(store)], tmp_path,
                   file_limit=60_000)
    one_clear_line(done, "cannot write", "russia1917-quick.db")
    assert files_under(tmp_path / "cal") == []  # a history without a finished generation is removed
