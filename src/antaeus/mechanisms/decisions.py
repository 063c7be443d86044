"""Lenses and the certainty-threshold decision rule (statements 1 and 3).

For every strategic actor and action the engine computes the *true* probability that the
action, taken today, would succeed: the probability the resolution rule (``power``) will
use. It is a logistic function of the log force ratio and of the actor's hold on the
capital's soviet, in the contest-success form of Hirshleifer (1989, Public Choice 63).

The actor sees that log-odds through its lens: ``perceived = bias + signal_weight * true +
noise``. A maturity lens (bias < 0, signal_weight < 1) discounts mass radicalism as
premature; the April-Theses lens counts on it. The actor acts only when the perceived
probability reaches its certainty threshold. The *helplessness gap* is true minus perceived.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "decisions"
CITATION = ("Hirshleifer (1989) Public Choice 63:101-112 contest success functions; certainty "
            "threshold after the essay (seed), MODEL.md §1.3")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    force_elasticity: float = param(2.0, 0.1, 10.0, "log-odds per log force ratio", "Hirshleifer's decisiveness m (logit form)")
    soviet_weight: float = param(1.5, 0.0, 5.0, "log-odds", "log-odds gained by holding the capital's soviet (legality)")
    power_demand_cut: float = param(0.6, 0.0, 1.0, "demand", "power demand above which a person backs a transfer of power")
    loyalty_cut: float = param(0.5, 0.0, 1.0, "legitimacy", "legitimacy above which a quiet person defends the government")
    cooldown_days: float = param(60.0, 0.0, 180.0, "days", "days after a failed attempt before the same actor may try again")


def logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def force_log_odds(force_for: float, force_against: float, force_elasticity: float) -> float:
    """The contest of force alone: decisiveness times the log of the force ratio."""
    return force_elasticity * math.log(max(force_for, 1e-9) / max(force_against, 1e-9))


def true_log_odds(force_for: float, force_against: float, soviet_share: float | None,
                  p: Params) -> float:
    """Log-odds of success: decisiveness times log force ratio, plus soviet legality."""
    odds = force_log_odds(force_for, force_against, p.force_elasticity)
    if soviet_share is not None:
        odds += p.soviet_weight * (2.0 * soviet_share - 1.0)
    return odds


def perceive(log_odds: float, bias: float, signal_weight: float, noise: float, draw: float) -> float:
    """The lens: an actor's perceived log-odds given the true log-odds and a N(0,1) draw."""
    return bias + signal_weight * log_odds + noise * draw
