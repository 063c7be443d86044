"""Calibration: the quick preset runs, a killed calibration resumes without losing a finished
generation, the posterior is summarised and checked, and bad input exits 2."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from antaeus.calibration import parse_budget, with_parameters
from antaeus.calibration.abc import database_path
from antaeus.calibration.scale_log import logged_scales, scale_log_path
from antaeus.calibration.tail import effective_particles
from antaeus.scenario import InputError, load_scenario
from antaeus.scenario.loader import BUILTIN

ENTRY = Path(sys.executable).with_name("antaeus")


#: a calibration's runs of a few thousand agents gain nothing from more threads, and under
#: pytest-xdist the other cores are already busy with tests
ONE_THREAD = {**os.environ, "NUMBA_NUM_THREADS": "1"}


def cli(*args, **kw):
    kw.setdefault("env", ONE_THREAD)
    return subprocess.run([str(ENTRY), *args], capture_output=True, text=True, timeout=600, **kw)


def generations(db: Path) -> list[tuple[int, str]]:
    """Finished generations in a history; none while pyabc has not yet created its tables."""
    with sqlite3.connect(db) as con:
        try:
            return con.execute("SELECT t, population_end_time FROM populations WHERE t >= 0 ORDER BY t").fetchall()
        except sqlite3.OperationalError:  # the file exists, the tables do not yet
            return []


def test_budgets():
    assert parse_budget("quick").generations == 3
    # the quick preset's 3,000 agents are a cap: a scenario that calibrates with fewer keeps them
    assert parse_budget("quick").agents_for(20000) == 3000 and parse_budget("quick").agents_for(400) == 400
    assert parse_budget("full").agents_for(20000) == 20000 and parse_budget("500").agents_for(400) == 400
    assert parse_budget("500").max_simulations == 500
    for bad in ("lots", "10", "-3"):
        with pytest.raises(InputError):
            parse_budget(bad)


def test_with_parameters_keeps_bounds():
    s = load_scenario("russia1917")
    changed = with_parameters(s, {"parameters.support.platform_fit": 20.0})
    assert changed.parameters.support.platform_fit == 20.0
    with pytest.raises(Exception):
        with_parameters(s, {"parameters.support.platform_fit": 500.0})


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The scenario's file, calibrated with 400 agents a run and ended on 1 July 1917 (to be
    quick: what these tests check is how a calibration is run, stopped and resumed, and a run of
    the whole year costs three times as long). The targets after the end are the runs' missing
    values (calibration.targets.MISSING), the same in every run."""
    text = (BUILTIN / "russia1917.toml").read_text(encoding="utf-8")
    small = tmp_path_factory.mktemp("small") / "small.toml"
    shorter = text.replace("[calibration]\nagents = 20000", "[calibration]\nagents = 400")
    shorter = shorter.replace("\nend = 1918-01-19 ", "\nend = 1917-07-01 ", 1)
    assert shorter.count("1917-07-01 ") > text.count("1917-07-01 ") and "agents = 400" in shorter
    small.write_text(shorter, encoding="utf-8")
    return small


@pytest.fixture(scope="module")
def small_history(small, tmp_path_factory) -> tuple[Path, Path]:
    """The small scenario's file and the store of its calibration of 120 simulations, seed 3,
    one worker."""
    store = tmp_path_factory.mktemp("one") / "antaeus.duckdb"
    out = cli("calibrate", str(small), "--budget", "120", "--seed", "3", "--workers", "1", "--store", str(store))
    assert out.returncode == 0, out.stderr
    return small, store


def test_resume_of_a_spent_numeric_budget_runs_nothing(small_history):
    small, store = small_history
    db = database_path(store, "russia1917", parse_budget("120"))
    before = _particles(db)
    assert before
    again = cli("calibrate", str(small), "--budget", "120", "--seed", "3", "--store", str(store), "--resume")
    assert again.returncode == 0 and "already finished" in again.stdout, again.stdout + again.stderr
    assert _particles(db) == before


