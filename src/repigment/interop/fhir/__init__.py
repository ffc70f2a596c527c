"""An HL7 FHIR R4 server at ``/fhir/R4``: read, search and bulk export of Repigment's records.

``resources`` turns rows into FHIR resources (plain JSON-ready dicts; tests validate each with
fhir.resources' R4B models), ``types`` says per resource type who sees which rows, which
search parameters work and how rows are paged, ``views`` answers HTTP, ``codes`` holds the
CodeSystem the server publishes for the vitiligo scores.
"""
