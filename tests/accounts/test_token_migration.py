"""Upgrading to token expiry: a token made before it gets the default lifetime from the day of
the upgrade, so a working script does not stop on upgrade day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from repigment.accounts.models import ApiToken
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("accounts", "0006_lockout_actions")
EXPIRY = ("accounts", "0007_apitoken_expiry_read_only")


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """A migration executor; the database is back on the latest migrations afterwards."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(latest.loader.graph.leaf_nodes())


def test_an_old_token_expires_the_default_days_after_the_upgrade(
    executor: MigrationExecutor, world: World
) -> None:
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("accounts", "ApiToken")
    long_ago = timezone.now() - timedelta(days=400)
    old.objects.create(
        user_id=world.prescriber.pk, name="old script", digest="d" * 64, hint="rpg_old",
        created=long_ago,
    )  # fmt: skip
    upgraded = MigrationExecutor(connection)
    upgraded.migrate([EXPIRY])
    token = ApiToken.objects.get(name="old script")
    assert not token.read_only
    remaining = token.expires - timezone.now()
    assert timedelta(days=89) < remaining <= timedelta(days=90)
