"""The trials page: sourced registry entries, and each country page says whether one has a site."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.test import Client

from repigment.access import trials
from repigment.access.loader import LoadReport


def test_every_listed_trial_has_a_registry_id_a_source_and_a_reading() -> None:
    data = trials.read_trials()
    ids = {t.identifier for t in data.trials}
    assert {"2019-000846-37", "NCT04896385", "NCT06548360"} <= ids
    for trial in data.trials:
        assert trial.sources and trial.read_by and trial.status_text
        assert all(s.url.startswith("https://") for s in trial.sources)
    assert "NCT04052425" in data.not_verified  # named, but not listed without a source


def test_a_weakly_sourced_or_malformed_trial_is_refused(tmp_path: Path) -> None:
    shutil.copy(trials.DATA / "sources.json", tmp_path / "sources.json")
    raw = json.loads((trials.DATA / "trials.json").read_text("utf-8"))
    raw["trials"][0]["identifier"] = "NCT123"
    (tmp_path / "trials.json").write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ValueError, match="identifier does not fit"):
        trials.read_trials(tmp_path)


def test_the_trials_page_lists_ids_and_marks_the_countrys_sites(
    client: Client, countries: LoadReport
) -> None:
    page = client.get("/en/access/trials/?country=fr").content.decode()
    assert "NCT04896385" in page and "2019-000846-37" in page
    assert "site in this country" in page
    page = client.get("/en/access/trials/?country=ZA").content.decode()
    assert "None of the listed trials has a site in South Africa" in page
    assert "site in this country" not in page


def test_each_country_page_links_to_the_trials_and_says_none_is_there(
    client: Client, countries: LoadReport
) -> None:
    page = client.get("/en/access/ke/").content.decode()
    assert "None of the listed trials has a site in Kenya" in page
    assert "/en/access/trials/?country=KE" in page
