"""The product list starts with ruxolitinib 1.5 % cream (its facts sourced) and two comparators."""

from django.db import migrations

from repigment.treatment.products import ensure_starting_products


def add_products(apps, schema_editor):
    ensure_starting_products(
        apps.get_model("treatment", "Product"), apps.get_model("treatment", "ProductFact")
    )


class Migration(migrations.Migration):
    dependencies = [("treatment", "0001_initial")]

    operations = [migrations.RunPython(add_products, migrations.RunPython.noop)]
