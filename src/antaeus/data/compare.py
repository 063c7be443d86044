"""Observed against simulated: each observation of the record beside the same quantity of a run.

The mapping lives in ``mapping.toml`` so that every choice (which parties a source's grouping
stands for, which total a seat count is a share of, what stands in where the model has no
counterpart) is written down once and can be argued with. Simulated values come only from the
public :class:`~antaeus.engine.result.Result`; where a run lacks the quantity (an overlay
moved the election, the run ended earlier, the model has no such thing) ``simulated`` is None
and ``note`` says why, rather than a number that would mislead a fit.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import numpy as np

from antaeus.engine.result import Result
from antaeus.mechanisms import soviets as soviet_rule

from .record import JULIAN_LAG, Observation, observations, spec_for

#: record units that are counts of a body and become shares of its total
COUNT_UNITS = ("seats", "delegates", "deputies", "votes")


@dataclass(frozen=True)
class Comparison:
    """One compared quantity. ``unit`` is "share" (a fraction) or a count (members, people)."""

    id: str
    version: str
    category: str
    observed: float | None
    simulated: float | None
    unit: str
    target: bool
    note: str = ""

    @property
    def error(self) -> float | None:
        """Shares: simulated - observed (fraction points). Counts: log(simulated / observed),
        since counts that span orders of magnitude are wrong by factors, not by amounts."""
        if self.observed is None or self.simulated is None:
            return None
        if self.unit == "share":
            return self.simulated - self.observed
        if self.observed > 0 and self.simulated > 0:
            return math.log(self.simulated / self.observed)
        return None


def compare(result: Result, observation: Observation, mapping: dict | None = None,
            record: list[Observation] | None = None) -> list[Comparison]:
    """The comparisons of one observation with one run (one per category); ``record``: the
    observations an observation may refer to (by default the record's files as they stand now)."""
    spec = spec_for(observation, mapping)
    method = spec.get("method", "none")
    if method == "shares":
        return _shares(result, observation, spec)
    if method in ("monthly_onsets", "monthly_activity"):
        series = result.onsets if method == "monthly_onsets" else result.active
        return [_monthly(result, observation, spec, series)]
    if method in ("members", "active", "period_onsets"):
        return [_count(result, observation, spec, method)]
    if method == "first_power":
        return [_first_power(result, observation, spec)]
    if method == "voters":
        return [_voters(result, observation, spec, record)]
    if method == "deserters":
        return [_deserters(result, observation, spec)]
    return _none(observation, spec.get("reason", "no simulated counterpart"))


def compare_all(result: Result, in_use_only: bool = True,
                record: list[Observation] | None = None) -> list[Comparison]:
    """Every observation of the record (by default the versions in use, as the files stand now;
    or the given observations, such as the record a calibration started with) against one run."""
    record = observations(in_use_only) if record is None else record
    return [c for o in record for c in compare(result, o, record=record)]


# ------------------------------------------------------------------------- methods


def _make(o: Observation, category: str, observed, simulated, unit: str, note: str = "") -> Comparison:
    return Comparison(o.id, o.version, category, observed, simulated, unit, o.target, note)


def _none(o: Observation, reason: str) -> list[Comparison]:
    return [_make(o, g, v, None, o.unit, reason) for g, v in o.values.items()]


def observable_of(o: Observation, spec: dict) -> str | None:
    """The simulated observable whose shares alone give ``o``'s groupings (:func:`grouped`), or
    None where the comparison needs more of a run (a faction's seats, a day's support)."""
    if spec.get("method") != "shares" or spec.get("from", "observable") != "observable" or "faction" in spec:
        return None
    return spec.get("observable", o.id)


def _shares(result: Result, o: Observation, spec: dict) -> list[Comparison]:
    return grouped(o, spec, *_simulated_shares(result, o, spec))


def grouped(o: Observation, spec: dict, simulated: dict[str, float] | None, note: str = "") -> list[Comparison]:
    """``o`` against one run's shares by party (``simulated``; None where the run has none, and
    ``note`` says why), grouped as the record groups them (``spec``: its mapping)."""
    values = o.values
    exclude = sum(values.get(g, 0.0) for g in spec.get("exclude", []))
    if "denominator" in spec:
        present = [g for g in spec["denominator"] if g in values]
        denom = sum(values[g] for g in present) if len(present) == len(spec["denominator"]) else None
    elif o.unit in COUNT_UNITS:
        denom = o.total - exclude if o.total else None
    else:  # already shares (of the valid vote, of delegates)
        denom = 1.0 - exclude
    if denom is not None and denom <= 0:
        denom = None
    model_denom = None
    if simulated is not None:
        model_denom = sum(simulated.get(p, 0.0) for p in spec.get("denominator_model", simulated))
        if model_denom <= 0:
            simulated, note = None, "the simulated denominator is empty"

    out = []
    for cat in spec["categories"]:
        present = [g for g in cat["record"] if g in values]
        observed = sum(values[g] for g in present) / denom if present and denom else None
        sim = sum(simulated.get(p, 0.0) for p in cat["model"]) / model_denom if simulated is not None else None
        out.append(_make(o, cat["name"], observed, sim, "share", note if sim is None else ""))
    if spec.get("remainder"):
        named = [c.observed for c in out]
        observed = 1.0 - sum(named) if all(v is not None for v in named) else None
        sim = 1.0 - sum(c.simulated for c in out) if simulated is not None else None
        out.append(_make(o, spec["remainder"], observed, sim, "share", note if sim is None else ""))
    return out


def _simulated_shares(result: Result, o: Observation, spec: dict) -> tuple[dict[str, float] | None, str]:
    source = spec.get("from", "observable")
    if source == "observable":
        wanted = spec.get("observable", o.id)
        found = next((x for x in result.observables if x.id == wanted), None)
        if found is None:
            return None, f"no simulated observable {wanted} in this run (moved by an overlay, or outside the run)"
        shares = dict(found.simulated)
        if "faction" in spec:  # the party's delegates split as its supporters among the electing groups
            _seat_faction(result, shares, result.day_index(found.date), spec["faction"])
        return shares, ""
    d, note = _day(result, o, spec)
    if d is None:
        return None, note
    if source == "group_support":
        if spec.get("in_constituency"):  # one city's people: its soviet's section of that group
            if o.constituency not in result.regions:
                return None, f"no region {o.constituency} in this run"
            rows = [result.regions.index(o.constituency)]
        else:
            left_out = spec.get("exclude_regions", [])
            rows = [i for i, r in enumerate(result.regions) if r not in left_out]
        by_region = _group_counts(result, slice(d, d + 1), rows, spec)[0]
        counts = by_region.sum(axis=0)
        if "renewed" in spec:
            counts, note = _with_renewed(result, d, rows, spec, counts)
            if counts is None:
                return None, note
    elif source == "soviet":
        if o.constituency not in result.regions:
            return None, f"no region {o.constituency} in this run"
        region = result.regions.index(o.constituency)
        if "faction" in spec:  # the party's deputies split as its supporters among the city's electors lean
            counts = seat_faction(result, result.soviets[[d]], [d], spec["faction"])[0, region]
        else:
            counts = result.soviets[d, region, :]
    else:
        raise ValueError(f"mapping.toml: unknown share source '{source}' for {o.id}")
    total = float(np.sum(counts))
    if total <= 0:
        return None, "nobody to count on that day"
    return {p: float(c) / total for p, c in zip(result.parties, counts)}, ""


def _group_counts(result: Result, days: slice, rows: list[int], spec: dict) -> np.ndarray:
    """Supporters of each party in ``spec["group"]`` (or in all of ``spec["groups"]``) [days,
    len(rows), P], region by region; a faction's followers still inside the party count with the
    faction (``spec["faction"]``)."""
    g = _present(result, spec["groups"]) if "groups" in spec else [result.groups.index(spec["group"])]
    counts = np.array(result.support[days][:, rows][:, :, g, :].sum(axis=2), np.float64)
    if "faction" in spec:
        moved = result.leaning[days][:, rows][:, :, g].sum(axis=2)
        counts[..., result.parties.index(spec["faction"]["of"])] -= moved
        counts[..., result.parties.index(spec["faction"]["as"])] += moved
    return counts


def _with_renewed(result: Result, d: int, rows: list[int], spec: dict,
                  current: np.ndarray) -> tuple[np.ndarray | None, str]:
    """A congress whose delegates came partly from standing soviets of the group: a share
    ``spec["renewed"]["share"]`` of its seats is chosen by soviets renewed piecemeal at the pace
    of the parameter ``spec["renewed"]["pace"]`` (days; soviets.reelect, from the group's
    support on the run's first day), one per region, weighted by the region's supporters on the
    day; the rest follows the group's support on the day (``current`` [P]). Returns party
    counts on the current total's scale."""
    renewed = spec["renewed"]
    pace = result.parameters.get(renewed["pace"])
    if pace is None:
        return None, f"the run has no parameter {renewed['pace']}, the pace of the soviets that sent delegates"
    series = _group_counts(result, slice(0, d + 1), rows, spec)
    totals = series.sum(axis=-1, keepdims=True)
    soviets = np.divide(series[0], totals[0], out=np.zeros_like(series[0]), where=totals[0] > 0)
    interval = np.full(len(rows), float(pace))
    for day in range(1, d + 1):
        soviets = soviet_rule.reelect(soviets, series[day], interval)
    total = float(current.sum())
    weight = totals[d, :, 0] / max(total, 1e-300)
    chosen = (soviets * weight[:, None]).sum(axis=0) * total
    return (1.0 - renewed["share"]) * current + renewed["share"] * chosen, ""


def _present(result: Result, groups: list[str]) -> list[int]:
    """The indices of ``groups`` in the run; groups the run does not have are left out."""
    return [result.groups.index(x) for x in groups if x in result.groups]


def _faction_counts(result: Result, days, groups: list[str], party: str) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``days`` (indices) and region [len(days), R]: the supporters of ``party`` among
    ``groups`` who lean to its splitting faction (``result.leaning``), and all its supporters
    there; groups the run does not have are left out."""
    g = _present(result, groups)
    days = np.asarray(days)
    leaning = result.leaning[days][..., g].sum(axis=-1)
    supporters = result.support[days][..., g, result.parties.index(party)].sum(axis=-1)
    return leaning, supporters


def seat_faction(result: Result, seats: np.ndarray, days, faction: dict) -> np.ndarray:
    """``seats`` [len(days), R, P] (a soviet's deputies or shares, region by region) with a
    faction seated: in each region ``faction["of"]``'s seats split as its supporters among
    ``faction["groups"]`` there lean to ``faction["as"]`` (result.leaning); a copy."""
    leaning, supporters = _faction_counts(result, days, faction["groups"], faction["of"])
    parent, child = result.parties.index(faction["of"]), result.parties.index(faction["as"])
    out = np.array(seats, np.float64)
    moved = np.divide(out[..., parent] * leaning, supporters, out=np.zeros_like(leaning), where=supporters > 0)
    out[..., parent] -= moved
    out[..., child] += moved
    return out


def _seat_faction(result: Result, seats: dict[str, float], d: int, faction: dict) -> None:
    """Move a faction's seats from its party in ``seats`` (party -> a nationwide body's shares):
    the party's seats are split as its supporters among ``faction["groups"]`` (the soviets'
    electors) in every region lean to ``faction["as"]`` on day ``d`` (result.leaning)."""
    leaning, supporters = _faction_counts(result, [d], faction["groups"], faction["of"])
    supporters = float(supporters[0].sum())
    if supporters > 0:
        moved = seats[faction["of"]] * float(leaning[0].sum()) / supporters
        seats[faction["of"]] -= moved
        seats[faction["as"]] += moved


def _count(result: Result, o: Observation, spec: dict, method: str) -> Comparison:
    """A count: members on a day, people active on a day, or people newly active over a period.
    A period's onsets may be counted in ``units`` that act as one (a village commune whose
    people begin a land seizure together is one incident): the group's people are shared out
    over that many units, so a unit holds the group's people over ``units``."""
    observed = sum(o.values.values())
    category = " + ".join(o.values)
    unit = "members" if method == "members" else spec.get("unit", "people")

    def missing(note: str) -> Comparison:
        return _make(o, category, observed, None, unit, note)

    if method == "members":
        parties = spec.get("parties", {}).get(o.constituency)
        if parties is None:
            return missing(spec.get("reason", f"no model party for {o.constituency}"))
        d, note = _day(result, o, spec)
        if d is None:
            return missing(note)
        members = sum(result.membership[d, result.parties.index(p)] for p in parties)
        return _make(o, category, observed, float(members), unit)

    groups = _activity_groups(result, spec["activity"])
    regions = _regions(result, o, spec)
    if regions is None:
        return missing(f"no region {o.constituency} in this run")
    if method == "active":
        if o.date_end is not None:
            return missing("a period's total of participants has no daily counterpart")
        d, note = _day(result, o, spec)
        if d is None:
            return missing(note)
        return _make(o, category, observed, float(result.active[d][np.ix_(regions, groups)].sum()), unit)
    # period_onsets
    if o.date_end is None:
        return missing("a count at one date, not over a period, has no onset counterpart")
    span = _span(result, o.date, o.date_end)
    if span is None:
        return missing(f"the period {o.date}..{o.date_end} is not wholly inside the run")
    people = float(result.onsets[span][:, regions][:, :, groups].sum())
    if "units" not in spec:
        return _make(o, category, observed, people, unit)
    population = float(result.support[0][np.ix_(regions, groups)].sum())
    if population <= 0:
        return missing(f"no people of the {spec['activity']} groups in {o.constituency}")
    return _make(o, category, observed, people * float(spec["units"]) / population, unit)


