"""The public navigator: every country page, its facts and sources, the filter, map and weight."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from repigment.access import map as tile_map
from repigment.access import services
from repigment.access.loader import LoadReport
from repigment.access.models import ChecklistItem, Country, Fact, Topic
from tests.access.data import countries_with, raw_data, route_kinds, with_one_unresearched
from tests.access.html import FactReader, read

#: Compressed bytes a page may weigh with everything it loads (stylesheet, script, icon).
PAGE_BUDGET = 60_000
TBC = "To be confirmed with the regulator:"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def page(client: Client, code: str, language: str = "en") -> str:
    response = client.get(f"/{language}/access/{code}/")
    assert response.status_code == 200
    return response.content.decode()


def shown_on(country: Country) -> int:
    """How many facts and checklist items the country's page must show."""
    own = Fact.objects.filter(country=country).count()
    routes = Fact.objects.filter(route__country=country).count()
    items = ChecklistItem.objects.filter(route__country=country).count()
    general = Fact.objects.filter(country=None, route=None).exclude(topic=Topic.NOTE).count()
    return own + routes + items + general


def test_the_navigator_is_public_and_sits_under_the_language(client: Client) -> None:
    assert reverse("access:country_list") == "/en/access/"
    assert reverse("access:country_detail", kwargs={"code": "za"}) == "/en/access/za/"


def test_every_country_page_renders_every_fact_with_a_source_and_when_it_was_read(
    client: Client, countries: LoadReport
) -> None:
    for country in Country.objects.all():
        html = page(client, country.slug)
        assert f"Ruxolitinib cream in {country.name}".replace("'", "&#x27;") in html
        shown = read(html)
        assert len(shown.facts) == shown_on(country), country.code
        # Each fact cites numbered entries of the page's one list of sources, and each entry
        # there gives the address and the quality of its source.
        for fact in shown.facts:
            assert fact.source_links, f"{country.code}: no source for {fact.text!r}"
            for link in fact.source_links:
                listed = shown.listed[link]
                assert listed.url.startswith(("http://", "https://")), (country.code, link)
                assert listed.quality.startswith("acc-q "), (country.code, link)
            if fact.read_on:
                assert len(fact.read_on) == 1 and ISO_DATE.match(fact.read_on[0]), fact.text
            else:
                assert fact.due and "was not recorded" in fact.text, fact.text


