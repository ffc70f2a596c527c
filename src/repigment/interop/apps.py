from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "repigment.interop"
    verbose_name = "Interoperability (REST API, FHIR, import and export)"
