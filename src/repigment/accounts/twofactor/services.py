"""Enrol an authenticator, verify a code, make recovery codes, turn it off; each step audited.

A person has at most one confirmed TOTP device (their authenticator app) and one static
device holding their unused recovery codes; django-otp throttles wrong codes on each (1, 2,
4 … seconds after successive failures). Recovery codes are shown once and stored as django-otp
stores them; a used one is deleted.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import datetime

import django_otp
import segno
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User

RECOVERY_CODES = 10
AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
_TOTP_CODE = re.compile(r"^\d{6}$")


def authenticator(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user: User) -> TOTPDevice:
    """The key being enrolled: the same one on every visit until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def key_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it typed in: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an SVG QR code, made here (no outside service sees the key)."""
    code = segno.make(device.config_url, error="m")
    return str(code.svg_inline(scale=4, title="QR code of your two-factor key", border=4))


def normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _readable(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in tokens])
    return [_readable(t) for t in tokens]


def _audit(request: HttpRequest, action: str, user: User, what: str = "user") -> None:
    audit.record(request, action, actor=user, object_type=what, object_id=user.pk)


def _mark_verified(request: HttpRequest, device: Device) -> None:
    """This session passed its second factor (a new session key, as after a log-in)."""
    request.session.cycle_key()
    django_otp.login(request, device)


@transaction.atomic
def confirm_enrolment(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Turn two-factor log-in on if ``code`` comes from the pending key; the recovery codes
    (to be shown once), or None for a wrong code."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    code = normalised(code)
    if device is None or not _TOTP_CODE.match(code) or not device.verify_token(code):
        _audit(request, AuditAction.TWO_FACTOR_FAILED, user, "totp_enrolment")
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = _replace_recovery_codes(user)
    user.two_factor_since = timezone.now()
    user.save(update_fields=["two_factor_since"])
    _mark_verified(request, device)
    _audit(request, AuditAction.TWO_FACTOR_ENROLLED, user)
    return codes


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    recovery_code: bool = False
    codes_left: int = 0
    wait_until: datetime | None = None  # throttled: no code is tried before then


@transaction.atomic
def verify(request: HttpRequest, user: User, code: str) -> Outcome:
    """Check a code from the authenticator (six digits) or a recovery code (the others)."""
    code = normalised(code)
    is_totp = bool(_TOTP_CODE.match(code))
    model: type[TOTPDevice] | type[StaticDevice] = TOTPDevice if is_totp else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is not None:
        allowed, why = device.verify_is_allowed()
        if not allowed:
            _audit(request, AuditAction.TWO_FACTOR_FAILED, user)
            return Outcome(False, wait_until=(why or {}).get("locked_until"))
    if device is None or not device.verify_token(code):
        _audit(request, AuditAction.TWO_FACTOR_FAILED, user)
        return Outcome(False)
    _mark_verified(request, device)
    if is_totp:
        _audit(request, AuditAction.TWO_FACTOR_VERIFIED, user)
        return Outcome(True)
    _audit(request, AuditAction.RECOVERY_CODE_USED, user)
    return Outcome(True, recovery_code=True, codes_left=recovery_codes_left(user))


@transaction.atomic
def new_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    """Fresh codes (shown once); the old ones stop working."""
    codes = _replace_recovery_codes(user)
    _audit(request, AuditAction.RECOVERY_CODES_NEW, user)
    return codes


@transaction.atomic
def turn_off(request: HttpRequest, user: User) -> None:
    """Remove the authenticator and the recovery codes (for those the policy does not bind)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.two_factor_since = None
    user.save(update_fields=["two_factor_since"])
    _audit(request, AuditAction.TWO_FACTOR_REMOVED, user)
