"""Staff pages for prescriptions, co-medications, adherence and the product list."""

from django.urls import path

from repigment.treatment import views

app_name = "treatment"

urlpatterns = [
    path("products/", views.products, name="products"),
    path("clinics/<int:clinic_id>/prices/", views.prices, name="prices"),
    path(
        "patients/<int:patient_id>/prescriptions/new/",
        views.prescription_new,
        name="prescription_new",
    ),
    path(
        "patients/<int:patient_id>/prescriptions/preview/",
        views.prescription_preview,
        name="prescription_preview",
    ),
    path(
        "prescriptions/<int:prescription_id>/",
        views.prescription_detail,
        name="prescription_detail",
    ),
    path(
        "prescriptions/<int:prescription_id>/stop/",
        views.prescription_stop,
        name="prescription_stop",
    ),
    path("patients/<int:patient_id>/co-medications/", views.co_medications, name="co_medications"),
    path(
        "co-medications/<int:co_medication_id>/edit/",
        views.co_medication_edit,
        name="co_medication_edit",
    ),
    path("patients/<int:patient_id>/adherence/", views.adherence, name="adherence"),
    path("patients/<int:patient_id>/monitoring/", views.monitoring_plan, name="monitoring"),
]
