"""The step loop: ``simulate(scenario, seed) -> Result``, the one door into the engine.

Daily order (docs/odd.md, "Process overview and scheduling"):
1. scheduled events; 2. exogenous drivers and the war's choices; 3. every person: demands,
influence, legitimacy, party choice, mobilisation (one fused kernel); 4. soviet re-elections;
5. membership and reach; 6. strategic actors read, decide, and power is resolved;
7. observation.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Callable

import numba
import numpy as np

from ..mechanisms import membership as member_rule
from ..mechanisms import soviets as soviet_rule
from ..scenario.errors import InputError
from ..scenario.params import free_parameters
from ..scenario.schema import Scenario
from . import calendar, drivers, events, observe, step
from .actors import Actors, Forces
from .population import layout, populate, region_totals
from .result import PowerChange, Result
from .world import World

OBSERVATION_KINDS = set(observe.FAMILY)


def _cells(per_locale: np.ndarray, cell_locale_start: np.ndarray) -> np.ndarray:
    """Sum per-locale rows into region-group cells, in a fixed order (exact for counts)."""
    dtype = np.float64 if per_locale.dtype.kind == "f" else np.int64
    cum = np.zeros((per_locale.shape[0] + 1,) + per_locale.shape[1:], dtype)
    np.cumsum(per_locale, axis=0, out=cum[1:])
    return cum[cell_locale_start[1:]] - cum[cell_locale_start[:-1]]


def _governing(w: World) -> np.ndarray:
    """Parties in the government today: the ruling bloc, whoever holds power."""
    mask = np.zeros(len(w.parties), np.bool_)
    for p in w.ruling:
        mask[w.index(p)] = True
    return mask


def simulate(scenario: Scenario, seed: int = 0, agents: int = 100_000, *, until: dt.date | None = None,
             threads: int | None = None, chunk: int = 64,
             progress: Callable[[int, int], None] | None = None) -> Result:
    """Run a scenario. ``agents`` people-agents stand for the whole population; ``threads``
    and ``chunk`` (locales per parallel work item) change speed, never the result."""
    if agents < 1:
        raise InputError(f"agents must be a positive whole number, not {agents}", source="agents",
                         hint="give at least 1 agent (the default is 100000)")
    if until is not None and not scenario.scenario.start <= until <= scenario.scenario.end:
        raise InputError(f"{until} lies outside the scenario ({scenario.scenario.start} to {scenario.scenario.end})",
                         source="until", hint="choose a date inside the scenario's window")
    before = numba.get_num_threads()
    if threads:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        return _simulate(scenario, seed, agents, until, chunk, progress)
    finally:
        numba.set_num_threads(before)


def _simulate(scenario, seed, agents, until, chunk, progress) -> Result:
    started = time.perf_counter()
    s = scenario
    end = until or s.scenario.end
    dates = calendar.days(s.scenario.start, end)
    lay = layout(s, agents)
    people = populate(s, lay, seed)
    w = World.initial(s)
    actors = Actors(s, w, seed)
    P, R, G = len(w.parties), len(w.regions), len(w.groups)
    L = lay.locales
    region_of_cell = np.repeat(np.arange(R), G)
    weight = lay.weight
    th = step.theta(s.parameters)
    exposure = np.array([[g.exposure.bread, g.exposure.war, g.exposure.land, g.exposure.power]
                         for g in s.groups.values()])
    setting = np.array([drivers.SETTINGS.index(s.regions[r].setting) for r in w.regions])
    base_drivers = drivers.tabulate(s, dates)
    field_groups = np.array([g.field_work for g in s.groups.values()], np.float64)
    busy = (s.parameters.mobilisation.field_work_cost * drivers.field_work(s, dates)[:, setting, None]
            * field_groups[None, None, :])  # [D,R,G]: the season's cost of action, for the groups it binds
    march = np.ascontiguousarray(base_drivers[0][setting])  # the conditions the March demands answer
    march_policy = np.array(s.government.policy.as_tuple())  # what it left unmet the March legitimacy answers
    sp = s.parameters.soviets  # the army's committees renew at their own pace
    front = setting == drivers.SETTINGS.index("front")
    renewal = np.where(front, sp.army_reelection_days, sp.reelection_days)
    constituent = np.array([g.soviet_constituency for g in s.groups.values()])
    delegates = np.array([sum(reg.population.get(g, 0.0) for g in s.groups if s.groups[g].soviet_constituency)
                          for reg in s.regions.values()])
    delegates *= np.where(front, sp.army_delegation, 1.0)  # the congress's norms
    recruitment = np.array([p.recruitment_rate for p in s.parties.values()])
    joins = np.array([g.joins for g in s.groups.values()])  # the share of a group's supporters that counts towards membership
    splitter = next((i for i, p in enumerate(s.parties.values()) if p.action == "split" and p.split_from), -1)
    split_parent = w.index(s.parties[w.parties[splitter]].split_from) if splitter >= 0 else -1
    w.offensive_deadline = events.offensive_deadline(s)
    schedule: dict[dt.date, list] = {}
    for name, e in s.events.items():
        if e.enabled:
            schedule.setdefault(e.date, []).append((name, e))

    D = len(dates)
    rec_support = np.zeros((D, R, G, P))
    rec_active = np.zeros((D, R, G))
    rec_onsets = np.zeros((D, R, G))
    rec_members = np.zeros((D, P))
    rec_soviets = np.zeros((D, R, P))
    rec_legit = np.zeros((D, R))
    rec_demands = np.zeros((D, R, 4))
    rec_leaning = np.zeros((D, R, G))
    observables, power_log, decisions = [], [], []

    out_party = np.zeros((L, P), np.int32)
    out_radical = np.zeros((L, P), np.int32)
    out_sums = np.zeros((L, 5), np.float64)
    out_active = np.zeros(L, np.int32)
    out_onsets = np.zeros(L, np.int32)
    out_loyal = np.zeros(L, np.int32)
    out_leaning = np.zeros(L, np.float64)
    prev_active = np.zeros(L, np.int32)
    region_agents = np.maximum(lay.cell_agents.sum(axis=1), 1)
    region_mean = region_totals(lay, people, R) / region_agents[:, None]  # the first day's: the drawn people's own
    support_now = np.zeros((R, G, P))
    radical_now = np.zeros((R, G, P))

    def log_power(date, holder, route, note=""):
        total = support_now.sum()
        bloc = [w.index(p) for p in w.ruling]
        breadth = float(support_now[:, :, bloc].sum() / total) if (bloc and total) else float("nan")
        power_log.append(PowerChange(date, holder, route, breadth, note))

    log_power(dates[0], "imperial_government", "inherited", "the February days have begun")
    pw = s.parameters.power
    for d, date in enumerate(dates):
        # 1. scheduled events
        for name, e in schedule.get(date, ()):
            events.apply(e, s, w, people, lay, lambda h, r, note: log_power(date, h, r, note or name))
        events.collapse_of_offensive(w, d, people, lay)
        # 2. drivers
        today = drivers.today(base_drivers, d, setting, w, s.parameters.war)
        # 3. every person
        for arr in (out_party, out_radical, out_sums):
            arr.fill(0)
        reach = member_rule.reach(w.base_reach, w.members, s.parameters.membership.reach_scale)
        log_reach = np.log(reach + 0.01)
        step.advance(seed, d + 1, chunk, th, lay.locale_start, lay.locale_region, lay.locale_group,
                     people.hardship, people.risk_aversion, people.threshold, people.demand,
                     people.legitimacy, people.party, people.attachment, people.active, people.fatigue,
                     today, march, s.government.legitimacy, march_policy, exposure, people.march_demand, w.policy, w.platforms, w.available,
                     _governing(w), log_reach,
                     region_mean, w.repression, busy[d], prev_active, splitter, split_parent,
                     out_party, out_radical, out_sums, out_active, out_onsets,
                     out_loyal, out_leaning)
        prev_active[:] = out_active
        support_now = _cells(out_party, lay.cell_locale_start).reshape(R, G, P) * weight
        radical_now = _cells(out_radical, lay.cell_locale_start).reshape(R, G, P) * weight
        active_cells = _cells(out_active, lay.cell_locale_start).reshape(R, G) * weight
        onset_cells = _cells(out_onsets, lay.cell_locale_start).reshape(R, G) * weight
        loyal_cells = _cells(out_loyal, lay.cell_locale_start).reshape(R, G) * weight
        sums = _cells(out_sums, lay.cell_locale_start)
        region_sums = np.zeros((R, 5))
        np.add.at(region_sums, region_of_cell, sums)
        region_mean = region_sums / region_agents[:, None]
        # 4. soviets
        w.soviets = soviet_rule.reelect(w.soviets, support_now[:, constituent, :].sum(axis=1), renewal)
        # 5. membership (reach follows it in tomorrow's party choice)
        ms = s.parameters.membership
        w.members = member_rule.recruit(w.members, (support_now * joins[None, :, None]).sum(axis=(0, 1)), recruitment,
                                        ms.join_share, ms.independent_rate, ms.attrition)
        # 6. strategic actors and power
        forces = Forces(radical_now, loyal_cells, support_now, float(out_leaning.sum()) * weight)

        def outcome(actor, action, success, date=date, d=d):
            if action == "split":
                if success:
                    w.available[w.index(actor)] = True
                return
            if not success:
                w.cooldown[actor] = d + int(s.parameters.decisions.cooldown_days)
                if actor != "army_command":
                    p = w.index(actor)
                    w.base_reach[p] *= 1.0 - pw.failure_reach_loss
                    w.members[p] *= 1.0 - pw.failure_member_loss
                else:
                    events.shock_legitimacy(people, [slice(0, people.legitimacy.size)], pw.failed_coup_shock)
                return
            w.last_change = d
            if action == "coup":
                w.holder, w.ruling = "military_government", ()
                w.policy[:] = (0.0, 0.0, 0.2, 0.0)
                w.repression *= pw.coup_repression
                log_power(date, w.holder, "coup")
            elif action == "insurrection":
                bloc = actors.allies(w, w.index(actor))
                w.ruling = tuple(w.parties[q] for q in bloc)
                w.holder = "soviet_government:" + "+".join(w.ruling)
                w.policy[:] = w.platforms[bloc].mean(axis=0)
                log_power(date, w.holder, "insurrection")
            else:  # soviet_power
                w.ruling = tuple(w.parties[q] for q in actors.moderates)
                w.holder = "soviet_government:" + "+".join(w.ruling)
                w.policy[:] = np.maximum(w.platforms[actors.moderates].mean(axis=0), (0.6, 0.7, 0.5, 1.0))
                log_power(date, w.holder, "soviet_transfer")

        decisions.extend(actors.decide(w, forces, d, date, log_power, outcome))
        # 7. observation
        for name, e in schedule.get(date, ()):
            if e.kind in OBSERVATION_KINDS:
                observables.extend(observe.observe(e, s, support_now, w.soviets, delegates,
                                                   w.parties, w.regions, w.groups))
        rec_support[d] = support_now
        rec_active[d] = active_cells
        rec_onsets[d] = onset_cells
        rec_members[d] = w.members
        rec_soviets[d] = w.soviets
        rec_legit[d] = region_mean[:, 4]
        rec_demands[d] = region_mean[:, :4]
        rec_leaning[d] = _cells(out_leaning, lay.cell_locale_start).reshape(R, G) * weight
        if progress is not None:
            progress(d + 1, D)

    return Result(
        scenario=s.scenario.name, seed=seed, agents=int(lay.locale_start[-1]), dates=dates,
        parties=w.parties, regions=w.regions, groups=w.groups, activities=[g.activity for g in s.groups.values()],
        support=rec_support, active=rec_active, onsets=rec_onsets, membership=rec_members,
        soviets=rec_soviets, legitimacy=rec_legit, demands=rec_demands, leaning=rec_leaning,
        observables=observables, power_log=power_log,
        decisions=decisions, parameters={p.path: p.value for p in free_parameters(s)},
        group_activity={g: spec.activity for g, spec in s.groups.items()},
        runtime_s=time.perf_counter() - started, calibrated=s.scenario.calibrated,
        calibration_note=s.scenario.calibration_note)
