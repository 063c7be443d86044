"""The results store: one embedded DuckDB file plus per-run Parquet files beside it.

Why this shape: the summary tables (runs, observables, decisions, weekly support ...)
are small and are what experiments compare across many runs, so they live in one
queryable database; the full daily arrays are large and read one run at a time, so
they go to Parquet under ``<store dir>/runs/<run_id>/``.

Crash safety: the Parquet files of a run are written into a hidden temporary folder, then
every table row of the run is inserted in ONE transaction, then the folder is renamed into
place. A process killed midway therefore loses at most the run in flight: the tables never
hold half a run, and no run folder appears without its rows (a temporary folder may stay; the
next write clears those of dead processes). Were a process killed between the commit and the
rename, the next write of the same run puts its folder back.

DuckDB allows one writing process per file: a second writer waits for the lock (up to
``LOCK_WAIT_S``) instead of failing. A new store is made whole, with its tables, under a
temporary name and then linked into place (:func:`_create`): DuckDB decides to start a new
file when it finds none, so two processes making the same store at once could otherwise
both start one, the later wiping the earlier's run. Ensembles use their own store
(:mod:`antaeus.store.ensemble_store`), which many workers write to at once.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from antaeus.engine.result import Result
from antaeus.files import OutputError, clear_stale, temporary_name, write_atomic, write_fault
from antaeus.scenario import InputError

DEFAULT_STORE_PATH = Path("antaeus-results") / "antaeus.duckdb"

#: days kept in the weekly tables: every 7th day from the first, plus the last
WEEK = 7

_SCHEMA: dict[str, str] = {
    "runs": """
        run_id VARCHAR PRIMARY KEY, scenario VARCHAR, seed BIGINT, agents BIGINT,
        days INTEGER, start DATE, "end" DATE, runtime_s DOUBLE, calibrated BOOLEAN,
        created_utc TIMESTAMP, command VARCHAR, scenario_toml VARCHAR""",
    "parameters": "run_id VARCHAR, path VARCHAR, value DOUBLE",
    "observables": """
        run_id VARCHAR, id VARCHAR, family VARCHAR, constituency VARCHAR, date DATE,
        party VARCHAR, simulated DOUBLE, observed DOUBLE, source VARCHAR""",
    "power_log": """
        run_id VARCHAR, date DATE, holder VARCHAR, route VARCHAR, breadth DOUBLE,
        note VARCHAR""",
    "decisions": """
        run_id VARCHAR, date DATE, actor VARCHAR, action VARCHAR, p_true DOUBLE,
        p_perceived DOUBLE, threshold DOUBLE, acted BOOLEAN, outcome VARCHAR,
        reason VARCHAR, helplessness_gap DOUBLE""",
    "support_weekly": """
        run_id VARCHAR, date DATE, region VARCHAR, grp VARCHAR, party VARCHAR,
        people DOUBLE""",
    "mobilisation_monthly": """
        run_id VARCHAR, month VARCHAR, kind VARCHAR, onsets DOUBLE, person_days DOUBLE""",
    "membership_weekly": "run_id VARCHAR, date DATE, party VARCHAR, members DOUBLE",
}

#: tables that live as Parquet files per run rather than in the database
PARQUET_TABLES = ("support_daily", "legitimacy_daily")

TABLES = tuple(_SCHEMA)


# --------------------------------------------------------------------------- writing


def write_run(result: Result, store_path: str | Path, *, scenario_toml: str,
              command: str = "") -> str:
    """Store one run (tables + daily Parquet) and return its run id.

    ``scenario_toml`` is the fully resolved scenario, so the run can be reproduced
    from the store alone; ``command`` is the command line that produced it. The run id is
    derived from the run's inputs; since a seed fixes the result bit for bit, storing the
    same run again changes nothing and returns the same id. Stores that share a folder share
    its ``runs/`` folder: the same run's files are the same bytes, so whichever store wrote
    them first, both find them. A file that is not an antaeus store is refused
    (:func:`check_store`) and left as it was.
    """
    store_path = Path(store_path)
    check_store(store_path)
    new = not store_path.exists()
    folders = [f for f in (store_path.parent, store_path.parent / "runs") if not f.exists()]
    try:
        return _write_run(result, store_path, scenario_toml, command)
    except (OSError, duckdb.Error, OutputError) as err:  # OutputError: a Parquet file's fault, already named
        fault = write_fault(err.__cause__ if isinstance(err, OutputError) else err, store_path)
        if fault is None:
            raise
        if new and not _holds_runs(store_path):  # a store this call began, still empty: leave no file
            for leftover in (store_path, store_path.with_name(store_path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        for folder in reversed(folders):  # and the folders it made, if they stayed empty
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise fault from None


def _write_run(result: Result, store_path: Path, scenario_toml: str, command: str) -> str:
    store_path.parent.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id(result, scenario_toml)
    run_dir = run_directory(store_path, run_id)
    stored = _has_run(store_path, run_id)
    if stored and run_dir.is_dir():
        return run_id
    run_dir.parent.mkdir(parents=True, exist_ok=True)
    clear_stale(run_dir.parent)
    tmp = temporary_name(run_dir)
    try:
        tmp.mkdir()
        _write_parquet(support_daily_table(result), tmp / "support_daily.parquet")
        _write_parquet(legitimacy_daily_table(result), tmp / "legitimacy_daily.parquet")
        if not stored:
            tables = _run_tables(result, run_id, scenario_toml=scenario_toml, command=command)
            _create(store_path)
            with _connect(store_path) as con:
                _ensure_schema(con)  # a store from an older version may lack a newer table
                con.begin()
                try:
                    for name, table in tables.items():
                        _insert(con, name, table)
                    con.commit()
                except BaseException:
                    with contextlib.suppress(duckdb.Error):  # a failed write may have ended it already
                        con.rollback()
                    raise
        try:
            os.rename(tmp, run_dir)
        except OSError:
            if not run_dir.is_dir():  # not the same run's files from another store in this folder
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return run_id


def check_store(store_path: str | Path) -> None:
    """Refuse, writing nothing, a store path that holds anything but an antaeus store: a
    folder, a file that is not a DuckDB database, or a database with other tables."""
    path = Path(store_path)
    hint = f"give a new file name or an antaeus store, such as {DEFAULT_STORE_PATH}"
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, not a database file", source="--store", hint=hint)
    if not path.exists():
        return
    try:
        with _connect(path, read_only=True) as con:
            tables = {r[0] for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
            columns = {r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'runs'").fetchall()}
    except duckdb.Error:
        raise InputError(f"'{path}' is not a DuckDB database, so not an antaeus store; it was left as it was",
                         source="--store", hint=hint) from None
    if tables and not (tables <= set(_SCHEMA) and {"run_id", "scenario_toml"} <= columns):
        raise InputError(f"'{path}' is a DuckDB database with other tables ({', '.join(sorted(tables)[:5])}), "
                         "not an antaeus store; it was left as it was", source="--store", hint=hint)


#: how long a writer waits for another process's lock on the store before giving up
LOCK_WAIT_S = 120.0


@contextlib.contextmanager
def _connect(store_path: Path, read_only: bool = False):
    """A connection to the store, waiting while another process holds it (DuckDB allows one
    writing process per file; runs are written in short transactions, so the wait is short)."""
    deadline = time.monotonic() + LOCK_WAIT_S
    delay = 0.02
    while True:
        try:
            con = duckdb.connect(str(store_path), read_only=read_only)
            break
        except duckdb.IOException as err:
            text = str(err).lower()
            if "lock" not in text or time.monotonic() > deadline:  # only another process's lock is waited out
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)
    try:
        yield con
    finally:
        con.close()


def _create(store_path: Path) -> None:
    """Make the store, with every table, unless it exists: fill a temporary file beside it,
    then hard-link that to the store's name, which fails rather than replaces where another
    process got there first. No process ever opens a store that is not whole."""
    if store_path.exists():
        return
    tmp = temporary_name(store_path)
    try:
        with duckdb.connect(str(tmp)) as con:
            _ensure_schema(con)
        try:
            os.link(tmp, store_path)
        except FileExistsError:
            pass  # another process made it meanwhile: use theirs
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)


def _has_run(store_path: Path, run_id: str) -> bool:
    return _run_count(store_path, run_id) > 0


def _holds_runs(store_path: Path) -> bool:
    """Whether the store holds any run (so another process wrote to it, where this one began it)."""
    try:
        return _run_count(store_path) > 0
    except duckdb.Error:
        return False


def _run_count(store_path: Path, run_id: str | None = None) -> int:
    """Runs in the store (with ``run_id``, 0 or 1); 0 where there is no store or no runs table."""
    if not store_path.exists():
        return 0
    with _connect(store_path, read_only=True) as con:
        if not _has_table(con, "runs"):
            return 0
        where, args = ("", []) if run_id is None else (" WHERE run_id = ?", [run_id])
        return con.execute(f"SELECT count(*) FROM runs{where}", args).fetchone()[0]


def new_run_id(result: Result, scenario_toml: str) -> str:
    """``<scenario>-s<seed>-<10 hex>``: readable, safe as a folder name, and a digest of the
    run's inputs (resolved scenario, seed, agents, last day)."""
    scenario = re.sub(r"[^A-Za-z0-9_.-]+", "_", result.scenario) or "run"
    key = f"{scenario_toml}\n{result.seed}\n{result.agents}\n{result.dates[-1].isoformat()}"
    return f"{scenario}-s{result.seed}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def run_directory(store_path: str | Path, run_id: str) -> Path:
    """Where the Parquet files of one run live."""
    return Path(store_path).parent / "runs" / run_id


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for name, columns in _SCHEMA.items():
        con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    """Bulk-insert an Arrow table by column name (no per-row Python round trips)."""
    view = f"_incoming_{table}"
    con.register(view, rows)
    try:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")
    finally:
        con.unregister(view)


