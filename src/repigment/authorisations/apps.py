from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuthorisationsConfig(AppConfig):
    name = "repigment.authorisations"
    verbose_name = _("Authorisation applications")

    def ready(self) -> None:
        from repigment.authorisations.sections import register_sections

        register_sections()
