"""Repigment's clinical core: rules a clinician can check by hand, in plain typed Python.

Nothing here imports Django or another Repigment app; the apps call into it.
Every constant and rule is tied to a reference in :mod:`repigment.clinical.references`.
"""
