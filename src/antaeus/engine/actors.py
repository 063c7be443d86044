"""Strategic actors: each day every party with a power action, and the army command, reads
the situation through its lens, compares the perceived chance with its certainty threshold,
and acts or waits. Attempts are resolved here with the same true probability that the
decision record reports (MODEL.md §3, steps 7-9).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..mechanisms import assembly as assembly_rule
from ..mechanisms import congress as congress_rule
from ..mechanisms import coup as coup_rule
from ..mechanisms import decisions as rule
from ..mechanisms import power as power_rule
from ..mechanisms import rising as rising_rule
from ..mechanisms import soviets as soviet_rule
from ..scenario.schema import Scenario
from ..core import rng
from ..core import sums
from .result import Decision
from .world import OLD_REGIME, World, day_number

ACTION_OF_ARMY = "coup"
RISING = "rising_from_below"  # the actor named in the decision record of a rising from below


@dataclass
class Forces:
    """Today's aggregates in people, the inputs of every contest."""

    radical: np.ndarray   # [R,G,P] supporters of each party who back a transfer of power
    loyal: np.ndarray     # [R,G] quiet people who still grant the government legitimacy
    support: np.ndarray   # [R,G,P]
    leaning_cells: np.ndarray  # [R,G] supporters of the split's parent who belong to the splitting faction (expected)
    closer_cells: np.ndarray   # [R,G] the same on platform fit alone: the following the faction reads as its own
    active: np.ndarray    # [R,G] people in action today
    population: np.ndarray  # [R,G] people
    memo: dict = field(default_factory=dict)  # forces already summed today (the same sum for every actor)


