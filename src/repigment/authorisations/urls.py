from django.urls import path

from repigment.authorisations import views

app_name = "authorisations"

urlpatterns = [
    path("clinic/<int:clinic_id>/", views.clinic_pipeline, name="pipeline"),
    path("prescriptions/<int:prescription_id>/new/", views.new, name="new"),
    path("<int:application_id>/", views.detail, name="detail"),
    path("<int:application_id>/edit/", views.edit, name="edit"),
    path("<int:application_id>/motivation/", views.motivation, name="motivation"),
    path("<int:application_id>/step/<slug:action>/", views.step, name="step"),
    path("<int:application_id>/renew/", views.renew, name="renew"),
    path("<int:application_id>/pack.pdf", views.pack_preview, name="pack"),
    path("<int:application_id>/consent-form.pdf", views.consent_form, name="consent_form"),
    path("<int:application_id>/items/<slug:code>/add/", views.document_add, name="document_add"),
    path(
        "<int:application_id>/items/<slug:code>/generate/",
        views.document_generate,
        name="document_generate",
    ),
    path("<int:application_id>/documents/<int:document_id>/", views.document, name="document"),
    path(
        "<int:application_id>/documents/<int:document_id>/check/",
        views.document_check,
        name="document_check",
    ),
    path("reports/<int:task_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:task_id>/sent/", views.report_submitted, name="report_submitted"),
    path("my-record/", views.prescriber_record, name="prescriber_record"),
    path("my-record/certificate/", views.certificate, name="certificate"),
    path("importers/", views.importers, name="importers"),
    path("importers/<int:importer_id>/", views.importer_edit, name="importer_edit"),
]
