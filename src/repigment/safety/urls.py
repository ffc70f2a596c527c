"""Staff pages for adverse events."""

from django.urls import path

from repigment.safety import views

app_name = "safety"

urlpatterns = [
    path("patients/<int:patient_id>/adverse-events/new/", views.event_new, name="event_new"),
    path("clinics/<int:clinic_id>/adverse-events/", views.clinic_events, name="clinic_events"),
    path("adverse-events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("adverse-events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("adverse-events/<int:event_id>/dismiss/", views.event_dismiss, name="event_dismiss"),
    path("adverse-events/<int:event_id>/report.pdf", views.report_file, name="report_pdf"),
    path("adverse-events/<int:event_id>/fhir.json", views.fhir_export, name="fhir"),
    path("adverse-events/<int:event_id>/sent/", views.report_sent, name="report_sent"),
]
