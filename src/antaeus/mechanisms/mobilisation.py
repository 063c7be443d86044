"""Mobilisation: Epstein's activation rule with a Granovetter cascade term.

Grievance G = H (1 - L), with H the person's hardship and L the government's perceived
legitimacy. The estimated arrest probability is P = 1 - exp(-k C/A), with C the repressive
force facing the locale (cops per person times the locale's size times the region's
repression index) and A = 1 + the number active there yesterday. A person is active
when G - R P exceeds the threshold T (Epstein 2002, rule A, strict inequality). Following
Granovetter (1978) the effective threshold falls with the share already active in the
locale. The form of action depends on the group: strikes, demonstrations, land seizures,
the regiment's refusal of orders, mutiny (MODEL.md §2; desertion, a man leaving, is
:mod:`antaeus.mechanisms.desertion`).

Action tires. Each person carries a fatigue, the running mean of their own days of action
over ``fatigue_days``; it raises their threshold by ``fatigue_weight`` times itself. A person
already active keeps going while the margin G - R P - T exceeds that cost; one who has
stopped comes back only when fatigue has fallen to ``rejoin_share`` of the level that stopped
them. So people act in episodes, strike and rest, and the share of days a person spends in
action grows with their grievance instead of jumping from none to all: a cycle of contention
rises and ebbs by exhaustion as well as by repression (Tarrow 1998, ch. 9; Koopmans 2004).
With ``fatigue_weight`` 0 the rule is Epstein's rule A unchanged.

The village keeps the field calendar. In the spring sowing, and still more from the
haymaking to the end of the grain harvest (the *strada*), the household's hands are in the
fields, and a day spent seizing a meadow or marching on the manor is a day lost from the crop
it lives on all winter: for the groups bound to the calendar (``groups.G.field_work``) the
season's load (``drivers.field_work``, the share of their time it claims) times
``field_work_cost`` is added to the threshold. It is the opportunity cost of collective
action (Olson 1965; Popkin 1979, The Rational Peasant, ch. 1), paid in the currency of the
peasant's year. With ``field_work_cost`` 0 the calendar is inert.

A call to strike sets the expectation. Granovetter's thresholds are met against the turnout a
person expects, and on an ordinary day that is yesterday's share active in the locale. A
public call by an organisation makes its following the expectation everyone holds, which is
what lets people with high thresholds move together (Granovetter 1978; Chwe 2001, Rational
Ritual, ch. 1: a public call creates common knowledge). On the day of a call (an event
``strike_call``) each called locale's expected share active is the larger of yesterday's and
the caller's following there (:func:`called`); the cascade term and the arrest estimate read
it. The call is for that day: the next morning the locale expects what it expected before.
Its following is the calling party's supporters; a call whose aim is power to the soviets
(``aim = "soviet_power"``) is followed as well by everyone who backs that transfer of power,
whatever their party (:func:`following`): people follow a call for its demand, not for its
author's doctrine (statement 2).

A village acts as one. The land was seized by the commune, on its assembly's decision, and
the assembly could bind every household to take part (Figes 1996, A People's Tragedy, ch. 10;
Fitzpatrick 1982, ch. 2); the assembly decided ordinary matters by a simple majority and the
weightiest, the redistribution of the land, by two thirds (General Statute on the Peasants of
19 February 1861, art. 54). So in a locale of a group whose action is the land seizure each
person gives their own verdict by the rule above, without the cascade term (the assembly
counts its members' own minds), and the whole village acts when more than
``village_majority`` of them are for it (:func:`skhod`), or none of it does. Villages are not
alike: the allotment per household, the landlord's estate next door or none, the rent owed
differ from commune to commune (Robinson 1932, Rural Russia under the Old Regime, ch. 6-7;
Pallot 1999), so each village locale draws once its own conditions, a lognormal factor of mean
one and log-spread ``village_spread`` on its felt hardship (:func:`village_conditions`). What
a village has taken answers part of its hunger: its felt hardship falls by ``village_taken``
times its fatigue (:func:`what_is_left`), and a village's fatigue is its memory of its own days
in action over ``village_memory_days`` (a seized meadow or pasture served the season; Figes
1996, ch. 10). With a majority of the members ready, a hungry village rises, takes, rests, and
rises again only as the season wears what it took away; the monthly count of villages that
begin to act is what the militia counted as incidents (docs/data.md).

A ready village waits for its occasion. A majority that would act is not yet an act: the
seizures of 1917 began on a particular day, when the landlord sold his grain or hired outside
labour, when a soldier came home on leave, when the volost committee met or a decree was read
out (Figes 1996, ch. 10; Gill 1979, Peasants and Government in the Russian Revolution).
So a quiet village whose assembly is ready begins to act only with a daily chance
``village_occasion`` (:func:`occasion`, :func:`rises`), drawn from its own stream keyed by seed,
day and locale; a village already in action goes on for as long as its majority holds. With
``village_occasion`` 1 every ready village rises on the day it is ready.

A village follows its neighbours' example. News that the next villages had taken the
landlord's meadow and no one had come to punish them was itself an occasion: seizures spread
from village to village through a district (Figes 1996, ch. 10; Gill 1979). A quiet ready
village's daily chance is therefore Bass's hazard, the outside occasion plus
``village_contagion`` times the share of its region's villages that were in action yesterday
(:func:`example`, :func:`occasion_rate`; Bass 1969 for the form, Hedström 1994 for contagion
between neighbouring collectives). With ``village_contagion`` 0 the chance is the occasion alone,
and with ``village_occasion`` 1 every ready village rises at once whatever its neighbours do.
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..core import rng
from ..params import param

NAME = "mobilisation"
#: The activity of the groups whose locales are villages that act as one (:func:`skhod`).
VILLAGE_ACTIVITY = "land_seizure"
CITATION = ("Epstein (2002) PNAS 99 suppl. 3:7243-7250, rule A; Granovetter (1978) AJS "
            "83:1420-1443 thresholds; exhaustion in cycles of contention: Tarrow (1998) Power in "
            "Movement, 2nd ed., ch. 9, Koopmans (2004) in The Blackwell Companion to Social Movements; "
            "the field calendar as the cost of action: Olson (1965) The Logic of Collective Action, "
            "Popkin (1979) The Rational Peasant; a call as common knowledge: Chwe (2001) Rational Ritual; "
            "the village as one actor: General Statute on the Peasants (19 Feb 1861) art. 54, Figes (1996) "
            "A People's Tragedy ch. 10, Robinson (1932) Rural Russia under the Old Regime ch. 6-7; the occasion "
            "of a seizure: Gill (1979) Peasants and Government in the Russian Revolution; the neighbours' example: "
            "Bass (1969) Management Science 15:215-227, Hedström (1994) AJS 99:1157-1179")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    arrest_constant: float = param(2.3, 0.0, 10.0, "1", "k in P = 1 - exp(-k C/A)",
                                   "Epstein (2002): k = 2.3 so that P = 0.9 at C = A = 1")
    threshold: float = param(0.1, 0.0, 1.0, "grievance units", "mean activation threshold T",
                             "Epstein (2002): T = 0.1")
    threshold_sd: float = param(0.05, 0.0, 0.5, "grievance units", "spread of thresholds across people (Granovetter 1978 distributions)")
    cascade_weight: float = param(0.1, 0.0, 2.0, "threshold per active share", "fall of the threshold with the share active in the locale (Granovetter 1978)")
    cop_ratio: float = param(0.06, 0.0, 1.0, "cops per person", "repressive force per person at repression index 1 (Epstein's C per locale = ratio x size)",
                             "Epstein (2002) run 2: cop density 0.04 against agent density 0.7")
    hardship_scale: float = param(0.6, 0.0, 5.0, "hardship per unit driver", "scale from exposed drivers to hardship")
    fatigue_weight: float = param(0.5, 0.0, 2.0, "grievance units", "rise of a person's threshold per unit of fatigue (their share of recent days in action)",
                                  "GUESS after Tarrow (1998) ch. 9: exhaustion ends cycles of contention; calibrated")
    fatigue_days: float = param(14.0, 1.0, 365.0, "days", "span of the running mean of one's own days in action that makes up fatigue",
                                "GUESS: strikes and seizures of 1917 came in waves of days to weeks (Koenker & Rosenberg 1989); calibrated")
    rejoin_share: float = param(0.5, 0.05, 1.0, "share", "fraction of the fatigue that stopped a person to which it must fall before they act again (1: no rest beyond the threshold)",
                                "GUESS: a rest between episodes; 1 would let people stop and restart on alternate days")
    field_work_cost: float = param(0.1, 0.0, 1.0, "grievance units", "rise of the threshold at the height of the field season (load 1), for the groups bound to the field calendar",
                                   "GUESS: as large as Epstein's mean threshold (0.1), so the harvest doubles the cost of acting; "
                                   "no source measures it, so it is calibrated (prior 0-0.3)")
    village_majority: float = param(0.5, 0.3, 0.67, "share", "share of a village's people who must be for an action before the whole village acts",
                                    "General Statute on the Peasants (19 Feb 1861) art. 54: ordinary matters by simple majority, "
                                    "the redistribution of land by two thirds; a seizure is taken as an ordinary decision")
    village_spread: float = param(1.0, 0.0, 2.0, "log units", "spread (sd of the log) of the villages' own conditions, a mean-one lognormal factor on their felt hardship",
                                  "GUESS after Robinson (1932) ch. 6-7: allotments per household differed several-fold between "
                                  "communes and provinces, and many villages had no estate at hand; calibrated (prior 0.3-1.5)")
    village_taken: float = param(1.0, 0.0, 3.0, "share per unit of fatigue", "fall of a village's felt hardship per unit of its fatigue: what it has taken answers part of its hunger",
                                 "GUESS: a village that has been in action all season has taken what lay at hand; calibrated (prior 0-2)")
    village_memory_days: float = param(90.0, 14.0, 365.0, "days", "span of a village's memory of its own days in action (its fatigue): what it took serves about a season",
                                       "GUESS after Figes (1996) ch. 10: meadows, pasture and the landlord's hay were taken for the season")
    village_occasion: float = param(1.0, 0.0, 1.0, "per day", "daily chance that a quiet village whose assembly is ready finds its occasion and begins to act",
                                    "after Gill (1979): seizures began on an occasion (a sale of the landlord's grain, "
                                    "a soldier home on leave, a committee's meeting); default 1, a ready village acts at once: "
                                    "calibrated twice (prior 0.003-0.1, a wait of ten days to a season) it was weakly identified "
                                    "and missed the targets by more (docs/odd.md §11), so it is a what-if lever, not calibrated")
    village_contagion: float = param(0.0, 0.0, 1.0, "per day per share", "rise of a quiet ready village's daily chance to act per share of its region's villages in action yesterday",
                                     "Bass (1969) for the form (outside occasion plus imitation of adopters), Hedström (1994) "
                                     "for contagion between neighbouring collectives, Figes (1996) ch. 10 for seizures spreading "
                                     "from village to village; default 0, no example: a what-if lever beside village_occasion, "
                                     "not calibrated")


@njit(inline="always", cache=True)
def arrest_probability(k, cops, actives):
    """Epstein's estimated arrest probability with A = 1 + actives (the agent counts itself)."""
    return 1.0 - np.exp(-k * cops / (1.0 + actives))


