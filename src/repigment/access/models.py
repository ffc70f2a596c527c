"""Countries, their legal routes to an unregistered medicine, and the sourced facts about them.

Everything a visitor is shown as a regulatory fact is a ``Fact`` or a ``ChecklistItem``: it
cites at least one ``Source`` and records the day its sources were actually read and who read
them (or that this was not recorded, which makes it due for re-checking). A fact that is not
confirmed is shown as "to be confirmed with the regulator", never as fact. Structured values
(a fee and its currency, a turnaround, a validity) live on the fact that states them, so a
figure cannot drift away from its source.

For authorisation applications: an application chooses one of its country's ``routes``; its
documents point at that route's ``checklist`` items (kept by the loader under a stable
``code``, and never deleted while referenced); ``route.applicant`` says who starts it, and
``route.fee()`` / ``route.validity()`` give the confirmed figures with their units.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.clinical.provenance import Read


class Quality(models.TextChoices):
    """How much weight a source carries (ACCESS.md's key)."""

    PRIMARY = "primary", _("primary source")  # regulator, legislation, government, WHO
    SECONDARY = "secondary", _("secondary source")  # law firm, consultancy, news, study report
    WEAK = "weak", _("weak source")  # vendor guide, copy site, document-sharing site, Q&A


class Source(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500)
    quality = models.CharField(_("quality"), max_length=10, choices=Quality.choices)

    class Meta:
        ordering = ["key"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class Region(models.TextChoices):
    """The UN M49 sub-regions of Africa."""

    NORTHERN = "northern", _("Northern Africa")
    WESTERN = "western", _("Western Africa")
    MIDDLE = "middle", _("Middle Africa")
    EASTERN = "eastern", _("Eastern Africa")
    SOUTHERN = "southern", _("Southern Africa")


class Registration(models.TextChoices):
    """Whether ruxolitinib cream is registered in the country."""

    YES = "yes", _("registered")
    NO = "no", _("not registered")
    UNKNOWN = "unknown", _("not known")


class Status(models.TextChoices):
    """How far a country has been researched; the loader holds it to the country's facts."""

    NOT_RESEARCHED = "not_researched", _("not yet researched")
    NO_ROUTE_FOUND = "no_route_found", _("researched, no route found")
    ROUTE_FOUND = "route_found", _("researched, route found")


class CountryQuerySet(models.QuerySet["Country"]):
    def researched(self) -> CountryQuerySet:
        """Countries researched, whether or not a route was found."""
        return self.exclude(status=Status.NOT_RESEARCHED)


class Country(models.Model):
    code = models.CharField(
        _("ISO 3166 alpha-2 code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. ZA."))],
    )
    name = models.CharField(_("name"), max_length=100)
    other_names = models.CharField(
        _("other names"), max_length=200, blank=True, help_text=_("Separated by semicolons.")
    )
    region = models.CharField(_("region"), max_length=10, choices=Region.choices)
    regulator_name = models.CharField(
        _("regulator"),
        max_length=200,
        blank=True,
        help_text=_("Only with a 'regulator' fact that cites a source."),
    )
    regulator_url = models.URLField(_("regulator's website"), blank=True)
    status = models.CharField(
        _("research status"),
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_RESEARCHED,
        help_text=_("Kept by the data files; 'researched' only with a sourced regulator."),
    )
    registration = models.CharField(
        _("ruxolitinib cream registered"),
        max_length=10,
        choices=Registration.choices,
        default=Registration.UNKNOWN,
        help_text=_("'registered' or 'not registered' only with a 'registration' fact."),
    )

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        """The lower-case code used in page addresses."""
        return self.code.lower()

    def get_absolute_url(self) -> str:
        return reverse("access:country_detail", kwargs={"code": self.slug})

    def names(self) -> list[str]:
        return [self.name, *(n.strip() for n in self.other_names.split(";") if n.strip())]

    @property
    def researched(self) -> bool:
        return self.status != Status.NOT_RESEARCHED


class RouteKind(models.TextChoices):
    NAMED_PATIENT = "named_patient", _("Named-patient authorisation")
    SPECIAL_IMPORT = "special_import", _("Special import permit")
    PERSONAL_IMPORT = "personal_import", _("Personal import")
    SUPPLY_SCHEME = "supply_scheme", _("Special supply scheme")


