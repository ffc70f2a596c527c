"""Lift log-in lockouts (audited), or list the failures being counted."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.models import AccessAttempt
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from repigment.accounts import throttle


class Command(BaseCommand):
    help = "Lift the lockout of an account and/or an address; without either, list failures."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", default="", help="the account's e-mail address")
        parser.add_argument("--address", default="", help="the client address (IP)")

    def handle(self, *args: Any, **options: Any) -> None:
        email, address = options["email"], options["address"]
        if not email and not address:
            self._list()
            return
        if address:
            try:
                address = str(ipaddress.ip_address(address.strip()))
            except ValueError as error:
                raise CommandError(f"Not an IP address: {address!r}") from error
        removed = throttle.lift(None, email=email, address=address)
        self.stdout.write(f"Lifted: {removed} counted failure record(s) removed.")

    def _list(self) -> None:
        since = timezone.now() - throttle.cool_off()
        rows = AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")
        if not rows:
            self.stdout.write("No failures counted within the cool-off period.")
        for row in rows:
            self.stdout.write(
                f"{row.attempt_time:%Y-%m-%d %H:%M} {row.username or '-'} "
                f"{row.ip_address or '-'} failures={row.failures_since_start}"
            )
