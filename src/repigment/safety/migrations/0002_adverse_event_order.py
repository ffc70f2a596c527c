# The adverse-event lists' order (newest onset first): a page walks this index backwards.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="adverseevent",
            index=models.Index(fields=["onset_date", "id"], name="adverse_event_order"),
        ),
    ]
