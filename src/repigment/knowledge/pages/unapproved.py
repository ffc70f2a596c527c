"""Compounded and generic products: why they are not the approved cream, and how a batch's
quality is judged (certificate of analysis, licensed maker, stability, WHO's definitions)."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from repigment.knowledge.content import Number, Section, fact

EU_PROTECTION_YEARS_FROM = 10
EU_PROTECTION_YEARS_TO = 11
ZA_COMPOUNDING_MAX_DAYS = 30

SOURCES: Mapping[str, tuple[str, ...]] = {
    "EU_PROTECTION_YEARS_FROM": ("ema-generic-medicines",),
    "EU_PROTECTION_YEARS_TO": ("ema-generic-medicines",),
    "ZA_COMPOUNDING_MAX_DAYS": ("za-compounding-regulation",),
}

UNREGISTERED = fact(
    "unapproved.unregistered",
    _(
        "The World Health Organization calls a medical product unregistered or unlicensed when "
        "the regulator of the country where it is sold or used has not evaluated or approved it."
    ),
    ["who-sf-definitions"],
)
SUBSTANDARD_FALSIFIED = fact(
    "unapproved.substandard_falsified",
    _(
        "It calls an authorised product substandard when it fails its quality standards or its "
        "specifications, and a product falsified when it deliberately misrepresents what it is, "
        "what it contains or where it comes from."
    ),
    ["who-sf-definitions"],
)
COMPOUNDED = fact(
    "unapproved.compounded",
    _(
        "A compounded cream is mixed by a pharmacy rather than made by the licensed maker of an "
        "approved medicine. The United States regulator, the FDA, stresses that compounded "
        "medicines are not approved: nobody checks their safety, effectiveness or quality before "
        "they are sold."
    ),
    ["fda-compounding-risks"],
)
COMPOUNDED_RISK = fact(
    "unapproved.compounded_risk",
    _(
        "The FDA warns that a badly compounded medicine can be contaminated or hold too much or "
        "too little of its active substance, which can cause serious harm, and that some "
        "compounders have wrongly presented their products as safe and effective."
    ),
    ["fda-compounding-risks", "fda-compounding-consumers"],
)
ZA_COMPOUNDING = fact(
    "unapproved.za_compounding",
    _(
        "In South Africa, a pharmacist who compounds a medicine for sale may make only enough for "
        "one person's treatment for up to %(days)s days, must label it with the dates it was "
        "made and sold and how soon to use it, and may not advertise it."
    ),
    ["za-compounding-regulation"],
    days=Number(ZA_COMPOUNDING_MAX_DAYS),
)
GENERIC = fact(
    "unapproved.generic",
    _(
        "A real generic is itself an approved medicine. In the European Union it has the same "
        "active substance, used at the same dose for the same disease, as the original; its "
        "maker must prove its quality and that it gives the same levels of the substance in the "
        "body before it is authorised. A copy sold without that authorisation is not a generic "
        "in this sense."
    ),
    ["ema-generic-medicines"],
)
GENERIC_TIMING = fact(
    "unapproved.generic_timing",
    _(
        "In the European Union a generic can only be marketed once the original's protection has "
        "ended, usually %(from)s or %(to)s years after the original was first authorised."
    ),
    ["ema-generic-medicines"],
    **{"from": Number(EU_PROTECTION_YEARS_FROM), "to": Number(EU_PROTECTION_YEARS_TO)},
)
CERTIFICATE = fact(
    "unapproved.certificate",
    _(
        "Each batch should come with a certificate of analysis: it names the product and the "
        "batch, gives the expiry date, lists every test with its result and its accepted limits, "
        "and concludes whether the batch meets its specification."
    ),
    ["who-coa-model-2002", "who-coa-model-copy"],
)
CERTIFICATE_TRUST = fact(
    "unapproved.certificate_trust",
    _(
        "WHO's model certificate asks that a certificate be an original issued by the supplier, "
        "or otherwise shown to be authentic, and treats the test of the substance's identity as "
        "the minimum a receiver should always be able to rely on."
    ),
    ["who-coa-model-2002"],
)
MAKER = fact(
    "unapproved.maker",
    _(
        "In the European Union only a company holding a manufacturing authorisation from its "
        "national regulator may make a medicine, and to hold one it must follow good "
        "manufacturing practice (GMP)."
    ),
    ["eu-manufacturing-authorisation"],
)
STABILITY = fact(
    "unapproved.stability",
    _(
        "Stability testing shows how a product's quality changes over time under heat, humidity "
        "and light; its results set the product's shelf life and how it must be stored."
    ),
    ["who-stability-2009"],
)
REPORT = fact(
    "unapproved.report",
    _(
        "If a compounded or copied product looks wrong or causes a side effect, report it: the "
        "FDA asks patients and health workers to report problems with compounded medicines, and "
        "in South Africa suspect products are reported to SAHPRA."
    ),
    ["fda-compounding-consumers", "sahpra-illegal-medicines"],
)

SECTIONS = (
    Section(
        "not-the-medicine",
        _("Why they are not the approved cream"),
        (COMPOUNDED, COMPOUNDED_RISK, ZA_COMPOUNDING, GENERIC, GENERIC_TIMING),
    ),
    Section(
        "quality",
        _("How the quality of a batch is judged"),
        (CERTIFICATE, CERTIFICATE_TRUST, MAKER, STABILITY),
    ),
    Section(
        "words",
        _("Substandard, falsified, unregistered"),
        (UNREGISTERED, SUBSTANDARD_FALSIFIED, REPORT),
    ),
)
