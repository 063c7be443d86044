"""Party membership and organisational reach.

Members are recruited from a party's active supporters and leave at a steady rate; reach in
a region grows with membership by a saturating curve. Bolshevik growth from about 24,000 in
February to about 240,000 in August (data1917.md §6) is the record this is held against
(later, in calibration).
"""
from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "membership"
CITATION = "Organisational growth by recruitment from activists: Oliver & Marwell (1988) ASR 53; data1917.md §6"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    attrition: float = param(0.002, 0.0, 0.05, "per day", "share of members who leave each day")
    reach_scale: float = param(300000.0, 1e3, 1e7, "members", "membership at which reach gains 63% of its room to grow")


def recruit(members: np.ndarray, active_supporters: np.ndarray, rates: np.ndarray, attrition: float) -> np.ndarray:
    """One day: members + rate * active supporters - attrition * members (people, per party)."""
    return members + rates * active_supporters - attrition * members


def reach(base: np.ndarray, members: np.ndarray, scale: float) -> np.ndarray:
    """Reach [P,R]: the base reach grown as membership rises, up to base * (2 - base).

    Growth is proportional to the base reach, so a party grows where it already stands."""
    growth = 1.0 - np.exp(-members / scale)
    return base + (1.0 - base) * growth[:, None] * base  # grows where the party already stands
