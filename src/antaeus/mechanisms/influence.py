"""Social influence by bounded confidence inside a locale and along links between locales.

A person moves towards the opinion around them only when it is within ``epsilon`` of their
own (Deffuant, Neau, Amblard & Weisbuch 2000, Advances in Complex Systems 3; Hegselmann &
Krause 2002, JASSS 5(3)). Around them means the mean of their locale (a factory, regiment,
ship or village), mixed with the mean of their region, which stands for the sparse links
between locales. Using the locale mean (the Hegselmann-Krause form) keeps the cost O(N).
"""
from __future__ import annotations

from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "influence"
CITATION = ("Deffuant et al. (2000) Adv. Complex Syst. 3:87-98; Hegselmann & Krause (2002) "
            "JASSS 5(3):2")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    epsilon: float = param(0.3, 0.0, 1.0, "opinion distance", "confidence bound: farther opinions are ignored",
                           "Deffuant et al. (2000) use 0.1-0.5; guess within that range")
    mu: float = param(0.05, 0.0, 0.5, "per day", "convergence rate towards the surrounding opinion",
                      "Deffuant et al. (2000) use 0.1-0.5 per encounter; a day is a fraction of encounters; guess")
    interlocale_weight: float = param(0.2, 0.0, 1.0, "share", "weight of the region mean (links between locales) in the surrounding opinion")


@njit(inline="always", cache=True)
def bounded_confidence(own, other, epsilon, mu):
    """Move ``own`` towards ``other`` by ``mu`` of the gap if the gap is below ``epsilon``."""
    gap = other - own
    if -epsilon < gap < epsilon:
        return own + mu * gap
    return own
