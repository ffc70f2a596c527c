"""The state machine of an authorisation application, as DESIGN.md draws it.

    draft → ready → submitted → queried ⇄ submitted → approved | rejected
    approved → expired | withdrawn

Only these transitions exist. Each is an :class:`Action` with the fields it records; any other
move is refused with a message that says what is possible from the current state.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from repigment.authorisations.models import State


@dataclass(frozen=True)
class Action:
    code: str
    source: State
    target: State
    label: Promise  # the button
    fields: tuple[str, ...]  # what the transition records, beyond its day and note
    note_required: bool = False
    note_label: Promise | None = None


MARK_READY = "mark_ready"
SUBMIT = "submit"
QUERY = "query"
ANSWER = "answer"
APPROVE = "approve"
REJECT = "reject"
EXPIRE = "expire"
WITHDRAW = "withdraw"

ACTIONS: dict[str, Action] = {
    action.code: action
    for action in (
        Action(MARK_READY, State.DRAFT, State.READY, gettext_lazy("Mark ready to submit"), ()),
        Action(
            SUBMIT,
            State.READY,
            State.SUBMITTED,
            gettext_lazy("Record submission"),
            ("reference_number",),
        ),
        Action(
            QUERY,
            State.SUBMITTED,
            State.QUERIED,
            gettext_lazy("Record a query from the regulator"),
            (),
            note_required=True,
            note_label=gettext_lazy("The regulator's question"),
        ),
        Action(
            ANSWER,
            State.QUERIED,
            State.SUBMITTED,
            gettext_lazy("Record the answer to the query"),
            (),
            note_required=True,
            note_label=gettext_lazy("Your answer"),
        ),
        Action(
            APPROVE,
            State.SUBMITTED,
            State.APPROVED,
            gettext_lazy("Record approval"),
            ("authorisation_number", "valid_until", "authorised_packs", "pack_grams"),
        ),
        Action(
            REJECT,
            State.SUBMITTED,
            State.REJECTED,
            gettext_lazy("Record rejection"),
            (),
            note_required=True,
            note_label=gettext_lazy("Reason given by the regulator"),
        ),
        Action(EXPIRE, State.APPROVED, State.EXPIRED, gettext_lazy("Record expiry"), ()),
        Action(
            WITHDRAW,
            State.APPROVED,
            State.WITHDRAWN,
            gettext_lazy("Withdraw"),
            (),
            note_required=True,
            note_label=gettext_lazy("Why the authorisation is withdrawn"),
        ),
    )
}

#: (from, to) pairs: the whole machine, for tests and the API's description.
TRANSITIONS = frozenset((action.source, action.target) for action in ACTIONS.values())


def actions_from(state: str) -> list[Action]:
    return [action for action in ACTIONS.values() if action.source == state]


def refusal(state: str, code: str) -> str:
    """Why ``code`` cannot happen to an application in ``state``, in words."""
    action = ACTIONS.get(code)
    current = State(state).label
    if action is None:
        return _("There is no such step as “%(code)s”.") % {"code": code}
    possible = ", ".join(str(a.label).lower() for a in actions_from(state))
    message = _(
        "This application is %(state)s; “%(action)s” is possible only when it is %(source)s."
    ) % {
        "state": str(current).lower(),
        "action": action.label,
        "source": action.source.label.lower(),
    }
    if possible:
        return message + " " + _("From here: %(possible)s.") % {"possible": possible}
    return message + " " + _("No further step is possible from here.")
