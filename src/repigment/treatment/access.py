"""Opening a prescription or a co-medication: the patient's clinic decides, as for patients."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

from repigment.patients.access import record_read, role_for
from repigment.treatment.models import CoMedication, Prescription

View = TypeVar("View", bound=Callable[..., HttpResponse])


def object_for(
    request: HttpRequest, model: type[Model], pk: int, roles: tuple[str, ...]
) -> tuple[Any, str]:
    """The object and the role under which its patient may be opened (404 / 403 otherwise)."""
    found = model._default_manager.select_related("patient__clinic").filter(pk=pk).first()
    if found is None:
        raise Http404("no such object")
    return found, role_for(request, found.patient, roles)


def _object_view(model: type[Model], key: str, name: str, roles: tuple[str, ...]) -> Any:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found, role = object_for(request, model, kwargs.pop(key), roles)
            if request.method in ("GET", "HEAD"):
                record_read(request, found.patient, role, name, found.pk)
            kwargs.update({name: found, "patient": found.patient, "role": role})
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def prescription_view(*roles: str) -> Callable[[View], View]:
    """The view takes ``prescription_id``; receives ``prescription``, ``patient``, ``role``."""
    return _object_view(Prescription, "prescription_id", "prescription", roles)  # type: ignore[no-any-return]


def co_medication_view(*roles: str) -> Callable[[View], View]:
    """The view takes ``co_medication_id``; receives ``co_medication``, ``patient``, ``role``."""
    return _object_view(CoMedication, "co_medication_id", "co_medication", roles)  # type: ignore[no-any-return]
