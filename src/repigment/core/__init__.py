"""The lowest app: what every other app shares (the API's error shape, its strict input schema).

It imports no other Repigment app; every app may import it.
"""
