"""Laver (2005) adaptive party competition: Sticker, Aggregator, Hunter, Predator.

Voters with fixed ideal points in a 2-D policy space support the closest party (Euclidean
distance); parties re-adapt their positions every step by one of four rules (Laver 2005,
APSR 99(2): 263-281; Laver & Sergenti 2011, *Party Competition: An Agent-Based Model*):

- **sticker**: never change policy;
- **aggregator**: move to the centroid of the current supporters' ideal points (Laver &
  Sergenti Ch.3; with ``aggregator_speed`` it moves at most that far toward it, as in their
  NetLogo code);
- **hunter**: if the last move raised support, move ``speed`` again on the same heading;
  otherwise turn by 90 + U(0, 180) degrees and move ``speed``;
- **predator**: move ``speed`` toward the largest party (which, being its own prey, stays).

Options that come from Laver & Sergenti's later chapters: a comfort threshold ``comfort``
(satisficing: apply the rule only while the vote share is below it, otherwise stick) and a
leader's ideal point with weight ``ideal_weight`` (phi; Ch.10), which pulls aggregator and
predator destinations toward the ideal (``phi*ideal + (1-phi)*target``) and makes the hunter
compare a utility ``(1-phi)*share - policy_scale*phi*d(ideal)^2`` instead of its share.

Units: one unit of the policy space is one standard deviation of a voter subpopulation (the
whole distribution when it is unimodal; 10 NetLogo patches in Laver & Sergenti's code).
Eccentricity is a party's distance from the voter centroid in these units; voter misery is
the mean squared distance of voters to their closest party; the effective number of parties
is 1/sum(share^2). A voter equidistant from several parties (parties at the same position)
splits their support equally between them, so the outcome never depends on party order.

Every step is synchronous: voters choose, metrics are recorded, then all parties adapt to
the same election. Random draws (voter ideal points, starting positions, hunters' headings
and turns) are counter-based (``antaeus.core.rng``): each is a pure function of the seed,
what it is for, the step and the party or voter index, so a seed fixes the run bit for bit.

The 1917 model's party-choice kernel (``antaeus.mechanisms.support.utility``) is not reused
here: its distance weights each of the four demand dimensions by the person's own demand
level (salience equals demand), so even with overshoot 1 and no reach, conformity or
attachment terms it is Euclidean only when all of a person's demands are equal; it is also
fixed to four dimensions and feeds a logit draw, where Laver's voters pick the closest party
for certain. See docs/models-party-competition.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..core import rng
from . import ModelInputError
from .claims import Claim, Outcome

NAME = "party_competition"
CITATION = ("Laver (2005) APSR 99(2): 263-281; Laver & Sergenti (2011) Party Competition: "
            "An Agent-Based Model, Princeton")

RULES = ("sticker", "aggregator", "hunter", "predator")

#: Counter-based RNG stream of this model (``antaeus.core.rng`` numbers the 1917 model's
#: streams 1, 2, 3, ...; this model keeps well clear of them). The ``day`` field says what a
#: draw is for: 0 voter ideal points, 1 starting positions, 2 hunters' first headings,
#: 3 + t hunters' turns after the election of step t.
STREAM_PARTY_COMPETITION = 0x4C41  # "LA"
_DAY_VOTERS, _DAY_START, _DAY_HEADING, _DAY_TURN0 = 0, 1, 2, 3


# ---------------------------------------------------------------------------- voters

def subpopulations_for(polarization: float = 0.0, relative_size: float = 1.0
                       ) -> list[tuple[float, float, float, float]]:
    """Laver & Sergenti's two-subpopulation electorate as ``(weight, x, y, sd)`` rows.

    The left subpopulation is centred at ``(-polarization, 0)``, the right one at
    ``(+polarization, 0)``, both with s.d. 1; ``relative_size`` is n_left / n_right.
    ``polarization=0`` gives the baseline symmetric (standard bivariate normal) electorate.
    """
    if polarization < 0 or relative_size <= 0:
        raise ModelInputError("polarization must be >= 0 and relative_size > 0")
    if polarization == 0:
        return [(1.0, 0.0, 0.0, 1.0)]
    left = relative_size / (1.0 + relative_size)
    return [(left, -polarization, 0.0, 1.0), (1.0 - left, polarization, 0.0, 1.0)]


def _counts(weights: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` voters over subpopulations by the largest-remainder rule (no draw)."""
    exact = weights / weights.sum() * n
    counts = np.floor(exact).astype(np.int64)
    short = n - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def _normals(seed: int, day: int, n: int) -> np.ndarray:
    """(n, 2) independent N(0, 1) pairs, index i from uniforms of counter (seed, day, i)."""
    u1 = rng.uniforms(seed, STREAM_PARTY_COMPETITION, day, n, 0)
    u2 = rng.uniforms(seed, STREAM_PARTY_COMPETITION, day, n, 1)
    r = np.sqrt(-2.0 * np.log(u1))
    return np.stack([r * np.cos(2.0 * np.pi * u2), r * np.sin(2.0 * np.pi * u2)], axis=1)


