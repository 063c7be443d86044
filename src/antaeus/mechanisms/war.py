"""The war and its bad choices (statement 4; Luxemburg, August 1917, in the essay).

An offensive raises the war burden at the fronts while it lasts and leaves a tail of losses
after it collapses. Passivity is no escape: once the date set for an offensive has passed
without one, allied pressure (credits, supplies) worsens the bread shortfall. A separate
peace ends the war burden but costs grain (the occupied south-west) and alienates the
patriotic propertied classes and the officers. The trade-off is the model's reading of the
essay; the sizes are documented guesses.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "war"
CITATION = ("Luxemburg (1917) 'Der alte Maulwurf' / Spartakusbriefe, paraphrased in the seed essay; "
            "Wildman (1987) The End of the Russian Imperial Army, vol. 2, on the offensive's effect")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    offensive_tail_days: float = param(30.0, 0.0, 120.0, "days", "days over which an offensive's losses fade after it ends")
    passivity_penalty: float = param(0.08, 0.0, 0.5, "bread shortfall", "added bread shortfall once an offensive date passes without one")
    peace_grain_loss: float = param(0.1, 0.0, 0.5, "bread shortfall", "added bread shortfall after a separate peace (lost grain regions)")
    peace_patriot_shock: float = param(0.2, 0.0, 1.0, "legitimacy", "legitimacy lost among the propertied classes (middle_strata) after a separate peace")
    peace_reserve_gain: float = param(1.5, 1.0, 3.0, "multiplier", "loyal reserve of the government after a separate peace, "
                                      "as a multiple of the one before (troops freed from the front)")
    offensive_failure_shock: float = param(0.5, 0.0, 1.0, "legitimacy per unit of offensive", "legitimacy every person "
                                           "loses the day after an offensive ends, per unit of its magnitude (it has failed)")


def offensive_burden(day: int, start: int, end: int, magnitude: float, tail: float) -> float:
    """Extra war burden at the fronts on ``day`` from an offensive running [start, end]."""
    if day < start:
        return 0.0
    if day <= end:
        return magnitude
    if tail <= 0:
        return 0.0
    return max(0.0, magnitude * (1.0 - (day - end) / tail))