def _write_parquet(table: pa.Table, path: Path) -> None:
    """Write beside the target, then rename: readers never see a half-written file."""
    write_atomic(path, lambda tmp: pq.write_table(table, tmp))


# --------------------------------------------------------------------- Arrow tables


def _date_column(result: Result) -> np.ndarray:
    return np.asarray(result.dates, dtype="datetime64[D]")


def _dates(values) -> pa.Array:
    return pa.array(np.asarray(values, dtype="datetime64[D]"), type=pa.date32())


def _labels(index: np.ndarray, names: list[str]) -> pa.Array:
    """Names by integer index, dictionary-encoded so long tables stay cheap to build."""
    return pa.DictionaryArray.from_arrays(pa.array(index.astype(np.int32)),
                                          pa.array(names, type=pa.string()))


def weekly_days(days: int) -> list[int]:
    """Day indices of the weekly tables: 0, 7, 14, ... and the final day."""
    idx = list(range(0, days, WEEK))
    if days and idx[-1] != days - 1:
        idx.append(days - 1)
    return idx


def _support_long(result: Result, day_idx: np.ndarray) -> pa.Table:
    """Support [D,R,G,P] on the given days as long rows, dropping zero cells."""
    block = np.asarray(result.support, dtype=np.float64)[day_idx]
    d, r, g, p = np.nonzero(block)
    return pa.table({
        "date": _dates(_date_column(result)[day_idx][d]),
        "region": _labels(r, result.regions),
        "grp": _labels(g, result.groups),
        "party": _labels(p, result.parties),
        "people": pa.array(block[d, r, g, p]),
    })


