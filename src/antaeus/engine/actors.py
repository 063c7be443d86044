"""Strategic actors: each day every party with a power action, and the army command, reads
the situation through its lens, compares the perceived chance with its certainty threshold,
and acts or waits. Attempts are resolved here with the same true probability that the
decision record reports (MODEL.md §3, steps 7-9).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..mechanisms import decisions as rule
from ..scenario.schema import Scenario
from ..core import rng
from .result import Decision
from .world import World

ACTION_OF_ARMY = "coup"


@dataclass
class Forces:
    """Today's aggregates in people, the inputs of every contest."""

    radical: np.ndarray   # [R,G,P] supporters of each party who back a transfer of power
    loyal: np.ndarray     # [R,G] quiet people who still grant the government legitimacy
    support: np.ndarray   # [R,G,P]
    leaning: float        # supporters of the split's parent who belong to the splitting faction (expected)
    memo: dict = field(default_factory=dict)  # forces already summed today (the same sum for every actor)


class Actors:
    def __init__(self, s: Scenario, w: World, seed: int):
        self.s, self.seed = s, seed
        self.capital_weight = np.array([s.regions[r].capital_weight for r in w.regions])
        self.capital = int(np.argmax(self.capital_weight))
        self.front = np.array([s.regions[r].setting == "front" for r in w.regions])
        self.armed = np.array([s.groups[g].armed for g in w.groups])
        self.moderates = [w.index(p) for p, spec in s.parties.items() if spec.moderate_bloc]
        self.ids = [p for p, spec in s.parties.items() if spec.action != "none"]
        if s.army_command.enabled:
            self.ids.append("army_command")

    # -- forces -------------------------------------------------------------------------
    def _force(self, people_rg: np.ndarray, regions_mask: np.ndarray | None = None) -> float:
        weight = self.capital_weight if regions_mask is None else self.capital_weight * regions_mask
        return float(np.einsum("r,g,rg->", weight, self.armed, people_rg))

    def _loyal(self, f: Forces, front_only: bool = False) -> float:
        key = ("loyal", front_only)
        if key not in f.memo:
            f.memo[key] = self._force(f.loyal, self.front if front_only else None)
        return f.memo[key]

    def _defence(self, f: Forces, w: World) -> float:
        return self._loyal(f) + self.s.army_command.loyal_reserve * w.loyal_reserve_factor

    def _radical(self, f: Forces, parties) -> float:
        key = ("radical", tuple(parties))
        if not key[1]:
            return 0.0
        if key not in f.memo:
            f.memo[key] = self._force(f.radical[:, :, list(key[1])].sum(axis=2))
        return f.memo[key]

    # -- the contest for each action ------------------------------------------------------
    def allies(self, w: World, p: int) -> list[int]:
        """The insurgent bloc: the party and every available party as radical on power."""
        return [q for q in range(len(w.parties))
                if q == p or (w.available[q] and w.platforms[q, 3] >= self.s.parameters.power.ally_power_cut
                              and q not in self.moderates)]

    def cooperation(self, w: World) -> float:
        """Base cooperation kept by a party that turned (Q1 of MODEL.md): 0 when none."""
        kept = [self.s.parties[p].base_cooperation for p in w.turned]
        return max(kept, default=0.0)

    def true_odds(self, actor: str, w: World, f: Forces) -> float:
        dp = self.s.parameters.decisions
        if actor == "army_command":
            attack = self._loyal(f, front_only=True) + self.s.army_command.loyal_reserve * w.loyal_reserve_factor
            return rule.true_log_odds(attack, self._radical(f, range(len(w.parties))), None, dp)
        p = w.index(actor)
        spec = self.s.parties[actor]
        if spec.action == "insurrection":
            bloc = self.allies(w, p)
            force = self._radical(f, bloc) + self.cooperation(w) * self._radical(f, self.moderates)
            return rule.true_log_odds(force, self._defence(f, w), float(w.soviets[self.capital, bloc].sum()), dp)
        if spec.action == "soviet_power":
            force = self._radical(f, range(len(w.parties)))
            share = float(w.soviets[self.capital, self.moderates].sum())
            return rule.true_log_odds(force, self._defence(f, w), share, dp)
        # split: the faction's viability is the share of the parent's supporters closer to it
        parent = w.index(spec.split_from)
        base = float(f.support[:, :, parent].sum())
        v = min(max(f.leaning / base if base else 0.0, 1e-6), 1 - 1e-6)
        return dp.force_elasticity * np.log(v / (1 - v))

    def lens_of(self, actor: str, w: World):
        name = self.s.army_command.lens if actor == "army_command" else w.lens[w.index(actor)]
        lens = self.s.lenses[name]
        weight = lens.signal_weight
        if actor != "army_command" and w.index(actor) in self.moderates:
            weight += self.cooperation(w) * max(0.0, 1.0 - weight)  # shared reading at the base
        return name, lens.bias, weight, lens.noise

    def blocked(self, actor: str, w: World, day: int, date: dt.date) -> str | None:
        if w.holder == "imperial_government":
            return "no government to contest yet"
        spec = None if actor == "army_command" else self.s.parties[actor]
        contests_power = spec is None or spec.action != "split"
        if contests_power and day - w.last_change < self.s.parameters.power.consolidation_days:
            return "the new government is consolidating its hold"
        if w.cooldown.get(actor, -1) > day:
            return f"regrouping after a failed attempt (until day {w.cooldown[actor]})"
        if actor == "army_command":
            if date < self.s.army_command.active_from:
                return "the command may not move before its appointment"
            return "the army already rules" if w.holder == "military_government" else None
        spec = self.s.parties[actor]
        p = w.index(actor)
        if spec.action == "split":
            if w.available[p]:
                return "already split"
            if spec.split_after == "soviet_power" and not w.holder.startswith("soviet_government"):
                return "the party holds together until the soviets take power"
            return None
        if not w.available[p]:
            return "not an independent party"
        if w.holder.startswith("soviet_government") and actor in w.ruling:
            return "already in power"
        if spec.action == "soviet_power" and w.holder.startswith("soviet_government"):
            return "the soviets already rule"
        if spec.action == "insurrection" and self.s.lenses[w.lens[p]].majority_first:
            share = float(w.soviets[self.capital, self.allies(w, p)].sum())
            if share < 0.5:
                return f"a minority ({share:.0%}) in the capital's soviet: patiently explain first ({w.lens[p]} lens)"
        return None

    # -- one day --------------------------------------------------------------------------
    def decide(self, w: World, f: Forces, day: int, date: dt.date, log_power, apply_outcome) -> list[Decision]:
        out = []
        changed = False
        for a_index, actor in enumerate(self.ids):
            spec = None if actor == "army_command" else self.s.parties[actor]
            action = ACTION_OF_ARMY if spec is None else spec.action
            threshold = self.s.army_command.certainty_threshold if spec is None else spec.certainty_threshold
            odds = self.true_odds(actor, w, f)
            p_true = rule.logistic(odds)
            lens, bias, weight, noise = self.lens_of(actor, w)
            draw = rng.normal(self.seed, rng.STREAM_PERCEPTION, day, a_index, 0)
            p_seen = rule.logistic(rule.perceive(odds, bias, weight, noise, draw))
            why = self.blocked(actor, w, day, date)
            if why is None and changed:
                why = "power changed hands earlier today"
            acted = why is None and p_seen >= threshold
            outcome = "wait"
            if why is not None:
                reason = f"cannot act: {why}"
            elif not acted:
                reason = f"waits: perceived {p_seen:.2f} below threshold {threshold:.2f} ({lens} lens)"
            else:
                success = rng.uniform(self.seed, rng.STREAM_RESOLUTION, day, a_index, 0) < p_true
                outcome = "success" if success else "failure"
                reason = f"acts: perceived {p_seen:.2f} reaches threshold {threshold:.2f} ({lens} lens)"
                apply_outcome(actor, action, success)
                changed = changed or (success and action != "split")
            out.append(Decision(date, actor, action, p_true, p_seen, threshold, acted, outcome, reason))
        return out
