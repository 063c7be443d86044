"""Reference models that reproduce their papers with the 1917 model's own kernels.

``MODELS`` maps a model's name to its module. Every module lists the published results it
reproduces as ``CLAIMS`` (:class:`antaeus.models.claims.Claim`), which ``antaeus validate``
reruns and prints one row each (:mod:`antaeus.models.validate`). docs/models.md describes
each model, its options, its claims and the kernel it shares with the 1917 model.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from antaeus.core.errors import InputError


class ModelInputError(InputError, ValueError):
    """A bad argument to a reference model (also a ``ValueError`` for plain Python callers);
    the CLI turns it into exit code 2 like every other input mistake."""


# imported after ModelInputError, which the modules raise
from . import bounded_confidence, granovetter, kuran  # noqa: E402

MODELS: dict[str, ModuleType] = {
    "granovetter": granovetter,
    "kuran": kuran,
    "bounded_confidence": bounded_confidence,
}

# Models being written alongside these: registered once their module exists.
for _name in ("civil_violence", "party_competition"):
    try:
        MODELS[_name] = importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _err:
        if _err.name != f"{__name__}.{_name}":  # the module exists but something it imports does not
            raise

__all__ = ["MODELS", "ModelInputError", "bounded_confidence", "granovetter", "kuran"]
