"""What a run returns: plain tables and arrays, no engine internals.

Experiments, the store and the reports read a :class:`Result` and nothing else
(ARCHITECTURE.md, layer 4).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from antaeus.core.calendar import month_of


@dataclass(frozen=True)
class Observable:
    """One simulated election or congress, beside its historical value where one exists.

    ``id`` is ``family:constituency:YYYY-MM-DD`` (Gregorian). Shares are fractions of the
    valid vote (or of declared delegates for congresses) and sum to 1 over ``simulated``.
    ``turnout``: in a popular election, the share of the electorate's supporters who can be
    expected at the polls (``mechanisms.support.turnout``); None for a congress.
    """

    id: str
    family: str
    constituency: str
    date: dt.date
    simulated: dict[str, float]
    observed: dict[str, float] | None
    source: str | None = None
    turnout: float | None = None


@dataclass(frozen=True)
class PowerChange:
    date: dt.date
    holder: str
    route: str
    breadth: float  # national support share of the new holder's bloc on that day
    note: str = ""


class Decision(NamedTuple):
    """One strategic actor's reading of one day (statement 3: acting without certainty).

    A named tuple (immutable, read by name), as a run makes one for every actor every day."""

    date: dt.date
    actor: str
    action: str
    p_true: float
    p_perceived: float
    threshold: float
    acted: bool
    outcome: str  # "wait", "success", "failure"
    reason: str

    @property
    def helplessness_gap(self) -> float:
        return self.p_true - self.p_perceived


@dataclass
class Result:
    scenario: str
    seed: int
    agents: int
    dates: list[dt.date]
    parties: list[str]
    regions: list[str]
    groups: list[str]
    activities: list[str]
    #: people (not agents) supporting each party, by day, region, group, party: float64 [D,R,G,P]
    support: np.ndarray
    #: people active, by day, region, group: float64 [D,R,G]
    active: np.ndarray
    #: people newly active that day (onsets), by day, region, group: float64 [D,R,G]
    onsets: np.ndarray
    #: party members by day: float64 [D,P]
    membership: np.ndarray
    #: soviet composition by day, region, party (delegate shares): float64 [D,R,P]
    soviets: np.ndarray
    #: mean perceived legitimacy of the government by day and region: float64 [D,R]
    legitimacy: np.ndarray
    #: mean demand (peace, land, bread, power) by day and region: float64 [D,R,4]
    demands: np.ndarray
    #: expected supporters of a party that can split who belong to the splitting faction (each
    #: counts with the binary-logit chance of the faction over the party, on the platforms and on
    #: the two organisations' reach where the faction's standing is set), by day, region, group:
    #: float64 [D,R,G]
    leaning: np.ndarray
    observables: list[Observable]
    power_log: list[PowerChange]
    decisions: list[Decision]
    parameters: dict[str, float]
    group_activity: dict[str, str]
    runtime_s: float = 0.0
    calibrated: bool = False
    calibration_note: str = ""
    #: soldiers expected to leave for home, by day and region (mechanisms.desertion): float64
    #: [D,R]; None where a result was made without them
    deserters: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def days(self) -> int:
        return len(self.dates)

    def day_index(self, date: dt.date) -> int:
        i = (date - self.dates[0]).days
        if not 0 <= i < len(self.dates):
            raise IndexError(date)
        return i

    def support_shares(self, date: dt.date, region: str | None = None) -> dict[str, float]:
        """Party shares among all people of a region (or the whole country) on a date."""
        d = self.day_index(date)
        counts = self.support[d].sum(axis=1)  # [R,P]
        counts = counts.sum(axis=0) if region is None else counts[self.regions.index(region)]
        total = counts.sum()
        return {p: float(c / total) if total else 0.0 for p, c in zip(self.parties, counts)}

    def mobilisation_by_month(self) -> list[dict]:
        """People newly active (onsets) and person-days active, by activity kind and month."""
        rows: dict[tuple[str, str], list[float]] = {}
        kinds = [self.group_activity[g] for g in self.groups]
        for d, date in enumerate(self.dates):
            month = month_of(date)
            for gi, kind in enumerate(kinds):
                row = rows.setdefault((month, kind), [0.0, 0.0])
                row[0] += float(self.onsets[d, :, gi].sum())
                row[1] += float(self.active[d, :, gi].sum())
        return [{"month": m, "kind": k, "onsets": v[0], "person_days": v[1]}
                for (m, k), v in sorted(rows.items())]

    def helplessness(self) -> dict[str, np.ndarray]:
        """Daily helplessness gap (true minus perceived success) per strategic actor."""
        out: dict[str, list[float]] = {}
        for dec in self.decisions:
            out.setdefault(dec.actor, []).append(dec.helplessness_gap)
        return {a: np.asarray(v) for a, v in out.items()}
