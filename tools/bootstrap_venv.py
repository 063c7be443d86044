"""Create .venv with a working pip, also where Debian's python3-venv (ensurepip) is absent.

Plain ``python3 -m venv`` needs ensurepip, which Debian ships in a separate package. When it
is missing we create the environment without pip and install pip from its wheel on PyPI
(the wheel can run itself: ``python pip.whl/pip install pip.whl``).
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path


def main(target: str = ".venv") -> int:
    path = Path(target)
    python = path / "bin" / "python"
    if python.exists() and subprocess.call([str(python), "-m", "pip", "--version"],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
        return 0
    try:
        import ensurepip  # noqa: F401
        venv.EnvBuilder(with_pip=True, clear=True).create(path)
        return 0
    except Exception:  # ensurepip missing or broken: fall back to the wheel
        pass
    venv.EnvBuilder(with_pip=False, clear=True).create(path)
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as reply:
        files = json.load(reply)["urls"]
    wheel = next(f for f in files if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(wheel["url"], dest)
        return subprocess.call([str(python), f"{dest}/pip", "install", "--quiet", str(dest)])


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