def support_daily_table(result: Result) -> pa.Table:
    """Every day's support, long format, non-zero cells only (Parquet)."""
    return _support_long(result, np.arange(result.days))


def legitimacy_daily_table(result: Result) -> pa.Table:
    """Mean perceived government legitimacy by day and region (Parquet)."""
    legit = np.asarray(result.legitimacy, dtype=np.float64)
    d, r = np.indices(legit.shape[:2]).reshape(2, -1)
    return pa.table({
        "date": _dates(_date_column(result)[d]),
        "region": _labels(r, result.regions),
        "legitimacy": pa.array(legit[d, r]),
    })


def _run_tables(result: Result, run_id: str, *, scenario_toml: str,
                command: str) -> dict[str, pa.Table]:
    """All database rows of one run, keyed by table, each with its run_id column."""
    weeks = np.asarray(weekly_days(result.days), dtype=np.int64)
    dates = _date_column(result)
    n_parties = len(result.parties)
    membership = np.asarray(result.membership, dtype=np.float64)[weeks]
    wd, wp = np.indices((len(weeks), n_parties)).reshape(2, -1)

    observable_rows = []
    for obs in result.observables:
        observed = obs.observed or {}
        parties = list(obs.simulated) + [p for p in observed if p not in obs.simulated]
        for party in parties:
            observable_rows.append({
                "id": obs.id, "family": obs.family, "constituency": obs.constituency,
                "date": obs.date, "party": party, "simulated": obs.simulated.get(party),
                "observed": observed.get(party) if obs.observed is not None else None,
                "source": obs.source,
            })

    tables = {
        "runs": _rows([{
            "scenario": result.scenario, "seed": int(result.seed),
            "agents": int(result.agents), "days": result.days,
            "start": result.dates[0] if result.dates else None,
            "end": result.dates[-1] if result.dates else None,
            "runtime_s": float(result.runtime_s), "calibrated": bool(result.calibrated),
            "created_utc": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            "command": command, "scenario_toml": scenario_toml,
        }], _ARROW["runs"]),
        "parameters": _rows([{"path": k, "value": float(v)}
                             for k, v in sorted(result.parameters.items())],
                            _ARROW["parameters"]),
        "observables": _rows(observable_rows, _ARROW["observables"]),
        "power_log": _rows([{"date": c.date, "holder": c.holder, "route": c.route,
                             "breadth": float(c.breadth), "note": c.note}
                            for c in result.power_log], _ARROW["power_log"]),
        "decisions": _rows([{"date": x.date, "actor": x.actor, "action": x.action,
                             "p_true": float(x.p_true), "p_perceived": float(x.p_perceived),
                             "threshold": float(x.threshold), "acted": bool(x.acted),
                             "outcome": x.outcome, "reason": x.reason,
                             "helplessness_gap": float(x.helplessness_gap)}
                            for x in result.decisions], _ARROW["decisions"]),
        "support_weekly": _support_long(result, weeks),
        "mobilisation_monthly": _rows(result.mobilisation_by_month(),
                                      _ARROW["mobilisation_monthly"]),
        "membership_weekly": pa.table({
            "date": _dates(dates[weeks][wd]),
            "party": _labels(wp, result.parties),
            "members": pa.array(membership[wd, wp]),
        }),
    }
    return {name: _with_run_id(t, run_id) for name, t in tables.items()}


