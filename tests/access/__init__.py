"""Tests of the access app: country data, the public navigator, the countries API and
authorisation applications. (The access-table machinery is ``tests/access_rules.py``.)"""
