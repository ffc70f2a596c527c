"""WSGI entry point for gunicorn; production refuses to serve with an unsafe set-up."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "repigment.settings")
application = get_wsgi_application()

from repigment.accounts.checks import refuse_unsafe_production  # noqa: E402  (needs the apps)

refuse_unsafe_production()
