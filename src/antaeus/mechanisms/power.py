"""Who holds power, and what taking it does (statement 7: the route shapes what follows).

An attempt (insurrection, transfer of power to the soviets, coup) succeeds when a uniform
draw falls below its true probability. A success changes the holder and the policy the
population judges; a failure brings repression on the actor. The breadth of the new
holder's support on the day is logged, since a narrow seizure sets new contradictions
(civil war risk) that a broad settlement does not.
"""
from __future__ import annotations

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
