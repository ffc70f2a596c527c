"""The sources behind every clinical constant, rule and trial figure.

Each entry comes from a fact in the team's CLINICAL.md (or, for regulators and supply,
ACCESS.md) that is not marked UNCONFIRMED.
Titles describe what the page is; ``citation`` is the short label to show beside a figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from repigment.clinical.provenance import Read


class Quality(StrEnum):
    """How much weight a source carries (CLINICAL.md's source-quality key)."""

    PRIMARY = "primary"  # label, SmPC, registry, peer-reviewed abstract
    SECONDARY = "secondary"  # news or congress report
    PROMOTIONAL = "promotional"  # manufacturer or promotional material
    WEAK = "weak"  # code repository or content aggregator


@dataclass(frozen=True)
class Reference:
    """A source, and the recorded reading of it (the day and who; never the day of a build)."""

    id: str
    title: str
    url: str
    quality: Quality
    read: Read
    citation: str


def _ref(
    ref_id: str, citation: str, title: str, url: str, quality: Quality, read: Read
) -> Reference:
    return Reference(ref_id, title, url, quality, read, citation)


# Who read a source, and when. The research notes did not record either, so their readings stay
# "not recorded" (due for re-checking) until someone reads the source again and says so here.
_NOTES = Read(None, "research notes (CLINICAL.md, ACCESS.md): reader and day not recorded")
# Sources read again while researching the country data: the search tool's stored copy of the page.
_STORED_2026_12_04 = Read(
    date(2026, 12, 4), "countries engineer (Repigment), stored copy read through the search tool"
)
# Sources read for the label rules of issue 16 (occlusion, co-application, contraindications,
# tuberculosis and skin examinations): the search tool's stored copy of the page.
_LABEL_RULES_2026_12_04 = Read(
    date(2026, 12, 4), "label-rules engineer (Repigment), stored copy read through the search tool"
)
# Sources read for the page on compounded and generic products (issue 17): the search tool's
# stored copy of the page.
_UNAPPROVED_2026_12_04 = Read(
    date(2026, 12, 4),
    "unapproved-products engineer (Repigment), stored copy read through the search tool",
)
# The primary TRuE-V publication: cited where its trials' figures are used, but its full text was
# not retrieved (the figures come from reports quoting it), so its reading stays not recorded.
_NEJM_NOT_READ = Read(
    None, "label-rules engineer (Repigment): cited from CLINICAL.md; the article not yet read"
)
# The week-24 trial figures, checked against a medical-news report of the NEJM article (issue 18:
# patient-facing figures cite the primary publication, not financial news).
_TRIAL_FIGURES_2026_12_04 = Read(
    date(2026, 12, 4), "lead engineer (Repigment), stored copy read through the search tool"
)
# The ATC codes of the medicine vocabulary: not yet read at the WHO index itself.
_ATC_NOT_READ = Read(
    None,
    "label-rules engineer (Repigment): codes cross-checked against public ATC lists; the WHO "
    "index itself not yet read",
)

# The body-surface chart behind the plausibility of a region's % (issue 18): the age columns, and
# the chart's agreement with measured children, read in stored copies; the 1944 article itself
# was not read.
_BODY_CHART_2026_12_04 = Read(
    date(2026, 12, 4), "forms engineer (Repigment), stored copy read through the search tool"
)


_P, _S, _PR, _W = Quality.PRIMARY, Quality.SECONDARY, Quality.PROMOTIONAL, Quality.WEAK

_ALL = (
    # --- TRuE-V1 / TRuE-V2 and their follow-up -------------------------------------------
    _ref(
        "rosmarin-nejm-2022",
        "Rosmarin et al., N Engl J Med 2022",
        "Rosmarin D, et al. Two phase 3, randomized, controlled trials of ruxolitinib cream for "
        "vitiligo. N Engl J Med 2022;387:1445-55 (doi:10.1056/NEJMoa2118828, PMID 36260792): "
        "the primary TRuE-V publication; the figures shown are from reports that quote it",
        "https://doi.org/10.1056/NEJMoa2118828",
        _P,
        _NEJM_NOT_READ,
    ),
    _ref(
        "physiciansweekly-nejm-2022",
        "Physician's Weekly (HealthDay story on the NEJM article), 2022",
        "Ruxolitinib cream results in greater repigmentation in vitiligo: a medical-news report "
        "of Rosmarin et al., N Engl J Med 2022 (week-24 F-VASI75: 29.8% vs 7.4% in TRuE-V1, "
        "30.9% vs 11.4% in TRuE-V2)",
        "https://www.physiciansweekly.com/ruxolitinib-cream-results-in-greater-repigmentation-in-"
        "vitiligo-2/",
        _S,
        _TRIAL_FIGURES_2026_12_04,
    ),
    _ref(
        "tipranks-mhra-2023",
        "TipRanks/The Fly 2023",
        "Incyte UK announces MHRA authorisation of Opzelura cream (quotes TRuE-V1/V2 week-24 "
        "F-VASI75: 29.8% vs 7.4% and 30.9% vs 11.4%)",
        "https://www.tipranks.com/news/the-fly/"
        "incyte-uk-announces-that-mhra-granted-authorization-for-opzelura-cream",
        _S,
        _NOTES,
    ),
    _ref(
        "springer-2023-ruxolitinib",
        "Springer Medizin 2023",
        "Report on ruxolitinib cream for vitiligo (TRuE-V1/V2 week-24 F-VASI75 29.8% / 30.9%)",
        "https://link.springer.com/article/10.1007/s12634-023-2369-3",
        _S,
        _NOTES,
    ),
    _ref(
        "mdedge-eadv-2021",
        "MDedge, EADV 2021",
        "EADV 2021 congress report of TRuE-V1 and TRuE-V2 (week-24 F-VASI50/75/90)",
        "https://mdedge9-ma1.mdedge.com/node/247032/path_term/51947",
        _S,
        _NOTES,
    ),
    _ref(
        "physiciansweekly-fda-approval-2022",
        "Physician's Weekly (HealthDay story), 20 Jul 2022",
        "First topical vitiligo treatment approved (FDA approval of ruxolitinib cream; dose up "
        "to 10% BSA twice daily; F-VASI75 definition; about half F-VASI75 at week 52)",
        "https://www.physiciansweekly.com/first-topical-vitiligo-treatment-approved",
        _S,
        _NOTES,
    ),
    _ref(
        "dermavidya-eadv-2023-acne",
        "EADV 2023 acne report",
        "Treatment-related acne after ruxolitinib application for vitiligo occurred in patients "
        "without history of acne (EADV 2023)",
        "https://test.fw.dermavidya.com/view/treatment-related-acne-after-ruxolitinib-"
        "application-for-vitiligo-occurred-in-patients-without-history-of-acne",
        _S,
        _NOTES,
    ),
    _ref(
        "euctr-2019-000846-37",
        "EU CTR 2019-000846-37",
        "EU Clinical Trials Register, EudraCT 2019-000846-37 (one of the TRuE-V trials)",
        "https://www.clinicaltrialsregister.eu/ctr-search/trial/2019-000846-37/FR",
        _P,
        _NOTES,
    ),
    _ref(
        "nhs-phase2-2020",
        "Rosmarin, Lancet 2020 (NHS summary)",
        "Ruxolitinib cream for treatment of vitiligo: a randomised controlled phase 2 trial "
        "(Rosmarin et al., Lancet 2020;396:110-120)",
        "https://www.medicinesresources.nhs.uk/"
        "ruxolitinib-cream-for-treatment-of-vitiligo-a-randomised-controlled-phase-2-trial.html",
        _S,
        _NOTES,
    ),
    _ref(
        "seekingalpha-phase2-week52-2019",
        "Seeking Alpha, Oct 2019",
        "Incyte's ruxolitinib cream shows sustained benefit in mid-stage vitiligo study "
        "(phase 2, week 52)",
        "https://seekingalpha.com/news/"
        "3505428-incytes-ruxolitinib-cream-shows-sustained-benefit-mid-stage-vitiligo-study",
        _S,
        _NOTES,
    ),
    _ref(
        "businesswire-phase2-week52-2019",
        "Incyte press release, 11 Oct 2019",
        "Incyte announces positive 52-week results from a randomized phase 2 study of "
        "ruxolitinib cream in patients with vitiligo",
        "https://businesswire.com/news/home/20191011005588/en/Incyte-Announces-Positive-52-Week-"
        "Results-From-a-Randomized-Phase-2-Study-of-Ruxolitinib-Cream-in-Patients-With-Vitiligo",
        _PR,
        _NOTES,
    ),
    _ref(
        "medicom-aad-2023-withdrawal",
        "Medicom, AAD 2023",
        "Vitiligo patients maintain re-pigmentation after ruxolitinib cream withdrawal "
        "(TRuE-V long-term extension, randomised-withdrawal cohort)",
        "https://conferences.medicom-publishers.com/specialisation/dermatology/aad-2023/"
        "vitiligo-patients-maintain-re-pigmentation-after-ruxolitinib-cream-withdrawal/",
        _S,
        _NOTES,
    ),
    _ref(
        "physiciansweekly-withdrawal-2023",
        "Physician's Weekly, AAD 2023",
        "Repigmentation persists after treatment withdrawal from topical ruxolitinib",
        "https://www.physiciansweekly.com/"
        "repigmentation-persists-after-treatment-withdrawal-from-topical-ruxolitinib/",
        _S,
        _NOTES,
    ),
    # --- United States prescribing information (FDA) ---------------------------------------
    _ref(
        "prescriberpoint-us-label",
        "US prescribing information (PrescriberPoint)",
        "Opzelura US prescribing information: boxed warning, dosage and quantity limit",
        "https://prescriberpoint.com/therapies/opzelura-24da550",
        _P,
        _NOTES,
    ),
    _ref(
        "opzelurahcp-vitiligo-facts",
        "Opzelura HCP site (Incyte)",
        "Facts about vitiligo: US indication (non-segmental vitiligo, age 12 or older) and "
        "limitation of use with biologics, JAK inhibitors and potent immunosuppressants",
        "https://opzelurahcp.com/vitiligo/facts-about-vitiligo",
        _PR,
        _NOTES,
    ),
    _ref(
        "scholarsinmedicine-opzelura-pi",
        "US prescribing information, dosage (Scholars in Medicine)",
        "Opzelura US prescribing information, dosage and administration: do not use with "
        "occlusive dressings (stated in the retrieved text under the atopic dermatitis dosing)",
        "https://scholarsinmedicine.com/resources/drugs/143",
        _S,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "epocrates-opzelura",
        "Epocrates, Opzelura boxed warning",
        "Opzelura boxed warning summary: consider screening for latent and active tuberculosis "
        "before treatment; non-melanoma skin cancer with topical ruxolitinib; risk in people aged "
        "50 or older with a cardiovascular risk factor and in current or past smokers",
        "https://www.epocrates.com/online/contextuallink/drug/10494",
        _S,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "drugslib-opzelura-guide",
        "DrugsLib, Opzelura medication guide",
        "Opzelura US medication guide summary: low blood cell counts checked by blood tests, "
        "cholesterol increases",
        "https://drugslib.com/drugs/opzelura-10560/",
        _W,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "singlecare-opzelura-dosage",
        "SingleCare",
        "Opzelura dosage (no more than one 60 g tube per week or one 100 g tube per 2 weeks)",
        "https://www.singlecare.com/prescription/opzelura/dosage",
        _W,
        _NOTES,
    ),
    _ref(
        "drugs-com-pregnancy",
        "Drugs.com",
        "Ruxolitinib topical: pregnancy and breastfeeding warnings (summarising the US label)",
        "https://www.drugs.com/pregnancy/ruxolitinib-topical.html",
        _S,
        _NOTES,
    ),
    _ref(
        "fda-ndc-50881-007",
        "FDA NDC directory 50881-007",
        "FDA National Drug Code directory, Opzelura 1.5% cream packages (5 g, 60 g, 100 g)",
        "https://api.fda.gov/drug/ndc.json?search=product_ndc%3A%2250881-007%22",
        _P,
        _NOTES,
    ),
    # --- European Union (EMA SmPC) and the matching Swiss and UK texts -------------------
    _ref(
        "rxreasoner-eu-smpc",
        "EU SmPC 2023 (RxReasoner)",
        "Opzelura EU summary of product characteristics, posology and method of administration",
        "https://rxreasoner.com/monographs/opzelura/usage",
        _P,
        _NOTES,
    ),
    _ref(
        "rxreasoner-eu-indication",
        "EU SmPC 2023, indication and dosing (RxReasoner)",
        "Opzelura EU dosing: using it with other topical vitiligo medicines was not studied and "
        "co-application on the same skin is not recommended; other topical products at least 2 "
        "hours after the cream",
        "https://www.rxreasoner.com/indications/I-569287",
        _P,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "liekinfo-sk-opzelura-smpc",
        "EU SmPC, Slovak text (liekinfo.sk)",
        "Opzelura EU summary of product characteristics (Slovak): contraindications "
        "(hypersensitivity to the substance or excipients, pregnancy, breastfeeding); "
        "non-melanoma skin cancers, mostly in patients with risk factors such as earlier "
        "phototherapy or skin cancer; periodic skin examinations",
        "https://www.liekinfo.sk/liek-opzelura-15-mg-g-krem-crm-1x100-mg-(tuba-al)-125851-spc",
        _P,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "rote-liste-opzelura",
        "Rote Liste, Opzelura 15 mg/g Creme",
        "Opzelura EU product in the German drug directory: composition with the full list of "
        "excipients",
        "https://www.rote-liste.de/rle/detail/27834-0/OpzeluraTM-15-mg-g-Creme",
        _P,
        _LABEL_RULES_2026_12_04,
    ),
    _ref(
        "oddb-ch-usage",
        "Swiss product information, dosage",
        "Opzelura Swiss product information: dosage and administration",
        "https://ch.oddb.org:443/de/gcc/fachinfo/reg/69443/chapter/usage",
        _P,
        _NOTES,
    ),
    _ref(
        "oddb-ch-pregnancy",
        "Swiss product information, pregnancy",
        "Opzelura Swiss product information: pregnancy and breastfeeding",
        "https://ch.oddb.org:443/en/gcc/fachinfo/reg/69443/chapter/pregnancy",
        _P,
        _NOTES,
    ),
    _ref(
        "oddb-ch-effects",
        "Swiss product information, clinical efficacy",
        "Opzelura Swiss product information: properties and effects (TRuE-V1/V2 population)",
        "https://ch.oddb.org:443/en/gcc/fachinfo/reg/69443/chapter/effects",
        _P,
        _NOTES,
    ),
    _ref(
        "emc-uk-pil",
        "UK patient leaflet (emc)",
        "Opzelura UK patient information leaflet",
        "https://www.medicines.org.uk/emc/product/14903/xpil/print",
        _P,
        _NOTES,
    ),
    _ref(
        "whocc-atc-ddd-index",
        "WHO ATC/DDD index",
        "WHO Collaborating Centre for Drug Statistics Methodology: ATC/DDD index",
        "https://atcddd.fhi.no/atc_ddd_index/",
        _P,
        _ATC_NOT_READ,
    ),
    # --- Scoring instruments ---------------------------------------------------------------
    _ref(
        "usdermed-vasi",
        "usdermed VASI tool",
        "Vitiligo Area Scoring Index (VASI) and facial VASI: method, hand unit and ranges",
        "https://www.usdermed.com/clinical-tools/vasi",
        _S,
        _NOTES,
    ),
    _ref(
        "medicalalgorithms-vasi",
        "Medical Algorithms, VASI",
        "Vitiligo Area Scoring Index (VASI)",
        "https://www.medicalalgorithms.com/vitiligo-area-scoring-index-vasi",
        _S,
        _NOTES,
    ),
    _ref(
        "consultantlive-vitiligo-severity",
        "Consultant360, assessing vitiligo severity",
        "Assessment of vitiligo severity (hand unit about 1% BSA; F-VASI worked example)",
        "https://www.consultantlive.com/view/assessment-of-vitiligo-severity",
        _S,
        _NOTES,
    ),
    _ref(
        "ssdds-vasi-head-neck",
        "ssdds.org",
        "VASI description listing head and neck as a sixth body site",
        "https://ssdds.org/en/4162",
        _W,
        _NOTES,
    ),
    # --- Cited by the public information pages (repigment.knowledge) ----------------------
    _ref(
        "hpe-true-v-2022",
        "Hospital Pharmacy Europe 2022",
        "Identical RCTs confirm topical ruxolitinib effective in non-segmental vitiligo "
        "(TRuE-V1/V2 design: double-blind, vehicle-controlled, 2:1, 24 weeks, then open label)",
        "https://hospitalpharmacyeurope.com/clinical-zones/dermatology/"
        "identical-rcts-confirm-topical-ruxolitinib-effective-in-non-segmental-vitiligo",
        _S,
        _NOTES,
    ),
    _ref(
        "adc-bmj-2022",
        "Arch Dis Child 2022;107:1140",
        "Archives of Disease in Childhood 2022;107(12):1140, report of the TRuE-V1/V2 trials "
        "(design and enrolment)",
        "https://adc.bmj.com/content/107/12/1140",
        _S,
        _NOTES,
    ),
    _ref(
        "openfda-ruxolitinib-label",
        "US prescribing information (openFDA)",
        "openFDA drug label record for ruxolitinib (Opzelura): boxed warning text",
        "https://api.fda.gov/drug/label.json?search=openfda.generic_name%3A%22Ruxolitinib%22",
        _P,
        _NOTES,
    ),
    _ref(
        "medthority-us-label",
        "US prescribing information (Medthority)",
        "Opzelura US prescribing information, section 6: adverse reactions in non-segmental "
        "vitiligo",
        "https://www.medthority.com/fda/o/opzelura/"
        "opzelura-ruxolitinib-phosphate-15-mgg-incyte-corporation2/",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "opzelura-se",
        "Incyte Sweden (opzelura.se)",
        "Opzelura information site of Incyte Sweden (application-site acne 5.8%; no serious "
        "adverse event judged related to treatment in TRuE-V1/V2)",
        "https://opzelura.se",
        _PR,
        _NOTES,
    ),
    _ref(
        "chemistryworld-jakavi",
        "Chemistry World",
        "Myelofibrosis drug approved in EU (ruxolitinib tablets, Jakavi; Novartis licence "
        "from Incyte)",
        "https://www.chemistryworld.com/news/myelofibrosis-drug-approved-in-eu/5371.article",
        _S,
        _NOTES,
    ),
    _ref(
        "ablesci-phase2-letter",
        "Letter on the phase 2 population (AbleSci)",
        "Letter on the generalisability of the ruxolitinib cream phase 2 trial (Fitzpatrick "
        "skin types of the participants)",
        "https://www.ablesci.com/scholar/paper?id=3OlLGG0ZE",
        _W,
        _NOTES,
    ),
    _ref(
        "nottingham-vns",
        "University of Nottingham CEBD",
        "Vitiligo outcome measures: the Vitiligo Noticeability Scale (Centre of Evidence Based "
        "Dermatology)",
        "https://www.nottingham.ac.uk/research/groups/cebd/projects/2vitiligo/"
        "vitiligo-outcome-measures.aspx",
        _S,
        _NOTES,
    ),
    _ref(
        "trials-vns-validation",
        "Trials 2015;16(Suppl 2):P68",
        "Validation of the Vitiligo Noticeability Scale (conference abstract, Trials)",
        "https://trialsjournal.biomedcentral.com/articles/10.1186/1745-6215-16-S2-P68",
        _P,
        _NOTES,
    ),
    _ref(
        "ncbi-fitzpatrick",
        "NCBI Bookshelf, Fitzpatrick table",
        "Fitzpatrick skin phototypes I to VI (NCBI Bookshelf table)",
        "https://www.ncbi.nlm.nih.gov/books/NBK481857/table/chapter6.t1/",
        _P,
        _NOTES,
    ),
    _ref(
        "incyteful-it-price",
        "Incyte Italy",
        "Opzelura in Italy: posology and administration, price and prescription class",
        "https://vitiligo.incyteful.it/posologia-e-somministrazione",
        _PR,
        _NOTES,
    ),
    # --- Regulators, legal access and genuine supply (ACCESS.md) ----------------------------
    _ref(
        "sahpra-unregistered-products",
        "SAHPRA, unregistered products",
        "SAHPRA: unregistered products (Section 21 of the Medicines and Related Substances Act)",
        "http://www.sahpra.org.za/unregistered-products/",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "sahpra-s21-faq",
        "SAHPRA Section 21 FAQ",
        "SAHPRA: Section 21 application FAQs (fee, turnaround, queries, outcome letter)",
        "https://www.sahpra.org.za/section-21-application-faqs",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "sahpra-faqs",
        "SAHPRA FAQ",
        "SAHPRA: frequently asked questions (Section 21 supply period)",
        "https://www.sahpra.org.za/faqs/",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "acts-regulation-29",
        "General Regulations 2017, reg. 29",
        "Medicines and Related Substances Act: General Regulation 29, authorisation of sale of "
        "unregistered medicines",
        "http://www.acts.co.za./medicines-and-related-substances-control-act-1965/"
        "n859_29__authorisation_of_sale.php",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "sahpra-portal-s21",
        "SAHPRA portal manual, Section 21",
        "SAHPRA Engagement Portal user manual: Section 21 overview (applicant, importer, "
        "patient and medicine details)",
        "https://portal.sahpra.org.za/user-manual/_site/s21_overview.html",
        _P,
        _STORED_2026_12_04,
    ),
    _ref(
        "sahpra-portal-reauthorisation",
        "SAHPRA portal manual, re-authorisation",
        "SAHPRA Engagement Portal user manual: Section 21 re-authorisation",
        "https://portal.sahpra.org.za/user-manual/_site/reauthorisation.html",
        _P,
        _NOTES,
    ),
    _ref(
        "news24-import-2022",
        "News24, July 2022",
        "Explainer: what the law says about importing medicines (SAHPRA on licensed importers "
        "and Section 21)",
        "https://www.news24.com/news24/Analysis/"
        "explainer-sisulu-meds-comments-what-does-the-law-say-about-importing-medicines-20220723",
        _S,
        _NOTES,
    ),
    _ref(
        "sahpra-illegal-medicines",
        "SAHPRA",
        "SAHPRA: warnings about illegal, unregistered and falsified medicines, and how to "
        "report them",
        "https://sahpra.org.za/?p=10647",
        _P,
        _NOTES,
    ),
    _ref(
        "ewn-sahpra-2024",
        "EWN, 10 Nov 2024",
        "SA's health regulator warns against buying weight-loss and diabetes medicines from "
        "unregulated sources",
        "https://ewn.co.za/2024/11/10/"
        "sas-health-regulator-warns-against-buying-weight-loss-diabetes-meds-from-unregulated-sources",
        _S,
        _NOTES,
    ),
    _ref(
        "ewn-sahpra-2025",
        "EWN, 17 Nov 2025",
        "SAHPRA warns of harsh legal repercussions for distributors of unauthorised medicines",
        "https://www.ewn.co.za/2025/11/17/"
        "sahpra-warns-of-harsh-legal-repercussions-for-distributors-of-unauthorised-medicines",
        _S,
        _NOTES,
    ),
    _ref(
        "sahpra-medsafety",
        "SAHPRA Med Safety",
        "SAHPRA Med Safety: reporting suspected adverse drug reactions (app, e-mail, telephone)",
        "https://medsafety.sahpra.org.za/",
        _P,
        _NOTES,
    ),
    _ref(
        "who-gsms-2017",
        "WHO GSMS report 2017",
        "WHO Global Surveillance and Monitoring System for substandard and falsified medical "
        "products (ISBN 978-92-4-151342-5)",
        "https://ahpsr.who.int/publications/i/item/978-92-4-151342-5",
        _P,
        _NOTES,
    ),
    _ref(
        "eu-fmd-2016-161",
        "Regulation (EU) 2016/161",
        "Commission Delegated Regulation (EU) 2016/161: safety features on medicine packs "
        "(unique identifier and anti-tampering device)",
        "http://www.legislation.gov.uk/eur/2016/161/article/16/adopted",
        _P,
        _NOTES,
    ),
    _ref(
        "pharmaledger-gs1-barcodes",
        "PharmaLedger, barcodes and resolver",
        "PharmaLedger: barcodes and resolver, GS1 DataMatrix application identifiers on "
        "medicine packs (01, 21, 17, 10)",
        "https://github.com/PharmaLedger-IMI/epi-workspace/files/6000682/"
        "Barcodes.and.Resolver.v0.3.2.pdf",
        _W,
        _NOTES,
    ),
    _ref(
        "pdsa-dscsa",
        "PDSA, DSCSA serialization",
        "US Drug Supply Chain Security Act: the product identifier on each pack",
        "https://pdsaonline.org/dscsa-information/serialization/",
        _S,
        _NOTES,
    ),
    # --- compounded and generic products, and how a batch's quality is judged ---------------
    _ref(
        "who-sf-definitions",
        "WHO, SF definitions",
        "WHO: definitions of substandard and falsified (SF) medical products, and of unregistered "
        "or unlicensed ones (adopted by the World Health Assembly, May 2017)",
        "http://www.who.int/medicines/regulation/ssffc/definitions/en/",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "fda-compounding-risks",
        "FDA, risks of compounded drugs",
        "FDA: Understanding the risks of compounded drugs",
        "https://fda.gov/drugs/human-drug-compounding/understanding-risks-compounded-drugs",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "fda-compounding-consumers",
        "FDA, compounding information",
        "FDA: Human drug compounding, consumer and health care professional information",
        "https://www.fda.gov/drugs/human-drug-compounding/consumer-and-health-care-professional-"
        "information",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "ema-generic-medicines",
        "EMA, generic and hybrid medicines",
        "EMA: Generic and hybrid medicines (marketing authorisation)",
        "https://www.ema.europa.eu/en/human-regulatory/marketing-authorisation/generic-hybrid-"
        "medicines",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "who-coa-model-2002",
        "WHO TRS 902, Annex 10",
        "WHO: Model certificate of analysis, WHO Technical Report Series No. 902 (2002), Annex 10",
        "http://apps.who.int/medicinedocs/es/m/abstract/Js19949en/",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "who-coa-model-copy",
        "WHO TRS 902, Annex 10 (copy)",
        "A copy of WHO's model certificate of analysis (TRS 902, Annex 10) with its list of what "
        "a certificate should state: batch number, expiry date, test procedures with their "
        "limits, results and conclusion",
        "https://www.slideshare.net/MDSELIMREZA3/who-guidance-on-model-certificate-of-analysis-coa",
        _W,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "who-stability-2009",
        "WHO TRS 953, Annex 2",
        "WHO: Stability testing of active pharmaceutical ingredients and finished pharmaceutical "
        "products, WHO Technical Report Series No. 953 (2009), Annex 2",
        "http://apps.who.int/medicinedocs/fr/m/abstract/Js19133en/",
        _P,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "za-compounding-regulation",
        "General Regulations, reg. 3",
        "South Africa, General Regulations under the Medicines and Related Substances Act: "
        "regulation 3, conditions for compounding a medicine (as amended 8 December 2022)",
        "https://www.acts.co.za/medicines-and-related-substances-control-act-1965/"
        "n859_3__conditions_for_compoun.php",
        _S,
        _UNAPPROVED_2026_12_04,
    ),
    _ref(
        "eu-manufacturing-authorisation",
        "EuroGCT, manufacturing authorisation",
        "EuroGCT: Manufacturing authorisation in the European Union (GMP and the qualified person)",
        "https://www.eurogct.org/it/node/444",
        _S,
        _UNAPPROVED_2026_12_04,
    ),
    # --- body surface by region and age (plausibility of a typed %) -------------------------
    _ref(
        "jsr-2018-lund-browder",
        "J Surg Res 2018 (Lund & Browder chart against CT)",
        "Comparison of the Lund and Browder table to computed tomography scan three-dimensional "
        "surface area measurement for a pediatric cohort. J Surg Res 2018;221:275-84 "
        "(doi:10.1016/j.jss.2017.08.019, PMID 29229139): the chart (Lund CC, Browder NC, Surg "
        "Gynecol Obstet 1944;79:352) still matches the regional proportions measured in children "
        "aged 9 months to 15 years, the largest deviation 3.4 %",
        "https://www.ncbi.nlm.nih.gov/pubmed/29229139",
        _P,
        _BODY_CHART_2026_12_04,
    ),
    _ref(
        "activheal-lund-browder",
        "ActivHeal Academy, burn size",
        "Topic five: burn size (a wound-care maker's training page): reproduces the Lund-Browder "
        "age columns, half of the head 9.5 / 8.5 / 6.5 / 5.5 / 4.5 / 3.5 %, half of a thigh "
        "2.75 to 4.75 % and half of a lower leg 2.5 to 3.5 %, from birth to adult",
        "https://academy2.activheal.com/topic/topic-five-burn-size/",
        _PR,
        _BODY_CHART_2026_12_04,
    ),
)

REFERENCES: Mapping[str, Reference] = MappingProxyType({ref.id: ref for ref in _ALL})

# Figures the issue asks for that no confirmed CLINICAL.md fact backs yet. They are kept here,
# in the open, so that pages can show "source pending" and a test can hold the list to these.
UNSOURCED: Mapping[str, str] = MappingProxyType(
    {
        "quantity.GRAMS_PER_FINGERTIP_UNIT": (
            "fingertip unit of 0.5 g covering two hand units: from the issue; CLINICAL.md "
            "has no source for it yet"
        ),
        "identifiers.ZA_ID_LENGTH": (
            "South African ID number layout and check digit: an identifier format, not a "
            "clinical fact; CLINICAL.md has no source for it"
        ),
    }
)


def get_reference(ref_id: str) -> Reference:
    """The reference with this id; a KeyError names the unknown id."""
    try:
        return REFERENCES[ref_id]
    except KeyError:
        raise KeyError(
            f"unknown reference id {ref_id!r}; see repigment.clinical.references"
        ) from None
