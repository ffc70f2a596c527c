"""Portuguese dates, "4 de dezembro de 2026", month names from Django's "alt. month" names so
that no project string (such as the modal "May") is taken for a month."""

DATE_FORMAT = r"j \d\e E \d\e Y"
DATETIME_FORMAT = r"j \d\e E \d\e Y, H:i"