def _deserters(result: Result, o: Observation, spec: dict) -> Comparison:
    """The soldiers who left for home over a period (the run's ``deserters``, by day and region,
    :mod:`antaeus.mechanisms.desertion`), in the regions the observation counts over."""
    category = " + ".join(o.values)
    observed = sum(o.values.values())

    def missing(note: str) -> Comparison:
        return _make(o, category, observed, None, "people", note)

    if result.deserters is None:
        return missing("the run counted no deserters")
    if o.date_end is None:
        return missing("a count at one date, not over a period, has no counterpart among the men who left")
    span = _span(result, o.date, o.date_end)
    if span is None:
        return missing(f"the period {o.date}..{o.date_end} is not wholly inside the run")
    regions = _regions(result, o, spec)
    if regions is None:
        return missing(f"no region {o.constituency} in this run")
    return _make(o, category, observed, float(result.deserters[span][:, regions].sum()), "people")


def _first_power(result: Result, o: Observation, spec: dict) -> Comparison:
    """The day a holder whose name starts with ``holder`` first took power, as a share of the
    run's window, against the record's date on the same scale. A run in which it never comes
    counts it on the day after its end (censored: the run says only that it came later)."""
    category = " + ".join(o.values)
    start, end = result.dates[0], result.dates[-1]
    span = (end - start).days + 1
    if not start <= o.date <= end:
        return _make(o, category, None, None, "share", f"{o.date} lies outside the run")
    first = next((p.date for p in result.power_log if p.holder.startswith(spec["holder"])), None)
    note = "a share of the run's window"
    if first is None:
        first, note = end + dt.timedelta(days=1), "none in the run: counted on the day after its end"
    return _make(o, category, (o.date - start).days / span, (first - start).days / span, "share", note)


