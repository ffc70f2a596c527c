"""Tests of the access app: country data, the public navigator and the countries API.
(The access-table machinery is ``tests/access_rules.py``.)"""
