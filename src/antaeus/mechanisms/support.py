"""Party support: a person weighs parties by how well their platforms meet the person's demands.

Random-utility (logit) choice (McFadden 1974): utility is the salience-weighted fit of the
platform to the person's four demands (a spatial-voting distance, Downs 1957; salience
weighting after Rabinowitz & Macdonald 1989), plus the party's organisational reach in the
region (press, cadres), plus conformity to the locale, plus inertia of an existing
attachment, plus retrospective judgement of the parties in government: a person who holds
the government legitimate rewards the parties that sit in it, one who does not punishes
them (Key 1966; Fiorina 1981). Each day only a fraction of people reconsider. Statement 2:
support follows demands, not doctrine. Drawing by the Gumbel-max trick with counter-based uniforms keeps
the choice exactly reproducible.

Not every supporter votes. In a popular election (a city duma, the Constituent Assembly) a
person goes to the polls with a chance that falls with the distance between their demands and
the platform of the party they support (:func:`turnout`): one who holds to a party out of
attachment while their demands have moved away from it stays at home rather than vote for it
(abstention from alienation: Downs 1957, ch. 14; Riker & Ordeshook 1973; Adams, Dow & Merrill
2006). Moscow cast about 640,000 ballots in June 1917 and 380,000 in September, when the SRs
fell from 58% to 14% and the Bolsheviks rose from 12% to 51% (docs/data.md); how much of
that fall the rule gives back is measured out of sample (docs/odd.md, abstention). A person
who reconsiders seldom (``reconsider_rate``) keeps their party longer after their demands have
left it, and so stays at home longer before changing sides. Soviets and congresses, elected
in the factories and regiments, count supporters.

A faction inside a party (the Left SRs until they split) is followed by the party's
supporters whom its platform fits better (:func:`faction_leaning`), but only as far as its own
organisation reaches them: before the split the village cells and the peasant soviets'
executives were the party's, and the faction had a few towns and provinces (Radkey 1963;
Häfner 1994). So the leaning's logit adds ``faction_standing`` times the party choice's
``reach_weight`` times the log ratio of the faction's reach to its party's; at the split the
faction takes part of the party's organisation with it (``membership.taken_over``). What the
faction's leaders read as their following is the platform's alone (``closer``).
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..core import rng
from ..params import param

NAME = "support"
CITATION = ("McFadden (1974) conditional logit; Downs (1957) spatial voting; Rabinowitz & "
            "Macdonald (1989) APSR 83 issue salience; Key (1966) The Responsible Electorate and "
            "Fiorina (1981) Retrospective Voting in American National Elections (incumbency); "
            "abstention from alienation: Downs (1957) ch. 14, Riker & Ordeshook (1973) An Introduction to "
            "Positive Political Theory, Adams, Dow & Merrill (2006) Political Behavior 28:65-86")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    platform_fit: float = param(15.0, 0.0, 50.0, "utility per squared distance", "weight of platform fit (logit scale)")
    overshoot_weight: float = param(0.3, 0.0, 1.0, "ratio", "cost of a platform more radical than the demand, relative to one that falls short")
    reach_weight: float = param(1.0, 0.0, 5.0, "utility per log reach", "weight of a party's organisational reach")
    conformity_weight: float = param(1.0, 0.0, 10.0, "utility per locale share", "pull of the locale's majority")
    attachment_weight: float = param(1.0, 0.0, 10.0, "utility", "bonus for the party one already supports, times attachment strength")
    reconsider_rate: float = param(0.05, 0.0, 1.0, "per day", "share of people who reconsider their party each day",
                                   source="GUESS: no source measures how often people revisited their party in 1917; "
                                          "the rate sets how long first loyalties and the minor lists survive, and how long "
                                          "an alienated supporter abstains before changing sides")
    incumbency_weight: float = param(4.0, 0.0, 10.0, "utility per unit of legitimacy",
                                     "reward (legitimacy above 1/2) or punishment (below) of the parties in government",
                                     source="retrospective voting: Key (1966), Fiorina (1981); the moderate socialists "
                                            "shared the coalition's failures (the essay; Galili 1989); size from a coarse scan "
                                            "(0, 2, 4) against the calibration targets, docs/odd.md §11")
    attachment_gain: float = param(0.1, 0.0, 1.0, "attachment", "attachment a person gains each time they reconsider and "
                                   "stay with their party (capped at 1)")
    alienation_weight: float = param(3.0, 0.0, 100.0, "per unit of platform distance",
                                     "fall of a supporter's chance of voting with the distance between their demands "
                                     "and their party's platform (turnout = exp(-weight x distance))",
                                     source="abstention from alienation: Riker & Ordeshook (1973); Adams, Dow & Merrill "
                                            "(2006) Political Behavior 28; in 1917 the moderate socialists' voters "
                                            "stayed at home in the autumn (Rosenberg 1969, Soviet Studies 21; Moscow: "
                                            "640,000 ballots in June, 380,000 in September, docs/data.md); GUESS, calibrated")
    faction_standing: float = param(0.0, 0.0, 2.0, "share of the reach weight",
                                    "weight of a faction's own organisation against its party's (the log ratio of "
                                    "their reach) in whether the party's supporter follows the faction, as a share "
                                    "of reach_weight; 0: the platforms alone decide",
                                    source="until the split the peasant soviets' executives and the village SR "
                                           "cells were run by the party's rural intelligentsia, loyal to its centre "
                                           "and right, and the left had organised in a few towns and provinces only "
                                           "(Radkey 1963, The Sickle under the Hammer; Gusev 1975; Häfner 1994): in "
                                           "May the First Peasant Congress gave Kamkov 10 and Spiridonova 7 votes for "
                                           "its executive against Chernov's 810 (Felshtinsky 1991 after Shestakov); "
                                           "calibrated")
    attachment_reset: float = param(0.3, 0.0, 1.0, "attachment", "attachment of a person to the party they have just "
                                    "changed to (a new loyalty starts weak)")


@njit(inline="always", cache=True)
def _gap_cost(want, offer, overshoot):
    gap = want - offer
    return gap * gap * (want if gap > 0.0 else overshoot * (1.0 - want))


@njit(inline="always", cache=True)
def platform_distance(d0, d1, d2, d3, platforms, p, overshoot):
    """How far party ``p``'s platform lies from a person with demands ``d0..d3``: the
    demand-weighted squared distance over the sum of the demands.

    A platform that falls short of a demand costs the squared gap weighted by how much the
    person wants it; one that promises more than the person asks costs the squared gap
    weighted by how much the person opposes going further (``1 - d``), times ``overshoot``.
    With ``overshoot`` below one, people turned to whoever carried their demands without
    sharing the doctrine behind them (statement 2); a person who wants little on an issue (a
    property owner on land) still recoils from a platform that goes far beyond it.
    """
    s = d0 + d1 + d2 + d3 + 1e-9
    dist = 0.0
    dist += _gap_cost(d0, platforms[p, 0], overshoot)
    dist += _gap_cost(d1, platforms[p, 1], overshoot)
    dist += _gap_cost(d2, platforms[p, 2], overshoot)
    dist += _gap_cost(d3, platforms[p, 3], overshoot)
    return dist / s


@njit(inline="always", cache=True)
def platform_fit(d0, d1, d2, d3, platforms, p, fit, overshoot):
    """The platform's part of the utility of party ``p``: ``-fit`` times its distance
    (:func:`platform_distance`)."""
    return -fit * platform_distance(d0, d1, d2, d3, platforms, p, overshoot)


@njit(inline="always", cache=True)
def turnout(distance, alienation):
    """The chance that a person goes to the polls for the party they support, when its
    platform lies ``distance`` (:func:`platform_distance`) from their demands:
    ``exp(-alienation * distance)``. A supporter whose demands have moved away from the party
    they still hold to stays at home rather than vote for it (abstention from alienation)."""
    return np.exp(-alienation * distance)


@njit(inline="always", cache=True)
def utility(d, platforms, p, log_reach, locale_share, is_current, attachment, fit, overshoot,
            w_reach, w_conf, w_attach):
    """Random-utility score of party ``p`` for a person with demands ``d`` (4 values): the
    platform's fit (:func:`platform_fit`), the party's reach, the locale's pull and, for the
    party one supports, the attachment."""
    u = (platform_fit(d[0], d[1], d[2], d[3], platforms, p, fit, overshoot) + w_reach * log_reach
         + w_conf * locale_share)
    if is_current:
        u += w_attach * attachment
    return u


@njit(inline="always", cache=True)
def faction_gain(d0, d1, d2, d3, platforms, faction, parent, fit, overshoot):
    """How much better the ``faction``'s platform fits a person than its ``parent``'s."""
    return (platform_fit(d0, d1, d2, d3, platforms, faction, fit, overshoot)
            - platform_fit(d0, d1, d2, d3, platforms, parent, fit, overshoot))


@njit(inline="always", cache=True)
def faction_leaning(gain):
    """Chance that a supporter of the parent belongs to its faction: the binary logit of
    ``gain``, on the scale of the party choice: the two platforms' fit (:func:`faction_gain`),
    and in the kernel the two organisations' reach (``faction_standing``)."""
    if gain >= 0.0:
        return 1.0 / (1.0 + np.exp(-gain))
    e = np.exp(gain)
    return e / (1.0 + e)


@njit(inline="always", cache=True)
def incumbency(legitimacy, in_government, weight):
    """Retrospective judgement of a party in government: ``weight · (L − 1/2)``, zero otherwise."""
    return weight * (legitimacy - 0.5) if in_government else 0.0


@njit(inline="always", cache=True)
def gumbel(seed, day, index, draw):
    u = rng.uniform(seed, rng.STREAM_SUPPORT, day, index, draw)
    return -np.log(-np.log(u))
