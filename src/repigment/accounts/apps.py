from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "repigment.accounts"
    verbose_name = _("Accounts, clinics and audit")

    def ready(self) -> None:
        from repigment.accounts import signals  # noqa: F401  (connects the log-in audit)
