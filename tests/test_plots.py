"""Run figures: files exist, are PNGs and have something drawn in them."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from antaeus.report import write_plots
from antaeus.report.plots import region_groups

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _assert_png(path):
    assert path.is_file()
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert path.stat().st_size > 10_000


def test_write_plots(tiny_result, tmp_path):
    out = tmp_path / "plots"
    paths = write_plots(tiny_result, out)
    assert [p.name for p in paths] == ["support.png", "gaps.png"]
    for path in paths:
        assert path.parent == out
        _assert_png(path)


def test_plots_without_decisions_or_power_changes(tiny_result, tmp_path):
    quiet = dataclasses.replace(tiny_result, decisions=[], power_log=[])
    for path in write_plots(quiet, tmp_path):
        _assert_png(path)


def test_region_groups():
    regions = ["petrograd", "moscow", "volga", "baltic_fleet", "romanian_front", "finland"]
    groups = region_groups(regions)
    assert list(groups) == ["Capitals", "Industrial & agrarian", "Fronts & fleets",
                            "All Russia"]
    assert groups["Capitals"] == [0, 1]
    assert groups["Industrial & agrarian"] == [2, 5]  # unknown regions count as agrarian
    assert groups["Fronts & fleets"] == [3, 4]
    assert groups["All Russia"] == list(range(6))


def test_a_full_disk_leaves_no_partial_png(tiny_result, tmp_path, monkeypatch):
    from matplotlib.figure import Figure

    from antaeus.files import OutputError

    def full_disk(self, path, **kw):
        Path(path).write_bytes(b"\x89PNG half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", full_disk)
    with pytest.raises(OutputError, match="support.png: cannot write"):   # the figure named, exit 2 in the CLI
        write_plots(tiny_result, tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(OutputError):
        write_plots(tiny_result, tmp_path / "new" / "plots")
    assert list(tmp_path.iterdir()) == []                              # no folder it made stays empty
