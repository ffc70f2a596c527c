from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentConfig(AppConfig):
    name = "repigment.treatment"
    verbose_name = _("Prescriptions, co-medications and the adherence diary")

    def ready(self) -> None:
        from repigment.treatment.sections import register_sections

        register_sections()