@njit(inline="always", cache=True)
def grievance(hardship, legitimacy):
    return hardship * (1.0 - legitimacy)


@njit(inline="always", cache=True)
def fatigue_cost(fatigue, was_active, weight, rejoin):
    """Threshold raised by fatigue: the full cost to keep going, the cost over ``rejoin`` to start again."""
    cost = weight * fatigue
    return cost if was_active else cost / rejoin


@njit(inline="always", cache=True)
def tire(fatigue, acted, days):
    """Fatigue after today: the running mean of one's own days in action over ``days``."""
    return fatigue + ((1.0 if acted else 0.0) - fatigue) / days


@njit(inline="always", cache=True)
def is_active(grievance_value, risk_aversion, p_arrest, threshold):
    """Rule A: active when G - R P > T (strict)."""
    return grievance_value - risk_aversion * p_arrest > threshold


def village_conditions(seed: int, is_village: np.ndarray, spread: float) -> np.ndarray:
    """[L] each village locale's own conditions, exp(spread z - spread^2 / 2) with z ~ N(0,1)
    drawn once per locale from its own stream (mean one: the drivers are the villages'
    average); 0 where the locale is not a village (``is_village`` [L] bool)."""
    z = rng.normals(seed, rng.STREAM_VILLAGE, 0, is_village.size, 0)
    return np.where(is_village, np.exp(spread * z - 0.5 * spread * spread), 0.0)


