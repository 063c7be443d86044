"""Writing files atomically: a temporary file in the same folder, then a rename.

A reader sees the old file or the whole new one, never a part; a full disk or a killed
process leaves no partial or empty file under the final name (POSIX ``rename`` is atomic
within a file system). The temporary name starts with ``.tmp-<pid>-`` so that stale ones of
dead processes can be recognised and cleared.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Callable

TEMPORARY = ".tmp-"


def temporary_name(path: Path) -> Path:
    return path.with_name(f"{TEMPORARY}{os.getpid()}-{uuid.uuid4().hex}-{path.name}")


def clear_stale(folder: Path) -> None:
    """Remove the temporary files and folders in ``folder`` left by processes that no longer run."""
    if not folder.is_dir():
        return
    for item in folder.glob(f"{TEMPORARY}*"):
        pid = item.name[len(TEMPORARY):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it to ``path``."""
    path = Path(path)
    tmp = temporary_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig, path: str | Path, **kw) -> Path:
    """Save a Matplotlib figure as PNG atomically (the format is named: the temporary file has
    no .png suffix of its own)."""
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", **kw))
