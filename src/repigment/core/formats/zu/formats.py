"""isiZulu dates: Django ships no isiZulu formats, so without this module they fell back to the
US "Dec. 4, 2026". Day, month name, year as South African forms write it (month names come
from Django's catalogue, in English until it has isiZulu ones)."""

DATE_FORMAT = "j E Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j E Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
