"""Every user mistake ends the same way: exit code 2, one line on stderr that names where the
mistake is and how to fix it, no traceback, and nothing written to the store.

The CLI runs as a subprocess so that what a user would see (tracebacks included) is what is
checked.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from antaeus import InputError, api, run
from antaeus.scenario.loader import BUILTIN

BUILTIN_TOML = (BUILTIN / "russia1917.toml").read_text()


def antaeus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, cwd=cwd, timeout=300)


def rejected(tmp_path: Path, *args: str) -> str:
    """Run ``antaeus run ARGS`` against a fresh store; check the common promises; return
    the message."""
    store = tmp_path / "results" / "antaeus.duckdb"
    small = [] if "--agents" in args else ["--agents", "2000"]  # should a bad input slip through
    done = antaeus("run", *args, *small, "--store", str(store), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    message = lines[0]
    assert message.startswith("error: ")
    assert "Fix:" in message
    assert not store.exists() and not store.parent.exists()
    return message


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file(tmp_path):
    message = rejected(tmp_path, str(tmp_path / "no-such-scenario.toml"))
    assert "no-such-scenario.toml" in message and "no such file" in message


def test_malformed_toml(tmp_path):
    broken = BUILTIN_TOML.replace('name = "russia1917"', 'name = "russia1917', 1)
    line = broken.splitlines().index('name = "russia1917') + 1
    path = write(tmp_path, "broken.toml", broken)
    message = rejected(tmp_path, str(path))
    assert str(path) in message and f"line {line}" in message and "not valid TOML" in message


def test_unknown_field(tmp_path):
    lines = BUILTIN_TOML.splitlines()
    at = lines.index("[army_command]") + 1
    lines.insert(at, "loyal_reserv = 5")
    path = write(tmp_path, "extra.toml", "\n".join(lines) + "\n")
    message = rejected(tmp_path, str(path))
    assert f"{path}, line {at + 1}" in message
    assert "army_command.loyal_reserv" in message and "unknown field" in message


def test_value_out_of_bounds_by_set(tmp_path):
    message = rejected(tmp_path, "--set", "parties.srs.certainty_threshold=1.5")
    assert "--set" in message and "parties.srs.certainty_threshold" in message
    assert "out of bounds" in message


def test_value_out_of_bounds_in_file(tmp_path):
    lines = BUILTIN_TOML.splitlines()
    at = next(i for i, text in enumerate(lines)
              if text.startswith("certainty_threshold") and i > lines.index("[army_command]"))
    lines[at] = "certainty_threshold = 1.5"
    path = write(tmp_path, "bounds.toml", "\n".join(lines) + "\n")
    message = rejected(tmp_path, str(path))
    assert f"{path}, line {at + 1}" in message
    assert "army_command.certainty_threshold" in message and "out of bounds" in message


def test_unknown_set_path_suggests_the_close_match(tmp_path):
    message = rejected(tmp_path, "--set", "parties.srs.certainty_treshold=0.5")
    assert "--set" in message
    assert "did you mean 'parties.srs.certainty_threshold'" in message


def test_impossible_until_date(tmp_path):
    message = rejected(tmp_path, "--until", "1917-13-45")
    assert "--until" in message and "1917-13-45" in message


def test_impossible_at_date(tmp_path):
    message = rejected(tmp_path, "--at", "1917-02-30")
    assert "--at" in message and "1917-02-30" in message


def test_date_outside_the_scenario(tmp_path):
    message = rejected(tmp_path, "--until", "1916-12-31")
    assert "--until" in message and "outside" in message


def test_zero_agents(tmp_path):
    message = rejected(tmp_path, "--agents", "0")
    assert "--agents" in message and "got 0" in message


def test_negative_agents(tmp_path):
    message = rejected(tmp_path, "--agents", "-5")
    assert "--agents" in message and "got -5" in message


def test_unknown_overlay(tmp_path):
    message = rejected(tmp_path, "--overlay", "no-kornilow")
    assert "--overlay" in message and "did you mean 'no-kornilov'" in message


def test_usage_error_is_one_line_too(tmp_path):
    message = rejected(tmp_path, "--agnets", "5")
    assert "--agnets" in message and "antaeus run --help" in message


def test_api_checks_every_option_before_simulating(tmp_path, monkeypatch):
    def simulate_must_not_run(*args, **kwargs):
        raise AssertionError("simulate() ran although an option was bad")

    monkeypatch.setattr(api, "simulate", simulate_must_not_run)
    store = tmp_path / "results" / "antaeus.duckdb"
    bad = [dict(agents=0), dict(agents=2.5), dict(seed=-1), dict(threads=0), dict(chunk=0),
           dict(until="1917-13-45"), dict(at=["1917-02-30"]),
           dict(until="1917-06-01", at=["1917-07-01"]), dict(store=tmp_path), dict(agents=10**12)]
    for options in bad:
        with pytest.raises(InputError) as caught:
            run(**{"agents": 2000, "store": store, **options})
        assert caught.value.source.startswith("--") and caught.value.hint
    assert not store.parent.exists()


def test_posterior_draws_with_uncalibrated(tmp_path):
    message = rejected(tmp_path, "--uncalibrated", "--posterior-draws", "3")
    assert "--posterior-draws" in message and "--uncalibrated" in message


def test_region_support_for_an_unknown_group(tmp_path):
    text = BUILTIN_TOML.replace("initial_support.peasant = { others = 0.6", "initial_support.peasnt = { others = 0.6", 1)
    assert text != BUILTIN_TOML
    path = write(tmp_path, "regional.toml", text)
    message = rejected(tmp_path, str(path))
    assert str(path) in message and "regions.ukraine.initial_support" in message and "'peasnt'" in message


def test_votes_cast_must_cover_every_kind_of_constituency(tmp_path):
    text = BUILTIN_TOML.replace("votes_cast = { civilian = 40067500, army = 4364500 }",
                                "votes_cast = { civilian = 40067500 }", 1)
    assert text != BUILTIN_TOML
    path = write(tmp_path, "votes.toml", text)
    message = rejected(tmp_path, str(path))
    assert "events.constituent_assembly.votes_cast" in message and "army" in message


def test_a_region_lies_behind_fronts_only(tmp_path):
    text = BUILTIN_TOML.replace('fronts = ["caucasian_front"]', 'fronts = ["volga"]', 1)
    assert text != BUILTIN_TOML
    message = rejected(tmp_path, str(write(tmp_path, "rear.toml", text)))
    assert "regions.caucasus.fronts" in message and "unknown name 'volga'" in message and "western_front" in message


def test_the_february_days_are_fought_in_known_regions_inside_the_run(tmp_path):
    text = BUILTIN_TOML.replace("fought_in = { petrograd = 1917-03-08,", "fought_in = { petrogard = 1917-03-08,", 1)
    assert text != BUILTIN_TOML
    message = rejected(tmp_path, str(write(tmp_path, "fought.toml", text)))
    assert "old_regime.fought_in" in message and "unknown name 'petrogard'" in message and "petrograd" in message
    text = BUILTIN_TOML.replace("moscow = 1917-03-13, baltic_fleet", "moscow = 1915-03-13, baltic_fleet", 1)
    assert text != BUILTIN_TOML
    message = rejected(tmp_path, str(write(tmp_path, "early.toml", text)))
    assert "old_regime.fought_in.moscow" in message and "1915-03-13" in message


def test_a_strike_call_names_its_caller(tmp_path):
    text = BUILTIN_TOML.replace('kind = "strike_call"\ndate = 1917-08-25\nparty = "bolsheviks"\n',
                                'kind = "strike_call"\ndate = 1917-08-25\n', 1)
    assert text != BUILTIN_TOML
    message = rejected(tmp_path, str(write(tmp_path, "call.toml", text)))
    assert "events.moscow_strike_call" in message and "party" in message


def test_only_a_strike_call_has_an_aim(tmp_path):
    text = BUILTIN_TOML.replace('kind = "legitimacy_shock"\n', 'kind = "legitimacy_shock"\naim = "soviet_power"\n', 1)
    assert text != BUILTIN_TOML
    message = rejected(tmp_path, str(write(tmp_path, "aim.toml", text)))
    assert ".aim" in message and "only a strike call has an aim" in message and "legitimacy_shock" in message


def test_a_run_larger_than_the_machine_is_refused_with_its_estimate(tmp_path):
    message = rejected(tmp_path, "--agents", "1000000000000")
    assert "--agents" in message and "GiB of memory" in message and "this machine has" in message


def test_every_command_refuses_what_the_memory_cannot_hold(tmp_path, monkeypatch):
    import importlib

    from antaeus import explore
    from antaeus.calibration.abc import calibrate
    from antaeus.options import physical_memory, run_memory

    history_check = importlib.import_module("antaeus.experiments.history_check")
    monkeypatch.setattr(history_check, "simulate", lambda *a, **k: pytest.fail("simulated"))
    too_many = physical_memory() // 100
    assert run_memory(too_many, 1) > physical_memory()
    calls = [lambda: explore("russia1917", agents=too_many, replications=1, store=tmp_path / "e", workers=1),
             lambda: history_check.history_check("russia1917", runs=1, agents=too_many),
             lambda: explore("russia1917", agents=too_many // 4, replications=1, store=tmp_path / "e", workers=8)]
    for call in calls:
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.source == "--agents" and "GiB" in caught.value.problem
    monkeypatch.setattr("antaeus.calibration.abc.simulate", lambda *a, **k: pytest.fail("simulated"))
    with pytest.raises(InputError):
        calibrate("russia1917", budget="quick", workers=physical_memory() // 2**20, store=tmp_path / "c" / "a.duckdb")
    assert not (tmp_path / "e").exists() and not (tmp_path / "c").exists()


@pytest.mark.parametrize("case", sorted((Path(__file__).parent / "fuzz_corpus").glob("*.toml")),
                         ids=lambda p: p.stem)
def test_every_case_of_the_corpus_is_refused_by_the_command(tmp_path, case):
    """Issue 17's named cases and the fuzzer's findings, as a user meets them: exit 2, one line
    naming the file, and nothing written (``rejected`` checks all of it)."""
    message = rejected(tmp_path, "--patch", str(case))
    assert str(case) in message
