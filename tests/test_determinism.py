"""A seed fixes a run: the same command prints the same JSON, and neither the thread count
nor the chunking changes a single number (ARCHITECTURE.md, layer 2)."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from antaeus import load_scenario, run, simulate
from antaeus.engine.simulate import Run

def run_json(store: Path, *options: str) -> dict:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    done = subprocess.run(command + ["run", "--json", "--seed", "7", "--agents", "20000",
                                     "--store", str(store), *options],
                          capture_output=True, text=True, cwd=store.parent, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["store"] == str(store) and document["run_id"]
    return document


def test_same_seed_same_json_whatever_the_threads_and_chunks(tmp_path):
    """Byte-identical JSON apart from runtime_s: twice the same command, then other
    thread and chunk settings."""
    store = tmp_path / "antaeus.duckdb"
    documents = [run_json(store), run_json(store),
                 run_json(store, "--threads", "1", "--chunk", "7"),
                 run_json(store, "--threads", "2", "--chunk", "512")]
    texts = []
    for document in documents:
        document.pop("runtime_s")
        texts.append(json.dumps(document))
    assert len(set(texts)) == 1


def test_threads_and_chunks_do_not_change_the_result():
    common = dict(seed=3, agents=20_000, at=["1917-07-01", "1917-11-01"], store=None)
    runs = [run(threads=1, chunk=1, **common), run(threads=2, chunk=512, **common),
            run(threads=2, chunk=64, **common), run(threads=1, chunk=512, **common)]
    reference = runs[0]
    for other in runs[1:]:
        a, b = reference.result, other.result
        assert a.observables == b.observables
        assert a.decisions == b.decisions
        assert [(c.date, c.holder, c.route) for c in a.power_log] == \
               [(c.date, c.holder, c.route) for c in b.power_log]
        for array in ("support", "active", "onsets", "membership", "soviets", "legitimacy"):
            assert np.array_equal(getattr(a, array), getattr(b, array)), array
        a_doc, b_doc = reference.to_json_dict(), other.to_json_dict()
        a_doc.pop("runtime_s"), b_doc.pop("runtime_s")
        assert a_doc == b_doc


def test_compiled_kernels_are_cached_per_version_of_their_source(tmp_path):
    """Numba checks a cached kernel only against its own file; the engine inlines the
    mechanisms' rules from other files, so the cache folder is keyed by all of them."""
    import shutil

    from numba.core import config

    from antaeus import _kernel_cache

    copy = tmp_path / "antaeus"
    for sub in _kernel_cache.KERNEL_PACKAGES:
        shutil.copytree(_kernel_cache.PACKAGE / sub, copy / sub,
                        ignore=shutil.ignore_patterns("__pycache__"))
    before = _kernel_cache.source_digest(copy)
    assert before == _kernel_cache.source_digest(copy)
    rule = copy / "mechanisms" / "support.py"
    rule.write_text(rule.read_text() + "\n# an edit to an inlined rule\n")
    assert _kernel_cache.source_digest(copy) != before
    if not os.environ.get("NUMBA_CACHE_DIR"):
        assert config.CACHE_DIR.endswith(_kernel_cache.source_digest())


def test_a_copy_of_the_same_source_elsewhere_loads_the_kernels_its_twin_compiled(tmp_path):
    """Numba names a cache folder after the file's absolute path; in this version's folder the
    package's own kernels are named by their place in the package, so a second clone of the
    same source loads what the first compiled (a minute of compilation on two cores), and a
    changed source still gets a folder of its own (the test above)."""
    import shutil

    from antaeus import _kernel_cache

    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), NUMBA_DEBUG_CACHE="1")
    logs = []
    for clone in ("first", "second"):
        shutil.copytree(_kernel_cache.PACKAGE, tmp_path / clone / "antaeus",
                        ignore=shutil.ignore_patterns("__pycache__"))
        done = subprocess.run([sys.executable, "-c", "from antaeus.core import rng; rng.normals(1, 2, 3, 4, 0)"],
                              cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path / clone)},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        logs.append(done.stdout + done.stderr)
    folder = f"{_kernel_cache.source_digest()}{os.sep}antaeus_core{os.sep}rng.normals"
    assert "data saved to" in logs[0] and folder in logs[0]
    assert "data loaded from" in logs[1] and folder in logs[1] and "data saved to" not in logs[1]


def _same_result(a, b) -> None:
    for name in ("support", "active", "onsets", "membership", "soviets", "legitimacy", "demands", "leaning"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.dates == b.dates
    # repr: the breadth of the first government is NaN (no party rules), which == never matches
    assert repr(a.power_log) == repr(b.power_log) and repr(a.decisions) == repr(b.decisions)
    assert repr(a.observables) == repr(b.observables)


@pytest.mark.parametrize("date", ["1917-03-08", "1917-07-16", "1917-10-20"])
def test_a_snapshot_continued_is_the_straight_run_bit_for_bit(date):
    """The state at the start of a day is the whole of a run's position: saved (as bytes, so it
    can go to another worker) and continued, it gives the straight run."""
    scenario = load_scenario("russia1917")
    straight = simulate(scenario, 4, 1500)
    first = Run.start(scenario, 4, 1500)
    snapshot = first.advance(first.day_of(dt.date.fromisoformat(date))).snapshot()
    assert isinstance(snapshot, bytes)
    continued = Run.resume(scenario, snapshot)
    _same_result(continued.advance(continued.days).result(), straight)


def test_a_branch_changes_nothing_before_its_day():
    scenario = load_scenario("russia1917")
    other = load_scenario("russia1917", overlays=["separate-peace"])
    first = Run.start(scenario, 2, 1500)
    day = first.day_of(dt.date(1917, 6, 1))
    snapshot = first.advance(day).snapshot()
    branch = Run.resume(other, snapshot)
    branched, factual = branch.advance(branch.days).result(), simulate(scenario, 2, 1500)
    assert np.array_equal(branched.support[:day], factual.support[:day])
    assert repr([c for c in branched.power_log if c.date < dt.date(1917, 6, 1)]) == \
        repr([c for c in factual.power_log if c.date < dt.date(1917, 6, 1)])
    assert not np.array_equal(branched.support, factual.support)  # the separate peace of August
