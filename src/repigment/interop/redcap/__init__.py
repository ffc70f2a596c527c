"""Import of REDCap projects: the data dictionary, the raw records export and a mapping file.

``mapping`` reads the TOML mapping (which REDCap field fills which Repigment field, and how
coded answers translate), ``reader`` reads REDCap's two CSV formats, ``importer`` checks every
row first and then writes everything in one transaction, or nothing.
"""
