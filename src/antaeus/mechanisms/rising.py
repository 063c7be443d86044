"""A rising from below, before the party's leaders judge the moment right, and its repression.

In July 1917 the garrison's machine-gunners, the Kronstadt sailors and the Vyborg workers
came out for soviet power against the advice of the Bolshevik Central Committee, which
half-joined once they were in the streets; the soviets' majority refused the power offered
to it, loyal troops arrived, and the rising failed (Rabinowitch 1968). Here a rising breaks
out when the share of the capital's armed people who are out in action and want power for
the soviets reaches a cut, while the insurgent party itself does not act. It is resolved
with the true probability an insurrection of the party's bloc would have on the day, soviet
legality included (a minority in the soviet counts against it). A success is an
insurrection. A failure falls on the party in proportion to what it has: its leaders are
arrested or in hiding for weeks, its press is closed (no recruitment), it loses a share of
its reach and of its members, and the government, stronger for the moment, brings in troops
and raises its repressive capacity by a share (Tilly 1978, ch. 4: repression follows a
challenger's failed bid). The defeated crowd does not rise on its own again for a while: the
units that led it are broken up and the party holds its followers back (Rabinowitch 1976,
ch. 1-2 and 12).
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..core import sums
from ..params import param
from .power import Settlement

NAME = "rising"
CITATION = ("Rabinowitch (1968) Prelude to Revolution: the Petrograd Bolsheviks and the July 1917 "
            "Uprising; Rabinowitch (1976) The Bolsheviks Come to Power, ch. 1-2 and 12 (after July); "
            "Tilly (1978) From Mobilization to Revolution, ch. 4 (repression)")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    crowd_cut: float = param(
        0.3, 0.0, 1.0, "share", "share of the capital's armed people out in action for soviet power at which a "
        "rising breaks out from below",
        "GUESS in size; in July the armed demonstrators were some tens of thousands of the garrison's ~200,000 "
        "and a larger share of the Vyborg and Kronstadt units (Rabinowitch 1968, ch. 6-7)")
    leaders_out_days: float = param(
        45.0, 0.0, 180.0, "days", "days the party's leaders are arrested or in hiding after a failed rising: "
        "it may not act on power",
        "the record: Lenin in hiding from 6/19 Jul, Trotsky arrested 23 Jul/5 Aug and freed 4/17 Sep, the "
        "party semi-legal at its Sixth Congress (course1917; Rabinowitch 1976, ch. 1-2); 45 days a GUESS within that")
    press_closed_days: float = param(
        30.0, 0.0, 120.0, "days", "days without recruitment after a failed rising (the party's press closed)",
        "Pravda wrecked and closed 5/18 Jul; the party's papers reappeared under new titles within weeks "
        "(Rabinowitch 1976, ch. 1); size GUESS")
    reach_loss: float = param(
        0.4, 0.0, 1.0, "share", "share of its reach a party loses after a failed rising",
        "GUESS in size after Rabinowitch (1976, ch. 1-2): cells broken up, agitators arrested, the German-gold "
        "charge in the press")
    member_loss: float = param(
        0.2, 0.0, 1.0, "share", "share of its members a party loses after a failed rising",
        "GUESS: membership losses in July were local and short-lived (Rabinowitch 1976, ch. 2)")
    lesson_days: float = param(
        110.0, 0.0, 365.0, "days", "days after a failed rising in which the capital's crowd does not rise again on its "
        "own: the units that led it disbanded or sent to the front, the sailors disarmed, and the party holding its "
        "followers back from a second July",
        "the record bounds it: no rising from below followed the July Days (16-20 Jul) before the soviet's own rising "
        "of 6-7 Nov, 110 days; the First Machine-Gun Regiment was disbanded and Kronstadt made to give up its leaders, "
        "and in October the district reports and Kamenev and Zinoviev warned against a repetition of July "
        "(Rabinowitch 1976, ch. 1-2 and 12). The committed calibration was fitted with it; 0 turns the lesson off "
        "(docs/odd.md section 11, 'a sampler that keeps its particles')")
    repression_gain: float = param(
        0.5, 0.0, 3.0, "share", "rise of every region's repressive capacity after a failed rising, as a share of "
        "it (troops brought in from the front, the death penalty restored at the front)",
        "GUESS in size; the mechanism: Rabinowitch (1968, ch. 8) and Tilly (1978, ch. 4)")


@njit(cache=True)
def crowd(active: np.ndarray, radical: np.ndarray, population: np.ndarray, armed: np.ndarray) -> float:
    """Share of the armed people of a region out in action for soviet power: per group, the
    active share times the share who want a transfer of power (taken as independent), weighted
    by the group's armed people. ``active``, ``radical`` and ``population`` are people by group,
    ``armed`` whether the group bears arms."""
    G = population.size
    people, weighted = np.empty(G), np.empty(G)
    for g in range(G):
        people[g] = population[g] * armed[g]
    total = sums.pairwise(people, 0, G)
    if total <= 0.0:
        return 0.0
    for g in range(G):
        out_share = active[g] * radical[g] / (population[g] * population[g]) if population[g] > 0 else 0.0
        weighted[g] = out_share * people[g]
    return sums.pairwise(weighted, 0, G) / total


def repression(day: int, p: Params) -> Settlement:
    """A failed rising: what the party carried along by it loses, and what the government gains."""
    return Settlement(cooldown_until=day + int(round(p.leaders_out_days)),
                      press_closed_until=day + int(round(p.press_closed_days)),
                      crowd_quiet_until=day + int(round(p.lesson_days)),
                      reach_kept=1.0 - p.reach_loss, members_kept=1.0 - p.member_loss,
                      repression_factor=1.0 + p.repression_gain,
                      note="a rising from below fails; the party is repressed")
