"""Writing files atomically: a temporary file in the same folder, then a rename.

A reader sees the old file or the whole new one, never a part; a full disk or a killed
process leaves no partial or empty file under the final name (POSIX ``rename`` is atomic
within a file system). The temporary name starts with ``.tmp-<pid>-`` so that stale ones of
dead processes can be recognised and cleared.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Callable, Iterator

from .core.errors import InputError, ScenarioError

TEMPORARY = ".tmp-"


class OutputError(ScenarioError):
    """A file antaeus must write cannot be written: a full disk, a read-only folder, a file
    size limit. Nothing partial is left under the file's name; the command exits with code 2."""


#: what the operating system says when a file cannot be written, and what would fix it
WRITE_FAULTS = {
    errno.ENOSPC: "free some disk space, or write to another disk (--store, --out)",
    errno.EDQUOT: "free some of your disk quota, or write to another disk (--store, --out)",
    errno.EFBIG: "the process's file size limit (ulimit -f) is too small; raise it, or write less",
    errno.EROFS: "write to a folder you can write to (--store, --out)",
    errno.EACCES: "write to a folder you can write to (--store, --out)",
    errno.EPERM: "write to a folder you can write to (--store, --out)",
}
#: the same faults as a database library words them, without an errno (SQLite says "disk I/O
#: error" when a write fails for want of space or a file size limit)
_FAULT_WORDS = {errno.ENOSPC: ("no space left", "disk is full", "disk i/o error"), errno.EDQUOT: ("quota",),
                errno.EFBIG: ("file too large",), errno.EROFS: ("read-only file system",),
                errno.EACCES: ("permission denied",)}


def write_fault(err: BaseException, where: str) -> OutputError | None:
    """The OutputError for an error met while writing at ``where``, if it or an error it arose
    from is a known write fault (an OSError with one of WRITE_FAULTS' codes, or a database
    error that names one)."""
    seen = []
    while err is not None and err not in seen and len(seen) < 16:
        code = getattr(err, "errno", None)
        if code not in WRITE_FAULTS:
            text = str(err).lower()
            code = next((c for c, words in _FAULT_WORDS.items() if any(w in text for w in words)), None)
        if code is not None:
            reason = getattr(err, "strerror", None) or str(err).splitlines()[0]
            return OutputError(f"cannot write ({reason})", source=str(where), hint=WRITE_FAULTS[code])
        seen.append(err)
        err = err.__cause__ or err.__context__
    return None


def check_writable(folder: str | Path, option: str, hint: str) -> Path:
    """Refuse now, before any work, a folder under which nothing can be written: a file stands
    where it or a parent should be, or the nearest existing folder is read-only or not ours.
    The probe is a temporary file, removed at once; nothing is created that stays."""
    folder = Path(folder)
    for here in [folder, *folder.parents]:
        if not here.exists():
            continue
        if not here.is_dir():
            raise InputError(f"'{here}' is a file, so nothing can be written under it", source=option, hint=hint)
        try:
            handle, probe = tempfile.mkstemp(prefix=f"{TEMPORARY}{os.getpid()}-", dir=here)
            os.close(handle)
            os.unlink(probe)
        except OSError as err:
            fault = write_fault(err, f"{option} ({here})")
            if fault is None:
                raise
            raise fault from None
        break
    return folder


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


@contextlib.contextmanager
def folder_for_files(folder: str | Path) -> Iterator[Path]:
    """Create ``folder`` (and its missing parents) for the files written in the block; if the
    block fails, remove again the folders it created that stayed empty."""
    folder = Path(folder)
    made = [f for f in (folder, *folder.parents) if not f.exists()]  # the deepest first
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    except BaseException:
        for f in made:
            with contextlib.suppress(OSError):  # not empty: it holds whole files, or another's
                f.rmdir()
        raise


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` to fill a temporary file beside ``path``, then rename it to ``path``.
    A write fault (a full disk, a read-only folder) becomes an :class:`OutputError` naming ``path``."""
    return write_together([(path, write)])[0]


def write_together(files: list[tuple[str | Path, Callable[[Path], None]]]) -> list[Path]:
    """Write several files that belong together (a posterior's median and its particles): fill a
    temporary file beside each, and only when every one is whole rename them into place, so a
    fault while writing leaves the old set as it was rather than a new file beside an old one. A
    write fault becomes an :class:`OutputError` naming the file."""
    paths = [Path(path) for path, _ in files]
    tmps = [temporary_name(path) for path in paths]
    try:
        for tmp, path, (_, write) in zip(tmps, paths, files):
            try:
                write(tmp)
            except OSError as err:
                fault = write_fault(err, str(path))
                if fault is None:
                    raise
                raise fault from err
        for tmp, path in zip(tmps, paths):
            os.replace(tmp, path)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
    return paths


def write_text_atomic(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def save_figure(fig, path: str | Path, **kw) -> Path:
    """Save a Matplotlib figure as PNG atomically (the format is named: the temporary file has
    no .png suffix of its own)."""
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", **kw))
