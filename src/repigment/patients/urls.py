"""Staff pages for patients (not language-prefixed; the portal is, in assessments)."""

from django.urls import path

from repigment.patients import views

app_name = "patients"

urlpatterns = [
    path("patients/", views.patient_list, name="list"),
    path("clinics/<int:clinic_id>/patients/new/", views.register, name="register"),
    path("patients/<int:patient_id>/", views.detail, name="detail"),
    path("patients/<int:patient_id>/edit/", views.edit, name="edit"),
    path("patients/<int:patient_id>/consents/new/", views.consent_add, name="consent_add"),
    path(
        "patients/<int:patient_id>/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "patients/<int:patient_id>/consent-forms/<int:document_id>/",
        views.consent_document,
        name="consent_document",
    ),
    path("patients/<int:patient_id>/diagnosis/new/", views.diagnosis_add, name="diagnosis_add"),
    path("patients/<int:patient_id>/portal/", views.portal_access, name="portal_access"),
]
