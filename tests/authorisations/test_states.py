"""The state machine: every allowed transition, every refused one, and what each records."""

from __future__ import annotations

from datetime import timedelta

import pytest

from repigment.accounts.models import AuditEntry
from repigment.authorisations import services, states
from repigment.authorisations.models import ApplicationEvent, State
from tests.authorisations.helpers import TO_STATE, actor, application_in, quick_pdfs, step_for
from tests.conftest import World
from tests.patients.helpers import TODAY

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs

ALLOWED = {
    (State.DRAFT, State.READY),
    (State.READY, State.SUBMITTED),
    (State.SUBMITTED, State.QUERIED),
    (State.QUERIED, State.SUBMITTED),
    (State.SUBMITTED, State.APPROVED),
    (State.SUBMITTED, State.REJECTED),
    (State.APPROVED, State.EXPIRED),
    (State.APPROVED, State.WITHDRAWN),
}


def test_the_machine_has_exactly_the_designed_transitions() -> None:
    assert states.TRANSITIONS == ALLOWED


CASES = [(state, action) for state in State.values for action in states.ACTIONS]


@pytest.mark.parametrize(("state", "code"), CASES, ids=[f"{s}-{c}" for s, c in CASES])
def test_each_step_from_each_state(world: World, state: str, code: str) -> None:
    application = application_in(world, state)
    assert application.state == state
    action = states.ACTIONS[code]
    events = ApplicationEvent.objects.filter(application=application).count()
    day = TODAY()
    if code == states.EXPIRE and application.valid_until:
        day = application.valid_until + timedelta(days=1)
    if (state, action.target) in ALLOWED and action.source == state:
        audits = AuditEntry.objects.filter(object_type="authorisation_application").count()
        event = services.transition(
            application, code, step_for(code, day), actor(world.prescriber), max(day, TODAY())
        )
        application.refresh_from_db()
        assert application.state == action.target
        assert (event.from_state, event.to_state, event.by) == (
            state,
            action.target,
            world.prescriber,
        )
        assert ApplicationEvent.objects.filter(application=application).count() == events + 1
        assert (
            AuditEntry.objects.filter(object_type="authorisation_application").count() == audits + 1
        )
    else:
        with pytest.raises(services.Refused) as refused:
            services.transition(
                application, code, step_for(code, day), actor(world.prescriber), max(day, TODAY())
            )
        assert "possible only when it is" in refused.value.message
        application.refresh_from_db()
        assert application.state == state
        assert ApplicationEvent.objects.filter(application=application).count() == events


def test_every_state_is_reachable_by_the_helpers() -> None:
    assert set(TO_STATE) == set(State.values)
