"""The results store: row counts, several runs per store, no half-written runs."""
from __future__ import annotations

import dataclasses
import errno
import multiprocessing
import shutil

import duckdb
import numpy as np
import pyarrow.compute as pc
import pytest

import antaeus
from antaeus import InputError
from antaeus.files import OutputError
from antaeus.store import TABLES, read_runs, read_table, run_directory, write_run
from antaeus.store import duckdb_store

TOML = 'name = "tiny"\nseed = 7\n'


@pytest.fixture
def store(tmp_path):
    return tmp_path / "results" / "nested" / "antaeus.duckdb"


def _nonzero_support(result, days) -> int:
    return int(np.count_nonzero(result.support[days]))


def test_write_run_fills_every_table(tiny_result, store):
    run_id = write_run(tiny_result, store, scenario_toml=TOML, command="antaeus run tiny")
    assert store.exists()
    assert run_id.startswith("tiny-s7-")

    weeks = [0, 7, 9]  # every 7th day from day 0, plus the final day
    expected = {
        "runs": 1,
        "parameters": 2,
        "observables": 6,  # 3 parties x 2 observables
        "power_log": 1,
        "decisions": 5,
        "support_weekly": _nonzero_support(tiny_result, weeks),
        "mobilisation_monthly": 4,  # Oct + Nov x strike + land_seizure
        "membership_weekly": 3 * 3,
    }
    assert set(expected) == set(TABLES)
    for table, rows in expected.items():
        assert read_table(store, table, run_id).num_rows == rows, table

    (run,) = read_runs(store)
    assert run["run_id"] == run_id
    assert run["scenario"] == "tiny" and run["seed"] == 7 and run["agents"] == 600
    assert run["days"] == 10
    assert run["start"] == tiny_result.dates[0] and run["end"] == tiny_result.dates[-1]
    assert run["scenario_toml"] == TOML and run["command"] == "antaeus run tiny"
    assert run["created_utc"] is not None


def test_table_contents(tiny_result, store):
    run_id = write_run(tiny_result, store, scenario_toml=TOML)

    obs = read_table(store, "observables", run_id).to_pylist()
    unobserved = [r for r in obs if r["family"] == "duma"]
    assert all(r["observed"] is None for r in unobserved)
    srs = next(r for r in obs if r["family"] == "constituent" and r["party"] == "srs")
    assert srs["simulated"] == pytest.approx(0.7) and srs["observed"] == pytest.approx(0.75)

    gaps = read_table(store, "decisions", run_id).column("helplessness_gap").to_pylist()
    assert gaps == pytest.approx([d.helplessness_gap for d in tiny_result.decisions])

    weekly = read_table(store, "support_weekly", run_id)
    assert pc.sum(weekly["people"]).as_py() == pytest.approx(
        tiny_result.support[[0, 7, 9]].sum())

    months = read_table(store, "mobilisation_monthly", run_id)
    assert pc.sum(months["onsets"]).as_py() == pytest.approx(tiny_result.onsets.sum())

    members = read_table(store, "membership_weekly", run_id)
    assert pc.sum(members["members"]).as_py() == pytest.approx(
        tiny_result.membership[[0, 7, 9]].sum())


def test_two_runs_give_two_ids_and_the_same_run_one(tiny_result, store):
    first = write_run(tiny_result, store, scenario_toml=TOML)
    second = write_run(tiny_result, store, scenario_toml=TOML + "\n# another scenario\n")
    assert first != second
    assert write_run(tiny_result, store, scenario_toml=TOML) == first  # same inputs, same run
    assert {r["run_id"] for r in read_runs(store)} == {first, second}
    for run_id in (first, second):
        assert read_table(store, "decisions", run_id).num_rows == 5


def test_failed_write_leaves_no_trace(tiny_result, store, monkeypatch):
    kept = write_run(tiny_result, store, scenario_toml=TOML)
    real_insert = duckdb_store._insert
    calls = []

    def insert_then_die(con, table, rows):
        real_insert(con, table, rows)
        calls.append(table)
        if len(calls) == 2:
            raise RuntimeError("killed mid-run")

    monkeypatch.setattr(duckdb_store, "_insert", insert_then_die)
    with pytest.raises(RuntimeError, match="killed mid-run"):
        write_run(tiny_result, store, scenario_toml=TOML + "\n# a second run\n")
    assert len(calls) == 2

    with duckdb.connect(str(store), read_only=True) as con:
        for table in TABLES:
            ids = {r[0] for r in con.execute(f"SELECT DISTINCT run_id FROM {table}").fetchall()}
            assert ids == {kept}, table
    assert [p.name for p in (store.parent / "runs").iterdir()] == [kept]


