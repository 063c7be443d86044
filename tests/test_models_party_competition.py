"""Laver (2005) party competition: exact tests of the rules and metrics, statistical tests of
the published results (``CLAIMS``) over many seeds."""
from __future__ import annotations

import numpy as np
import pytest

from antaeus.models import ModelInputError
from antaeus.models import party_competition as pc

# ------------------------------------------------------------------------------ metrics

SQUARE = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])


def test_metrics_on_hand_built_positions():
    parties = np.array([[-1.0, 0.0], [1.0, 0.0]])
    w, best = pc.closest_weights(SQUARE, parties)
    # the two voters on the y axis are equidistant: each splits its vote
    np.testing.assert_array_equal(w, [[1, 0], [0, 1], [0.5, 0.5], [0.5, 0.5]])
    np.testing.assert_array_equal(best, [0.0, 0.0, 2.0, 2.0])
    np.testing.assert_array_equal(pc.vote_shares(SQUARE, parties), [0.5, 0.5])
    assert pc.misery(SQUARE, parties) == 1.0
    assert pc.effective_number([0.5, 0.5]) == 2.0
    assert pc.effective_number([0.5, 0.25, 0.25]) == pytest.approx(1 / 0.375)
    assert pc.effective_number([1.0]) == 1.0
    np.testing.assert_allclose(pc.eccentricity(parties, SQUARE.mean(axis=0)), [1.0, 1.0])
    np.testing.assert_allclose(pc.eccentricity([[3.0, 4.0]], [0.0, 0.0], unit=2.0), [2.5])


