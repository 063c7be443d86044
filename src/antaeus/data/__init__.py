"""The historical record of 1917, and its comparison with simulated runs.

``record.csv`` holds every figure of ../shared/research/data1917.md as one row, with its
sources in ``sources.toml``; ``mapping.toml`` says which simulated quantity each observation
is held against. Calibration reads only the targets (:data:`TARGET_SECTIONS` and the declared :data:`PATH_TARGETS`); the rest is
out of sample.
"""
from .compare import Comparison, compare, compare_all
from .record import (
    STATUSES,
    NOT_FREE,
    PATH_TARGETS,
    TARGET_SECTIONS,
    UNITS,
    Observation,
    RecordError,
    Row,
    is_target,
    load_mapping,
    load_record,
    load_sources,
    observations,
    versions,
)

__all__ = ["Comparison", "Observation", "RecordError", "Row", "STATUSES", "NOT_FREE", "PATH_TARGETS", "TARGET_SECTIONS", "UNITS",
           "compare", "compare_all", "is_target", "load_mapping", "load_record", "load_sources",
           "observations", "versions"]
