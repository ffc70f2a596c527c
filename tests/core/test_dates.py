"""One locale-aware way to show a date (issue 18): "4 Dec 2026", "4 déc. 2026", never the
"2026-12-04" / "Dec. 4, 2026" mix the pages had, and ISO only where a machine reads it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from repigment.core.templatetags.dates import day_text, moment_text
from tests.conftest import World

SRC = Path(__file__).resolve().parents[2] / "src" / "repigment"
DATE_FILTER = re.compile(r"""\|date:(["'])(.*?)\1""")
# A named format follows the active language; a time of day alone cannot be misread.
LOCALE_AWARE = {"DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "YEAR_MONTH_FORMAT"}
TIME_ONLY = {"H:i", "H:i:s"}
# ISO is for machines: form values, <time datetime>, links and query strings, data attributes.
MACHINE_CONTEXT = re.compile(r"""(value|datetime|min|max|href|action|data-[\w-]+)=["'][^"'<>]*$""")


def hard_coded_dates() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.html")):
        text = path.read_text()
        for m in DATE_FILTER.finditer(text):
            fmt = m.group(2)
            if fmt in LOCALE_AWARE or fmt in TIME_ONLY:
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            before = text[line_start : m.start()]
            expression = before.rfind("{{")
            if expression >= 0 and MACHINE_CONTEXT.search(before[:expression]):
                continue
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"{path.relative_to(SRC)}:{line}: |date:{m.group(1)}{fmt}{m.group(1)}")
    return found


def test_no_template_shows_a_hard_coded_date_format_to_a_person() -> None:
    assert hard_coded_dates() == []


def test_the_scan_catches_a_shown_iso_date_and_spares_a_machine_one(tmp_path: Path) -> None:
    shown = '<td>{{ d|date:"Y-m-d" }}</td>'
    machine = '<input type="date" value="{{ d|date:\'Y-m-d\' }}">'
    assert DATE_FILTER.search(shown)
    assert not MACHINE_CONTEXT.search(shown[: shown.index("{{")])
    assert MACHINE_CONTEXT.search(machine[: machine.index("{{")])


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "4 Dec 2026"),
        ("fr", "4 déc. 2026"),
        ("pt", "4 de Dezembro de 2026"),
        ("ar", "4 ديسمبر، 2026"),
        ("af", "4 Desember 2026"),
        ("zu", "4 December 2026"),
    ],
)
def test_a_day_reads_day_month_name_year_in_each_language(language: str, words: str) -> None:
    with translation.override(language):
        assert day_text(dt.date(2026, 12, 4)).lower() == words.lower()
        html = Template("{{ d|day }}").render(Context({"d": dt.date(2026, 12, 4)}))
    assert html.lower() == f'<time datetime="2026-12-04">{words}</time>'.lower()


def test_a_moment_is_shown_in_the_clinic_time_zone_with_iso_for_machines() -> None:
    utc = dt.datetime(2026, 12, 4, 22, 30, tzinfo=dt.UTC)  # half past midnight in Johannesburg
    with translation.override("en"):
        assert moment_text(utc) == "5 Dec 2026, 00:30"
        assert moment_text(utc, zone=True) == "5 Dec 2026, 00:30 SAST"
        assert day_text(utc) == "5 Dec 2026"
        html = Template("{{ t|moment }}").render(Context({"t": utc}))
    assert html == '<time datetime="2026-12-05T00:30:00+02:00">5 Dec 2026, 00:30</time>'
    assert Template("{{ t|day }}|{{ t|moment }}").render(Context({"t": None})) == "|"
    assert utc.astimezone(ZoneInfo("Africa/Johannesburg")).day == 5


def test_a_page_shows_the_same_date_the_same_way_in_english_and_french(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    url = reverse("patients:detail", args=[world.patient.pk])
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    fr = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<time datetime="1990-05-17">17 May 1990</time>' in en
    # "May" is also the English modal verb: the French catalogue's "Peut" must not be a month.
    assert '<time datetime="1990-05-17">17 mai 1990</time>' in fr
    assert "1990-05-17<" not in en and "1990-05-17<" not in fr
