"""Observation: every historical election and congress, simulated at its date and constituency.

Observable ids are ``family:constituency:YYYY-MM-DD`` (Gregorian). Elections report party
shares among the electorate's supporters; congresses report delegate shares, built from the
regional soviets weighted by their delegations.
"""
from __future__ import annotations

import numpy as np

from ..mechanisms import soviets as soviet_rule
from ..scenario.schema import Event, Scenario
from .result import Observable

FAMILY = {"soviet_congress": "soviet_congress", "municipal_election": "municipal",
          "constituent_assembly": "constituent_assembly"}


def _shares(parties, counts) -> dict[str, float]:
    total = float(counts.sum())
    return {p: (float(c) / total if total else 0.0) for p, c in zip(parties, counts)}


def observe(event: Event, s: Scenario, support: np.ndarray, soviets: np.ndarray,
            delegates: np.ndarray, parties: list[str], regions: list[str], groups: list[str]) -> list[Observable]:
    """Observables of one observation event; ``support`` is people by [R,G,P] on the day."""
    family = FAMILY[event.kind]
    date = event.date
    electorate = [groups.index(g) for g in event.electorate] if event.electorate else list(range(len(groups)))
    by_region = support[:, electorate, :].sum(axis=1)  # [R,P]
    observed = event.observed if event.observed_on == date else None
    out = []

    def add(constituency, simulated, observed):
        out.append(Observable(f"{family}:{constituency}:{date.isoformat()}", family, constituency, date,
                              simulated, observed, event.observed_source if observed else None))

    if event.kind == "soviet_congress":
        shares = soviet_rule.congress(soviets, delegates)
        add("all_russia", dict(zip(parties, map(float, shares))), observed)
    elif event.kind == "municipal_election":
        for r in event.regions or []:
            add(r, _shares(parties, by_region[regions.index(r)]), observed)
    else:  # constituent_assembly: the nation, every region, every front and fleet
        add("national", _shares(parties, by_region.sum(axis=0)), observed)
        for ri, r in enumerate(regions):
            add(r, _shares(parties, by_region[ri]), None)
    return out
