"""Authorisation events become append-only in the database and hash-chained.

The events already stored get their chain in id order (so ``repigment audit verify`` passes on
an upgraded database), then triggers refuse change and stamp new events with the database clock.
"""

from django.db import migrations, models

from repigment.core.appendonly import GuardAppendOnly, chain_existing


def chain_events(apps, schema_editor):
    chain_existing(apps.get_model("authorisations", "ApplicationEvent"))


class Migration(migrations.Migration):
    dependencies = [
        ("authorisations", "0002_rename_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="applicationevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_events, migrations.RunPython.noop),
        GuardAppendOnly("applicationevent", time_field="at"),
    ]