class Applicant(models.TextChoices):
    """Who starts an application on the route (backed by a confirmed 'who applies' fact)."""

    PRESCRIBER = "prescriber", _("the treating doctor")
    PHARMACY = "pharmacy", _("a licensed pharmacy")
    IMPORTER = "importer", _("a licensed importer")
    INSTITUTION = "institution", _("a hospital or other institution")
    PATIENT = "patient", _("the patient")
    SEVERAL = "several", _("several kinds of applicant")
    NOT_KNOWN = "not_known", _("not known")


class AccessRoute(models.Model):
    """A named-patient or special-import mechanism of one country."""

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="routes")
    slug = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=RouteKind.choices)
    applicant = models.CharField(
        _("who applies"), max_length=20, choices=Applicant.choices, default=Applicant.NOT_KNOWN
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("access route")
        verbose_name_plural = _("access routes")
        constraints = [
            models.UniqueConstraint(fields=["country", "slug"], name="access_route_unique_slug")
        ]

    def __str__(self) -> str:
        return f"{self.country.code}: {self.name}"

    def stated_value(self, topic: str) -> Fact | None:
        """The first confirmed fact of ``topic`` that carries a figure (uses prefetched facts)."""
        for fact in self.facts.all():
            if fact.topic == topic and fact.confirmed and fact.amount is not None:
                return fact
        return None

    def fee(self) -> Fact | None:
        return self.stated_value(Topic.FEE)

    def turnaround(self) -> Fact | None:
        return self.stated_value(Topic.TURNAROUND)

    def validity(self) -> Fact | None:
        return self.stated_value(Topic.VALIDITY)


class Topic(models.TextChoices):
    # About a country (or, for some, about every country).
    REGULATOR = "regulator", _("Who regulates medicines")
    REGISTRATION = "registration", _("Is it registered?")
    RULE = "rule", _("The general rule")
    PRICE = "price", _("The price of the cream")
    SUPPLIER_CHECK = "supplier_check", _("Checking the supplier")
    FALSIFIED_REPORTING = "falsified_reporting", _("Reporting a suspected falsified medicine")
    SAFETY_REPORTING = "safety_reporting", _("Reporting side effects")
    SPECIAL_ACCESS = "special_access", _("Access to an unregistered medicine")
    # About a route.
    LEGAL_BASIS = "legal_basis", _("The legal basis")
    ELIGIBILITY = "eligibility", _("When it can be used")
    WHO_APPLIES = "who_applies", _("Who starts it")
    HOW_TO_APPLY = "how_to_apply", _("How to apply")
    FEE = "fee", _("What it costs")
    TURNAROUND = "turnaround", _("How long it takes")
    VALIDITY = "validity", _("How long it lasts")
    RENEWAL = "renewal", _("Renewing it")
    DUTIES = "duties", _("After approval")
    # Anywhere.
    NOTE = "note", _("Other notes")


COUNTRY_TOPICS = frozenset(
    {
        Topic.REGULATOR,
        Topic.REGISTRATION,
        Topic.RULE,
        Topic.PRICE,
        Topic.SUPPLIER_CHECK,
        Topic.FALSIFIED_REPORTING,
        Topic.SAFETY_REPORTING,
        Topic.SPECIAL_ACCESS,
        Topic.NOTE,
    }
)
ROUTE_TOPICS = frozenset(
    {
        Topic.LEGAL_BASIS,
        Topic.ELIGIBILITY,
        Topic.WHO_APPLIES,
        Topic.HOW_TO_APPLY,
        Topic.FEE,
        Topic.TURNAROUND,
        Topic.VALIDITY,
        Topic.RENEWAL,
        Topic.DUTIES,
        Topic.PRICE,
        Topic.NOTE,
    }
)
GENERAL_TOPICS = frozenset(
    {Topic.REGISTRATION, Topic.PRICE, Topic.FALSIFIED_REPORTING, Topic.SAFETY_REPORTING, Topic.NOTE}
)
#: Topics whose figure is money: the unit is an ISO 4217 currency code.
MONEY_TOPICS = frozenset({Topic.FEE, Topic.PRICE})
#: Topics whose facts may carry a duration, and the units allowed.
DURATION_UNITS = {
    Topic.TURNAROUND: frozenset({"hours", "days", "working_days", "weeks"}),
    Topic.VALIDITY: frozenset({"days", "weeks", "months"}),
}


def unit_problem(topic: str, amount: Decimal | None, unit: str) -> str | None:
    """Why ``amount``/``unit`` do not fit a fact of ``topic``, or None when they do."""
    if amount is None:
        return "a unit without an amount" if unit else None
    if amount < 0:
        return "a negative amount"
    if topic in MONEY_TOPICS:
        if len(unit) == 3 and unit.isalpha() and unit.isupper():
            return None
        return f"a {topic} needs a three-letter currency code (e.g. ZAR)"
    allowed = DURATION_UNITS.get(topic)  # type: ignore[call-overload]
    if allowed is None:
        return f"a '{topic}' fact cannot carry an amount"
    return None if unit in allowed else f"the unit must be one of {', '.join(sorted(allowed))}"


def pack_problem(topic: str, amount: Decimal | None, pack_grams: Decimal | None) -> str | None:
    """Why a pack size does not fit here: only a price with an amount names its pack."""
    if pack_grams is None:
        return None
    if topic != Topic.PRICE or amount is None:
        return "a pack size belongs only to a price with an amount"
    return None if pack_grams > 0 else "a pack size must be more than 0 g"


class Sourced(models.Model):
    """Something shown as fact: it cites sources and says when they were read, and by whom."""

    confirmed = models.BooleanField(
        _("confirmed"),
        default=False,
        help_text=_("Unconfirmed items are shown as 'to be confirmed with the regulator'."),
    )
    read_on = models.DateField(
        _("sourced on"),
        null=True,
        blank=True,
        help_text=_("The day its sources were read; empty when that was not recorded."),
    )
    read_by = models.CharField(
        _("read by"), max_length=200, help_text=_("Who read the sources, and how.")
    )
    sources = models.ManyToManyField(Source, related_name="%(class)ss", verbose_name=_("sources"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    #: Set on a country's page: the numbers of its sources in the page's list (not stored).
    citation: object = None

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    @property
    def read(self) -> Read:
        return Read(self.read_on, self.read_by)

    @property
    def due_for_recheck(self) -> bool:
        return self.read.due(timezone.localdate())


class Fact(Sourced):
    """One statement about a country, a route, or (with neither) about every country."""

    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    route = models.ForeignKey(
        AccessRoute, on_delete=models.CASCADE, null=True, blank=True, related_name="facts"
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text = models.TextField(_("text (English)"))
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("unit"),
        max_length=12,
        blank=True,
        help_text=_(
            "A currency code for a fee or a price; hours, days, working_days, weeks or months."
        ),
    )
    pack_grams = models.DecimalField(
        _("pack size (grams)"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("For a price: the grams of cream in the pack the amount buys."),
    )

    class Meta(Sourced.Meta):
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        constraints = [
            models.CheckConstraint(
                condition=Q(country__isnull=True) | Q(route__isnull=True),
                name="access_fact_country_or_route",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, unit="") | Q(amount__isnull=False) & ~Q(unit=""),
                name="access_fact_amount_with_unit",
            ),
            models.CheckConstraint(
                condition=Q(pack_grams__isnull=True) | Q(topic="price", amount__isnull=False),
                name="access_fact_pack_only_on_a_price",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def level(self) -> str:
        return "route" if self.route_id else "country" if self.country_id else "general"

    def clean(self) -> None:
        allowed = {"route": ROUTE_TOPICS, "country": COUNTRY_TOPICS, "general": GENERAL_TOPICS}
        errors: dict[str, str] = {}
        if self.country_id and self.route_id:
            errors["route"] = str(_("A fact belongs to a country or to a route, not both."))
        elif self.topic not in allowed[self.level]:
            errors["topic"] = str(_("This topic does not fit a fact at this level."))
        problem = unit_problem(self.topic, self.amount, self.unit)
        if problem:
            errors["unit"] = problem
        pack = pack_problem(self.topic, self.amount, self.pack_grams)
        if pack:
            errors["pack_grams"] = pack
        if errors:
            raise ValidationError(errors)


class ChecklistItem(Sourced):
    """A document an application on this route needs; applications will point at these."""

    route = models.ForeignKey(AccessRoute, on_delete=models.CASCADE, related_name="checklist")
    code = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("document (English)"), max_length=400)
    required = models.BooleanField(_("required"), default=True)

    class Meta(Sourced.Meta):
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["route", "code"], name="access_checklist_unique_code")
        ]

    def __str__(self) -> str:
        return self.label[:80]


class DataLoad(models.Model):
    """One application of the country data files; the loader skips content already loaded."""

    digest = models.CharField(_("SHA-256 of the data files"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        ordering = ["-loaded_at", "-pk"]
        get_latest_by = "loaded_at"
        verbose_name = _("data load")
        verbose_name_plural = _("data loads")

    def __str__(self) -> str:
        return f"data {self.digest[:12]}"
