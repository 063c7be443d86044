"""A pyabc sampler whose generations do not depend on the number of worker processes.

pyabc's samplers either run one simulation after another in this process or accept particles
in the order parallel workers finish them, so a seed fixed a calibration only with one worker.
Here each of a generation's ``n`` particles is its own task with its own random stream, a
child of the calibration's seed, the generation and the particle's index
(:class:`numpy.random.SeedSequence`): the task proposes and simulates until its particle is
accepted, and the tasks' samples are joined in index order. Which process ran a task, and
when, cannot change what it returns, so one worker and several give the same history bit for
bit (``tests/test_calibration.py``). The tasks run in the standard library's process pool
(forked: the generation's proposal, model and distance are inherited, not sent; a task
carries only its stream's seed), or on any ``concurrent.futures`` executor, such as a Dask
cluster's (``calibrate --executor dask``): there the generation is sent with each task,
pickled by ``cloudpickle`` once per generation (once per batch where the last generation grows).

A generation waits for its slowest task, a particle that needs many proposals; with hundreds
of particles on a few cores that costs little.

The last generation may grow (``growth``): while its importance weights are worth fewer than
the bar's effective particles (Kish 1965) and it holds fewer than its cap, the next batch of
particles is sampled, with the streams of the indices after the ones it has. Whether it
grows depends only on the particles' weights, which depend only on their streams, so the
grown generation is as reproducible as any other; and it is the same importance sample a
generation asked for that many particles from the start would hold, cut where its
effective sample first reached the bar. A sample size that depends on the sample's weights
adds a bias of the order 1/n, that of the self-normalised estimate itself (docs/calibration.md).
"""
from __future__ import annotations

import multiprocessing
import random
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from typing import Callable

import numpy as np
from pyabc.sampler.base import Sampler

from .tail import effective_particles


def particle_stream(seed: int, t: int, index: int) -> int:
    """The seed of generation ``t``'s particle ``index`` (``t`` is -1 for the distance's
    calibration sample, so it is shifted by one to stay a non-negative entropy word)."""
    return int(np.random.SeedSequence((seed % 2**32, t + 1, index)).generate_state(1)[0])


#: the generation's ``(simulate_one, sample factory)``, set before the pool forks
_GENERATION: tuple | None = None


def _until_accepted(stream: int, generation: bytes | None = None):
    """One particle: simulations from its own stream until one is accepted. ``generation``:
    the pickled ``(simulate_one, sample factory)`` where it was not inherited by a fork."""
    if generation is not None:
        import cloudpickle
        simulate_one, factory = cloudpickle.loads(generation)
    else:
        simulate_one, factory = _GENERATION
    np.random.seed(stream)
    random.seed(stream)
    sample = factory()
    count = 0
    while True:
        new = simulate_one()
        sample.append(new)
        count += 1
        if new.accepted:
            return sample, count


class SeededSampler(Sampler):
    """Sample each particle from its own seeded stream: in this process (``workers`` 1), on
    ``workers`` forked processes, or on ``executor`` where one is given. ``progress(count)``
    is called in this process as each particle run elsewhere is accepted, with the number of
    simulations it took (in this process the model itself can count them);
    ``generation_done(t, particles, simulations, seconds)`` when generation ``t`` (-1: the
    distance's calibration sample) has all its particles, and ``generation_begins(t)`` before
    generation ``t`` is sampled, when pyabc has stored the one before it. ``growth``:
    ``(t, effective, batch, cap)``, generation ``t`` grows by ``batch`` particles at a time
    while its weights are worth fewer than ``effective`` particles and it has fewer than ``cap``."""

    def __init__(self, seed: int, workers: int = 1, executor: Executor | None = None,
                 progress: Callable[[int], None] | None = None,
                 generation_done: Callable[[int, int, int, float], None] | None = None,
                 generation_begins: Callable[[int], None] | None = None,
                 growth: tuple[int, float, int, int] | None = None):
        super().__init__()
        self.seed = seed
        self.growth = growth
        self.workers = workers
        self.executor = executor
        self.progress = progress
        self.generation_done = generation_done
        self.generation_begins = generation_begins

    def _sample(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
        """pyabc's ``sample_until_n_accepted``: ``n`` particles, more where generation ``t`` grows."""
        global _GENERATION
        if self.generation_begins is not None:
            self.generation_begins(t)
        start = time.perf_counter()
        _GENERATION = (simulate_one, self.sample_factory)
        try:
            results = self._particles(0, n, t)
            while self._grows(t, results):
                _, _, batch, cap = self.growth
                results += self._particles(len(results), min(batch, cap - len(results)), t)
        finally:
            _GENERATION = None
        sample = self._create_empty_sample()
        for part, _ in results:
            sample += part
        self.nr_evaluations_ = sum(count for _, count in results)
        if self.generation_done is not None:
            self.generation_done(t, len(results), self.nr_evaluations_, time.perf_counter() - start)
        return sample

    def _grows(self, t: int, results: list) -> bool:
        """Whether generation ``t``, with these particles, is to grow by another batch."""
        if self.growth is None:
            return False
        generation, bar, _, cap = self.growth
        if t != generation or len(results) >= cap:
            return False
        weights = [p.weight for part, _ in results for p in part.accepted_particles]
        return effective_particles(np.array(weights)) < bar

    def _particles(self, first: int, count: int, t: int) -> list:
        """The particles of generation ``t``'s streams ``first .. first+count-1``, in their order."""
        streams = [particle_stream(self.seed, t, i) for i in range(first, first + count)]
        if self.executor is not None:
            import cloudpickle
            return self._gather(self.executor, streams, cloudpickle.dumps(_GENERATION))
        if self.workers == 1:  # this process's own streams are left as they were
            saved = np.random.get_state(), random.getstate()
            try:
                return [_until_accepted(s) for s in streams]
            finally:
                np.random.set_state(saved[0])
                random.setstate(saved[1])
        with ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return self._gather(pool, streams)

    def _gather(self, executor: Executor, streams: list[int], *generation: bytes) -> list:
        """Every stream's particle run on ``executor``, in the streams' order; progress as
        each one is accepted, in whatever order that happens."""
        futures = [executor.submit(_until_accepted, stream, *generation) for stream in streams]
        if self.progress is not None:
            for done in as_completed(futures):
                self.progress(done.result()[1])
        return [f.result() for f in futures]


# pyabc's sampler class wraps the method defined in its body with a check that exactly ``n``
# particles come back; a grown last generation brings more, on purpose, so the method is set
# after the class is made (pyabc's ABCSMC itself takes whatever the sample holds)
SeededSampler.sample_until_n_accepted = SeededSampler._sample
