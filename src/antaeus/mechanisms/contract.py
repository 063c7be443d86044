"""The one contract every mechanism module is held to, checked by :func:`check_mechanism`.

In the spirit of scikit-learn's ``check_estimator``: a mechanism module declares ``NAME``
(its key under ``parameters`` in a scenario), ``CITATION`` (author and year of the paper it
follows), a module docstring, and a pydantic ``Params`` model whose every field is made
with :func:`antaeus.params.param` (bounds, unit, source, description), rejects
out-of-bound values and unknown fields; and its public functions are deterministic (the
same inputs give the same output, and inputs are not changed). ``tests/test_mechanism_contract.py``
runs the check over :data:`antaeus.mechanisms.ALL`.
"""
from __future__ import annotations

import copy
import inspect
import math
import re
from types import ModuleType
from typing import Any, Callable, Mapping

import numpy as np
from pydantic import BaseModel, ValidationError

#: An author's name (capitalised word) followed within a few characters by a year.
_AUTHOR_YEAR = re.compile(r"\b[A-Z][\w'\-]+\b[^;]{0,40}?\b(1[5-9]\d\d|20\d\d)\b")
_FLOAT_EXAMPLES = (0.37, 0.61, 0.23, 0.84, 0.45, 0.12, 0.78, 0.56, 0.31, 0.69, 0.18, 0.93)
_INT_EXAMPLES = (7, 3, 11, 5, 2, 13, 17, 19, 23, 29, 31, 37)
#: Unannotated arguments with these names are counters (random-stream keys, days), not reals.
_COUNTER_NAMES = frozenset({"seed", "stream", "day", "index", "draw", "start", "end"})


def _bounds(info) -> tuple[float | None, float | None]:
    lo = hi = None
    for m in info.metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "le", None) is not None:
            hi = m.le
    return lo, hi


def mechanism_functions(module: ModuleType) -> dict[str, Callable]:
    """Public functions defined in ``module`` (plain or Numba-compiled), by name."""
    out = {}
    for name, obj in vars(module).items():
        if name.startswith("_"):
            continue
        py = getattr(obj, "py_func", obj)  # a Numba dispatcher wraps the Python function
        if inspect.isfunction(py) and py.__module__ == module.__name__:
            out[name] = obj
    return out


def is_numba(func: Callable) -> bool:
    return hasattr(func, "py_func") and hasattr(func, "signatures")


def _example_args(func: Callable, module: ModuleType) -> tuple | None:
    """Example inputs for a scalar function: floats, ints where annotated, ``Params()``."""
    py = getattr(func, "py_func", func)
    args = []
    for i, p in enumerate(inspect.signature(py).parameters.values()):
        if p.default is not inspect.Parameter.empty:
            continue
        ann = p.annotation
        if ann is inspect.Parameter.empty:
            ann = "int" if p.name in _COUNTER_NAMES else "float"
        elif not isinstance(ann, str):
            ann = getattr(ann, "__name__", repr(ann))
        if ann in ("float", "float | None"):
            args.append(_FLOAT_EXAMPLES[i % len(_FLOAT_EXAMPLES)])
        elif ann == "int":
            args.append(_INT_EXAMPLES[i % len(_INT_EXAMPLES)])
        elif ann == "Params" and hasattr(module, "Params"):
            args.append(module.Params())
        else:
            return None  # arrays and other objects need an explicit example
    return tuple(args)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def check_params(module: ModuleType) -> list[str]:
    """Violations of the parameter part of the contract."""
    name = getattr(module, "__name__", "?")
    params = getattr(module, "Params", None)
    if not (isinstance(params, type) and issubclass(params, BaseModel)):
        return [f"{name}: no pydantic Params model"]
    out = []
    if params.model_config.get("extra") != "forbid":
        out.append(f"{name}.Params: unknown fields are not forbidden (model_config extra='forbid')")
    try:
        params(**{"no_such_parameter_xyz": 1.0})
        out.append(f"{name}.Params: accepts an unknown field")
    except ValidationError:
        pass
    if not params.model_fields:
        out.append(f"{name}.Params: declares no parameters")
    for field, info in params.model_fields.items():
        where = f"{name}.Params.{field}"
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if not extra.get("free"):
            out.append(f"{where}: not declared with antaeus.params.param (no 'free' mark)")
        for key in ("unit", "source"):
            if not (isinstance(extra.get(key), str) and extra[key].strip()):
                out.append(f"{where}: no {key}")
        if not (info.description and info.description.strip()):
            out.append(f"{where}: no description")
        lo, hi = _bounds(info)
        if lo is None or hi is None:
            out.append(f"{where}: missing bounds (ge={lo}, le={hi})")
            continue
        if not lo < hi:
            out.append(f"{where}: empty range [{lo}, {hi}]")
        default = info.default
        if not isinstance(default, (int, float)) or isinstance(default, bool):
            out.append(f"{where}: default {default!r} is not a number")
            continue
        if not lo <= default <= hi:
            out.append(f"{where}: default {default} outside [{lo}, {hi}]")
        for value in (lo, hi):
            try:
                params(**{field: value})
            except ValidationError:
                out.append(f"{where}: rejects its own bound {value}")
        step = max(1.0, abs(hi - lo))
        for value in (lo - 1e-9 * step, hi + 1e-9 * step, lo - step, hi + step):
            try:
                params(**{field: value})
                out.append(f"{where}: accepts out-of-bound value {value}")
                break
            except ValidationError:
                pass
    return out


def check_determinism(module: ModuleType, examples: Mapping[str, tuple] | None = None) -> list[str]:
    """Call every public function twice with the same inputs; the outputs must be identical
    and the inputs unchanged. Scalar inputs are made up; arrays need ``examples[name]``."""
    name = getattr(module, "__name__", "?")
    examples = examples or {}
    out = []
    for fname, func in mechanism_functions(module).items():
        if fname in examples:
            args = examples[fname]
        else:
            args = _example_args(func, module)
        if args is None:
            out.append(f"{name}.{fname}: cannot make example inputs; give them in examples")
            continue
        frozen = copy.deepcopy(args)
        try:
            first = func(*copy.deepcopy(args))
            second_args = copy.deepcopy(args)
            second = func(*second_args)
        except Exception as err:  # noqa: BLE001 - any failure is a contract violation
            first_line = (str(err).strip().splitlines() or [""])[0]
            out.append(f"{name}.{fname}: raised {type(err).__name__} on example inputs: {first_line}")
            continue
        if not _same(first, second):
            out.append(f"{name}.{fname}: not deterministic ({first!r} then {second!r})")
        if not all(_same(a, b) for a, b in zip(second_args, frozen)):
            out.append(f"{name}.{fname}: changes its inputs")
    return out


def check_mechanism(module: ModuleType, examples: Mapping[str, tuple] | None = None) -> list[str]:
    """Every violation of the mechanism contract by ``module`` (an empty list if none)."""
    name = getattr(module, "__name__", "?")
    out = []
    doc = (module.__doc__ or "").strip()
    if len(doc) < 40:
        out.append(f"{name}: no module docstring saying what the mechanism does")
    mech = getattr(module, "NAME", None)
    if not (isinstance(mech, str) and mech.isidentifier()):
        out.append(f"{name}: NAME {mech!r} is not an identifier")
    citation = getattr(module, "CITATION", None)
    if not (isinstance(citation, str) and citation.strip()):
        out.append(f"{name}: no CITATION")
    elif not _AUTHOR_YEAR.search(citation):
        out.append(f"{name}: CITATION {citation!r} names no author and year")
    out.extend(check_params(module))
    out.extend(check_determinism(module, examples))
    return out
