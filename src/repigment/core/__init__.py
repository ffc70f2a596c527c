"""The lowest app: what every other app shares (the API's error shape, its strict input schema,
the append-only and hash-chained base of the audit trail and the other ledgers).

It imports no other Repigment app; every app may import it.
"""
