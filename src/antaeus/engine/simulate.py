"""The step loop: ``simulate(scenario, seed) -> Result``, the one door into the engine.

Daily order (docs/odd.md, "Process overview and scheduling"):
1. scheduled events; 2. exogenous drivers and the war's choices; 3. every person: demands,
influence, legitimacy, party choice, mobilisation (one fused kernel); 4. soviet re-elections;
5. membership and reach; 6. strategic actors read, decide, and power is resolved (and, on
the day the Constituent Assembly meets, the government answers it); 7. observation.

A :class:`Run` holds what changes (:class:`State`: the people, the world, yesterday's carry-over
and the recorders) apart from what the scenario fixes (:class:`Conditions`). Random draws are
keyed by (seed, day, ...), so the state at the start of a day is the whole of a run's position:
:meth:`Run.snapshot` serialises it, and :meth:`Run.resume` continues it, under the same scenario
(bit for bit the straight run) or under another one (a counterfactual from that day on).
"""
from __future__ import annotations

import datetime as dt
import pickle
import time
from collections import namedtuple
from dataclasses import dataclass, field
from typing import Callable

import numba
import numpy as np
from numba import njit

from ..core import calendar
from ..core.errors import InputError
from ..mechanisms import assembly as assembly_rule
from ..mechanisms import cooperation as cooperation_rule
from ..mechanisms import coup as coup_rule
from ..mechanisms import desertion as desertion_rule
from ..mechanisms import membership as member_rule
from ..mechanisms import mobilisation as mobilisation_rule
from ..mechanisms import power as power_rule
from ..mechanisms import rising as rising_rule
from ..mechanisms import soviets as soviet_rule
from ..scenario.params import free_parameters
from ..scenario.schema import Scenario
from . import drivers, events, observe, step
from .actors import Actors, Forces
from .population import Agents, layout, populate, region_totals
from .result import Decision, PowerChange, Result
from .world import OLD_REGIME, World

OBSERVATION_KINDS = set(observe.FAMILY)


def simulate(scenario: Scenario, seed: int = 0, agents: int = 100_000, *, until: dt.date | None = None,
             threads: int | None = None, chunk: int = 64,
             progress: Callable[[int, int], None] | None = None) -> Result:
    """Run a scenario. ``agents`` people-agents stand for the whole population; ``threads``
    and ``chunk`` (locales per parallel work item) change speed, never the result."""
    _check_agents(agents)
    if until is not None:
        _check_day(until, scenario, "until")
    with _threads(threads):
        run = Run.start(scenario, seed, agents, until=until, chunk=chunk)
        run.advance(run.days, progress)
        return run.result()


# ------------------------------------------------------------------------------ the state


@dataclass
class Records:
    """What a run records each day (the arrays of :class:`Result`) and the logs it keeps."""

    support: np.ndarray      # [D,R,G,P]
    active: np.ndarray       # [D,R,G]
    onsets: np.ndarray       # [D,R,G]
    members: np.ndarray      # [D,P]
    soviets: np.ndarray      # [D,R,P]
    legitimacy: np.ndarray   # [D,R]
    demands: np.ndarray      # [D,R,4]
    leaning: np.ndarray      # [D,R,G]
    observables: list = field(default_factory=list)
    power_log: list = field(default_factory=list)
    decisions: list = field(default_factory=list)

    @classmethod
    def empty(cls, D: int, R: int, G: int, P: int) -> "Records":
        return cls(np.zeros((D, R, G, P)), np.zeros((D, R, G)), np.zeros((D, R, G)), np.zeros((D, P)),
                   np.zeros((D, R, P)), np.zeros((D, R)), np.zeros((D, R, 4)), np.zeros((D, R, G)))


@dataclass
class State:
    """Everything that changes during a run, at the start of day ``day``: what a snapshot holds."""

    seed: int
    agents: int              # the agents asked for (the layout is rebuilt from it)
    end: dt.date             # the last day of the run
    day: int                 # the next day to simulate (0 = the first)
    people: Agents
    world: World
    prev_active: np.ndarray  # [L] people active yesterday, per locale
    region_mean: np.ndarray  # [R,5] yesterday's mean demands and legitimacy per region
    support_now: np.ndarray  # [R,G,P] yesterday's support (the breadth of a change of power on an event day)
    radical_now: np.ndarray  # [R,G,P] yesterday's supporters of a transfer of power
    records: Records
    runtime_s: float = 0.0


