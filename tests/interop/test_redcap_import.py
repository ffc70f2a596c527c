"""REDCap import: the example project imports; a broken copy is refused with every problem
and nothing written; re-running changes nothing; dry run writes nothing; the command."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.assessments.models import ScoreEntry, Visit
from repigment.interop.redcap.importer import Report, run_import
from repigment.patients.models import Diagnosis, Patient
from repigment.safety.models import AdverseEvent
from repigment.treatment.models import Prescription
from tests.conftest import World
from tests.safety.helpers import cream

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "redcap-vitiligo"


def files(world: World) -> tuple[str, str, str]:
    """The example project, its mapping pointed at the test world's clinic and prescriber."""
    cream()
    mapping = (EXAMPLE / "mapping.toml").read_text()
    mapping = mapping.replace("Johannesburg Skin Clinic", world.clinic.name)
    mapping = mapping.replace("prescriber@example.org", world.prescriber.email)
    return (EXAMPLE / "dictionary.csv").read_text(), (EXAMPLE / "records.csv").read_text(), mapping


def counts() -> dict[str, int]:
    return {
        "patient": Patient.objects.count(),
        "diagnosis": Diagnosis.objects.count(),
        "visit": Visit.objects.count(),
        "score": ScoreEntry.objects.count(),
        "prescription": Prescription.objects.count(),
        "event": AdverseEvent.objects.count(),
    }


def test_the_example_project_imports_once(world: World) -> None:
    before = counts()
    report = run_import(*files(world), user=world.prescriber)
    assert report.ok and report.written, report.problems
    assert (report.rows, report.records) == (8, 3)
    assert dict(report.created) == {
        "patient": 3,
        "diagnosis": 3,
        "visit": 5,
        "prescription": 3,
        "adverse_event": 3,
    }
    naledi = Patient.objects.get(record_number="RC-RC001")
    assert (naledi.given_names, naledi.sex, naledi.phototype) == ("Naledi", "female", 5)
    baseline = naledi.visits.order_by("visit_date").first()
    assert baseline is not None
    # face 1 HU x 75 %; hands 2 HU x 50 % (totals as the pages compute them)
    assert baseline.fvasi_total == pytest.approx(0.75) and baseline.tvasi_total == 1
    assert baseline.totals_from_entries() == (baseline.fvasi_total, baseline.tvasi_total)
    assert naledi.visits.order_by("visit_date").last().vns == 3  # type: ignore[union-attr]
    prescription = naledi.prescriptions.get()
    assert prescription.treated_bsa_percent == 3 and prescription.frequency == "twice_daily"
    assert naledi.diagnoses.get().activity == "active"
    entry = AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="redcap_import").get()
    assert len(entry.patient_ids) == 3
    # the same files again: nothing changes
    again = run_import(*files(world), user=world.prescriber)
    assert again.ok and dict(again.created) == {}
    assert dict(again.unchanged) == {**report.created}
    assert counts() == {
        k: v
        + {"patient": 3, "diagnosis": 3, "visit": 5, "score": 9, "prescription": 3, "event": 3}[k]
        for k, v in before.items()
    }


def test_a_dry_run_writes_nothing(world: World) -> None:
    before = counts()
    report = run_import(*files(world), dry_run=True)
    assert report.ok and not report.written and report.created["patient"] == 3
    assert counts() == before


def broken(world: World) -> tuple[str, str, str]:
    dictionary, records, mapping = files(world)
    lines = records.splitlines()
    lines[1] = lines[1].replace("1991-04-12", "1991-02-30")  # RC001: no such day
    lines[2] = lines[2].replace(",1,50,2,25,", ",1,55,2,25,")  # RC001 week 12: not on the ladder
    lines[4] = lines[4].replace("Kwame,Asante,1984-09-30,2,6", "Kwame,Asante,1984-09-30,7,6")
    lines[8] = lines[8].replace("2026-04-05,5,2,1,2", "2026-04-05,5,,1,2")  # severity missing
    return dictionary, "\n".join(lines) + "\n", mapping


def test_a_broken_copy_is_refused_with_every_problem_and_nothing_written(world: World) -> None:
    before = counts()
    report = run_import(*broken(world))
    assert not report.ok and not report.written
    found = {(p.line, p.record, p.field) for p in report.problems}
    assert found == {
        (2, "RC001", "dob"),
        (3, "RC001", "face_dep"),
        (5, "RC002", "sex"),
        (9, "RC003", "ae_severity"),
    }, report.problems
    reasons = " ".join(str(p) for p in report.problems)
    assert "'1991-02-30' is not a date" in reasons and "'7' is not one of the field's" in reasons
    assert counts() == before


