"""Demands: the four concrete wants (peace, land, bread, power to the soviets) follow hardship.

Statement 2 of the essay (MODEL.md §1): the masses want concrete things, and support follows
those wants rather than doctrine. Each person's demand on an issue relaxes towards a target
set by that person's own March position plus the change, since March, of the driver the
group is exposed to (bread shortfall, war burden, land hunger); the demand for soviet power
rises as the government's legitimacy falls below its March level in that person's eyes.
People start spread about their group's March position (``spread``) and keep that
disposition: the radical and the cautious of one factory answer the same hardship from
different places, so a group's tails, not only its mean, move with events. The March
positions already answer March conditions, so hardship that merely persists does not
radicalise anyone further; worsening does, and relief (a separate peace, a land law) lowers
a demand below its March level. Partial adjustment of this kind is the standard
adaptive-expectations form (Nerlove 1958); the link between material hardship and the
radicalisation of concrete demands follows Koenker & Rosenberg (1989) and Figes (1996).
"""
from __future__ import annotations

from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "demands"
CITATION = ("Nerlove (1958) adaptive expectations, QJE 72:227-240; demand radicalisation "
            "after Koenker & Rosenberg (1989), Strikes and Revolution in Russia 1917")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    adaptation_rate: float = param(0.06, 0.0, 0.5, "per day", "speed at which a demand moves to its target")
    driver_gain: float = param(3.0, 0.0, 6.0, "demand per unit driver", "how far a driver's rise since March, fully felt, lifts a demand above its March level")
    power_gain: float = param(3.0, 0.0, 12.0, "demand per unit legitimacy", "how far legitimacy lost since March lifts the demand for soviet power")
    spread: float = param(0.1, 0.0, 0.5, "demand (s.d.)", "spread of the people's own March demands about their group's",
                          source="GUESS: within one group the militants of the Vyborg side and the quiet shop floor "
                                 "stood far apart from the start (Smith 1983, Red Petrograd; Koenker 1981); calibrated")


@njit(inline="always", cache=True)
def target(start, drive, gain):
    """Target demand: the March level moved by the felt change of its driver, within [0, 1]."""
    t = start + gain * drive
    return 1.0 if t > 1.0 else (0.0 if t < 0.0 else t)


@njit(inline="always", cache=True)
def adapt(current, goal, rate):
    """Partial adjustment of a demand towards its target."""
    return current + rate * (goal - current)
