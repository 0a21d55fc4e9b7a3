from django.db import migrations

# A search reads a few thousand rows of these tables: starting parallel
# workers for a part of it costs more than it saves (tens of milliseconds on
# two cores). Said on the tables, the planner never plans them, and a search
# needs no transaction of its own to say it (three round trips fewer).
TABLES = ("search_searchposting", "search_searchdocument")


def _no_parallel_scans(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # the tables are unused on SQLite (the Whoosh backend)
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (parallel_workers = 0)")


def _parallel_scans_as_before(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_postgres_backend")]

    operations = [migrations.RunPython(_no_parallel_scans, _parallel_scans_as_before)]
