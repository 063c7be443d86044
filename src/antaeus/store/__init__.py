"""Results store: DuckDB tables for comparing runs, Parquet for each run's daily arrays."""
from antaeus.store.duckdb_store import (
    DEFAULT_STORE_PATH,
    PARQUET_TABLES,
    TABLES,
    check_store,
    read_runs,
    read_table,
    run_directory,
    write_run,
)

__all__ = ["DEFAULT_STORE_PATH", "PARQUET_TABLES", "TABLES", "check_store", "read_runs", "read_table",
           "run_directory", "write_run"]