@njit(inline="always", cache=True)
def what_is_left(felt, fatigue, taken):
    """A village's felt hardship less what it has taken: ``taken`` times its fatigue answers that share."""
    return felt * max(0.0, 1.0 - taken * fatigue)


@njit(inline="always", cache=True)
def occasion(seed, day, locale, rate):
    """Whether a village finds its occasion today: a uniform draw from the village stream keyed
    by ``seed``, ``day`` (1 or later; day 0 keys the villages' conditions) and ``locale`` falls
    under ``rate``."""
    return rng.uniform(seed, rng.STREAM_VILLAGE, day, locale, 0) < rate


def example(prev_active: np.ndarray, is_village: np.ndarray, locale_region: np.ndarray,
            villages: np.ndarray) -> np.ndarray:
    """[R] the share of each region's village locales that were in action yesterday
    (``prev_active`` [L], people active per locale; a village acts as one, so any is all;
    ``villages`` [R], the region's village locales); 0 in a region without villages."""
    acting = np.bincount(locale_region[is_village & (prev_active > 0)], minlength=villages.size)
    return acting / np.maximum(villages, 1)


@njit(inline="always", cache=True)
def occasion_rate(rate, contagion, example):
    """A quiet ready village's daily chance to act, Bass's hazard: the outside occasion ``rate``
    plus ``contagion`` times the ``example`` of its region's villages in action, at most 1."""
    return min(1.0, rate + contagion * example)


