"""Kuran (1989, 1991): preference falsification and revolutionary bandwagons, with hysteresis.

People hold a private preference but choose in public whether to side with the opposition.
Person ``i`` opposes publicly once the public opposition share ``S`` (0 to 100, Kuran's
scale) reaches their threshold ``T_i``; the share then follows ``S(t+1) = 100 F_T(S(t))``
(F_T the thresholds' CDF), the same map as Granovetter's, run by the same code
(:func:`antaeus.models.granovetter.settle`). Unlike Granovetter's cascade, Kuran's runs from
any ``start``: once many oppose, a threshold change that would not have set off the cascade
no longer undoes it (hysteresis), and a small change in one hidden threshold can move ``S``
from a low equilibrium to a high one (the "prairie fire").

Thresholds from utilities (:func:`thresholds`; symbols as in Kuran, UNVERIFIED, the structure
standard): ``U_i(Y) = R(Y, S) + E_i(Y, x_i)`` for public choice ``Y`` in {0 regime, 100
opposition}, with a reputational payoff that rises with the share on one's side,
``R(100, S) = rho S / 100`` and ``R(0, S) = rho (100 - S) / 100``, and an expressive cost of
falsifying, ``E_i(Y, x_i) = -w_i |Y - x_i| / 100``. Then ``U_i(100) >= U_i(0)`` exactly when
``S >= T_i = 50 - (w_i / rho) (x_i - 50)``.

The 1917 model's share-dependent threshold (``T - c s`` in
:mod:`antaeus.mechanisms.mobilisation`) is this threshold rule seen from the other side: see
:mod:`antaeus.models.granovetter`.
"""
from __future__ import annotations

import numpy as np

from . import ModelInputError
from .claims import Claim, Outcome
from .granovetter import as_thresholds, settle

NAME = "kuran"
CITATION = ("Kuran (1989) Sparks and prairie fires, Public Choice 61:41-74; Kuran (1991) Now out of "
            "never, World Politics 44:7-48")

#: Kuran's worked example (UNVERIFIED recall of the 1991 article; the arithmetic is CALC)
EXAMPLE = (0, 20, 20, 30, 40, 50, 60, 70, 80, 100)


def equilibrium(thresholds, start: float = 0.0, *, scale: float = 100.0) -> float:
    """The equilibrium public opposition share the dynamics reach from ``start``.

    ``thresholds`` and ``start`` are on Kuran's scale, 0 to ``scale`` (100: percentages; pass
    ``scale=1.0`` for fractions), and so is the result. A threshold at or below 0 opposes
    whatever others do; one above ``scale`` never does. From ``start`` the share moves to
    ``scale * F(start)`` and on until it stops: upwards to the smallest equilibrium above
    ``start``, or downwards to the largest below it, so different starts can give different
    equilibria (hysteresis).

    >>> equilibrium([0, 20, 20, 30, 40, 50, 60, 70, 80, 100])
    10.0
    >>> equilibrium([0, 20, 20, 30, 40, 50, 60, 70, 80, 100], start=90.0)
    90.0
    """
    try:
        scale = float(scale)
        start = float(start)
    except (TypeError, ValueError):
        raise ModelInputError("start and scale must be numbers", source="start") from None
    if not (np.isfinite(scale) and scale > 0):
        raise ModelInputError(f"scale must be > 0, not {scale!r}", source="scale")
    if not (np.isfinite(start) and 0.0 <= start <= scale):
        raise ModelInputError(f"start must lie in [0, {scale:g}], not {start!r}", source="start",
                              hint="start is a public opposition share on the same scale as the thresholds")
    values, _ = as_thresholds(thresholds, "count")  # any finite real; 'count' only switches off the guessing
    if values.size == 0:
        raise ModelInputError("thresholds are empty", source="thresholds")
    k = settle(values, start, scale, False)
    return float(k * scale / values.size)


def thresholds(private, expressive_weight, reputational_weight: float = 1.0) -> np.ndarray:
    """Public-opposition thresholds (0-100) from private preferences ``x_i`` in [0, 100]
    (100: wholly against the regime) and the weights of expression ``w_i`` and reputation
    ``rho``: ``T_i = 50 - (w_i / rho) (x_i - 50)``; see the module docstring. Values below 0
    (acts alone) or above 100 (never) are kept."""
    x = np.asarray(private, dtype=np.float64)
    w = np.asarray(expressive_weight, dtype=np.float64)
    rho = float(reputational_weight)
    if not rho > 0:
        raise ModelInputError(f"reputational_weight must be > 0, not {reputational_weight!r}",
                              source="reputational_weight")
    if np.any((x < 0) | (x > 100)) or np.any(w < 0):
        raise ModelInputError("private preferences lie in [0, 100] and expressive weights are >= 0",
                              source="private")
    return 50.0 - (w / rho) * (x - 50.0)


