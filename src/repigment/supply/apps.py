from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupplyConfig(AppConfig):
    name = "repigment.supply"
    verbose_name = _("Supply: products, packs, recalls and verification")
