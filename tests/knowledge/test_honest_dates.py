"""Honest dates: a page shows the day a source was read, never the day the data was built."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from repigment.access.loader import load_countries
from repigment.access.models import ChecklistItem, Country, DataLoad, Fact
from repigment.clinical.references import REFERENCES
from repigment.knowledge import provenance
from tests.access.data import every_sourced_entry, raw_data, write
from tests.knowledge.helpers import ALL_PAGES

#: The day the first data was built. Before per-fact readings were recorded, every fact and
#: reference showed this day as "checked"; none was in fact read on it as far as anyone knows.
BUILD_DAY = date(2026, 11, 26)
TIME = re.compile(r'<time datetime="(\d{4}-\d{2}-\d{2})"')


def public_pages(client: Client) -> dict[str, str]:
    urls = [reverse(f"knowledge:{page}") for page in ALL_PAGES]
    urls += ["/en/access/", *(c.get_absolute_url() for c in Country.objects.all())]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def recorded_readings() -> set[str]:
    days = set(Fact.objects.exclude(read_on=None).values_list("read_on", flat=True))
    days |= set(ChecklistItem.objects.exclude(read_on=None).values_list("read_on", flat=True))
    days |= {read.on for read in provenance.reference_readings().values() if read.on}
    return {day.isoformat() for day in days}


def test_every_day_a_page_shows_is_a_recorded_reading_never_a_build_day(client: Client) -> None:
    load_countries()
    readings = recorded_readings()
    loaded = DataLoad.objects.get().loaded_at.date().isoformat()
    for url, html in public_pages(client).items():
        shown = set(TIME.findall(html))
        assert shown <= readings, f"{url} shows days no source was read on: {shown - readings}"
        assert BUILD_DAY.isoformat() not in shown, url
        if loaded not in readings:
            assert loaded not in shown, url


def test_the_day_shown_follows_the_reading_not_the_load(client: Client, tmp_path: Path) -> None:
    raw = raw_data()
    for _where, entry in every_sourced_entry(raw):
        entry["read_on"], entry["read_by"] = "2025-06-30", "A reader"
    load_countries(write(tmp_path, raw))
    html = client.get("/en/access/za/").content.decode()
    assert set(TIME.findall(html)) == {"2025-06-30"}
    assert timezone.localdate().isoformat() not in TIME.findall(html)
    assert "Sourced on" in html and "due for re-checking" in html, "more than 12 months old"


def test_no_data_file_or_reference_claims_the_build_day_as_a_reading() -> None:
    for where, entry in every_sourced_entry(raw_data()):
        assert entry["read_on"] != BUILD_DAY.isoformat(), where
        assert entry["read_by"].strip(), where
    for ref in REFERENCES.values():
        assert ref.read.on != BUILD_DAY, ref.id
