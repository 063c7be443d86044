"""One contract for every mechanism (ARCHITECTURE.md, "Conventions"), checked generically.

Like scikit-learn's ``check_estimator``: every module in ``antaeus.mechanisms.ALL`` must pass
:func:`antaeus.mechanisms.contract.check_mechanism`, its parameters must be reachable in a
loaded scenario as ``parameters.<NAME>.<field>``, and every free parameter of the resolved
russia1917 scenario must carry bounds, a unit and a source. The checker itself is tested on
deliberately broken modules, so a check that silently passes everything is caught too.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import types
from pathlib import Path

import numpy as np
import pytest
from numba import njit
from pydantic import BaseModel, ConfigDict, Field

import antaeus.mechanisms as mechanisms
from antaeus.engine import step
from antaeus.mechanisms.contract import check_mechanism, mechanism_functions
from antaeus.mechanisms.parameters import MechanismParameters
from antaeus.scenario import ScenarioError, free_parameters, load_scenario
from antaeus.params import param

ALL = mechanisms.ALL
SRC = Path(mechanisms.__file__).resolve().parents[1]

# Example inputs (by argument name) for functions that take arrays; any argument not named
# here gets a made-up float, so a new scalar argument does not break the check.
EXAMPLE_VALUES = {
    "support.utility": dict(
        d=np.array([0.9, 0.5, 0.3, 0.7]),
        platforms=np.array([[0.1, 0.2, 0.3, 0.0], [0.9, 0.6, 0.4, 0.8], [0.5, 0.5, 0.5, 0.5]]),
        p=1, log_reach=-0.7, locale_share=0.4, is_current=True, attachment=0.6),
    "support.platform_fit": dict(
        d0=0.9, d1=0.5, d2=0.3, d3=0.7, platforms=np.array([[0.1, 0.2, 0.3, 0.0], [0.9, 0.6, 0.4, 0.8]]), p=1),
    "support.platform_distance": dict(
        d0=0.9, d1=0.5, d2=0.3, d3=0.7, platforms=np.array([[0.1, 0.2, 0.3, 0.0], [0.9, 0.6, 0.4, 0.8]]), p=1),
    "support.turnout": dict(distance=0.04, alienation=3.0),
    "support.faction_gain": dict(
        d0=0.9, d1=0.95, d2=0.3, d3=0.7,
        platforms=np.array([[0.45, 0.7, 0.4, 0.35], [0.85, 0.95, 0.6, 0.85]]),
        faction=1, parent=0, fit=15.0, overshoot=0.3),
    "support.faction_leaning": dict(gain=0.8),
    "soviets.reelect": dict(
        composition=np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]]),
        constituent_support=np.array([[100.0, 50.0, 850.0], [0.0, 0.0, 0.0]]),
        interval_days=np.array([45.0, 120.0])),
    "soviets.congress": dict(
        composition=np.array([[0.5, 0.3, 0.2], [0.2, 0.2, 0.6]]), delegates=np.array([3.0, 1.0])),
    "membership.recruit": dict(
        members=np.array([24000.0, 100000.0]), supporters=np.array([2e6, 1e6]),
        rates=np.array([0.03, 0.02]), join_share=0.04, independent=0.002, attrition=0.005),
    "power.settle": dict(
        actor="bolsheviks", action="insurrection", success=True, day=200, cooldown_days=14.0,
        parties=["bolsheviks", "left_srs", "srs"], platforms=np.array([[0.9, 0.9, 0.8, 1.0], [0.8, 1.0, 0.6, 0.9],
                                                                       [0.5, 0.9, 0.5, 0.4]]),
        insurgents=[0, 1], moderates=[2], params=mechanisms.power.Params()),
    "power.government_policy": dict(
        platforms=np.array([[0.9, 0.9, 0.8, 1.0], [0.8, 1.0, 0.6, 0.9], [0.5, 0.9, 0.5, 0.4]]), bloc=[0, 1],
        route="insurrection", params=mechanisms.power.Params()),
    "power.joins_government": dict(backs_soviet_power=True, faction_villagers=3e6, parent_villagers=2e6),
    "rising.crowd": dict(
        active=np.array([300.0, 50.0, 0.0]), radical=np.array([500.0, 80.0, 10.0]),
        population=np.array([1000.0, 400.0, 0.0]), armed=np.array([1.0, 0.3, 0.1])),
    "cooperation.shared_reach": dict(reach=np.array([[0.6, 0.1], [0.2, 0.5], [0.3, 0.3]]), partners=[0, 1],
                                     cooperation=0.7, p=mechanisms.cooperation.Params()),
    "congress.days_to": dict(day=200, congress_days=(100, 244)),
    "congress.rising_force": dict(bloc_radical=1000.0, all_radical=3000.0, eve=False, p=mechanisms.congress.Params()),
    "congress.on_eve": dict(days_left=4, p=mechanisms.congress.Params()),
    "congress.worth_waiting": dict(days_left=30, odds_now=0.2, odds_on_eve=0.9, p=mechanisms.congress.Params()),
    "assembly.coalition": dict(seats=np.array([0.4, 0.25, 0.05, 0.3]),
                               platforms=np.array([[0.45, 0.7, 0.4, 0.35], [0.95, 0.9, 0.85, 1.0],
                                                   [0.1, 0.15, 0.4, 0.0], [0.5, 0.8, 0.35, 0.35]])),
    "assembly.platform": dict(seats=np.array([0.4, 0.25, 0.05]), members=[0, 2],
                              platforms=np.array([[0.45, 0.7, 0.4, 0.35], [0.95, 0.9, 0.85, 1.0],
                                                  [0.1, 0.15, 0.4, 0.0]])),
    "assembly.response": dict(holder="soviet_government:bolsheviks+left_srs", leader_in_majority=False),
    "assembly.joint_lists": dict(seats=np.array([0.4, 0.25, 0.05]), parent=np.array([-1, -1, 0])),
    "assembly.assembly_government": dict(parties=["srs", "bolsheviks", "kadets"], seats=np.array([0.45, 0.3, 0.25]),
                                         platforms=np.array([[0.45, 0.7, 0.4, 0.35], [0.95, 0.9, 0.85, 1.0],
                                                             [0.1, 0.15, 0.4, 0.0]])),
    "membership.reach": dict(
        base=np.array([[0.5, 0.1], [0.3, 0.0]]), members=np.array([24000.0, 100000.0]), scale=3e5),
    "mobilisation.following": dict(supporters=np.array([40.0, 50.0, 10.0]), radical=np.array([30.0, 20.0, 5.0]),
                                   party=0, for_power=True),
    "mobilisation.called": dict(expected=np.array([3, 40], np.int32), following=np.array([0.5, 0.2]),
                                size=np.array([64, 64])),
    "mobilisation.village_conditions": dict(seed=3, is_village=np.array([True, False, True]), spread=1.0),
    "mobilisation.example": dict(prev_active=np.array([64, 0, 5], np.int32), is_village=np.array([True, True, False]),
                                 locale_region=np.array([0, 0, 1], np.uint8), villages=np.array([2, 0])),
    "assembly.promised": dict(days_since=np.array([-2, 0, 60, 400]), weight=0.3, patience=60.0),
    "desertion.news": dict(beginning=np.array([0.0, 0.3, 0.0, 0.1]), days=3.0),
    "desertion.deserters": dict(onsets=np.array([[[0.0, 2.0, 1.0]] * 2] * 2),
                                people=np.array([[10.0, 40.0, 5.0], [10.0, 60.0, 5.0]]),
                                soldiers=np.array([True, False, False]), villages=np.array([False, True, False]),
                                p=mechanisms.desertion.Params(news_days=2.0)),
    "membership.taken_over": dict(base_reach=np.array([[0.8, 0.5], [0.3, 0.2]]), members=np.array([1000.0, 0.0]),
                                  faction=1, party=0, closer=np.array([30.0, 10.0]), supporters=np.array([50.0, 40.0]),
                                  takeover=0.5),
    "membership.carried": dict(reach=np.array([[0.5, 0.1], [0.3, 0.98]]), share=np.array([[0.6, 0.4], [0.2, 0.8]]),
                               contact=np.array([0.0, 0.3]), weight=0.5),
}


def examples_for(module) -> dict[str, tuple]:
    out = {}
    for fname, func in mechanism_functions(module).items():
        values = EXAMPLE_VALUES.get(f"{module.NAME}.{fname}")
        if values is None:
            continue
        sig = inspect.signature(getattr(func, "py_func", func))
        out[fname] = tuple(values.get(a, 0.5 + 0.01 * i) for i, a in enumerate(sig.parameters))
    return out


def _bounds(info):
    lo = next(m.ge for m in info.metadata if getattr(m, "ge", None) is not None)
    hi = next(m.le for m in info.metadata if getattr(m, "le", None) is not None)
    return lo, hi


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("russia1917")


@pytest.fixture(scope="module")
def free(scenario):
    return {p.path: p for p in free_parameters(scenario)}


# -- the contract, module by module -----------------------------------------------------------
@pytest.mark.parametrize("module", ALL, ids=lambda m: m.NAME)
def test_mechanism_meets_contract(module):
    violations = check_mechanism(module, examples_for(module))
    assert violations == [], "\n".join(violations)


def test_every_mechanism_module_is_registered():
    """A mechanism module left out of ALL would escape the contract and the scenario."""
    skip = {"parameters", "contract"}
    found = []
    for info in pkgutil.iter_modules(mechanisms.__path__):
        if info.name in skip:
            continue
        mod = importlib.import_module(f"{mechanisms.__name__}.{info.name}")
        if hasattr(mod, "Params") or hasattr(mod, "NAME"):
            found.append(mod)
    assert {m.__name__ for m in found} == {m.__name__ for m in ALL}
    names = [m.NAME for m in ALL]
    assert len(set(names)) == len(names), "two mechanisms share a NAME"


@pytest.mark.parametrize("module", ALL, ids=lambda m: m.NAME)
def test_params_model_is_the_scenario_section(module):
    fields = MechanismParameters.model_fields
    assert module.NAME in fields, f"MechanismParameters has no '{module.NAME}' section"
    assert fields[module.NAME].annotation is module.Params


def test_kernel_parameter_vector_names_declared_parameters():
    for mech, field in step.THETA:
        section = MechanismParameters.model_fields[mech].annotation
        assert field in section.model_fields, f"step.THETA names undeclared parameters.{mech}.{field}"
    assert len(set(step.THETA)) == len(step.THETA)
    th = step.theta(MechanismParameters())
    assert th.shape == (len(step.THETA),) and th.dtype == np.float64


# -- reachable in a loaded scenario ----------------------------------------------------------------
@pytest.mark.parametrize("module", ALL, ids=lambda m: m.NAME)
def test_every_field_reachable_in_scenario(module, scenario, free):
    section = getattr(scenario.parameters, module.NAME)
    assert isinstance(section, module.Params)
    for field, info in module.Params.model_fields.items():
        path = f"parameters.{module.NAME}.{field}"
        assert path in free, f"{path} is not listed by free_parameters"
        assert free[path].value == pytest.approx(getattr(section, field))
        assert free[path].unit == info.json_schema_extra["unit"]


@pytest.mark.parametrize("module", ALL, ids=lambda m: m.NAME)
def test_every_field_settable_and_bounded_via_set(module, scenario):
    """``--set parameters.<NAME>.<field>=v`` reaches the field, and out-of-bound values are refused."""
    sets, expected = [], {}
    for field, info in module.Params.model_fields.items():
        lo, hi = _bounds(info)
        current = getattr(getattr(scenario.parameters, module.NAME), field)
        new = lo + 0.37 * (hi - lo)
        if new == current:
            new = lo + 0.61 * (hi - lo)
        sets.append(f"parameters.{module.NAME}.{field}={new!r}")
        expected[field] = new
    changed = getattr(load_scenario("russia1917", sets=sets).parameters, module.NAME)
    for field, value in expected.items():
        assert getattr(changed, field) == pytest.approx(value), field
    field, info = next(iter(module.Params.model_fields.items()))
    hi = _bounds(info)[1]
    with pytest.raises(ScenarioError):
        load_scenario("russia1917", sets=[f"parameters.{module.NAME}.{field}={hi + abs(hi) + 1.0!r}"])
    with pytest.raises(ScenarioError):
        load_scenario("russia1917", sets=[f"parameters.{module.NAME}.no_such_parameter=1.0"])


def test_free_parameters_of_russia1917_are_complete(free):
    assert len(free) > 50
    bad = []
    for p in free.values():
        if p.lower is None or p.upper is None:
            bad.append(f"{p.path}: no bounds")
        elif not p.lower <= p.value <= p.upper:
            bad.append(f"{p.path}: {p.value} outside [{p.lower}, {p.upper}]")
        if not p.unit.strip():
            bad.append(f"{p.path}: no unit")
        if not p.source.strip():
            bad.append(f"{p.path}: no source")
        if not p.description.strip():
            bad.append(f"{p.path}: no description")
    assert bad == [], "\n".join(bad)


# -- every declared parameter is read somewhere ----------------------------------------------
# Every source file of the package; a declaration line (``name: float = param(...)``) has no
# leading dot, so ``.name`` only matches a read such as ``s.parameters.war.offensive_tail_days``.
_SOURCE_TEXT = "\n".join(p.read_text() for p in SRC.rglob("*.py") if p.name != "contract.py")
# Known dead parameters, "mechanism.field": "why" (each an xfail that must be fixed, not kept).
_UNUSED: dict[str, str] = {}


def _mechanism_fields():
    for m in ALL:
        for f in m.Params.model_fields:
            key = f"{m.NAME}.{f}"
            marks = [pytest.mark.xfail(reason=_UNUSED[key], strict=True)] if key in _UNUSED else []
            yield pytest.param(m.NAME, f, id=key, marks=marks)


@pytest.mark.parametrize("mech,field", list(_mechanism_fields()))
def test_parameter_is_read_by_the_engine(mech, field):
    """A declared parameter nothing reads would silently do nothing in calibration and sweeps."""
    in_kernel = (mech, field) in step.THETA
    # read as an attribute outside the mechanism modules (e.g. s.parameters.war.offensive_tail_days)
    read = re.search(rf"\.{re.escape(field)}\b", _SOURCE_TEXT) is not None
    assert in_kernel or read, f"parameters.{mech}.{field} is declared but nothing in the engine reads it"


# -- the checker catches what it should ----------------------------------------------------------
class _BadParams(BaseModel):
    model_config = ConfigDict(frozen=True)  # extra fields allowed: a violation
    unbounded: float = Field(0.5, description="no bounds, no unit, no source")
    outside: float = param(2.0, 0.0, 1.0, "1", "default above its upper bound")
    undocumented: float = Field(0.5, ge=0.0, le=1.0)


def test_checker_reports_each_kind_of_violation():
    @njit
    def noisy(x):
        return x + np.random.random()

    def clean(x):
        return 2.0 * x

    def mutating(a):
        a[0] += 1.0
        return a.sum()

    bad = types.ModuleType("antaeus.mechanisms.bad")
    bad.NAME = "bad mechanism"
    bad.CITATION = "see the literature"
    bad.Params = _BadParams
    for f in (noisy, clean, mutating):
        getattr(f, "py_func", f).__module__ = bad.__name__
    bad.noisy, bad.clean, bad.mutating = noisy, clean, mutating
    v = "\n".join(check_mechanism(bad, {"mutating": (np.zeros(3),)}))
    for needle in ("no module docstring", "NAME 'bad mechanism' is not an identifier",
                   "names no author and year", "unknown fields are not forbidden", "accepts an unknown field",
                   "unbounded: missing bounds", "unbounded: no unit", "unbounded: no source",
                   "not declared with antaeus.params.param",
                   "outside: default 2.0 outside [0.0, 1.0]", "undocumented: no description",
                   "noisy: not deterministic", "mutating: changes its inputs"):
        assert needle in v, f"checker missed: {needle}\n{v}"
    assert "clean:" not in v


def test_checker_passes_a_good_module():
    def clean(x):
        return 2.0 * x

    class Params(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True)
        rate: float = param(0.1, 0.0, 1.0, "per day", "a rate")

    good = types.ModuleType("antaeus.mechanisms.good", "A good mechanism: doubles its input, as a test of the checker.")
    good.NAME = "good"
    good.CITATION = "Epstein (2002) PNAS 99"
    good.Params = Params
    clean.__module__ = good.__name__
    good.clean = clean
    assert check_mechanism(good) == []
