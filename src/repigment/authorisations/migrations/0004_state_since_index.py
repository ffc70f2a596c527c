# A state's pages in the clinic's pipeline walk this index, longest in the state first.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("authorisations", "0003_chain")]

    operations = [
        migrations.AddIndex(
            model_name="authorisationapplication",
            index=models.Index(
                fields=["state", "state_changed_at"], name="application_state_since"
            ),
        ),
    ]