@njit(inline="always", cache=True)
def rises(ready, acting, chance):
    """A village acts today when its assembly is ``ready`` and it is already ``acting`` or finds its occasion (``chance``)."""
    return ready and (acting or chance)


@njit(inline="always", cache=True)
def skhod(ayes, size, majority):
    """The village assembly: the village acts when more than ``majority`` of its ``size`` people are for it."""
    return ayes > majority * size


def following(supporters: np.ndarray, radical: np.ndarray, party: int, for_power: bool) -> float:
    """The share of a cell's people who follow a call by ``party``: its supporters
    (``supporters`` [P], people per party), and, where the call's aim is power to the soviets
    (``for_power``), the supporters of other parties who back that transfer of power
    (``radical`` [P], per party, the people whose power demand passes
    ``decisions.power_demand_cut``)."""
    total = float(supporters.sum())
    if total <= 0:
        return 0.0
    followers = float(supporters[party])
    if for_power:
        followers += float(radical.sum() - radical[party])
    return followers / total


def called(expected: np.ndarray, following: np.ndarray, size: np.ndarray) -> np.ndarray:
    """People each called locale expects active on the day of a call: the larger of the
    people active yesterday (``expected`` [L]) and the caller's following there (``following``
    [L], a share of the locale's ``size`` people), rounded to whole people."""
    return np.maximum(expected, np.rint(following * size)).astype(expected.dtype)