def test_a_country_page_and_the_list_take_a_handful_of_queries(
    client: Client, countries: LoadReport, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        page(client, "za")
    with django_assert_max_num_queries(8):
        client.get("/en/access/")


def test_unconfirmed_facts_are_labelled_to_be_confirmed_and_confirmed_ones_are_not(
    client: Client, countries: LoadReport
) -> None:
    labelled = 0
    for code in ("za", "eg", "ma", "rw", "zw", "na"):
        for fact in read(page(client, code)).facts:
            assert fact.text.startswith(TBC) == (fact.confirmed == "no"), fact.text
            labelled += fact.confirmed == "no"
    assert labelled >= 20


def test_a_country_with_nothing_researched_says_so_plainly(
    client: Client, db: None, tmp_path: Path
) -> None:
    with_one_unresearched(tmp_path, "DZ")
    html = page(client, "dz")
    assert "Not yet researched." in html
    assert "We have not yet looked into the rules in Algeria" in html
    assert "Registered in this country: <strong>not known</strong>" in html
    facts = read(html).facts
    general = Fact.objects.filter(country=None, route=None).exclude(topic=Topic.NOTE)
    assert len(facts) == general.count(), "only the facts that hold everywhere"
    assert "No registration was found" not in html, "no research, so no claim about it"


def test_the_south_african_page_answers_the_visitors_questions(
    client: Client, countries: LoadReport
) -> None:
    html = page(client, "za")
    for heading in ("Is it available?", "Section 21 authorisation for a named patient",
                    "Who starts it", "What to prepare", "What it costs", "How long it takes",
                    "How long it lasts", "Checking that the supplier is licensed",
                    "Reporting a suspected falsified medicine", "Sources"):  # fmt: skip
        assert heading in html, heading
    for fact in ("R400 from 13 February 2025", "3 working days", "six months", "0800 204 307",
                 "The treating practitioner applies", "every 6 months"):  # fmt: skip
        assert fact in html, fact
    sources = html.split('id="sources"')[1]
    assert sources.count('<li id="source-') >= 25 and "(primary source)" in sources
    assert "(weak source)" in sources
    assert "Sourced on" in sources or "was not recorded" in sources


def test_a_route_with_an_unresearched_part_says_not_yet_researched(
    client: Client, countries: LoadReport
) -> None:
    kenya = page(client, "ke")
    route = kenya.split('id="route-unregistered-import"')[1].split("</article>")[0]
    for part in ("Who starts it", "What to prepare", "What it costs", "How long it takes"):
        after = route.split(f"<h4>{part}</h4>")[1]
        assert after.lstrip().startswith('<p class="acc-not-researched">Not yet researched.'), part


def test_codes_are_lower_case_and_unknown_ones_are_not_found(
    client: Client, countries: LoadReport
) -> None:
    upper = client.get("/en/access/KE/")
    assert upper.status_code == 301 and upper["Location"] == "/en/access/ke/"
    for code in ("xx", "fr", "k1", "ken"):
        assert client.get(f"/en/access/{code}/").status_code == 404, code


def test_pages_come_in_every_language_with_the_page_text_translatable(
    client: Client, countries: LoadReport
) -> None:
    html = page(client, "za", language="fr")
    assert '<html lang="fr"' in html
    assert 'href="/fr/access/"' in html


# --- The list, its filter and the map --------------------------------------------------------


def listed(html: str) -> list[str]:
    table = html.split('class="acc-countries"')[1].split("</table>")[0]
    return re.findall(r'<td><a href="/en/access/([a-z]{2})/">', table)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 54),
        ("kenya", ["ke"]),
        ("  KEN ", ["ke"]),
        ("cote", ["ci"]),
        ("ivory", ["ci"]),
        ("swaziland", ["sz"]),
        ("za", ["za", "tz", "mz", "zm", "cg"]),  # the code, and names containing it
        ("guinea", ["gq", "gn", "gw"]),
        ("atlantis", []),
    ],
)
def test_the_list_filters_by_name(
    client: Client, countries: LoadReport, query: str, expected: int | list[str]
) -> None:
    html = client.get("/en/access/", {"q": query}).content.decode()
    found = listed(html) if "acc-countries" in html else []
    if isinstance(expected, int):
        assert len(found) == expected
    else:
        assert sorted(found) == sorted(expected)
    if not found:
        assert "No country matches" in html


def test_the_list_filters_by_route_kind(client: Client, countries: LoadReport) -> None:
    kinds = {code.lower(): found for code, found in route_kinds(raw_data()).items()}
    for kind in ("named_patient", "special_import", "personal_import", "supply_scheme"):
        shown = listed(client.get("/en/access/", {"route": kind}).content.decode())
        assert set(shown) == {code for code, found in kinds.items() if kind in found}, kind
    none = listed(client.get("/en/access/", {"route": "none"}).content.decode())
    assert set(none) == {code for code, found in kinds.items() if not found}
    assert "za" not in none
    both = client.get("/en/access/", {"route": "named_patient", "q": "south"}).content.decode()
    assert listed(both) == ["za"]


def test_an_unknown_route_kind_is_explained_and_filters_nothing(
    client: Client, countries: LoadReport
) -> None:
    html = client.get("/en/access/", {"route": "smuggling"}).content.decode()
    assert "Select a valid choice" in html and len(listed(html)) == 54


def test_the_map_has_one_square_per_country_none_overlapping(countries: LoadReport) -> None:
    assert set(tile_map.TILES) == set(Country.objects.values_list("code", flat=True))
    assert len(set(tile_map.TILES.values())) == len(tile_map.TILES)


def test_the_map_links_every_country_and_dims_those_outside_the_filter(
    client: Client, countries: LoadReport
) -> None:
    html = client.get("/en/access/", {"route": "named_patient"}).content.decode()
    svg = html.split("<svg")[1].split("</svg>")[0]
    assert len(re.findall(r'<a href="/en/access/[a-z]{2}/"', svg)) == 54
    named = Country.objects.filter(routes__kind="named_patient").distinct().count()
    assert svg.count("acc-dim") == 54 - named
    states = {tile_map.tile_state(c) for c in services.countries_with_routes()}
    assert states <= {"route", "tbc", "none", "unresearched"}
    for state in ("route", "tbc", "none", "unresearched"):
        expected = sum(tile_map.tile_state(c) == state for c in services.countries_with_routes())
        assert svg.count(f'acc-t-{state}"') + svg.count(f"acc-t-{state} ") == expected, state


