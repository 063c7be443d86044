"""Calibration targets as a flat vector of summary statistics.

The targets are the record's in-use observations flagged as targets (data1917.md §1, §2,
§3, §4a, §5a national, §6 and §8b); everything else is out of sample and never enters the
fit. Each comparison category of each observation becomes one statistic. Shares stay
shares; party membership is compared on a log10 scale so that a factor of two weighs the
same at 24,000 members as at 240,000.
"""
from __future__ import annotations

import math

from ..data.compare import compare_all
from ..data.record import Observation, observations
from ..engine.result import Result
from ..scenario import InputError, Scenario

MISSING = -1.0  # a target the run did not produce (e.g. the run ended early): far from any share


def key(comparison) -> str:
    return f"{comparison.id}|{comparison.category}"


def observation_of(target: str) -> str:
    """The observation id of a target key (``id|category``)."""
    return target.split("|", 1)[0]


def family_of(target: str) -> str:
    """The family of a target key (``soviet_congress`` of ``soviet_congress:all_russia:...|SR``)."""
    return target.split(":", 1)[0]


def is_membership(target: str) -> bool:
    """Membership targets are log10 counts (``scale``); every other target is a share."""
    return family_of(target) == "membership"


def scale(value: float | None, unit: str) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if unit == "members":
        return math.log10(max(float(value), 1.0))
    return float(value)


#: units the model produces; seat counts of a presidium, turnout or incident counts it does not
FITTED_UNITS = ("share", "members")


def target_comparisons(result: Result, record: list[Observation] | None = None) -> list:
    """Target comparisons the model can answer: a fitted unit, a simulated counterpart, and
    not the starting value itself (membership on the first day is an input, not an output)."""
    first = result.dates[0]
    return [c for c in compare_all(result, record=record)
            if c.target and c.unit in FITTED_UNITS and c.simulated is not None and c.observed is not None
            and not (c.unit == "members" and _on_or_before(c.id, first))]


def _on_or_before(observation_id: str, first) -> bool:
    stamp = observation_id.rsplit(":", 1)[-1]
    return len(stamp) == 10 and stamp <= first.isoformat()


def observed_statistics(result: Result, record: list[Observation] | None = None) -> dict[str, float]:
    """The record's values for every target this model answers (any run gives the same)."""
    return {key(c): scale(c.observed, c.unit) for c in target_comparisons(result, record)}


def simulated_statistics(result: Result, keys, record: list[Observation] | None = None) -> dict[str, float]:
    """The run's values for the given target keys; a target it did not produce is MISSING.
    ``record``: the observations to compare (by default the record's files as they stand now)."""
    found = {key(c): scale(c.simulated, c.unit) for c in compare_all(result, record=record) if c.target}
    return {k: found.get(k, MISSING) for k in keys}


def observation_weights(scenario: Scenario) -> dict[str, float]:
    """The fixed weights the scenario's ``[calibration.weights]`` gives target observations.

    Each must name a target observation of the record in use; any other name is an input
    error, raised before anything runs."""
    weights = scenario.calibration.weights if scenario.calibration is not None else {}
    known = {o.id for o in observations() if o.target}
    for oid in weights:
        if oid not in known:
            raise InputError(f"'{oid}' is not a target observation of the record",
                             source="calibration.weights",
                             hint="name a target's observation id (the targets are listed by 'antaeus check "
                                  "history'), or remove the weight")
    return dict(weights)


def distance_weights(weights: dict[str, float], keys) -> dict[str, float]:
    """Each target's fixed weight in the distance: its observation's weight, 1 otherwise."""
    return {k: float(weights.get(observation_of(k), 1.0)) for k in keys}
