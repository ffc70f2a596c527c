"""Repigment: access, supply, treatment and outcomes for topical ruxolitinib in vitiligo."""
