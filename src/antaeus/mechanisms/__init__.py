"""Mechanisms: one module per mechanism, each with its ``Params``, ``NAME`` and ``CITATION``.

Every module here is held to one contract by ``tests/test_mechanism_contract.py``.
"""
from . import (assembly, congress, cooperation, coup, decisions, demands, desertion, influence, legitimacy,
               membership, mobilisation, power, rising, soviets, support, war)

ALL = (demands, influence, legitimacy, support, mobilisation, soviets, decisions, membership, war, power, rising,
       coup, congress, cooperation, assembly, desertion)
