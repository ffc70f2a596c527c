"""Forms of the interop pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from repigment.core.forms import Form

MAX_BYTES = 50 * 1024 * 1024


class RedcapImportForm(Form):
    dictionary = forms.FileField(label=_("Data dictionary (CSV, as REDCap exports it)"))
    records = forms.FileField(label=_("Records (CSV, raw data, all events and instruments)"))
    mapping = forms.FileField(
        label=_("Mapping (TOML)"),
        help_text=_("Which REDCap field fills which Repigment field; see the example project."),
    )
    dry_run = forms.BooleanField(
        label=_("Check only (dry run): report problems and counts, write nothing"),
        required=False,
        initial=True,
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        for name in ("dictionary", "records", "mapping"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_BYTES:  # type: ignore[attr-defined]
                self.add_error(name, _("The file is larger than 50 MB."))
        return data
