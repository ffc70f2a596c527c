"""The sourced content of each public page: sections of facts, one module per page.

Every UPPER_CASE constant in a page module is a figure taken from a source; ``SOURCES`` in
the same module names the references behind it, and a test holds every module to that.
"""
