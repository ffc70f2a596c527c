"""Pages of the interop app (the REST API and the FHIR server have their own URL trees)."""

from django.urls import path

from repigment.interop import views

app_name = "interop"

urlpatterns = [
    path("clinics/<int:clinic_id>/import/redcap/", views.redcap_start, name="redcap_start"),
    path(
        "clinics/<int:clinic_id>/import/redcap/<uuid:public_id>/",
        views.redcap_result,
        name="redcap_result",
    ),
]
