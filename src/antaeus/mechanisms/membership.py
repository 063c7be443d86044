"""Party membership and organisational reach.

Joining a party is a diffusion among the party's supporters (Bass 1969): a share of the
supporters would join if reached (the party's potential membership); each day some of those
not yet enrolled join on their own (the press, a meeting) and more are enrolled through the
members already there (cadres canvass their workshops, regiments and villages), so growth
is fastest where an organisation already exists and stops at the potential. When support
ebbs below the membership, the excess drifts away. Membership is therefore bounded by
support, not by the day's activists: peasants seizing land did not thereby join the SRs.
Bolshevik growth from about 24,000 in February to about 240,000 in August and 350,000 in
October, the SRs' 500,000-700,000 and the Mensheviks' 100,000-200,000 (data1917.md §6) are
the record this is held against in calibration. A group's supporters count towards the
potential in proportion to how readily that group joins (``joins`` in the scenario): the
SRs' villages voted for them in their millions but seldom took a card (Radkey 1958). Reach
in a region grows with membership by a saturating curve.

Soldiers carry the parties home. Men on leave, deserters and the delegates of the front's
committees brought the slogans of the trenches into the villages (S.A. Smith 2017, in The
Cambridge History of Russia vol. 3; Lenin 1919 on the fronts near the capitals): a party's
reach in a rural region grows with its share among the soldiers of the fronts the region
lies behind (every front where it names none) and with how many of those soldiers there
are per villager: a region behind named fronts is their rear, and counts their soldiers
against its own adults, while the men on leave from every front spread over the whole
countryside (:func:`carried`; ``engine.simulate.rear_of``).

Workers carry them too. Factory workers who still held land or a household in a village went
back for the field season, sent money and letters, and brought the factory's politics with them
(Johnson 1976; Burds 1998); in November 1917 the provinces around Moscow voted Bolshevik in
their villages as in their towns (Radkey 1989). A party's reach in a region with villages grows
with its share among the region's people with village ties (``groups.<id>.village_ties``) and
with how many of them there are per adult (the same :func:`carried`; ``engine.simulate.ties_of``).

A faction that splits takes part of its party's organisation with it (:func:`taken_over`):
in each region a share of the party's base reach in proportion to the party's supporters
there whom the faction's platform fits better, and the members nationally in the same
proportion. The party keeps the rest. Whole SR organisations went left in 1917 (Kharkov,
Kronstadt, Petrograd: Gusev 1975; Häfner 1994), so what the split divides is the organisation,
not only the vote.
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "membership"
CITATION = ("Bass (1969) Management Science 15 (diffusion with innovation and imitation); "
            "recruitment through existing members and networks: Oliver & Marwell (1988) ASR 53, "
            "McAdam (1986) AJS 92; data1917.md §6")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    join_share: float = param(0.04, 0.001, 0.3, "share of supporters",
                              "share of a party's supporters who would join it if reached: its potential membership",
                              source="GUESS of the order of the record: about 240,000 Bolshevik members in August "
                                     "against several million supporters, 500,000-700,000 SRs against tens of "
                                     "millions of voters (data1917.md §6, §5a)")
    independent_rate: float = param(0.002, 0.0, 0.1, "per day",
                                    "share of the not-yet-enrolled potential who join on their own each day")
    attrition: float = param(0.005, 0.0, 0.05, "per day",
                             "share of the members above the party's potential who leave each day")
    reach_scale: float = param(300000.0, 1e3, 1e7, "members", "membership at which reach gains 63% of its room to grow")
    soldier_carry: float = param(0.6, 0.0, 5.0, "reach per share per soldier per adult",
                                 "reach a party gains in a rural region per unit of its share among the soldiers "
                                 "of the fronts it lies behind, per soldier of those fronts per adult of the "
                                 "region (soldiers on leave, deserters, the front's rear quartered in it)",
                                 source="GUESS after S.A. Smith (2017, Cambridge History of Russia vol. 3): soldiers "
                                        "returning from the front brought politics into the village; contact in "
                                        "proportion to the soldiers per villager is the model's assumption (mass "
                                        "action); calibrated")
    village_carry: float = param(10.0, 0.0, 100.0, "reach per share per tied person per adult",
                                 "reach a party gains in a region with villages per unit of its share among the "
                                 "region's people with village ties (workers who hold land there), per such "
                                 "person per adult of the region",
                                 source="GUESS after Johnson (1976) Slavic Review 35 and Burds (1998) "
                                        "Peasant Dreams and Market Politics: workers who kept land and family in "
                                        "the village went back for the harvest and carried the town's politics; the "
                                        "central industrial provinces voted with their factories in November 1917 "
                                        "(Radkey 1989: Moscow province 56% Bolshevik, 26% SR); contact in proportion "
                                        "to the tied people per adult is the model's assumption (mass action); "
                                        "calibrated")
    split_takeover: float = param(0.0, 0.0, 1.0, "share",
                                  "share of a party's local organisation (its base reach in a region, and its "
                                  "members) that a faction takes with it when it splits, per unit of the share of "
                                  "the party's supporters there whom the faction's platform fits better; 0: the "
                                  "faction starts from its own small network",
                                  source="whole local SR organisations went over to the left in 1917: Kharkov and "
                                         "Kronstadt from the spring, Petrograd (about 45,000 members; Kamkov claimed "
                                         "40,000) by the autumn (Gusev 1975; Felshtinsky 1991; Häfner 1994); how much "
                                         "of the rural network followed is not counted anywhere: calibrated")


@njit(cache=True)
def recruit(members: np.ndarray, supporters: np.ndarray, rates: np.ndarray, join_share: float,
            independent, attrition: float) -> np.ndarray:
    """One day of joining and leaving (people, per party); ``independent`` is one rate for all
    or one per party (zero, with ``rates``, for a party whose press is closed: ``rising``).

    ``potential = join_share · supporters``. Below it, ``(independent + rate · members /
    potential) · (potential − members)`` join (Bass diffusion, ``rate`` the party's recruitment
    through its members); above it, ``attrition · (members − potential)`` leave."""
    potential = join_share * supporters
    room = potential - members
    through_members = rates * members / np.maximum(potential, 1.0)
    joined = members + np.minimum(independent + through_members, 1.0) * room
    return np.where(room > 0.0, joined, members + attrition * room)


def reach(base: np.ndarray, members: np.ndarray, scale: float) -> np.ndarray:
    """Reach [P,R]: the base reach grown as membership rises, up to base * (2 - base).

    Growth is proportional to the base reach, so a party grows where it already stands."""
    growth = 1.0 - np.exp(-members / scale)
    return base + (1.0 - base) * growth[:, None] * base  # grows where the party already stands


def taken_over(base_reach: np.ndarray, members: np.ndarray, faction: int, party: int, closer: np.ndarray,
               supporters: np.ndarray, takeover: float) -> tuple[np.ndarray, np.ndarray]:
    """The party's organisation divided at the faction's split (copies). In each region the
    faction takes ``takeover`` times the share of the party's supporters there whom its
    platform fits better (``closer`` of ``supporters`` [R], people) of the party's base reach,
    added to its own (at most 1); the party keeps the rest. The party's members go over in the
    same proportion nationally."""
    share = takeover * np.divide(closer, supporters, out=np.zeros_like(closer), where=supporters > 0)
    reach, enrolled = base_reach.copy(), members.copy()
    taken = share * base_reach[party]
    reach[faction] = np.minimum(reach[faction] + taken, 1.0)
    reach[party] -= taken
    moved = takeover * float(closer.sum()) / max(float(supporters.sum()), 1e-300) * members[party]
    enrolled[faction] += moved
    enrolled[party] -= moved
    return reach, enrolled


def carried(reach: np.ndarray, share: np.ndarray, contact: np.ndarray, weight: float) -> np.ndarray:
    """Reach [P,R] with what the carriers bring home: ``weight`` times the carriers per adult
    (``contact`` [R]; 0 where they bring nothing) times each party's share among them
    (``share`` [R,P]), at most 1. The soldiers of the fronts a rural region lies behind
    (``soldier_carry``), and the people with village ties in a region with villages
    (``village_carry``)."""
    return np.minimum(reach + weight * share.T * contact[None, :], 1.0)