@dataclass
class Conditions:
    """What the scenario fixes for every day of a run: derived once, never changed."""

    theta: np.ndarray
    exposure: np.ndarray       # [G,4]
    setting: np.ndarray        # [R] index into drivers.SETTINGS
    drivers: np.ndarray        # [D,R,3] each region's base drivers (its setting's; the land
    #                            hunger less the promise's hold)
    busy: np.ndarray           # [D,R,G] the season's cost of action, for the groups it binds
    march: np.ndarray          # [R,3] the conditions the March demands answer
    march_policy: np.ndarray   # [4] what it left unmet the March legitimacy answers
    renewal: np.ndarray        # [R] days between a soviet's re-elections
    constituent: np.ndarray    # [G] bool: groups that elect soviets
    delegates: np.ndarray      # [R] congress delegates' weight
    recruitment: np.ndarray    # [P]
    joins: np.ndarray          # [G] the share of a group's supporters that counts towards membership
    splitter: int
    split_parent: int
    schedule: dict
    region_of_cell: np.ndarray
    rear: np.ndarray           # [R,R] the fronts whose soldiers reach each region (rear_of)
    contact: np.ndarray        # [R] those soldiers per adult of a rural region, 0 elsewhere (rear_of)
    ties: np.ndarray           # [G] the share of a group's people with a household in a village
    kin: np.ndarray            # [R] such people per adult of a region with villages, 0 elsewhere (ties_of)

    @classmethod
    def of(cls, s: Scenario, dates: list[dt.date], w: World) -> "Conditions":
        R, G = len(w.regions), len(w.groups)
        exposure = np.array([[g.exposure.bread, g.exposure.war, g.exposure.land, g.exposure.power]
                             for g in s.groups.values()])
        setting = np.array([drivers.SETTINGS.index(s.regions[r].setting) for r in w.regions])
        by_region = np.ascontiguousarray(drivers.tabulate(s, dates)[:, setting])
        promise = _promised_on(s, dates)  # the Assembly's promise answers part of the land hunger
        by_region[:, :, 2] *= assembly_rule.promised(
            np.array([(d - promise).days if promise else -1 for d in dates]),
            s.parameters.assembly.promise_weight, s.parameters.assembly.patience_days)[:, None]
        field_groups = np.array([g.field_work for g in s.groups.values()], np.float64)
        busy = (s.parameters.mobilisation.field_work_cost * drivers.field_work(s, dates)[:, setting, None]
                * field_groups[None, None, :])
        sp = s.parameters.soviets  # the army's committees renew at their own pace
        front = setting == drivers.SETTINGS.index("front")
        delegates = np.array([sum(reg.population.get(g, 0.0) for g in s.groups if s.groups[g].soviet_constituency)
                              for reg in s.regions.values()])
        delegates *= np.where(front, sp.army_delegation, 1.0)  # the congress's norms
        splitter = next((i for i, p in enumerate(s.parties.values()) if p.action == "split" and p.split_from), -1)
        schedule: dict[dt.date, list] = {}
        for name, e in s.events.items():
            if e.enabled:
                schedule.setdefault(e.date, []).append((name, e))
        rear, contact = rear_of(s, w.regions, front, setting == RURAL)
        ties, kin = ties_of(s, w.regions)
        return cls(
            theta=step.theta(s.parameters), exposure=exposure, setting=setting, drivers=by_region,
            busy=busy, march=by_region[0].copy(),
            march_policy=np.array(s.government.policy.as_tuple()),
            renewal=np.where(front, sp.army_reelection_days, sp.reelection_days),
            constituent=np.array([g.soviet_constituency for g in s.groups.values()]), delegates=delegates,
            recruitment=np.array([p.recruitment_rate for p in s.parties.values()]),
            joins=np.array([g.joins for g in s.groups.values()]),
            splitter=splitter,
            split_parent=w.index(s.parties[w.parties[splitter]].split_from) if splitter >= 0 else -1,
            schedule=schedule, region_of_cell=np.repeat(np.arange(R), G), rear=rear, contact=contact,
            ties=ties, kin=kin)


RURAL = drivers.SETTINGS.index("rural")


