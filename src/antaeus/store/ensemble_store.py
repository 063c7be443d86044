"""The ensemble store: a folder that many workers and processes can write to at once.

Layout (docs/explore.md, "The store")::

    <store>/manifest.json        what the ensemble is: design, code version, scenario hashes,
                                 seeds; written once, atomically, and never changed
    <store>/parts/<part>/        one finished task: runs, power, observables, decisions,
                                 series and timing as Parquet files
    <store>/plots/*.png          the figures, redrawn after each run of ``antaeus explore``

A part is written into a hidden temporary folder beside the others and renamed into place in
one ``os.rename``, which POSIX makes atomic: a reader sees a whole part or none, and a process
killed at any moment leaves at most a temporary folder, which is ignored and cleared. The state
of each (point, replication) is read off the parts: it is done when some part holds it. Two
processes on one store may compute the same replication; both parts hold the same rows (a seed
fixes the result), and readers keep the one in the first part by name, so every (point,
replication) is read exactly once. A reader that joins tables reads them from one
:meth:`EnsembleStore.snapshot`: the parts finished when it was taken, so a process still
writing to the store cannot make one table hold runs another lacks.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..files import TEMPORARY, check_writable, clear_stale, write_fault
from ..scenario import InputError

FORMAT = "antaeus-ensemble"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PARTS = "parts"
_I32, _S, _D, _F = pa.int32(), pa.string(), pa.date32(), pa.float64()
_CELL = [("point", _I32), ("replication", _I32)]
#: the tables of a part, each a Parquet file; every row carries its ``point`` (index in the
#: design) and ``replication``. docs/explore.md describes every column.
SCHEMAS: dict[str, pa.Schema] = {
    "runs": pa.schema(_CELL + [("seed", pa.int64()), ("particle", _I32), ("outcome", _S), ("path", _S),
                               ("first_soviet", _D), ("changes", pa.int16())]),
    "power": pa.schema(_CELL + [("step", pa.int16()), ("date", _D), ("holder", _S), ("route", _S),
                                ("actor", _S), ("breadth", _F)]),
    "observables": pa.schema(_CELL + [("id", _S), ("party", _S), ("simulated", _F)]),
    "decisions": pa.schema(_CELL + [("date", _D), ("actor", _S), ("action", _S), ("p_true", _F),
                                    ("p_perceived", _F), ("threshold", _F), ("outcome", _S)]),
    "series": pa.schema(_CELL + [("series", _S), ("date", _D), ("party", _S), ("value", pa.float32())]),
    "timing": pa.schema(_CELL + [("runtime_s", _F), ("worker", _S)]),
}
TABLES = tuple(SCHEMAS)
#: the columns that order each table's rows when read (after point and replication)
ORDER = {"runs": (), "power": ("step",), "observables": ("id", "party"), "decisions": ("date", "actor"),
         "series": ("series", "date", "party"), "timing": ()}


def _refuse(path: Path, problem: str, hint: str) -> InputError:
    return InputError(f"'{path}' {problem}", source="--store", hint=hint)


class EnsembleStore:
    """An ensemble store on disk; :meth:`prepare` opens or creates one for writing and
    :meth:`open` opens one for reading. Both check it before anything else happens."""

    def __init__(self, path: Path, manifest: dict[str, Any], parts: tuple[str, ...] | None = None):
        self.path = Path(path)
        self.manifest = manifest
        #: the finished parts this store reads, fixed by :meth:`snapshot`; None reads every
        #: part finished at the moment of each query
        self.parts = parts

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path) -> "EnsembleStore":
        """An existing store, checked: a missing, foreign or corrupt one raises InputError."""
        path = Path(path)
        if not path.is_dir():
            raise _refuse(path, "is not an ensemble store (no such folder)",
                          "give the folder 'antaeus explore' wrote (its --store)")
        return cls(path, _read_manifest(path))

    @classmethod
    def check(cls, path: str | Path, manifest: dict[str, Any], *, resume: bool) -> "EnsembleStore | None":
        """Whether this ensemble may use the store at ``path``, writing nothing: the existing
        store, or None where a new one will be made. Refused (InputError): a file; a folder
        that holds anything but an ensemble store; a corrupt manifest; a store of another
        ensemble; an unfinished store of this ensemble without ``resume``."""
        path = check_writable(path, "--store", "give a folder path for --store (a new or an existing ensemble store)")
        if not (path.is_dir() and any(path.iterdir())):
            return None
        store = cls(path, _read_manifest(path))
        store._check_same(manifest)
        missing = [] if resume else store.missing()
        if missing:
            raise _refuse(path, f"holds an unfinished run of this ensemble ({len(missing)} runs missing)",
                          "add --resume to run only what is missing, or give another --store")
        return store

    @classmethod
    def prepare(cls, path: str | Path, manifest: dict[str, Any], *, resume: bool) -> "EnsembleStore":
        """Open the store at ``path`` for this ensemble (checked as by :meth:`check`), creating
        it if it does not exist; a store that is refused is left byte for byte as it was."""
        path = Path(path)
        existing = cls.check(path, manifest, resume=resume)
        if existing is not None:
            existing.clear_stale()
            return existing
        path.mkdir(parents=True, exist_ok=True)
        tmp = path / f"{TEMPORARY}{os.getpid()}-{uuid.uuid4().hex}.json"
        tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        try:
            os.link(tmp, path / MANIFEST)  # fails if another process made the store first
        except FileExistsError:
            store = cls(path, _read_manifest(path))
            store._check_same(manifest)
            return store
        finally:
            tmp.unlink(missing_ok=True)
        (path / PARTS).mkdir(exist_ok=True)
        return cls(path, manifest)

    def _check_same(self, manifest: dict[str, Any]) -> None:
        mine, theirs = self.manifest["identity"], manifest["identity"]
        differ = sorted(k for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k))
        if differ:
            raise _refuse(self.path, f"holds another ensemble (it differs in: {', '.join(differ)})",
                          "give another --store, or repeat the options the store was made with")

    # ------------------------------------------------------------------ state
    @property
    def cells(self) -> list[tuple[int, int]]:
        """Every (point, replication) of the design."""
        ident = self.manifest["identity"]
        return [(p, r) for p in range(len(ident["points"])) for r in range(ident["replications"])]

    def done(self) -> set[tuple[int, int]]:
        """The (point, replication) pairs some finished part holds."""
        frame = self._query("SELECT DISTINCT point, replication FROM runs_all", ("runs",))
        return set(zip(frame["point"].tolist(), frame["replication"].tolist()))

    def missing(self) -> list[tuple[int, int]]:
        done = self.done()
        return [c for c in self.cells if c not in done]

    # ------------------------------------------------------------------ writing
    def write_part(self, tables: dict[str, pa.Table]) -> Path:
        """Write one task's tables as a part, atomically (a temporary folder, then a rename)."""
        parts = self.path / PARTS
        name = uuid.uuid4().hex
        tmp = parts / f"{TEMPORARY}{os.getpid()}-{name}"
        try:
            tmp.mkdir(parents=True)
            for table, schema in SCHEMAS.items():
                pq.write_table(tables[table].cast(schema), tmp / f"{table}.parquet")
            final = parts / name
            os.rename(tmp, final)
        except BaseException as err:
            shutil.rmtree(tmp, ignore_errors=True)
            fault = write_fault(err, self.path) if isinstance(err, OSError) else None
            if fault is None:
                raise
            raise fault from None  # the parts written so far stay whole: --resume goes on from them
        return final

    def clear_stale(self) -> None:
        """Remove temporary folders and files left by processes that no longer run."""
        clear_stale(self.path)
        clear_stale(self.path / PARTS)

    # ------------------------------------------------------------------ reading
    def snapshot(self) -> "EnsembleStore":
        """This store as it is now: its reads see only the parts finished at this moment."""
        return EnsembleStore(self.path, self.manifest, self._finished_parts())

    def _finished_parts(self) -> tuple[str, ...]:
        if self.parts is not None:
            return self.parts
        parts = self.path / PARTS
        return tuple(sorted(p.name for p in parts.iterdir() if not p.name.startswith(TEMPORARY))) \
            if parts.is_dir() else ()

    def table(self, name: str, where: dict[str, list] | None = None):
        """One table over all parts as a pandas DataFrame: each (point, replication) once,
        rows ordered by point, replication and the table's own order. ``where`` keeps the rows
        whose columns hold one of the listed values (read from the parts, never all loaded)."""
        order = ", ".join(("t.point", "t.replication") + tuple(f't."{c}"' for c in ORDER[name]))
        kept, params = self._chosen(name, where)
        return self._query(f"SELECT t.* EXCLUDE (filename) FROM {kept} ORDER BY {order}", ("runs", name), params)

    def bands(self, quantiles: tuple[float, ...], where: dict[str, list] | None = None):
        """The weekly series' quantiles over runs: one row per point, series, party and date,
        with a column ``q<quantile>`` each (linear interpolation between order statistics, as
        ``pandas.Series.quantile``) and ``mean``; computed in the store, so a large ensemble
        is never loaded whole."""
        kept, params = self._chosen("series", where)
        qs = ", ".join(f"quantile_cont(t.value::DOUBLE, {float(q)!r}) AS \"q{q}\"" for q in quantiles)
        sql = (f"SELECT t.point, t.series, t.party, t.date, {qs}, avg(t.value::DOUBLE) AS mean FROM {kept} "
               "GROUP BY t.point, t.series, t.party, t.date ORDER BY t.point, t.series, t.party, t.date")
        return self._query(sql, ("runs", "series"), params)

    def _chosen(self, name: str, where: dict[str, list] | None) -> tuple[str, list]:
        """The FROM clause of a table's rows in their chosen parts (one per cell), filtered."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; known: {TABLES}")
        sql = (f"{name}_all t JOIN chosen c ON c.point = t.point AND c.replication = t.replication "
               "AND c.part = parse_dirpath(t.filename)")
        conditions, params = [], []
        for column, values in (where or {}).items():
            if column not in SCHEMAS[name].names:
                raise ValueError(f"table {name!r} has no column {column!r}")
            values = list(values)
            conditions.append(f't."{column}" IN ({", ".join("?" * len(values))})' if values else "FALSE")
            params.extend(values)
        return (sql + (" WHERE " + " AND ".join(conditions) if conditions else "")), params

    def _query(self, sql: str, tables: tuple[str, ...], params: list | None = None):
        parts = self._finished_parts()
        con = duckdb.connect()
        try:
            for t in dict.fromkeys(tables):
                if parts:
                    files = ", ".join(f"'{_quote(str(self.path / PARTS / p / f'{t}.parquet'))}'" for p in parts)
                    con.execute(f"CREATE VIEW {t}_all AS SELECT * FROM read_parquet([{files}], "
                                "filename = true, union_by_name = true)")
                else:
                    con.register(f"{t}_empty", SCHEMAS[t].empty_table())
                    con.execute(f"CREATE VIEW {t}_all AS SELECT *, NULL::VARCHAR AS filename FROM {t}_empty")
            con.execute("CREATE VIEW chosen AS SELECT point, replication, min(parse_dirpath(filename)) AS part "
                        "FROM runs_all GROUP BY point, replication")
            return con.execute(sql, params or []).df()
        except duckdb.Error as err:
            raise _refuse(self.path, f"has a part that cannot be read ({str(err).splitlines()[0]})",
                          "remove the damaged folder under parts/ and rerun with --resume") from None
        finally:
            con.close()


# ---------------------------------------------------------------------- helpers


def _read_manifest(path: Path) -> dict[str, Any]:
    f = path / MANIFEST
    if not f.is_file():
        raise _refuse(path, "is not an ensemble store (no manifest.json) and is not empty",
                      "give a new or empty folder, or a store 'antaeus explore' made")
    try:
        manifest = json.loads(f.read_text())
        ok = manifest.get("format") == FORMAT and isinstance(manifest.get("identity"), dict)
    except (ValueError, UnicodeDecodeError, AttributeError):
        ok = False
    if not ok:
        raise _refuse(path, "has a manifest.json that is not an antaeus ensemble manifest (corrupt or foreign)",
                      "give another --store; the folder was left as it was")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise _refuse(path, f"was written in store format {manifest.get('format_version')!r}, "
                      f"this antaeus reads {FORMAT_VERSION}", "rerun the ensemble into a new --store")
    return manifest


def _quote(text: str) -> str:
    return text.replace("'", "''")
