"""Every field of a scenario has a domain, and the one loader enforces it wherever the value
comes from (built-in file, a user's file, a patch, ``--set``): issue 17's named cases."""
from __future__ import annotations

import pytest

from antaeus.core.errors import ScenarioError
from antaeus.scenario import load_scenario
from antaeus.scenario.domains import MAX_SPAN_YEARS


def refused(**kwargs) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario("russia1917", **kwargs)
    assert caught.value.hint and caught.value.source
    return caught.value


@pytest.mark.parametrize("change, field, words", [
    ("regions.petrograd.population.industrial_worker=nan", "regions.petrograd.population.industrial_worker",
     "not a finite number"),
    ("regions.petrograd.population.industrial_worker=inf", "regions.petrograd.population.industrial_worker",
     "not a finite number"),
    ("regions.petrograd.population.industrial_worker=-5", "regions.petrograd.population.industrial_worker",
     "out of bounds"),
    ("soviets.initial_composition.bolsheviks=-0.3", "soviets.initial_composition.bolsheviks", "out of bounds"),
    ("soviets.initial_composition.bolsheviks=0.9", "soviets.initial_composition", "sum to"),
    ("groups.peasant.initial_support.srs=-1", "groups.peasant.initial_support.srs", "out of bounds"),
    ("parties.bolsheviks.reach.petrograd=1.5", "parties.bolsheviks.reach.petrograd", "out of bounds"),
    ("events.constituent_assembly.observed.srs=0.9", "events.constituent_assembly.observed", "more than 1"),
    ("parameters.congress.party_call=nan", "parameters.congress.party_call", "out of bounds"),
    ("scenario.end=9999-12-31", "scenario.end", "outside"),
    ("scenario.end=1925-01-01", "scenario.end", f"more than {MAX_SPAN_YEARS} years"),
    ("scenario.end=1917-01-01", "scenario.end", "does not come after"),
    ("events.lenin_return.date=1971-04-16", "events.lenin_return.date", "outside the scenario's window"),
    ("army_command.active_from=1817-07-31", "army_command.active_from", "outside the scenario's window"),
    ("scenario.name=../../x", "scenario.name", "not allowed"),
    ("scenario.name=", "scenario.name", "not allowed"),
])
def test_a_value_outside_its_domain_is_refused_with_its_field(change, field, words):
    error = refused(sets=[change])
    assert error.field == field and words in error.problem and error.source == "--set"


def test_a_region_without_people_is_refused(tmp_path):
    patch = tmp_path / "empty.toml"
    patch.write_text("[regions.petrograd.population]\nindustrial_worker = 0\ngarrison_soldier = 0\n"
                     "middle_strata = 0\nurban_lower_strata = 0\n")
    error = refused(patch=patch)
    assert error.field == "regions.petrograd.population" and "at least one person" in error.problem
    assert error.source == str(patch) and error.line == 1


def test_a_table_s_name_must_be_safe(tmp_path):
    patch = tmp_path / "name.toml"
    patch.write_text('[lenses."Bad Lens"]\nlabel = "x"\n')
    error = refused(patch=patch)
    assert error.field == "lenses.Bad Lens" and "not allowed" in error.problem and "lowercase" in error.hint


def test_an_unknown_reference_names_its_field_and_the_known_names():
    error = refused(sets=["parties.srs.lens=optimism"])
    assert error.field == "parties.srs.lens" and "optimism" in error.problem and "maturity" in error.hint


def test_the_built_in_scenario_and_every_overlay_lie_inside_the_domains():
    from antaeus.scenario import builtin_overlays
    for overlay in [None, *builtin_overlays()]:
        load_scenario("russia1917", overlays=[overlay] if overlay else None)


# -- limits on the TOML a user gives, checked before it is parsed --------------------------------
def test_deeply_nested_arrays_are_refused_before_parsing(tmp_path):
    patch = tmp_path / "deep.toml"
    patch.write_text("# a comment with [[[ brackets\n[parameters.congress]\nparty_call = " + "[" * 5000 + "]" * 5000)
    error = refused(patch=patch)
    assert "nested 5000 deep" in error.problem and error.line == 3 and error.source == str(patch)


def test_deeply_dotted_keys_are_refused(tmp_path):
    patch = tmp_path / "dotted.toml"
    patch.write_text(".".join(["a"] * 3000) + " = 1\n")
    error = refused(patch=patch)
    assert "nested more than" in error.problem


def test_a_deep_set_value_is_refused():
    error = refused(sets=["parameters.congress.party_call=" + "{a=" * 3000 + "1" + "}" * 3000])
    assert error.source == "--set" and error.field == "parameters.congress.party_call"


def test_an_oversized_file_is_refused_without_reading_it(tmp_path):
    from antaeus.scenario.tomlfile import MAX_BYTES
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"# " + b"x" * (4 * MAX_BYTES + 10))
    error = refused(patch=huge)
    assert "bytes" in error.problem and error.source == str(huge)


def test_brackets_inside_strings_and_comments_do_not_count():
    from antaeus.scenario.tomlfile import bracket_depth
    text = 'a = "[[[["  # [[[[[[\nb = [[1], [2]]\nc = \'\'\'\n[[[[\'\'\'\nd = [{e = [1]}]\nf = "\\"[["\n'
    assert bracket_depth(text) == (3, 5)
