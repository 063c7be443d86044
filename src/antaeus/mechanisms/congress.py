"""The insurrection's timing and legitimacy: acting in the name of a congress of soviets.

Workers and soldiers who wanted all power to the soviets would rise to defend a congress's
claim to power, not at one party's call. The Petrograd Bolsheviks' district reports of
15/28 October said as much, and the Military Revolutionary Committee took the garrison in the
soviet's name in the days before the Second Congress met (Rabinowitch 1976, ch. 12-13). So
the force an insurgent bloc can put in the street depends on the name it acts in: outside a
congress's eve only a share of its own radical supporters answers a party's call; on the eve
of a congress (``window_days`` before it opens) every person who backs a transfer of power
does, and the legality term of the contest is the bloc's share of the congress's delegates
rather than of the capital's soviet. A bloc that would act while a congress is expected
(``horizon_days`` ahead) waits for it unless today's odds beat the odds in the congress's name
by more than the legitimacy it puts on that name (``legitimacy_weight``, in log-odds): the
weighing by which the Central Committee set Lenin's September letters aside and carried out
its vote of 10/23 October for a rising in the Second Congress's name, against Lenin's wish to
act at once and Kamenev's and Zinoviev's to wait for the Constituent Assembly. The
``lenin-prevails`` overlay sets both to zero: the party acts as soon as its odds look right.
A government a congress ratifies starts with a gain of legitimacy (statement 7: the route
and the breadth of the act shape what follows).
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "congress"
CITATION = ("Rabinowitch (1976) The Bolsheviks Come to Power, ch. 9-13; Trotsky (1930) History of "
            "the Russian Revolution, vol. 3, 'The Art of Insurrection'")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    window_days: float = param(
        5.0, 0.0, 30.0, "days", "days before a congress of soviets opens in which a rising counts as done in its name",
        "the record: the Military Revolutionary Committee claimed the garrison on 21-22 Oct/3-4 Nov and the rising "
        "ran on 24-25 Oct/6-7 Nov, the congress opening on the evening of the 7th (course1917; Rabinowitch 1976, ch. 13)")
    horizon_days: float = param(
        90.0, 0.0, 120.0, "days", "days before a congress from which it is expected and an insurgent bloc weighs "
        "waiting for it",
        "the First Congress of Soviets resolved at its close (24 Jun/7 Jul) to meet again in three months (MIA "
        "glossary, 'All-Russian Congress of Soviets'), so from then on a next congress was always expected within about three months; the Central Executive Committee put it "
        "off and set its date only in the second half of September O.S. (Rabinowitch 1976, ch. 10; course1917)")
    party_call: float = param(
        0.5, 0.0, 1.0, "share", "share of an insurgent bloc's radical supporters who rise at the party's own call, "
        "away from a congress's eve",
        "GUESS in size; the district reports of 15/28 Oct: workers and soldiers would defend the soviet but few would "
        "come out at the party's call (Rabinowitch 1976, ch. 12)")
    legitimacy_weight: float = param(
        2.0, 0.0, 6.0, "log-odds", "the value an insurgent bloc's leadership puts on acting in a coming congress's "
        "name, counted as the log-odds of success it will give up to wait for it",
        "GUESS in size (2: a chance of 0.88 now is worth no more than an even chance in the congress's name); the "
        "Central Committee's majority set Lenin's letters of 12-14/25-27 Sep aside and tied the rising to the Second "
        "Congress although he warned that delay could lose the moment (Rabinowitch 1976, ch. 9-12)")
    sanction_legitimacy: float = param(
        0.1, 0.0, 0.5, "legitimacy", "legitimacy every person gains when a congress ratifies the government that took "
        "power in its name",
        "GUESS in size; the congress's decrees on peace and land of 26 Oct/8 Nov (Smith 2017, ch. 4)")


def days_to(day: int, congress_days: tuple[int, ...]) -> int | None:
    """Days from ``day`` to the next congress (0 on its opening day), None if none is left."""
    ahead = [c - day for c in congress_days if c >= day]
    return min(ahead) if ahead else None


def on_eve(days_left: int | None, p: Params) -> bool:
    """Whether a rising today is done in the coming congress's name."""
    return days_left is not None and days_left <= p.window_days


def rising_force(bloc_radical: float, all_radical: float, eve: bool, p: Params) -> float:
    """The people an insurgent bloc puts in the street: at the party's call a share of its own
    radicals; in a congress's name everyone who backs a transfer of power."""
    return all_radical if eve else p.party_call * bloc_radical


def worth_waiting(days_left: int | None, odds_now: float, odds_on_eve: float, p: Params) -> bool:
    """A bloc waits for a congress whose date is known when the odds in its name, with the
    legitimacy the bloc puts on that name (``legitimacy_weight``, log-odds), beat today's."""
    return (days_left is not None and not on_eve(days_left, p) and days_left <= p.horizon_days
            and odds_on_eve + p.legitimacy_weight > odds_now)
