"""Backups that restore: a consistent snapshot of the database (and of any
uploaded files) and the way back into an empty database.

Tickets, articles and their revisions are what a support organisation
cannot lose; the search index is derived and is rebuilt after a restore.

- SQLite (the embedded default): SQLite's online backup API copies the
  database page by page while the site keeps writing; the copy is the state
  of one moment (a consistent snapshot), whatever was being written.
- PostgreSQL: ``pg_dump`` in its custom format (one transaction: consistent),
  restored with ``pg_restore``.

A backup is a folder: ``database.sqlite3`` or ``database.pgdump``, ``media/``
when there are uploaded files, and ``manifest.json`` (when, which engine,
the row counts of the tables that matter, for a restore to check against).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

SEARCH_INDEX_TABLES = ("search_searchdocument", "search_searchposting", "search_searchterm",
                       "search_searchgeneration")
# Counted in the manifest and checked after a restore.
COUNTED = ["articles.Article", "articles.ArticleRevision", "tickets.Ticket",
           "tickets.TicketEvent", "tickets.TicketAttachment", "tickets.Organization"]


class BackupError(Exception):
    pass


@dataclass
class BackupReport:
    path: Path
    engine: str
    counts: dict[str, int]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--host", str(db.get("HOST") or "127.0.0.1"), "--port", str(db.get("PORT") or 5432),
            "--username", str(db["USER"]), "--dbname", str(db["NAME"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def table_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in COUNTED}


def backup_create(*, folder: Path) -> BackupReport:
    """Write a consistent snapshot into ``folder`` (created; must not exist)."""
    engine = _engine()
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} exists and is not empty: choose a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / "database.sqlite3")
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()
        snapshot = sqlite3.connect(folder / "database.sqlite3")
        try:
            counts = {label: snapshot.execute(
                f'SELECT count(*) FROM "{apps.get_model(label)._meta.db_table}"').fetchone()[0]
                for label in COUNTED}
        finally:
            snapshot.close()
    else:
        counts = _pg_dump(folder / "database.pgdump")
    media = Path(getattr(settings, "MEDIA_ROOT", "") or "")
    if str(media) not in ("", ".") and media.is_dir() and any(media.iterdir()):
        shutil.copytree(media, folder / "media")
    manifest = {"created_at": dt.datetime.now(dt.UTC).isoformat(), "engine": engine,
                "counts": counts}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return BackupReport(path=folder, engine=engine, counts=counts)


def _pg_dump(path: Path) -> dict[str, int]:
    """pg_dump from a snapshot this connection exports, and the row counts
    read in that same snapshot: the manifest describes exactly the dump."""
    args, env = _pg_environment()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        # The PostgreSQL search backend's rows are derived (rebuilt after a
        # restore) and the largest tables: their definitions only.
        derived = [f"--exclude-table-data={table}" for table in SEARCH_INDEX_TABLES]
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner",
                                 f"--snapshot={snapshot}", *derived, "--file", str(path),
                                 *args],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()[-500:]}")
        return table_counts()


def _database_is_empty() -> bool:
    tables = set(connection.introspection.table_names())
    if not tables:
        return True
    from django.contrib.auth import get_user_model

    user_table = get_user_model()._meta.db_table
    return user_table not in tables or not get_user_model().objects.exists()


def backup_restore(*, folder: Path) -> BackupReport:
    """Bring a backup back into the configured database, which must be empty
    (no tables, or no users); the counts are checked against the manifest."""
    engine = _engine()
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["engine"] != engine:
        raise BackupError(f"this backup is of {manifest['engine']}, the site runs {engine}")
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore into a new one")
    if engine == "sqlite":
        source = sqlite3.connect(folder / "database.sqlite3")
        try:
            connection.close()
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        args, env = _pg_environment()
        connection.close()
        result = subprocess.run(["pg_restore", "--no-owner", "--clean", "--if-exists",
                                 "--single-transaction", *args,
                                 str(folder / "database.pgdump")],
                                env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")
    if (folder / "media").is_dir():
        shutil.copytree(folder / "media", Path(settings.MEDIA_ROOT), dirs_exist_ok=True)
    counts = table_counts()
    if counts != manifest["counts"]:
        raise BackupError(f"restored counts {counts} differ from the backup's "
                          f"{manifest['counts']}")
    return BackupReport(path=folder, engine=engine, counts=counts)
