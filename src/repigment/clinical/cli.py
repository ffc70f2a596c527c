"""JSON command line for the clinical core: ``repigment score|label|quantity|id ...``.

Input is JSON on standard input (or options); output is one JSON object on standard output,
with numbers as JSON numbers. Bad input of any kind, including a missing or unknown option,
ends with exit status 2 and exactly one line on standard error naming the field and the
problem, and nothing on standard output.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from repigment.clinical._values import to_decimal
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.identifiers import parse_za_id
from repigment.clinical.label import LabelInput, check_label
from repigment.clinical.quantity import estimate_quantity
from repigment.clinical.response import classify_response
from repigment.clinical.scoring import VasiEntry, VasiScore, score_fvasi, score_tvasi

USAGE_EXIT_STATUS = 2

# Click's UsageError (Typer vendors Click): every parse problem, missing or bad option,
# unknown option or command. Found through BadParameter so no private module is imported.
_UsageError: type[Exception] = next(
    cls for cls in typer.BadParameter.__mro__ if cls.__name__ == "UsageError"
)


def _fail(message: str) -> NoReturn:
    typer.echo(" ".join(message.split()), err=True)
    raise typer.Exit(USAGE_EXIT_STATUS)


def _usage_message(error: Exception) -> str:
    param = getattr(error, "param", None)
    field = None
    if param is not None:
        opts = getattr(param, "opts", None) or [getattr(param, "name", "value")]
        field = str(opts[0])
    if type(error).__name__ == "MissingParameter" and field:
        return f"{field}: is required"
    option_name = getattr(error, "option_name", None)
    if type(error).__name__ == "NoSuchOption" and option_name:
        return f"{option_name}: is not an option of this command"
    if option_name:  # e.g. an option given without its value
        return f"{option_name}: {getattr(error, 'message', error)}"
    text = getattr(error, "message", "") or str(error)
    return f"{field}: {text}" if field else str(text)


class OneLineErrorCommand(TyperCommand):
    """A command whose usage errors are one line on stderr and exit status 2."""

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _UsageError as error:
            _fail(_usage_message(error))


class OneLineErrorGroup(TyperGroup):
    """A group whose usage errors (unknown or missing command) are one line on stderr."""

    def make_context(self, info_name: Any, args: Any, parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _UsageError as error:
            _fail(_usage_message(error))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except _UsageError as error:
            commands = ", ".join(sorted(self.commands))
            _fail(f"{ctx.command_path}: {_usage_message(error)} (commands: {commands})")


# --- JSON in and out -------------------------------------------------------------------------


def _reject_constant(name: str) -> NoReturn:
    raise ClinicalInputError("input", f"{name} is not a number")


def _read_json_object() -> dict[str, Any]:
    text = typer.get_text_stream("stdin").read()
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ClinicalInputError(
            "input", f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    if not isinstance(data, dict):
        raise ClinicalInputError("input", "must be a JSON object")
    return data


def to_json(value: object) -> str:
    """JSON text with Decimals as exact JSON numbers (2.5, not "2.50" and not a float)."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, int | str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(key))}: {to_json(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(to_json(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _decimal_text(number: Decimal) -> str:
    if not number.is_finite():
        raise ValueError("only finite numbers can be written as JSON")
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def _run(
    produce: Callable[[], Mapping[str, object]], renames: Mapping[str, str] | None = None
) -> None:
    """Print what ``produce`` returns, or turn a ClinicalInputError into the one-line failure."""
    try:
        output = produce()
    except ClinicalInputError as error:
        field = (renames or {}).get(error.field, error.field)
        _fail(f"{field}: {error.problem}")
    sys.stdout.write(to_json(output) + "\n")


# --- score ------------------------------------------------------------------------------------

score_app = typer.Typer(
    cls=OneLineErrorGroup,
    help="Score F-VASI or T-VASI, or classify a response.",
    add_completion=False,
)

_ENTRY_FIELDS = ("region", "hand_units", "depigmentation")


def _entries_from(data: Mapping[str, Any]) -> list[VasiEntry]:
    unknown = sorted(set(data) - {"entries"})
    if unknown:
        raise ClinicalInputError(unknown[0], "is not a field this command knows")
    if "entries" not in data:
        raise ClinicalInputError("entries", "is required")
    raw = data["entries"]
    if not isinstance(raw, list):
        raise ClinicalInputError("entries", "must be a list")
    return [_entry_from(item, index) for index, item in enumerate(raw)]


