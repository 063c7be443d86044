"""The one JSON writer of the commands' ``--json``: one document on stdout and nothing else."""
from __future__ import annotations

import json
import sys
from typing import Any


def print_json(document: Any) -> None:
    """Write ``document`` as indented JSON (UTF-8 as it is; no NaN, which JSON lacks)."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
