"""Patient search walks indexes: exact record, passport and ID numbers on normalised keys, and
names by prefix; keys are kept by save() and by bulk inserts alike."""

from __future__ import annotations

from datetime import date

from django.db import connection

from repigment.clinical.identifiers import Citizenship, format_za_id
from repigment.patients.models import Patient, name_key, number_key
from tests.conftest import World

ZA_ID = format_za_id(date(1981, 3, 4), 1234, Citizenship.CITIZEN)


def test_keys_drop_case_accents_and_punctuation() -> None:
    assert name_key("  Mokoena-Dubé ") == "mokoena dube"
    assert name_key("ESPERANÇA") == "esperanca"
    assert number_key(" jhb-0102 ") == "JHB0102"
    assert number_key("ZW 123/456") == "ZW123456"


def test_search_finds_exact_numbers_and_name_prefixes(world: World) -> None:
    made = Patient.objects.bulk_create(
        [
            Patient(
                clinic=world.clinic, record_number="JHB-0102", given_names="Esperança",
                family_name="Dubé", date_of_birth=date(1981, 3, 4), sex="female", phototype=6,
                za_id_number=ZA_ID,
            ),
            Patient(
                clinic=world.clinic, record_number="JHB-0103", given_names="Tendai",
                family_name="Moyo", date_of_birth=date(1975, 1, 1), sex="male", phototype=6,
                passport_number="ZW1234567", passport_country="ZW",
            ),
        ]
    )  # fmt: skip
    dube, moyo = made
    everyone = Patient.objects.all()
    for text, found in (
        ("jhb 0102", dube), ("JHB-0103", moyo), ("zw-1234567", moyo), (ZA_ID, dube),
        ("dube", dube), ("Dub", dube), ("esper dub", dube), ("mo", moyo), ("tendai moyo", moyo),
    ):  # fmt: skip
        assert list(everyone.search(text)) == [found], text
    assert not everyone.search("ube").exists()  # prefixes, not any substring
    assert not everyone.search("JHB-01").exists()  # numbers are exact
    world.patient.family_name = "Ndlovu-Khumalo"
    world.patient.save(update_fields=["family_name"])
    assert list(everyone.search("ndlovu k")) == [world.patient]


def _plan(text: str) -> str:
    sql, params = Patient.objects.search(text).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: say what it could use
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())


def test_every_kind_of_search_uses_an_index(world: World) -> None:
    for text in ("JHB-0102", ZA_ID, "dube", "lerato mok"):
        plan = _plan(text)
        if connection.vendor == "sqlite":
            assert "SCAN patients_patient " not in f"{plan} ", (text, plan)  # _fts: FTS5 index
        else:
            assert "Seq Scan on patients_patient" not in plan, (text, plan)
