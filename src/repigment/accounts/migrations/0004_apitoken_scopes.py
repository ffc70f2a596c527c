"""API tokens get scopes: ``fhir`` lets a token read through the FHIR server at /fhir/R4."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_chain")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(blank=True, default=list, verbose_name="scopes"),
        ),
    ]
