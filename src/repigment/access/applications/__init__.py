"""Authorisation applications: a patient's prescription taken through a country's access route.

The models live in :mod:`repigment.access.applications.models` (imported by the access app's
``models`` module so Django registers them); the state machine in ``states``; the work in
``services``; pages, API, PDFs, reminders and demo data in their own modules here.
"""
