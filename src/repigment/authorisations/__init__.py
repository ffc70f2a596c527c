"""Authorisation applications: a patient's prescription taken through a country's access route.

The models in ``models``; the state machine in ``states``; the work in ``services``; pages,
API, PDFs, reminders and demo data in their own modules. Built on the country navigator
(``repigment.access``: routes and their checklists), which knows nothing of this app.
"""