def test_parquet_daily_arrays(tiny_result, store):
    run_id = write_run(tiny_result, store, scenario_toml=TOML)
    run_dir = run_directory(store, run_id)
    assert (run_dir / "support_daily.parquet").is_file()
    assert (run_dir / "legitimacy_daily.parquet").is_file()
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]

    support = read_table(store, "support_daily", run_id)
    assert support.column_names == ["date", "region", "grp", "party", "people"]
    assert support.num_rows == _nonzero_support(tiny_result, slice(None))
    assert pc.sum(support["people"]).as_py() == pytest.approx(tiny_result.support.sum())
    front = pc.equal(pc.cast(support["region"], "string"), "northern_front")
    assert pc.sum(pc.filter(support["people"], front)).as_py() == pytest.approx(
        tiny_result.support[:, 2].sum())

    legitimacy = read_table(store, "legitimacy_daily", run_id)
    assert legitimacy.num_rows == 10 * 3
    assert pc.sum(legitimacy["legitimacy"]).as_py() == pytest.approx(
        tiny_result.legitimacy.sum())


def test_read_helpers_on_missing_store_and_bad_table(tmp_path, tiny_result):
    assert read_runs(tmp_path / "nothing.duckdb") == []
    store = tmp_path / "antaeus.duckdb"
    run_id = write_run(tiny_result, store, scenario_toml=TOML)
    with pytest.raises(ValueError):
        read_table(store, "runs; DROP TABLE runs", run_id)


# ----------------------------------------------------------------- faults and foreign files


def test_the_same_run_into_two_stores_in_one_folder_is_stored_in_both(tiny_result, tmp_path):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    run_id = write_run(tiny_result, first, scenario_toml=TOML)
    assert write_run(tiny_result, second, scenario_toml=TOML) == run_id
    for store in (first, second):
        assert [r["run_id"] for r in read_runs(store)] == [run_id]
        assert read_table(store, "support_daily", run_id).num_rows > 0


def test_a_failed_write_leaves_no_run_folder_and_no_rows(tiny_result, store, monkeypatch):
    def broken(con, table, rows):
        raise OSError("the socket closed")  # not a write fault: it stays what it is

    monkeypatch.setattr(duckdb_store, "_insert", broken)
    with pytest.raises(OSError):
        write_run(tiny_result, store, scenario_toml=TOML)
    assert list((store.parent / "runs").iterdir()) == []  # no orphan folder, no temporary one
    assert read_runs(store) == []


def test_a_full_disk_leaves_no_new_store(tiny_result, store, monkeypatch):
    def full(con, table, rows):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(duckdb_store, "_insert", full)
    with pytest.raises(OutputError) as caught:
        write_run(tiny_result, store, scenario_toml=TOML)
    assert "No space left" in caught.value.problem and caught.value.hint
    assert not store.exists() and not (store.parent / "runs").exists()  # what this write began is gone


def test_a_run_whose_folder_was_lost_after_its_commit_gets_it_back(tiny_result, store):
    run_id = write_run(tiny_result, store, scenario_toml=TOML)
    shutil.rmtree(run_directory(store, run_id))  # as if killed between the commit and the rename
    assert write_run(tiny_result, store, scenario_toml=TOML) == run_id
    assert read_table(store, "legitimacy_daily", run_id).num_rows == 30
    assert len(read_runs(store)) == 1


def _write_in_process(result, store, seed):
    write_run(dataclasses.replace(result, seed=seed), store, scenario_toml=TOML)


def test_two_processes_writing_one_store_both_finish(tiny_result, store):
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=_write_in_process, args=(tiny_result, store, seed)) for seed in range(2, 8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    assert sorted(r["seed"] for r in read_runs(store)) == list(range(2, 8))


def test_a_store_another_process_made_meanwhile_is_kept_not_started_again(tiny_result, store):
    class SeenMissing(type(store)):  # as if this process looked just before the other made it
        def exists(self, **kwargs):
            return False

    run_id = write_run(tiny_result, store, scenario_toml=TOML)  # the other process's store
    duckdb_store._create(SeenMissing(store))
    assert [r["run_id"] for r in read_runs(store)] == [run_id]
    assert [p.name for p in store.parent.iterdir()] == [store.name, "runs"]  # no temporary file stays


@pytest.mark.parametrize("content", [b"", b"not a database at all\n", "duckdb-other"])
def test_a_foreign_file_is_refused_before_anything_and_left_unchanged(tiny_result, tmp_path, content):
    target = tmp_path / "foreign.db"
    if content == "duckdb-other":
        with duckdb.connect(str(target)) as con:
            con.execute("CREATE TABLE accounts (id INTEGER)")
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    with pytest.raises(InputError, match="not an antaeus store"):
        write_run(tiny_result, target, scenario_toml=TOML)
    with pytest.raises(InputError, match="not an antaeus store"):
        antaeus.run("russia1917", agents=100, until="1917-03-10", store=target)
    assert target.read_bytes() == before
    assert not (tmp_path / "runs").exists()
