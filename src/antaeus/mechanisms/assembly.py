"""The Constituent Assembly's session: who governs once the elected Assembly meets.

Every party of 1917 had promised the Assembly, and the Provisional Government called itself
provisional until it met (Pipes 1990, ch. 12); the Bolsheviks, in power from October with the
Left SRs, let it meet on 5/18 January 1918 and dispersed it the next day, when its majority
refused to endorse the soviet government's decrees (Radkey 1989, Russia Goes to the Polls;
Rabinowitch 2007, The Bolsheviks in Power, ch. 5). The model resolves the session instead of
scripting it. The Assembly's seats are the parties' shares of its election, a faction that ran
on its parent's lists sitting with the parent. The Provisional Government, which held power only
until the Assembly met, hands it to the Assembly's government. A government whose leading party
belongs to the Assembly's majority is endorsed. Any other government (a soviet government
outside the majority, a military one) disperses the Assembly, with the true odds of a contest of
force: the armed supporters of the government's parties in the capitals (a military
government's loyal troops) against the armed supporters of the Assembly's majority, the
government's share of the seats counting for or against it as the soviets' legality does in an
insurrection. A dispersal that fails gives power to the Assembly's government.

The Assembly's government is a minimal connected winning coalition (Axelrod 1970, Conflict of
Interest, ch. 8): the largest party, joined one by one by the party whose platform lies closest
to the coalition's seat-weighted platform, until it holds more than half of the seats. Its policy
is that seat-weighted platform. The Provisional Government hands power over even where its own
parties hold a majority: the Assembly, not the government, forms the government.

The Assembly's promise. On its first day the Provisional Government promised the Assembly, and it
soon asked the peasants to leave the land to the Assembly's law (its appeal of 19 March O.S.);
the land committees of April were to prepare that law. While the villages believed the promise
they had a lawful road to the land, and part of their hunger for it was answered: in the spring
they pressed for lower rents and higher wages and took unused land, and seldom the landlords'
fields (Gill 1979, Peasants and Government in the Russian Revolution, ch. 3-4; Keep 1976, The
Russian Revolution: A Study in Mass Mobilization, ch. 14). The promise wore thin as the Assembly
was put off and the committees were held back, and by the summer the villages took what the law
had not given them (Gill 1979, ch. 5; Figes 1996, A People's Tragedy, ch. 10). So from the day
the first government forms, the land hunger everyone feels is the scenario's times
1 - ``promise_weight`` exp(-t / ``patience_days``), t days after the promise (:func:`promised`):
the promise holds back both the hardship people feel (odd.md 7.4, 7.6) and the growth of their
land demand (7.1), and its hold falls by a factor e every ``patience_days``. With ``promise_weight`` 0
the promise changes nothing.
"""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..params import param
from .decisions import force_log_odds
from .power import Settlement

NAME = "assembly"
CITATION = ("Radkey (1989) Russia Goes to the Polls; Rabinowitch (2007) The Bolsheviks in Power, ch. 5; "
            "Pipes (1990) The Russian Revolution, ch. 12; Axelrod (1970) Conflict of Interest, ch. 8 "
            "(minimal connected winning coalitions); the promise: Gill (1979) Peasants and Government in the Russian "
            "Revolution ch. 3-5, Keep (1976) The Russian Revolution: A Study in Mass Mobilization ch. 14")

#: what a government does when the Assembly meets
ENDORSED, HANDS_OVER, DISPERSES = "endorsed", "hands_over", "disperses"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    legality_weight: float = param(
        1.5, 0.0, 5.0, "log-odds", "log-odds a government gains in dispersing the Assembly by holding all of its "
        "seats (and loses by holding none): the legality of an elected body, as the soviets' in an insurrection",
        "GUESS: the size of the soviets' legality (decisions.soviet_weight); the Assembly's defenders could call on "
        "the vote of the whole country, yet few came out for it on 5/18 January (Radkey 1989; Rabinowitch 2007, ch. 5)")
    promise_weight: float = param(
        0.0, 0.0, 1.0, "share", "share of the land hunger the promise of the Assembly answers on the day the first "
        "government forms",
        "after Gill (1979) ch. 3-4: in the spring of 1917 the villages left the land to the promised Assembly and its "
        "land committees; no source measures the share, so the default is 0 (no promise) and it is calibrated "
        "(prior 0-0.3)")
    patience_days: float = param(
        60.0, 7.0, 365.0, "days", "time over which the promise's hold on the land hunger falls by a factor e",
        "GUESS after Gill (1979) ch. 5: four months after the promise, by July 1917, the villages no longer waited; "
        "60 days leaves a seventh of the hold after 120")


