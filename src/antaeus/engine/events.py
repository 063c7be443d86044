"""Scheduled events: what each kind of event does to the world and to the people.

Events are data in the scenario (``[events.NAME]``); counterfactual overlays switch them
off, move them or add new ones. Observation events (congresses, municipal elections, the
Constituent Assembly) are recorded by :mod:`antaeus.engine.observe`.
"""
from __future__ import annotations

import numpy as np

from ..scenario.schema import Event, Scenario
from .population import Agents, Layout
from .world import World, day_number


def region_slices(lay: Layout, n_groups: int, region_ids) -> list[slice]:
    """Agent index ranges of the given regions (regions are contiguous blocks)."""
    out = []
    for r in region_ids:
        first_locale = lay.cell_locale_start[r * n_groups]
        last_locale = lay.cell_locale_start[(r + 1) * n_groups]
        out.append(slice(int(lay.locale_start[first_locale]), int(lay.locale_start[last_locale])))
    return out


def group_slices(lay: Layout, n_groups: int, group_id: int) -> list[slice]:
    cells = [r * n_groups + group_id for r in range(len(lay.cell_agents))]
    return [slice(int(lay.locale_start[lay.cell_locale_start[c]]), int(lay.locale_start[lay.cell_locale_start[c + 1]]))
            for c in cells]


def shock_legitimacy(agents: Agents, slices: list[slice], amount: float) -> None:
    for sl in slices:
        seg = agents.legitimacy[sl]
        np.clip(seg - np.float32(amount), 0.0, 1.0, out=seg)


def apply(event: Event, s: Scenario, w: World, agents: Agents, lay: Layout, log) -> None:
    """Apply one event on its date. ``log(holder, route, note)`` records a change of power."""
    n_groups = len(w.groups)
    regions = [w.regions.index(r) for r in event.regions] if event.regions else range(len(w.regions))
    kind = event.kind
    if kind == "government_formed":
        w.holder = "provisional_government"
        w.ruling = tuple(p for p, spec in s.parties.items() if spec.action == "none" and p != "others")
        w.last_change = day_number(s.scenario.start, event.date)  # a new government consolidates (7.11)
        log("provisional_government", "abdication", event.label)
    elif kind == "turn":
        p = w.index(event.party)
        spec = s.parties[event.party]
        if spec.platform_after_turn is not None:
            w.platforms[p] = spec.platform_after_turn.as_tuple()
        if spec.lens_after_turn is not None:
            w.lens[p] = spec.lens_after_turn
        w.base_reach[p] = np.clip(w.base_reach[p] * (1.0 + event.magnitude), 0.0, 1.0)
        w.turned.add(event.party)
    elif kind == "legitimacy_shock":
        shock_legitimacy(agents, region_slices(lay, n_groups, regions), event.magnitude)
    elif kind == "coalition":
        moderates = [w.index(p) for p, spec in s.parties.items() if spec.moderate_bloc]
        target = w.platforms[moderates].mean(axis=0)
        w.policy += event.magnitude * (target - w.policy)
        w.ruling = tuple(dict.fromkeys(w.ruling + tuple(p for p, spec in s.parties.items() if spec.moderate_bloc)))
    elif kind == "offensive":
        start = day_number(s.scenario.start, event.date)
        end = day_number(s.scenario.start, event.end or event.date)
        w.offensive = (start, end, event.magnitude)
        w.offensive_launched = True
    elif kind == "repression":
        p = w.index(event.party)
        w.base_reach[p] *= 1.0 - event.magnitude
        w.members[p] *= 1.0 - event.magnitude
    elif kind == "land_reform":
        w.land_relief = max(w.land_relief, event.magnitude)
        w.policy[1] = max(w.policy[1], event.magnitude)
    elif kind == "separate_peace":
        wp = s.parameters.war
        w.war_relief = max(w.war_relief, event.magnitude)
        w.policy[0] = 1.0
        w.grain_loss += wp.peace_grain_loss
        w.loyal_reserve_factor *= wp.peace_reserve_gain
        if "middle_strata" in w.groups:
            shock_legitimacy(agents, group_slices(lay, n_groups, w.groups.index("middle_strata")),
                             wp.peace_patriot_shock)
    elif kind == "constituent_assembly":
        if w.holder == "provisional_government":
            shock_legitimacy(agents, region_slices(lay, n_groups, regions), -event.magnitude)
    # soviet_congress and municipal_election change nothing by themselves: they are observed;
    # assembly_session is answered by the government in power (Run._assembly_session), and a
    # strike_call sets the day's expectations in the called locales (Run._calls).


def collapse_of_offensive(w: World, day: int, agents: Agents, lay: Layout, shock: float) -> None:
    """The day after an offensive ends it has failed: ``shock`` times its size is lost in legitimacy."""
    if w.offensive is not None and day == w.offensive[1] + 1:
        shock_legitimacy(agents, region_slices(lay, len(w.groups), range(len(w.regions))), shock * w.offensive[2])


def offensive_deadline(s: Scenario) -> int | None:
    """The date the allies expected an offensive: that of the scenario's offensive event, on or off."""
    dates = [e.date for e in s.events.values() if e.kind == "offensive"]
    return day_number(s.scenario.start, min(dates)) if dates else None