def voters(n_voters: int, seed: int, subpopulations: Sequence[Sequence[float]]) -> np.ndarray:
    """Ideal points, shape (n_voters, 2): a mixture of bivariate normals (rho = 0).

    Each subpopulation gets its share of voters by the largest-remainder rule, so only the
    positions are random, not the sizes.
    """
    n_voters = _int("n_voters", n_voters, 1)
    try:
        sub = np.array(subpopulations, dtype=np.float64).reshape(-1, 4)
    except (TypeError, ValueError):
        raise ModelInputError("subpopulations must be rows of (weight, x, y, sd)") from None
    if (len(sub) == 0 or not np.isfinite(sub).all() or (sub[:, 0] < 0).any()
            or sub[:, 0].sum() <= 0 or (sub[:, 3] <= 0).any()):
        raise ModelInputError("subpopulations need weights >= 0 (not all 0) and sd > 0")
    counts = _counts(sub[:, 0], n_voters)
    z = _normals(seed, _DAY_VOTERS, n_voters)
    which = np.repeat(np.arange(len(sub)), counts)
    return sub[which, 1:3] + sub[which, 3:4] * z


# ---------------------------------------------------------------------------- metrics

def _closest(xs: np.ndarray, ys: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Support weights, shape (P, V), and each voter's squared distance to the closest party.

    Parties are rows so that every reduction runs over contiguous memory. Exact ties are split.
    """
    dx = positions[:, 0, None] - xs[None, :]
    dy = positions[:, 1, None] - ys[None, :]
    d2 = dx * dx + dy * dy
    best = d2.min(axis=0)
    tie = d2 == best
    weights = tie / tie.sum(axis=0)
    return weights, best


def closest_weights(ideal: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each voter's support, shape (V, P), and squared distance to the closest party, (V,).

    A voter supports the closest party by Euclidean distance; exact ties are split equally.
    """
    ideal = np.asarray(ideal, dtype=np.float64)
    weights, best = _closest(np.ascontiguousarray(ideal[:, 0]), np.ascontiguousarray(ideal[:, 1]),
                             np.asarray(positions, dtype=np.float64).reshape(-1, 2))
    return weights.T, best


def effective_number(shares: np.ndarray) -> float:
    """Effective number of parties, 1 / sum(share^2) (Laakso & Taagepera 1979)."""
    shares = np.asarray(shares, dtype=np.float64)
    return float(1.0 / np.sum(shares * shares))


def eccentricity(positions: np.ndarray, centroid: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Distance of each party from the voter centroid, in s.d. (``unit``)."""
    d = np.asarray(positions, dtype=np.float64) - np.asarray(centroid, dtype=np.float64)
    return np.sqrt((d * d).sum(axis=-1)) / unit


def misery(ideal: np.ndarray, positions: np.ndarray, unit: float = 1.0) -> float:
    """Voter misery: mean squared distance from each voter to the closest party, in s.d.^2."""
    return float(closest_weights(ideal, positions)[1].mean() / unit ** 2)


def vote_shares(ideal: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Vote share of each party (ties split equally)."""
    return closest_weights(ideal, positions)[0].sum(axis=0) / len(ideal)


# ---------------------------------------------------------------------------- result

@dataclass(frozen=True, eq=False)
class Run:
    """One run. Final values, then per-step series: index t is the election at step t
    (t = 0 at the starting positions; parties adapt after each election; ``steps`` moves).
    """
    rules: tuple[str, ...]
    seed: int
    steps: int
    burn_in: int
    centroid: np.ndarray          # (2,) mean voter ideal point
    positions: np.ndarray         # (P, 2) final positions
    shares: np.ndarray            # (P,) final vote shares
    eccentricity: np.ndarray      # (P,) final distance from the centroid, s.d.
    misery: float                 # final voter misery, s.d.^2
    enp: float                    # final effective number of parties
    positions_t: np.ndarray       # (steps + 1, P, 2)
    shares_t: np.ndarray          # (steps + 1, P)
    eccentricity_t: np.ndarray    # (steps + 1, P)
    misery_t: np.ndarray          # (steps + 1,)
    enp_t: np.ndarray             # (steps + 1,)
    ideals: np.ndarray            # (P, 2) leaders' ideal points
    voters: np.ndarray | None = field(default=None, repr=False)  # (V, 2) when kept

    @property
    def n_parties(self) -> int:
        return len(self.rules)

    def _after(self, series: np.ndarray) -> np.ndarray:
        return series[self.burn_in:].mean(axis=0)

    @property
    def mean_shares(self) -> np.ndarray:
        """Vote shares averaged over the elections after the burn-in."""
        return self._after(self.shares_t)

    @property
    def mean_eccentricity(self) -> np.ndarray:
        """Per-party eccentricity averaged over the elections after the burn-in."""
        return self._after(self.eccentricity_t)

    @property
    def mean_misery(self) -> float:
        return float(self._after(self.misery_t))

    @property
    def mean_enp(self) -> float:
        return float(self._after(self.enp_t))

    def rule_mask(self, rule: str) -> np.ndarray:
        return np.array([r == rule for r in self.rules])


# ---------------------------------------------------------------------------- model

def _int(name: str, value, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ModelInputError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def _real(name: str, value, lo: float) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ModelInputError(f"{name} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not np.isfinite(x) or x < lo:
        raise ModelInputError(f"{name} must be a finite number >= {lo:g}, got {value!r}")
    return x


def _points(name: str, value, n: int) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelInputError(f"{name} must be numbers, shape ({n}, 2)") from None
    if arr.shape != (n, 2) or not np.isfinite(arr).all():
        raise ModelInputError(f"{name} must be finite, shape ({n}, 2), got shape {arr.shape}")
    return arr


def _per_party(value, n: int, name: str, default) -> np.ndarray:
    """One float per party from a scalar or a list; None means no threshold (inf)."""
    if value is None:
        value = default
    try:
        if value is None or np.ndim(value) == 0:
            return np.full(n, np.inf if value is None else float(value))
        arr = np.array([np.inf if v is None else float(v) for v in value], dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelInputError(f"{name} must be a number, None, or one of those per party") from None
    if arr.shape != (n,):
        raise ModelInputError(f"{name} needs one value per party ({n}), got {len(arr)}")
    return arr


def _toward(pos: np.ndarray, dest: np.ndarray, step: float | None) -> np.ndarray:
    """Move to ``dest`` if it is within ``step`` (or ``step`` is None), else ``step`` toward it."""
    delta = dest - pos
    dist = np.sqrt((delta * delta).sum(axis=1))
    if step is None:
        return dest.copy()
    far = dist > step
    out = dest.copy()
    out[far] = pos[far] + delta[far] * (step / dist[far])[:, None]
    return out


def run(n_parties: int, rule: str | Sequence[str] = "aggregator", n_voters: int = 1000,
        steps: int = 200, seed: int = 0, *,
        speed: float = 0.1,
        aggregator_speed: float | None = None,
        burn_in: int = 0,
        polarization: float = 0.0,
        relative_size: float = 1.0,
        subpopulations: Sequence[Sequence[float]] | None = None,
        init_spread: float = 1.0,
        positions: np.ndarray | None = None,
        comfort: float | Sequence[float | None] | None = None,
        ideal_weight: float | Sequence[float] = 0.0,
        ideals: np.ndarray | None = None,
        policy_scale: float = 0.05,
        keep_voters: bool = False) -> Run:
    """Run Laver's party competition and return positions, shares and metrics per step.

    ``rule`` is one of :data:`RULES` for every party, or a list with one rule per party.
    ``speed`` is the hunters' and predators' step (0.1 s.d., one NetLogo patch);
    ``aggregator_speed`` None moves aggregators straight to their target, a number caps the
    move. ``burn_in`` elections are left out of the ``mean_*`` summaries.

    The electorate: ``n_voters`` ideal points from ``subpopulations`` (rows of ``(weight, x,
    y, sd)``), by default :func:`subpopulations_for` ``(polarization, relative_size)``, i.e.
    a standard bivariate normal. Parties start at ``positions`` or, by default, at
    independent N(mean voter, ``init_spread``^2) points. ``comfort`` (one value or one per
    party; None = insatiable) makes a party stick while its share is at least that value.
    ``ideal_weight`` (phi) and ``ideals`` (default: the starting positions) give leaders a
    policy preference; ``policy_scale`` converts squared distance into vote share (0.05).
    """
    n_parties = _int("n_parties", n_parties, 1)
    n_voters = _int("n_voters", n_voters, 1)
    steps = _int("steps", steps, 0)
    seed = _int("seed", seed, 0)
    if seed >= 2 ** 63:
        raise ModelInputError(f"seed must be below 2**63, got {seed}")
    burn_in = _int("burn_in", burn_in, 0)
    if burn_in > steps:
        raise ModelInputError(f"burn_in ({burn_in}) must not exceed steps ({steps})")
    if isinstance(rule, str):
        rules = (rule,) * n_parties
    else:
        rules = tuple(rule)
    if len(rules) != n_parties:
        raise ModelInputError(f"rule lists {len(rules)} rules for {n_parties} parties; give one per party")
    bad = sorted({str(r) for r in rules} - set(RULES))
    if bad or not all(isinstance(r, str) for r in rules):
        raise ModelInputError(f"unknown rule(s) {bad}; choose from {RULES}")
    speed = _real("speed", speed, 0.0)
    if aggregator_speed is not None:
        aggregator_speed = _real("aggregator_speed", aggregator_speed, 0.0)
    init_spread = _real("init_spread", init_spread, 0.0)
    policy_scale = _real("policy_scale", policy_scale, 0.0)

    sub = subpopulations if subpopulations is not None else subpopulations_for(
        _real("polarization", polarization, 0.0), _real("relative_size", relative_size, 0.0))
    ideal_pts = voters(n_voters, seed, sub)
    centroid = ideal_pts.mean(axis=0)
    sub_arr = np.asarray(sub, dtype=np.float64).reshape(-1, 4)
    pop_mean = (sub_arr[:, :1] * sub_arr[:, 1:3]).sum(axis=0) / sub_arr[:, 0].sum()

    P = n_parties
    if positions is None:
        pos = pop_mean + init_spread * _normals(seed, _DAY_START, P)
    else:
        pos = _points("positions", positions, P)
    leader = pos.copy() if ideals is None else _points("ideals", ideals, P)
    kappa = _per_party(comfort, P, "comfort", None)
    phi = _per_party(ideal_weight, P, "ideal_weight", 0.0)
    if np.isnan(kappa).any() or (kappa < 0).any():
        raise ModelInputError("comfort thresholds must be >= 0 (None: insatiable)")
    if not ((phi >= 0) & (phi <= 1)).all():
        raise ModelInputError("ideal_weight must lie in [0, 1]")

    is_agg = np.array([r == "aggregator" for r in rules])
    is_hunt = np.array([r == "hunter" for r in rules])
    is_pred = np.array([r == "predator" for r in rules])
    heading = 2.0 * np.pi * rng.uniforms(seed, STREAM_PARTY_COMPETITION, _DAY_HEADING, P, 0)
    last_utility = np.full(P, -np.inf)   # utility before the hunter's last move

    T = steps + 1
    pos_t = np.empty((T, P, 2))
    share_t = np.empty((T, P))
    misery_t = np.empty(T)
    V = len(ideal_pts)
    xs = np.ascontiguousarray(ideal_pts[:, 0])
    ys = np.ascontiguousarray(ideal_pts[:, 1])
    for t in range(T):
        weights, best = _closest(xs, ys, pos)
        support = weights.sum(axis=1)
        share = support / V
        pos_t[t] = pos
        share_t[t] = share
        misery_t[t] = best.mean()
        if t == steps:
            break

        active = share < kappa
        new = pos.copy()
        ideal_gap = pos - leader

        agg = is_agg & active & (support > 0)
        if agg.any():
            w = weights[agg]
            mean_supporter = np.stack([(w * xs).sum(axis=1), (w * ys).sum(axis=1)], axis=1) / support[agg, None]
            dest = phi[agg, None] * leader[agg] + (1.0 - phi[agg, None]) * mean_supporter
            new[agg] = _toward(pos[agg], dest, aggregator_speed)

        hunt = is_hunt & active
        if hunt.any():
            utility = (1.0 - phi) * share - policy_scale * phi * (ideal_gap * ideal_gap).sum(axis=1)
            turn = hunt & ~(utility > last_utility)
            if turn.any():
                u = rng.uniforms(seed, STREAM_PARTY_COMPETITION, _DAY_TURN0 + t, P, 0)
                heading[turn] += 0.5 * np.pi + np.pi * u[turn]
            last_utility[hunt] = utility[hunt]
            new[hunt] = pos[hunt] + speed * np.stack([np.cos(heading[hunt]), np.sin(heading[hunt])], axis=1)

        pred = is_pred & active
        if pred.any():
            prey = int(np.argmax(share))
            dest = phi[pred, None] * leader[pred] + (1.0 - phi[pred, None]) * pos[prey]
            new[pred] = _toward(pos[pred], dest, speed)

        pos = new

    ecc_t = eccentricity(pos_t, centroid)
    enp_t = 1.0 / (share_t * share_t).sum(axis=1)
    return Run(rules=rules, seed=seed, steps=steps, burn_in=burn_in, centroid=centroid,
               positions=pos_t[-1].copy(), shares=share_t[-1].copy(), eccentricity=ecc_t[-1].copy(),
               misery=float(misery_t[-1]), enp=float(enp_t[-1]), positions_t=pos_t,
               shares_t=share_t, eccentricity_t=ecc_t, misery_t=misery_t, enp_t=enp_t,
               ideals=leader, voters=ideal_pts if keep_voters else None)


# ---------------------------------------------------------------------------- published results
#
# Each claim runs the model over ``seeds`` seeds (0, 1, ...) and compares quantiles over
# seeds with the published statement; see docs/models-party-competition.md for the settings
# and for what the statements leave open.

_V = 1000            # voters in the statistical checks
_FIELD = ("sticker", "aggregator", "hunter", "predator") * 2   # two parties of each rule


@lru_cache(maxsize=4096)
def _summary(n: int, rules: tuple[str, ...], seed: int, steps: int, burn_in: int,
             polarization: float = 0.0, comfort: tuple | None = None,
             phi: tuple | None = None) -> tuple[float, tuple[float, ...]]:
    """(mean misery, mean shares) after the burn-in; cached so claims can share runs."""
    r = run(n, list(rules), _V, steps, seed, burn_in=burn_in, polarization=polarization,
            comfort=None if comfort is None else list(comfort),
            ideal_weight=0.0 if phi is None else list(phi))
    return r.mean_misery, tuple(float(s) for s in r.mean_shares)


def _pct(x: np.ndarray) -> str:
    return f"{100.0 * float(np.mean(x)):.0f}%"


# -- the four rules as the abstract states them (Laver 2005) ---------------------------

def _check_sticker(seeds: int) -> Outcome:
    worst = 0.0
    for s in range(seeds):
        r = run(len(_FIELD), list(_FIELD), _V, 100, s)
        m = r.rule_mask("sticker")
        worst = max(worst, float(np.abs(r.positions_t[:, m] - r.positions_t[0, m]).max()))
    return Outcome(f"largest sticker displacement over 100 steps, {seeds} seeds: {worst:g} s.d.",
                   worst == 0.0)


def _check_aggregator(seeds: int) -> Outcome:
    worst, moves = 0.0, 0
    for s in range(seeds):
        r = run(len(_FIELD), list(_FIELD), _V, 50, s, keep_voters=True)
        for t in range(r.steps):
            w, _ = closest_weights(r.voters, r.positions_t[t])
            for p in np.flatnonzero(r.rule_mask("aggregator")):
                if w[:, p].sum() > 0:
                    target = (w[:, p, None] * r.voters).sum(axis=0) / w[:, p].sum()
                    worst = max(worst, float(np.abs(r.positions_t[t + 1, p] - target).max()))
                    moves += 1
    return Outcome(f"{moves} aggregator moves: largest distance from the supporters' centroid "
                   f"{worst:.1e} s.d.", moves > 0 and worst < 1e-9)


def _check_hunter(seeds: int) -> Outcome:
    kept, turned, lengths = [], [], []
    for s in range(seeds):
        r = run(5, "hunter", _V, 100, s)
        moves = np.diff(r.positions_t, axis=0)                  # (steps, P, 2)
        lengths.append(np.sqrt((moves ** 2).sum(axis=2)).ravel())
        angle = np.arctan2(moves[..., 1], moves[..., 0])
        turn = np.mod(angle[1:] - angle[:-1], 2 * np.pi)        # turn before move t, t >= 1
        rewarded = r.shares_t[1:-1] > r.shares_t[:-2]
        kept.append(np.minimum(turn, 2 * np.pi - turn)[rewarded])
        turned.append(np.degrees(turn[~rewarded]))
    kept, turned, lengths = map(np.concatenate, (kept, turned, lengths))
    dev = float(np.abs(turned - 180.0).mean())
    ok = (kept.max() < 1e-9 and turned.min() >= 90 - 1e-6 and turned.max() <= 270 + 1e-6
          and abs(dev - 45.0) < 3.0 and np.allclose(lengths, 0.1))
    return Outcome(f"{len(kept)} rewarded moves, largest turn {np.degrees(kept.max()):.1e} deg; "
                   f"{len(turned)} unrewarded turns in [{turned.min():.1f}, {turned.max():.1f}] deg, "
                   f"mean |turn - 180| = {dev:.1f} deg; step lengths {lengths.min():.4f}-{lengths.max():.4f}",
                   bool(ok))


def _check_predator(seeds: int) -> Outcome:
    worst, moves, still = 0.0, 0, 0.0
    for s in range(seeds):
        r = run(len(_FIELD), list(_FIELD), _V, 100, s)
        for t in range(r.steps):
            prey = int(np.argmax(r.shares_t[t]))
            for p in np.flatnonzero(r.rule_mask("predator")):
                before = r.positions_t[t, p]
                after = r.positions_t[t + 1, p]
                gap = float(np.linalg.norm(r.positions_t[t, prey] - before))
                if p == prey:
                    still = max(still, float(np.linalg.norm(after - before)))
                    continue
                closer = gap - float(np.linalg.norm(r.positions_t[t, prey] - after))
                worst = max(worst, abs(closer - min(0.1, gap)))
                moves += 1
    return Outcome(f"{moves} predator moves: each closes min(speed, gap) on the largest party "
                   f"to within {worst:.1e} s.d.; the largest party moved at most {still:g}",
                   moves > 0 and worst < 1e-9 and still == 0.0)


# -- published results ------------------------------------------------------------------

_ELECTORATES = (0.0, 1.0)      # symmetric: unimodal, and two equal subpopulations at -1, +1
_HOMOGENEOUS_K = (3, 6)
_HOMO_STEPS, _HOMO_BURN = 300, 100


def _homogeneous(seeds: int, rules: Sequence[str] = RULES) -> dict[tuple[float, int, str], np.ndarray]:
    out = {}
    for pol in _ELECTORATES:
        for k in _HOMOGENEOUS_K:
            for rule in rules:
                out[pol, k, rule] = np.array([
                    _summary(k, (rule,) * k, s, _HOMO_STEPS, _HOMO_BURN, pol)[0] for s in range(seeds)])
    return out


def _check_agg_vs_hunter(seeds: int) -> Outcome:
    res = _homogeneous(seeds, ("aggregator", "hunter"))
    parts, ok = [], True
    for pol in _ELECTORATES:
        for k in _HOMOGENEOUS_K:
            a, h = res[pol, k, "aggregator"], res[pol, k, "hunter"]
            ok &= bool(np.quantile(a - h, 0.9) < 0)
            parts.append(f"mu={pol:g} K={k}: {np.median(a):.3f} vs {np.median(h):.3f} ({_pct(a < h)})")
    return Outcome("median misery aggregator vs hunter (share of seeds lower): " + "; ".join(parts), ok)


def _check_agg_best(seeds: int) -> Outcome:
    res = _homogeneous(seeds)
    parts, ok = [], True
    for pol in _ELECTORATES:
        for k in _HOMOGENEOUS_K:
            table = np.array([res[pol, k, r] for r in RULES])
            best = table.argmin(axis=0) == RULES.index("aggregator")
            ok &= bool(np.mean(best) >= 0.9)
            meds = ", ".join(f"{r[0].upper()} {np.median(res[pol, k, r]):.2f}" for r in RULES)
            parts.append(f"mu={pol:g} K={k}: {meds} (A lowest in {_pct(best)})")
    return Outcome("median misery by rule: " + "; ".join(parts), ok)


def _check_predators_worst(seeds: int) -> Outcome:
    per_rule = {rule: [] for rule in RULES}
    for s in range(seeds):
        shares = np.array(_summary(len(_FIELD), _FIELD, s, 500, 200)[1])
        for rule in RULES:
            per_rule[rule].append(shares[[r == rule for r in _FIELD]].mean())
    table = np.array([per_rule[r] for r in RULES])
    lowest = table.argmin(axis=0) == RULES.index("predator")
    meds = {r: float(np.median(per_rule[r])) for r in RULES}
    ok = min(meds, key=meds.get) == "predator" and np.mean(lowest) >= 0.8
    return Outcome("median share per party: " + ", ".join(f"{r} {v:.3f}" for r, v in meds.items())
                   + f"; predators lowest in {_pct(lowest)} of seeds", bool(ok))


_SAT_KAPPA, _SAT_K = 0.10, (6, 10)


def _check_satisficing(seeds: int) -> Outcome:
    parts, wins = [], []
    for rule in ("hunter", "predator"):
        rule_wins = True
        for k in _SAT_K:
            comfort = tuple(_SAT_KAPPA if i % 2 == 0 else None for i in range(k))
            sat = np.array([c is not None for c in comfort])
            gap = np.array([
                (lambda sh: sh[sat].mean() - sh[~sat].mean())(
                    np.array(_summary(k, (rule,) * k, s, 500, 200, 0.0, comfort)[1]))
                for s in range(seeds)])
            rule_wins &= bool(np.median(gap) > 0 and np.mean(gap > 0) >= 0.7)
            parts.append(f"{rule} K={k}: {np.median(gap):+.3f} ({_pct(gap > 0)})")
        wins.append(rule_wins)
    return Outcome("median share gap satisficing - insatiable (share of seeds > 0): "
                   + "; ".join(parts), any(wins))


_PHI, _PHI_K = 0.5, 6


def _check_policy_leaders(seeds: int) -> Outcome:
    parts, wins = [], []
    phi = tuple(_PHI if i % 2 == 0 else 0.0 for i in range(_PHI_K))
    pm = np.array(phi) > 0
    for rule in ("aggregator", "hunter", "predator"):
        gap = np.array([
            (lambda sh: sh[pm].mean() - sh[~pm].mean())(
                np.array(_summary(_PHI_K, (rule,) * _PHI_K, s, 800, 200, 0.0, None, phi)[1]))
            for s in range(seeds)])
        wins.append(bool(np.median(gap) > 0 and np.mean(gap > 0) >= 0.8))
        parts.append(f"{rule}: {np.median(gap):+.3f} ({_pct(gap > 0)})")
    return Outcome(f"median share gap phi={_PHI:g} - phi=0 leaders, K={_PHI_K}, steps 200-800 "
                   "(share of seeds > 0): " + "; ".join(parts), any(wins))


_TOURNAMENT = ("sticker", "aggregator", "hunter", "predator", "predator") * 2
_TOURNAMENT_COMFORT = (None, None, None, None, _SAT_KAPPA) * 2


def _check_tournament(seeds: int) -> Outcome:
    kinds = ("sticker", "aggregator", "hunter", "predator", "sat-predator") * 2
    per = {k: [] for k in dict.fromkeys(kinds)}
    best = []
    for s in range(seeds):
        shares = np.array(_summary(len(_TOURNAMENT), _TOURNAMENT, s, 500, 200, 0.0,
                                   _TOURNAMENT_COMFORT)[1])
        means = {k: shares[[x == k for x in kinds]].mean() for k in per}
        for k in per:
            per[k].append(means[k])
        best.append(max(means, key=means.get))
    meds = {k: float(np.median(v)) for k, v in per.items()}
    top = max(meds, key=meds.get)
    return Outcome("median share per party: " + ", ".join(f"{k} {v:.3f}" for k, v in meds.items())
                   + "; best rule per seed: " + ", ".join(f"{k} {best.count(k)}" for k in per if best.count(k)),
                   top != "sat-predator")


# -- analytic values (mechanisms.md: aggregator dynamics are Lloyd's algorithm) --------

_LLOYD_V, _LLOYD_STEPS = 50_000, 60


@lru_cache(maxsize=64)
def _lloyd_run(k: int, seed: int) -> Run:
    return run(k, "aggregator", _LLOYD_V, _LLOYD_STEPS, seed)


def _lloyd(k: int, seeds: int) -> list[Run]:
    return [_lloyd_run(k, s) for s in range(max(seeds, 3))]


def _check_lloyd_1(seeds: int) -> Outcome:
    runs = _lloyd(1, seeds)
    ecc = max(float(r.eccentricity[0]) for r in runs)
    mis = float(np.median([r.misery for r in runs]))
    return Outcome(f"eccentricity at most {ecc:.1e}; median misery {mis:.4f} "
                   f"({len(runs)} seeds, {_LLOYD_V} voters)", ecc < 1e-9 and abs(mis - 2.0) < 0.01)


def _check_lloyd_2(seeds: int) -> Outcome:
    runs = _lloyd(2, seeds)
    ecc = float(np.median([r.eccentricity.mean() for r in runs]))
    mis = float(np.median([r.misery for r in runs]))
    want = np.sqrt(2.0 / np.pi)
    return Outcome(f"median eccentricity {ecc:.4f}, median misery {mis:.4f} "
                   f"({len(runs)} seeds, {_LLOYD_V} voters)",
                   abs(ecc - want) < 0.01 and abs(mis - (2.0 - 2.0 / np.pi)) < 0.01)


def _check_lloyd_enp(seeds: int) -> Outcome:
    runs = _lloyd(2, seeds)
    enp = np.array([r.enp for r in runs])
    return Outcome(f"ENP {enp.min():.4f}-{enp.max():.4f} ({len(runs)} seeds)",
                   bool(np.abs(enp - 2.0).max() < 0.01))


_ABSTRACT = "Laver (2005) APSR 99(2): 263-281, abstract"

CLAIMS: list[Claim] = [
    Claim(NAME, "Sticker: never change party policy", _ABSTRACT, "SRC",
          "every sticker keeps its starting position exactly (displacement 0)", _check_sticker),
    Claim(NAME, "Aggregator: adapt party policy to the ideal points of party supporters",
          _ABSTRACT + "; Laver & Sergenti (2011) Ch.3", "SRC",
          "each aggregator moves to the mean ideal point of its current supporters (error < 1e-9 s.d.)",
          _check_aggregator),
    Claim(NAME, "Hunter: repeat policy moves that were rewarded, otherwise make random moves",
          _ABSTRACT + "; Laver & Sergenti (2011) Ch.3 and NetLogo code (via a public descendant)",
          "SRC",
          "same heading after a move that raised support; otherwise turn by 90 + U(0,180) deg "
          "(mean |turn - 180| = 45 deg); every move 0.1 s.d.", _check_hunter),
    Claim(NAME, "Predator: move party policy toward the position of the largest party",
          _ABSTRACT + "; Laver & Sergenti NetLogo code (via a public descendant)", "SRC",
          "each predator closes min(0.1, gap) s.d. on the largest party; the largest stays",
          _check_predator),
    Claim(NAME, "In symmetric populations Aggregator systems represent voters better than Hunter "
          "systems (lower voter misery)", "Laver & Sergenti (2011) Ch.5, chapter summary", "SRC",
          "all-aggregator misery < all-hunter misery in >= 90% of seeds (90th pct of the "
          "difference < 0), K = 3 and 6, unimodal and symmetric bimodal (mu = 1) electorates",
          _check_agg_vs_hunter),
    Claim(NAME, "Aggregator is the best rule for high congruence (lowest voter misery)",
          "Lehrer & Schumacher (2018) PLoS ONE 13: e0191649, abstract", "SRC",
          "all-aggregator systems have the lowest misery of the four homogeneous systems in "
          ">= 90% of seeds, K = 3 and 6, both symmetric electorates", _check_agg_best),
    Claim(NAME, "Predators are on average the worst-performing parties (static voter distribution)",
          "Geyer & Mellacher (EPSA 2025) abstract, on Laver (2005)", "2ND",
          "two parties of each rule: predators have the lowest median vote share, and the "
          "lowest mean share in >= 80% of seeds", _check_predators_worst),
    Claim(NAME, "Satisficing leaders often win more votes than insatiable ones",
          "Laver & Sergenti (2011), book blurb", "SRC",
          f"in at least one adaptive rule (hunter, predator), parties with comfort threshold "
          f"{_SAT_KAPPA:g} out-poll insatiable rivals of the same rule at K = 6 and 10 "
          "(median gap > 0, >= 70% of seeds)", _check_satisficing),
    Claim(NAME, "Leaders who weigh their own policy preferences can win more votes over the long haul",
          "Laver & Sergenti (2011), book blurb (Ch.10)", "SRC",
          f"in at least one rule (aggregator, hunter, predator), leaders with phi = {_PHI:g} "
          f"out-poll phi = 0 rivals over 600 elections (median gap > 0, >= 80% of seeds)",
          _check_policy_leaders),
    Claim(NAME, "The tournament's winning rule satisficed and was parasitic on successful rules",
          "Fowler & Laver (2008) tournament, abstract", "SRC",
          "published: a satisficing parasite (KQ-Strat, with a 'secret handshake') won. Here the "
          f"nearest rule, a satisficing predator (comfort {_SAT_KAPPA:g}), does not have the "
          "highest median share against the four basic rules", _check_tournament,
          reproduces=False),
    Claim(NAME, "One Aggregator settles on the voter centroid", "mechanisms.md analytic check "
          "(Lloyd's algorithm)", "CALC",
          "eccentricity 0; misery 2.000 (+-0.01, median over seeds) for standard normal voters",
          _check_lloyd_1),
    Claim(NAME, "Two Aggregators form the centroidal Voronoi tessellation", "mechanisms.md analytic "
          "check (Lloyd's algorithm)", "CALC",
          "eccentricity sqrt(2/pi) = 0.798 and misery 2 - 2/pi = 1.363 (+-0.01, median over seeds)",
          _check_lloyd_2),
    Claim(NAME, "A symmetric centroidal Voronoi tessellation has ENP = K", "mechanisms.md analytic "
          "check", "CALC", "K = 2 aggregators: ENP = 2.00 (+-0.01) in every seed", _check_lloyd_enp),
]