def promised(days_since: np.ndarray, weight: float, patience: float) -> np.ndarray:
    """The factor on the land hunger on each day (``days_since`` the first government formed,
    negative before): 1 - ``weight`` exp(-days / ``patience``) from the promise on, 1 before it
    (the old regime promised nothing)."""
    days = np.asarray(days_since, np.float64)
    return np.where(days >= 0, 1.0 - weight * np.exp(-np.maximum(days, 0.0) / patience), 1.0)


def coalition(seats: np.ndarray, platforms: np.ndarray) -> list[int]:
    """The Assembly's government: the largest party, joined one by one by the party whose
    platform is closest (Euclidean) to the coalition's seat-weighted platform, ties going to
    the larger party, until it holds more than half of the seats. ``seats`` are shares [P],
    ``platforms`` [P,4]. Only parties with seats join; every index once, in the order they joined."""
    order = [q for q in sorted(range(seats.size), key=lambda q: (-seats[q], q)) if seats[q] > 0] or [0]
    members = [order[0]]
    while seats[members].sum() <= 0.5 and len(members) < len(order):
        centre = platform(seats, platforms, members)
        rest = [q for q in order if q not in members]
        members.append(min(rest, key=lambda q: (float(np.sum((platforms[q] - centre) ** 2)), -seats[q], q)))
    return members


def platform(seats: np.ndarray, platforms: np.ndarray, members: list[int]) -> np.ndarray:
    """The seat-weighted mean platform of ``members`` (their plain mean if none holds a seat)."""
    w = seats[members]
    if w.sum() <= 0:
        return platforms[members].mean(axis=0)
    return (platforms[members] * w[:, None]).sum(axis=0) / w.sum()


def response(holder: str, leader_in_majority: bool) -> str:
    """What the government in power does when the Assembly meets: the Provisional Government
    hands power over (it was provisional until then); any other is endorsed when its leading
    party belongs to the Assembly's majority (:func:`coalition`) and disperses it otherwise."""
    if holder == "provisional_government":
        return HANDS_OVER
    return ENDORSED if leader_in_majority else DISPERSES


def joint_lists(seats: np.ndarray, parent: np.ndarray) -> np.ndarray:
    """Seats by the lists the voters chose: a faction that ran on its parent's list (``parent``
    [P]: the parent's index, or -1) sits with it. The SR lists were drawn up before the Left SRs
    split; where separate Left SR lists ran, they took 26,000 votes against the SRs' 1,839,000
    (Radkey 1989; Pipes 1990, data1917 section 5a)."""
    out = seats.copy()
    for q in range(seats.size):
        if parent[q] >= 0:
            out[parent[q]] += out[q]
            out[q] = 0.0
    return out


def dispersal_log_odds(force_for: float, force_against: float, ruling_seats: float, force_elasticity: float,
                       p: Params) -> float:
    """True log-odds that a government disperses the Assembly: Hirshleifer's contest of the two
    armed sides (``force_elasticity`` times the log ratio), plus the Assembly's legality by the
    government's share of its seats."""
    return force_log_odds(force_for, force_against, force_elasticity) + p.legality_weight * (2.0 * ruling_seats - 1.0)


def assembly_government(parties: list[str], seats: np.ndarray, platforms: np.ndarray) -> Settlement:
    """Power passes to the Assembly's government (:func:`coalition`), with its seat-weighted
    platform as policy."""
    members = coalition(seats, platforms)
    ruling = tuple(parties[q] for q in members)
    policy = tuple(float(x) for x in platform(seats, platforms, members))
    return Settlement("assembly", "assembly_government:" + "+".join(ruling), ruling, policy,
                      note="the Constituent Assembly forms the government")
