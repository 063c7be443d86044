"""Mobilisation: Epstein's activation rule with a Granovetter cascade term.

Grievance G = H (1 - L), with H the person's hardship and L the government's perceived
legitimacy. The estimated arrest probability is P = 1 - exp(-k C/A), with C the repressive
force facing the locale (cops per person times the locale's size times the region's
repression index) and A = 1 + the number active there yesterday. A person is active
when G - R P exceeds the threshold T (Epstein 2002, rule A, strict inequality). Following
Granovetter (1978) the effective threshold falls with the share already active in the
locale. The form of action depends on the group: strikes, demonstrations, land seizures,
desertion, mutiny (MODEL.md §2).
"""
from __future__ import annotations

import numpy as np
from numba import njit
from pydantic import BaseModel, ConfigDict

from ..params import param

NAME = "mobilisation"
CITATION = ("Epstein (2002) PNAS 99 suppl. 3:7243-7250, rule A; Granovetter (1978) AJS "
            "83:1420-1443 thresholds")


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


@njit(inline="always", cache=True)
def arrest_probability(k, cops, actives):
    """Epstein's estimated arrest probability with A = 1 + actives (the agent counts itself)."""
    return 1.0 - np.exp(-k * cops / (1.0 + actives))


@njit(inline="always", cache=True)
def grievance(hardship, legitimacy):
    return hardship * (1.0 - legitimacy)


@njit(inline="always", cache=True)
def is_active(grievance_value, risk_aversion, p_arrest, threshold):
    """Rule A: active when G - R P > T (strict)."""
    return grievance_value - risk_aversion * p_arrest > threshold
