# The stock list's order (newest received first), whole and within a state: its pages walk these.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("supply", "0005_unapproved_batches")]

    operations = [
        migrations.AddIndex(
            model_name="pack",
            index=models.Index(fields=["pharmacy", "received_at", "id"], name="pack_stock_order"),
        ),
        migrations.AddIndex(
            model_name="pack",
            index=models.Index(
                fields=["pharmacy", "state", "received_at", "id"], name="pack_stock_state_order"
            ),
        ),
    ]
