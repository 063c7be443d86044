"""``antaeus explore``: determinism across executors, faults, the store and bad input."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from antaeus import explore
from antaeus import run as antaeus_run
from antaeus.experiments.design import design_points
from antaeus.experiments.outcomes import Change, path_label
from antaeus.experiments.exploration import Exploration
from antaeus.options import json_ready
from antaeus.store.ensemble_store import TABLES

#: small runs: the engine's cost here is its per-day work, the same at any size
SMALL = dict(agents=300, seed=11, plots=False)
RESULT_TABLES = [t for t in TABLES if t != "timing"]  # timing holds wall-clock seconds


def antaeus(*args: str, cwd: Path, **kw) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=600, **kw)


def popen(*args: str, cwd: Path) -> subprocess.Popen:
    entry = Path(sys.executable).with_name("antaeus")
    return subprocess.Popen([str(entry), *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def tables(path: Path) -> dict[str, pd.DataFrame]:
    store = Exploration.open(path).store
    return {t: store.table(t) for t in RESULT_TABLES}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for t in RESULT_TABLES:
        pd.testing.assert_frame_equal(a[t], b[t], check_exact=True, obj=t)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """Factual and one overlay, 4 replications, one worker, one task."""
    path = tmp_path_factory.mktemp("ens") / "reference"
    explore("russia1917", overlays=["moderates-act"], replications=4, workers=1, batch=50, store=path, **SMALL)
    return path


def test_every_point_meets_the_same_seeds_and_every_run_is_stored_once(reference):
    runs = Exploration.open(reference).runs
    assert list(runs["point"].cat.categories) == ["factual", "moderates-act"]
    assert len(runs) == 8 and not runs.duplicated(["point", "replication"]).any()
    by_point = runs.pivot(index="replication", columns="point", values="seed")
    assert (by_point["factual"] == by_point["moderates-act"]).all()
    assert by_point["factual"].nunique() == 4


@pytest.mark.parametrize("how", [dict(workers=2, batch=1), dict(workers=1, batch=1), dict(executor="dask", workers=2)],
                         ids=["2-workers-batch-1", "1-worker-batch-1", "dask-local-cluster"])
def test_the_result_is_the_same_whatever_the_executor_workers_or_batch(reference, tmp_path, how):
    explore("russia1917", overlays=["moderates-act"], replications=4, store=tmp_path / "s", **SMALL, **how)
    assert_same(tables(tmp_path / "s"), tables(reference))


def test_the_same_code_runs_on_a_dask_scheduler_given_by_address(reference, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        explore("russia1917", overlays=["moderates-act"], replications=4, executor="dask",
                scheduler=cluster.scheduler_address, store=tmp_path / "s", **SMALL)
    assert_same(tables(tmp_path / "s"), tables(reference))


def test_each_dask_worker_s_memory_limit_is_checked_before_any_task(tmp_path):
    """A cluster's memory is its own: the scheduler's report of each worker's limit and threads
    is held against the runs before a task is sent, and nothing is written."""
    from distributed import LocalCluster

    from antaeus.options import check_cluster_memory, run_memory
    from antaeus.scenario import InputError

    need = run_memory(10_000, 268)
    check_cluster_memory({"tcp://a:1": {"nthreads": 2, "memory_limit": 2 * need}}, 10_000, 268)
    check_cluster_memory({"tcp://a:1": {"nthreads": 8, "memory_limit": 0}}, 10_000, 268)   # no limit set
    with pytest.raises(InputError) as caught:
        check_cluster_memory({"tcp://a:1": {"nthreads": 1, "memory_limit": 4 * need},
                              "tcp://b:2": {"nthreads": 3, "memory_limit": 2 * need}}, 10_000, 268)
    assert caught.value.source == "--agents" and "tcp://b:2" in caught.value.problem
    assert "fewer threads" in caught.value.hint
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      memory_limit="300MiB") as cluster:
        with pytest.raises(InputError) as caught:
            explore("russia1917", replications=2, executor="dask", scheduler=cluster.scheduler_address,
                    store=tmp_path / "s", agents=1_000_000, seed=1, plots=False)
    assert "holds 0.3 GiB" in caught.value.problem and "1,000,000 agents" in caught.value.problem
    assert not (tmp_path / "s").exists()


def test_a_store_reopens_with_the_same_answers_and_the_json_holds_what_docs_promise(reference, tmp_path):
    ex = Exploration.open(reference)
    doc = ex.to_json_dict()
    assert [p["name"] for p in doc["points"]] == ["factual", "moderates-act"]
    assert all(p["runs"] == 4 for p in doc["points"])
    cf = [o for o in doc["outcomes"] if o["point"] == "moderates-act"]
    assert cf and all({"diff", "lo", "hi"} <= set(o["vs_factual"]) for o in cf)
    assert all("vs_factual" not in o for o in doc["outcomes"] if o["point"] == "factual")
    for o in doc["outcomes"]:
        assert 0 <= o["lo"] <= o["p"] <= o["hi"] <= 1
    assert sum(o["p"] for o in doc["outcomes"] if o["point"] == "factual") == pytest.approx(1.0)
    assert {"path", "runs"} <= set(doc["paths"][0]) and doc["first_soviet_government"] and doc["observables"]
    session = doc["assembly_session"]  # every run reaches the Assembly's session of 18 January 1918
    assert {r["point"] for r in session} == {"factual", "moderates-act"} and all(r["sessions"] == 4 for r in session)
    assert json.loads((reference / "summary.json").read_text())["outcomes"] == doc["outcomes"]
    course = {r["point"]: r for r in doc["course"]}
    for point in ex.points:  # the course counts what the runs, power and decision tables hold
        runs, power, dec = (t[t["point"] == point] for t in (ex.runs, ex.power, ex.decisions))
        c = course[point]
        assert c["runs"] == len(runs) == 4
        assert c["coup_succeeded"] == power.loc[power["route"] == "coup", "replication"].nunique()
        assert c["coup_tried"] == dec.loc[dec["action"] == "coup", "replication"].nunique() >= c["coup_succeeded"]
        assert c["more_than_two_changes"] == int((runs["changes"] > 2).sum())
        risings = dec[dec["action"] == "rising"]
        assert (c["risings"], c["risings_failed"]) == (len(risings), int((risings["outcome"] == "failure").sum()))
        assert c["rising_runs"] == risings["replication"].nunique()
        for k in ("coup_tried", "coup_succeeded", "more_than_two_changes"):
            assert c[f"{k}_lo"] <= c[f"{k}_share"] <= c[f"{k}_hi"]
    majority = ex.soviet_majority("petrograd", ["bolsheviks", "left_srs"]).set_index("point")
    series = ex.series
    bloc = series[(series["series"] == "soviet:petrograd") & series["party"].isin(["bolsheviks", "left_srs"])]
    held = bloc.groupby(["point", "replication", "date"], observed=True)["value"].sum()
    assert majority.loc["factual", "with_majority"] == (held.loc["factual"] > 0.5).groupby("replication").any().sum()
    assert {"soviet:moscow", "soviet:petrograd"} <= set(series["series"])  # every region's soviet is kept
    # the fan charts' bands and the filtered reads are computed in the store: the same as pandas on the whole table
    bands = ex.bands(["soviet:petrograd", "national_support"]).set_index(["point", "series", "party", "date"])
    cut = series[series["series"].isin(["soviet:petrograd", "national_support"])].astype({"value": float})
    want = cut.groupby(["point", "series", "party", "date"], observed=True)["value"]
    for q in (0.05, 0.5, 0.95):
        np.testing.assert_allclose(bands[f"q{q}"].to_numpy(), want.quantile(q).to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(bands["mean"].to_numpy(), want.mean().to_numpy(), rtol=1e-12)
    picked = ex.series_of(["soviet:petrograd"], ["bolsheviks"])
    pd.testing.assert_frame_equal(picked.reset_index(drop=True), series[(series["series"] == "soviet:petrograd") & (
        series["party"] == "bolsheviks")].reset_index(drop=True))
    with pytest.raises(ValueError, match="no weekly series"):
        ex.soviet_majority("atlantis", ["bolsheviks"])
    # the summaries follow the soviet-power parties' majority in the capitals, and the first soviet
    # government against the record's date (docs/json.md): the same counts as the tables they read
    assert ex.soviet_power == ["left_srs", "bolsheviks"]  # a plank of soviet power from 0.8 (after a turn)
    capitals = {(r["point"], r["region"]): r for r in doc["capital_soviet_majorities"]}
    assert {region for _, region in capitals} == set(ex.capital_soviets) >= {"petrograd"}
    for point in ex.points:
        assert capitals[(point, "petrograd")]["with_majority"] == majority.loc[point, "with_majority"]
    record = dt.date(1917, 11, 7)  # the record's first soviet government (data/record.csv, family power)
    for r in doc["first_soviet_government"]:
        dates = ex.runs.loc[ex.runs["point"] == r["point"], "first_soviet"].dropna()
        days = [(pd.Timestamp(d).date() - record).days for d in dates]
        assert r["record"] == "1917-11-07" and r["on_time"] == sum(abs(x) <= 14 for x in days)
        assert r["earlier"] == sum(x < -14 for x in days) and r["on_time_lo"] <= r["on_time_share"] <= r["on_time_hi"]
    state = ex.state
    assert len(state) == 8 and state["stored"].all() and (state["particle"] == -1).all()
    assert (state.sort_values(["point", "replication"])["seed"].to_numpy() == ex.runs["seed"].to_numpy()).all()
    html = ex._repr_html_()  # what a notebook shows: the outcome table
    assert "<table" in html and "moderates-act" in html and "soviet_insurrection" in html
    again = explore("russia1917", overlays=["moderates-act"], replications=4, workers=1, store=reference, **SMALL)
    assert again.to_json_dict()["outcomes"] == doc["outcomes"]  # finished: nothing to run, the same answer


def test_the_record_s_groupings_are_summed_run_by_run_and_paired_with_the_factual(reference):
    """The SRs with the Left SRs of the national Assembly: per point the median over runs of each
    run's sum (not the sum of the two parties' medians), the record's figure beside it, and at
    the counterfactual the median of the paired differences with its interval."""
    ex = Exploration.open(reference)
    table = ex.record
    national = "constituent_assembly:national:1917-11-25"
    raw = ex.store.table("observables", {"id": [national]})
    both = raw[raw["party"].isin(["srs", "left_srs"])].groupby(["point", "replication"])["simulated"].sum()
    rows = table[(table["id"] == national) & (table["category"] == "SR (incl. Left SR)")].set_index("point")
    assert set(rows.index) == {"factual", "moderates-act"}
    for code, point in enumerate(ex.points):
        r = rows.loc[point]
        assert r["runs"] == 4 and r["median"] == pytest.approx(np.median(both.loc[code].to_numpy()))
        assert r["observed"] == pytest.approx(0.461, abs=0.001) and r["lo"] <= r["median"] <= r["hi"]
    diff = both.loc[1].to_numpy() - both.loc[0].to_numpy()
    cf = rows.loc["moderates-act"]
    assert cf["paired"] == 4 and cf["diff"] == pytest.approx(np.median(diff))
    assert cf["diff_lo"] == pytest.approx(diff.min()) and cf["diff_hi"] == pytest.approx(diff.max())  # 4 runs: the range
    assert np.isnan(rows.loc["factual", "diff"])
    # every grouping of an observation adds up with its remainder, run by run, so the medians of
    # a grouping and of its parts differ only by the spread
    named = table[(table["id"] == national) & (table["point"] == "factual")]
    assert len(named) == 5 and named["observed"].sum() == pytest.approx(1.0)
    assert not table["id"].str.startswith("soviet_congress_presidium").any()  # no simulated counterpart
    doc = ex.to_json_dict()
    assert len(doc["record"]) == len(table) and {"category", "observed", "median", "diff"} <= set(doc["record"][0])


def test_from_a_juncture_the_factual_is_the_straight_one_and_a_change_acts_only_after(reference, tmp_path):
    explore("russia1917", overlays=["moderates-act"], replications=3, workers=1, from_="1917-07-01",
            store=tmp_path / "j", **SMALL)
    branched, straight = tables(tmp_path / "j"), tables(reference)
    for t in RESULT_TABLES:
        mine = branched[t][branched[t]["point"] == 0].reset_index(drop=True)
        theirs = straight[t][(straight[t]["point"] == 0) & (straight[t]["replication"] < 3)].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, theirs, check_exact=True, obj=t)
    series = branched["series"]
    before = series[pd.to_datetime(series["date"]) < "1917-07-01"]
    factual, changed = (before[before["point"] == p].drop(columns="point").reset_index(drop=True) for p in (0, 1))
    pd.testing.assert_frame_equal(factual, changed, check_exact=True)
    assert Exploration.open(tmp_path / "j").to_json_dict()["from"] == "1917-07-01"


def _parts_rows(path: Path) -> int:
    import pyarrow.parquet as pq
    return sum(pq.read_table(f).num_rows for f in (path / "parts").glob("[!.]*/runs.parquet"))


def test_kill_9_then_resume_gives_every_run_once_and_the_uninterrupted_result(tmp_path):
    args = ["explore", "--replications", "12", "--agents", "300", "--seed", "5", "--workers", "1", "--batch", "1",
            "--no-plots", "--json"]
    victim = popen(*args, "--store", "killed", cwd=tmp_path)
    deadline = time.time() + 120
    while time.time() < deadline and not (tmp_path / "killed" / "parts").is_dir() or \
            len([p for p in (tmp_path / "killed" / "parts").glob("[!.]*")]) < 3:
        time.sleep(0.05)
        assert time.time() < deadline, "no part was written"
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    stored = _parts_rows(tmp_path / "killed")
    assert 3 <= stored < 12, "the kill came too late to test anything"
    refused = antaeus(*args, "--store", "killed", cwd=tmp_path)
    assert refused.returncode == 2 and "--resume" in refused.stderr
    resumed = antaeus(*args, "--store", "killed", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert _parts_rows(tmp_path / "killed") == 12  # each replication written exactly once
    straight = antaeus(*args, "--store", "straight", cwd=tmp_path)
    assert straight.returncode == 0, straight.stderr
    assert_same(tables(tmp_path / "killed"), tables(tmp_path / "straight"))
    assert json.loads(resumed.stdout)["outcomes"] == json.loads(straight.stdout)["outcomes"]


def test_ctrl_c_stops_with_a_message_and_leaves_a_store_that_resume_finishes(tmp_path):
    args = ["explore", "--replications", "24", "--agents", "300", "--workers", "2", "--batch", "1", "--no-plots"]
    entry = Path(sys.executable).with_name("antaeus")
    victim = subprocess.Popen([str(entry), *args, "--store", "s"], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 120
    while len(list((tmp_path / "s" / "parts").glob("[!.]*"))) < 2:
        assert time.time() < deadline and victim.poll() is None, "no part was written"
        time.sleep(0.05)
    os.killpg(victim.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground group
    _, err = victim.communicate(timeout=60)
    assert victim.returncode == 130 and "--resume" in err and "Traceback" not in err
    assert 2 <= _parts_rows(tmp_path / "s") < 24
    finished = antaeus(*args, "--store", "s", "--resume", "--json", cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["complete"] and _parts_rows(tmp_path / "s") == 24


def test_two_processes_on_one_store_both_finish_and_nothing_is_lost(tmp_path):
    args = ["explore", "--replications", "10", "--agents", "300", "--seed", "3", "--workers", "1", "--batch", "1",
            "--no-plots", "--json", "--resume", "--store", "shared"]
    first, second = popen(*args, cwd=tmp_path), popen(*args, cwd=tmp_path)
    for p in (first, second):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    alone = antaeus(*args[:-3], "--store", "alone", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert_same(tables(tmp_path / "shared"), tables(tmp_path / "alone"))
    assert len(Exploration.open(tmp_path / "shared").runs) == 10


def test_an_exploration_reads_every_table_from_the_parts_finished_when_it_opened(tmp_path):
    """A part another process finishes after an Exploration opened is in none of its tables, so
    summaries that join two tables (entries per run, the course) agree; reopening sees it."""
    explore("russia1917", replications=2, workers=1, batch=1, store=tmp_path / "s", **SMALL)
    parts = sorted(p for p in (tmp_path / "s" / "parts").iterdir())
    assert len(parts) == 2
    parts[1].rename(tmp_path / "later")  # finished after the Exploration below opened
    ex = Exploration.open(tmp_path / "s")
    (tmp_path / "later").rename(parts[1])
    seen = set(ex.runs["replication"])
    assert len(seen) == 1
    for table in RESULT_TABLES:
        assert set(ex.store.table(table)["replication"]) == seen, table
    assert ex.state["stored"].sum() == 1 and ex.course["runs"].tolist() == [1]
    assert len(Exploration.open(tmp_path / "s").runs) == 2


@pytest.mark.parametrize("args, option", [
    (["--overlay", "no-such-overlay"], "--overlay"),
    (["--set", "parameters.no_such.thing=1"], "--set"),
    (["--replications", "0"], "--replications"),
    (["--replications", "100001"], "--replications"),
    (["--agents", "1000000000000"], "--agents"),
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    (["--executor", "spark"], "--executor"),
    (["--workers", "0"], "--workers"),
    (["--from", "1916-01-01"], "--from"),
    (["--from", "1917-02-30"], "--from"),
])
def test_bad_options_exit_2_naming_the_option_before_any_work(tmp_path, args, option):
    out = antaeus("explore", "--replications", "2", "--agents", "300", *args, "--store", "s", cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    assert option in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "s").exists()


def _snapshot(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*")) if f.is_file()}


@pytest.mark.parametrize("make", ["file", "folder", "corrupt", "other-ensemble"])
def test_a_store_that_is_not_this_ensembles_is_refused_and_left_unchanged(reference, tmp_path, make):
    target = tmp_path / "target"
    if make == "file":
        target.write_bytes(b"DUCK\x00 not an ensemble store")
    elif make == "folder":
        target.mkdir()
        (target / "notes.txt").write_text("my notes")
    elif make == "corrupt":
        target.mkdir()
        (target / "manifest.json").write_text("{not json")
    else:
        target = reference
    before = _snapshot(target)
    out = antaeus("explore", "--replications", "2", "--agents", "300", "--store", str(target), cwd=tmp_path)
    assert out.returncode == 2 and "--store" in out.stderr and "Traceback" not in out.stderr
    assert _snapshot(target) == before


def test_with_posterior_every_point_of_a_replication_draws_the_same_particle(tmp_path):
    ex = explore("russia1917", overlays=["moderates-act"], sets=["parties.srs.certainty_threshold=0.4"],
                 replications=3, posterior=True, workers=1, store=tmp_path / "p", **SMALL)
    runs = ex.runs
    assert list(runs["point"].cat.categories) == ["factual", "moderates-act", "parties.srs.certainty_threshold=0.4"]
    by_point = runs.pivot(index="replication", columns="point", values="particle")
    assert (by_point.nunique(axis=1) == 1).all() and (by_point.to_numpy() >= 0).all()
    assert {"var_parameters", "var_chance"} <= set(ex.outcomes.columns)
    assert all("variance" in o for o in ex.to_json_dict()["outcomes"])
    # draw i of `antaeus run --posterior-draws` is replication i of the ensemble: seed and particle
    draws = antaeus_run("russia1917", seed=SMALL["seed"], agents=SMALL["agents"], posterior_draws=2, store=None).draws
    factual = runs[runs["point"] == "factual"].set_index("replication")
    for i, result in enumerate(draws):
        assert result.seed == factual.loc[i, "seed"]
        assert path_label([Change(c.holder, c.route) for c in result.power_log]) == factual.loc[i, "path"]


@pytest.mark.parametrize("text, field", [
    ('[[point]]\nname = "Bad Name"\noverlays = ["moderates-act"]\n', "point[0].name"),
    ('[[point]]\nname = "factual"\noverlays = ["moderates-act"]\n', "point[0].name"),
    ('[[point]]\nname = "a"\noverlays = ["moderates-act"]\ncolour = "red"\n', "point[0]"),
    ('[[point]]\nname = "a"\n', "point[0]"),
    ('[[point]]\nname = "a"\nset = "parties.srs.certainty_threshold=0.4"\n', "point[0].set"),
    ('[points]\nname = "a"\n', "points"),
    ('[[point]]\nname = "a"\noverlays = ["no-such-overlay"]\n', "--overlay"),
    ('[[point]]\nname = "a"\nset = ["parties.nobody.x=1"]\n', "--set"),
    ('[[point]\nname = "a"\n', "line 1"),
    ('[[point]]\nname = "a"\npatch = 3\n', "point[0].patch"),
    ('[[point]]\nname = "a"\npatch = "no-such-patch.toml"\n', "no-such-patch.toml"),
])
def test_a_bad_design_file_exits_2_naming_the_field(tmp_path, text, field):
    (tmp_path / "design.toml").write_text(text)
    out = antaeus("explore", "--design", "design.toml", "--replications", "2", "--store", "s", cwd=tmp_path)
    assert out.returncode == 2 and field in out.stderr and "Traceback" not in out.stderr, out.stderr
    assert not (tmp_path / "s").exists()


def test_a_design_file_adds_its_named_points(tmp_path):
    (tmp_path / "design.toml").write_text(
        '[[point]]\nname = "both"\noverlays = ["moderates-act", "early-land-reform"]\n'
        'set = ["parties.srs.certainty_threshold=0.3"]\n')
    ex = explore("russia1917", design=tmp_path / "design.toml", replications=2, workers=1, store=tmp_path / "s", **SMALL)
    point = ex.identity["points"][1]
    assert point["name"] == "both" and point["overlays"] == ["moderates-act", "early-land-reform"]
    assert point["sets"] == ["parties.srs.certainty_threshold=0.3"] and len(ex.runs) == 4


def test_a_patch_file_is_a_design_point_of_its_own(tmp_path):
    """--patch FILE adds a point named after the file, run with the same seeds and posterior
    draws as every point: the same change given as a --set point gives the same runs; in a
    design file a point's patch is read from the design file's folder, and its values outlast
    the posterior draw."""
    # the confidence bound of everyone's daily exchange of opinion (a value every run uses, so
    # the change shows in every run's shares; a party's certainty threshold may never be reached)
    bound = "parameters.influence.epsilon"
    patch = tmp_path / "narrow-minds.toml"
    patch.write_text("[parameters.influence]\nepsilon = 0.05\n")
    common = dict(replications=3, workers=1, posterior=True, **SMALL)
    ex = explore("russia1917", patches=[patch], sets=[f"{bound}=0.05"], store=tmp_path / "s", **common)
    assert [p["name"] for p in ex.identity["points"]] == ["factual", f"{bound}=0.05", "narrow-minds"]
    runs = ex.runs.set_index(["point", "replication"]).sort_index()
    by_set, by_patch = runs.loc[f"{bound}=0.05"], runs.loc["narrow-minds"]
    assert by_patch["path"].tolist() == by_set["path"].tolist() and by_patch["seed"].tolist() == by_set["seed"].tolist()
    shares = ex.store.table("observables").set_index(["point", "replication", "id", "party"])["simulated"]
    assert shares.loc[2].tolist() == shares.loc[1].tolist()  # the patch and the --set: the same runs
    assert shares.loc[2].tolist() != shares.loc[0].tolist()  # the patch acts
    assert ex.to_json_dict()["points"][2]["patch"] == str(patch)

    (tmp_path / "design").mkdir()
    (tmp_path / "design" / "fit.toml").write_text("[parameters.support]\nplatform_fit = 12.5\n")
    (tmp_path / "design" / "design.toml").write_text('[[point]]\nname = "fit"\npatch = "fit.toml"\n')
    point = design_points(design=tmp_path / "design" / "design.toml")[1]
    assert point.patch == str(tmp_path / "design" / "fit.toml")
    assert "parameters.support.platform_fit" in point.keeps()

    bad = antaeus("explore", "--patch", str(tmp_path / "Bad Name.toml"), "--replications", "2", "--store", "b",
                  cwd=tmp_path)
    assert bad.returncode == 2 and "Bad Name" in bad.stderr and "Traceback" not in bad.stderr, bad.stderr


def test_the_command_prints_the_outcome_table_and_draws_the_figures(tmp_path):
    out = antaeus("explore", "--overlay", "moderates-act", "--replications", "3", "--agents", "300",
                  "--workers", "1", "--store", "s", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Outcome probability" in out.stdout and "moderates-act" in out.stdout and "Δ" in out.stdout
    assert "First soviet government, factual" in out.stdout and "Most frequent paths" in out.stdout
    assert "The course" in out.stdout and "coup succeeded" in out.stdout
    assert "as the record groups it" in out.stdout and "SR (incl. Left SR)" in out.stdout
    for name in ("outcomes.png", "paths.png", "fans.png", "first_soviet.png"):
        png = tmp_path / "s" / "plots" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000, name
    assert not list((tmp_path / "s").rglob(".tmp-*"))


def test_the_assembly_s_session_is_counted_where_a_point_reaches_it(tmp_path):
    """Each run's government answers the Constituent Assembly once; the table counts the answers
    of the decision record, per point that reaches the session."""
    ex = explore("russia1917", replications=4, workers=1, store=tmp_path / "s", **SMALL)
    session = ex.assembly_session
    assert set(session["point"]) == set(ex.decisions["point"])
    assert (session["sessions"] == 4).all() and session["count"].sum() == 4
    answers = ex.decisions[ex.decisions["action"].isin(["assembly", "dispersal"])]
    assert len(answers) == 4 and set(answers["point"]) == set(session["point"])
    for r in session.to_dict("records"):
        action, outcome = {"dispersed": ("dispersal", "success"), "dispersal failed": ("dispersal", "failure"),
                           "handed over": ("assembly", "hands_over"), "endorsed": ("assembly", "endorsed")}[r["answer"]]
        assert r["count"] == ((answers["action"] == action) & (answers["outcome"] == outcome)).sum()
        assert 0 <= r["lo"] <= r["p"] <= r["hi"] <= 1
    doc = ex.to_json_dict()["assembly_session"]
    assert [(r["answer"], r["count"]) for r in doc] == list(zip(session["answer"], session["count"]))


def test_entries_into_the_soviet_government_are_counted_per_point(tmp_path):
    """The Left SRs' entry (docs/odd.md 7.11.5) is counted once per run that has it, per point;
    a Left SR party with a wide reach enters in some runs."""
    wide = "parties.left_srs.reach_default=0.9"
    ex = explore("russia1917", sets=[wide], replications=4, workers=1, store=tmp_path / "s", **SMALL)
    entries = ex.coalition_entries
    joined = ex.decisions[(ex.decisions["action"] == "coalition") & (ex.decisions["outcome"] == "joins")]
    assert set(joined["actor"]) == {"left_srs"}
    assert joined.groupby(["point", "replication"]).size().max() == 1  # one entry at most per run
    counted = {(r["point"], r["party"]): r["entered"] for r in entries.to_dict("records")}
    assert counted == joined.groupby(["point", "actor"])["replication"].nunique().to_dict()
    assert counted.get((wide, "left_srs"), 0) >= 1
    for r in entries.to_dict("records"):
        assert r["runs"] == 4 and 0 <= r["lo"] <= r["share"] <= r["hi"] <= 1 and r["q05"] <= r["median"] <= r["q95"]
    assert ex.to_json_dict()["coalition_entries"] == json_ready(entries.to_dict("records"))


def test_the_soviets_series_seat_the_left_sr_faction_before_its_party_splits():
    """The weekly soviets seat the SR deputies who lean to the Left SRs with them: split as the
    SR supporters among the soviets' electors in that region lean (peasants elect no soviet), so
    the soviet majority of the Bolsheviks with the Left SRs counts the faction as the record's
    comparison does; the deputies' total is unchanged."""
    from antaeus.experiments.ensemble import seated_soviets
    from antaeus.scenario.loader import load_scenario

    scenario = load_scenario("russia1917")
    result = antaeus_run(scenario, seed=1, agents=1500, until="1917-03-20", store=None, plots=False).result
    d, pet = 10, result.regions.index("petrograd")
    sr, left, bol = (result.parties.index(p) for p in ("srs", "left_srs", "bolsheviks"))
    result.soviets[d, pet] = 0.0
    result.soviets[d, pet, [sr, bol]] = 0.6, 0.4
    workers, peasants = result.groups.index("industrial_worker"), result.groups.index("peasant")
    result.support[d, pet, :, sr] = 0.0
    result.leaning[d, pet] = 0.0
    result.support[d, pet, workers, sr], result.leaning[d, pet, workers] = 200.0, 50.0
    result.support[d, pet, peasants, sr], result.leaning[d, pet, peasants] = 800.0, 800.0
    seated = seated_soviets(result, scenario, [d])[0, pet]
    assert seated[left] == pytest.approx(0.6 * 50 / 200) and seated[sr] == pytest.approx(0.6 * 150 / 200)
    assert seated[bol] == 0.4 and seated.sum() == pytest.approx(1.0)
    unsplit = scenario.model_copy(update={"parties": {k: v for k, v in scenario.parties.items() if k != "left_srs"}})
    assert seated_soviets(result, unsplit, [d])[0, pet, sr] == 0.6  # no faction: the deputies as elected


