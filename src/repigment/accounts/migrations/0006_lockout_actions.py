"""Two audit actions for log-in throttling: a refused attempt of a locked account or address,
and an administrator lifting a lockout. Choices only: no change to the table."""

from django.db import migrations, models

ACTIONS = [
    ("login", "Logged in"), ("logout", "Logged out"), ("login_failed", "Failed log-in"),
    ("api_auth_failed", "Rejected API credentials"),
    ("locked_out", "Refused: too many failed attempts"), ("lockout_lifted", "Lockout lifted"),
    ("access_denied", "Access refused"), ("view", "Viewed"), ("create", "Created"),
    ("update", "Changed"), ("delete", "Removed"), ("export", "Exported"),
    ("token", "API token issued or revoked"), ("membership", "Membership changed"),
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_clinic_code")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(choices=ACTIONS, max_length=30),
        ),
    ]
