"""On PostgreSQL, the sample table becomes partitioned by day with a BRIN
index on ``at`` (kb.monitoring.partitions); SQLite keeps the plain table
of 0001. The days around the migration get their partitions; later ones
are made by whoever writes them and by the retention task."""

import datetime as dt

from django.db import migrations


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from kb.monitoring.partitions import CREATE_PARTITIONED, sample_partitions_ensure

    schema_editor.delete_model(apps.get_model("monitoring", "Sample"))
    schema_editor.execute(CREATE_PARTITIONED)
    today = dt.datetime.now(dt.UTC).date()
    sample_partitions_ensure(days=[today + dt.timedelta(days=n) for n in range(-14, 3)])


def unpartition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("monitoring", "Sample")
    schema_editor.execute(f"DROP TABLE {model._meta.db_table} CASCADE")
    schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(partition, unpartition)]
