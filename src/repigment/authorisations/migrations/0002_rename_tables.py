"""The moved tables take this app's names (``access_…`` → ``authorisations_…``), rows kept.

Renaming a table keeps its rows, sequences, constraints and the foreign keys that point at it
(PostgreSQL, and SQLite from 3.26). The composite index had a name derived from the old table
and is renamed to the one Django derives now. Content types (and so permissions and admin log
entries) of the moved models follow them to this app.
"""

from django.db import migrations

MOVED = [
    'authorisationapplication',
    'applicationevent',
    'applicationdocument',
    'importer',
    'prescriberrecord',
    'reporttask',
]


def _relabel(apps, from_label, to_label):
    content_type = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if content_type.objects.filter(app_label=to_label, model=model).exists():
            continue  # created by a post-migrate signal already; the old one stays unused
        content_type.objects.filter(app_label=from_label, model=model).update(app_label=to_label)


def content_types_forward(apps, schema_editor):
    _relabel(apps, 'access', 'authorisations')


def content_types_backward(apps, schema_editor):
    _relabel(apps, 'authorisations', 'access')


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0003_authorisations_moved_out'),
        ('authorisations', '0001_initial'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        *[migrations.AlterModelTable(name=model, table=None) for model in MOVED],
        migrations.RenameIndex(
            model_name='authorisationapplication',
            new_name='authorisati_state_cbefe3_idx',
            old_name='access_auth_state_3d3800_idx',
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