def test_mapping_and_file_problems_are_all_listed(world: World) -> None:
    dictionary, records, mapping = files(world)
    bad_mapping = mapping.replace('given_names = "first_name"', 'given_names = "forename"')
    bad_mapping = bad_mapping.replace("[adverse_event]", '[adverse_event]\nmood = "x"')
    report = run_import(dictionary, records, bad_mapping)
    assert [str(p) for p in report.problems] == [
        "file: [adverse_event] mood: not a field Repigment takes (it takes onset_date, term, "
        "severity, outcome, action_taken, end_date, description)"
    ]
    report = run_import(dictionary, records, mapping.replace('"first_name"', '"forename"'))
    assert [p.field for p in report.problems] == ["forename"]
    assert not run_import("not,a,dictionary\n", records, mapping).ok
    other = mapping.replace(world.prescriber.email, world.clinic_admin.email)
    assert [p.field for p in run_import(dictionary, records, other).problems] == ["prescriber"]


def test_the_command_reports_and_refuses(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, text in zip(("d.csv", "r.csv", "m.toml"), broken(world), strict=True):
        (tmp_path / name).write_text(text)
    args = [
        "--dictionary",
        str(tmp_path / "d.csv"),
        "--records",
        str(tmp_path / "r.csv"),
        "--mapping",
        str(tmp_path / "m.toml"),
        "--no-progress",
    ]
    with pytest.raises(CommandError, match="4 problem"):
        call_command("import_redcap", *args)
    assert "line 5, record RC002, sex" in capsys.readouterr().err
    for name, text in zip(("d.csv", "r.csv", "m.toml"), files(world), strict=True):
        (tmp_path / name).write_text(text)
    call_command("import_redcap", *args, "--dry-run")
    assert "dry run" in capsys.readouterr().out and Patient.objects.count() == 1
    call_command("import_redcap", *args)
    assert "New: 3 adverse event" in capsys.readouterr().out and Patient.objects.count() == 4


def test_a_report_without_problems_is_ok() -> None:
    assert Report().ok


def test_rows_written_through_the_cursor_read_back_as_the_orm_writes_them(world: World) -> None:
    """The fast path (no model instances) fills what save() would: search keys, timestamps,
    JSON, decimals, score entries on the right visit; the audit chain still verifies."""
    from repigment.accounts.models import AuditPatient
    from repigment.core.appendonly import verify_chain

    report = run_import(*files(world), user=world.prescriber)
    assert report.ok and report.written, report.problems
    naledi = Patient.objects.get(record_number="RC-RC001")
    assert list(Patient.objects.search("naledi")) == [naledi]
    assert list(Patient.objects.search("rc-rc001")) == [naledi]
    assert naledi.created is not None and naledi.updated is not None
    assert naledi.created_by == world.prescriber and naledi.clinic == world.clinic
    prescription = naledi.prescriptions.get()
    assert isinstance(prescription.treated_areas, list) and prescription.treated_areas
    assert prescription.acknowledged == [] and prescription.created is not None
    for visit in Visit.objects.filter(patient__clinic=world.clinic, notes__startswith="Imported"):
        assert visit.totals_from_entries() == (visit.fvasi_total, visit.tvasi_total)
    event = naledi.adverse_events.first()
    assert event is not None and event.reported_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="redcap_import")
    assert AuditPatient.objects.filter(entry=entry).count() == 3
    assert verify_chain(AuditEntry).broken is None


def test_every_problem_of_a_row_is_listed_and_short_lines_are_read(world: World) -> None:
    """A bad value does not hide a missing one after it in the same section; a line cut
    short (trailing empty cells left out) reads as empty cells, a blank line is skipped."""
    dictionary, records, mapping = files(world)
    lines = records.splitlines()
    lines[4] = lines[4].replace("Kwame,Asante,1984-09-30,2,6", ",Asante,1984-09-30,7,")
    lines[5] = lines[5].rstrip(",")  # RC002 week 12: no trailing empty cells
    lines.insert(6, "")
    report = run_import(dictionary, "\n".join(lines) + "\n", mapping)
    found = sorted((p.line, p.record, p.field) for p in report.problems)
    assert found == [(5, "RC002", "first_name"), (5, "RC002", "fitzpatrick"), (5, "RC002", "sex")]
    assert "patient: phototype is missing" in " ".join(str(p) for p in report.problems)
    fixed = [line for line in lines if line]
    fixed[4] = files(world)[1].splitlines()[4]
    report = run_import(dictionary, "\n".join(fixed) + "\n", mapping)
    assert report.ok and report.created["visit"] == 5, report.problems


def test_the_cycle_collector_is_restored_when_an_import_fails(world: World) -> None:
    """The import pauses gc process-wide: it must come back on every path, errors included."""
    import gc

    def broken_progress(done: int, total: int) -> None:
        assert not gc.isenabled()  # paused while the rows are checked
        raise RuntimeError("the progress bar broke")

    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="progress bar broke"):
        run_import(*files(world), progress=broken_progress)
    assert gc.isenabled()
    gc.disable()  # a caller that had paused it itself keeps it paused
    try:
        assert run_import(*files(world)).ok
        assert not gc.isenabled()
    finally:
        gc.enable()