def test_logged_scales_are_read_for_one_generation_or_not_at_all(tmp_path):
    log = tmp_path / "h.scales.json"
    assert logged_scales(log, 1) is None                          # no log: a history from before it
    log.write_text(json.dumps({"0": {"a": 2.0, "b": 0.5}, "1": {"a": 1.0, "b": 4.0}}))
    assert logged_scales(log, 1) == {"a": 1.0, "b": 4.0}
    assert logged_scales(log, 2) is None                          # stopped before it was fitted
    log.write_text('{"0": {"a": 2.0')                             # a damaged log
    assert logged_scales(log, 0) is None


def test_killed_calibration_resumes_without_losing_a_generation_wherever_it_runs(small_history, tmp_path):
    """A seed fixes a calibration bit for bit, whatever the executor and the number of workers,
    and a kill loses no finished generation. Each particle is drawn from its own seeded stream
    (calibration.sampler); pyabc's parallel sampler, which accepts particles in the order they
    finish, did not give that. The reference is the small scenario's uninterrupted run (120
    simulations, seed 3, one worker). The same command on two forked workers is killed in its
    second generation and resumed on a Dask cluster of two, whose workers get that generation
    pickled with the proposal fitted to the first: it keeps what it had finished and ends with
    the reference's history. Killed before that generation's scales were logged, a calibration
    fits them again, says so, and gives another sample."""
    small, one = small_history
    reference = _particles(database_path(one, "russia1917", parse_budget("120")))
    assert reference and len({row[0] for row in reference}) >= 2  # two generations at least
    command = ["calibrate", str(small), "--budget", "120", "--seed", "3", "--store"]
    store = tmp_path / "antaeus.duckdb"
    db = database_path(store, "russia1917", parse_budget("120"))
    killed_err = tmp_path / "killed.err"
    with killed_err.open("w") as err:  # its own process group, so that the kill takes its workers too
        proc = subprocess.Popen([str(ENTRY), *command, str(store), "--workers", "2"],
                                stdout=subprocess.DEVNULL, stderr=err, env=ONE_THREAD, start_new_session=True)
    try:  # killed once the second generation has begun (its scales are fitted and logged, and
        # the first one reported): the report is written as the next generation's sampling starts
        deadline = time.time() + 240
        while time.time() < deadline and not re.search("^generation 1: ", killed_err.read_text(), re.M):
            assert proc.poll() is None, "the calibration ended before it could be interrupted"
            time.sleep(0.1)
        finished = generations(db)
        assert finished and proc.poll() is None
    finally:  # never leave the calibration running, whatever failed above
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(finished) < len({row[0] for row in reference})
    done_before_kill = {t for t, _ in finished}
    # the forked workers' generations are the reference's, and each was reported on stderr
    assert [row for row in _particles(db) if row[0] in done_before_kill] == \
        [row for row in reference if row[0] in done_before_kill]
    reported = re.findall(r"^generation (\d+): 20 particles accepted from [\d,]+ simulations", killed_err.read_text(), re.M)
    assert reported == [str(t + 1) for t in sorted(done_before_kill)], killed_err.read_text()

    log = scale_log_path(db)
    fitted = json.loads(log.read_text())  # the scales pyabc fitted before each generation it began
    resumed_at = str(len(finished))
    assert resumed_at in fitted
    # a copy as if killed between storing the first generation and fitting the next one's scales
    refit = tmp_path / "refit" / "antaeus.duckdb"
    refit_db = database_path(refit, "russia1917", parse_budget("120"))
    shutil.copytree(db.parent, refit_db.parent)
    scale_log_path(refit_db).write_text(json.dumps({k: v for k, v in fitted.items() if k != resumed_at}))

    done = cli(*command, str(store), "--resume", "--workers", "2", "--executor", "dask")
    assert done.returncode == 0, done.stderr
    assert re.search(rf"^generation {len(finished) + 1}: 20 particles accepted", done.stderr, re.M), done.stderr
    assert "fitted again" not in done.stdout  # the resumed generation keeps the scales fitted before the kill
    assert json.loads(log.read_text())[resumed_at] == fitted[resumed_at]
    after = generations(db)
    assert after[:len(finished)] == finished  # the generations finished before the kill are kept
    assert _particles(db) == reference  # under the same distance, the particles of the uninterrupted run

    redone = cli(*command, str(refit), "--resume", "--workers", "1")
    assert redone.returncode == 0 and "fitted again" in redone.stdout, redone.stdout + redone.stderr
    assert generations(refit_db)[:len(finished)] == finished
    assert _particles(refit_db) != reference  # scales fitted again: another sample, which the comparison tells apart
    again = cli(*command, str(store), "--resume", "--workers", "1")
    assert again.returncode == 0 and "already finished" in again.stdout, again.stdout + again.stderr
    assert generations(db) == after  # a finished calibration is left as it is

    from antaeus.calibration.default import data_version
    from antaeus.calibration.posterior import load_posterior
    meta = load_posterior(db, load_scenario(small)).meta
    assert meta["agents"] == 400 and meta["data_version"] == data_version()
    assert meta["model_version"] is None  # a scenario file's: only a built-in scenario has a version

    summary = cli("posterior", str(small), "--budget", "120", "--store", str(store), "--draws", "4", "--json")
    assert summary.returncode == 0, summary.stderr
    document = json.loads(summary.stdout)
    assert document["pareto_k"] is None  # 20 particles: too few to fit the weights' tail
    paths = {row["parameter"] for row in document["parameters"]}
    assert paths == set(load_scenario("russia1917").calibration.parameters)
    for row in document["parameters"]:
        assert row["prior_low"] <= row["q05"] <= row["median"] <= row["q95"] <= row["prior_high"]
    predictive = document["predictive"]
    assert 0.0 <= predictive["coverage_90"] <= predictive["coverage_90_with_model_error"] <= 1.0
    assert predictive["targets"]
    for plot in document["plots"]:
        assert Path(plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, field", [
    (["--budget", "plenty"], "--budget"),
    (["--budget", "3"], "--budget"),
    (["--resume"], "--resume"),
    (["--workers", "0"], "--workers"),
    (["no_such_scenario"], "scenario"),
    (["--executor", "spark"], "--executor"),
    (["--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    (["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
])
def test_bad_calibration_input_exits_2(tmp_path, args, field):
    store = tmp_path / "antaeus.duckdb"
    done = cli("calibrate", *args, "--store", str(store))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Fix:" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "calibration").exists()


def synthetic_posterior(tmp_path):
    """A small hand-made posterior over two calibrated parameters."""
    import numpy as np

    from antaeus.calibration.posterior import Posterior
    s = load_scenario("russia1917")
    paths = ["parameters.support.platform_fit", "parameters.soviets.reelection_days"]
    particles = np.array([[10.0, 20.0], [12.0, 30.0], [25.0, 90.0], [11.0, 25.0]])
    weights = np.array([0.3, 0.3, 0.1, 0.3])
    return Posterior(tmp_path / "x.db", 1, 4, paths, particles, weights,
                     {p: tuple(s.calibration.parameters[p]) for p in paths}, {"seed": 5, "agents": 2000})


def test_effective_particles_is_kish_ess(tmp_path):
    import dataclasses

    import numpy as np
    posterior = synthetic_posterior(tmp_path)
    # weights 0.3, 0.3, 0.1, 0.3: 1 / (3 x 0.09 + 0.01) = 1 / 0.28
    assert posterior.effective_particles == pytest.approx(1 / 0.28)
    even = dataclasses.replace(posterior, weights=np.full(4, 0.25))
    one = dataclasses.replace(posterior, weights=np.array([0.0, 1.0, 0.0, 0.0]))
    assert even.effective_particles == pytest.approx(4.0) and one.effective_particles == pytest.approx(1.0)


def test_the_committed_default_is_fitted_to_the_model_checked_out():
    """Every run of the built-in scenario rests on its committed posterior: a change of the model
    lands with a recalibration, or, where every run stays bit-identical, with a re-stamp of the
    posterior's model version (docs/calibration.md). Otherwise every run would warn."""
    from antaeus.scenario import loader

    note = load_scenario("russia1917").scenario.calibration_note
    assert "WARNING" not in note, (f"the committed posterior was fitted to another model than "
                                   f"{loader.model_version('russia1917')}: {note}")


def test_export_refuses_a_posterior_fitted_to_another_model(tmp_path):
    from antaeus.calibration.default import check_fitted_versions, data_version
    from antaeus.scenario import loader

    posterior = synthetic_posterior(tmp_path)
    check_fitted_versions(posterior, "russia1917")                   # not recorded: nothing to compare
    posterior.meta["model_version"] = loader.model_version("russia1917")
    posterior.meta["data_version"] = data_version()
    check_fitted_versions(posterior, "russia1917")                   # the same model and data
    posterior.meta["model_version"] = "0123456789ab"
    with pytest.raises(InputError, match="model changed since this calibration ran"):
        check_fitted_versions(posterior, "russia1917")
    posterior.meta["model_version"] = loader.model_version("russia1917")
    posterior.meta["data_version"] = "0123456789ab"
    with pytest.raises(InputError, match="record or its mapping changed since this calibration ran"):
        check_fitted_versions(posterior, "russia1917")


def test_exported_posterior_becomes_the_calibrated_default(tmp_path, monkeypatch):
    from antaeus import api
    from antaeus.calibration.default import export
    from antaeus.scenario.loader import committed_particles
    from antaeus.scenario import loader

    posterior = synthetic_posterior(tmp_path)
    assert posterior.median()["parameters.support.platform_fit"] == pytest.approx(11.5, abs=1.0)
    written = export(posterior, "russia1917", budget="quick", seed=5, agents=2000,
                     out_dir=tmp_path / "posteriors")
    assert all(f.exists() for f in written)
    assert "effective_particles = 3.6" in written[0].read_text()       # 1 / 0.28, the weights' worth
    monkeypatch.setattr(loader, "posterior_folder", lambda: tmp_path / "posteriors")

    s = load_scenario("russia1917")
    assert s.scenario.calibrated and "budget quick" in s.scenario.calibration_note
    assert "WARNING" not in s.scenario.calibration_note
    # a posterior fitted to another version of the model says so in every run's note
    stale = written[0].read_text().replace(loader.model_version("russia1917"), "0123456789ab")
    written[0].write_text(stale)
    note = load_scenario("russia1917").scenario.calibration_note
    assert "WARNING: fitted to another version of the model (0123456789ab" in note
    written[0].write_text(stale.replace("0123456789ab", loader.model_version("russia1917")))
    assert s.parameters.support.platform_fit == pytest.approx(posterior.median()["parameters.support.platform_fit"])
    assert load_scenario("russia1917", sets=["parameters.support.platform_fit=7"]).parameters.support.platform_fit == 7
    guesses = load_scenario("russia1917", calibrated=False)      # the declared values, not the median
    assert not guesses.scenario.calibrated and guesses.scenario.calibration_note == ""
    assert guesses.parameters.support.platform_fit == type(guesses.parameters.support).model_fields["platform_fit"].default

    paths, particles, weights = committed_particles("russia1917")
    assert paths == posterior.parameters and weights.sum() == pytest.approx(1.0)

    out = api.run("russia1917", seed=2, agents=2000, until="1917-07-10", store=None, posterior_draws=4)
    assert len(out.draws) == 4
    fits = {r.parameters["parameters.support.platform_fit"] for r in out.draws}
    assert fits <= {10.0, 12.0, 25.0, 11.0} and len(fits) > 1
    document = out.to_json_dict()
    assert document["posterior_draws"] == 4 and document["calibrated"] is True
    for row in document["ensemble"]:
        for party, median in row["median"].items():
            assert row["q05"][party] <= median <= row["q95"][party]
    again = api.run("russia1917", seed=2, agents=2000, until="1917-07-10", store=None, posterior_draws=4)
    assert again.to_json_dict()["ensemble"] == document["ensemble"]


def test_a_patch_outlasts_every_posterior_draw(tmp_path):
    """A patch file's value of a calibrated parameter stays in every draw of run
    --posterior-draws, as a --set value does; without it the draws vary the parameter."""
    from antaeus import api
    fit = "parameters.support.platform_fit"
    patch = tmp_path / "patch.toml"
    patch.write_text("[parameters.support]\nplatform_fit = 12.5\n")
    options = dict(seed=2, agents=1000, until="1917-03-20", store=None, posterior_draws=4)
    drawn = api.run("russia1917", **options)
    assert len({r.parameters[fit] for r in drawn.draws}) > 1
    patched = api.run("russia1917", patch=patch, **options)
    assert {r.parameters[fit] for r in patched.draws} == {12.5}


def test_posterior_draws_need_a_posterior(tmp_path, monkeypatch):
    from antaeus import api
    from antaeus.scenario import loader
    monkeypatch.setattr(loader, "posterior_folder", lambda: tmp_path)
    with pytest.raises(InputError, match="no calibrated posterior"):
        api.run("russia1917", agents=1000, until="1917-03-20", store=None, posterior_draws=2)


def test_model_error_is_the_other_observations_miss():
    """Each target's model error is the root-mean-square miss of the other observations of its
    family (never its own observation's, whose categories share its miss); a family with one
    observation takes the other observations of its kind."""
    import numpy as np

    from antaeus.calibration.posterior import with_model_error

    draws = np.linspace(-0.01, 0.01, 21)
    rows, samples = [], {}
    for key, observed in [("a:x:1|p", 0.30), ("a:x:1|q", 0.10), ("a:x:2|p", 0.20), ("a:x:3|p", 0.10),
                          ("b:x:1|p", 0.50), ("b:x:1|q", -0.10)]:
        median = 0.2
        samples[key] = median + draws
        rows.append({"target": key, "observed": observed, "median": median, "q05": median - 0.009,
                     "q95": median + 0.009, "inside": abs(observed - median) <= 0.009})
    out = {r["target"]: r for r in with_model_error(rows, samples)}
    # a:x:1 misses by +0.1 and -0.1 in its two categories: its error comes from a:x:2 and a:x:3 only
    assert out["a:x:1|p"]["model_error"] == pytest.approx(np.sqrt((0.0 + 0.01) / 2))
    assert out["a:x:1|q"]["model_error"] == out["a:x:1|p"]["model_error"]
    assert out["a:x:2|p"]["model_error"] == pytest.approx(np.sqrt((0.01 + 0.01 + 0.01) / 3))
    # b has one observation: the others of its kind (a's four targets), never b's own complement
    assert out["b:x:1|p"]["model_error"] == pytest.approx(np.sqrt(0.03 / 4))
    # a miss of 0.1 against a model error of 0.071: inside the 90% interval (1.645 s.d.); before, outside
    assert not out["a:x:1|p"]["inside"] and out["a:x:1|p"]["inside_with_error"]
    assert not out["b:x:1|p"]["inside_with_error"]                                       # 0.3 off: still out
    # the interval only widens, symmetrically about the draws
    for r in out.values():
        assert r["q05_with_error"] <= r["q05"] and r["q95_with_error"] >= r["q95"]
        assert (r["q05_with_error"] + r["q95_with_error"]) / 2 == pytest.approx(0.2, abs=1e-9)
    # the same rows give the same intervals: no random draws
    assert with_model_error(rows, samples) == with_model_error(rows, samples)


def test_the_full_budgets_last_generation_is_larger(tmp_path, monkeypatch):
    """The posterior is the last generation: the full budget gives it more particles, and
    pyabc is told so generation by generation (a schedule read from the wrong end would give
    the larger size to the first generation, or to the distance's calibration sample)."""
    import dataclasses

    import pyabc

    from antaeus.calibration import abc as abc_module
    from antaeus.calibration import budget as budget_module

    assert parse_budget("full").populations() == [200] * 6 + [400]
    assert parse_budget("full").growth() == (6, 100.0, 100, 800)  # the last generation grows to the bar
    assert parse_budget("quick").growth() is None and parse_budget(400).growth() is None
    assert parse_budget("quick").populations() == [12] * 3
    assert parse_budget(400).populations() is None  # a simulation budget runs until spent
    # two small generations and few agents: the order of the sizes is what is checked, and the
    # last generation grows (by 10 // 4 = 2 at a time) towards a bar it cannot reach, to its cap
    small = dataclasses.replace(budget_module.PRESETS["quick"], population=6, generations=2, final_population=10,
                                agents=600, final_effective=1e9, final_cap=14)
    monkeypatch.setitem(budget_module.PRESETS, "quick", small)
    reports = []
    out = abc_module.calibrate("russia1917", budget="quick", store=tmp_path / "s.duckdb", on_generation=reports.append)
    history = pyabc.History(f"sqlite:///{out.database}")
    sizes = [len(history.get_distribution(t=t)[0]) for t in range(history.max_t + 1)]
    assert sizes == [6, 14]
    # each generation is reported as it completes, with the figures pyabc then stores
    stored = history.get_all_populations().query("t >= 0")
    assert [(g.number, g.of, g.particles) for g in reports] == [(1, 2, 6), (2, 2, 14)]
    assert [g.tolerance for g in reports] == list(stored["epsilon"])
    assert [g.simulations for g in reports] == list(stored["samples"])
    assert all(g.seconds > 0 and 0 < g.acceptance <= 1 for g in reports)
    assert [g.effective_particles for g in reports] == \
        [pytest.approx(effective_particles(history.get_distribution(m=0, t=t)[1])) for t in (0, 1)]
    assert reports[0].effective_particles == pytest.approx(6)  # the first generation weighs all alike

    from antaeus.calibration.default import data_version
    from antaeus.calibration.posterior import load_posterior
    from antaeus.scenario.loader import model_version
    posterior = load_posterior(out.database, load_scenario("russia1917"))
    meta = posterior.meta  # a built-in scenario's versions
    # the posterior's schedule is what the run reported as it went
    assert [(g["generation"], g["tolerance"], g["simulations"], g["particles"]) for g in posterior.generations] == \
        [(r.number, r.tolerance, r.simulations, r.particles) for r in reports]
    assert [g["effective_particles"] for g in posterior.generations] == \
        [pytest.approx(r.effective_particles) for r in reports]
    assert posterior.generations[-1]["effective_particles"] == pytest.approx(posterior.effective_particles)
    assert meta["model_version"] == model_version("russia1917") and meta["data_version"] == data_version()
    assert meta["agents"] == 600
    # a budget of generations, all run: a resume finds it finished and runs nothing
    again = abc_module.calibrate("russia1917", budget="quick", store=tmp_path / "s.duckdb", resume=True,
                                 on_generation=reports.append)
    assert again.already_finished and len(reports) == 2  # read from the history alone: the figures pyabc gave
    assert (again.abc_id, again.generations, again.simulations, again.epsilon) == \
        (out.abc_id, out.generations, out.simulations, out.epsilon)
    assert [len(history.get_distribution(t=t)[0]) for t in range(history.max_t + 1)] == [6, 14]


def test_a_weighted_observation_counts_that_many_times_in_the_distance():
    """Two targets that miss the record by the same amount, with the same spread over the
    generation: the one whose observation the scenario weighs 5 adds five times as much."""
    import numpy as np

    from antaeus.calibration.abc import robust_distance
    heavy, plain = "constituent_assembly:national:1917-11-25|Bolsheviks", "soviet:petrograd:1917-09-13|Bolsheviks"
    distance = robust_distance({"constituent_assembly:national:1917-11-25": 5.0}, [heavy, plain])
    observed = {heavy: 0.3, plain: 0.3}
    spread = np.linspace(0.2, 0.4, 11)
    sample = [{heavy: float(v), plain: float(v)} for v in spread]
    distance.initialize(t=0, get_sample=lambda: _sample(sample), x_0=observed, total_sims=len(sample))
    off_heavy = distance({heavy: 0.35, plain: 0.3}, observed, t=0)
    off_plain = distance({heavy: 0.3, plain: 0.35}, observed, t=0)
    assert off_plain > 0 and off_heavy == pytest.approx(5.0 * off_plain)


def test_the_shares_weigh_point_for_point_and_the_memberships_by_their_own_scale():
    """Two shares, one tightly spread around the record and one far off and widely spread, and
    a membership count: a miss of 5 points adds the same in either share, while the membership,
    in its log10 unit, keeps a scale of its own (its robust spread plus its offset)."""
    import numpy as np

    from antaeus.calibration.abc import pooled_share_scales, robust_distance
    near, far = "soviet:petrograd:1917-09-13|Bolsheviks", "municipal:petrograd:1917-06-11|Bolsheviks"
    members = "membership:all_russia:1917-10-14|Bolsheviks"
    keys = [far, members, near]
    observed = {near: 0.3, far: 0.3, members: 5.0}
    sample = [{near: float(0.3 + 0.01 * (i - 5)), far: float(0.6 + 0.05 * (i - 5)), members: float(4.9 + 0.02 * i)}
              for i in range(11)]
    distance = robust_distance({}, keys)
    distance.initialize(t=0, get_sample=lambda: _sample(sample), x_0=observed, total_sims=len(sample))
    off_near = distance({**observed, near: 0.35}, observed, t=0)
    off_far = distance({**observed, far: 0.35}, observed, t=0)
    assert off_near > 0 and off_far == pytest.approx(off_near)
    matrix = np.array([[s[k] for k in keys] for s in sample])
    scales = pooled_share_scales(matrix, np.array([observed[k] for k in keys]), keys)
    assert scales[0] == scales[2] and scales[1] != scales[0]
    off_members = distance({**observed, members: 5.05}, observed, t=0)
    assert off_members == pytest.approx(off_near * scales[0] / scales[1])  # the same 0.05, another scale


def _sample(stats):
    from pyabc.population import Sample
    from pyabc.population.population import Particle
    sample = Sample()
    for s in stats:
        sample.append(Particle(m=0, parameter={}, weight=1.0, sum_stat=s, distance=0.0, accepted=True))
    return sample


@pytest.mark.parametrize("weights, field", [
    ('"no_such:observation:1917-01-01" = 2.0', "calibration.weights"),
    ('"membership:bolsheviks:1917-03-07" = 0.0', "calibration.weights"),
])
def test_a_weight_on_no_target_or_out_of_bounds_exits_2(tmp_path, weights, field):
    text = (BUILTIN / "russia1917.toml").read_text(encoding="utf-8").split("[calibration.weights]")[0]
    scenario = tmp_path / "weighted.toml"
    scenario.write_text(text + "[calibration.weights]\n" + weights + "\n")
    done = cli("calibrate", str(scenario), "--budget", "quick", "--store", str(tmp_path / "antaeus.duckdb"))
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "Fix:" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "calibration").exists()


