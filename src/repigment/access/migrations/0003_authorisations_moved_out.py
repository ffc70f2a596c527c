"""The authorisation models leave the access app for ``repigment.authorisations``.

State only: their tables and rows are kept (``authorisations`` 0001 took them over, and
``authorisations`` 0002 renames the tables). Runs after ``supply`` 0003 so that nothing in the
state still points at the access app's copies when they go.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0002_authorisation_applications'),
        ('authorisations', '0001_initial'),
        ('supply', '0003_authorisations_moved'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='ApplicationDocument'),
                migrations.DeleteModel(name='ApplicationEvent'),
                migrations.DeleteModel(name='ReportTask'),
                migrations.DeleteModel(name='AuthorisationApplication'),
                migrations.DeleteModel(name='Importer'),
                migrations.DeleteModel(name='PrescriberRecord'),
            ],
        ),
    ]
