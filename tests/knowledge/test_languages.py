"""Choosing the language: by URL, by the browser's preference, by the switcher; catalogues."""

from __future__ import annotations

import gettext
import html
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from repigment.core.languages import STATUSES, Scope, covers, review_note
from tests.knowledge.helpers import LANGUAGES, page_url

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
# Catalogue entries from these sources must be complete: the public pages (information and
# access navigator), the base layout, the error and log-in pages, and the patient portal with
# the patient and assessment pages it shares.
MUST_BE_COMPLETE = (
    "knowledge/",
    "templates/",
    "accounts/templates/accounts/login.html",
    "access/templates/",
    "authorisations/templates/",
    "patients/",
    "assessments/",
)
# A language that covers only the patient-facing scopes (repigment.core.languages) must be
# complete on the public pages and the patient's own pages.
PATIENT_FACING = (
    "knowledge/",
    "templates/",
    "accounts/templates/accounts/login.html",
    "access/templates/",
    "assessments/portal",
    "assessments/templates/assessments/portal/",
    "safety/portal",
    "safety/templates/safety/portal/",
    "treatment/portal",
    "treatment/templates/treatment/portal/",
)


def must_be_complete(lang: str) -> tuple[str, ...]:
    return MUST_BE_COMPLETE if covers(lang, Scope.STAFF) else PATIENT_FACING


BROWSERS = [
    ("fr-FR,fr;q=0.9", "fr"),
    ("pt-MZ", "pt"),
    ("ar-EG,ar;q=0.8,en;q=0.5", "ar"),
    ("sw", "en"),
]


@pytest.mark.parametrize(("accept", "lang"), BROWSERS)
def test_a_visitor_at_the_root_goes_to_the_public_pages_in_their_language(
    client: Client, accept: str, lang: str
) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == f"/{lang}/"
    assert client.get(response["Location"]).status_code == 200


def test_a_signed_in_user_at_the_root_still_goes_to_the_dashboard(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.prescriber)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"].endswith("/dashboard/")


def test_the_switcher_keeps_the_visitor_on_the_same_page_and_query(client: Client) -> None:
    response = client.post(
        "/i18n/setlang/", {"language": "pt", "next": "/fr/what-to-expect/?weeks=24"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/pt/what-to-expect/?weeks=24"
    # …and remembers the choice for the next visit to the root.
    assert client.get("/")["Location"] == "/pt/"


def test_the_url_language_wins_over_the_browser_preference(client: Client) -> None:
    response = client.get(page_url("safety", "pt"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<html lang="pt"' in response.content.decode()


def _entries(po: Path) -> list[dict[str, object]]:
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if not lines or lines[0].startswith("#~"):
            continue
        refs = [r for line in lines if line.startswith("#: ") for r in line[3:].split()]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid = _joined(lines, "msgid ")
        msgstrs = [_joined(lines, p) for p in ("msgstr ", "msgstr[0] ", "msgstr[1] ")]
        entries.append({"refs": refs, "fuzzy": fuzzy, "msgid": msgid, "msgstr": msgstrs})
    return entries


def _joined(lines: list[str], prefix: str) -> str:
    for i, line in enumerate(lines):
        if line.startswith(prefix):
            parts = [line[len(prefix) :]]
            parts += [ln for ln in lines[i + 1 :] if ln.startswith('"')][: _run(lines, i + 1)]
            return "".join(p[1:-1] for p in parts)
    return ""


def _run(lines: list[str], start: int) -> int:
    count = 0
    for line in lines[start:]:
        if not line.startswith('"'):
            break
        count += 1
    return count


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_public_entries_of_each_catalogue_are_translated(lang: str) -> None:
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    missing = [
        e["msgid"]
        for e in _entries(po)
        if any(str(r).startswith(must_be_complete(lang)) for r in e["refs"])  # type: ignore[union-attr]
        and (e["fuzzy"] or not any(e["msgstr"]))  # type: ignore[arg-type]
    ]
    assert not missing, f"{lang}: untranslated or fuzzy: {missing[:10]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_compiled_catalogue_is_committed_and_matches_its_source(lang: str) -> None:
    """The .mo ships in the repository, so installing needs no gettext tools."""
    folder = LOCALE / lang / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in _entries(folder / "django.po"):
        msgstr = entry["msgstr"][0]  # type: ignore[index]
        if entry["fuzzy"] or not msgstr or "\\" in str(entry["msgid"]) + str(msgstr):
            continue
        assert compiled.gettext(str(entry["msgid"])) == msgstr, (
            f"{lang}: django.mo is older than django.po for {entry['msgid']!r}; run compilemessages"
        )


def test_every_language_of_the_site_has_a_coverage_and_review_status() -> None:
    assert set(LANGUAGES) == set(STATUSES)
    # Nothing is presented as reviewed until a clinician's review is recorded in the code.
    for code in ("zu", "af", "fr"):
        assert "not yet been reviewed" in review_note(code)


@pytest.mark.parametrize("lang", ["zu", "af"])
def test_a_south_african_language_says_what_it_covers_and_that_it_is_not_reviewed(
    client: Client, lang: str
) -> None:
    with translation.override(lang):
        expected = [review_note(lang)]
    body = client.get(page_url("home", lang)).content.decode()
    assert f'<html lang="{lang}"' in body
    assert all(html.escape(text) in body for text in expected)
    assert 'class="disclaimer lang-status"' in body


def test_patient_documents_and_messages_fall_back_to_english_where_not_translated() -> None:
    from repigment.authorisations.pack import consent_language
    from repigment.reminders.engine import patient_language

    assert consent_language("zu") == ("en", False)
    assert consent_language("fr") == ("fr", True)
    assert patient_language("af") == "en"
    assert patient_language("pt") == "pt"
