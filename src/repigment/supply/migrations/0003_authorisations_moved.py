"""Orders and dispenses point at the authorisation model in its new app.

State only: the foreign keys already reference the same table, which ``authorisations`` 0002
renames (PostgreSQL and SQLite carry the references along with the table).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('authorisations', '0001_initial'),
        ('supply', '0002_orders_receiving_dispensing'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='dispense',
                    name='authorisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dispenses', to='authorisations.authorisationapplication'),
                ),
                migrations.AlterField(
                    model_name='importorder',
                    name='authorisation',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='import_orders', to='authorisations.authorisationapplication'),
                ),
            ],
        ),
    ]
