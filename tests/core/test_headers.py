"""Security headers: a Content-Security-Policy on every answer, no-store on signed-in ones.

Also a guard over every template a browser is sent: no inline script, no inline style, no
event-handler attributes; each would be refused by the policy and break the page silently.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import ApiToken, User
from tests.conftest import PASSWORD, World

CSP = "Content-Security-Policy"

# Inline code a strict policy refuses: a <script> without src, a <style> block, a style=""
# attribute, an on…="" handler, a javascript: URL. Data blocks (<script type="application/json">)
# run nothing and are allowed.
_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
)
_INLINE = [
    _SCRIPT,
    re.compile(r"<style\b", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:", re.I),
]


def inline_code(html: str) -> list[str]:
    found = []
    for pattern in _INLINE:
        found += [m.group(0) for m in pattern.finditer(html)]
    return found


def _policy(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    parts = [p.strip().split() for p in response[CSP].split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def _no_store(response) -> bool:  # type: ignore[no-untyped-def]
    return "no-store" in response.get("Cache-Control", "")


def test_the_policy_allows_this_site_only_and_nothing_inline(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response[CSP]
    assert "unsafe-eval" not in response[CSP]


def test_an_anonymous_page_may_be_cached_a_signed_in_one_may_not(
    client: Client, world: World
) -> None:
    anonymous = client.get(reverse("knowledge:medicine"))
    assert anonymous.status_code == 200
    assert not _no_store(anonymous)
    client.force_login(world.prescriber)
    for name in ("accounts:dashboard", "patients:list", "accounts:profile"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert _no_store(response), name
        assert CSP in response, name
    detail = client.get(reverse("patients:detail", args=[world.patient.pk]))
    assert detail.status_code == 200
    assert _no_store(detail)


def test_the_portal_page_of_a_patient_is_not_stored(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    response = client.get(reverse("portal:home"), follow=True)
    assert response.status_code == 200
    assert _no_store(response)


def test_api_answers_to_a_token_or_a_session_are_not_stored(client: Client, world: World) -> None:
    _, raw = ApiToken.issue(world.prescriber, "t")
    by_token = client.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert by_token.status_code == 200
    assert _no_store(by_token)
    assert CSP in by_token
    # A refused credential is not stored either (the answer names the problem).
    refused = client.get("/api/v1/patients", HTTP_AUTHORIZATION="Bearer wrong")
    assert refused.status_code == 401
    assert _no_store(refused)
    client.force_login(world.prescriber)
    by_session = client.get("/api/v1/patients")
    assert by_session.status_code == 200
    assert _no_store(by_session)


def test_static_files_keep_their_caching(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    response = client.get(settings.STATIC_URL + "repigment/site.css")
    response.close()
    assert response.status_code == 200
    assert not _no_store(response)


# --- No inline code in any template a browser receives -------------------------------------


def _pdf_only(path: Path) -> bool:
    """Templates WeasyPrint renders to PDF (never sent to a browser): their <style> is fine."""
    return path.name.endswith(("_pdf.html", "_pdf_style.html"))


def _templates() -> list[Path]:
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if config.name.startswith("repigment.")
    ]
    return sorted(
        path
        for root in roots
        if root.is_dir()
        for path in root.rglob("*")
        if path.suffix in {".html", ".svg"} and not _pdf_only(path)
    )


def test_the_guard_finds_inline_code() -> None:
    assert inline_code('<p style="color:red">') == [" style="]
    assert inline_code("<script>alert(1)</script>") == ["<script>"]
    assert inline_code('<button onclick="go()">')
    assert inline_code("<style>p{}</style>")
    assert not inline_code('<script src="/static/x.js"></script>')
    assert not inline_code('<script type="application/json" id="d">{}</script>')


def test_no_template_carries_inline_script_or_style() -> None:
    templates = _templates()
    assert len(templates) > 50  # the walk found the apps' templates
    offences = {
        str(path.relative_to(settings.BASE_DIR)): found
        for path in templates
        if (found := inline_code(path.read_text(encoding="utf-8")))
    }
    assert offences == {}


@pytest.mark.parametrize("kind", ["changelist", "add"])
def test_admin_pages_carry_no_inline_code(client: Client, world: World, kind: str) -> None:
    superuser = User.objects.create_superuser("root@jhb.test", PASSWORD)
    client.force_login(superuser)
    seen = 0
    for model, model_admin in admin.site._registry.items():
        if kind == "add" and not model_admin.has_add_permission(_request(superuser)):
            continue
        opts = model._meta
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}"))
        if response.status_code != 200:
            continue
        seen += 1
        html = response.content.decode()
        assert not inline_code(html), (opts.label, inline_code(html))
        assert _no_store(response)
    assert seen > 5


def _request(user: User):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request