class Actors:
    def __init__(self, s: Scenario, w: World, seed: int, delegates: np.ndarray):
        self.s, self.seed, self.delegates = s, seed, delegates
        self.capital_weight = np.array([s.regions[r].capital_weight for r in w.regions])
        self.capital = int(np.argmax(self.capital_weight))
        self.front = np.array([s.regions[r].setting == "front" for r in w.regions])
        self.armed = np.array([s.groups[g].armed for g in w.groups])
        self.moderates = [w.index(p) for p, spec in s.parties.items() if spec.moderate_bloc]
        self.socialists = [w.index(p) for p, spec in s.parties.items() if spec.action != "none"]  # the soviet parties
        self.workers = np.array([g.activity == "strike" for g in s.groups.values()])  # the railwaymen's side
        self.villagers = [k for k, g in enumerate(s.groups.values()) if g.locale == "village"]
        # the one faction whose supporters' leaning the kernel measures (engine.step)
        self.splitter = next((p for p, spec in s.parties.items() if spec.action == "split" and spec.split_from), None)
        self.congresses = tuple(sorted(day_number(s.scenario.start, e.date) for e in s.events.values()
                                       if e.kind == "soviet_congress" and e.enabled))
        self.ids = [p for p, spec in s.parties.items() if spec.action != "none"]
        if s.army_command.enabled:
            self.ids.append("army_command")
        # fixed for the run: read once instead of every day
        self.armed_weight = self.armed.astype(np.float64)
        self.front_weight = self.capital_weight * self.front
        self.ally_cut = s.parameters.power.ally_power_cut
        self.party_index = {p: i for i, p in enumerate(s.parties)}
        self.everyone = tuple(range(len(s.parties)))
        self.worker_index = np.flatnonzero(self.workers)
        self.lenses = {name: (lens.bias, lens.signal_weight, lens.noise) for name, lens in s.lenses.items()}
        self.consolidation_days = s.parameters.power.consolidation_days
        # a faction sits with the party whose lists it ran on (the Assembly, 7.11.4)
        self.list_of = np.array([self.party_index[spec.split_from] if spec.split_from else -1
                                 for spec in s.parties.values()], np.int64)
        self._indices: dict[tuple[int, ...], np.ndarray] = {}  # party lists as index arrays, made once
        self._eve = (-1, False)  # (day, whether it is a congress's eve)

    def _index(self, parties) -> np.ndarray:
        """A list of parties as an index array for the compiled sums (made once per list)."""
        key = tuple(parties)
        if key not in self._indices:
            self._indices[key] = np.array(key, np.int64)
        return self._indices[key]

    # -- forces -------------------------------------------------------------------------
    def _loyal(self, f: Forces, front_only: bool = False) -> float:
        key = ("loyal", front_only)
        if key not in f.memo:
            weight = self.front_weight if front_only else self.capital_weight
            f.memo[key] = _armed_force(weight, self.armed_weight, f.loyal[:, :, None], _ONE)
        return f.memo[key]

    def _defence(self, f: Forces, w: World) -> float:
        return self._loyal(f) + self.s.army_command.loyal_reserve * w.loyal_reserve_factor

    def _radical(self, f: Forces, parties) -> float:
        key = ("radical", tuple(parties))
        if not key[1]:
            return 0.0
        if key not in f.memo:
            f.memo[key] = _armed_force(self.capital_weight, self.armed_weight, f.radical, self._index(key[1]))
        return f.memo[key]

    def _soviet_camp(self, f: Forces) -> float:
        if "camp" not in f.memo:
            f.memo["camp"] = _armed_force(self.capital_weight, self.armed_weight, f.support,
                                          self._index(self.socialists))
        return f.memo["camp"]

    def _railway_backing(self, f: Forces) -> float:
        """Share of the workers who back a soviet party (the railwaymen are counted among them)."""
        return _worker_share(f.support, self.worker_index, self._index(self.socialists))

    # -- the contest for each action ------------------------------------------------------
    def allies(self, w: World, p: int) -> list[int]:
        """The insurgent bloc: the party and every available party as radical on power."""
        available, radical = w.available.tolist(), (w.platforms[:, 3] >= self.ally_cut).tolist()
        return [q for q in self.everyone if q == p or (available[q] and radical[q] and q not in self.moderates)]

    def _bloc(self, w: World, f: Forces, p: int) -> tuple[int, ...]:
        """:meth:`allies`, read once a day (until the world changes)."""
        key = ("bloc", p)
        if key not in f.memo:
            f.memo[key] = tuple(self.allies(w, p))
        return f.memo[key]

    def _capital_share(self, w: World, parties) -> float:
        """The listed parties' share of the capital's soviet."""
        return sums.picked(w.soviets[self.capital], self._index(parties))

    def insurgent_parties(self, w: World) -> list[int]:
        """Every party of an insurgent bloc: the insurrection parties and their allies."""
        out = set()
        for actor, spec in self.s.parties.items():
            if spec.action == "insurrection":
                out.update(self.allies(w, self.party_index[actor]))
        return sorted(out)

    def partners(self, w: World) -> list[int]:
        """The parties that cooperate at the base: every party that turned and kept some
        cooperation, with the moderate bloc (none while no party keeps any)."""
        if not w.turned:
            return []
        turned = [self.party_index[p] for p in w.turned if self.s.parties[p].base_cooperation > 0.0]
        return sorted(set(turned) | set(self.moderates)) if turned else []

    def cooperation(self, w: World) -> float:
        """Base cooperation kept by a party that turned (Q1 of MODEL.md): 0 when none."""
        if not w.turned:
            return 0.0
        kept = [self.s.parties[p].base_cooperation for p in w.turned]
        return max(kept, default=0.0)

    def on_eve(self, day: int) -> bool:
        """Whether a rising on ``day`` is done in the coming congress of soviets' name."""
        if self._eve[0] != day:
            self._eve = (day, congress_rule.on_eve(congress_rule.days_to(day, self.congresses),
                                                   self.s.parameters.congress))
        return self._eve[1]

    def insurrection_odds(self, w: World, f: Forces, p: int, eve: bool) -> float:
        """True log-odds of a rising of party ``p``'s bloc: at the party's call, or on a
        congress's eve in its name with its share of the delegates as legality (``congress``)."""
        params = self.s.parameters
        bloc = self._bloc(w, f, p)
        everyone = self._radical(f, self.everyone)
        force = congress_rule.rising_force(self._radical(f, bloc), everyone, eve, params.congress)
        if eve:
            share = sums.picked(soviet_rule.congress(w.soviets, self.delegates), self._index(bloc))
        else:
            force += self.cooperation(w) * self._radical(f, self.moderates)
            share = self._capital_share(w, bloc)
        return rule.true_log_odds(force, self._defence(f, w), share, params.decisions)

    def coup_odds(self, w: World, f: Forces) -> float:
        """True log-odds of the command's coup: the loyal front and reserve, less what the
        railwaymen hold up, against the radicals and part of the soviet camp, with the
        soviets' legality against it (``coup``)."""
        params = self.s.parameters
        attack = coup_rule.attack(self._loyal(f, front_only=True),
                                  self.s.army_command.loyal_reserve * w.loyal_reserve_factor,
                                  self._railway_backing(f), params.coup)
        defence = coup_rule.defence(self._radical(f, self.everyone), self._soviet_camp(f), params.coup)
        outside = 1.0 - self._capital_share(w, self.socialists)  # the coup's side of the soviet
        return rule.true_log_odds(attack, defence, outside, params.decisions)

    def true_odds(self, actor: str, w: World, f: Forces, day: int) -> float:
        dp = self.s.parameters.decisions
        if actor == "army_command":
            return self.coup_odds(w, f)
        p = self.party_index[actor]
        spec = self.s.parties[actor]
        if spec.action == "insurrection":
            eve = self.on_eve(day)
            return self.insurrection_odds(w, f, p, eve)
        if spec.action == "soviet_power":  # the same contest for every party that calls for it
            if "soviet_power" not in f.memo:
                share = self._capital_share(w, self.moderates)
                everyone = self._radical(f, self.everyone)
                f.memo["soviet_power"] = rule.true_log_odds(everyone, self._defence(f, w), share, dp)
            return f.memo["soviet_power"]
        # split: the faction's viability is the share of the parent's supporters its platform fits better
        parent = self.party_index[spec.split_from]
        base = sums.party_total(f.support, parent)
        v = min(max(float(f.closer_cells.sum()) / base if base else 0.0, 1e-6), 1 - 1e-6)
        return dp.force_elasticity * np.log(v / (1 - v))

    def lens_of(self, actor: str, w: World):
        """The actor's lens today: its name, bias, signal weight and noise."""
        if actor == "army_command":
            name = self.s.army_command.lens
            return (name, *self.lenses[name])
        p = self.party_index[actor]
        name = w.lens[p]
        bias, weight, noise = self.lenses[name]
        if p in self.moderates:
            weight += self.cooperation(w) * max(0.0, 1.0 - weight)  # shared reading at the base
        return name, bias, weight, noise

    def contested(self, actor: str, w: World, day: int) -> str | None:
        """Why power cannot be contested by ``actor`` today, whatever its reading (None: it can)."""
        if w.holder == OLD_REGIME:
            return "no government to contest yet"
        spec = None if actor == "army_command" else self.s.parties[actor]
        contests_power = spec is None or spec.action != "split"
        if contests_power and day - w.last_change < self.consolidation_days:
            return "the new government is consolidating its hold"
        if w.cooldown.get(actor, -1) > day:
            return f"regrouping after a failed attempt (until day {w.cooldown[actor]})"
        if spec is not None and spec.action != "split":
            if not w.available[self.party_index[actor]]:
                return "not an independent party"
            if w.holder.startswith("soviet_government") and actor in w.ruling:
                return "already in power"
        return None

    def blocked(self, actor: str, w: World, f: Forces, day: int, date: dt.date) -> str | None:
        why = self.contested(actor, w, day)
        if why is not None:
            return why
        if actor == "army_command":
            if date < self.s.army_command.active_from:
                return "the command may not move before its appointment"
            return "the army already rules" if w.holder == "military_government" else None
        spec = self.s.parties[actor]
        p = self.party_index[actor]
        if spec.action == "split":
            if w.available[p]:
                return "already split"
            if spec.split_after == "soviet_power" and not w.holder.startswith("soviet_government"):
                return "the party holds together until the soviets take power"
            return None
        if spec.action == "soviet_power" and w.holder.startswith("soviet_government"):
            return "the soviets already rule"
        if spec.action == "insurrection" and self.s.lenses[w.lens[p]].majority_first:
            share = self._capital_share(w, self._bloc(w, f, p))
            if share < 0.5:
                return f"a minority ({share:.0%}) in the capital's soviet: patiently explain first ({w.lens[p]} lens)"
        return None

    def waits_for_congress(self, actor: str, w: World, f: Forces, day: int, odds: float) -> str | None:
        """Why an insurgent bloc holds back for a coming congress of soviets (None: it does not)."""
        spec = self.s.parties.get(actor)
        if spec is None or spec.action != "insurrection":
            return None
        cp = self.s.parameters.congress
        days_left = congress_rule.days_to(day, self.congresses)
        on_eve = self.insurrection_odds(w, f, self.party_index[actor], True)
        if not congress_rule.worth_waiting(days_left, odds, on_eve, cp):
            return None
        return f"waits for the congress of soviets in {days_left} days, where its odds are better"

    def rising_from_below(self, w: World, f: Forces, day: int, date: dt.date, apply_outcome) -> list[Decision]:
        """The capital's crowd rises for soviet power on its own when enough armed people are
        out and the insurgent party did not act (``rising``); resolved with the bloc's true odds.
        Once the bloc holds the capital's soviet, the crowd waits for the soviet's call (in
        October the garrison moved at the Military Revolutionary Committee's order; Rabinowitch
        1976, ch. 12-13); after a failed rising it stays quiet for ``rising.lesson_days``."""
        if w.holder.startswith("soviet_government") or day < w.crowd_quiet_until:
            return []  # the soviets rule, or the crowd learned its lesson from a failed rising
        rp = self.s.parameters.rising
        c = self.capital
        crowd = rising_rule.crowd(f.active[c], f.radical[c].sum(axis=1), f.population[c], self.armed)
        if crowd < rp.crowd_cut:
            return []
        out = []
        for k, actor in enumerate(self.ids):
            spec = self.s.parties.get(actor)
            if spec is None or spec.action != "insurrection" or self.contested(actor, w, day) is not None:
                continue
            p = self.party_index[actor]
            if self._capital_share(w, self._bloc(w, f, p)) >= 0.5:
                continue  # with the soviet's majority the crowd waits for the soviet's call
            eve = self.on_eve(day)
            p_true = rule.logistic(self.insurrection_odds(w, f, p, eve))
            success = rng.uniform(self.seed, rng.STREAM_RESOLUTION, day, len(self.ids) + k, 0) < p_true
            apply_outcome(actor, "rising", success, p_true, eve)
            reason = (f"{crowd:.0%} of the capital's armed people are out for soviet power, reaching the cut of "
                      f"{rp.crowd_cut:.0%}; the {actor} are carried along")
            out.append(Decision(date, RISING, "rising", p_true, crowd, rp.crowd_cut, True,
                                "success" if success else "failure", reason))
            break  # one rising a day
        return out

    def assembly_session(self, w: World, f: Forces, day: int, date: dt.date, seats: np.ndarray,
                         apply_settlement) -> Decision:
        """The Constituent Assembly meets with ``seats`` (its election's shares [P]): the
        government in power is endorsed, hands power over, or disperses it with the true odds
        of the contest (``assembly``); ``apply_settlement(actor, settlement)`` applies a change
        of power. The decision record says which: action ``assembly`` with outcome ``endorsed``
        or ``hands_over``, or action ``dispersal`` with ``success`` or ``failure``."""
        params = self.s.parameters
        seats = assembly_rule.joint_lists(seats, self.list_of)
        ruling = [w.index(p) for p in w.ruling]
        held = float(seats[ruling].sum()) if ruling else 0.0
        actor = w.holder.split(":", 1)[0]
        handover = assembly_rule.assembly_government(w.parties, seats, w.platforms)
        response = assembly_rule.response(w.holder, bool(w.ruling) and w.ruling[0] in handover.ruling)
        if response == assembly_rule.ENDORSED:
            return Decision(date, actor, "assembly", 1.0, 1.0, 0.5, True, assembly_rule.ENDORSED,
                            f"the Assembly's majority ({'+'.join(handover.ruling)}) backs the government")
        if response == assembly_rule.HANDS_OVER:
            apply_settlement(actor, handover)
            return Decision(date, actor, "assembly", 1.0, 1.0, 0.5, True, assembly_rule.HANDS_OVER,
                            "the Provisional Government hands power to the Assembly's government")
        majority = self._index([w.index(p) for p in handover.ruling])
        defence = _armed_force(self.capital_weight, self.armed_weight, f.support, majority)
        force = (self._defence(f, w) if not ruling else
                 _armed_force(self.capital_weight, self.armed_weight, f.support, self._index(ruling)))
        p_true = rule.logistic(assembly_rule.dispersal_log_odds(force, defence, held, params.decisions.force_elasticity,
                                                                params.assembly))
        success = rng.uniform(self.seed, rng.STREAM_RESOLUTION, day, 2 * len(self.ids), 0) < p_true
        if not success:
            apply_settlement(actor, handover)
        return Decision(date, actor, "dispersal", p_true, p_true, 0.0, True, "success" if success else "failure",
                        f"the government holds {held:.0%} of the Assembly's seats and disperses it")

    def coalition_entries(self, w: World, f: Forces, day: int, date: dt.date, admit) -> list[Decision]:
        """A soviet government that has consolidated its hold takes in each faction that split
        off since and qualifies (:func:`antaeus.mechanisms.power.joins_government`);
        ``admit(party)`` applies an entry. The faction's villagers are its own village
        supporters and those of the parent who lean to it (``Forces.leaning_cells``), as the
        peasants' congresses seated them; the parent keeps the rest. The decision record says
        action ``coalition``, outcome ``joins``, with the faction's share of the two."""
        if not w.holder.startswith("soviet_government") or day - w.last_change < self.consolidation_days:
            return []
        out = []
        for name, spec in self.s.parties.items():
            q = self.party_index[name]
            if spec.split_from is None or not w.available[q] or name in w.ruling or q in self.moderates:
                continue
            parent = self.party_index[spec.split_from]
            leaning = float(f.leaning_cells[:, self.villagers].sum()) if name == self.splitter else 0.0
            faction = float(f.support[:, self.villagers, q].sum()) + leaning
            left = float(f.support[:, self.villagers, parent].sum()) - leaning
            if power_rule.joins_government(w.platforms[q, 3] >= self.ally_cut, faction, left):
                admit(name)
                share = faction / (faction + left)
                out.append(Decision(date, name, "coalition", 1.0, share, 0.5, True, "joins",
                                    f"holds {share:.0%} of its own and the {spec.split_from}' village supporters "
                                    f"and backs soviet power: it enters the government"))
        return out

    # -- one day --------------------------------------------------------------------------
    def decide(self, w: World, f: Forces, day: int, date: dt.date, log_power, apply_outcome) -> list[Decision]:
        """Every actor reads the day and acts or waits; a rising from below may follow."""
        out = []
        changed = False
        acted_today = set()

        def settle(*attempt):
            apply_outcome(*attempt)
            f.memo.clear()  # the world changed: what was read from it today is read again

        draws = rng.normals(self.seed, rng.STREAM_PERCEPTION, day, len(self.ids), 0)
        for a_index, actor in enumerate(self.ids):
            spec = None if actor == "army_command" else self.s.parties[actor]
            action = ACTION_OF_ARMY if spec is None else spec.action
            threshold = self.s.army_command.certainty_threshold if spec is None else spec.certainty_threshold
            odds = self.true_odds(actor, w, f, day)
            p_true = rule.logistic(odds)
            lens, bias, weight, noise = self.lens_of(actor, w)
            p_seen = rule.logistic(rule.perceive(odds, bias, weight, noise, draws[a_index]))
            why = self.blocked(actor, w, f, day, date)
            if why is None and changed:
                why = "power changed hands earlier today"
            acted = why is None and p_seen >= threshold
            waiting = self.waits_for_congress(actor, w, f, day, odds) if acted else None
            outcome = "wait"
            if why is not None:
                reason = f"cannot act: {why}"
            elif not acted:
                reason = f"waits: perceived {p_seen:.2f} below threshold {threshold:.2f} ({lens} lens)"
            elif waiting is not None:
                acted = False
                reason = f"{waiting} (perceived {p_seen:.2f} reaches threshold {threshold:.2f}; {lens} lens)"
            else:
                success = rng.uniform(self.seed, rng.STREAM_RESOLUTION, day, a_index, 0) < p_true
                outcome = "success" if success else "failure"
                reason = f"acts: perceived {p_seen:.2f} reaches threshold {threshold:.2f} ({lens} lens)"
                eve = action == "insurrection" and self.on_eve(day)
                settle(actor, action, success, p_true, eve)
                changed = changed or (success and action != "split")
                acted_today.add(actor)
            out.append(Decision(date, actor, action, p_true, p_seen, threshold, acted, outcome, reason))
        if not changed and not acted_today:
            out.extend(self.rising_from_below(w, f, day, date, settle))
        return out


