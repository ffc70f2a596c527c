from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "repigment.accounts"
    verbose_name = _("Accounts, clinics and audit")

    def ready(self) -> None:
        from repigment.accounts import (  # noqa: F401  (connect the log-in audit, register checks)
            checks,
            signals,
        )