def test_the_course_counts_coups_changes_of_power_and_failed_risings(reference):
    """On hand-set tables: a coup tried in two runs and winning in one, a run with three
    changes of power, and three risings of which two failed, at the factual; none at the other
    point, whose shares are then zero (the risings' failure share has no attempts to count)."""
    ex = Exploration.open(reference)
    factual, other = ex.points
    runs = pd.DataFrame({"point": [factual] * 4 + [other] * 4, "replication": list(range(4)) * 2,
                         "changes": [1, 3, 2, 1, 1, 1, 1, 1]})
    ex.__dict__.update(
        runs=runs,
        power=pd.DataFrame({"point": [factual, factual, other], "replication": [0, 1, 2],
                            "route": ["coup", "insurrection", "insurrection"]}),
        decisions=pd.DataFrame({"point": [factual] * 6, "replication": [0, 1, 1, 2, 2, 3],
                                "action": ["coup", "coup", "rising", "rising", "rising", "split"],
                                "outcome": ["success", "failure", "failure", "success", "failure", "success"]}))
    course = ex.course.set_index("point")
    f, o = course.loc[factual], course.loc[other]
    assert (f["coup_tried"], f["coup_succeeded"], f["more_than_two_changes"]) == (2, 1, 1)
    assert f["coup_succeeded_share"] == 0.25 and f["coup_succeeded_lo"] < 0.25 < f["coup_succeeded_hi"]
    assert (f["rising_runs"], f["risings"], f["risings_failed"]) == (2, 3, 2)
    assert f["risings_failed_share"] == pytest.approx(2 / 3)
    assert (o["coup_tried"], o["coup_succeeded"], o["more_than_two_changes"], o["risings"]) == (0, 0, 0, 0)
    assert o["coup_tried_share"] == 0.0 and np.isnan(o["risings_failed_share"])
