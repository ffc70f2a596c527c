"""The cohort's bands and names, apart from the analysis so pages can offer them without
loading the analysis engine (Polars) into every server process."""

from __future__ import annotations

AGE_BANDS = ((0, 17, "under 18"), (18, 39, "18-39"), (40, 59, "40-59"), (60, None, "60 and over"))
DURATION_BANDS = ((0, 4, "under 5 years"), (5, 14, "5-14 years"), (15, None, "15 years or more"))
PHOTOTYPE_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