def _rows(rows: list[dict], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def _with_run_id(table: pa.Table, run_id: str) -> pa.Table:
    return table.add_column(0, "run_id", pa.array([run_id] * table.num_rows, pa.string()))


_S, _F, _D = pa.string(), pa.float64(), pa.date32()
_ARROW: dict[str, pa.Schema] = {
    "runs": pa.schema([("scenario", _S), ("seed", pa.int64()), ("agents", pa.int64()),
                       ("days", pa.int32()), ("start", _D), ("end", _D),
                       ("runtime_s", _F), ("calibrated", pa.bool_()),
                       ("created_utc", pa.timestamp("us")), ("command", _S),
                       ("scenario_toml", _S)]),
    "parameters": pa.schema([("path", _S), ("value", _F)]),
    "observables": pa.schema([("id", _S), ("family", _S), ("constituency", _S),
                              ("date", _D), ("party", _S), ("simulated", _F),
                              ("observed", _F), ("source", _S)]),
    "power_log": pa.schema([("date", _D), ("holder", _S), ("route", _S),
                            ("breadth", _F), ("note", _S)]),
    "decisions": pa.schema([("date", _D), ("actor", _S), ("action", _S), ("p_true", _F),
                            ("p_perceived", _F), ("threshold", _F),
                            ("acted", pa.bool_()), ("outcome", _S), ("reason", _S),
                            ("helplessness_gap", _F)]),
    "mobilisation_monthly": pa.schema([("month", _S), ("kind", _S), ("onsets", _F),
                                       ("person_days", _F)]),
}


# --------------------------------------------------------------------------- reading


def read_runs(store_path: str | Path) -> list[dict]:
    """All stored runs, oldest first, as plain dicts (empty if there is no store yet)."""
    store_path = Path(store_path)
    if not store_path.exists():
        return []
    with _connect(store_path, read_only=True) as con:
        if not _has_table(con, "runs"):
            return []
        cur = con.execute("SELECT * FROM runs ORDER BY created_utc, run_id")
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def read_table(store_path: str | Path, table: str, run_id: str) -> pa.Table:
    """One run's rows of a store table, or of its daily Parquet (``support_daily``,
    ``legitimacy_daily``), as an Arrow table."""
    if table in PARQUET_TABLES:
        return pq.read_table(run_directory(store_path, run_id) / f"{table}.parquet")
    if table not in _SCHEMA:  # the name goes into SQL: only known tables
        raise ValueError(f"unknown table {table!r}; known: {TABLES + PARQUET_TABLES}")
    with _connect(Path(store_path), read_only=True) as con:
        rel = con.sql(f"SELECT * FROM {table} WHERE run_id = ?", params=[run_id])
        to_arrow = getattr(rel, "to_arrow_table", None) or rel.fetch_arrow_table
        return to_arrow()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()[0])
