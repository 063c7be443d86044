"""Soviets: delegates re-elected from their constituencies, so majorities drift with a lag.

Each region's soviet is recalled and re-elected piecemeal: every day a share 1/interval of
its delegates is chosen afresh in proportion to party support among the soviet's
constituents (workers, soldiers, sailors). Delegations to an All-Russian Congress are sized
by constituency, the army's at ``army_delegation`` delegates per man of the rear's: the
congress's norm was degressive and capped a soviet at eight delegates, and the fronts came
as a few dozen organisations, so their millions weighed far less than their numbers.
Statement 6 (MODEL.md §1): the soviets were mostly founded by moderates and kept
Menshevik-SR majorities until September; the lag is what lets that happen. Recall and
re-election of deputies at will is described by Anweiler (1958/1974), The Soviets, ch. 3.

The army's soviets are its committees (regiment, division, army, front), chosen in March and
April, largely from officers, clerks, doctors and other educated men of SR and Menshevik
sympathy, and renewed through layers of indirect election: they stayed defencist well after
the trenches had turned, until the re-elections of the autumn (Wildman 1980, 1987). Regions
of the ``front`` setting therefore renew their delegates at their own, calibrated pace.
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "soviets"
CITATION = ("Anweiler (1974) The Soviets: the Russian workers, peasants and soldiers councils 1905-1921, ch. 3; "
            "the army committees: Wildman (1980, 1987) The End of the Russian Imperial Army")


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reelection_days: float = param(45.0, 1.0, 365.0, "days", "mean time for a soviet to renew all its delegates")
    army_reelection_days: float = param(120.0, 1.0, 365.0, "days", "mean time for the army's committees (regions of the front setting) to renew theirs",
                                        "GUESS after Wildman (1987): the committees elected in spring held until the autumn; calibrated")
    army_delegation: float = param(0.4, 0.05, 1.0, "ratio",
                                   "congress delegates per constituent of the army's organisations (regions of the front setting), relative to the rear soviets'",
                                   "DERIVED: the congress gave a soviet 2 delegates for 25,000-50,000 electors, one more per further 25,000, "
                                   "at most 8 (All-Russian Conference of Soviets, April 1917; marxists.org glossary); the First Congress "
                                   "seated 21 field-army and 5 navy organisations beside 358 soviets among 1,090 delegates (GSE 1979; "
                                   "Rech', 26 June 1917, in Golder 1927). Held to the same ceiling (an assumption), the fronts sent at most 208 delegates, "
                                   "19-25% of the congress (of all delegates or of the 822 voting ones), while their men are about 41% "
                                   "of the soviets' constituents in russia1917: a ratio of 0.34 (all delegates) to 0.49 (voting ones), and 0.4 lies between")


@njit(cache=True)
def reelect(composition: np.ndarray, constituent_support: np.ndarray, interval_days: np.ndarray) -> np.ndarray:
    """One day of piecemeal re-election, a new array. composition, constituent_support: [R,P]
    shares and people; interval_days: [R] each region's lag.

    A region with constituents moves ``1/interval`` of the way from its composition to their
    shares (party support over its sum, added in party order); one without keeps its soviet."""
    out = np.empty_like(composition)
    for r in range(composition.shape[0]):
        total = 0.0
        for p in range(composition.shape[1]):
            total += constituent_support[r, p]
        for p in range(composition.shape[1]):
            share = constituent_support[r, p] / total if total > 0 else composition[r, p]
            out[r, p] = composition[r, p] + (share - composition[r, p]) / interval_days[r]
    return out


def congress(composition: np.ndarray, delegates: np.ndarray) -> np.ndarray:
    """Congress shares: regional soviets' compositions weighted by their delegations."""
    weighted = (composition * delegates[:, None]).sum(axis=0)
    return weighted / weighted.sum()
