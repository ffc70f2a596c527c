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
else:
    # A file, not Django's shared in-memory database: the live server for browser tests and
    # the job workers run in threads, and with an in-memory database Django hands every thread
    # the one connection, so two requests at once interleave inside each other's transaction.
    # A file gives each thread its own connection, waiting on the busy timeout like production.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-repigment-{os.getpid()}.sqlite3")  # noqa: F405
    }

# A failed job is retried at once in tests (the worker runs in batch mode).
JOB_RETRY_SECONDS = 0

# Transactional tests empty the tables afterwards; the test engines lift the append-only
# guards for that flush alone (tests/dbengines).
DATABASES["default"]["ENGINE"] = {  # noqa: F405
    "django.db.backends.sqlite3": "tests.dbengines.sqlite3",
    "django.db.backends.postgresql": "tests.dbengines.postgresql",
}[DATABASES["default"]["ENGINE"]]  # noqa: F405
