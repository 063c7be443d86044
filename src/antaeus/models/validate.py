"""``antaeus validate``: rerun every reference model's published results, one row each.

Each model module in :data:`antaeus.models.MODELS` lists its ``CLAIMS``
(:class:`antaeus.models.claims.Claim`); :func:`validate` runs their checks over ``seeds``
seeds (0 .. seeds-1; deterministic claims ignore the count) and returns one :class:`Row` per
claim. A published result that does not reproduce keeps its row: its check confirms the
non-reproduction and the row says so (``reproduces=False``).
"""
from __future__ import annotations

import difflib
import time
from dataclasses import asdict, dataclass
from typing import Callable

from . import MODELS, ModelInputError
from .claims import Claim


@dataclass(frozen=True)
class Row:
    model: str        # the claim's model, e.g. "granovetter" or "deffuant"
    claim: str
    source: str
    label: str        # SRC, 2ND, CALC or UNVERIFIED (mechanisms.md)
    expected: str
    observed: str
    passed: bool
    reproduces: bool  # False: the published result does not reproduce; the row confirms that
    seconds: float    # time the check took


def model_names() -> list[str]:
    """Every name ``validate`` accepts: the modules' names and the models their claims name."""
    names = dict.fromkeys(MODELS)
    for module in MODELS.values():
        names.update(dict.fromkeys(c.model for c in module.CLAIMS))
    return list(names)


def claims(model: str | None = None) -> list[Claim]:
    """The claims of one model (a module name such as ``bounded_confidence`` or a claim's
    model such as ``deffuant``), or of all models."""
    everything = [c for module in MODELS.values() for c in module.CLAIMS]
    if model is None:
        return everything
    if model in MODELS:
        return list(MODELS[model].CLAIMS)
    chosen = [c for c in everything if c.model == model]
    if not chosen:
        names = model_names()
        close = difflib.get_close_matches(str(model), names, n=1)
        hint = (f"did you mean '{close[0]}'? " if close else "") + f"known models: {', '.join(names)}"
        raise ModelInputError(f"unknown model '{model}'", source="MODEL", hint=hint)
    return chosen


def validate(model: str | None = None, seeds: int = 20, *,
             progress: Callable[[int, int, Claim], None] | None = None) -> list[Row]:
    """Run the checks of ``model``'s claims (all models when None) over ``seeds`` seeds.

    ``progress(done, total, claim)`` is called before each check. A check that raises gives a
    failed row naming the error rather than stopping the others.
    """
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ModelInputError(f"seeds must be a whole number >= 1, not {seeds!r}", source="--seeds")
    chosen = claims(model)
    rows = []
    for done, claim in enumerate(chosen):
        if progress is not None:
            progress(done, len(chosen), claim)
        start = time.perf_counter()
        try:
            outcome = claim.check(seeds)
            observed, passed = outcome.observed, bool(outcome.passed)
        except Exception as err:  # a bug in a check: report it in its row, run the rest
            observed, passed = f"error: {type(err).__name__}: {err}", False
        rows.append(Row(claim.model, claim.claim, claim.source, claim.label, claim.expected, observed,
                        passed, claim.reproduces, round(time.perf_counter() - start, 3)))
    if progress is not None:
        progress(len(chosen), len(chosen), None)
    return rows


def verdict(row: Row) -> str:
    """What the table prints in its result column."""
    if row.reproduces:
        return "pass" if row.passed else "FAIL"
    return "pass: does not reproduce (confirmed)" if row.passed else "FAIL: non-reproduction not confirmed"


def to_json_dict(rows: list[Row], *, model: str | None, seeds: int) -> dict:
    failed = sum(not r.passed for r in rows)
    return {"model": model, "seeds": seeds, "rows": [asdict(r) for r in rows],
            "passed": len(rows) - failed, "failed": failed, "ok": failed == 0,
            "not_reproducing": [f"{r.model}: {r.claim}" for r in rows if not r.reproduces]}
