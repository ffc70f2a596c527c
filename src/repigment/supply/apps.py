from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "repigment.supply"
    verbose_name = _("Supply: products, packs, recalls and verification")

    def ready(self) -> None:
        from repigment.supply.sections import register_sections

        register_sections()
