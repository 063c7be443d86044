"""The ``antaeus`` command end to end: listing, showing, running, and the --json document."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from antaeus import builtin_overlays, load_scenario, read_runs
from antaeus.report.summary import ALL_RUSSIA

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def antaeus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    done = subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)
    assert done.returncode == 0, done.stderr
    return done


def test_scenarios_lists_the_scenario_and_every_overlay(tmp_path):
    listed = antaeus("scenarios", cwd=tmp_path).stdout
    names = {line.split()[0] for line in listed.splitlines() if line.startswith("  ")}
    overlays = builtin_overlays()
    assert len(overlays) >= 9
    assert names == {"russia1917", *overlays}
    for name, overlay in overlays.items():
        assert f"{name}" in listed and overlay.description in listed


def test_show_round_trips(tmp_path):
    """What ``show`` prints, saved to a file, loads back to the very same scenario."""
    cases = [([], []), (["no-kornilov", "moderates-act"], ["parties.srs.certainty_threshold=0.5"])]
    for overlays, sets in cases:
        options = [x for name in overlays for x in ("--overlay", name)] + \
                  [x for item in sets for x in ("--set", item)]
        saved = tmp_path / "shown.toml"
        saved.write_text(antaeus("show", *options, cwd=tmp_path).stdout, encoding="utf-8")
        assert load_scenario(saved) == load_scenario("russia1917", overlays=overlays, sets=sets)


def test_run_writes_store_and_plots_and_states_calibration(tmp_path):
    store = tmp_path / "results" / "antaeus.duckdb"
    done = antaeus("run", "--agents", "5000", "--until", "1917-05-01", "--store", str(store),
                   cwd=tmp_path)
    if load_scenario("russia1917").scenario.calibrated:
        assert "Calibrated: posterior median" in done.stdout and "reproduce with" in done.stdout
        flat = re.sub(r"[│\s]+", " ", done.stdout)  # the panel may wrap the note anywhere
        import tomllib

        from antaeus.scenario.loader import posterior_file
        particles = tomllib.loads(posterior_file("russia1917").read_text())["provenance"]["particles"]
        assert f"effective particles of {particles}, Pareto k" in flat
    else:
        assert "not calibrated" in done.stdout.lower()
    assert "Who holds power" in done.stdout and "Bolshevik membership" in done.stdout
    assert "refusal" in done.stdout and "deserters (men gone home)" in done.stdout
    runs = read_runs(store)
    assert len(runs) == 1 and runs[0]["agents"] == 5000
    run_dir = store.parent / "runs" / runs[0]["run_id"]
    for name in ("support.png", "gaps.png"):
        assert (run_dir / name).read_bytes()[:8] == PNG_MAGIC
        assert str(run_dir / name) in done.stdout


def test_no_plots_and_no_store(tmp_path):
    store = tmp_path / "results" / "antaeus.duckdb"
    antaeus("run", "--agents", "2000", "--until", "1917-04-01", "--store", str(store),
            "--no-plots", cwd=tmp_path)
    run_dir = store.parent / "runs" / read_runs(store)[0]["run_id"]
    assert not list(run_dir.glob("*.png"))
    antaeus("run", "--agents", "2000", "--until", "1917-04-01", "--no-store", cwd=tmp_path)
    assert not (tmp_path / "antaeus-results").exists()


def test_json_support_at_a_date_covers_every_region(tmp_path):
    done = antaeus("run", "--json", "--agents", "5000", "--until", "1917-10-15",
                   "--at", "1917-10-01", "--no-store", cwd=tmp_path)
    document = json.loads(done.stdout)  # stdout holds one JSON document and nothing else
    scenario = load_scenario("russia1917")
    rows = document["support"]
    assert {r["date"] for r in rows} == {"1917-10-01"}
    assert {r["region"] for r in rows} == {*scenario.regions, ALL_RUSSIA}
    for region in {r["region"] for r in rows}:
        shares = {r["party"]: r["share"] for r in rows if r["region"] == region}
        assert set(shares) == set(scenario.parties)
        assert abs(sum(shares.values()) - 1.0) < 1e-5
    assert document["calibrated"] is load_scenario("russia1917").scenario.calibrated
    assert document["days"] == 222
    assert document["run_id"] is None and document["store"] is None
    turnout = {o["family"]: o["turnout"] for o in document["observables"]}  # docs/json.md
    assert 0.0 < turnout["municipal"] <= 1.0 and turnout["soviet_congress"] is None


def test_support_by_social_group_reads_the_groups_not_the_regions(tmp_path):
    """``--at`` also gives each party's share within each social group (all Russia): on the
    first day every group still holds its declared March support, so its strongest party is
    the one the scenario gives it (a table summed over the wrong axis would pair the groups with
    the regions and miss); the terminal shows the same rows as a table."""
    args = ("run", "--agents", "5000", "--until", "1917-03-20", "--at", "1917-03-08", "--no-store")
    document = json.loads(antaeus(*args, "--json", cwd=tmp_path).stdout)
    scenario = load_scenario("russia1917")
    rows = document["support_by_group"]
    assert {r["group"] for r in rows} == set(scenario.groups)
    for group in ("industrial_worker", "front_soldier", "middle_strata"):
        shares = {r["party"]: r["share"] for r in rows if r["group"] == group}
        assert set(shares) == set(scenario.parties)
        assert abs(sum(shares.values()) - 1.0) < 1e-5
        declared = scenario.groups[group].initial_support
        assert max(shares, key=shares.get) == max(declared, key=declared.get)
    text = antaeus(*args, cwd=tmp_path).stdout
    assert "by social group" in text and "middle strata" in text


def test_only_the_cli_package_prints_or_exits():
    """The library returns data and raises the project's errors; parsing, printing (the Rich
    tables too) and exit codes live in antaeus.cli alone (issue 17, one cli/ package)."""
    import re

    import antaeus
    root = Path(antaeus.__file__).parent
    pattern = re.compile(r"^\s*(print\(|sys\.exit\(|import typer|from typer|raise typer\.|import rich|from rich)", re.M)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.parent.name != "cli" and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_calibration_the_sampler_cannot_finish_ends_on_the_one_handler(tmp_path, monkeypatch, capsys):
    """pyabc's failure to complete a generation is neither a bug nor bad input: exit 1 and one
    line from the CLI's one error handler, no traceback."""
    from antaeus.calibration.abc import CalibrationStopped
    from antaeus.cli import calibration as commands
    from antaeus.cli.main import main

    def stops(*args, **kwargs):
        raise CalibrationStopped("calibration stopped in generation 3: weights degenerated")

    monkeypatch.setattr(commands, "calibrate", stops)
    code = main(["calibrate", "russia1917", "--store", str(tmp_path / "s.duckdb")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1] == "error: calibration stopped in generation 3: weights degenerated"
    assert not any("Traceback" in line for line in err)


def test_where_stderr_is_no_terminal_the_bar_writes_a_line_a_minute(monkeypatch, capsys):
    """A long run's log (stderr to a file, as under nohup or a batch system) shows the work
    going on: a line at most every LOG_EVERY seconds, none for a run shorter than that, and a
    note of its own is never wrapped."""
    from antaeus.cli import progress as progress_module
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: clock[0])
    bar = progress_module.ProgressBar("exploring russia1917", "runs")
    assert not bar.bar.console.is_terminal  # pytest captures stderr
    with bar as advance:
        for now, done in ((100.0, 0), (130.0, 5), (159.0, 9), (161.0, 10), (200.0, 14), (222.0, 20)):
            clock[0] = now
            advance(done, 40)
        bar.note("generation 1 of 7: " + "x" * 200)
    lines = capsys.readouterr().err.splitlines()  # and nothing else: no blank line where no bar was drawn
    assert lines[:2] == ["exploring russia1917: 10 of 40 runs, 0.2 runs/s, 1 min 01 s",
                         "exploring russia1917: 20 of 40 runs, 0.2 runs/s, 2 min 02 s"]
    assert lines[2] == "generation 1 of 7: " + "x" * 200 and len(lines) == 3
