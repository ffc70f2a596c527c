from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "repigment.assessments"
    verbose_name = _("Visits, VASI scores, photos and patient-reported outcomes")

    def ready(self) -> None:
        from repigment.assessments.sections import register_sections

        register_sections()
