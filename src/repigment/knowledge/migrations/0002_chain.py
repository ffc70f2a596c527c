"""Source re-checks join the append-only, hash-chained records (``repigment audit verify``).

The re-checks already stored get their chain in id order, then triggers refuse change and stamp
new ones with the database clock.
"""

from django.db import migrations, models

from repigment.core.appendonly import GuardAppendOnly, chain_existing


def chain_checks(apps, schema_editor):
    chain_existing(apps.get_model("knowledge", "SourceCheck"))


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_source_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="sourcecheck",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="sourcecheck",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.RunPython(chain_checks, migrations.RunPython.noop),
        GuardAppendOnly("sourcecheck", time_field="recorded_at"),
    ]
