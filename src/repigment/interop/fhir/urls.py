"""URLs of the FHIR R4 server, under /fhir/R4/ (its own tree: FHIR paths, FHIR errors)."""

from django.urls import path

from repigment.interop.fhir import export_views, views

app_name = "fhir"

urlpatterns = [
    path("", views.base, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path("$export", export_views.export_system, name="export"),
    path("Patient/$export", export_views.export_patients, name="export_patients"),
    path("Group/<str:group_id>/$export", export_views.export_group, name="export_group"),
    path("$export-status/<uuid:job_id>", export_views.export_status, name="export_status"),
    path(
        "$export-file/<uuid:job_id>/<str:type_name>.ndjson",
        export_views.export_file,
        name="export_file",
    ),
    path("Patient/<str:resource_id>/$everything", views.everything, name="everything"),
    path("<str:type_name>/<str:resource_id>", views.read, name="read"),
    path("<str:type_name>", views.search, name="search"),
]
