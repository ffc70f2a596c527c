"""French dates, "4 déc. 2026", "17 mai 1990". Month names come from Django's abbreviated
month names (``N``, looked up with a context): the plain month name ``F`` is looked up as the
bare English word, and this project's French catalogue translates the modal "May" as "Peut",
which turned 17 May into "17 Peut"."""

DATE_FORMAT = "j N Y"
DATETIME_FORMAT = "j N Y, H:i"