def _promised_on(s: Scenario, dates: list[dt.date]) -> dt.date | None:
    """The day the first government forms and promises the Constituent Assembly: the run's
    first day where it begins under the government (no old regime), else the first enabled event
    of kind ``government_formed``; None while the old regime never falls."""
    if s.old_regime is None:
        return dates[0]
    return min((e.date for e in s.events.values() if e.enabled and e.kind == "government_formed"), default=None)


def rear_of(s: Scenario, regions: list[str], front: np.ndarray, rural: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which soldiers reach each region, and how densely. ``rear`` [R,R] is 1 where the column
    is a front whose soldiers reach the row's region: the fronts it lies behind
    (``regions.<id>.fronts``), or every front where it names none. ``contact`` [R] is how many
    of them there are per adult of a rural region (0 elsewhere): a region that names its fronts
    is their rear, where their garrisons, depots and men on the move are quartered, so it
    counts their soldiers against its own adults; a region that names none shares every
    front's men on leave with the whole countryside, so it counts all the soldiers at the
    fronts against all the rural adults (``front`` and ``rural``: [R] bool)."""
    adults = np.array([sum(s.regions[r].population.values()) for r in regions], float)
    countryside = adults[rural].sum()
    spread = adults[front].sum() / countryside if countryside > 0 else 0.0
    rear, contact = np.zeros((len(regions), len(regions))), np.zeros(len(regions))
    for i, r in enumerate(regions):
        named = s.regions[r].fronts
        rear[i] = [float(f in named) for f in regions] if named else front
        if rural[i] and adults[i] > 0:
            contact[i] = rear[i] @ adults / adults[i] if named else spread
    return rear, contact


def ties_of(s: Scenario, regions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Who carries the parties from town to village. ``ties`` [G] is the share of each group's
    people who hold land or a household in a village (``groups.<id>.village_ties``); ``kin``
    [R] is how many such people there are per adult of a region that has villages (people of a
    group bound to the field calendar), 0 in a region without them: only there do they carry
    their parties home (``membership.village_carry``)."""
    ties = np.array([g.village_ties for g in s.groups.values()], float)
    fields = [name for name, g in s.groups.items() if g.field_work]
    kin = np.zeros(len(regions))
    for i, r in enumerate(regions):
        people = s.regions[r].population
        adults = sum(people.values())
        if adults > 0 and any(people.get(g, 0.0) > 0 for g in fields):
            kin[i] = sum(t * people.get(g, 0.0) for g, t in zip(s.groups, ties)) / adults
    return ties, kin


def _row_shares(people: np.ndarray) -> np.ndarray:
    """[R,P] each party's share of a region's row of ``people`` [R,P]; 0 where the row is empty."""
    total = people.sum(axis=1, keepdims=True)
    return np.divide(people, total, out=np.zeros_like(people), where=total > 0)


def _tied_share(support: np.ndarray, ties: np.ndarray) -> np.ndarray:
    """[R,P] each party's share among the people with village ties in each region (``support``
    [R,G,P], yesterday's; ``ties`` [G])."""
    return _row_shares(np.einsum("rgp,g->rp", support, ties))


def _front_share(support: np.ndarray, rear: np.ndarray) -> np.ndarray:
    """[R,P] each party's share among the soldiers of the fronts each region lies behind
    (``support`` [R,G,P], yesterday's; ``rear`` from :func:`rear_of`)."""
    return _row_shares(rear @ support.sum(axis=1))


# -------------------------------------------------------------------------------- a run


class Run:
    """One run of a scenario, advanced day by day; its state can be saved and continued."""

    def __init__(self, scenario: Scenario, state: State, chunk: int = 64):
        s = scenario
        self.s, self.state, self.chunk = s, state, chunk
        self.dates = calendar.days(s.scenario.start, state.end)
        self.lay = layout(s, state.agents)
        w = state.world
        if (int(self.lay.locale_start[-1]) != state.people.hardship.size or w.parties != list(s.parties)
                or w.regions != list(s.regions) or w.groups != list(s.groups)):
            raise InputError(f"scenario '{s.scenario.name}' has another population, parties or regions than the "
                             "snapshot's run", source="--from",
                             hint="branch only into scenarios that keep the population, parties and regions")
        w.offensive_deadline = events.offensive_deadline(s)
        self.c = Conditions.of(s, self.dates, w)
        self.actors = Actors(s, w, state.seed, self.c.delegates)
        self.villages = np.array([s.groups[g].activity == mobilisation_rule.VILLAGE_ACTIVITY
                                  for g in w.groups])[self.lay.locale_group]
        self.region_villages = np.bincount(self.lay.locale_region[self.villages], minlength=len(w.regions))
        self.locales = step.Locales(self.lay.locale_start, self.lay.locale_region, self.lay.locale_group,
                                    mobilisation_rule.village_conditions(state.seed, self.villages,
                                                                s.parameters.mobilisation.village_spread))
        self.counts = step.new_counts(self.lay.locales, len(w.parties))
        self.cells = new_cells(self.lay.cell_locale_start.size - 1, len(w.parties), len(w.regions))
        self.region_agents = np.maximum(self.lay.cell_agents.sum(axis=1), 1)
        self.people_cells = self.lay.cell_agents * self.lay.weight  # [R,G] people each cell stands for

    @property
    def days(self) -> int:
        return len(self.dates)

    @classmethod
    def start(cls, scenario: Scenario, seed: int, agents: int, *, until: dt.date | None = None,
              chunk: int = 64) -> "Run":
        s = scenario
        end = until or s.scenario.end
        lay = layout(s, agents)
        people = populate(s, lay, seed)
        w = World.initial(s)
        R, G, P = len(w.regions), len(w.groups), len(w.parties)
        D = len(calendar.days(s.scenario.start, end))
        region_agents = np.maximum(lay.cell_agents.sum(axis=1), 1)
        state = State(seed=seed, agents=agents, end=end, day=0, people=people, world=w,
                      prev_active=np.zeros(lay.locales, np.int32),
                      region_mean=region_totals(lay, people, R) / region_agents[:, None],  # the drawn people's own
                      support_now=np.zeros((R, G, P)), radical_now=np.zeros((R, G, P)),
                      records=Records.empty(D, R, G, P))
        run = cls(s, state, chunk)
        run.log_power(run.dates[0], OLD_REGIME, "inherited", "the February days have begun")
        return run

    def snapshot(self) -> bytes:
        """The whole state at the start of the next day, serialised (to store or to send)."""
        return pickle.dumps(self.state, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def resume(cls, scenario: Scenario, snapshot: bytes, chunk: int = 64) -> "Run":
        """Continue a snapshot under ``scenario``: the snapshot's own scenario gives the straight
        run bit for bit; another one changes only what happens from the snapshot's day on."""
        state = pickle.loads(snapshot)
        if scenario.scenario.start > state.end or not isinstance(state, State):
            raise InputError("the snapshot does not belong to this scenario's window", source="--from",
                             hint="branch into scenarios with the same start and end")
        return cls(scenario, state, chunk)

    def day_of(self, date: dt.date) -> int:
        return (date - self.dates[0]).days

    # ---------------------------------------------------------------------- the days
    def advance(self, to: int, progress: Callable[[int, int], None] | None = None) -> "Run":
        """Simulate the days from the state's next day up to (not including) day ``to``."""
        started = time.perf_counter()
        for d in range(self.state.day, to):
            self._day(d)
            self.state.day = d + 1
            if progress is not None:
                progress(d + 1, self.days)
        self.state.runtime_s += time.perf_counter() - started
        return self

    def _day(self, d: int) -> None:
        s, st, c, lay = self.s, self.state, self.c, self.lay
        w, people, rec = st.world, st.people, st.records
        date = self.dates[d]
        R, G, P = len(w.regions), len(w.groups), len(w.parties)
        weight = lay.weight
        # 1. scheduled events
        for name, e in c.schedule.get(date, ()):
            events.apply(e, s, w, people, lay, lambda h, r, note: self.log_power(date, h, r, note or name))
        events.collapse_of_offensive(w, d, people, lay, s.parameters.war.offensive_failure_shock)
        # 2. drivers
        today_drivers = drivers.today(c.drivers, d, c.setting, w, s.parameters.war)
        # 3. every person
        out = self.counts
        polling = any(e.kind in observe.POPULAR for _, e in c.schedule.get(date, ()))
        for arr in (out.party, out.radical, out.sums) + ((out.votes,) if polling else ()):
            arr.fill(0)
        reach = member_rule.reach(w.base_reach, w.members, s.parameters.membership.reach_scale)
        reach = cooperation_rule.shared_reach(reach, self.actors.partners(w), self.actors.cooperation(w),
                                              s.parameters.cooperation)
        reach = member_rule.carried(reach, _front_share(st.support_now, c.rear), c.contact,
                                    s.parameters.membership.soldier_carry)
        reach = member_rule.carried(reach, _tied_share(st.support_now, c.ties), c.kin,
                                    s.parameters.membership.village_carry)
        expected, called = self._calls(date)
        today = step.Today(today_drivers, c.march, s.government.legitimacy, c.march_policy, c.exposure, w.policy,
                           w.platforms, w.available, _governing(w), np.log(reach + 0.01), st.region_mean,
                           w.repression, c.busy[d], expected, c.splitter, c.split_parent, _regime_shift(s, w, date),
                           polling, mobilisation_rule.example(st.prev_active, self.villages, lay.locale_region,
                                                            self.region_villages))
        step.advance(st.seed, d + 1, self.chunk, c.theta, self.locales, step.people_of(people), today, out)
        before = st.prev_active[called] if called.size else None
        st.prev_active[:] = out.active
        if before is not None:  # a call is for its day: the next morning expects what it did before
            st.prev_active[called] = before
        cells = self.cells
        _tally(out, lay.cell_locale_start, c.region_of_cell, self.region_agents, weight, cells, polling)
        support_now, radical_now = cells.support.reshape(R, G, P), cells.radical.reshape(R, G, P)
        votes_now = cells.votes.reshape(R, G, P)
        active_cells, onset_cells, loyal_cells = (x.reshape(R, G) for x in (cells.active, cells.onsets, cells.loyal))
        st.support_now = support_now
        st.radical_now = radical_now
        st.region_mean = cells.region_mean
        # 4. soviets
        w.soviets = soviet_rule.reelect(w.soviets, _constituents(support_now, c.constituent), c.renewal)
        # 5. membership (reach follows it in tomorrow's party choice)
        ms = s.parameters.membership
        # one rate per party, whether or not a press is closed: recruit is then compiled once
        rates, independent = c.recruitment, np.full(len(w.parties), ms.independent_rate)
        if w.press_closed:  # a party whose press is closed enrols no one
            press_open = np.array([w.press_closed.get(p, -1) <= d for p in w.parties], np.float64)
            rates, independent = rates * press_open, independent * press_open
        w.members = member_rule.recruit(w.members, _joiners(support_now, c.joins), rates, ms.join_share,
                                        independent, ms.attrition)
        # 6. strategic actors and power
        forces = Forces(radical_now, loyal_cells, support_now, cells.leaning.reshape(R, G), cells.closer.reshape(R, G),
                        active_cells, self.people_cells)
        rec.decisions.extend(self.actors.decide(
            w, forces, d, date, self.log_power,
            lambda actor, action, success, chance, eve: self._settle(actor, action, success, chance, eve, date, d)))
        rec.decisions.extend(self.actors.coalition_entries(w, forces, d, date, self._admit))
        for name, e in c.schedule.get(date, ()):
            if e.kind == "assembly_session":
                rec.decisions.append(self._assembly_session(forces, date, d))
        # 7. observation
        for name, e in c.schedule.get(date, ()):
            if e.kind in OBSERVATION_KINDS:
                rec.observables.extend(observe.observe(e, s, votes_now, support_now, w.soviets, c.delegates,
                                                       w.parties, w.regions, w.groups))
        rec.support[d] = support_now
        rec.active[d] = active_cells
        rec.onsets[d] = onset_cells
        rec.members[d] = w.members
        rec.soviets[d] = w.soviets
        rec.legitimacy[d] = st.region_mean[:, 4]
        rec.demands[d] = st.region_mean[:, :4]
        rec.leaning[d] = cells.leaning.reshape(R, G)

    def _calls(self, date: dt.date) -> tuple[np.ndarray, np.ndarray]:
        """The people each locale expects active today, and the locales a strike call reaches
        (``strike_call`` events: the striking groups of the named regions, expecting the caller's
        following, ``mechanisms.mobilisation.following``; ``mechanisms.mobilisation.called``)."""
        s, st, lay, w = self.s, self.state, self.lay, self.state.world
        calls = [e for _, e in self.c.schedule.get(date, ()) if e.kind == "strike_call"]
        if not calls:
            return st.prev_active, np.zeros(0, np.int64)
        expected = st.prev_active.copy()
        G = len(w.groups)
        striking = [g for g, name in enumerate(w.groups) if s.groups[name].activity == "strike"]
        reached = []
        for e in calls:
            p = w.index(e.party)
            for r in (w.regions.index(name) for name in e.regions):
                for g in striking:
                    following = mobilisation_rule.following(st.support_now[r, g], st.radical_now[r, g], p,
                                                             e.aim == "soviet_power")
                    cell = r * G + g
                    locales = np.arange(lay.cell_locale_start[cell], lay.cell_locale_start[cell + 1])
                    size = lay.locale_start[locales + 1] - lay.locale_start[locales]
                    expected[locales] = mobilisation_rule.called(expected[locales], following, size)
                    reached.append(locales)
        return expected, np.unique(np.concatenate(reached)) if reached else np.zeros(0, np.int64)

    def _settle(self, actor: str, action: str, success: bool, chance: float, eve: bool, date: dt.date,
                d: int) -> None:
        """Apply an attempt's outcome to the world: :func:`antaeus.mechanisms.power.settle`, with
        a failed coup's aftermath (``coup``) and a failed rising's repression (``rising``)."""
        s, w = self.s, self.state.world
        params = s.parameters
        if action == "rising" and not success:
            self._apply(actor, rising_rule.repression(d, params.rising), date, d)
            return
        insurgents = self.actors.allies(w, w.index(actor)) if action in ("insurrection", "rising") and success else []
        sanction = params.congress.sanction_legitimacy if eve and success else 0.0
        self._apply(actor, power_rule.settle(actor, action, success, d, params.power, params.decisions.cooldown_days,
                                             w.parties, w.platforms, insurgents, self.actors.moderates, sanction),
                    date, d)
        if actor == "army_command" and not success:
            self._apply(actor, coup_rule.aftermath(params.power.failed_coup_shock, params.coup), date, d)

    def _admit(self, party: str) -> None:
        """A party enters the soviet government: the government's policy becomes its parties'
        (``power.government_policy``, on the route it came to power by). Power does not change
        hands, so the power log is not written."""
        w = self.state.world
        w.ruling = w.ruling + (party,)
        route = self.state.records.power_log[-1].route
        w.policy[:] = power_rule.government_policy(w.platforms, [w.index(p) for p in w.ruling], route,
                                                   self.s.parameters.power)

    def _assembly_session(self, f: Forces, date: dt.date, d: int) -> Decision:
        """The Constituent Assembly meets with the seats of its last election (the scenario
        puts an election before every session) and the government answers it (``assembly``)."""
        w = self.state.world
        elected = [o for o in self.state.records.observables
                   if o.family == "constituent_assembly" and o.constituency == "national"][-1]
        seats = np.array([elected.simulated.get(p, 0.0) for p in w.parties], np.float64)
        return self.actors.assembly_session(w, f, d, date, seats, lambda actor, out: self._apply(actor, out, date, d))

    def _apply(self, actor: str, out: power_rule.Settlement, date: dt.date, d: int) -> None:
        w, people = self.state.world, self.state.people
        if out.splits:
            q = w.index(actor)
            w.available[q] = True
            if q == self.c.splitter:  # it takes the party's organisation where the party's people are closer to it
                closer = self.cells.closer.reshape(len(w.regions), len(w.groups)).sum(axis=1)
                w.base_reach, w.members = member_rule.taken_over(
                    w.base_reach, w.members, q, self.c.split_parent, closer,
                    self.state.support_now[:, :, self.c.split_parent].sum(axis=1),
                    self.s.parameters.membership.split_takeover)
        if out.cooldown_until is not None:
            w.cooldown[actor] = out.cooldown_until
            if actor != "army_command":
                p = w.index(actor)
                w.base_reach[p] *= out.reach_kept
                w.members[p] *= out.members_kept
        if out.press_closed_until is not None:
            w.press_closed[actor] = out.press_closed_until
        if out.crowd_quiet_until is not None:
            w.crowd_quiet_until = max(w.crowd_quiet_until, out.crowd_quiet_until)
        if out.legitimacy_shock:
            events.shock_legitimacy(people, [slice(0, people.legitimacy.size)], out.legitimacy_shock)
        if out.release:
            for p in self.actors.insurgent_parties(w):
                w.base_reach[p] = np.minimum(w.base_reach[p] * (1.0 + out.release), 1.0)
                w.cooldown.pop(w.parties[p], None)
                w.press_closed.pop(w.parties[p], None)
        if out.soviet_turn:
            constituents = _constituents(self.state.support_now, self.c.constituent)
            w.soviets = soviet_rule.reelect(w.soviets, constituents, np.full(len(w.regions), 1.0 / out.soviet_turn))
        if out.repression_factor != 1.0:
            w.repression *= out.repression_factor
        if out.route is not None:
            w.last_change = d
            w.holder, w.ruling = out.holder, out.ruling
            w.policy[:] = out.policy
            self.log_power(date, w.holder, out.route, out.note)

    def log_power(self, date: dt.date, holder: str, route: str, note: str = "") -> None:
        st, w = self.state, self.state.world
        total = st.support_now.sum()
        bloc = [w.index(p) for p in w.ruling]
        breadth = float(st.support_now[:, :, bloc].sum() / total) if (bloc and total) else float("nan")
        st.records.power_log.append(PowerChange(date, holder, route, breadth, note))

    # ---------------------------------------------------------------------- the result
    def result(self) -> Result:
        s, st, rec, w = self.s, self.state, self.state.records, self.state.world
        d = st.day
        kinds = np.array([s.groups[g].activity for g in w.groups])
        deserters = desertion_rule.deserters(rec.onsets[:d], rec.support[0].sum(axis=2), kinds == desertion_rule.REFUSAL,
                                             kinds == mobilisation_rule.VILLAGE_ACTIVITY, s.parameters.desertion)
        return Result(
            scenario=s.scenario.name, seed=st.seed, agents=int(self.lay.locale_start[-1]), dates=self.dates[:d],
            parties=w.parties, regions=w.regions, groups=w.groups,
            activities=[g.activity for g in s.groups.values()],
            support=rec.support[:d], active=rec.active[:d], onsets=rec.onsets[:d], membership=rec.members[:d],
            soviets=rec.soviets[:d], legitimacy=rec.legitimacy[:d], demands=rec.demands[:d],
            leaning=rec.leaning[:d], observables=list(rec.observables), power_log=list(rec.power_log),
            decisions=list(rec.decisions), parameters={p.path: p.value for p in free_parameters(s)},
            group_activity={g: spec.activity for g, spec in s.groups.items()},
            runtime_s=st.runtime_s, calibrated=s.scenario.calibrated,
            calibration_note=s.scenario.calibration_note, deserters=deserters)


# ------------------------------------------------------------------------------ helpers


#: A day's counts in region-group cells, in people (each agent stands for ``weight``): support
#: and radical [cells,P], active, onsets, loyal, leaning and closer [cells]; each region's mean
#: demands and legitimacy [R,5] (the cells' sums over the region's agents); and, on the day of
#: a popular election, the votes each party can expect [cells,P] (support.turnout).
Cells = namedtuple("Cells", "support radical active onsets loyal leaning closer region_mean votes")


def new_cells(n_cells: int, n_parties: int, n_regions: int) -> Cells:
    """The buffers :func:`_tally` fills each day."""
    return Cells(np.empty((n_cells, n_parties)), np.empty((n_cells, n_parties)), np.empty(n_cells),
                 np.empty(n_cells), np.empty(n_cells), np.empty(n_cells), np.empty(n_cells), np.empty((n_regions, 5)),
                 np.zeros((n_cells, n_parties)))


@njit(cache=True)
def _tally(out, cell_locale_start, region_of_cell, region_agents, weight, cells, polling):
    """Sum the kernel's per-locale counts (:data:`step.Counts`) into region-group cells
    (:data:`Cells`, filled in place), in a fixed order.

    Counts are integers, so their sums are exact. A cell's real-valued sum is the difference of
    one running sum over all locales at the cell's two ends, as ``np.cumsum`` would give it; the
    regions' sums add the cells in order, as ``np.add.at`` would. The votes are summed only on a
    polling day (``polling``), the only day the kernel counts them; on other days ``cells.votes``
    keeps the last election's."""
    n_cells, n_parties = cell_locale_start.size - 1, out.party.shape[1]
    region_sums = cells.region_mean
    region_sums[:] = 0.0
    running, start = np.zeros(7), np.zeros(7)  # five opinion sums, the leaning and the closer, so far
    party, radical = np.zeros(n_parties, np.int64), np.zeros(n_parties, np.int64)
    votes = np.zeros(n_parties)
    for c in range(n_cells):
        party[:] = 0
        radical[:] = 0
        votes[:] = 0.0
        active = onsets = loyal = 0
        start[:] = running
        for l in range(cell_locale_start[c], cell_locale_start[c + 1]):
            for p in range(n_parties):
                party[p] += out.party[l, p]
                radical[p] += out.radical[l, p]
                if polling:
                    votes[p] += out.votes[l, p]
            active += out.active[l]
            onsets += out.onsets[l]
            loyal += out.loyal[l]
            for k in range(5):
                running[k] += out.sums[l, k]
            running[5] += out.leaning[l]
            running[6] += out.closer[l]
        for p in range(n_parties):
            cells.support[c, p] = party[p] * weight
            cells.radical[c, p] = radical[p] * weight
            if polling:
                cells.votes[c, p] = votes[p] * weight
        cells.active[c], cells.onsets[c], cells.loyal[c] = active * weight, onsets * weight, loyal * weight
        cells.leaning[c] = (running[5] - start[5]) * weight
        cells.closer[c] = (running[6] - start[6]) * weight
        for k in range(5):
            region_sums[region_of_cell[c], k] += running[k] - start[k]
    for r in range(region_agents.size):
        for k in range(5):
            region_sums[r, k] /= region_agents[r]


@njit(cache=True)
def _constituents(support, constituent):
    """Support among the soviets' constituents [R,P]: the constituent groups of ``support``
    [R,G,P] added in the groups' order (from zero: people are never -0.0, so the sums are NumPy's)."""
    out = np.zeros((support.shape[0], support.shape[2]))
    for r in range(support.shape[0]):
        for g in range(support.shape[1]):
            if constituent[g]:
                for p in range(support.shape[2]):
                    out[r, p] += support[r, g, p]
    return out


@njit(cache=True)
def _joiners(support, joins):
    """Supporters who count towards membership, per party [P]: ``support`` [R,G,P] weighted by
    each group's ``joins`` and added cell by cell in order (from zero, as :func:`_constituents`)."""
    out = np.zeros(support.shape[2])
    for r in range(support.shape[0]):
        for g in range(support.shape[1]):
            for p in range(support.shape[2]):
                out[p] += support[r, g, p] * joins[g]
    return out


def _regime_shift(s: Scenario, w: World, date: dt.date) -> np.ndarray:
    """[R] While the old regime rules (before the first government is formed), people measure
    their grievances against its legitimacy where it is being fought (``old_regime.fought_in``,
    from the day the fighting begins there; everywhere when none is given): the shift from the
    government's starting legitimacy, 0 elsewhere."""
    shift = np.zeros(len(w.regions))
    if s.old_regime is None or w.holder != OLD_REGIME:
        return shift
    fought = s.old_regime.fought_in
    for k, r in enumerate(w.regions):
        if not fought or (r in fought and date >= fought[r]):
            shift[k] = s.old_regime.legitimacy - s.government.legitimacy
    return shift


def _governing(w: World) -> np.ndarray:
    """Parties in the government today: the ruling bloc, whoever holds power."""
    mask = np.zeros(len(w.parties), np.bool_)
    for p in w.ruling:
        mask[w.index(p)] = True
    return mask


def _check_agents(agents: int) -> None:
    if agents < 1:
        raise InputError(f"agents must be a positive whole number, not {agents}", source="agents",
                         hint="give at least 1 agent (the default is 100000)")


def _check_day(date: dt.date, scenario: Scenario, source: str) -> None:
    if not scenario.scenario.start <= date <= scenario.scenario.end:
        raise InputError(f"{date} lies outside the scenario ({scenario.scenario.start} to {scenario.scenario.end})",
                         source=source, hint="choose a date inside the scenario's window")


class _threads:
    """Use ``threads`` Numba threads inside the block (None: leave them as they are)."""

    def __init__(self, threads: int | None):
        self.threads = threads

    def __enter__(self):
        self.before = numba.get_num_threads()
        if self.threads:
            numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))

    def __exit__(self, *exc):
        numba.set_num_threads(self.before)
