"""The small, aggregate side of the state: government, parties, soviets, power.

Everything here is O(regions x parties), updated once a day in Python; the per-person
state lives in :mod:`antaeus.engine.population`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..scenario.schema import Scenario


#: who holds power when a run begins, until an event of kind ``government_formed``
OLD_REGIME = "imperial_government"


@dataclass
class World:
    parties: list[str]
    regions: list[str]
    groups: list[str]
    platforms: np.ndarray           # [P,4] current platforms
    available: np.ndarray           # [P] bool
    lens: list[str]                 # [P] current lens of each party
    base_reach: np.ndarray          # [P,R]
    members: np.ndarray             # [P] people
    policy: np.ndarray              # [4] policy of the government in power
    repression: np.ndarray          # [R] repressive capacity
    soviets: np.ndarray             # [R,P] delegate shares
    holder: str = OLD_REGIME
    ruling: tuple[str, ...] = ()    # parties of the ruling bloc, when a party bloc rules
    offensive: tuple[int, int, float] | None = None  # start day, end day, magnitude
    offensive_deadline: int | None = None            # day by which allies expect an offensive
    offensive_launched: bool = False
    land_relief: float = 0.0        # share of land hunger removed by reform
    war_relief: float = 0.0         # share of war burden removed by peace
    grain_loss: float = 0.0         # bread shortfall added by lost territory
    loyal_reserve_factor: float = 1.0
    cooldown: dict[str, int] = field(default_factory=dict)
    press_closed: dict[str, int] = field(default_factory=dict)  # party -> the day its press reopens
    crowd_quiet_until: int = -1     # the capital's crowd rises on its own again from this day (a failed rising)
    last_change: int = -10_000      # day of the last change of power
    turned: set[str] = field(default_factory=set)

    @classmethod
    def initial(cls, s: Scenario) -> "World":
        parties, regions = list(s.parties), list(s.regions)
        platforms = np.array([s.parties[p].platform.as_tuple() for p in parties], np.float64)
        base_reach = np.array([[s.parties[p].reach.get(r, s.parties[p].reach_default) for r in regions]
                               for p in parties], np.float64)
        comp = np.array([s.soviets.initial_composition.get(p, 0.0) for p in parties], np.float64)
        comp = np.tile(comp / comp.sum(), (len(regions), 1))
        return cls(parties, regions, list(s.groups), platforms,
                   np.array([s.parties[p].available for p in parties]),
                   [s.parties[p].lens for p in parties], base_reach,
                   np.array([s.parties[p].initial_members for p in parties], np.float64),
                   np.array(s.government.policy.as_tuple(), np.float64),
                   np.array([s.regions[r].repression for r in regions], np.float64), comp)

    def index(self, party: str) -> int:
        return self.parties.index(party)


def day_number(start: dt.date, date: dt.date) -> int:
    return (date - start).days
