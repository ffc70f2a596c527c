from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    name = "repigment.safety"
    verbose_name = _("Adverse events and their reports")

    def ready(self) -> None:
        from repigment.safety.sections import register_sections

        register_sections()