# ------------------------------------------------------------------------------------------
# Published results (rows of ``antaeus validate``)
# ------------------------------------------------------------------------------------------
def _spark(values, person: int = 1, to: float = 10):
    sparked = list(values)
    sparked[person] = to
    return sparked


def _falsifying_society(seed: int, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """An illustrative society: private preferences U(30, 100) (5 in 7 privately opposed),
    reputation weighing more than expression for everyone (w / rho ~ U(0, 0.5))."""
    gen = np.random.default_rng([1991, seed])
    private = gen.uniform(30.0, 100.0, n)
    return private, thresholds(private, gen.uniform(0.0, 0.5, n))


def _check_invincibility(seeds: int) -> Outcome:
    private_share, public = [], []
    for s in range(seeds):
        private, t = _falsifying_society(s)
        private_share.append(100.0 * np.mean(private > 50.0))
        public.append(equilibrium(t))
    ok = min(private_share) > 60.0 and max(public) <= 5.0
    return Outcome(f"private opposition {np.median(private_share):.0f}% (median), public equilibrium "
                   f"{max(public):g}% at most over {seeds} seeds", ok)


def _check_explosive(seeds: int) -> Outcome:
    before, after = equilibrium(EXAMPLE), equilibrium(_spark(EXAMPLE))
    return Outcome(f"S* {before:g} -> {after:g} after one threshold falls by 10", before == 10 and after == 90)


def _check_surprise(seeds: int) -> Outcome:
    other = (0, 20, 20, 40, 40, 50, 60, 70, 80, 100)
    a, b = equilibrium(EXAMPLE), equilibrium(other)
    same_public = a == b
    a2, b2 = equilibrium(_spark(EXAMPLE)), equilibrium(_spark(other))
    return Outcome(f"both societies at S* = {a:g} / {b:g}; the same spark gives {a2:g} and {b2:g}",
                   same_public and a2 == 90 and b2 == 30)


def _check_example(seeds: int) -> Outcome:
    s = equilibrium(EXAMPLE)
    return Outcome(f"S* = {s:g}", s == 10)


def _check_cascade(seeds: int) -> Outcome:
    s = equilibrium(_spark(EXAMPLE))
    last_joins = s == 100
    return Outcome(f"S* = {s:g}; the threshold-100 person {'joins' if last_joins else 'never joins'}", s == 90)


def _check_hysteresis(seeds: int) -> Outcome:
    after = equilibrium(_spark(EXAMPLE))
    back = equilibrium(EXAMPLE, start=after)
    low = equilibrium(EXAMPLE, start=0.0)
    return Outcome(f"original thresholds from 0: {low:g}; from the cascade's {after:g}: {back:g}",
                   low == 10 and back == 90)


CLAIMS: list[Claim] = [
    Claim("kuran", "preference falsification gives the regime an 'aura of invincibility'",
          "Kuran (1991) World Politics 44 abstract", "SRC",
          "a private majority against the regime with (almost) no public opposition at equilibrium "
          "(illustrative society: about 70% privately opposed)", _check_invincibility),
    Claim("kuran", "public opposition is 'poised to grow explosively'",
          "Kuran (1991) World Politics 44 abstract; Kuran (1989) Public Choice 61", "SRC",
          "one threshold falling by 10 moves S* from 10 to 90 (worked example)", _check_explosive),
    Claim("kuran", "revolutions 'continue to catch the world by surprise'",
          "Kuran (1991) World Politics 44 abstract", "SRC",
          "two societies with the same public opposition (10) react to the same spark with 90 and 30",
          _check_surprise),
    Claim("kuran", "worked example: thresholds 0,20,20,30,...,80,100",
          "Kuran (1991), UNVERIFIED recall; arithmetic in mechanisms.md 3", "CALC", "S* = 10", _check_example),
    Claim("kuran", "worked example: person 2's threshold lowered from 20 to 10",
          "Kuran (1991), UNVERIFIED recall; arithmetic in mechanisms.md 3", "CALC",
          "S* = 90; the threshold-100 person never joins", _check_cascade),
    Claim("kuran", "hysteresis: raising the threshold back to 20 leaves S* at 90",
          "Kuran (1989, 1991); mechanisms.md 3 checks", "CALC",
          "from 0: S* = 10; from 90: S* = 90", _check_hysteresis),
]
