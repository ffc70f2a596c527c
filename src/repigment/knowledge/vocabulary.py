"""The trial vocabulary of ``repigment.clinical.trials`` in the reader's language.

Trial names, arms, endpoints and notes are stored in English with their numbers inside
(``ruxolitinib 1.5% twice daily``). Each is translated by its *shape* — the text with every
number replaced by ``{}`` — and the numbers are taken back from the stored text and written
in the reader's notation, so a translation can never change a figure. A test checks that
every shape in the trial data has an entry here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.knowledge.content import plain_number

# A number that is not part of a name such as F-VASI75 or TRuE-V1.
NUMBER = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?")

SHAPES: Mapping[str, Promise] = MappingProxyType(
    {
        # trials
        "TRuE-V1": _("TRuE-V1"),
        "TRuE-V2": _("TRuE-V2"),
        "TRuE-V1/V2 pooled": _("TRuE-V1 and V2 together"),
        "Phase {} (Rosmarin, Lancet {})": _("Phase %(n1)s trial (Rosmarin, Lancet %(n2)s)"),
        "TRuE-V LTE randomised-withdrawal cohort": _(
            "TRuE-V long-term extension, randomised withdrawal"
        ),
        # arms
        "ruxolitinib {}% twice daily": _("ruxolitinib %(n1)s%% cream twice a day"),
        "ruxolitinib {}% once daily": _("ruxolitinib %(n1)s%% cream once a day"),
        "continued ruxolitinib {}% twice daily": _("kept applying ruxolitinib %(n1)s%% cream"),
        "vehicle": _("vehicle (cream without the medicine)"),
        "withdrawn to vehicle": _("switched to vehicle"),
        # endpoints
        "F-VASI50": _("F-VASI50"),
        "F-VASI75": _("F-VASI75"),
        "F-VASI90": _("F-VASI90"),
        "F-VASI75 maintained": _("F-VASI75 kept"),
        "relapse below F-VASI75": _("fell back below F-VASI75"),
        "F-VASI90 sustained": _("F-VASI90 kept throughout"),
        "F-VASI75 regained on retreatment": _("F-VASI75 regained after restarting the cream"),
        "F-VASI90 regained on retreatment": _("F-VASI90 regained after restarting the cream"),
        # notes (an empty note stays empty)
        "EADV {} congress figure; the NEJM values may differ slightly": _(
            "figure reported at the EADV %(n1)s congress; the journal article's values may "
            "differ slightly"
        ),
        "about half, pooled across both trials; not an exact figure": _(
            "about half, both trials together; not an exact figure"
        ),
        "about {}% in both trials (congress report, approximate)": _(
            "about %(n1)s%% in both trials (congress report, approximate)"
        ),
        "of {} patients with F-VASI90 at week {}, re-randomised; about one year after week {}": _(
            "among %(n1)s patients with F-VASI90 at week %(n2)s, allocated again at random; "
            "about one year after week %(n3)s"
        ),
        "of {} patients with F-VASI90 at week {}, re-randomised; about one year after week {}; "
        "half of relapses within the first {} months": _(
            "among %(n1)s patients with F-VASI90 at week %(n2)s, allocated again at random; "
            "about one year after week %(n3)s; half of the relapses came in the first %(n4)s "
            "months"
        ),
        "of {} patients with F-VASI90 at week {}, re-randomised; about one year after week {}; "
        "median duration of F-VASI90 on vehicle {} days": _(
            "among %(n1)s patients with F-VASI90 at week %(n2)s, allocated again at random; "
            "about one year after week %(n3)s; on vehicle, F-VASI90 lasted a median of %(n4)s "
            "days"
        ),
        "relapsed patients retreated during the extension year; median time to regain about {} "
        "weeks": _(
            "patients who relapsed and restarted the cream during the extension year; median "
            "time to regain it about %(n1)s weeks"
        ),
    }
)


def shape_of(text: str) -> str:
    return NUMBER.sub("{}", text)


def localise(text: str) -> str:
    """``text`` in the active language with its own numbers in the reader's notation."""
    if not text:
        return ""
    words = SHAPES.get(shape_of(text))
    if words is None:
        return text  # a test fails for any shape missing here; never show nothing
    numbers = [plain_number(Decimal(n)) for n in NUMBER.findall(text)]
    return str(words) % {f"n{i}": number for i, number in enumerate(numbers, start=1)}
