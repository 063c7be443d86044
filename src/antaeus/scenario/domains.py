"""The domains of a scenario's fields: what a number, a name or a date may be.

Every value a scenario holds, from the built-in TOML, a user's file, an overlay, a patch or
``--set``, passes through :class:`~antaeus.scenario.schema.Scenario`, and these types say what
it may hold (docs/scenarios.md, "Domains and limits"):

- every number is finite (no ``nan`` or ``inf``);
- people are counted from zero to ``MAX_PEOPLE`` a group, and a region holds at least one person;
- shares lie in [0, 1], and a body's composition sums to 1;
- relative weights are at least zero, and some weight is positive;
- names are short, lowercase and safe in a file name (``[a-z0-9_-]``);
- a scenario spans at most ``MAX_SPAN_YEARS`` years, and every date it holds lies within
  ``DATE_MARGIN_DAYS`` of that span.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

NAME_PATTERN = r"^[a-z0-9_-]{1,64}$"
MAX_SPAN_YEARS = 5
DATE_MARGIN_DAYS = 366
#: the calendar gives every day its Julian date in this range (antaeus.core.calendar.julian)
FIRST_DATE, LAST_DATE = dt.date(1900, 3, 14), dt.date(2100, 3, 13)
MAX_PEOPLE = 1e10  # in one group of one region: more than the world's population
MAX_WEIGHT = 1e12  # a relative weight; far beyond any ratio a scenario needs, and its sums stay finite
SUM_TOLERANCE = 0.01  # a published composition's rounding: shares to a tenth of a percent, many parties


class FieldError(ValueError):
    """A value outside its domain, found by a check across fields: names the dotted field and a fix."""

    def __init__(self, field: str, problem: str, hint: str):
        self.field, self.problem, self.hint = field, problem, hint
        super().__init__(f"{field}: {problem}")


Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
People = Annotated[float, Field(ge=0, le=MAX_PEOPLE, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False)]


def _some_weight(weights: dict[str, float]) -> dict[str, float]:
    if weights and not math.fsum(weights.values()) > 0:
        raise ValueError("the weights are all zero; give at least one a positive weight")
    return weights


def _sums_to_one(shares: dict[str, float]) -> dict[str, float]:
    total = math.fsum(shares.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise ValueError(f"the shares sum to {total:.4g}, not 1; make them add up to 1")
    return shares


def _at_most_one(shares: dict[str, float]) -> dict[str, float]:
    total = math.fsum(shares.values())
    if total > 1.0 + SUM_TOLERANCE:
        raise ValueError(f"the shares sum to {total:.4g}, more than 1; shares of one body add up to 1 at most")
    return shares


def _someone(people: dict[str, float]) -> dict[str, float]:
    if not math.fsum(people.values()) >= 1:
        raise ValueError("a region must hold at least one person; give some group a population of 1 or more")
    return people


Weights = Annotated[dict[Name, Weight], AfterValidator(_some_weight)]
Composition = Annotated[dict[Name, Share], AfterValidator(_sums_to_one)]
PartialShares = Annotated[dict[Name, Share], AfterValidator(_at_most_one)]
Population = Annotated[dict[Name, People], AfterValidator(_someone)]


def check_span(start: dt.date, end: dt.date) -> None:
    """The scenario's own window: in order, in the calendar's range, at most a few years."""
    for field, day in (("scenario.start", start), ("scenario.end", end)):
        if not FIRST_DATE <= day <= LAST_DATE:
            raise FieldError(field, f"the date {day} is outside {FIRST_DATE} to {LAST_DATE}", "check the year")
    if end <= start:
        raise FieldError("scenario.end", f"{end} does not come after scenario.start ({start})",
                         "set scenario.end after scenario.start")
    if (end - start).days > MAX_SPAN_YEARS * 366:
        raise FieldError("scenario.end", f"the scenario spans {(end - start).days} days, more than "
                         f"{MAX_SPAN_YEARS} years", f"set scenario.end at most {MAX_SPAN_YEARS} years after "
                         f"scenario.start ({start})")


def check_date(field: str, day: dt.date, start: dt.date, end: dt.date) -> None:
    """A date the scenario holds lies within ``DATE_MARGIN_DAYS`` of its window."""
    margin = dt.timedelta(days=DATE_MARGIN_DAYS)
    if not start - margin <= day <= end + margin:
        raise FieldError(field, f"{day} lies more than a year outside the scenario's window {start} to {end}",
                         "check the year")
