"""The audit trail becomes append-only in the database and hash-chained, one entry per request.

The patient an entry named moves into ``AuditPatient`` (an entry may now name many), the
entries already stored get their chain in id order (so ``repigment audit verify`` passes on an
upgraded database), the audit pages get their indexes, and triggers refuse change.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from repigment.core.appendonly import GuardAppendOnly, chain_existing

ACTIONS = [
    ("login", "Logged in"), ("logout", "Logged out"), ("login_failed", "Failed log-in"),
    ("api_auth_failed", "Rejected API credentials"), ("access_denied", "Access refused"),
    ("view", "Viewed"), ("create", "Created"), ("update", "Changed"), ("delete", "Removed"),
    ("export", "Exported"), ("token", "API token issued or revoked"),
    ("membership", "Membership changed"),
]  # fmt: skip

MOVE_PATIENTS = """
INSERT INTO accounts_auditpatient (entry_id, patient_id)
SELECT id, patient_id FROM accounts_auditentry WHERE patient_id IS NOT NULL
"""
MOVE_PATIENTS_BACK = """
UPDATE accounts_auditentry SET patient_id = (
    SELECT min(patient_id) FROM accounts_auditpatient
    WHERE accounts_auditpatient.entry_id = accounts_auditentry.id)
"""


def chain_entries(apps, schema_editor):
    entries = apps.get_model("accounts", "AuditEntry")
    named = apps.get_model("accounts", "AuditPatient")

    def children(rows):
        found = {row.pk: [] for row in rows}
        pairs = named.objects.filter(entry_id__gte=rows[0].pk, entry_id__lte=rows[-1].pk)
        for entry_id, patient_id in pairs.values_list("entry_id", "patient_id"):
            found[entry_id].append(patient_id)
        return {pk: {"patients": sorted(ids)} for pk, ids in found.items()}

    chain_existing(entries, (), children)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_clinic_label_jurisdiction"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditPatient",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("patient_id", models.BigIntegerField()),
                (
                    "entry",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="patients",
                        to="accounts.auditentry",
                    ),
                ),
            ],
            options={
                "verbose_name": "patient named in an audit entry",
                "verbose_name_plural": "patients named in audit entries",
            },
        ),
        migrations.RunSQL(MOVE_PATIENTS, MOVE_PATIENTS_BACK),
        migrations.RemoveField(model_name="auditentry", name="patient_id"),
        migrations.AddField(
            model_name="auditentry",
            name="also",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=30),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="time",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="clinic",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.clinic"),
        ),
        migrations.RunPython(chain_entries, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["clinic", "time", "id"], name="audit_clinic_time"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["actor", "time", "id"], name="audit_actor_time"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action", "time", "id"], name="audit_action_time"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["time", "id"], name="audit_time"),
        ),
        migrations.AddIndex(
            model_name="auditpatient",
            index=models.Index(fields=["patient_id", "entry"], name="audit_patient_entry"),
        ),
        migrations.AddConstraint(
            model_name="auditpatient",
            constraint=models.UniqueConstraint(
                fields=("entry", "patient_id"), name="audit_names_patient_once"
            ),
        ),
        GuardAppendOnly("auditentry", time_field="time"),
        GuardAppendOnly("auditpatient"),
    ]
