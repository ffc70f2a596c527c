"""API tokens expire and may be read-only.

A token made before this migration gets the default lifetime from the day of the upgrade (not
from its creation, which could stop a working script without warning on upgrade day).
"""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_existing_tokens(apps, schema_editor):
    tokens = apps.get_model("accounts", "ApiToken")
    tokens.objects.filter(expires__isnull=True).update(
        expires=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_lockout_actions")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(null=True, verbose_name="expires"),
        ),
        migrations.RunPython(expire_existing_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires",
            field=models.DateTimeField(verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="read_only",
            field=models.BooleanField(
                default=False,
                help_text="The API refuses it anything but reading.",
                verbose_name="read-only",
            ),
        ),
    ]
