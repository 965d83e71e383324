"""Dagster's SQLite run history in a `make run` process: one SQLAlchemy engine per
database file, kept for the process, instead of one per event.

Dagster's SQLite storages create an engine, open a connection and close both for every
event written and every record read (NullPool): the « planned » events at the run's
creation, then each step's materializations, the data versions of their inputs and
each asset check's target. Kept, the main process of a demo `make run FORCE=1` spends
20 to 21 s of CPU instead of 29 to 30 s, beside dbt and the renderers on two cores
(docs/performance.md, « Session 6 »). `garder_les_connexions(instance)` gives the
instance's run and event log storages the same methods with an engine kept per file (a
small pool: a storage method may open a second connection while it holds one). Only
`orchestration.run` does it, for its own short process: the files it opens are the
run history's, the run's own event log and the index; `dagster dev` keeps Dagster's
storages as they are.
"""

from __future__ import annotations

from contextlib import contextmanager

import dagster as dg
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from sqlalchemy import create_engine
from sqlalchemy.pool import QueuePool

#: Seconds SQLite waits for a lock held by another process (Dagster's own value).
ATTENTE_VERROU_S = 30

_moteurs: dict = {}


def _moteur(conn_string: str):
    if conn_string not in _moteurs:
        _moteurs[conn_string] = create_engine(
            conn_string,
            poolclass=QueuePool,
            pool_size=2,
            max_overflow=4,
            # pooled connections may be handed to another thread (Dagster's watchers)
            connect_args={"timeout": ATTENTE_VERROU_S, "check_same_thread": False},
        )
    return _moteurs[conn_string]


class _Evenements(SqliteEventLogStorage):
    @contextmanager
    def _connect(self, shard: str):
        # Dagster's method, with the engine kept (SqliteEventLogStorage._connect)
        with self._db_lock:
            moteur = _moteur(self.conn_string_for_shard(shard))
            if shard not in self._initialized_dbs:
                self._initdb(moteur)
                self._initialized_dbs.add(shard)
            with moteur.connect() as conn, conn.begin():
                yield conn


class _Runs(SqliteRunStorage):
    @contextmanager
    def connect(self):
        # Dagster's method, with the engine kept (SqliteRunStorage.connect)
        with _moteur(self._conn_string).connect() as conn, conn.begin():
            yield conn


def garder_les_connexions(instance: dg.DagsterInstance) -> None:
    """The instance's SQLite run and event log storages (Dagster's defaults) keep one
    engine per file; any other storage (PostgreSQL, in-memory) is left as it is."""
    for stockage in (instance.event_log_storage, instance.run_storage):
        for dagster, garde in ((SqliteEventLogStorage, _Evenements), (SqliteRunStorage, _Runs)):
            if type(stockage) is dagster:
                stockage.__class__ = garde
