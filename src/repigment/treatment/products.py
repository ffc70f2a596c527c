"""The products the list starts with: ruxolitinib 1.5 % cream, its facts with their sources,
and two comparators (so the registry can describe real practice). Site administrators add
more in the admin. The data migration and the demo both call :func:`ensure_starting_products`.
"""

from __future__ import annotations

from typing import Any

RUXOLITINIB_FACTS = [
    (
        "EU indication: non-segmental vitiligo with facial involvement, in adults and "
        "adolescents aged 12 or older.",
        "rxreasoner-eu-smpc",
    ),
    ("US indication: non-segmental vitiligo, aged 12 or older.", "opzelurahcp-vitiligo-facts"),
    (
        "A thin layer twice daily to the depigmented skin, at least 8 hours apart, up to 10 % "
        "of body surface area (about 10 palms with fingers).",
        "rxreasoner-eu-smpc",
    ),
    ("EU: no more than two 100 g tubes per month.", "rxreasoner-eu-smpc"),
    (
        "US: no more than one 60 g tube per week or one 100 g tube per 2 weeks (label "
        "wording retrieved from the atopic dermatitis dosing section).",
        "prescriberpoint-us-label",
    ),
    ("Tubes of 60 g and 100 g.", "fda-ndc-50881-007"),
    (
        "US boxed warning: serious infections, mortality, malignancy, major adverse "
        "cardiovascular events and thrombosis (mainly from oral JAK inhibitors).",
        "prescriberpoint-us-label",
    ),
    (
        "Wait at least 2 hours before putting other products, sunscreen or emollients on the "
        "same skin; not on the lips, in the eyes, mouth or vagina.",
        "emc-uk-pil",
    ),
]

PRODUCTS = [
    ("Ruxolitinib cream (Opzelura)", "cream", "1.5 %", True),
    ("Tacrolimus ointment", "ointment", "", False),
    ("NB-UVB phototherapy", "phototherapy", "", False),
]


def ensure_starting_products(product_model: Any, fact_model: Any) -> None:
    """Create the starting products that are missing (models passed in, for migrations)."""
    for name, form, strength, labelled in PRODUCTS:
        product, created = product_model.objects.get_or_create(
            name=name,
            defaults={"form": form, "strength": strength, "subject_to_ruxolitinib_label": labelled},
        )
        if created and labelled:
            for position, (text, reference) in enumerate(RUXOLITINIB_FACTS):
                fact_model.objects.create(
                    product=product, text=text, reference_id=reference, position=position
                )
