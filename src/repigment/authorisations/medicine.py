"""Section D for ruxolitinib cream: what is known about the medicine, each with its source.

Only facts ACCESS.md confirms are filled in; the makers' details it could not confirm (API and
finished-product manufacturer, GMP evidence) are left for the prescriber or the importer to
complete from the package and the supplier's documents.
"""

from __future__ import annotations

from typing import Any

from repigment.treatment.models import Product

#: The foreign registrations named in the Section 21 checklist (ACCESS.md §1.3, §3).
FOREIGN_REGISTRATIONS: tuple[dict[str, str], ...] = (
    {
        "regulator": "US Food and Drug Administration",
        "number": "NDA 215309",
        "holder": "Incyte Corporation",
        "source": "https://api.fda.gov/drug/drugsfda.json?search=application_number%3ANDA215309",
    },
    {
        "regulator": "European Commission (EMA)",
        "number": "EU/1/23/1726/001",
        "holder": "",
        "source": "https://build.fhir.org/ig/joofio/test-epi-composition/"
        "Bundle-bundlepackageleaflet-en-5f2f3f0c1c43271a861dd5210ff699a4.html",
    },
)

RUXOLITINIB_CREAM: dict[str, Any] = {
    "name": "Opzelura (ruxolitinib) cream",
    "active_ingredient": "ruxolitinib (as ruxolitinib phosphate)",
    "strength": "15 mg/g (1.5 %)",
    "dosage_form": "cream, for use on the skin",
    "marketing_authorisation_holder": "Incyte Corporation (United States)",
    "finished_product_manufacturer": "",
    "api_manufacturer": "",
    "registrations": [dict(r) for r in FOREIGN_REGISTRATIONS],
    "source": "https://api.fda.gov/drug/ndc.json?search=product_ndc%3A%2250881-007%22",
}

#: Section D fields the prescriber (or importer) may complete on a new application.
EDITABLE = ("finished_product_manufacturer", "api_manufacturer")


def medicine_for(product: Product) -> dict[str, Any]:
    """Section D pre-filled for ``product``: the cream's sourced details, else its own name."""
    if product.subject_to_ruxolitinib_label:
        return {**RUXOLITINIB_CREAM, "registrations": [dict(r) for r in FOREIGN_REGISTRATIONS]}
    return {
        "name": product.name,
        "active_ingredient": "",
        "strength": product.strength,
        "dosage_form": product.get_form_display(),
        "marketing_authorisation_holder": "",
        "finished_product_manufacturer": "",
        "api_manufacturer": "",
        "registrations": [],
        "source": "",
    }
