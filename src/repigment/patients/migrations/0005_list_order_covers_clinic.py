# The whole list's order index gains the clinic as its last column: an API page's OFFSET then
# skips index entries only (the clinic filter is answered from the index), not table rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patients", "0004_fuzzy_name_search")]

    operations = [
        migrations.RemoveIndex(model_name="patient", name="patient_list_order"),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                fields=["family_name", "given_names", "id", "clinic"], name="patient_list_order"
            ),
        ),
    ]
