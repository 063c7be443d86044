"""``antaeus check history``: the record against the simulated runs, pooled over seeds.

Small on purpose (3 runs of 3,000 agents): the point is that every in-use observation is
accounted for, that the pooled numbers are consistent, and that the command's document,
figures and errors behave; not how good the fit is.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from antaeus import InputError
from antaeus.data import compare_all, observations
from antaeus.engine.simulate import simulate
from antaeus.experiments.seeds import posterior_rows, replication_seed
from antaeus.experiments.history_check import history_check
from antaeus.report.history_plots import FILES, magnitudes_figure, observation_figure, write_history_plots
from antaeus.scenario import ScenarioError, load_scenario
from antaeus.scenario.loader import committed_particles, with_parameters

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
RUNS, AGENTS, SEED = 3, 3000, 0


def antaeus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def check():
    return history_check("russia1917", runs=RUNS, agents=AGENTS, seed=SEED, workers=1)


@pytest.fixture(scope="module")
def first_run(check):
    """The check's first run (replication 0 of its seed by the seed rule), compared on its own."""
    assert check.seeds[0] == replication_seed(SEED, 0) and check.posterior
    paths, particles, weights = committed_particles("russia1917")
    row = posterior_rows(weights, SEED, [0])[0]  # the particle replication 0 of explore --posterior draws
    drawn = with_parameters(load_scenario("russia1917"), dict(zip(paths, map(float, particles[row]))))
    return compare_all(simulate(drawn, replication_seed(SEED, 0), AGENTS))


def test_the_seeds_only_figure_is_reported_beside_the_posterior_draws(check):
    median = history_check("russia1917", runs=RUNS, agents=AGENTS, seed=SEED, posterior=False, workers=1)
    assert not median.posterior and median.seeds_only is None
    assert check.seeds_only == median.summary
    assert check.summary != median.summary  # the draws move the figures


def test_the_workers_never_change_the_check():
    """Each run's comparison depends on its scenario and seed alone, so the check of one
    process, of two worker processes and of a Dask cluster are the same (with the posterior
    draws and their seeds-only figure, and at the median)."""
    options = dict(runs=2, agents=AGENTS, seed=SEED)
    alone = history_check("russia1917", workers=1, **options)
    assert alone.to_json_dict() == history_check("russia1917", workers=2, **options).to_json_dict()
    here = history_check("russia1917", posterior=False, workers=1, **options)
    on_dask = history_check("russia1917", posterior=False, workers=1, executor="dask", **options)
    assert on_dask.to_json_dict() == here.to_json_dict()


def test_a_set_value_or_a_patch_stays_as_set_under_the_posterior_draws(tmp_path):
    """A --set or a patch file's value of a calibrated parameter is not overwritten by each
    replication's draw (as in explore --posterior): the check's runs are those of the drawn
    particle with the values set."""
    calibrated = "parameters.support.reach_weight"
    patch = tmp_path / "patch.toml"
    patch.write_text("[parameters.support]\nreach_weight = 0.0\n")
    sets = ["parameters.support.platform_fit=12.5"]
    set_check = history_check("russia1917", runs=1, agents=AGENTS, seed=SEED, sets=sets, patch=patch, workers=1)
    assert set_check.patch == str(patch) and set_check.to_json_dict()["patch"] == str(patch)
    paths, particles, weights = committed_particles("russia1917")
    assert calibrated in paths and "parameters.support.platform_fit" in paths
    drawn = dict(zip(paths, map(float, particles[posterior_rows(weights, SEED, [0])[0]])))
    assert drawn[calibrated] != 0.0
    drawn.update({calibrated: 0.0, "parameters.support.platform_fit": 12.5})
    scenario = with_parameters(load_scenario("russia1917"), drawn)
    alone = compare_all(simulate(scenario, replication_seed(SEED, 0), AGENTS))
    simulated = {(c.id, c.category): c.simulated for c in alone if c.simulated is not None}
    rows = {(r.id, r.category): r.values[0] for r in set_check.rows if r.values}
    assert rows and all(rows[k] == simulated[k] for k in rows), "the set values were overwritten by the draw"


def test_every_in_use_observation_has_its_rows(check, first_run):
    rows = {(r.id, r.category): r for r in check.rows}
    assert len(rows) == len(check.rows)  # one row per (observation, category)
    assert {(c.id, c.category) for c in first_run} == set(rows)
    assert {o.id for o in observations()} == {r.id for r in check.rows}
    for c in first_run:
        row = rows[(c.id, c.category)]
        assert row.target == c.target and row.version == c.version and row.observed == c.observed
        if c.simulated is not None:  # a simulated value in a run: the row pools it
            assert row.n_runs >= 1 and row.values[0] == pytest.approx(c.simulated)
        else:
            assert row.note  # the reason is carried
    assert all(r.runs == RUNS and 0 <= r.n_runs <= RUNS for r in check.rows)


def test_interval_and_inside_are_consistent(check):
    """The interval is the prediction interval of the runs' values (here, 3 runs: their range)."""
    compared = [r for r in check.rows if r.compared]
    assert compared
    for r in check.rows:
        if r.values:
            assert r.q05 <= r.median <= r.q95
            assert (r.q05, r.q95) == (min(r.values), max(r.values))
        else:
            assert r.q05 is r.median is r.q95 is None
        if r.compared:
            assert r.inside == (r.q05 <= r.observed <= r.q95)
        else:
            assert r.inside is None


