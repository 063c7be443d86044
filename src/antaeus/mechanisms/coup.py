"""The army command's coup, how it is contested, and what its failure does (the Kornilov affair).

A coup is a contest like any other attempt on power (``decisions``), but its sides are not the
ones a head count of loyal and radical people gives. On the attacking side stand the loyal
troops of the front and the command's reserve, minus the echelons the railwaymen stop or
delay; the railwaymen act in the measure that the workers back the soviets. On the
defending side stand not only the radicals but a share of every armed supporter of the
soviet parties, moderates included: in September 1917 the soviets' committees, the armed
workers and the agitators sent to the advancing troops stopped Krymov's corps without a
battle. And the soviets' own legality counts against the attempt, with the same weight it
lends an insurrection. A defeated coup discredits the government that appeared complicit,
frees and arms the radicals it had jailed, and turns the soviets' delegates at once.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..params import param
from .power import Settlement

NAME = "coup"
CITATION = ("Katkov (1980) The Kornilov Affair; Rabinowitch (1976) The Bolsheviks Come to Power, "
            "ch. 7-8; Wildman (1987) The End of the Russian Imperial Army, vol. 2, ch. 5")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    rail_obstruction: float = param(
        0.5, 0.0, 1.0, "share", "share of the attacking troops the railwaymen stop or delay when every worker "
        "backs the soviets (in proportion to the workers who do)",
        "GUESS in size; the mechanism: the railway union and the depots held up and misrouted the echelons of "
        "Krymov's corps at Luga and on the Dno line (Rabinowitch 1976, ch. 7; Katkov 1980, ch. 8)")
    soviet_defence: float = param(
        0.3, 0.0, 1.0, "share", "share of the soviet parties' armed supporters who are not radical that turn out "
        "against a coup (the radicals all do)",
        "GUESS in size; the committees for the struggle against counter-revolution drew in the moderate soviets "
        "and the Menshevik and SR rank and file beside the Bolsheviks (Rabinowitch 1976, ch. 8)")
    release_reach: float = param(
        0.3, 0.0, 1.0, "share", "reach regained by each party of the insurgent bloc after a failed coup, as a share "
        "of its reach (leaders freed, press reopened)",
        "GUESS in size; Trotsky and other July prisoners freed on bail, the Bolshevik press back in the open and "
        "the Red Guards armed during the affair (Rabinowitch 1976, ch. 8; Smith 2017, ch. 4)")
    arming: float = param(
        0.3, 0.0, 1.0, "share", "share of every region's repressive capacity lost after a failed coup (workers "
        "armed, officers discredited)",
        "GUESS in size; rifles issued to the workers' militias and the officer corps' standing broken "
        "(Wildman 1987, ch. 5; Rabinowitch 1976, ch. 8)")
    soviet_turn: float = param(
        0.5, 0.0, 1.0, "share", "share of the gap between each soviet's delegates and its constituents' support "
        "closed at once after a failed coup (snap votes and recalls)",
        "GUESS in size; the Petrograd soviet passed a Bolshevik resolution on 31 Aug/13 Sep and the Moscow "
        "soviet on 5/18 Sep, days after the affair (Rabinowitch 1976, ch. 9; course1917)")


def attack(front_loyal: float, reserve: float, railway_backing: float, p: Params) -> float:
    """The coup's force: the loyal front troops and the reserve, less the echelons the
    railwaymen hold up (``railway_backing``: the workers' share backing the soviets)."""
    return (front_loyal + reserve) * (1.0 - p.rail_obstruction * railway_backing)


def defence(radical: float, soviet_camp: float, p: Params) -> float:
    """Those who stand against a coup: every radical, and a share of the other armed supporters
    of the soviet parties (``soviet_camp`` counts them all, radicals included)."""
    return radical + p.soviet_defence * max(soviet_camp - radical, 0.0)


def aftermath(legitimacy_shock: float, p: Params) -> Settlement:
    """A defeated coup: the government pays in legitimacy, the insurgent parties are freed and
    regain reach, the state loses repressive capacity, and the soviets turn."""
    return Settlement(legitimacy_shock=legitimacy_shock, release=p.release_reach,
                      repression_factor=1.0 - p.arming, soviet_turn=p.soviet_turn,
                      note="the coup is defeated: the radicals are freed and armed")
