"""Public facts say which warning they mean, and a source's label names the site it links to."""

from __future__ import annotations

from urllib.parse import urlparse

from django.test import Client
from django.urls import reverse

from repigment.clinical.references import get_reference


def test_the_safety_and_medicine_pages_say_which_warning_applies_to_the_cream(
    client: Client,
) -> None:
    for name in ("safety", "medicine"):
        text = client.get(reverse(f"knowledge:{name}")).content.decode()
        assert "The warning applies to the cream as well" not in text
        assert "boxed warning" in text and "blood clots" in text, name


def test_the_fda_approval_story_is_labelled_by_the_site_it_links_to() -> None:
    ref = get_reference("physiciansweekly-fda-approval-2022")
    assert urlparse(ref.url).hostname == "www.physiciansweekly.com"
    assert ref.citation.startswith("Physician's Weekly")
