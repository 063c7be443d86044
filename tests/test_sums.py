"""The compiled sums give NumPy's sums bit for bit (runs must not change when the engine uses them)."""
import numpy as np
import pytest

from antaeus.core import sums


@pytest.mark.parametrize("n", list(range(1, 40)) + [63, 64, 65, 127, 128, 129, 130, 255, 256, 300, 1000, 4099])
def test_pairwise_is_numpys_order(n):
    rng = np.random.default_rng(n)
    for _ in range(50):  # magnitudes that make the order matter
        a = rng.random(n + 5) * 10.0 ** rng.integers(-8, 8, n + 5)
        assert sums.pairwise(a, 3, n) == a[3:3 + n].sum()
        assert sums.pairwise(a, 0, n) == a[:n].sum()


def test_selections_are_numpys_sums():
    rng = np.random.default_rng(7)
    for _ in range(300):
        R, G, P = rng.integers(1, 20), rng.integers(1, 9), rng.integers(1, 12)
        people = rng.random((R, G, P)) * 10.0 ** rng.integers(-6, 6, (R, G, P))
        parties = np.sort(rng.choice(P, rng.integers(1, P + 1), replace=False))
        party = int(rng.integers(P))
        assert sums.party_total(people, party) == people[:, :, party].sum()
        assert sums.picked(people[0, 0], parties) == people[0, 0, parties].sum()
        assert sums.picked(people[-1, -1], parties[::-1]) == people[-1, -1, parties[::-1]].sum()


def test_the_workers_share_is_numpys():
    """The railwaymen's backing (engine.actors) sums in the order NumPy reads its fancy selections."""
    from antaeus.engine.actors import _worker_share
    rng = np.random.default_rng(3)
    for _ in range(300):
        R, G, P = rng.integers(1, 20), rng.integers(1, 9), rng.integers(1, 10)
        support = rng.random((R, G, P)) * 10.0 ** rng.integers(-6, 6, (R, G, P))
        mask = rng.random(G) < 0.5
        parties = sorted(rng.choice(P, rng.integers(1, P + 1), replace=False).tolist())
        workers = support[:, mask, :]
        total = float(workers.sum())
        want = float(workers[:, :, parties].sum()) / total if total else 0.0
        assert _worker_share(support, np.flatnonzero(mask), np.array(parties, np.int64)) == want
