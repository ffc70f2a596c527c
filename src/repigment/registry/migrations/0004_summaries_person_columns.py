"""The summaries now pack the person columns too: every stored one is recomputed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_patient_summary_packed")]

    operations = [
        migrations.RunSQL(
            "UPDATE registry_patientsummary SET stale = true, figures = NULL",
            migrations.RunSQL.noop,
        )
    ]
