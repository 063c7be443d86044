"""Compiled kernels typed by their arguments' types, not their values.

Numba types a constant argument of a call between kernels as a literal, so that each value
gets a compilation of its own, with its callees linked in again. ``by_type`` has such calls
resolve on the arguments' types instead, so a kernel called with ``0`` here and a variable
there is compiled once. Only the compilation changes: the arithmetic is the same, so every
run is the same bit for bit. Calls from Python are typed as before.
"""
from __future__ import annotations

from numba import njit, types


def by_type(dispatcher):
    """Have calls from other kernels compile ``dispatcher`` once per argument *type*.

    It was written for the civil violence model, whose kernels passed random-stream numbers and
    row offsets as constants: ``tick_key`` was compiled ten times, ``field_add`` eleven, and one
    lattice field type's first compilation took 88 s of CPU before and 43 s after (2-core
    machine, 7 December 2026; 16 presets and schedules checked bit for bit,
    docs/models-civil-violence.md). The 1917 engine's sums (:mod:`antaeus.core.sums`) are
    called with a literal start of 0. The hook replaces the dispatcher's ``get_call_template``,
    the one place the project reaches into Numba's internals; a test fails if it stops working
    (``test_a_kernel_called_with_constants_is_compiled_once_per_argument_type``)."""
    typed_by_value = dispatcher.get_call_template

    def get_call_template(args, kws):
        return typed_by_value(tuple(types.unliteral(a) for a in args),
                              {k: types.unliteral(v) for k, v in kws.items()})
    dispatcher.get_call_template = get_call_template
    return dispatcher


def kernel(**options):
    """A cached Numba kernel, compiled once per argument type (:func:`by_type`)."""
    return lambda f: by_type(njit(cache=True, **options)(f))
