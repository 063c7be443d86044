"""The fuzz suite: mutations of the built-in scenario either load and run a short window with
sound results, or are refused with the project's own error. Nothing else may happen.

Each example mutates the built-in TOML (a value replaced by an odd one, a key removed or added,
a table emptied, blown up or renamed), writes it to a file and loads it the way a user's
file is loaded; half the examples give the odd value by ``--set`` instead. A scenario that
loads must run a week at 400 agents with sound results (people finite and at least 0, shares
in [0, 1]); anything else it raises is a finding.

Profiles (``HYPOTHESIS_PROFILE``): ``ci`` is seeded and bounded and runs in ``make test``;
``long`` runs in ``make fuzz`` and reports how many cases it tried. The cases found so far are
kept in ``tests/fuzz_corpus/`` and replayed on every run.
"""
from __future__ import annotations

import copy
import datetime as dt
import math
import os
import tomllib
from pathlib import Path

import numpy as np
import pytest
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from antaeus.core.errors import ScenarioError
from antaeus.engine.simulate import simulate
from antaeus.scenario import load_scenario
from antaeus.scenario.loader import BUILTIN

CORPUS = Path(__file__).parent / "fuzz_corpus"
BASE = tomllib.loads((BUILTIN / "russia1917.toml").read_text())
AGENTS, DAYS = 400, 7

settings.register_profile("ci", max_examples=60, derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "3000")), deadline=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _paths(node, prefix=()):
    """Every table and leaf of the TOML tree, as key tuples."""
    out = []
    if isinstance(node, dict):
        for k, v in node.items():
            out.append(prefix + (k,))
            out.extend(_paths(v, prefix + (k,)))
    return out


def _at(data, path):
    for k in path:
        data = data[k]
    return data


PATHS = _paths(BASE)
TABLES = [p for p in PATHS if isinstance(_at(BASE, p), dict)]
LEAVES = [p for p in PATHS if not isinstance(_at(BASE, p), dict)]

ODD_NAMES = st.sampled_from(["", "../../x", "Bad Name", "a" * 65, "ñ", "x/y", ".", "con", "a.b", "-", "_"])
ODD_DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
ODD_VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 1e300, -1e-300, 2.0, 1.5]),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=12), ODD_NAMES, st.booleans(), ODD_DATES,
    st.lists(st.floats(allow_nan=True), max_size=3),
    st.dictionaries(st.text(max_size=6), st.floats(allow_nan=True), max_size=3),
)


@st.composite
def mutated(draw):
    """A mutated copy of the built-in scenario's tables, and a word on what changed."""
    data = copy.deepcopy(BASE)
    kind = draw(st.sampled_from(["value", "value", "value", "delete", "extra", "empty", "huge", "rename"]))
    if kind in ("value", "delete"):
        path = draw(st.sampled_from(LEAVES if kind == "value" else PATHS))
        parent = _at(data, path[:-1])
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(ODD_VALUES)
        return data, f"{kind} {'.'.join(path)}"
    path = draw(st.sampled_from(TABLES))
    parent, key = _at(data, path[:-1]), path[-1]
    if kind == "extra":
        parent[key][draw(st.text(min_size=1, max_size=8))] = draw(ODD_VALUES)
    elif kind == "empty":
        parent[key] = {}
    elif kind == "huge":
        parent[key] = {f"k{i}": draw(ODD_VALUES) for i in range(draw(st.integers(100, 3000)))}
    else:
        parent[draw(ODD_NAMES)] = parent.pop(key)
    return data, f"{kind} {'.'.join(path)}"


def loads_and_runs_soundly(scenario) -> None:
    """A loaded scenario runs a short window: people and members finite and at least 0; soviet
    shares, legitimacy and demands finite and in [0, 1]."""
    until = scenario.scenario.start + dt.timedelta(days=DAYS)
    result = simulate(scenario, 1, AGENTS, until=min(until, scenario.scenario.end))
    for name, upper in (("support", math.inf), ("active", math.inf), ("membership", math.inf),
                        ("soviets", 1.0), ("legitimacy", 1.0), ("demands", 1.0)):
        values = np.asarray(getattr(result, name), float)
        assert np.isfinite(values).all(), f"{name} is not finite"
        assert (values >= -1e-6).all() and (values <= upper + 1e-6).all(), f"{name} leaves [0, {upper}]"


def check_file(path: Path) -> bool:
    """Load a scenario file: True if it loaded and ran soundly, False if refused."""
    try:
        scenario = load_scenario(path)
    except ScenarioError:
        event("refused")
        return False
    loads_and_runs_soundly(scenario)
    event("loaded and ran")
    return True


@given(case=mutated())
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_a_mutated_scenario_file_is_run_soundly_or_refused(case, tmp_path_factory):
    data, _what = case
    path = tmp_path_factory.mktemp("fuzz") / "scenario.toml"
    try:
        path.write_text(tomli_w.dumps(data))
    except (TypeError, ValueError):
        event("not expressible in TOML")
        return  # nothing a user could write
    check_file(path)


@given(path=st.sampled_from(LEAVES), raw=st.one_of(st.text(max_size=30), ODD_VALUES.map(str)))
def test_an_odd_set_value_is_run_soundly_or_refused(path, raw):
    try:
        scenario = load_scenario("russia1917", sets=[f"{'.'.join(path)}={raw}"])
    except ScenarioError:
        event("refused")
        return
    loads_and_runs_soundly(scenario)
    event("loaded and ran")


@pytest.mark.parametrize("case", sorted(CORPUS.glob("*.toml")), ids=lambda p: p.stem)
def test_the_corpus_of_found_cases_is_refused(case):
    """Every case the fuzzer (or issue 17) found is a patch on the built-in scenario that must be refused."""
    with pytest.raises(ScenarioError):
        load_scenario("russia1917", patch=case)
