"""Where Numba keeps antaeus's compiled kernels: one folder per version of the source.

Numba checks a cached kernel only against the file that defines it. The engine's kernels
inline the mechanisms' rules from other files (``step.advance`` inlines ``support.utility``),
so after an edit to a mechanism Numba would load the old machine code and a seed would no
longer give the result the source says. Keying the cache folder by a digest of the source of
every subpackage that holds kernels makes any edit there start from a clean cache. A user who sets
``NUMBA_CACHE_DIR`` keeps that folder (and the duty to clear it).

Numba names a file's cache folder after the file's absolute folder, so every fresh clone or
copy of the same source compiled the kernels again (a minute on two cores). Inside this
version's folder the kernels of antaeus's own files are named by their place in the package
instead (:class:`PackageCacheLocator`): a clone elsewhere with the same source loads them. The
digest keeps that safe: a different source never shares the folder. Numba still checks each
file's content hash before it loads a kernel.

A kernel that compiled but could not be saved (a full or read-only disk under the cache) still
runs: that fault costs the next start a compilation and never stops a command. Numba writes a
cache file under a temporary name and renames it, so such a fault leaves no partial file.
"""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
KERNEL_PACKAGES = ("core", "engine", "mechanisms", "models")
#: faults of a disk that cannot take the cache: the kernel runs uncached
CACHE_FAULTS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM})


def source_digest(package: Path = PACKAGE) -> str:
    """A digest of the source files of the subpackages that hold Numba kernels."""
    digest = hashlib.sha256()
    for sub in KERNEL_PACKAGES:
        for f in sorted((package / sub).rglob("*.py")):
            digest.update(f.relative_to(package).as_posix().encode() + f.read_bytes())
    return digest.hexdigest()[:16]


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def tolerate_cache_faults() -> None:
    """Let a kernel whose cache file cannot be written run uncached (see the module's docstring)."""
    from numba.core.caching import Cache

    save = Cache.save_overload
    if getattr(save, "tolerates_cache_faults", False):
        return

    def save_overload(self, sig, data):
        try:
            save(self, sig, data)
        except OSError as err:
            if err.errno not in CACHE_FAULTS:
                raise

    save_overload.tolerates_cache_faults = True
    Cache.save_overload = save_overload


def _package_locator():
    """A Numba cache locator for the functions of antaeus's own files in this version's folder
    (see the module's docstring); made on first use, so that importing this module does not
    import Numba."""
    from numba.core import caching, config

    class PackageCacheLocator(caching.UserProvidedCacheLocator):
        @classmethod
        def get_suitable_cache_subpath(cls, py_file):
            folder = Path(py_file).resolve().parent.relative_to(PACKAGE)
            return "_".join(("antaeus",) + folder.parts)

        @classmethod
        def from_function(cls, py_func, py_file):
            if _FOLDER is None or config.CACHE_DIR != str(_FOLDER):
                return None  # a folder the user chose: Numba's own naming
            try:
                Path(py_file).resolve().relative_to(PACKAGE)
            except (ValueError, OSError):
                return None  # not one of antaeus's files
            return super().from_function(py_func, py_file)

    return PackageCacheLocator


_FOLDER: Path | None = None  # this version's folder, once configure() has chosen it
_LOCATOR = None  # the locator, once put first in Numba's list


def configure() -> Path | None:
    """Point Numba's cache at this source version's folder, unless the user chose one; either
    way, a cache that cannot be written does not stop a command."""
    tolerate_cache_faults()
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    from numba.core import config

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "antaeus" / "numba"
    if not _writable(base):
        base = Path(tempfile.gettempdir()) / f"antaeus-numba-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    folder = base / source_digest()
    if not _writable(folder):
        return None
    config.CACHE_DIR = str(folder)
    global _FOLDER, _LOCATOR
    _FOLDER = folder
    if _LOCATOR is None:
        from numba.core.caching import CacheImpl

        _LOCATOR = _package_locator()
        CacheImpl._locator_classes.insert(0, _LOCATOR)
    return folder
