"""URLs of the FHIR R4 server, under /fhir/R4/ (its own tree: FHIR paths, FHIR errors)."""

from django.urls import path

from repigment.interop.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path("Patient/<str:resource_id>/$everything", views.everything, name="everything"),
    path("<str:type_name>/<str:resource_id>", views.read, name="read"),
    path("<str:type_name>", views.search, name="search"),
]