@njit(cache=True)
def _worker_share(support, workers, parties):
    """The share of the ``workers`` groups' people [R,G,P] who back ``parties``: in NumPy's
    terms ``W[:, :, parties].sum() / W.sum()`` with ``W = support[:, workers, :]``, each sum
    added in the order NumPy reads its array (``W`` group by group, then region, then party;
    the selection party by party, then group, then region), so the share is NumPy's bit for bit."""
    R, P = support.shape[0], support.shape[2]
    buf = np.empty(R * workers.size * P)
    k = 0
    for g in workers:
        for r in range(R):
            for p in range(P):
                buf[k] = support[r, g, p]
                k += 1
    total = sums.pairwise(buf, 0, k)
    if not total:
        return 0.0
    k = 0
    for p in parties:
        for g in workers:
            for r in range(R):
                buf[k] = support[r, g, p]
                k += 1
    return sums.pairwise(buf, 0, k) / total


_ONE = np.zeros(1, np.int64)  # the one "party" of a [R,G,1] view of people by cell


@njit(cache=True)
def _armed_force(weight, armed, people, parties):
    """The armed people of ``parties`` in the capitals' weighting: the sum over regions r and
    groups g of weight[r] * armed[g] * (people[r, g, p] summed over ``parties`` in order),
    added up cell by cell in that order (the sums ``np.einsum("r,g,rg->", ...)`` of a party
    sum gives, without building the temporary arrays)."""
    total = 0.0
    for r in range(people.shape[0]):
        for g in range(people.shape[1]):
            cell = people[r, g, parties[0]]
            for j in range(1, parties.size):
                cell += people[r, g, parties[j]]
            total += (weight[r] * armed[g]) * cell
    return total
