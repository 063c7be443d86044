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
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}  # the test workers already fill the cores

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
        for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "MPLCONFIGDIR"):  # the caller's, closed to nobody
            env.pop(name, None)
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
    assert not (tmp_path / "cal").exists()  # a history without a finished generation is removed, and its folders


EXPORT = """
import sys
import numpy as np
from antaeus.calibration.default import export
from antaeus.calibration.posterior import Posterior
from antaeus.scenario import load_scenario

s = load_scenario("russia1917")
paths = ["parameters.support.platform_fit", "parameters.soviets.reelection_days"]
particles = np.column_stack([np.linspace(5.5, 29.5, 400), np.linspace(11.0, 119.0, 400)])
posterior = Posterior(sys.argv[1] + "/x.db", 1, 400, paths, particles, np.full(400, 1 / 400),
                      {p: tuple(s.calibration.parameters[p]) for p in paths}, {"seed": 5, "agents": 2000})
export(posterior, "russia1917", budget="quick", seed=5, agents=2000, out_dir=sys.argv[2])
"""


@pytest.mark.parametrize("limit", [1_000, 8_000], ids=["median-fails", "particles-fail"])
def test_an_export_on_a_full_disk_keeps_the_old_posterior_whole(tmp_path, limit):
    """The median (about 1 kB) and its particles (about 18 kB) are replaced together or not at
    all: a disk that fills while either is written leaves the committed pair as it was."""
    folder = tmp_path / "posteriors"
    folder.mkdir()
    old = {"russia1917.toml": "# the committed median\n", "russia1917.csv": "a,weight\n1.0,1.0\n"}
    for name, text in old.items():
        (folder / name).write_text(text)

    def limits():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run([sys.executable, "-c", EXPORT, str(tmp_path), str(folder)], capture_output=True,
                          text=True, timeout=300, preexec_fn=limits)
    assert done.returncode != 0 and "File too large" in done.stderr
    assert {p.name: p.read_text() for p in folder.iterdir()} == old      # no new file beside an old one
    fresh = tmp_path / "new"
    done = subprocess.run([sys.executable, "-c", EXPORT, str(tmp_path), str(fresh)], capture_output=True,
                          text=True, timeout=300, preexec_fn=limits)
    assert done.returncode != 0 and not fresh.exists()                    # nor an empty folder


def test_history_check_figures_on_a_full_disk_leave_no_partial_png(tmp_path):
    """The first figure does not fit: one line naming it, and the --out folder the command made is
    gone again."""
    out = tmp_path / "figures"
    done = antaeus(["check", "history", "--runs", "2", "--agents", "1000", "--out", str(out)], tmp_path,
                   file_limit=20_000)
    one_clear_line(done, "cannot write", str(out / "congresses.png"))
    assert not out.exists()


def test_a_kernel_whose_cache_cannot_be_saved_still_runs(monkeypatch):
    """Numba's cache under a full disk (found by the drill above with a cold cache): the kernel
    compiled, so the fault only costs the next start a compilation, and the command goes on."""
    import errno

    from numba.core.caching import Cache

    from antaeus import _kernel_cache

    def save(code):
        def failing(self, sig, data):
            raise OSError(code, os.strerror(code))
        monkeypatch.setattr(Cache, "save_overload", failing)
        _kernel_cache.tolerate_cache_faults()
        Cache.save_overload(None, (), None)

    for code in (errno.ENOSPC, errno.EFBIG, errno.EROFS, errno.EACCES):
        save(code)                                   # swallowed
    with pytest.raises(OSError):
        save(errno.EIO)                              # not a full or read-only disk: raised