def test_a_calibration_holds_its_runs_against_the_record_it_started_with(monkeypatch):
    """A calibration runs for hours: an edit of record.csv meanwhile (a new row, even one the
    mapping it read at the start does not know) must not change what its later simulations are
    held against. Once the record has changed under it, its runs still answer the same targets."""
    import importlib
    from antaeus.calibration import abc, targets
    from antaeus.data.record import observations
    compare = importlib.import_module("antaeus.data.compare")  # the module: the package exports a function of its name
    s = load_scenario("russia1917")
    record = observations()
    keys = sorted(targets.observed_statistics(abc.simulate(s, 3, 1000), record))
    model = abc._model(s, 1000, 0, keys, record, None, None)
    point = {abc.parameter_name(p): 0.0 for p in s.calibration.parameters}
    before = model(point)

    def edited(in_use_only=True):  # the files now hold a row no mapping entry answers
        raise KeyError("mapping.toml has no entry for a row added during the calibration")
    monkeypatch.setattr(compare, "observations", edited)
    with pytest.raises(KeyError):  # what an unpinned comparison would meet
        targets.simulated_statistics(abc.simulate(s, 3, 1000), keys)
    assert model(point) == before
    assert sum(v != targets.MISSING for v in before.values()) > 50


def _particles(db: Path) -> list[tuple]:
    """Every stored particle of a history: generation, weight, parameter and value, with the
    generation's simulations and tolerance."""
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT po.t, po.nr_samples, po.epsilon, p.w, pa.name, pa.value FROM parameters pa"
            " JOIN particles p ON pa.particle_id = p.id JOIN models m ON p.model_id = m.id"
            " JOIN populations po ON m.population_id = po.id ORDER BY po.t, p.id, pa.name").fetchall()


def test_a_scheduler_where_nothing_listens_is_refused_before_any_work(tmp_path, monkeypatch):
    """The address is knocked at before the pilot run (and pyabc's import): a refused
    connection is the one error, and nothing has been simulated."""
    from antaeus.calibration import abc as abc_module
    monkeypatch.setattr(abc_module, "simulate", lambda *a, **k: pytest.fail("simulated before the scheduler answered"))
    with pytest.raises(InputError, match="no Dask scheduler answers at 'tcp://127.0.0.1:9'"):
        abc_module.calibrate("russia1917", budget="quick", executor="dask", scheduler="tcp://127.0.0.1:9",
                             store=tmp_path / "s.duckdb")
    assert not (tmp_path / "calibration").exists()
