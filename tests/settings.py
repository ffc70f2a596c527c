"""Settings for the test run: the project's settings with fast password hashing."""

import os

os.environ["REPIGMENT_ENV"] = "test"

from repigment.settings import *  # noqa: F403

# Argon2 is the production hasher (a test checks it); tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# WhiteNoise serves from the finders in tests; its root must merely exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405

# Concurrent runs on one PostgreSQL server (several developers, CI) must not
# drop each other's test database.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_repigment_{os.getpid()}"}  # noqa: F405

# A failed job is retried at once in tests (the worker runs in batch mode).
JOB_RETRY_SECONDS = 0

# Transactional tests empty the tables afterwards; the test engines lift the append-only
# guards for that flush alone (tests/dbengines).
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "django.db.backends.sqlite3": "tests.dbengines.sqlite3",
    "django.db.backends.postgresql": "tests.dbengines.postgresql",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405