def _entry_from(item: object, index: int) -> VasiEntry:
    where = f"entries[{index}]"
    if not isinstance(item, dict):
        raise ClinicalInputError(where, "must be an object with region, hand_units, depigmentation")
    for key in item:
        if key not in _ENTRY_FIELDS:
            raise ClinicalInputError(f"{where}.{key}", "is not a field of an entry")
    for key in _ENTRY_FIELDS:
        if key not in item:
            raise ClinicalInputError(f"{where}.{key}", "is required")
    try:
        return VasiEntry.from_values(item["region"], item["hand_units"], item["depigmentation"])
    except ClinicalInputError as error:
        raise error.within(where) from None


def _score_output(scorer: Callable[[list[VasiEntry]], VasiScore]) -> dict[str, object]:
    result = scorer(_entries_from(_read_json_object()))
    return {"score": result.score, "region_set": result.region_set}


@score_app.command("fvasi", cls=OneLineErrorCommand)
def score_fvasi_command() -> None:
    """Facial VASI from {"entries": [{"region": "face", "hand_units": 1, "depigmentation": 75}]}."""
    _run(lambda: _score_output(score_fvasi))


@score_app.command("tvasi", cls=OneLineErrorCommand)
def score_tvasi_command() -> None:
    """Total-body VASI over the six-region set, entries as for fvasi."""
    _run(lambda: _score_output(score_tvasi))


@score_app.command("response", cls=OneLineErrorCommand)
def score_response_command(
    instrument: Annotated[str, typer.Option(help="F-VASI or T-VASI")],
    baseline: Annotated[str, typer.Option(help="score at baseline, more than 0")],
    current: Annotated[str, typer.Option(help="score now")],
) -> None:
    """Percent improvement (rounded half-up to 2 decimals) and 50/75/90 responses."""

    def produce() -> dict[str, object]:
        result = classify_response(
            instrument, to_decimal(baseline, "baseline"), to_decimal(current, "current")
        )
        return {
            "percent_improvement": result.percent_improvement_rounded,
            "responses": result.responses,
        }

    _run(produce, {"instrument": "--instrument", "baseline": "--baseline", "current": "--current"})


# --- label ------------------------------------------------------------------------------------

label_app = typer.Typer(
    cls=OneLineErrorGroup, help="Check a plan against the label.", add_completion=False
)


@label_app.command("check", cls=OneLineErrorCommand)
def label_check_command() -> None:
    """Findings for a planned treatment (JSON on standard input) under FDA or EMA rules."""

    def produce() -> dict[str, object]:
        result = check_label(LabelInput.from_mapping(_read_json_object()))
        findings = [
            {"rule": f.rule, "level": f.level.value, "reason": f.reason, "reference": f.reference}
            for f in result.findings
        ]
        return {"overall": result.overall.value, "findings": findings}

    _run(produce)


# --- quantity ---------------------------------------------------------------------------------


def quantity_command(
    bsa: Annotated[str, typer.Option(help="treated body surface area, %")],
    weeks: Annotated[str, typer.Option(help="length of the course in weeks")],
    tube_grams: Annotated[str, typer.Option(help="tube size: 60 or 100")],
) -> None:
    """Cream needed by the fingertip-unit rule, tubes, and whether each label limit is met."""

    def produce() -> dict[str, object]:
        estimate = estimate_quantity(bsa, weeks, tube_grams)
        return {
            "grams_per_application": estimate.grams_per_application,
            "grams_per_day": estimate.grams_per_day,
            "grams_per_week": estimate.grams_per_week,
            "grams_total": estimate.grams_total,
            "tubes": estimate.tubes,
            "within_limit": estimate.within_limit,
        }

    _run(produce, {"bsa_percent": "--bsa", "weeks": "--weeks", "tube_grams": "--tube-grams"})


# --- id ---------------------------------------------------------------------------------------

id_app = typer.Typer(cls=OneLineErrorGroup, help="Check identity numbers.", add_completion=False)


@id_app.command("za", cls=OneLineErrorCommand)
def id_za_command(id_number: Annotated[str, typer.Argument(help="13-digit SA ID number")]) -> None:
    """Check a South African ID number and show what it encodes."""

    def produce() -> dict[str, object]:
        parsed = parse_za_id(id_number, date.today())
        return {
            "valid": True,
            "birth_date": parsed.birth_date.isoformat(),
            "sex": parsed.sex.value,
            "citizenship": parsed.citizenship.value,
        }

    _run(produce)


def register(app: typer.Typer) -> None:
    """Add the clinical commands to the project's top-level Typer app."""
    app.add_typer(score_app, name="score")
    app.add_typer(label_app, name="label")
    app.command("quantity", cls=OneLineErrorCommand)(quantity_command)
    app.add_typer(id_app, name="id")
