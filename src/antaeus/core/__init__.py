"""The ground floor: what every layer may import and that imports no layer above it.

Counter-based random streams (:mod:`.rng`), the calendar of 1917 (:mod:`.calendar`) and the
project's errors (:mod:`.errors`). The scenario, the engine and the mechanisms all build on
these; nothing here imports them.
"""