def _voters(result: Result, o: Observation, spec: dict, record: list[Observation] | None) -> Comparison:
    """Voters at a popular election: the record's voters at an earlier election of the
    same electorate (``base``, a record id, in the version in use) times the run's turnout at
    this election over its turnout at that one. Each election is the run's observable of the
    family ``election`` with the row's constituency and date. The model's turnout is the share
    of supporters expected at the polls, with no abstention but from alienation
    (``mechanisms.support.turnout``), so only its change between the two elections is the
    model's own, not its level."""
    observed = sum(o.values.values())
    category = " + ".join(o.values)
    base = next((b for b in (observations() if record is None else record) if b.id == spec["base"] and b.in_use),
                None)
    if base is None:
        return _make(o, category, observed, None, "voters", f"no base {spec['base']} in use in the record")
    runs = {x.id: x for x in result.observables}
    later, earlier = (runs.get(f"{spec['election']}:{x.constituency}:{x.date.isoformat()}") for x in (o, base))
    if later is None or earlier is None or later.turnout is None or not earlier.turnout:
        return _make(o, category, observed, None, "voters",
                     f"no turnout of the {spec['election']} elections of {base.date} and {o.date} in this run")
    voters = sum(base.values.values())
    return _make(o, category, observed, voters * later.turnout / earlier.turnout, "voters",
                 f"{base.id}'s {voters:,.0f} voters times the run's change of turnout")


