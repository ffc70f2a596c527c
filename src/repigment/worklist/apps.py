from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    name = "repigment.worklist"
    verbose_name = _("Work lists: each role's home, ranked")