def test_the_list_shows_the_three_research_counts(client: Client, countries: LoadReport) -> None:
    raw = raw_data()
    html = client.get("/en/access/").content.decode()
    counts = html.split('class="acc-counts"')[1].split("</ul>")[0]
    found, none = countries_with(raw, "route_found"), countries_with(raw, "no_route_found")
    assert f"{len(found)} countries researched, with a route" in counts
    assert f"{len(none)} researched, no route found" in counts
    assert f"{54 - len(found) - len(none)} not yet researched" in counts


def test_the_map_tells_a_route_found_from_none_found_from_not_researched(
    db: None, tmp_path: Path
) -> None:
    with_one_unresearched(tmp_path, "DZ")
    by_code = {c.code: tile_map.tile_state(c) for c in services.countries_with_routes()}
    assert by_code["DZ"] == "unresearched" and by_code["ZA"] == "route"
    for code, state in by_code.items():
        country = Country.objects.get(code=code)
        assert (state == "none") == (country.status == "no_route_found"), code


# --- Light, and no JavaScript needed ---------------------------------------------------------

PAGES = ["/en/access/", "/en/access/?route=named_patient", "/en/access/za/", "/en/access/dz/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_and_all_it_loads_weigh_less_than_the_budget_compressed(
    client: Client, countries: LoadReport, url: str
) -> None:
    response = client.get(url)
    html = response.content
    shown: FactReader = read(html.decode())
    total = len(gzip.compress(html))
    for asset in shown.assets:
        assert asset.startswith("/") and not asset.startswith("//"), f"third-party {asset}"
        body = client.get(asset)
        assert body.status_code == 200, asset
        total += len(gzip.compress(b"".join(body.streaming_content)))  # type: ignore[attr-defined]
    assert total < PAGE_BUDGET, f"{url} weighs {total} bytes compressed"


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_no_javascript(client: Client, countries: LoadReport, url: str) -> None:
    html = client.get(url).content.decode()
    shown = read(html)
    assert shown.scripts_inline == 0 and shown.hx_attributes == 0


def test_the_filter_is_a_plain_get_form_with_a_submit_button(
    client: Client, countries: LoadReport
) -> None:
    html = client.get("/en/access/").content.decode()
    form = html.split('<form class="filters"')[1].split("</form>")[0]
    assert 'method="get"' in form and 'action="/en/access/"' in form
    assert 'name="q"' in form and 'name="route"' in form and '<button type="submit">' in form


def summary_of(html: str) -> str:
    section = html.split('<section class="acc-summary"')[1].split("</section>")[0]
    return " ".join(section.split())


def test_each_country_page_opens_with_a_plain_answer(client: Client, countries: LoadReport) -> None:
    """Can a patient get it, how, how long and whom to ask, before the details (issue 18)."""
    za = summary_of(page(client, "za"))
    assert "Yes, with a special permission for each patient" in za
    assert "Section 21 authorisation for a named patient</a>: started by the treating doctor" in za
    assert "SAHPRA states 3 working days" in za
    assert "South African Health Products Regulatory Authority" in za
    # Each figure in the summary cites the page's list of sources by number.
    cited = re.findall(r'href="#(source-\d+)"', za)
    listed = read(page(client, "za")).listed
    assert cited and all(f"#{anchor}" in listed for anchor in cited)

    burundi = summary_of(page(client, "bi"))
    assert "no legal way to get an unregistered medicine was found" in burundi
    assert "How long" not in burundi and "To be confirmed with the regulator:" in burundi

    kenya = summary_of(page(client, "ke"))
    assert "Not found in the sources we read" in kenya  # Kenya's turnaround is not published


def test_a_page_lists_each_source_once(client: Client, countries: LoadReport) -> None:
    html = page(client, "za")
    listed = html.split('id="sources"')[1]
    urls = re.findall(r'<li id="source-\d+" value="\d+"><a href="([^"]+)"', listed)
    assert len(urls) == len(set(urls)) >= 25
    facts = html.split('id="sources"')[0]
    assert not any(f'href="{url}"' in facts for url in urls if "sahpra.org.za" not in url), (
        "a source's address is repeated above its list"
    )
