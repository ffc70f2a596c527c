"""Afrikaans dates, "4 Desember 2026", month names from Django's "alt. month" names so that no
project string (such as the modal "May") is taken for a month."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
