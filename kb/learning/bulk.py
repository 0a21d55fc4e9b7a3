"""Bulk writes the learning loop needs and the ORM has no short form for."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def insert_pairs(model, columns: tuple[str, str], rows: Iterable[tuple]) -> None:
    """INSERT pairs, skipping those already there, without building model
    instances: a replay writes hundreds of thousands of these rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    sql = f"INSERT INTO {table} ({cols}) VALUES (%s, %s) ON CONFLICT DO NOTHING"
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start:start + 10_000])
