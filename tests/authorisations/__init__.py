"""Tests of authorisation applications: rules, states, checklist, pack, pipeline, reminders, API."""