def test_parties_at_one_position_split_their_voters_whatever_their_order():
    parties = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 0.0]])
    shares = pc.vote_shares(SQUARE, parties)
    np.testing.assert_array_equal(shares, [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(pc.vote_shares(SQUARE, parties[::-1]), shares[::-1])


def test_run_metrics_match_the_metric_functions():
    r = pc.run(4, ["sticker", "aggregator", "hunter", "predator"], 300, 30, 5, keep_voters=True)
    for t in (0, 17, 30):
        pos = r.positions_t[t]
        np.testing.assert_allclose(r.shares_t[t], pc.vote_shares(r.voters, pos), atol=1e-15)
        assert r.misery_t[t] == pytest.approx(pc.misery(r.voters, pos), rel=1e-12)
        assert r.enp_t[t] == pytest.approx(pc.effective_number(r.shares_t[t]), rel=1e-12)
        np.testing.assert_allclose(r.eccentricity_t[t], pc.eccentricity(pos, r.voters.mean(axis=0)))
    np.testing.assert_array_equal(r.positions, r.positions_t[-1])
    np.testing.assert_array_equal(r.shares, r.shares_t[-1])
    assert r.misery == r.misery_t[-1] and r.enp == r.enp_t[-1]
    assert r.shares_t.sum(axis=1) == pytest.approx(np.ones(31))
    assert r.positions_t.shape == (31, 4, 2) and r.eccentricity_t.shape == (31, 4)


def test_burn_in_leaves_early_elections_out_of_the_means():
    r = pc.run(3, "hunter", 200, 40, 1, burn_in=25)
    np.testing.assert_allclose(r.mean_shares, r.shares_t[25:].mean(axis=0))
    assert r.mean_misery == pytest.approx(r.misery_t[25:].mean())
    assert r.mean_enp == pytest.approx(r.enp_t[25:].mean())
    np.testing.assert_allclose(r.mean_eccentricity, r.eccentricity_t[25:].mean(axis=0))


# ------------------------------------------------------------------------------ the rules

def test_sticker_never_moves():
    r = pc.run(8, ["sticker", "aggregator", "hunter", "predator"] * 2, 300, 60, 3)
    s = r.rule_mask("sticker")
    assert (r.positions_t[:, s] == r.positions_t[0, s]).all()
    assert not (r.positions_t[:, ~s] == r.positions_t[0, ~s]).all()


def _independent_centroids(voters, positions):
    d = np.linalg.norm(voters[:, None, :] - positions[None, :, :], axis=2)
    closest = d.argmin(axis=1)
    return {p: voters[closest == p].mean(axis=0) for p in range(len(positions)) if (closest == p).any()}


def test_aggregator_moves_exactly_to_the_centroid_of_its_supporters():
    r = pc.run(5, "aggregator", 400, 6, 11, keep_voters=True)
    for t in range(r.steps):
        target = _independent_centroids(r.voters, r.positions_t[t])
        for p, c in target.items():
            np.testing.assert_allclose(r.positions_t[t + 1, p], c, rtol=0, atol=1e-12)


def test_aggregator_without_supporters_stays_and_speed_caps_the_move():
    far = np.array([[0.0, 0.0], [40.0, 40.0]])           # the second party has no voters
    r = pc.run(2, "aggregator", 200, 3, 2, positions=far)
    assert (r.positions_t[:, 1] == far[1]).all() and r.shares_t[0, 1] == 0.0
    start = np.array([[3.0, 0.0]])
    r = pc.run(1, "aggregator", 500, 5, 4, positions=start, aggregator_speed=0.25, keep_voters=True)
    steps = np.linalg.norm(np.diff(r.positions_t[:, 0], axis=0), axis=1)
    np.testing.assert_allclose(steps, 0.25)
    direction = r.voters.mean(axis=0) - start[0]
    moved = r.positions_t[1, 0] - start[0]
    np.testing.assert_allclose(moved, 0.25 * direction / np.linalg.norm(direction))


def test_hunter_keeps_a_rewarded_heading_and_turns_90_to_270_degrees_otherwise():
    r = pc.run(4, "hunter", 300, 80, 9)
    moves = np.diff(r.positions_t, axis=0)
    np.testing.assert_allclose(np.linalg.norm(moves, axis=2), 0.1)
    angle = np.arctan2(moves[..., 1], moves[..., 0])
    turn = np.degrees(np.mod(angle[1:] - angle[:-1], 2 * np.pi))
    rewarded = r.shares_t[1:-1] > r.shares_t[:-2]
    assert rewarded.any() and (~rewarded).any()
    kept = np.minimum(turn, 360 - turn)[rewarded]
    assert kept.max() < 1e-6
    assert turn[~rewarded].min() >= 90 - 1e-6 and turn[~rewarded].max() <= 270 + 1e-6


def test_predator_closes_on_the_largest_party_which_stays_put():
    start = np.array([[0.0, 0.0], [2.0, 0.0], [0.05, 0.02]])
    r = pc.run(3, ["sticker", "predator", "predator"], 500, 1, 0, positions=start)
    prey = int(np.argmax(r.shares_t[0]))
    assert prey == 0
    np.testing.assert_allclose(r.positions_t[1, 1], [1.9, 0.0])    # moves `speed` toward it
    np.testing.assert_array_equal(r.positions_t[1, 2], [0.0, 0.0])  # lands on it when closer
    # a predator that is itself the largest party does not move
    r = pc.run(2, ["predator", "predator"], 500, 3, 0, positions=[[0.0, 0.0], [2.5, 0.0]])
    assert r.shares_t[0, 0] > r.shares_t[0, 1]
    assert (r.positions_t[:, 0] == 0.0).all()


def test_satisficing_party_sticks_while_its_share_reaches_the_comfort_threshold():
    start = np.array([[0.0, 0.0], [3.0, 3.0]])
    r = pc.run(2, "hunter", 300, 20, 1, positions=start, comfort=[0.5, None])
    assert (r.shares_t[:, 0] >= 0.5).all()
    assert (r.positions_t[:, 0] == 0.0).all()
    assert not (r.positions_t[:, 1] == start[1]).all()


def test_ideal_weight_one_sends_aggregators_and_predators_to_their_leaders_ideals():
    ideals = np.array([[1.0, 1.0], [-2.0, 0.5]])
    r = pc.run(2, ["aggregator", "predator"], 300, 80, 3, ideal_weight=1.0, ideals=ideals)
    np.testing.assert_allclose(r.positions, ideals, atol=1e-12)
    np.testing.assert_array_equal(r.ideals, ideals)


# ------------------------------------------------------------------------------ voters and seeds

def test_electorate_defaults_to_a_standard_bivariate_normal():
    v = pc.voters(20_000, 1, pc.subpopulations_for())
    assert np.abs(v.mean(axis=0)).max() < 0.03
    np.testing.assert_allclose(v.std(axis=0), [1.0, 1.0], atol=0.02)
    assert abs(np.corrcoef(v.T)[0, 1]) < 0.03


def test_bimodal_electorate_sizes_and_modes():
    sub = pc.subpopulations_for(polarization=1.5, relative_size=2.0)
    np.testing.assert_allclose(sub, [(2 / 3, -1.5, 0.0, 1.0), (1 / 3, 1.5, 0.0, 1.0)])
    v = pc.voters(3001, 2, sub)
    left, right = v[:2001], v[2001:]       # largest remainder: 2000.67 -> 2001, 1000.33 -> 1000
    assert len(right) == 1000
    assert abs(left[:, 0].mean() + 1.5) < 0.1 and abs(right[:, 0].mean() - 1.5) < 0.1
    r = pc.run(2, "aggregator", 3001, 1, 2, polarization=1.5, relative_size=2.0, keep_voters=True)
    np.testing.assert_array_equal(r.voters, v)


def test_a_seed_fixes_the_run_bit_for_bit():
    args = (6, ["aggregator", "hunter", "predator"] * 2, 500, 40, 17)
    a, b = pc.run(*args), pc.run(*args)
    for f in ("positions_t", "shares_t", "eccentricity_t", "misery_t", "enp_t", "centroid"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
    c = pc.run(*args[:4], 18)
    assert not np.array_equal(a.positions_t, c.positions_t)


def test_draws_depend_only_on_seed_and_purpose_not_on_the_rest_of_the_run():
    long = pc.run(5, "hunter", 400, 60, 8)
    short = pc.run(5, "hunter", 400, 25, 8)
    np.testing.assert_array_equal(long.positions_t[:26], short.positions_t)
    # the electorate and the starting positions do not depend on the rules
    a = pc.run(3, "sticker", 400, 0, 8, keep_voters=True)
    b = pc.run(3, ["hunter", "aggregator", "predator"], 400, 0, 8, keep_voters=True)
    np.testing.assert_array_equal(a.voters, b.voters)
    np.testing.assert_array_equal(a.positions_t[0], b.positions_t[0])


@pytest.mark.parametrize("kwargs", [
    dict(n_parties=0), dict(rule="kingmaker"), dict(rule=["hunter"]), dict(n_voters=0),
    dict(steps=-1), dict(burn_in=11), dict(seed=-1), dict(seed=2 ** 63), dict(speed=-0.1), dict(speed=float("nan")),
    dict(polarization=-1.0), dict(relative_size=0.0), dict(positions=[[0.0, 0.0]]),
    dict(comfort=[0.1]), dict(comfort=-0.1), dict(ideal_weight=1.5), dict(n_parties=2.5),
    dict(subpopulations=[(1.0, 0.0, 0.0, 0.0)]), dict(subpopulations=[(1.0, 0.0)]),
])
def test_bad_arguments_are_refused(kwargs):
    args = dict(n_parties=2, rule="aggregator", n_voters=50, steps=10, seed=0) | kwargs
    with pytest.raises(ModelInputError):
        pc.run(**args)
    assert issubclass(ModelInputError, ValueError)


# ------------------------------------------------------------------------------ published results

def test_claims_cover_the_laver_results_of_mechanisms_md():
    sources = " ".join(c.source for c in pc.CLAIMS)
    for name in ("Laver (2005)", "Ch.5", "Lehrer & Schumacher (2018)", "Geyer & Mellacher",
                 "Fowler & Laver (2008)", "book blurb (Ch.10)", "book blurb"):
        assert name in sources, name
    for rule in ("Sticker", "Aggregator", "Hunter", "Predator"):
        assert any(c.claim.startswith(rule + ":") for c in pc.CLAIMS), rule
    assert {c.label for c in pc.CLAIMS} <= {"SRC", "2ND", "CALC"}
    assert all(c.model == "party_competition" for c in pc.CLAIMS)
    assert [c.reproduces for c in pc.CLAIMS].count(False) == 1


FAST = [c for c in pc.CLAIMS if not c.slow]


@pytest.mark.parametrize("claim", FAST, ids=[c.claim[:40] for c in FAST])
def test_claim_holds_on_a_few_seeds(claim):
    out = claim.check(5)
    assert out.passed, f"{claim.claim}: expected {claim.expected}; observed {out.observed}"


@pytest.mark.statistical
@pytest.mark.parametrize("claim", pc.CLAIMS, ids=[c.claim[:40] for c in pc.CLAIMS])
def test_claim_holds_over_many_seeds(claim):
    out = claim.check(40)
    assert out.passed, f"{claim.claim}: expected {claim.expected}; observed {out.observed}"