def _monthly(result: Result, o: Observation, spec: dict, series) -> Comparison:
    """One month's share of a window's total: onsets (people newly active) or person-days active."""
    observed = sum(o.values.values()) / 100.0 if o.unit == "percent_of_period" else None
    category = " + ".join(o.values)
    first, last = (_os_month(label) for label in spec["window"])
    window = _span(result, first[0], last[1])
    own = _span(result, o.date, o.date_end or o.date)
    regions = _regions(result, o, spec)
    note = ""
    if window is None or own is None:
        note = f"the months {spec['window'][0]}..{spec['window'][1]} O.S. are not wholly inside the run"
    elif regions is None:
        note = f"no region {o.constituency} in this run"
    if note:
        return _make(o, category, observed, None, "share", note)
    groups = _activity_groups(result, spec["activity"])
    daily = series[:, regions][:, :, groups].sum(axis=(1, 2))
    total = float(daily[window].sum())
    if total <= 0:
        return _make(o, category, observed, None, "share", f"no {spec['activity']} activity in the window")
    return _make(o, category, observed, float(daily[own].sum()) / total, "share")


# ------------------------------------------------------------------------- helpers


def _day(result: Result, o: Observation, spec: dict) -> tuple[int | None, str]:
    """Index of the compared day: `on`, else the date (a period's start, middle or end)."""
    if "on" in spec:
        day = dt.date.fromisoformat(str(spec["on"]))
    elif o.date_end is None:
        day = o.date
    else:
        at = spec.get("at", "mid")
        day = {"start": o.date, "end": o.date_end,
               "mid": o.date + (o.date_end - o.date) / 2}[at]
    i = (day - result.dates[0]).days if result.dates else -1
    if not 0 <= i < len(result.dates):
        span = f"{result.dates[0]}..{result.dates[-1]}" if result.dates else "no days"
        return None, f"{day} is outside the run ({span})"
    return i, ""


