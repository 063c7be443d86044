"""Observation: every historical election and congress, simulated at its date and constituency.

Observable ids are ``family:constituency:YYYY-MM-DD`` (Gregorian). Elections report party
shares among the votes the electorate's supporters cast (``mechanisms.support.turnout``: not
every supporter goes to the polls); congresses report delegate shares, built from the regional
soviets weighted by their delegations.
"""
from __future__ import annotations

import numpy as np

from ..mechanisms import soviets as soviet_rule
from ..scenario.schema import Event, Scenario, voters
from .result import Observable

FAMILY = {"soviet_congress": "soviet_congress", "municipal_election": "municipal",
          "constituent_assembly": "constituent_assembly"}
#: The elections in which every adult may vote at the polls (the others are the soviets' delegates).
POPULAR = frozenset({"municipal_election", "constituent_assembly"})


def _shares(parties, counts) -> dict[str, float]:
    total = float(counts.sum())
    return {p: (float(c) / total if total else 0.0) for p, c in zip(parties, counts)}


def national(by_region: np.ndarray, s: Scenario, regions: list[str], votes_cast: dict | None) -> np.ndarray:
    """A national result from the regions' votes ``by_region`` [R,P]: their sum, or, where
    the record counts the votes cast in the civilian and the army constituencies, each kind's
    shares weighted by its votes (soldiers voted apart and in other proportions than the
    civilians, whose turnout was about half: data1917 §5a)."""
    if votes_cast is None:
        return by_region.sum(axis=0)
    kind = np.array([voters(s.regions[r].setting) for r in regions])
    out = np.zeros(by_region.shape[1])
    for k, votes in votes_cast.items():
        people = by_region[kind == k].sum(axis=0)
        total = float(people.sum())
        if total > 0:
            out += votes * people / total
    return out


def observe(event: Event, s: Scenario, votes: np.ndarray, supporters: np.ndarray, soviets: np.ndarray,
            delegates: np.ndarray, parties: list[str], regions: list[str], groups: list[str]) -> list[Observable]:
    """Observables of one observation event. In a popular election ``votes`` [R,G,P] are the
    votes each party can expect (its supporters who go to the polls) and ``supporters`` [R,G,P]
    the people who support it; the shares are of the votes, and the turnout is the votes over
    the supporters."""
    family = FAMILY[event.kind]
    date = event.date
    electorate = [groups.index(g) for g in event.electorate] if event.electorate else list(range(len(groups)))
    by_region = votes[:, electorate, :].sum(axis=1)  # [R,P]
    people = supporters[:, electorate, :].sum(axis=(1, 2))  # [R]
    observed = event.observed if event.observed_on == date else None
    out = []

    def add(constituency, simulated, observed, turnout=None):
        out.append(Observable(f"{family}:{constituency}:{date.isoformat()}", family, constituency, date,
                              simulated, observed, event.observed_source if observed else None, turnout))

    def turnout(rows):
        total = people[rows].sum()
        return float(by_region[rows].sum() / total) if total > 0 else None

    if event.kind == "soviet_congress":
        shares = soviet_rule.congress(soviets, delegates)
        add("all_russia", dict(zip(parties, map(float, shares))), observed)
    elif event.kind == "municipal_election":
        for r in event.regions or []:
            ri = regions.index(r)
            add(r, _shares(parties, by_region[ri]), observed, turnout([ri]))
    else:  # constituent_assembly: the nation, every region, every front and fleet
        add("national", _shares(parties, national(by_region, s, regions, event.votes_cast)), observed,
            turnout(list(range(len(regions)))))
        for ri, r in enumerate(regions):
            add(r, _shares(parties, by_region[ri]), None, turnout([ri]))
    return out
