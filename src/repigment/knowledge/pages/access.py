"""Access: the legal route, how to recognise a legitimate supplier, and where to report."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from repigment.knowledge.content import Day, Literal, Money, Number, Section, fact

SECTION_21 = 21
SECTION_14 = 14
S21_FEE_RAND = Decimal(400)
S21_FEE_FROM = date(2025, 2, 13)
S21_TURNAROUND_WORKING_DAYS = 3
S21_SUPPLY_MONTHS = 6
SAHPRA_WHISTLEBLOWER_LINE = "0800 204 307"
ITALY_TUBE_GRAMS = 100
ITALY_RETAIL_EUR = Decimal("1237.80")
ITALY_EX_FACTORY_EUR = Decimal(750)

SOURCES: Mapping[str, tuple[str, ...]] = {
    "SECTION_21": ("sahpra-unregistered-products",),
    "SECTION_14": ("sahpra-illegal-medicines",),
    "S21_FEE_RAND": ("sahpra-s21-faq",),
    "S21_FEE_FROM": ("sahpra-s21-faq",),
    "S21_TURNAROUND_WORKING_DAYS": ("sahpra-s21-faq",),
    "S21_SUPPLY_MONTHS": ("sahpra-faqs",),
    "SAHPRA_WHISTLEBLOWER_LINE": ("sahpra-illegal-medicines", "ewn-sahpra-2025"),
    "ITALY_TUBE_GRAMS": ("incyteful-it-price",),
    "ITALY_RETAIL_EUR": ("incyteful-it-price",),
    "ITALY_EX_FACTORY_EUR": ("incyteful-it-price",),
}

S21 = fact(
    "access.s21",
    _(
        "In South Africa, the regulator SAHPRA can give written permission under Section "
        "%(section)s of the Medicines Act for a stated quantity of an unregistered medicine to "
        "be sold for a named patient during a stated period."
    ),
    ["sahpra-unregistered-products"],
    section=Number(SECTION_21),
)
APPLICANT = fact(
    "access.applicant",
    _(
        "The treating doctor applies, because the doctor is the one who decides that the "
        "unregistered medicine is needed."
    ),
    ["sahpra-unregistered-products"],
)
FEE = fact(
    "access.fee",
    _(
        "The SAHPRA fee is %(fee)s per application (from %(date)s). SAHPRA says it decides "
        "within %(days)s working days, or longer if it has questions."
    ),
    ["sahpra-s21-faq"],
    fee=Money(S21_FEE_RAND, "ZAR"),
    date=Day(S21_FEE_FROM),
    days=Number(S21_TURNAROUND_WORKING_DAYS),
)
SUPPLY = fact(
    "access.supply",
    _(
        "An authorisation covers up to %(months)s months of supply; to go on, the doctor "
        "applies for a re-authorisation."
    ),
    ["sahpra-faqs", "sahpra-portal-reauthorisation"],
    months=Number(S21_SUPPLY_MONTHS),
)
IMPORTER = fact(
    "access.importer",
    _(
        "Only a company licensed by SAHPRA may import medicines. The application names the "
        "licensed importer and its SAHPRA licence number."
    ),
    ["news24-import-2022", "sahpra-portal-s21"],
)
LICENSED_PHARMACY = fact(
    "access.licensed_pharmacy",
    _(
        "SAHPRA has warned many times against unregistered or falsified medicines sold online, "
        "some shipped from abroad while claiming to be in local stock, and advises buying "
        "medicines only from licensed pharmacies."
    ),
    ["ewn-sahpra-2024", "sahpra-illegal-medicines"],
)
ILLEGAL_SALE = fact(
    "access.illegal_sale",
    _(
        "Selling a medicine that must be registered but is not is against the law (section "
        "%(section)s of the Act), and importing one needs SAHPRA's specific permission."
    ),
    ["sahpra-illegal-medicines"],
    section=Number(SECTION_14),
)
PACK_CODE = fact(
    "access.pack_code",
    _(
        "Packs made for regulated markets carry a square barcode (a GS1 DataMatrix) that holds "
        "the product number (GTIN), the expiry date, the batch and a serial number unique to "
        "that pack."
    ),
    ["pharmaledger-gs1-barcodes", "eu-fmd-2016-161", "pdsa-dscsa"],
)
PACK_SEAL = fact(
    "access.pack_seal",
    _(
        "Packs for the European Union must also carry a seal that shows whether the pack has "
        "been opened (an anti-tampering device)."
    ),
    ["eu-fmd-2016-161"],
)
PRICE = fact(
    "access.price",
    _(
        "For comparison, in Italy a %(grams)s g tube is listed at %(retail)s including VAT "
        "(ex-factory price %(factory)s)."
    ),
    ["incyteful-it-price"],
    grams=Number(ITALY_TUBE_GRAMS),
    retail=Money(ITALY_RETAIL_EUR, "EUR"),
    factory=Money(ITALY_EX_FACTORY_EUR, "EUR"),
)
FALSIFIED = fact(
    "access.falsified",
    _(
        "The World Health Organization calls a product falsified when it deliberately "
        "misrepresents what it is, what it contains or where it comes from, and substandard "
        "when an authorised product fails its quality standards."
    ),
    ["who-gsms-2017"],
)
WHISTLEBLOWER = fact(
    "access.whistleblower",
    _(
        "In South Africa, report illegal or suspicious sellers of medicines to SAHPRA's "
        "whistle-blower line, open day and night, on %(phone)s, or through its website."
    ),
    ["sahpra-illegal-medicines", "ewn-sahpra-2025"],
    phone=Literal(SAHPRA_WHISTLEBLOWER_LINE),
)
WHO_ALERTS = fact(
    "access.who_alerts",
    _(
        "National medicines regulators pass reports of suspect products to the World Health "
        "Organization's global surveillance system, which can warn other countries."
    ),
    ["who-gsms-2017"],
)

SECTIONS = (
    Section(
        "south-africa",
        _("The legal route in South Africa"),
        (S21, APPLICANT, FEE, SUPPLY, IMPORTER),
    ),
    Section(
        "supplier",
        _("Recognising a legitimate supplier"),
        (LICENSED_PHARMACY, ILLEGAL_SALE, PACK_CODE, PACK_SEAL, PRICE, FALSIFIED),
    ),
    Section("report", _("Reporting a suspect seller or product"), (WHISTLEBLOWER, WHO_ALERTS)),
)
