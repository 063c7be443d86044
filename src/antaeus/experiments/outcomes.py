"""The outcomes of an ensemble: each run's regime path, named, counted and compared.

A run's *path* is its sequence of governments after the old regime; its *outcome* names who
holds power on the last simulated day and by which route they came to it (docs/explore.md,
"Outcomes"). Over the replications of a design point an outcome has a probability with a
Wilson score interval (Wilson 1927, JASA 22:209-212); between a point and the factual, paired
on the replication (common random numbers), the difference of the two probabilities has
Newcombe's score interval for paired proportions (Newcombe 1998, Statistics in Medicine
17:2635-2650, method 10). With parameters drawn from the posterior, the spread of an outcome
over the runs splits into a part from the parameters and a part from chance by a one-way
random-effects analysis of variance over the drawn particles (Searle, Casella & McCulloch 1992,
*Variance Components*, ch. 3, the one-way classification).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Iterable, Sequence

import numpy as np

from ..mechanisms.assembly import ENDORSED, HANDS_OVER

#: the named outcomes, in the order the tables show them, with what each means
OUTCOMES: dict[str, str] = {
    "old_regime_holds": "no government replaces the old regime",
    "provisional_government_holds": "the Provisional Government still holds power on the last day",
    "soviet_insurrection": "a soviet government that took power by insurrection holds power on the last day",
    "soviet_transfer": "a broad soviet government, to which power was transferred, holds power on the last day",
    "military_dictatorship": "a military government (a coup succeeded) holds power on the last day",
    "assembly_government": "the Constituent Assembly's government (the old one handed power over, or failed to "
                           "disperse it) holds power on the last day",
}

#: the government's answers to the Constituent Assembly's session (docs/odd.md 7.11.4), each
#: as the (action, outcome) of its decision record
SESSION_ANSWERS: dict[str, tuple[str, str]] = {
    "dispersed": ("dispersal", "success"),
    "dispersal failed": ("dispersal", "failure"),
    "handed over": ("assembly", HANDS_OVER),
    "endorsed": ("assembly", ENDORSED),
}

#: the z of a two-sided 95% interval
Z95 = NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Change:
    """One change of power as the power log records it (``Result.power_log``)."""

    holder: str
    route: str


def outcome_of(path: Sequence[Change]) -> str:
    """The named outcome of a run from its power log (oldest first, inherited regime first)."""
    last = path[-1]
    if last.holder == "military_government":
        return "military_dictatorship"
    if last.holder.startswith("soviet_government"):
        return "soviet_insurrection" if last.route == "insurrection" else "soviet_transfer"
    if last.holder == "provisional_government":
        return "provisional_government_holds"
    if last.holder.startswith("assembly_government"):
        return "assembly_government"
    return "old_regime_holds"


def regime_label(change: Change) -> str:
    """A short name for one government of a path: ``provisional``, ``military (coup)``,
    ``soviet: bolsheviks+left_srs (insurrection)``."""
    holder = change.holder.removesuffix("_government").replace("_government:", ": ")
    if change.route in ("inherited", "abdication"):
        return holder
    return f"{holder} ({change.route.replace('_', ' ')})"


def path_label(path: Sequence[Change]) -> str:
    """The regime path as one string, without the inherited regime: ``provisional → military (coup)``."""
    shown = [regime_label(c) for c in path if c.route != "inherited"] or [regime_label(path[0])]
    return " → ".join(shown)


def changes_of_power(path: Sequence[Change]) -> int:
    """Contested changes of power: every change after the first government formed."""
    return sum(c.route not in ("inherited", "abdication") for c in path)


# ------------------------------------------------------------------------ intervals


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a binomial probability; (nan, nan) for no trials."""
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # the interval holds p exactly; rounding may put an end a hair past it when k is 0 or n
    return max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def paired_difference(point: np.ndarray, factual: np.ndarray, z: float = Z95) -> tuple[float, float, float]:
    """P(point) − P(factual) over paired binary outcomes, with Newcombe's score interval
    (method 10: Wilson intervals of both margins joined through the phi correlation of the
    pairs, its numerator moved n/2 towards zero when positive)."""
    x, y = np.asarray(point, bool), np.asarray(factual, bool)
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    a, b = int(np.sum(x & y)), int(np.sum(x & ~y))
    c, d = int(np.sum(~x & y)), int(np.sum(~x & ~y))
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson(a + b, n, z)
    l2, u2 = wilson(a + c, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        phi = 0.0
    else:
        num = a * d - b * c
        num = max(num - n / 2, 0.0) if num > 0 else num
        phi = num / math.sqrt(margins)
    diff = p1 - p2
    lower = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    upper = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return diff, max(-1.0, diff - lower), min(1.0, diff + upper)


def variance_split(indicator: np.ndarray, particle: np.ndarray) -> tuple[float, float]:
    """The variance of a 0/1 outcome over runs split into (parameters, chance): the
    between-particle and within-particle components of a one-way random-effects ANOVA
    (unbalanced, the ANOVA estimator; the between part clipped at zero). (nan, nan) when
    fewer than two particles were drawn, or no particle repeats."""
    y, g = np.asarray(indicator, float), np.asarray(particle)
    groups, inverse, sizes = np.unique(g, return_inverse=True, return_counts=True)
    k, n = groups.size, y.size
    if k < 2 or n <= k:
        return math.nan, math.nan
    means = np.bincount(inverse, weights=y) / sizes
    grand = y.mean()
    msb = float(np.sum(sizes * (means - grand) ** 2) / (k - 1))
    msw = float(np.sum((y - means[inverse]) ** 2) / (n - k))
    n0 = (n - np.sum(sizes ** 2) / n) / (k - 1)
    return max(0.0, (msb - msw) / n0), msw


def date_quantiles(dates: Iterable) -> dict[str, dt.date | None]:
    """The 5%, 50% and 95% quantiles (``q05``, ``median``, ``q95``) of dates, each a date that
    occurred ('lower' interpolation on whole days); None for no dates."""
    import pandas as pd  # the dates come from an ensemble's tables, so pandas is loaded already
    x = np.sort(np.fromiter((pd.Timestamp(d).toordinal() for d in dates), np.int64))
    return {name: dt.date.fromordinal(int(np.quantile(x, q, method="lower"))) if x.size else None
            for name, q in (("q05", 0.05), ("median", 0.5), ("q95", 0.95))}
