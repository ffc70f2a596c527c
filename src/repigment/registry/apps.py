from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "repigment.registry"
    verbose_name = _("Registry: the de-identified dataset and its outcomes")

    def ready(self) -> None:
        from repigment.registry import stale

        stale.connect()  # writes that change a patient's analysed rows mark their summary stale