def _span(result: Result, start: dt.date, end: dt.date) -> slice | None:
    """Day slice of [start, end] when the run covers all of it, else None."""
    if not result.dates or start < result.dates[0] or end > result.dates[-1]:
        return None
    i = (start - result.dates[0]).days
    return slice(i, i + (end - start).days + 1)


def _os_month(label: str) -> tuple[dt.date, dt.date]:
    """Gregorian first and last day of an O.S. month ("1917-09": 14 Sep - 13 Oct 1917)."""
    year, month = map(int, label.split("-"))
    return (dt.date(year, month, 1) + JULIAN_LAG,
            dt.date(year, month, calendar.monthrange(year, month)[1]) + JULIAN_LAG)


def _activity_groups(result: Result, activity: str) -> list[int]:
    return [i for i, g in enumerate(result.groups) if result.group_activity.get(g) == activity]


def _regions(result: Result, o: Observation, spec: dict) -> list[int] | None:
    """The run's regions an observation counts over: every region for all_russia, the regions
    the mapping names (``regions``) for a constituency that joins several, else its own."""
    if o.constituency == "all_russia":
        return list(range(len(result.regions)))
    if "regions" in spec:
        named = spec["regions"]
        return [result.regions.index(r) for r in named] if set(named) <= set(result.regions) else None
    return [result.regions.index(o.constituency)] if o.constituency in result.regions else None
