"""Words the clinical core gives to people, marked for the translation catalogues.

The clinical core imports nothing from Django, so it cannot translate. It marks each message
with :func:`gettext_noop` (a name ``makemessages`` looks for), keeps placeholders as
``%(name)s``, and hands the message and its values to the app, which translates the message in
the reader's language and fills the values in.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogues; it is translated when it is shown."""
    return message
