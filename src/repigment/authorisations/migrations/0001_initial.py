"""The authorisation models, moved here from the access app, over their existing tables.

Until this release the models lived in ``repigment.access`` (migration access 0002 created
their tables). This migration only tells Django's state that they belong to this app now; the
tables, rows and files stay as they are (``SeparateDatabaseAndState``, no database operation).
``access`` 0003 then drops them from the access app's state, ``supply`` 0003 points the supply
foreign keys here, and ``authorisations`` 0002 renames the tables to this app's names.
"""


import django.db.models.deletion
import django.utils.timezone
import repigment.authorisations.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('access', '0002_authorisation_applications'),
        ('accounts', '0002_clinic_label_jurisdiction'),
        ('patients', '0001_initial'),
        ('treatment', '0003_skip_reason_wording'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AuthorisationApplication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('state', models.CharField(choices=[('draft', 'Draft'), ('ready', 'Ready to submit'), ('submitted', 'Submitted'), ('queried', 'Queried by the regulator'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('expired', 'Expired'), ('withdrawn', 'Withdrawn')], db_index=True, default='draft', max_length=20, verbose_name='state')),
                        ('state_changed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='state since')),
                        ('dosage', models.CharField(max_length=300, verbose_name='dosage')),
                        ('period_weeks', models.PositiveSmallIntegerField(verbose_name='supply period (weeks)')),
                        ('requested_pack_grams', models.PositiveSmallIntegerField(choices=[(60, '60 g'), (100, '100 g')], verbose_name='pack size requested')),
                        ('requested_packs', models.PositiveIntegerField(verbose_name='packs requested')),
                        ('requested_grams', models.DecimalField(decimal_places=3, max_digits=10, verbose_name='grams needed for the period')),
                        ('motivation', models.TextField(help_text='Why no medicine registered in the country can be used (Regulation 29(2)(f)).', verbose_name='motivation')),
                        ('motivation_edited_at', models.DateTimeField(blank=True, null=True)),
                        ('medicine', models.JSONField(default=dict, help_text='Active ingredient, strength, form, makers and foreign registrations.', verbose_name='medicine details (section D)')),
                        ('consent_signed_on', models.DateField(blank=True, null=True, verbose_name='informed consent signed on')),
                        ('consent_witness', models.CharField(blank=True, max_length=150, verbose_name='consent witnessed by')),
                        ('submitted_on', models.DateField(blank=True, null=True, verbose_name='submitted on')),
                        ('reference_number', models.CharField(blank=True, max_length=60, verbose_name="regulator's reference")),
                        ('authorisation_number', models.CharField(blank=True, max_length=60, verbose_name='authorisation number')),
                        ('approved_on', models.DateField(blank=True, null=True, verbose_name='approved on')),
                        ('valid_until', models.DateField(blank=True, null=True, verbose_name='valid until')),
                        ('authorised_packs', models.PositiveIntegerField(blank=True, null=True, verbose_name='packs authorised')),
                        ('pack_grams', models.PositiveSmallIntegerField(blank=True, choices=[(60, '60 g'), (100, '100 g')], null=True, verbose_name='pack size authorised')),
                        ('rejection_reason', models.TextField(blank=True, verbose_name='reason for rejection')),
                        ('created', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('motivation_edited_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('patient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authorisation_applications', to='patients.patient')),
                        ('prescription', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authorisation_applications', to='treatment.prescription')),
                        ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='authorisation_applications', to='treatment.product')),
                        ('renews', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='renewals', to='authorisations.authorisationapplication', verbose_name='re-authorisation of')),
                        ('route', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='access.accessroute', verbose_name='route')),
                    ],
                    options={
                        'db_table': 'access_authorisationapplication',
                        'verbose_name': 'authorisation application',
                        'verbose_name_plural': 'authorisation applications',
                        'ordering': ['-created', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ApplicationEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_state', models.CharField(blank=True, choices=[('draft', 'Draft'), ('ready', 'Ready to submit'), ('submitted', 'Submitted'), ('queried', 'Queried by the regulator'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('expired', 'Expired'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='from')),
                        ('to_state', models.CharField(choices=[('draft', 'Draft'), ('ready', 'Ready to submit'), ('submitted', 'Submitted'), ('queried', 'Queried by the regulator'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('expired', 'Expired'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='to')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='when')),
                        ('on', models.DateField(help_text="The day it happened (e.g. the day the regulator's letter is dated).", verbose_name='on')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('data', models.JSONField(blank=True, default=dict)),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='authorisations.authorisationapplication')),
                    ],
                    options={
                        'db_table': 'access_applicationevent',
                        'verbose_name': 'application event',
                        'verbose_name_plural': 'application events',
                        'ordering': ['at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ApplicationDocument',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('source', models.CharField(choices=[('uploaded', 'Uploaded'), ('generated', 'Generated by Repigment'), ('record', "From the prescriber's record")], max_length=20, verbose_name='source')),
                        ('file', models.FileField(max_length=200, upload_to=repigment.authorisations.models._document_path)),
                        ('content_type', models.CharField(max_length=40)),
                        ('size', models.PositiveIntegerField()),
                        ('original_name', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('added_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('checked_at', models.DateTimeField(blank=True, null=True, verbose_name='checked at')),
                        ('added_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('checked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='checked by')),
                        ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='access.checklistitem', verbose_name='checklist item')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='authorisations.authorisationapplication')),
                    ],
                    options={
                        'db_table': 'access_applicationdocument',
                        'verbose_name': 'application document',
                        'verbose_name_plural': 'application documents',
                        'ordering': ['item__order', 'item__pk', '-added_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Importer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=200, verbose_name='name')),
                        ('sahpra_licence_number', models.CharField(max_length=60, unique=True, verbose_name='SAHPRA licence number')),
                        ('site_master_file_number', models.CharField(max_length=60, verbose_name='site master file (SMF) number')),
                        ('address', models.TextField(verbose_name='address')),
                        ('country', models.CharField(default='ZA', max_length=2, verbose_name='country (ISO 3166 alpha-2)')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('phone', models.CharField(blank=True, max_length=30, verbose_name='phone')),
                        ('active', models.BooleanField(default=True, verbose_name='can be named on new applications')),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('pharmacy', models.ForeignKey(blank=True, help_text="The import pharmacy's own account here, when it has one.", limit_choices_to={'kind': 'pharmacy'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='importer_records', to='accounts.clinic', verbose_name='pharmacy in Repigment')),
                    ],
                    options={
                        'db_table': 'access_importer',
                        'verbose_name': 'importer',
                        'verbose_name_plural': 'importers',
                        'ordering': ['name'],
                    },
                ),
                migrations.AddField(
                    model_name='authorisationapplication',
                    name='importer',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='authorisations.importer', verbose_name='importer'),
                ),
                migrations.CreateModel(
                    name='PrescriberRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(blank=True, help_text='e.g. Dr', max_length=20, verbose_name='title')),
                        ('initials', models.CharField(blank=True, max_length=20, verbose_name='initials')),
                        ('hpcsa_number', models.CharField(help_text='e.g. MP 0123456', max_length=30, unique=True, verbose_name='HPCSA registration number')),
                        ('qualifications', models.CharField(max_length=300, verbose_name='registered qualifications')),
                        ('specialty', models.CharField(help_text='The specialty under which the patient is treated, e.g. Dermatology.', max_length=120, verbose_name='specialty')),
                        ('practice_number', models.CharField(max_length=30, verbose_name='practice number (BHF)')),
                        ('hpcsa_certificate', models.FileField(blank=True, upload_to='access/prescribers/', verbose_name='HPCSA registration certificate')),
                        ('certificate_content_type', models.CharField(blank=True, max_length=40)),
                        ('certificate_size', models.PositiveIntegerField(blank=True, null=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('updated_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='prescriber_record', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'db_table': 'access_prescriberrecord',
                        'verbose_name': 'prescriber record',
                        'verbose_name_plural': 'prescriber records',
                        'ordering': ['user__full_name'],
                    },
                ),
                migrations.AddField(
                    model_name='authorisationapplication',
                    name='prescriber',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='authorisations.prescriberrecord', verbose_name='applicant'),
                ),
                migrations.CreateModel(
                    name='ReportTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('progress', 'Six-monthly progress report'), ('final', 'Final report')], max_length=20, verbose_name='report')),
                        ('number', models.PositiveSmallIntegerField(default=1, verbose_name='number')),
                        ('period_start', models.DateField(verbose_name='period from')),
                        ('period_end', models.DateField(verbose_name='period to')),
                        ('due_on', models.DateField(verbose_name='due on')),
                        ('submitted_on', models.DateField(blank=True, null=True, verbose_name='submitted on')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='report_tasks', to='authorisations.authorisationapplication')),
                        ('first_application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='authorisations.authorisationapplication')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'access_reporttask',
                        'verbose_name': 'report task',
                        'verbose_name_plural': 'report tasks',
                        'ordering': ['due_on', 'pk'],
                    },
                ),
                migrations.AddIndex(
                    model_name='authorisationapplication',
                    index=models.Index(fields=['state', 'valid_until'], name='access_auth_state_3d3800_idx'),
                ),
                migrations.AddConstraint(
                    model_name='authorisationapplication',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'approved'), _negated=True), models.Q(models.Q(('authorisation_number', ''), _negated=True), ('approved_on__isnull', False), ('valid_until__isnull', False), ('authorised_packs__isnull', False), ('pack_grams__isnull', False)), _connector='OR'), name='approved_application_has_its_terms'),
                ),
                migrations.AddConstraint(
                    model_name='authorisationapplication',
                    constraint=models.CheckConstraint(condition=models.Q(('valid_until__isnull', True), ('approved_on__isnull', True), ('valid_until__gte', models.F('approved_on')), _connector='OR'), name='application_valid_after_approval'),
                ),
                migrations.AddConstraint(
                    model_name='authorisationapplication',
                    constraint=models.UniqueConstraint(condition=models.Q(('authorisation_number', ''), _negated=True), fields=('route', 'authorisation_number'), name='authorisation_number_unique_on_route'),
                ),
                migrations.AddConstraint(
                    model_name='reporttask',
                    constraint=models.UniqueConstraint(fields=('first_application', 'kind', 'number'), name='one_report_task_per_number'),
                ),
            ],
        ),
    ]