def test_summary_counts_match_the_rows(check):
    summary = check.summary
    for role, flag in (("targets", True), ("out_of_sample", False)):
        rows = [r for r in check.rows if r.target == flag and r.scored]
        s = summary[role]
        assert s["scored"] == len(rows)
        assert s["inside"] == sum(r.inside for r in rows)
        if rows:
            assert s["coverage"] == pytest.approx(s["inside"] / len(rows))
        shares = [abs(r.median - r.observed) * 100 for r in rows if r.unit == "share"]
        if shares:
            assert s["mae_points"] == pytest.approx(sum(shares) / len(shares))
    assert summary["targets"]["rows"] + summary["out_of_sample"]["rows"] == len(check.rows)
    elections = [r for r in check.rows if not r.target and r.family in ("constituent_assembly", "ca_session",
                                                                       "municipal", "turnout")]
    assert summary["elections_out_of_sample"]["rows"] == len(elections) > 0
    assert summary["elections_out_of_sample"]["mae_points"] == pytest.approx(
        np.mean([abs(r.median - r.observed) * 100 for r in elections if r.scored and r.unit == "share"]))
    assert {o["id"] for o in summary["observations"]} == {r.id for r in check.rows}
    listed = {(m["id"], m["category"]) for m in summary["not_compared"]}
    assert listed == {(r.id, r.category) for r in check.rows if not r.compared}
    # the record has only national CA figures: every region and front is simulated beside them
    assert check.ca_regions and all(r.values for r in check.ca_regions)


def test_json_document_and_figures(check, tmp_path):
    document = json.loads(json.dumps(check.to_json_dict(), allow_nan=False))
    assert len(document["rows"]) == len(check.rows)
    assert {"targets", "out_of_sample", "all", "by_panel"} <= set(document["summary"])
    assert document["interval"] == {"level": 0.9, "coverage": 0.5}  # 3 runs: the range holds half
    mc = document["monte_carlo"]
    assert mc["level"] == 0.95 and mc["runs"] == check.runs
    lo, hi = mc["targets_mae_points"]
    assert 0.0 <= lo <= hi
    for row in document["rows"]:  # 3 runs: the median's interval is the runs' range
        if row["median"] is not None:
            assert row["median_lo"] <= row["median"] <= row["median_hi"]
            assert (row["median_lo"], row["median_hi"]) == (row["q05"], row["q95"])
    paths = write_history_plots(check, tmp_path / "figures")
    assert sorted(p.name for p in paths) == sorted(FILES.values())
    for path in paths:
        assert path.read_bytes()[:8] == PNG_MAGIC


def test_counts_are_drawn_on_a_log_scale_apart_from_the_shares(check):
    """The voters of the municipal family are counts: drawn in the magnitudes' figure on a log
    scale, one panel per family, and left out of the municipal figure's share panels."""
    counted = {r.family for r in check.rows if r.values and r.unit != "share" and r.panel != "membership"}
    assert {"turnout", "strikers", "land_seizures"} <= counted
    panels = [ax for ax in magnitudes_figure(check).axes if ax.get_visible()]
    assert sorted(ax.get_title().split(" (")[0] for ax in panels) == sorted(f.replace("_", " ") for f in counted)
    assert all(ax.get_yscale() == "log" for ax in panels)
    shares = [ax for ax in observation_figure(check, "municipal", "Municipal elections").axes if ax.get_visible()]
    assert shares and all(ax.get_ylim()[1] <= 1.1 for ax in shares)
    assert not any(ax.get_title().startswith("turnout") for ax in shares)


def test_cli_json_and_pngs(tmp_path):
    out = tmp_path / "figures"
    done = antaeus("check", "history", "--runs", str(RUNS), "--agents", str(AGENTS), "--json",
                   "--out", str(out), "--workers", "1", cwd=tmp_path)  # the pool: test_the_workers_never_change_the_check
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["runs"] == RUNS and document["agents"] == AGENTS
    rows = document["rows"]
    assert {r["id"] for r in rows} == {o.id for o in observations()}
    for r in rows:
        if r["median"] is not None:
            assert r["q05"] <= r["median"] <= r["q95"]
        assert r["role"] == ("target" if r["target"] else "out_of_sample")
    assert sorted(Path(p).name for p in document["plots"]) == sorted(FILES.values())
    for name in FILES.values():
        assert (out / name).read_bytes()[:8] == PNG_MAGIC


@pytest.mark.parametrize("args, words", [
    (["--runs", "0"], "--runs"),
    (["--agents", "0"], "--agents"),
    (["--seed", "-1"], "--seed"),
    (["no-such-scenario"], "no-such-scenario"),
    (["--patch", "no-such-patch.toml"], "no-such-patch.toml"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, args, words):
    out = tmp_path / "figures"
    done = antaeus("check", "history", *args, "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0]
    assert not out.exists()


def test_api_rejects_before_simulating():
    with pytest.raises(InputError, match="--runs"):
        history_check(runs=0)
    with pytest.raises(InputError, match="--agents"):
        history_check(agents=0)
    with pytest.raises(ScenarioError):
        history_check("no-such-scenario", runs=1)


def test_counts_within_a_factor_of_2_are_counted(check):
    """The summary counts the scored count rows whose median lies within a factor of 2 of the
    record (issue 16's bar for the magnitudes), for each role apart."""
    for role, target in (("targets", True), ("out_of_sample", False)):
        counts = [r for r in check.rows if r.scored and r.target == target and r.log10_ratio is not None]
        within = [r for r in counts if 0.5 <= r.median / r.observed <= 2.0]
        s = check.summary[role]
        assert s["count_rows"] == len(counts) and s["counts_within_factor_2"] == len(within)
    assert check.summary["out_of_sample"]["count_rows"] > check.summary["out_of_sample"]["counts_within_factor_2"]
