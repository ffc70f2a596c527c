"""English dates as "4 Dec 2026": Django's default "Dec. 4, 2026" is read the US way.

Day, month name, year cannot be mistaken for 12/4 or 4/12 by a reader from any country.
"""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
