"""Who holds power, and what taking it does (statement 7: the route shapes what follows).

An attempt (insurrection, transfer of power to the soviets, coup) succeeds when a uniform
draw falls below its true probability. A success changes the holder and the policy the
population judges; a failure brings repression on the actor. The breadth of the new
holder's support on the day is logged, since a narrow seizure sets new contradictions
(civil war risk) that a broad settlement does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "power"
CITATION = ("Tilly (1978) From Mobilization to Revolution, ch. 7 (revolutionary situations and "
            "outcomes); resolution rule: Hirshleifer (1989) contest success")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    failure_reach_loss: float = param(0.4, 0.0, 1.0, "share", "share of reach lost by an actor whose attempt fails")
    failure_member_loss: float = param(0.2, 0.0, 1.0, "share", "share of members lost by an actor whose attempt fails")
    failed_coup_shock: float = param(0.15, 0.0, 1.0, "legitimacy", "legitimacy lost by the government after a failed coup (it looks complicit)")
    consolidation_days: float = param(21.0, 0.0, 120.0, "days", "days after a change of power before anyone may contest it again")
    coup_repression: float = param(2.0, 1.0, 5.0, "multiplier", "repressive capacity multiplier under a military government")
    ally_power_cut: float = param(0.8, 0.0, 1.0, "platform", "soviet-power plank from which an available party that is not "
                                  "a moderate socialist joins the insurgent bloc")
    military_peace: float = param(0.0, 0.0, 1.0, "policy", "a military government's policy on peace")
    military_land: float = param(0.0, 0.0, 1.0, "policy", "a military government's policy on land")
    military_bread: float = param(0.2, 0.0, 1.0, "policy", "a military government's policy on bread")
    military_power: float = param(0.0, 0.0, 1.0, "policy", "a military government's policy on soviet power")
    transfer_peace: float = param(0.6, 0.0, 1.0, "policy", "the least a soviet government by transfer concedes on peace")
    transfer_land: float = param(0.7, 0.0, 1.0, "policy", "the least a soviet government by transfer concedes on land")
    transfer_bread: float = param(0.5, 0.0, 1.0, "policy", "the least a soviet government by transfer concedes on bread")
    transfer_power: float = param(1.0, 0.0, 1.0, "policy", "the least a soviet government by transfer concedes on soviet power")


@dataclass(frozen=True)
class Settlement:
    """What an attempt's outcome does to the world (applied by the engine)."""

    route: str | None = None               # the route of a change of power; None if power stayed
    holder: str | None = None              # the new holder (with a route)
    ruling: tuple[str, ...] = ()           # the parties of the new government (with a route)
    policy: tuple[float, ...] | None = None  # the new government's policy (with a route)
    repression_factor: float = 1.0         # on every region's repressive capacity
    cooldown_until: int | None = None      # a failed actor may not try again before this day
    reach_kept: float = 1.0                # the share of its reach a failed party keeps
    members_kept: float = 1.0              # the share of its members a failed party keeps
    legitimacy_shock: float = 0.0          # legitimacy every person loses (a failed coup; < 0: gains)
    splits: bool = False                   # a faction became a party of its own
    press_closed_until: int | None = None  # the failed party recruits nobody before this day
    crowd_quiet_until: int | None = None   # the capital's crowd does not rise on its own before this day
    release: float = 0.0                   # reach regained by the insurgent bloc, cooldowns lifted (a failed coup)
    soviet_turn: float = 0.0               # share of the gap to their constituents the soviets close at once
    note: str = ""                         # what the power log says of it


def settle(actor: str, action: str, success: bool, day: int, params: Params, cooldown_days: float,
           parties: list[str], platforms: np.ndarray, insurgents: list[int], moderates: list[int],
           sanction: float = 0.0) -> Settlement:
    """The outcome of one attempt. A success of an insurrection puts the insurgent bloc
    (``insurgents``, indices into ``parties``) in power with its platforms' mean as policy; a
    transfer puts the moderate socialists (``moderates``) in power with at least the soviets'
    programme; a coup installs a military government that represses harder. A failure costs a
    party reach and members and stops the actor for ``cooldown_days`` (what a failed coup
    does besides is :func:`antaeus.mechanisms.coup.aftermath`). An insurrection a congress of
    soviets ratifies gains every person ``sanction`` of legitimacy (``congress``)."""
    if action == "split":
        return Settlement(splits=bool(success))
    if action == "rising":  # a rising from below that wins is an insurrection of the party's bloc
        action = "insurrection"
    if not success:
        if actor == "army_command":
            return Settlement(cooldown_until=day + int(cooldown_days))
        return Settlement(cooldown_until=day + int(cooldown_days), reach_kept=1.0 - params.failure_reach_loss,
                          members_kept=1.0 - params.failure_member_loss)
    if action == "coup":
        military = (params.military_peace, params.military_land, params.military_bread, params.military_power)
        return Settlement("coup", "military_government", (), military, params.coup_repression)
    bloc = insurgents if action == "insurrection" else moderates
    if action == "insurrection":  # the party that rose leads its bloc's government
        bloc = sorted(bloc, key=lambda q: parties[q] != actor)
    ruling = tuple(parties[q] for q in bloc)
    route = "insurrection" if action == "insurrection" else "soviet_transfer"
    policy = government_policy(platforms, bloc, route, params)
    return Settlement(route, "soviet_government:" + "+".join(ruling), ruling, tuple(float(x) for x in policy),
                      legitimacy_shock=-sanction, note="in the name of the congress of soviets" if sanction else "")


def government_policy(platforms: np.ndarray, bloc: list[int], route: str, params: Params) -> np.ndarray:
    """A soviet government's policy: the mean platform of its parties (``bloc``, indices into
    ``platforms``); one to which power was transferred concedes at least the soviets' programme."""
    policy = platforms[bloc].mean(axis=0)
    if route != "insurrection":
        policy = np.maximum(policy, (params.transfer_peace, params.transfer_land, params.transfer_bread,
                                     params.transfer_power))
    return policy


def joins_government(backs_soviet_power: bool, faction_villagers: float, parent_villagers: float) -> bool:
    """Whether a faction that left its party after the soviets took power enters the soviet
    government once it has consolidated: it backs soviet power, and it has more villagers with
    it than the party it left keeps (its own supporters and the parent's who lean to it, as the
    peasants' congresses seated them), the peasants' mandate it brings. The Left SRs entered
    the Council of People's Commissars on 9/22 December 1917, after the peasants' congresses
    of November and December had gone their way and their delegates had joined the soviets'
    executive (Douds 2017; Rabinowitch 2007; Pipes 1990)."""
    return bool(backs_soviet_power) and faction_villagers > parent_villagers
