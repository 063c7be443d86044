"""What one run says, as plain rows: for ``--json``, for the API's :class:`RunOutput`, and for
the terminal's tables (``antaeus.cli.run_summary``).

The same row-building functions feed both, so the terminal summary and the JSON document
can never disagree. Everything here reads a :class:`Result` and nothing else.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Iterable

import numpy as np

from antaeus.core.calendar import month_of
from antaeus.engine.result import Observable, Result

#: the constituency name of the whole country in support rows
ALL_RUSSIA = "all_russia"

NOT_CALIBRATED = ("The parameters are documented guesses, NOT calibrated: read this run as an "
                  "exploration of mechanisms, not as a reconstruction of 1917.")

# ------------------------------------------------------------------------ rows (data)


def support_rows(result: Result, dates: Iterable[dt.date]) -> list[dict]:
    """Each party's share among all people of each region, and of all Russia, on each date."""
    rows = []
    for date in dates:
        for region in [*result.regions, ALL_RUSSIA]:
            shares = result.support_shares(date, None if region == ALL_RUSSIA else region)
            rows.extend({"date": date, "region": region, "party": party, "share": share}
                        for party, share in shares.items())
    return rows


def group_support_rows(result: Result, dates: Iterable[dt.date]) -> list[dict]:
    """Each party's share among the people of each social group, over the whole country, on
    each date: who carries a party (workers, soldiers, peasants), where :func:`support_rows`
    says where."""
    rows = []
    for date in dates:
        counts = result.support[result.day_index(date)].sum(axis=0)  # [G,P]
        for group, row in zip(result.groups, counts):
            total = float(row.sum())
            rows.extend({"date": date, "group": group, "party": party, "share": float(c) / total if total else 0.0}
                        for party, c in zip(result.parties, row))
    return rows


def compared_observables(result: Result) -> list[Observable]:
    """Observables that history recorded, so the model can be held against them."""
    return [o for o in result.observables if o.observed is not None]


def mean_absolute_error(obs: Observable) -> float:
    """Mean |simulated - observed| over the parties history recorded (a share, 0..1).

    Only recorded parties count: sources often fold a party into another (Left SRs into
    SRs), and a party that history did not list cannot be scored.
    """
    observed = obs.observed or {}
    if not observed:
        return float("nan")
    return float(np.mean([abs(obs.simulated.get(p, 0.0) - v) for p, v in observed.items()]))


def decision_summary(result: Result) -> list[dict]:
    """Per strategic actor: how often it acted, how it fared, how wrong its reading was."""
    by_actor: dict[str, list] = defaultdict(list)
    for dec in result.decisions:
        by_actor[dec.actor].append(dec)
    rows = []
    for actor, decs in by_actor.items():
        gap = np.array([d.helplessness_gap for d in decs])
        acts = [d for d in decs if d.acted]
        rows.append({
            "actor": actor, "action": decs[-1].action, "days": len(decs),
            "acts": len(acts), "successes": sum(d.outcome == "success" for d in acts),
            "first_act": acts[0].date if acts else None,
            "mean_gap": float(gap.mean()), "max_gap": float(gap.max()),
            "mean_p_true": float(np.mean([d.p_true for d in decs])),
            "mean_p_perceived": float(np.mean([d.p_perceived for d in decs])),
            "threshold": decs[-1].threshold,
        })
    return rows


def gaps_by_month(result: Result) -> dict[str, dict[str, float]]:
    """Mean helplessness gap (p_true - p_perceived) per actor and month ('YYYY-MM')."""
    sums: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for dec in result.decisions:
        sums[dec.actor][month_of(dec.date)].append(dec.helplessness_gap)
    return {a: {m: float(np.mean(v)) for m, v in months.items()} for a, months in sums.items()}


def final_membership(result: Result) -> dict[str, float]:
    """Members of each party on the last simulated day."""
    last = result.membership[-1] if result.days else np.zeros(len(result.parties))
    return {p: float(m) for p, m in zip(result.parties, last)}
