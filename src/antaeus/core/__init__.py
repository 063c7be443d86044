"""The ground floor: what every layer may import and that imports no layer above it.

Counter-based random streams (:mod:`.rng`), the calendar of 1917 (:mod:`.calendar`), the
project's errors (:mod:`.errors`) and compiled sums in NumPy's order (:mod:`.sums`). The
scenario, the engine and the mechanisms all build on these; nothing here imports them.
"""
